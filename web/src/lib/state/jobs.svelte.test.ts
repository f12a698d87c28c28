import { describe, expect, it } from 'vitest';
import type { JobProgress, JobRun } from '@foyer/schema/validation';
import { etaText, jobProgressText, LiveJob } from './jobs.svelte';

const progress = (done: number | null, total: number | null, extra: Partial<JobProgress> = {}): JobProgress => ({
  percent: done !== null && total ? Math.round((done / total) * 1000) / 10 : null,
  done,
  total,
  etaSeconds: null,
  message: null,
  ...extra,
});
const run = (over: Partial<JobRun> = {}): JobRun => ({
  id: '00000000-0000-4000-8000-000000000001',
  kind: 'customers.bulk',
  status: 'queued',
  progress: progress(null, null),
  result: null,
  error: null,
  attempt: 0,
  maxAttempts: 5,
  createdAt: '2026-12-04T10:00:00.000Z',
  startedAt: null,
  finishedAt: null,
  ...over,
});

describe('a job in words (every live indicator has text)', () => {
  it('says the percent, the counts and the time left while it runs', () => {
    expect(jobProgressText('running', progress(9000, 20000, { etaSeconds: 12 }), null)).toBe('45% · 9,000 of 20,000 · about 10 s left');
    expect(jobProgressText('running', progress(0, 20000), null)).toBe('0% · 0 of 20,000');
    expect(jobProgressText('running', progress(null, null, { message: 'Counting' }), null)).toBe('Counting');
  });

  it('says when it waits, retries, failed or is done', () => {
    expect(jobProgressText('queued', progress(null, null), null)).toBe('Waiting to start…');
    expect(jobProgressText('queued', progress(4000, 20000), null)).toBe('Waiting to carry on (4,000 of 20,000 done)…');
    expect(jobProgressText('retrying', progress(4000, 20000), 'connection lost')).toBe('Retrying after an error: connection lost');
    expect(jobProgressText('failed', progress(4000, 20000), 'the list was deleted')).toBe('Failed: the list was deleted');
    expect(jobProgressText('succeeded', progress(20000, 20000), null)).toBe('Done: 20,000 of 20,000');
  });

  it('rounds the time left as a person would say it', () => {
    expect([etaText(null), etaText(2), etaText(42), etaText(600), etaText(7200)]).toEqual([
      null,
      'a few seconds left',
      'about 40 s left',
      'about 10 min left',
      'about 2 h left',
    ]);
  });
});

describe('LiveJob', () => {
  it('follows events, never goes back while it runs, and settles once with what it did', async () => {
    const job = new LiveJob(run(), 'Tagging', (j) => ({ text: `Tagged ${(j.result as { changed: number }).changed}` }));
    job.update({ status: 'running', progress: progress(2000, 20000), error: null });
    // A fetched run older than the last event.
    job.update({ status: 'running', progress: progress(1000, 20000), error: null });
    expect(job.progress.done).toBe(2000);
    expect(job.outcome).toBeNull();
    job.update({ status: 'succeeded', progress: progress(20000, 20000), error: null, result: { changed: 20000 } });
    await expect(job.settled).resolves.toBe(job);
    // Nothing moves a finished job.
    job.update({ status: 'running', progress: progress(19000, 20000), error: null });
    expect(job.status).toBe('succeeded');
    expect(job.outcome).toEqual({ text: 'Tagged 20000' });
    expect(job.text).toBe('Done: 20,000 of 20,000');
  });
});
