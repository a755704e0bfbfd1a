/**
 * The `reconcile-runs` Schedule: every `RECONCILE_RUNS_EVERY_MINUTES` it starts one pass of the
 * reconciliation of run records (src/runs/records.ts, workflow `reconcileRunsWorkflow`).
 * `ensureReconcileSchedule` runs at every start of the engine, where the opening schedules
 * converge, and brings the schedule to the current interval and task queue.
 */
import { ScheduleAlreadyRunning, ScheduleOverlapPolicy, type Client, type ScheduleOptionsAction, type ScheduleSpec } from '@temporalio/client';
import type * as workflows from '../workflows';
import type { ReconcileRunsWorkflowInput } from '../workflows/reconcile';

export const RECONCILE_SCHEDULE_ID = 'reconcile-runs';
const WORKFLOW_TYPE: keyof typeof workflows = 'reconcileRunsWorkflow';
/** Visibility lags a little behind closes: each pass looks again this far before the previous one. */
export const RECONCILE_OVERLAP_MINUTES = 5;

export interface EnsureReconcileScheduleOptions {
  taskQueue: string;
  everyMinutes: number;
  log?: { info(obj: object, msg: string): void };
}

function wanted(o: EnsureReconcileScheduleOptions): { spec: ScheduleSpec; action: ScheduleOptionsAction; policies: { overlap: ScheduleOverlapPolicy; catchupWindow: number } } {
  if (!Number.isInteger(o.everyMinutes) || o.everyMinutes < 1) throw new RangeError(`the reconciliation interval must be a whole number of minutes ≥ 1, got ${o.everyMinutes}`);
  const every = o.everyMinutes * 60_000;
  const args: [ReconcileRunsWorkflowInput] = [{ overlapMinutes: RECONCILE_OVERLAP_MINUTES }];
  return {
    spec: { intervals: [{ every }] },
    // Temporal appends each firing's time to the workflow id: `reconcile-runs-2026-11-23T15:10:00Z`.
    action: { type: 'startWorkflow', workflowType: WORKFLOW_TYPE, workflowId: RECONCILE_SCHEDULE_ID, taskQueue: o.taskQueue, args },
    // One pass at a time; after an outage one pass catches up (it starts from the last checkpoint).
    policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: every },
  };
}

/**
 * Creates the schedule, or updates it to the current interval and task queue (just updated: the
 * spec is one interval, nothing worth comparing). A schedule an operator paused stays paused.
 */
export async function ensureReconcileSchedule(client: Client, o: EnsureReconcileScheduleOptions): Promise<'created' | 'updated'> {
  const want = wanted(o);
  const note = `Reconciliación de los registros de ejecuciones cada ${o.everyMinutes} min`;
  try {
    await client.schedule.create({ scheduleId: RECONCILE_SCHEDULE_ID, ...want, state: { note } });
    o.log?.info({ scheduleId: RECONCILE_SCHEDULE_ID, everyMinutes: o.everyMinutes }, 'reconciliation schedule created');
    return 'created';
  } catch (err) {
    if (!(err instanceof ScheduleAlreadyRunning)) throw err;
  }
  await client.schedule.getHandle(RECONCILE_SCHEDULE_ID).update((prev) => ({
    ...want,
    state: prev.state.paused ? { paused: true, note: prev.state.note } : { paused: false, note },
  }));
  return 'updated';
}
