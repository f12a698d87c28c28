import { afterAll, describe, expect, it } from 'vitest';
import { ApiClient } from '../support/client.ts';
import { createTestDatabase } from '../support/db.ts';
import { OWNER } from '../support/foyer.ts';
import { NoteEditor } from '../support/notes.ts';
import { spawnFoyer, type FoyerProcess } from '../support/process.ts';

const running: FoyerProcess[] = [];
afterAll(async () => {
  for (const p of running) await p.stop();
});

describe('notes survive kill -9', () => {
  it('every acknowledged update is there after the server is killed mid-typing and restarted', async () => {
    const databaseUrl = await createTestDatabase();
    const first = await spawnFoyer({ DATABASE_URL: databaseUrl });
    running.push(first);
    const owner = new ApiClient(first.url);
    await owner.login(OWNER.email, OWNER.password);
    const created = await owner.post('/api/customers', { firstName: 'Dora', lastName: 'Durable' });
    expect(created.status).toBe(201);
    const customerId = created.body.id as string;

    const editor = await NoteEditor.connect(first.url, owner.cookie, customerId);
    editor.paragraph('start');
    // Type steadily, each update a numbered token; kill the server without warning once a good
    // number are acknowledged, with more in flight.
    let i = 0;
    const burst = () => {
      for (let n = 0; n < 10; n++) {
        const token = `[${i++}]`;
        editor.label = token;
        editor.type(token);
      }
    };
    const typing = setInterval(burst, 5);
    while (editor.ackedLabels.length < 150) await new Promise((r) => setTimeout(r, 10));
    clearInterval(typing);
    // One more burst just before the kill, so that some are surely in flight even when a busy
    // machine delayed the timer and everything typed so far was already acknowledged.
    burst();
    first.child.kill('SIGKILL');
    await new Promise((r) => first.child.once('exit', r));
    const ackedBeforeKill = [...editor.ackedLabels];
    expect(ackedBeforeKill.length).toBeGreaterThanOrEqual(150);
    // Some were in flight when it died: the test is about those that were acknowledged.
    expect(i).toBeGreaterThan(ackedBeforeKill.length);
    editor.close();

    const second = await spawnFoyer({ DATABASE_URL: databaseUrl });
    running.push(second);
    const again = new ApiClient(second.url);
    await again.login(OWNER.email, OWNER.password);
    const reader = await NoteEditor.connect(second.url, again.cookie, customerId);
    const text = reader.text;
    const missing = ackedBeforeKill.filter((token) => !text.includes(token));
    expect(missing).toEqual([]);
    expect(text.startsWith('start[0][1][2]')).toBe(true);
    reader.close();
  }, 120_000);
});
