import { proxyActivities } from '@temporalio/workflow';
import type { Activities, ReconcileRunsInput, ReconcileRunsResult } from '../activities';
import { NON_RETRYABLE_ACTIVITY_ERRORS } from '../shared/errors';

/** A pass pages through Temporal's visibility: minutes, not seconds, with a heartbeat per page. */
const records = proxyActivities<Activities>({
  startToCloseTimeout: '30 minutes',
  heartbeatTimeout: '2 minutes',
  retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '5 minutes', maximumAttempts: 3, nonRetryableErrorTypes: NON_RETRYABLE_ACTIVITY_ERRORS },
});

export type ReconcileRunsWorkflowInput = ReconcileRunsInput;

/**
 * One pass of the reconciliation of run records (src/runs/records.ts), started by the
 * `reconcile-runs` Schedule: runs that were terminated or timed out — no workflow code of theirs
 * ran — get their record closed saying how, and their open tasks cancelled. A pass that fails is
 * done again by the next one (the checkpoint only moves after a complete pass).
 */
export async function reconcileRunsWorkflow(input: ReconcileRunsWorkflowInput): Promise<ReconcileRunsResult> {
  return records.reconcileRuns(input);
}
