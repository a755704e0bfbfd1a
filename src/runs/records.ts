/**
 * Run records that stay true (DESIGN §2: the read models serve the run views and the inbox).
 *
 * A run closes its own record when its workflow code sees the end: completion, cancellation,
 * failure (src/workflows/run.ts, `withRun`).
 *
 * The store serves top-level equality filters from its indexes: every query here is one.
 */
import type { Models } from '../db/models';
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
 * Closes a run's record and cancels the tasks it left open in the inbox. A record closes once: a
 * record already closed keeps how it ended (a retry, or a reconciliation after the run's own
 * closing, changes nothing). Returns whether this call closed it and how many tasks it cancelled.
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
  return { closed: run.modifiedCount > 0, tasksCancelled: tasks.modifiedCount };
}
