import { createHash } from 'node:crypto';
import { exportChain, linkHash } from './chain';
import { limaDate } from '../calendar/businessCalendar';

/**
 * A Centro MAC's audit chain, one link per Lima day (issue 13: "the daily head of each center's
 * chain included in the monthly report, so a later rewrite is detectable"). Pure: no I/O.
 *
 * - A run's own chain is its audit export (src/audit/chain.ts): entry i's hash covers the entry's
 *   RFC 8785 JSON and entry i−1's hash. A run's head *at the end of Lima day d* is the hash of its
 *   last entry stamped on or before d — exactly the `hash` of that entry in `GET /runs/{id}/audit`.
 *   Histories are append-only, so that value never changes as the run goes on.
 * - Day d of a center: `head(d) = linkHash(head(d−1), { centerId, date, runs })`, `runs` the runs
 *   with entries stamped on d (Lima), sorted by runId (code-unit order), each `{ runId, head,
 *   entries }`: its head at the end of d and how many of its entries fall on d. A run that started
 *   in an earlier month appears on each day it has entries; its head still covers its whole
 *   history up to that day.
 * - Every day of the month gets a link, a day without entries too (`runs: []`): the sequence is
 *   unbroken and a day cannot be dropped or inserted unnoticed.
 * - The month's first day chains from the final head the previous month's report recorded; only a
 *   center with no earlier report chains from its genesis, `centerGenesisHash(centerId)`.
 *   (Temporal deletes a closed history TEMPORAL_RETENTION_DAYS after it closes: the previous
 *   month's runs can no longer be re-read, but its recorded head still can.)
 *
 * Checking a past month (`verifyCenterMonth`) recomputes every day from the histories still held,
 * chained from the head the report started from, and compares day by day: a run whose history is
 * gone (retention) is taken as recorded and listed as not rechecked; a run whose entries of that
 * day changed, vanished or appeared makes the day differ, and the first such day is named.
 */

export const CENTER_AUDIT_FORMAT = 'mac-center-audit-chain/1';

const sha256 = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');

/** The hash before a center's first day: ties the chain to its center. */
export const centerGenesisHash = (centerId: string) => sha256(`${CENTER_AUDIT_FORMAT}\n${centerId}`);

/** A run's share of one day: its head at the end of that Lima day and its entries on it. */
export interface RunDayHead {
  runId: string;
  head: string;
  entries: number;
}

/** A run's heads, one per Lima day on which it has entries, in date order. */
export interface RunDays {
  runId: string;
  days: { date: string; head: string; entries: number }[];
}

/** One link of a center's chain. */
export interface CenterDay {
  date: string;
  prevHead: string;
  head: string;
  runs: RunDayHead[];
}

/**
 * A run's head at the end of each Lima day it has entries on, from its audit timeline (entries in
 * history order, each with its ISO `at`). Entries are chained exactly as the run's audit export.
 */
export function runDayHeads(runId: string, timeline: readonly { at: string }[]): RunDays {
  const chained = exportChain(runId, timeline as object[], new Date(0)).entries;
  const days: RunDays['days'] = [];
  for (const link of chained) {
    const date = limaDate(new Date(String(link.entry.at)));
    const last = days[days.length - 1];
    if (last?.date === date) {
      last.head = link.hash;
      last.entries += 1;
    } else {
      days.push({ date, head: link.hash, entries: 1 });
    }
  }
  return { runId, days };
}

const byRunId = <T extends { runId: string }>(a: T, b: T) => (a.runId < b.runId ? -1 : a.runId > b.runId ? 1 : 0);

/** What a day's link covers. */
export const dayContent = (centerId: string, date: string, runs: readonly RunDayHead[]) => ({ centerId, date, runs: [...runs].sort(byRunId) });

export const dayHead = (centerId: string, date: string, prevHead: string, runs: readonly RunDayHead[]) => linkHash(prevHead, dayContent(centerId, date, runs));

/** Every calendar date from `from` to `to` (inclusive), `YYYY-MM-DD`. */
export function datesBetween(from: string, to: string): string[] {
  const out: string[] = [];
  for (let t = Date.parse(`${from}T00:00:00Z`); t <= Date.parse(`${to}T00:00:00Z`); t += 86_400_000) out.push(new Date(t).toISOString().slice(0, 10));
  return out;
}

/** Each run's share of each date, keyed by date; days outside `dates` are left out. */
function byDate(dates: readonly string[], runs: readonly RunDays[]): Map<string, RunDayHead[]> {
  const out = new Map<string, RunDayHead[]>(dates.map((d) => [d, []]));
  for (const r of runs) for (const d of r.days) out.get(d.date)?.push({ runId: r.runId, head: d.head, entries: d.entries });
  return out;
}

/** The center's links for `dates` (consecutive, in order), the first chained from `startHead`. */
export function chainCenterDays(o: { centerId: string; dates: readonly string[]; startHead: string; runs: readonly RunDays[] }): CenterDay[] {
  const shares = byDate(o.dates, o.runs);
  let prev = o.startHead;
  return o.dates.map((date) => {
    const runs = shares.get(date)!.sort(byRunId);
    const head = dayHead(o.centerId, date, prev, runs);
    const day = { date, prevHead: prev, head, runs };
    prev = head;
    return day;
  });
}

