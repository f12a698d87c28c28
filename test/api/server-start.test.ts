import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SERVER_NODE_ARGS } from '../support/server-process.ts';

describe('the server process', () => {
  it('is started by tests and benchmarks with the arguments of the start script a person runs', () => {
    const pkg = JSON.parse(readFileSync(new URL('../../server/package.json', import.meta.url), 'utf8')) as { scripts: { start: string } };
    expect(pkg.scripts.start).toBe(`node ${SERVER_NODE_ARGS.join(' ')}`);
  });
});
