import { Context } from '@temporalio/activity';
import { heartbeatsItself } from './keepAlive';
import type { ActivityDeps } from './index';
import type { ClosedRunStatus } from '../shared/messages';
import { closeRunRecord, reconcileRunRecords, type ReconcileRunsResult } from '../runs/records';

export interface CloseRunInput {
  runId: string;
  status: ClosedRunStatus;
  closedAt: string;
  metrics: Record<string, number>;
  /** Why it ended, when it did not complete (the failure's reason). */
  reason?: string;
}

export interface ReconcileRunsInput {
  /** Minutes before the previous pass's start that this pass looks again (visibility lags behind closes). */
  overlapMinutes: number;
}

export type { ReconcileRunsResult };

/** The runs' read model: closing a run's record, and repairing records of runs that closed unseen. */
export function createRecordActivities(deps: Pick<ActivityDeps, 'models' | 'client' | 'clock'>) {
  return {
    /** Closes the run's record (once) and cancels whatever it left open in the inbox. */
    async closeRun(input: CloseRunInput): Promise<void> {
      await closeRunRecord(deps.models, {
        runId: input.runId,
        status: input.status,
        closedAt: new Date(input.closedAt),
        metrics: input.metrics,
        ...(input.reason ? { reason: input.reason } : {}),
      });
    },

    /** One pass of the reconciliation of run records (src/runs/records.ts); heartbeats as it pages. */
    reconcileRuns: heartbeatsItself(async (input: ReconcileRunsInput): Promise<ReconcileRunsResult> => {
      const heartbeat = (examined: number) => Context.current().heartbeat({ examined });
      return reconcileRunRecords(deps.models, deps.client, { now: deps.clock(), overlapMs: input.overlapMinutes * 60_000, progress: heartbeat });
    }),
  };
}
