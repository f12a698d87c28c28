import { Agent, get } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestFoyer, type TestFoyer } from '../support/foyer.ts';

let foyer: TestFoyer;
beforeAll(async () => {
  foyer = await startTestFoyer();
});
afterAll(async () => {
  await foyer?.close();
});

/** A GET through `agent`: whether it went on a connection the agent had already used. */
const reused = (agent: Agent, url: string) =>
  new Promise<boolean>((resolve, reject) => {
    const request = get(url, { agent }, (res) => {
      res.resume();
      res.on('end', () => resolve(request.reusedSocket));
    });
    request.on('error', reject);
  });

describe('HTTP keep-alive', () => {
  it('keeps an idle connection open past Node’s 5 s, so a client reusing it is not reset', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      expect(await reused(agent, `${foyer.url}/api/health`)).toBe(false);
      await new Promise((r) => setTimeout(r, 6000));
      expect(await reused(agent, `${foyer.url}/api/health`)).toBe(true);
    } finally {
      agent.destroy();
    }
  }, 20_000);
});
