/**
 * The daily opening procedure P2.2.2 ("Protocolo de verificación diaria", DESIGN §5 "Opening
 * hours") runs every day for every active center from a Temporal Schedule, `leadMinutes` before
 * the center opens (Lima wall-clock time). `ensureOpeningSchedules` runs at every start of the
 * engine and converges the schedules to the centers' current hours and the current settings.
 */
import {
  ScheduleAlreadyRunning,
  ScheduleOverlapPolicy,
  type CalendarSpec,
  type Client,
  type DayOfWeek,
  type Range,
  type ScheduleDescription,
  type ScheduleOptionsAction,
  type ScheduleSpec,
} from '@temporalio/client';
import type { SearchAttributePair } from '@temporalio/common';
import { msToNumber } from '@temporalio/common/lib/time';
import type { Models } from '../db/models';
import { findProcedure } from '../catalog';
import { canonical, deleteIfPresent, describeOrNull, searchAttributePairs } from './common';
import type { DailyOpeningWorkflowInput } from '../workflows/opening';
import { centerHours, type CenterHours, type DayHours } from '../domain/centers';
import { CenterIdAttr, ProcedureCodeAttr, RunStatusAttr } from '../shared/messages';
import type { EngineSettings } from '../shared/settings';

/** P2.2.2 as the catalog has it: its code and the workflow type that runs it. */
const OPENING = findProcedure('P2.2.2')!;
export const OPENING_TIMEZONE = 'America/Lima';
/** An engine (or Temporal) down at dawn still verifies that morning; older missed days are not replayed. */
export const OPENING_CATCHUP_WINDOW = '6 hours';
export const MAX_LEAD_MINUTES = 180;

const SCHEDULE_PREFIX = 'apertura-diaria-';

export function openingScheduleId(centerId: string): string {
  return `${SCHEDULE_PREFIX}${centerId}`;
}

const HH_MM = /^([01]\d|2[0-3]):([0-5]\d)$/;

function minutesOf(value: unknown, path: string): number {
  const m = typeof value === 'string' ? HH_MM.exec(value) : null;
  if (!m) throw new OpeningHoursError(path, `hours.${path} must be a time HH:MM (00:00–23:59), got ${JSON.stringify(value)}`);
  return Number(m[1]) * 60 + Number(m[2]);
}

/** Invalid opening hours; `path` names the value (`weekdays.open`), so the API can answer 400 with it. */
export class OpeningHoursError extends RangeError {
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(message);
  }
}

/** The day groups of `CenterHours` and the weekdays the schedule fires on for each. */
const DAY_GROUPS: { group: keyof CenterHours; days: DayOfWeek[]; label: string }[] = [
  { group: 'weekdays', days: ['MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY'], label: 'lunes a viernes' },
  { group: 'saturday', days: ['SATURDAY'], label: 'sábado' },
  { group: 'sundayAndHolidays', days: ['SUNDAY'], label: 'domingo' },
];

interface Firing {
  days: DayOfWeek[];
  hour: number;
  minute: number;
  comment: string;
}

function firings(hours: CenterHours, leadMinutes: number): Firing[] {
  if (!Number.isInteger(leadMinutes) || leadMinutes < 0 || leadMinutes > MAX_LEAD_MINUTES) {
    throw new RangeError(`the verification lead must be a whole number of minutes 0..${MAX_LEAD_MINUTES}, got ${leadMinutes}`);
  }
  const out: Firing[] = [];
  for (const { group, days, label } of DAY_GROUPS) {
    const day: DayHours | null = hours[group];
    if (day === null) continue;
    if (typeof day !== 'object') throw new OpeningHoursError(group, `hours.${group} must be { open, close } or null, got ${JSON.stringify(day)}`);
    const open = minutesOf(day.open, `${group}.open`);
    const close = minutesOf(day.close, `${group}.close`);
    if (close <= open) throw new OpeningHoursError(`${group}.close`, `hours.${group}: closes (${day.close}) before it opens (${day.open})`);
    const at = open - leadMinutes;
    // The verification would start the day before: no center opens that early, so refuse it.
    if (at < 0) throw new OpeningHoursError(`${group}.open`, `hours.${group}: opening at ${day.open} leaves no room for a ${leadMinutes}-minute verification that same day`);
    out.push({ days, hour: Math.floor(at / 60), minute: at % 60, comment: `P2.2.2 ${label}: apertura ${day.open} − ${leadMinutes} min` });
  }
  return out;
}

/**
 * When the daily verification starts, Lima wall-clock time (Lima has no daylight saving time, so
 * literal calendar matching is exact): Monday–Friday at `weekdays.open − lead`, Saturday at
 * `saturday.open − lead`, Sunday at `sundayAndHolidays.open − lead`; a day group without hours
 * (`null`) has no firing.
 *
 * Holidays falling on a weekday are NOT handled here: the schedule fires at the weekday time and
 * the workflow computes that day's real opening (holidays keep Sunday hours, `hoursOn`) and waits
 * until its verification time, or ends if the center does not open that day. Holidays move every
 * year (Holy Week) and can be decreed at run time, which a static calendar cannot follow.
 */
