/**
 * Run records that stay true (DESIGN §2: the read models serve the run views and the inbox).
 *
 * A run closes its own record when its workflow code sees the end: completion, cancellation,
 * failure (src/workflows/run.ts, `withRun`). Termination and timeouts run no workflow code, so a
 * periodic pass (the `reconcile-runs` Schedule, src/schedules/reconcile.ts) asks Temporal which
 * executions closed some other way since the previous pass and repairs their records. A pass costs
 * what closed abnormally since the previous one, never a look at every open run.
 *
 * The store serves top-level equality filters from its indexes: every query here is one.
 */
import type { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { tolerantUpsert, UNFINISHED_OPENING, type Models } from '../db/models';
import { closedRunNote, type ClosedRunStatus } from '../shared/messages';

export interface RunClosing {
  runId: string;
  status: ClosedRunStatus;
  closedAt: Date;
  /** Why it ended, when known and not a plain completion. */
  reason?: string;
  metrics?: Record<string, number>;
}

/**
 * Closes a run's record, cancels the tasks it left open in the inbox and, for a run that ended
 * unfinished, lets go of what it held: a day's opening (interrupted) and a claim's entry in the
 * Libro de Reclamaciones (closed). A record closes once: a record already closed keeps how it
 * ended (a retry, or a reconciliation after the run's own closing, changes nothing). Returns
 * whether this call closed it and how many tasks it cancelled.
 */
export async function closeRunRecord(models: Models, c: RunClosing): Promise<{ closed: boolean; tasksCancelled: number }> {
  const run = await models.Run.updateOne(
    { _id: c.runId, status: 'running' },
    {
      $set: {
        status: c.status,
        closedAt: c.closedAt,
        ...(c.reason ? { closeReason: c.reason } : {}),
        ...Object.fromEntries(Object.entries(c.metrics ?? {}).map(([k, v]) => [`metrics.${k}`, v])),
      },
    },
  );
  // A closed run has nothing left to do: whatever is still open in the inbox is cancelled.
  const tasks = await models.Task.updateMany(
    { runId: c.runId, status: 'open' },
    { $set: { status: 'cancelled', completedAt: c.closedAt, data: { cancelled: closedRunNote(c.status, c.reason) } } },
  );
  if (c.status !== 'completed') {
    // A daily opening whose run ended before finishing the day says so, and a new run may take it over.
    await models.Opening.updateOne({ runId: c.runId, status: { $in: UNFINISHED_OPENING } }, { $set: { status: 'interrupted' } });
    // A claim whose run ended without an answer leaves the open claims of the Libro de
    // Reclamaciones: its term no longer runs (no overdue, no decree reaches it) and it says how it ended.
    await models.Claim.updateOne(
      { _id: c.runId, status: 'open' },
      { $set: { status: 'closed', closedAs: c.status, closedAt: c.closedAt, ...(c.reason ? { closeReason: c.reason } : {}) } },
    );
  }
  return { closed: run.modifiedCount > 0, tasksCancelled: tasks.modifiedCount };
}

/** How a closed execution ended, as a run status; null while it runs (or continued as new). */
export function closedStatusOf(execution: string): ClosedRunStatus | null {
  switch (execution) {
    case 'COMPLETED':
      return 'completed';
    case 'FAILED':
      return 'failed';
    case 'CANCELLED':
      return 'cancelled';
    case 'TERMINATED':
      return 'terminated';
    case 'TIMED_OUT':
      return 'timed_out';
    default:
      return null;
  }
}

/** Why an execution closed, from its close event (one event, not the whole history). */
async function closeReasonOf(client: Client, workflowId: string, runId: string): Promise<string | undefined> {
  const { history } = await client.workflowService.getWorkflowExecutionHistory({
    namespace: client.options.namespace,
    execution: { workflowId, runId },
    historyEventFilterType: temporal.api.enums.v1.HistoryEventFilterType.HISTORY_EVENT_FILTER_TYPE_CLOSE_EVENT,
  });
  const e = history?.events?.[history.events.length - 1];
  const terminated = e?.workflowExecutionTerminatedEventAttributes;
  if (terminated) return [terminated.reason || 'sin motivo', terminated.identity ? `(${terminated.identity})` : ''].filter(Boolean).join(' ');
  const failure = e?.workflowExecutionFailedEventAttributes?.failure;
  if (failure) return failure.cause?.message || failure.message || undefined;
  if (e?.workflowExecutionTimedOutEventAttributes) return 'execution timeout';
  return undefined;
}

/** A closed execution as visibility lists it or describe tells it. */
export interface ClosedExecution {
  workflowId: string;
  runId: string;
  status: { name: string };
  closeTime?: Date;
}

/**
 * Brings one run's record in line with its execution, if the execution closed and the record
 * still says running. Returns the status it wrote, or null when there was nothing to repair.
 */
export async function repairRunRecord(models: Models, client: Client, execution: ClosedExecution, now: Date): Promise<ClosedRunStatus | null> {
  const status = closedStatusOf(execution.status.name);
  if (!status) return null;
  // The run id is the workflow id; executions that are not runs (the reconciliation's own) have no record.
  const record = await models.Run.findById(execution.workflowId, { status: 1 }).lean();
  if (record?.status !== 'running') return null;
  const reason = await closeReasonOf(client, execution.workflowId, execution.runId);
  const { closed } = await closeRunRecord(models, { runId: execution.workflowId, status, closedAt: execution.closeTime ?? now, ...(reason ? { reason } : {}) });
  return closed ? status : null;
}

export const RECONCILE_CHECKPOINT = 'reconcile-runs';

export interface ReconcileRunsOptions {
  now: Date;
  /** How far before the previous pass's start this one looks again: visibility lags behind closes. */
  overlapMs: number;
  /** Called every page of results (an activity heartbeats). */
  progress?: (examined: number) => void;
}

export interface ReconcileRunsResult {
  /** Close time from which this pass looked (null: the first pass, which looks at every retained execution). */
  since: string | null;
  /** Executions that closed other than by completing, in that window. */
  examined: number;
  repaired: { runId: string; status: ClosedRunStatus }[];
}

/**
 * One reconciliation pass: the executions that closed other than by completing (terminated, timed
 * out, failed, cancelled) since shortly before the previous pass started, each checked against
 * its record by id, repaired if it still says running. The checkpoint moves only after a complete
 * pass, so a pass that fails is done again, whole, by the next one.
 */
export async function reconcileRunRecords(models: Models, client: Client, o: ReconcileRunsOptions): Promise<ReconcileRunsResult> {
  const checkpoint = await models.Checkpoint.findById(RECONCILE_CHECKPOINT).lean();
  const since = checkpoint ? new Date(checkpoint.at.getTime() - o.overlapMs) : null;
  const query = [
    'ExecutionStatus != "Running"',
    'ExecutionStatus != "Completed"',
    'ExecutionStatus != "ContinuedAsNew"',
    ...(since ? [`CloseTime >= "${since.toISOString()}"`] : []),
  ].join(' AND ');
  const result: ReconcileRunsResult = { since: since?.toISOString() ?? null, examined: 0, repaired: [] };
  const PAGE = 200;
  for await (const execution of client.workflow.list({ query, pageSize: PAGE })) {
    result.examined += 1;
    const status = await repairRunRecord(models, client, execution, o.now);
    if (status) result.repaired.push({ runId: execution.workflowId, status });
    if (result.examined % PAGE === 0) o.progress?.(result.examined);
  }
  await tolerantUpsert(() => models.Checkpoint.updateOne({ _id: RECONCILE_CHECKPOINT }, { $set: { at: o.now } }, { upsert: true }));
  return result;
}
