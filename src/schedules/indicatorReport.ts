/**
 * The monthly indicator report of PE1.3.1 (issue 11) runs for every active operating center from a
 * Temporal Schedule, `reporte-indicadores-<centerId>`, firing on day 1 of each month at
 * REPORT_FIRES_AT Lima time. A Temporal calendar cannot say "first business day" (holidays move and
 * are decreed at run time): the run it starts waits until that day (src/workflows/indicatorReport.ts),
 * so every firing is a report that goes out, and none leaves an empty run behind.
 * `ensureIndicatorReportSchedules` runs at every start of the engine, beside the opening schedules.
 */
import { ScheduleAlreadyRunning, ScheduleOverlapPolicy, type Client, type ScheduleDescription, type ScheduleOptionsAction, type ScheduleSpec } from '@temporalio/client';
import type { SearchAttributePair } from '@temporalio/common';
import { msToNumber } from '@temporalio/common/lib/time';
import type { Models } from '../db/models';
import { listProcedures } from '../catalog';
import { canonical, deleteIfPresent, describeOrNull, searchAttributePairs } from './common';
import type { IndicatorReportWorkflowInput } from '../workflows/indicatorReport';
import { CenterIdAttr, ProcedureCodeAttr, RunStatusAttr } from '../shared/messages';
import type { EngineSettings } from '../shared/settings';

/** PE1.3.1 as the catalog has it, found by the workflow that runs it (the catalog owns the code). */
const REPORT = (() => {
  const p = listProcedures().find((x) => x.workflowType === 'indicatorReportWorkflow');
  if (!p) throw new Error('no procedure of the catalog runs indicatorReportWorkflow');
  return p;
})();

export const REPORT_TIMEZONE = 'America/Lima';
/** Day 1, before any center opens: the run then waits for the first business day's issue time. */
export const REPORT_FIRES_AT = { hour: 6, minute: 0 };
/**
 * A firing missed while Temporal was down still happens within a week; never later, so the run
 * (which reports the month before its start) still reports the month that just ended.
 */
export const REPORT_CATCHUP_WINDOW = '7 days';

const SCHEDULE_PREFIX = 'reporte-indicadores-';

export function indicatorReportScheduleId(centerId: string): string {
  return `${SCHEDULE_PREFIX}${centerId}`;
}

export function indicatorReportScheduleSpec(): ScheduleSpec {
  return {
    timezone: REPORT_TIMEZONE,
    calendars: [{ dayOfMonth: 1, hour: REPORT_FIRES_AT.hour, minute: REPORT_FIRES_AT.minute, comment: 'PE1.3.1: día 1 de cada mes; el reporte se emite el primer día hábil' }],
  };
}

export interface EnsureIndicatorReportSchedulesOptions {
  models: Models;
  taskQueue: string;
  searchAttributes: boolean;
  settings: EngineSettings;
  log?: { info(obj: object, msg: string): void };
}

export interface EnsureIndicatorReportSchedulesResult {
  created: string[];
  updated: string[];
  /** Centers not operating (inactive, or in their pre-operative stage): no report. */
  removed: string[];
  unchanged: string[];
}

const POLICIES = {
  // A month's run may still wait for the coordinator's analysis when the next month's starts.
  overlap: ScheduleOverlapPolicy.ALLOW_ALL,
  catchupWindow: REPORT_CATCHUP_WINDOW,
} as const;

function desiredAction(centerId: string, o: EnsureIndicatorReportSchedulesOptions): ScheduleOptionsAction {
  const scheduleId = indicatorReportScheduleId(centerId);
  const args: [IndicatorReportWorkflowInput] = [
    { meta: { code: REPORT.code, centerId, startedBy: { sub: scheduleId, role: 'schedule' }, searchAttributes: o.searchAttributes }, input: { centerId }, settings: o.settings },
  ];
  const typedSearchAttributes: SearchAttributePair[] = [
    { key: CenterIdAttr, value: centerId },
    { key: ProcedureCodeAttr, value: REPORT.code },
    { key: RunStatusAttr, value: 'running' },
  ];
  return {
    type: 'startWorkflow',
    workflowType: REPORT.workflowType,
    // Temporal appends each firing's time: `PE1.3.1-lima-norte-2027-01-01T11:00:00Z`.
    workflowId: `${REPORT.code}-${centerId}`,
    taskQueue: o.taskQueue,
    args,
    ...(o.searchAttributes ? { typedSearchAttributes } : {}),
  };
}

