import type { BenchRequest } from './inputs.ts';

export type Timed = { path: string; ms: number; status: number; hit: boolean; found: boolean | undefined };
export type Summary = {
  n: number;
  p50: number;
  p95: number;
  p99: number;
  errors: number;
  /** Searches and lists: the share of answers with at least one customer. */
  hitRate?: number;
  /** Searches drawn from one customer: the share of answers that have that customer on page 1. */
  foundRate?: number;
};

/** A signed-in HTTP client that keeps the session cookie, timed from request to the body's last byte. */
export class BenchClient {
  private cookie = '';
  constructor(private readonly baseUrl: string) {}

  async login(email: string, password: string) {
    const res = await fetch(`${this.baseUrl}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password }),
    });
    if (res.status !== 200) throw new Error(`login failed: ${res.status} ${await res.text()}`);
    this.cookie = res.headers.get('set-cookie')!.split(';')[0]!;
  }

  /** An untimed GET's body (preparing requests). */
  async json<T>(path: string): Promise<T> {
    const res = await fetch(this.baseUrl + path, { headers: { cookie: this.cookie } });
    if (res.status !== 200) throw new Error(`GET ${path}: ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  }

  /** A JSON write the bench sets things up with; anything but 2xx stops the bench. */
  async post<T>(path: string, body: unknown): Promise<T> {
    const res = await fetch(this.baseUrl + path, {
      method: 'POST',
      headers: { cookie: this.cookie, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`POST ${path} failed: ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  }

  async get(request: BenchRequest): Promise<Timed> {
    const started = performance.now();
    const res = await fetch(this.baseUrl + request.path, { headers: { cookie: this.cookie } });
    const text = await res.text();
    const ms = performance.now() - started;
    let hit = false;
    let found: boolean | undefined;
    if (res.status === 200) {
      const body = JSON.parse(text) as { id?: string; items?: { id: string }[] };
      const ids = body.items?.map((c) => c.id) ?? (body.id ? [body.id] : []);
      hit = ids.length > 0;
      if (request.expect) found = ids.includes(request.expect.replaceAll('-', ''));
    }
    return { path: request.path, ms, status: res.status, hit, found };
  }
}

/** Sends the requests with `concurrency` of them in flight at any time; results in request order. */
export async function runAll(client: BenchClient, requests: BenchRequest[], concurrency: number): Promise<Timed[]> {
  const results: Timed[] = new Array(requests.length);
  let next = 0;
  const worker = async () => {
    while (next < requests.length) {
      const i = next++;
      results[i] = await client.get(requests[i]!);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return results;
}

export const round = (ms: number) => Math.round(ms * 10) / 10;
const share = (part: number, whole: number) => Math.round((1000 * part) / whole) / 1000;

/** Nearest-rank percentile of sorted values. */
export const percentile = (sorted: number[], p: number) => sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)]!;

export function summarize(results: Timed[], withHits: boolean): Summary {
  const sorted = results.map((r) => r.ms).sort((a, b) => a - b);
  const summary: Summary = {
    n: results.length,
    p50: round(percentile(sorted, 0.5)),
    p95: round(percentile(sorted, 0.95)),
    p99: round(percentile(sorted, 0.99)),
    errors: results.filter((r) => r.status !== 200).length,
  };
  if (withHits) summary.hitRate = share(results.filter((r) => r.hit).length, results.length);
  const judged = results.filter((r) => r.found !== undefined);
  if (withHits && judged.length) summary.foundRate = share(judged.filter((r) => r.found).length, judged.length);
  return summary;
}
