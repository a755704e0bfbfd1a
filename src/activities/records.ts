import type { ActivityDeps } from './index';
import type { ClosedRunStatus } from '../shared/messages';
import { closeRunRecord } from '../runs/records';

export interface CloseRunInput {
  runId: string;
  status: ClosedRunStatus;
  closedAt: string;
  metrics: Record<string, number>;
  /** Why it ended, when it did not complete (the failure's reason). */
  reason?: string;
}

/** The runs' read model: closing a run's record. */
export function createRecordActivities(deps: Pick<ActivityDeps, 'models'>) {
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
  };
}