/** A described single-value range list (`[{ start: 1, end: 1, step: 1 }]`) as its value. */
const single = (ranges: { start: unknown; end?: unknown }[] | undefined) => (ranges?.length === 1 && (ranges[0].end ?? ranges[0].start) === ranges[0].start ? ranges[0].start : undefined);

/** Is the schedule on the server what we would create now? (pause state and notes are the operators'.) */
function isCurrent(d: ScheduleDescription, action: ScheduleOptionsAction): boolean {
  const calendars = d.spec.calendars ?? [];
  const c = calendars[0];
  const a = d.action;
  return (
    calendars.length === 1 &&
    single(c.dayOfMonth) === 1 &&
    single(c.hour) === REPORT_FIRES_AT.hour &&
    single(c.minute) === REPORT_FIRES_AT.minute &&
    (single(c.second) ?? 0) === 0 &&
    c.dayOfWeek.length === 1 && c.dayOfWeek[0].start === 'SUNDAY' && c.dayOfWeek[0].end === 'SATURDAY' &&
    c.month.length === 1 && c.month[0].start === 'JANUARY' && c.month[0].end === 'DECEMBER' &&
    !c.year?.length &&
    !d.spec.intervals?.length &&
    !d.spec.skip?.length &&
    (d.spec.timezone ?? '') === REPORT_TIMEZONE &&
    a.type === 'startWorkflow' &&
    action.type === 'startWorkflow' &&
    a.workflowType === action.workflowType &&
    a.workflowId === action.workflowId &&
    a.taskQueue === action.taskQueue &&
    canonical(a.args) === canonical(action.args) &&
    canonical(searchAttributePairs(a.typedSearchAttributes)) === canonical(searchAttributePairs(action.typedSearchAttributes)) &&
    d.policies.overlap === POLICIES.overlap &&
    d.policies.catchupWindow === msToNumber(REPORT_CATCHUP_WINDOW) &&
    d.state.remainingActions === undefined
  );
}

/**
 * One schedule per operating center (`reporte-indicadores-<centerId>`), created or brought up to
 * the current task queue and settings; a center inactive or still pre-operative loses its own.
 * Idempotent: run at every start of the engine and when a center starts operating.
 */
export async function ensureIndicatorReportSchedules(client: Client, o: EnsureIndicatorReportSchedulesOptions): Promise<EnsureIndicatorReportSchedulesResult> {
  const result: EnsureIndicatorReportSchedulesResult = { created: [], updated: [], removed: [], unchanged: [] };
  const centers = await o.models.Center.find({}, { _id: 1, name: 1, active: 1, stage: 1 }).sort({ _id: 1 }).lean();
  for (const center of centers) {
    const centerId = String(center._id);
    const scheduleId = indicatorReportScheduleId(centerId);
    const current = await describeOrNull(client, scheduleId);
    if (center.active === false || (center.stage ?? 'operating') !== 'operating') {
      if (current) {
        await deleteIfPresent(client, scheduleId);
        result.removed.push(scheduleId);
        o.log?.info({ scheduleId, centerId }, 'indicator report schedule removed');
      }
      continue;
    }
    const action = desiredAction(centerId, o);
    const note = `Reporte mensual de indicadores (PE1.3.1) del Centro MAC ${center.name ?? centerId} (${centerId})`;
    if (!current) {
      try {
        await client.schedule.create({ scheduleId, spec: indicatorReportScheduleSpec(), action, policies: POLICIES, memo: { centerId, procedure: REPORT.code, description: note }, state: { note } });
        result.created.push(scheduleId);
        o.log?.info({ scheduleId, centerId }, 'indicator report schedule created');
        continue;
      } catch (err) {
        // Another engine process created it between our describe and create: compare it instead.
        if (!(err instanceof ScheduleAlreadyRunning)) throw err;
      }
    }
    const existing = current ?? (await client.schedule.getHandle(scheduleId).describe());
    if (isCurrent(existing, action)) {
      result.unchanged.push(scheduleId);
      continue;
    }
    await client.schedule.getHandle(scheduleId).update((prev) => ({
      spec: indicatorReportScheduleSpec(),
      action,
      policies: POLICIES,
      // A schedule an operator paused stays paused, with the operator's note.
      state: prev.state.paused ? { paused: true, note: prev.state.note } : { paused: false, note },
    }));
    result.updated.push(scheduleId);
    o.log?.info({ scheduleId, centerId }, 'indicator report schedule updated');
  }
  return result;
}
