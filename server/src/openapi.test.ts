import { describe, expect, it } from 'vitest';
import { openApiDocument } from './openapi.ts';

// The API as clients see it, committed next to the code: a changed route, field or schema changes
// __snapshots__/openapi.json too, so the change shows in review. After a deliberate change:
//   cd server && pnpm exec vitest run src/openapi.test.ts -u
// (the -u last: it takes an optional value and would swallow a path after it), then commit the
// snapshot with the change. In CI (CI=true) a missing snapshot fails instead of being written.

describe('OpenAPI document', () => {
  it('matches the committed snapshot', async () => {
    const doc = await openApiDocument();
    await expect(`${JSON.stringify(doc, null, 2)}\n`).toMatchFileSnapshot('./__snapshots__/openapi.json');
  });
});