export function openingScheduleSpec(hours: CenterHours, leadMinutes: number): ScheduleSpec {
  return specOf(firings(hours, leadMinutes));
}

function specOf(fs: Firing[]): ScheduleSpec {
  return {
    timezone: OPENING_TIMEZONE,
    calendars: fs.map(
      (f): CalendarSpec => ({
        dayOfWeek: f.days.length === 1 ? f.days[0] : { start: f.days[0], end: f.days[f.days.length - 1] },
        hour: f.hour,
        minute: f.minute,
        comment: f.comment,
      }),
    ),
  };
}

export interface EnsureOpeningSchedulesOptions {
  models: Models;
  taskQueue: string;
  /** Set search attributes on each day's run (the dev server and production have them registered). */
  searchAttributes: boolean;
  settings: EngineSettings;
  log?: { info(obj: object, msg: string): void; error?(obj: object, msg: string): void };
}

export interface EnsureOpeningSchedulesResult {
  /** Schedule ids created for active centers that had none. */
  created: string[];
  /** Schedule ids whose spec, action or policies differed from the current hours and settings. */
  updated: string[];
  /** Schedule ids deleted: inactive centers, or centers that open no day of the week. */
  removed: string[];
  /** Schedule ids already as they should be (left untouched). */
  unchanged: string[];
  /**
   * Centers whose stored hours are invalid, with the reason: their schedule is left as it was
   * (reported, not thrown, so one bad center never stops the engine from starting).
   */
  invalid: string[];
}

interface Desired {
  scheduleId: string;
  spec: ScheduleSpec;
  firings: Firing[];
  action: ScheduleOptionsAction;
  note: string;
}

function desiredSchedule(center: { _id: string; name?: string; hours?: unknown }, o: EnsureOpeningSchedulesOptions): Desired {
  const centerId = center._id;
  const scheduleId = openingScheduleId(centerId);
  const hours = centerHours(center.hours as Partial<CenterHours> | null | undefined);
  const planned = firings(hours, o.settings.opening.verificationLeadMinutes);
  // The run id is the workflow id Temporal gives each firing.
  const args: [DailyOpeningWorkflowInput] = [
    {
      meta: { code: OPENING.code, centerId, startedBy: { sub: scheduleId, role: 'schedule' }, searchAttributes: o.searchAttributes },
      input: { centerId },
      settings: o.settings,
    },
  ];
  const typedSearchAttributes: SearchAttributePair[] = [
    { key: CenterIdAttr, value: centerId },
    { key: ProcedureCodeAttr, value: OPENING.code },
    { key: RunStatusAttr, value: 'running' },
  ];
  return {
    scheduleId,
    spec: specOf(planned),
    firings: planned,
    action: {
      type: 'startWorkflow',
      workflowType: OPENING.workflowType,
      // Temporal appends each firing's scheduled time: `P2.2.2-lima-norte-2026-11-23T12:30:00Z`.
      workflowId: `${OPENING.code}-${centerId}`,
      taskQueue: o.taskQueue,
      args,
      ...(o.searchAttributes ? { typedSearchAttributes } : {}),
    },
    note: `Apertura diaria (2.2.2) del Centro MAC ${center.name ?? centerId} (${centerId})`,
  };
}

const POLICIES = {
  // Each day's run is its own: a day still waiting for restoration ends at that day's closing.
  overlap: ScheduleOverlapPolicy.ALLOW_ALL,
  catchupWindow: OPENING_CATCHUP_WINDOW,
} as const;

/** The values a described calendar range list matches (`[{ start: 1, end: 3, step: 1 }]` → 1, 2, 3). */
function expand<T extends number | DayOfWeek>(ranges: Range<T>[], all: readonly T[]): T[] {
  const out = new Set<T>();
  for (const r of ranges) {
    const start = all.indexOf(r.start);
    const end = Math.max(start, all.indexOf(r.end ?? r.start));
    for (let i = start; i <= end; i += Math.max(1, r.step ?? 1)) out.add(all[i]);
  }
  return all.filter((v) => out.has(v));
}

const WEEK: readonly DayOfWeek[] = ['SUNDAY', 'MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY', 'SATURDAY'];
const upTo = (n: number) => Array.from({ length: n + 1 }, (_, i) => i);
const [SECONDS, MINUTES, HOURS, DAYS_OF_MONTH] = [upTo(59), upTo(59), upTo(23), upTo(31).slice(1)];

