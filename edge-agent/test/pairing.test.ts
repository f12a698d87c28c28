import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../src/config.ts';
import { resolveIdentity } from '../src/device-identity.ts';
import { silentLog } from '../src/log.ts';

// The pairing endpoint as the contract describes it: POST {code} → PairResponse, once per code.
const issued = { deviceId: 'dev-42', secret: 'shown-once', credentialKey: Buffer.alloc(32, 7).toString('base64') };
const requests: unknown[] = [];
const server = createServer((req, res) => {
  let body = '';
  req.on('data', (d) => (body += d));
  req.on('end', () => {
    requests.push({ method: req.method, url: req.url, body: JSON.parse(body || 'null') });
    const ok = req.method === 'POST' && req.url === '/api/edge/pair' && JSON.parse(body).code === 'GOOD-CODE' && requests.length === 1;
    res.writeHead(ok ? 200 : 400, { 'content-type': 'application/json' }).end(JSON.stringify(ok ? issued : { error: 'Unknown or used pairing code' }));
  });
});
let url: string;
let stateDir: string;
beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  stateDir = join(mkdtempSync(join(tmpdir(), 'foyer-pair-')), 'state');
});
afterAll(() => {
  server.close();
  rmSync(join(stateDir, '..'), { recursive: true, force: true });
});

describe('pairing', () => {
  it('trades the code once, stores the identity 0600 in a 0700 state dir, and uses it on the next start', async () => {
    const config = parseConfig({ serverUrl: url, pairingCode: 'GOOD-CODE', stateDir, doors: [{ id: 'd', driver: 'simulated' }] });
    expect(await resolveIdentity(config, silentLog)).toEqual(issued);
    expect(requests).toEqual([{ method: 'POST', url: '/api/edge/pair', body: { code: 'GOOD-CODE' } }]);
    expect(statSync(join(stateDir, 'device.json')).mode & 0o777).toBe(0o600);
    expect(statSync(stateDir).mode & 0o777).toBe(0o700);
    expect(JSON.parse(readFileSync(join(stateDir, 'device.json'), 'utf8'))).toEqual(issued);
    // A restart does not pair again (the code is used up).
    expect(await resolveIdentity(config, silentLog)).toEqual(issued);
    expect(requests).toHaveLength(1);
  });

  it('says clearly when the code is refused, and stores nothing', async () => {
    const dir = join(stateDir, '..', 'other');
    const config = parseConfig({ serverUrl: url, pairingCode: 'BAD-CODE', stateDir: dir, doors: [{ id: 'd', driver: 'simulated' }] });
    await expect(resolveIdentity(config, silentLog)).rejects.toThrow(/Pairing refused \(HTTP 400\).*Unknown or used pairing code/);
    expect(existsSync(join(dir, 'device.json'))).toBe(false);
  });
});
