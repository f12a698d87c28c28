import { describe, expect, it } from 'vitest';
import { isCurrent } from './api-types.ts';

describe('the typed client', () => {
  // The web's API types come from the server's OpenAPI document; a route or field changed on the
  // server without regenerating them would leave the web compiling against an API that is gone.
  it("is generated from the server's current OpenAPI document", async () => {
    expect(await isCurrent(), 'web/src/lib/api/openapi.d.ts is stale: run `pnpm api:types` and commit it').toBe(true);
  }, 30_000);
});
