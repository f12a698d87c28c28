import { setTimeout as sleep } from 'node:timers/promises';
import type pg from 'pg';

export type CapturedPlan = { ms: number; text: string };

/** PostgreSQL's default log_line_prefix ('%m [%p] ') starts every message. */
const messageStart = /^(?=\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d+ \S+ \[\d+\] )/m;

/**
 * The plans of the statements the server runs, with actual rows and buffers, from auto_explain
 * (loaded at the cluster's start, idle until switched on here). The embedded cluster's log reaches
 * this process through `onLog`.
 */
export class PlanCapture {
  private log = '';
  private capturing = false;

  readonly onLog = (message: string) => {
    if (this.capturing) this.log += `${message}\n`;
  };

  /** Runs `fn` with every statement's plan logged; the plans it caused, slowest first. */
  async during(pool: pg.Pool, fn: () => Promise<unknown>): Promise<CapturedPlan[]> {
    await setAutoExplain(pool, true);
    this.log = '';
    this.capturing = true;
    try {
      await fn();
      await sleep(300); // the log arrives through a pipe
    } finally {
      this.capturing = false;
      await setAutoExplain(pool, false);
    }
    return this.log
      .split(messageStart)
      .flatMap((message) => {
        const m = /duration: ([\d.]+) ms\s+plan:\n([\s\S]*)/.exec(message);
        return m ? [{ ms: Number(m[1]), text: m[2]!.trimEnd() }] : [];
      })
      .sort((a, b) => b.ms - a.ms);
  }
}

async function setAutoExplain(pool: pg.Pool, on: boolean) {
  const settings = { log_min_duration: '0', log_analyze: 'on', log_buffers: 'on' };
  for (const [name, value] of Object.entries(settings))
    await pool.query(on ? `alter system set auto_explain.${name} = '${value}'` : `alter system reset auto_explain.${name}`);
  await pool.query('select pg_reload_conf()');
  await sleep(300); // backends read the configuration again before their next statement
}