/** Is the schedule on the server what we would create now? (pause state and notes are the operators'.) */
function isCurrent(d: ScheduleDescription, want: Desired): boolean {
  const calendars = (d.spec.calendars ?? []).map((c) => ({
    days: expand(c.dayOfWeek, WEEK),
    hour: expand(c.hour, HOURS),
    minute: expand(c.minute, MINUTES),
    second: expand(c.second, SECONDS),
    // Any other restriction (month, year, day of month) set by hand makes it differ.
    other: canonical({ dayOfMonth: expand(c.dayOfMonth, DAYS_OF_MONTH), month: c.month, year: c.year }),
    comment: c.comment ?? '',
  }));
  const unrestricted = canonical({ dayOfMonth: DAYS_OF_MONTH, month: [{ start: 'JANUARY', end: 'DECEMBER', step: 1 }], year: [] });
  const wantCalendars = want.firings.map((f) => ({ days: WEEK.filter((w) => f.days.includes(w)), hour: [f.hour], minute: [f.minute], second: [0], other: unrestricted, comment: f.comment }));
  const a = d.action;
  return (
    canonical(calendars) === canonical(wantCalendars) &&
    !d.spec.intervals?.length &&
    !d.spec.skip?.length &&
    !d.spec.startAt &&
    !d.spec.endAt &&
    !d.spec.jitter &&
    (d.spec.timezone ?? '') === OPENING_TIMEZONE &&
    a.workflowType === want.action.workflowType &&
    a.workflowId === want.action.workflowId &&
    a.taskQueue === want.action.taskQueue &&
    canonical(a.args) === canonical(want.action.args) &&
    canonical(searchAttributePairs(a.typedSearchAttributes)) === canonical(searchAttributePairs(want.action.typedSearchAttributes)) &&
    d.policies.overlap === POLICIES.overlap &&
    d.policies.catchupWindow === msToNumber(OPENING_CATCHUP_WINDOW) &&
    d.policies.pauseOnFailure === false &&
    d.state.remainingActions === undefined
  );
}

/** Creates the schedule, or brings an existing one up to date; returns what it did. */
async function upsert(client: Client, want: Desired, centerId: string): Promise<'created' | 'updated' | 'unchanged'> {
  let current = await describeOrNull(client, want.scheduleId);
  if (!current) {
    try {
      await client.schedule.create({
        scheduleId: want.scheduleId,
        spec: want.spec,
        action: want.action,
        policies: POLICIES,
        memo: { centerId, procedure: OPENING.code, description: want.note },
        state: { note: want.note },
      });
      return 'created';
    } catch (err) {
      // Another engine process created it between our describe and create: update it instead.
      if (!(err instanceof ScheduleAlreadyRunning)) throw err;
      current = await client.schedule.getHandle(want.scheduleId).describe();
    }
  }
  if (isCurrent(current, want)) return 'unchanged';
  await client.schedule.getHandle(want.scheduleId).update((prev) => ({
    spec: want.spec,
    action: want.action,
    policies: POLICIES,
    // A schedule an operator paused stays paused, with the operator's note.
    state: prev.state.paused ? { paused: true, note: prev.state.note } : { paused: false, note: want.note },
  }));
  return 'updated';
}

/**
 * One schedule per active center (`apertura-diaria-<centerId>`), created or updated to the
 * center's hours and the settings; inactive centers lose theirs. Idempotent: run at every start.
 * Centers whose hours are invalid are reported in `invalid`, after every other center converged.
 */
export async function ensureOpeningSchedules(client: Client, opts: EnsureOpeningSchedulesOptions): Promise<EnsureOpeningSchedulesResult> {
  const result: EnsureOpeningSchedulesResult = { created: [], updated: [], removed: [], unchanged: [], invalid: [] };
  const failures = result.invalid;
  const centers = await opts.models.Center.find({}, { _id: 1, name: 1, active: 1, hours: 1 }).sort({ _id: 1 }).lean();
  for (const center of centers) {
    const centerId = String(center._id);
    const scheduleId = openingScheduleId(centerId);
    let want: Desired | null = null;
    if (center.active !== false) {
      try {
        want = desiredSchedule({ _id: centerId, name: center.name, hours: center.hours }, opts);
      } catch (err) {
        failures.push(`${centerId}: ${err instanceof Error ? err.message : String(err)}`);
        continue;
      }
    }
    // An inactive center, or one that opens no day of the week, has nothing to verify.
    if (!want || !want.firings.length) {
      if (await deleteIfPresent(client, scheduleId)) {
        result.removed.push(scheduleId);
        opts.log?.info({ scheduleId, centerId, active: center.active !== false }, 'daily opening schedule removed');
      }
      continue;
    }
    const outcome = await upsert(client, want, centerId);
    result[outcome].push(scheduleId);
    if (outcome !== 'unchanged') opts.log?.info({ scheduleId, centerId, spec: want.spec }, `daily opening schedule ${outcome}`);
  }
  if (failures.length) opts.log?.error?.({ invalid: failures }, 'invalid opening hours: those centers keep the schedule they had');
  return result;
}
