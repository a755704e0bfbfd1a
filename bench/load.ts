/**
 * Bounded request loops: every loop stops at its count or its deadline, whichever comes first,
 * and the HTTP helper refuses any host but 127.0.0.1.
 */

export interface Timed<T> {
  i: number;
  /** ms epoch when the call started. */
  start: number;
  ms: number;
  ok: boolean;
  status?: number;
  value?: T;
  error?: string;
}

async function timed<T>(i: number, fn: (i: number) => Promise<{ ok: boolean; status?: number; value?: T }>): Promise<Timed<T>> {
  const start = Date.now();
  const t0 = performance.now();
  try {
    const r = await fn(i);
    return { i, start, ms: performance.now() - t0, ...r };
  } catch (err) {
    return { i, start, ms: performance.now() - t0, ok: false, error: err instanceof Error ? err.message : String(err) };
  }
}

/** `count` calls with `concurrency` in flight, started until `deadline` (ms epoch). */
export async function closedLoop<T>(
  count: number,
  concurrency: number,
  deadline: number,
  fn: (i: number) => Promise<{ ok: boolean; status?: number; value?: T }>,
): Promise<{ results: Timed<T>[]; elapsedMs: number; cutByTime: boolean }> {
  const results: Timed<T>[] = [];
  let next = 0;
  const t0 = performance.now();
  const lane = async () => {
    while (next < count && Date.now() < deadline) results.push(await timed(next++, fn));
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, lane));
  return { results, elapsedMs: performance.now() - t0, cutByTime: next < count };
}

/**
 * Open loop: call i starts at t0 + i/rate whatever the earlier ones are doing (a fixed arrival
 * rate), at most `maxInFlight` at once; calls that would start after `deadline` are not made.
 */
export async function fixedRate<T>(
  count: number,
  perSecond: number,
  deadline: number,
  maxInFlight: number,
  fn: (i: number) => Promise<{ ok: boolean; status?: number; value?: T }>,
): Promise<{ results: Timed<T>[]; skipped: number; elapsedMs: number }> {
  const t0 = performance.now();
  const calls: Promise<Timed<T>>[] = [];
  let inFlight = 0;
  let skipped = 0;
  for (let i = 0; i < count; i++) {
    const at = t0 + (i * 1000) / perSecond;
    const wait = at - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    if (Date.now() >= deadline) break;
    if (inFlight >= maxInFlight) {
      skipped++;
      continue;
    }
    inFlight++;
    calls.push(timed(i, fn).finally(() => inFlight--));
  }
  const results = await Promise.all(calls);
  return { results, skipped, elapsedMs: performance.now() - t0 };
}

/** Polls `check` every `everyMs` until it returns true or `deadline` passes; returns whether it did. */
export async function until(check: () => Promise<boolean>, deadline: number, everyMs = 250): Promise<boolean> {
  for (;;) {
    if (await check()) return true;
    if (Date.now() >= deadline) return false;
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** Nearest-rank percentile of `values` (p in 0..100); NaN when empty. */
export function percentile(values: number[], p: number): number {
  if (!values.length) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

export const median = (values: number[]) => percentile(values, 50);

/** A JSON request to the bench's API on loopback; any other host is refused. */
export async function http(
  url: string,
  init: { method?: string; token: string; body?: unknown; timeoutMs?: number },
): Promise<{ ok: boolean; status: number; value: any }> {
  const u = new URL(url);
  if (u.hostname !== '127.0.0.1') throw new Error(`the bench talks to 127.0.0.1 only, not ${u.hostname}`);
  const res = await fetch(u, {
    method: init.method ?? 'GET',
    headers: { Authorization: `Bearer ${init.token}`, ...(init.body !== undefined ? { 'Content-Type': 'application/json' } : {}) },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
    signal: AbortSignal.timeout(init.timeoutMs ?? 60_000),
  });
  const text = await res.text();
  let value: unknown = text;
  try {
    value = JSON.parse(text);
  } catch {
    // not JSON: keep the text (an error page)
  }
  return { ok: res.ok, status: res.status, value };
}