/** How one run of a day compares with the record. */
export interface RunDifference {
  runId: string;
  /** altered: other entries that day; missing: recorded, but its history has none that day; added: entries not recorded. */
  change: 'altered' | 'missing' | 'added';
  recorded?: { head: string; entries: number };
  recomputed?: { head: string; entries: number };
}

export interface DayCheck {
  date: string;
  recordedHead: string;
  recomputedHead: string;
  /**
   * verified: recomputed from every history; verified_in_part: the same, but some runs' histories
   * are gone and were taken as recorded; differs: the histories no longer give the recorded head.
   */
  status: 'verified' | 'verified_in_part' | 'differs';
  runs: number;
  /** Runs of the day taken as recorded: their histories are no longer held. */
  notRechecked: string[];
  differences: RunDifference[];
  /** The recorded head does not follow from the recorded day itself (the record was edited). */
  recordInconsistent: boolean;
}

export interface MonthCheck {
  ok: boolean;
  /** The first day whose recomputed head differs from the report's; null when none does. */
  firstDifferingDay: string | null;
  recordedHead: string;
  recomputedHead: string;
  days: DayCheck[];
}

/**
 * Recomputes the recorded days from the histories still held (`runs`: each readable run's days;
 * `unavailable`: runs whose history is gone) and names the first day that differs. The
 * recomputation chains from the head the record started from, so a month is checked on its own.
 */
export function verifyCenterMonth(o: { centerId: string; startHead: string; recorded: readonly CenterDay[]; runs: readonly RunDays[]; unavailable: ReadonlySet<string> }): MonthCheck {
  const shares = byDate(
    o.recorded.map((d) => d.date),
    o.runs,
  );
  let prev = o.startHead;
  let recordedPrev = o.startHead;
  let firstDifferingDay: string | null = null;
  const days = o.recorded.map((rec): DayCheck => {
    const held = new Map(shares.get(rec.date)!.map((r) => [r.runId, r]));
    const recorded = new Map(rec.runs.map((r) => [r.runId, r]));
    const differences: RunDifference[] = [];
    const notRechecked: string[] = [];
    const runs: RunDayHead[] = [];
    for (const r of rec.runs) {
      const now = held.get(r.runId);
      if (o.unavailable.has(r.runId)) {
        notRechecked.push(r.runId);
        runs.push(r);
      } else if (!now) {
        differences.push({ runId: r.runId, change: 'missing', recorded: { head: r.head, entries: r.entries } });
      } else {
        runs.push(now);
        if (now.head !== r.head || now.entries !== r.entries) differences.push({ runId: r.runId, change: 'altered', recorded: { head: r.head, entries: r.entries }, recomputed: { head: now.head, entries: now.entries } });
      }
    }
    for (const now of held.values()) {
      if (recorded.has(now.runId)) continue;
      runs.push(now);
      differences.push({ runId: now.runId, change: 'added', recomputed: { head: now.head, entries: now.entries } });
    }
    const recomputedHead = dayHead(o.centerId, rec.date, prev, runs);
    const recordInconsistent = rec.prevHead !== recordedPrev || dayHead(o.centerId, rec.date, rec.prevHead, rec.runs) !== rec.head;
    const status = recomputedHead !== rec.head || recordInconsistent ? 'differs' : notRechecked.length ? 'verified_in_part' : 'verified';
    if (status === 'differs' && !firstDifferingDay) firstDifferingDay = rec.date;
    prev = recomputedHead;
    recordedPrev = rec.head;
    return { date: rec.date, recordedHead: rec.head, recomputedHead, status, runs: runs.length, notRechecked, differences: differences.sort(byRunId), recordInconsistent };
  });
  const recordedHead = o.recorded.length ? o.recorded[o.recorded.length - 1].head : o.startHead;
  return { ok: firstDifferingDay === null, firstDifferingDay, recordedHead, recomputedHead: prev, days };
}

/** Where a month's chain starts: the final head of an earlier report, or the center's genesis. */
export type ChainStart = { kind: 'previous_report'; month: string; document: string | null; head: string } | { kind: 'genesis'; head: string };

/** A month of a center's chain as its indicator report records it (stored with the report). */
export interface CenterMonthRecord {
  format: typeof CENTER_AUDIT_FORMAT;
  centerId: string;
  month: string;
  startsFrom: ChainStart;
  days: CenterDay[];
  /** The month's final head: the head of its last day. */
  head: string;
  /** Runs that may have had entries in the month whose history was already gone when it was recorded. */
  unavailable: string[];
  /** Runs whose histories were read. */
  runsRead: number;
  computedAt: string;
}

/** What the report document shows of a month's chain (the full record stays in the store). */
export interface CenterMonthSummary {
  format: typeof CENTER_AUDIT_FORMAT;
  startsFrom: ChainStart;
  days: { date: string; head: string; runs: number; entries: number }[];
  head: string;
  unavailable: number;
  runsRead: number;
}

export function summarizeMonth(r: CenterMonthRecord): CenterMonthSummary {
  return {
    format: r.format,
    startsFrom: r.startsFrom,
    days: r.days.map((d) => ({ date: d.date, head: d.head, runs: d.runs.length, entries: d.runs.reduce((n, x) => n + x.entries, 0) })),
    head: r.head,
    unavailable: r.unavailable.length,
    runsRead: r.runsRead,
  };
}
