import { SvelteMap } from 'svelte/reactivity';
import type { JobProgress, JobProgressEvent, JobStatus } from '@foyer/schema/validation';
import { api, type Schema } from '$lib/api';
import { formatCount } from '$lib/format';
import { staffSocket } from './staff-socket.svelte';

/** What a finished job says it did: "Tagged 20,000 customers", with a link (the export's file) if any. */
export type JobOutcome = { text: string; href?: string; linkText?: string; download?: boolean };
export type Describe = (job: LiveJob) => JobOutcome;

/** A run as GET /api/jobs/{id} and the 202 of a request that starts one answer it. */
export type JobRun = Schema<'JobRun'>;

/** How a run is read (GET /api/jobs/{id}; tests give their own through `jobs.configure`). */
export type FetchRun = (id: string) => Promise<JobRun>;

const FINAL: ReadonlySet<JobStatus> = new Set(['succeeded', 'failed']);
const emptyProgress: JobProgress = { percent: null, done: null, total: null, etaSeconds: null, message: null };

/**
 * One background job as this tab sees it (server/src/platform/jobs.ts), kept live from
 * `job:progress` on the tab's staff socket, and read again with GET /api/jobs/{id} whenever events
 * may have been missed (when it is first followed, after a reconnect).
 */
export class LiveJob {
  readonly id: string;
  readonly kind: string;
  /** What it does, in words: "Adding “VIP” to 20,000 customers". */
  readonly label: string;
  status = $state<JobStatus>('queued');
  progress = $state<JobProgress>(emptyProgress);
  result = $state<unknown>(null);
  error = $state<string | null>(null);
  readonly finished = $derived(FINAL.has(this.status));
  /** Words for screen readers and eyes alike: never a bar alone. */
  readonly text = $derived(jobProgressText(this.status, this.progress, this.error));
  #describe: Describe | undefined = undefined;
  #settled: Promise<LiveJob>;
  #settle!: (job: LiveJob) => void;

  /** What it did, once it succeeded (its kind's own words, from `describe`). */
  readonly outcome = $derived(this.status === 'succeeded' ? (this.#describe?.(this) ?? { text: 'Done' }) : null);

  constructor(run: Pick<JobRun, 'id' | 'kind' | 'status' | 'progress' | 'error'> & { result?: unknown }, label: string, describe?: Describe) {
    this.id = run.id;
    this.kind = run.kind;
    this.label = label;
    this.#describe = describe;
    this.#settled = new Promise((resolve) => (this.#settle = resolve));
    this.update(run);
  }

  /** Resolves once the job has succeeded or failed. */
  get settled(): Promise<LiveJob> {
    return this.#settled;
  }

  /** Takes a newer state (an event or a fetched run); a finished job stays as it finished. */
  update(next: Pick<JobProgressEvent, 'status' | 'progress' | 'error'> & { result?: unknown }) {
    if (this.finished) return;
    // Progress is sent at most every 200 ms and a fetched run may be older than the last event:
    // a count never goes back within a run that is still going.
    const older = !FINAL.has(next.status) && (next.progress.done ?? 0) < (this.progress.done ?? 0);
    if (older) return;
    this.status = next.status;
    this.progress = next.progress ?? emptyProgress;
    this.error = next.error ?? null;
    if (next.result !== undefined) this.result = next.result;
    if (this.finished) this.#settle(this);
  }
}

/**
 * The jobs this tab follows: `jobs.follow(run, label)` with the 202 answer of a request that started
 * one. Listening starts with the first followed job and stops with the last one forgotten.
 */
class Jobs {
  readonly items = new SvelteMap<string, LiveJob>();
  #fetchRun: FetchRun = (id) => api.get('/api/jobs/{id}', { path: { id } });
  #stop: (() => void) | undefined;

  /** Reads runs another way (tests). */
  configure(fetchRun: FetchRun) {
    this.#fetchRun = fetchRun;
  }

  /** Follows a job (again: the one already followed). */
  follow(run: JobRun, label: string, describe?: Describe): LiveJob {
    const known = this.items.get(run.id);
    if (known) {
      known.update(run);
      return known;
    }
    const job = new LiveJob(run, label, describe);
    this.items.set(job.id, job);
    this.#listen();
    // Events sent before the listener (the job may already be done) are in the run.
    void this.#refresh(job);
    return job;
  }

  /** Stops following a job (its panel was dismissed). */
  forget(id: string) {
    this.items.delete(id);
    if (this.items.size === 0) {
      this.#stop?.();
      this.#stop = undefined;
    }
  }

  /** The followed jobs of these kinds, oldest first. */
  of(...kinds: string[]): LiveJob[] {
    return [...this.items.values()].filter((j) => kinds.includes(j.kind));
  }

  /** A `job:progress` event (the socket's, or a test's). */
  receive(event: JobProgressEvent) {
    this.items.get(event.id)?.update(event);
  }

  #listen() {
    if (this.#stop) return;
    const socket = staffSocket.socket;
    if (!socket) return;
    const off = staffSocket.on('job:progress', (event) => this.receive(event));
    // After a drop the socket missed whatever was sent meanwhile: read the unfinished runs again.
    const caughtUp = () => {
      for (const job of this.items.values()) if (!job.finished) void this.#refresh(job);
    };
    socket.on('connect', caughtUp);
    this.#stop = () => {
      off();
      socket.off('connect', caughtUp);
    };
  }

  async #refresh(job: LiveJob) {
    try {
      job.update(await this.#fetchRun(job.id));
    } catch {
      // The socket still brings its events; the next reconnect reads it again.
    }
  }
}

export const jobs = new Jobs();

/** `about 40 s left`, `about 3 min left`; null when there is no estimate yet. */
export function etaText(seconds: number | null): string | null {
  if (seconds === null) return null;
  if (seconds < 5) return 'a few seconds left';
  if (seconds < 90) return `about ${Math.round(seconds / 5) * 5 || 5} s left`;
  if (seconds < 5400) return `about ${Math.round(seconds / 60)} min left`;
  return `about ${Math.round(seconds / 3600)} h left`;
}

/**
 * A job's state in words: `Waiting to start…`, `45% · 9,000 of 20,000 · about 10 s left`,
 * `Retrying after an error: …`, `Done: 20,000 of 20,000`, `Failed: …`.
 */
export function jobProgressText(status: JobStatus, progress: JobProgress, error: string | null): string {
  const counts = progress.done !== null && progress.total !== null ? `${formatCount(progress.done)} of ${formatCount(progress.total)}` : null;
  if (status === 'queued') return progress.done ? `Waiting to carry on${counts ? ` (${counts} done)` : ''}…` : 'Waiting to start…';
  if (status === 'retrying') return `Retrying after an error${error ? `: ${error}` : ''}`;
  if (status === 'failed') return `Failed${error ? `: ${error}` : ''}`;
  if (status === 'succeeded') return counts ? `Done: ${counts}` : 'Done';
  const parts = [progress.percent !== null ? `${Math.floor(progress.percent)}%` : null, counts, etaText(progress.etaSeconds)].filter(Boolean);
  return parts.length ? parts.join(' · ') : (progress.message ?? 'Starting…');
}
