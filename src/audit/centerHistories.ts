/**
 * The I/O behind a center's audit chain (src/audit/centerChain.ts): which runs of a center may
 * have entries in a month, and each one's heads per Lima day read from its Temporal history —
 * once per run, a bounded number at a time. Used by the indicator report's activity (recording a
 * month) and by the check of a past month (GET /centers/{id}/audit-days).
 */
import type { Client } from '@temporalio/client';
import { WorkflowNotFoundError } from '@temporalio/client';
import type { Models } from '../db/models';
import { endOfLimaDay, limaInstant } from '../calendar/businessCalendar';
import { fetchTimeline } from '../api/runs/history';
import { monthBounds } from '../domain/indicatorReport';
import { centerGenesisHash, runDayHeads, verifyCenterMonth, type CenterMonthRecord, type ChainStart, type MonthCheck, type RunDays } from './centerChain';

/** A run's audit timeline, or null when Temporal no longer holds its history (retention). */
export type TimelineReader = (runId: string) => Promise<readonly { at: string }[] | null>;

/** Histories read at once: each is one paged gRPC stream; the store and Temporal are shared. */
export const HISTORY_CONCURRENCY = 8;

const isNotFound = (err: unknown): boolean => {
  if (err instanceof WorkflowNotFoundError) return true;
  // A deleted history may also come back as the gRPC status itself (5 = NOT_FOUND).
  const e = err as { code?: unknown; cause?: { code?: unknown } } | null;
  return e?.code === 5 || e?.cause?.code === 5;
};

/** Reads timelines from Temporal (payloads opened by the client's codec), null for a history gone. */
export function temporalTimelineReader(client: Client): TimelineReader {
  return (runId) => fetchTimeline(client, runId).catch((err: unknown) => (isNotFound(err) ? null : Promise.reject(err)));
}

/**
 * The runs of a center whose life overlaps the Lima dates `from`..`to`: started by the end of
 * `to` and not closed before `from` (a day's margin: a run's last entries follow its record's
 * closedAt by moments). Those started in an earlier month and still running are included.
 */
export async function centerRunIds(models: Models, centerId: string, from: string, to: string): Promise<string[]> {
  const since = limaInstant(from, '00:00').getTime() - 86_400_000;
  const until = endOfLimaDay(to);
  // The equality on centerId is what the embedded store serves from its index; the rest it filters.
  const runs = await models.Run.find({ centerId, startedAt: { $lte: until } }, { _id: 1, closedAt: 1 }).lean();
  return runs
    .filter((r) => !r.closedAt || new Date(r.closedAt).getTime() >= since)
    .map((r) => String(r._id))
    .sort();
}

/** Maps with at most `limit` calls in flight; results in input order. */
async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  return out;
}

/**
 * Each run's heads per Lima day (only the days from `from` to `to` kept), each history read once;
 * runs whose history is gone are listed apart. `onProgress` is told after each history (heartbeats).
 */
export async function readRunDays(
  runIds: readonly string[],
  read: TimelineReader,
  o: { from: string; to: string; concurrency?: number; onProgress?: (done: number, total: number) => void },
): Promise<{ runs: RunDays[]; unavailable: string[] }> {
  let done = 0;
  const results = await mapLimit(runIds, o.concurrency ?? HISTORY_CONCURRENCY, async (runId) => {
    const timeline = await read(runId);
    o.onProgress?.(++done, runIds.length);
    if (!timeline) return { runId, gone: true as const };
    const all = runDayHeads(runId, timeline);
    return { runId, days: all.days.filter((d) => d.date >= o.from && d.date <= o.to) };
  });
  const runs: RunDays[] = [];
  const unavailable: string[] = [];
  for (const r of results) {
    if ('gone' in r) unavailable.push(r.runId);
    else if (r.days.length) runs.push({ runId: r.runId, days: r.days });
  }
  return { runs, unavailable };
}

/**
 * Where a center's chain for `month` starts: the final head recorded with the latest earlier
 * report that has one (normally the month before), else the center's genesis.
 */
export async function auditChainStart(models: Models, centerId: string, month: string): Promise<ChainStart> {
  const earlier = (await models.IndicatorReport.find({ centerId }, { _id: 1, month: 1 }).lean()).filter((r) => r.month < month).sort((a, b) => (a.month < b.month ? 1 : -1));
  for (const r of earlier) {
    const held = await models.IndicatorReport.findById(r._id, { auditChain: 1, document: 1 }).lean();
    const chain = held?.auditChain as CenterMonthRecord | undefined;
    if (chain?.head) return { kind: 'previous_report', month: r.month, document: held?.document ?? null, head: chain.head };
  }
  return { kind: 'genesis', head: centerGenesisHash(centerId) };
}

export interface CenterMonthVerdict extends MonthCheck {
  centerId: string;
  month: string;
  report: { runId: string; document: string | null; recordedAt: string };
  /** The head the month was chained from, and whether it is still what the earlier report records. */
  startsFrom: ChainStart & { linked: boolean };
  runsRead: number;
  /** Runs recorded in the month whose histories are gone now (retention): taken as recorded. */
  notRechecked: number;
  summary: string;
}

/**
 * Checks a past month of a center's chain: recomputes every day from the histories still held and
 * compares it with what the month's report recorded. null when the month has no recorded chain.
 */
export async function checkCenterMonth(models: Models, read: TimelineReader, centerId: string, month: string): Promise<CenterMonthVerdict | null> {
  const report = await models.IndicatorReport.findById(`${centerId}:${month}`).lean();
  const record = report?.auditChain as CenterMonthRecord | undefined;
  if (!report || !record?.days) return null;
  const { from, to } = monthBounds(month);
  // The runs the store lists now, and every run the report recorded (even if its record was removed).
  const ids = new Set(await centerRunIds(models, centerId, from, to));
  for (const d of record.days) for (const r of d.runs) ids.add(r.runId);
  const { runs, unavailable } = await readRunDays([...ids].sort(), read, { from, to });
  const check = verifyCenterMonth({ centerId, startHead: record.startsFrom.head, recorded: record.days, runs, unavailable: new Set(unavailable) });
  const now = await auditChainStart(models, centerId, month);
  const linked = now.head === record.startsFrom.head;
  const notRechecked = new Set(check.days.flatMap((d) => d.notRechecked)).size;
  const first = check.days.find((d) => d.date === check.firstDifferingDay);
  const summary = first
    ? `${first.date} is the first day that differs from the report` +
      (first.differences.length ? `: ${first.differences.map((x) => `${x.runId} ${x.change}`).join(', ')}` : first.recordInconsistent ? ': the recorded day no longer gives its recorded head (the record was edited)' : '')
    : !linked
      ? `every day matches, but the month no longer chains from the head the earlier report records (${now.kind === 'genesis' ? 'the center genesis' : now.month})`
      : `all ${check.days.length} days match the report${notRechecked ? ` (${notRechecked} run(s) taken as recorded: their histories are gone)` : ''}`;
  return {
    centerId,
    month,
    report: { runId: report.runId, document: report.document ?? null, recordedAt: record.computedAt },
    startsFrom: { ...record.startsFrom, linked },
    ...check,
    ok: check.ok && linked,
    runsRead: ids.size,
    notRechecked,
    summary,
  };
}
