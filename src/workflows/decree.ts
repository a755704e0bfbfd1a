import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { DecreeInput, DecreeResult } from '../shared/decree';

/**
 * The announcement takes as long as there are open claims; it heartbeats after every signal (a
 * few milliseconds each), so 20 seconds of silence means its worker is gone or cannot reach
 * Temporal: the next attempt, on any worker, resumes after the last finished batch. Transient
 * failures retry without end: a decree must reach every open claim.
 */
const announcer = proxyActivities<Activities>({
  startToCloseTimeout: '1 hour',
  heartbeatTimeout: '20 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

/**
 * A non-working day decreed for the public sector (DESIGN §5: "running terms must then move, with
 * the reason recorded"). Run id `decreto-<date>`; its start names the decree — date, reason, who
 * decreed it and when — so its history is the audit record SSCS reads. It tells every open claim
 * through one activity that streams them (see src/activities/decrees.ts for why), and returns how
 * many it reached. Each claim then re-plans its own term on the calendar (claim.ts).
 */
export async function decreeWorkflow(input: DecreeInput): Promise<DecreeResult> {
  return announcer.announceDecree({
    date: input.date,
    reason: input.reason,
    decreedBy: input.decreedBy,
    decreedAt: input.decreedAt,
    batchSize: input.batchSize ?? 100,
    concurrency: input.concurrency ?? 10,
  });
}
