/**
 * The baseline: a workflow of the claim's shape (src/workflows/claim.ts) with no-op activities,
 * bundled apart and run on its own task queue. The same activities in the same order with the
 * same arguments, the same timeouts and retry policies, the same search attribute upserts, the
 * term's timer, and tasks completed through the same `completeTask` update: what Temporal alone
 * costs for one claim, on the same server, in the same run.
 */
import { ApplicationFailure, condition, proxyActivities, setHandler, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import type { BaselineActivities } from './activities';
import type { ClaimWorkflowInput } from '../../src/workflows/claim';
import { NON_RETRYABLE_ACTIVITY_ERRORS } from '../../src/shared/errors';
import { completeTaskUpdate, DueAtAttr, RunStatusAttr, TaskRejection } from '../../src/shared/messages';

const acts = proxyActivities<BaselineActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute', nonRetryableErrorTypes: NON_RETRYABLE_ACTIVITY_ERRORS },
});
const delivery = proxyActivities<BaselineActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '10 minutes', nonRetryableErrorTypes: NON_RETRYABLE_ACTIVITY_ERRORS },
});

interface BaselineTask {
  id: string;
  status: 'open' | 'completed';
  data?: Record<string, unknown>;
}

export async function baselineClaimWorkflow({ meta, input, terms }: ClaimWorkflowInput): Promise<{ answered: boolean }> {
  const tasks: BaselineTask[] = [];
  setHandler(
    completeTaskUpdate,
    (u) => {
      const task = tasks.find((t) => t.id === u.taskId)!;
      task.status = 'completed';
      task.data = u.data as Record<string, unknown>;
      return { taskId: u.taskId, status: 'completed' as const, completedAt: new Date().toISOString() };
    },
    {
      validator: (u) => {
        const task = tasks.find((t) => t.id === u?.taskId);
        if (!task || task.status !== 'open') throw ApplicationFailure.create({ type: TaskRejection.NotOpen, message: `task ${u?.taskId} is not open`, nonRetryable: true });
      },
    },
  );
  const setSearch = (s: { status?: string; dueAt?: string }) => {
    if (!meta.searchAttributes) return;
    upsertSearchAttributes([
      ...(s.status ? [{ key: RunStatusAttr, value: s.status }] : []),
      ...(s.dueAt ? [{ key: DueAtAttr, value: new Date(s.dueAt) }] : []),
    ] as never);
  };
  const deliveries: Promise<unknown>[] = [];
  const notify = async (step: string, data: Record<string, unknown>, attachments: string[]) => {
    const { key } = await acts.queueEmail({ key: `${meta.runId}:${step}`, runId: meta.runId, centerId: meta.centerId, to: [{ kind: 'address', email: input.citizen.email }], template: step, data, attachments });
    deliveries.push(delivery.deliverEmail({ key }));
  };

  const startedAt = new Date(workflowInfo().startTime).toISOString();
  const term = { openedAt: startedAt, dueBusinessDays: terms.businessDays, remindBefore: terms.remindBefore, escalation: { levels: ['coordinator', 'admin_entity', 'sscs'], every: terms.escalateEvery } };
  const record = { number: meta.runId, centerId: meta.centerId, citizen: input.citizen, description: input.description, request: input.request, registeredAt: startedAt };
  const run = { runId: meta.runId, code: meta.code, centerId: meta.centerId, workflowType: workflowInfo().workflowType, summary: 'Reclamo', startedBy: meta.startedBy, startedAt, metrics: { registered: 1 } };
  const { entity, plan } = await acts.registerClaim({ run, ...(input.entityId ? { entityId: input.entityId } : {}), term, claim: record } as never);
  setSearch({ dueAt: plan.dueAt });
  const claimData = { number: meta.runId, citizen: input.citizen, entity, description: input.description, request: input.request, registeredAt: startedAt, term: plan, legalReference: terms.reference };
  const constancia = await acts.renderDocument({ key: `${meta.runId}:constancia`, runId: meta.runId, centerId: meta.centerId, type: 'constancia_reclamo', data: claimData });
  await notify('constancia', { ...claimData, document: constancia }, [constancia.id]);

  // The term's watcher: a timer to its first notice, ended by the answer.
  let answered = false;
  const watcher = condition(() => answered, Math.max(1, Date.parse(plan.timeline[0]!.at) - Date.now()));

  const task = async (key: string, role: string) => {
    const t: BaselineTask = { id: `${meta.runId}:${key}`, status: 'open' };
    tasks.push(t);
    await acts.recordTask({ runId: meta.runId, code: meta.code, centerId: meta.centerId, task: { ...t, role, dueAt: plan.dueAt, rev: 1 } });
    setSearch({ dueAt: plan.dueAt });
    await condition(() => t.status !== 'open');
    await acts.recordTask({ runId: meta.runId, code: meta.code, centerId: meta.centerId, task: { ...t, role, dueAt: plan.dueAt, rev: 2 } });
    return t;
  };
  for (let round = 1; ; round++) {
    await task(`investigate-${round}`, entity ? 'participant_entity' : 'supervisor');
    const review = await task(`review-${round}`, 'supervisor');
    if (review.data?.verdict === 'approve') break;
  }
  answered = true;
  await watcher;
  const respuesta = await acts.renderDocument({ key: `${meta.runId}:respuesta`, runId: meta.runId, centerId: meta.centerId, type: 'respuesta_reclamo', data: claimData });
  await notify('respuesta', { ...claimData, document: respuesta }, [respuesta.id]);
  await acts.updateClaimRecord({ number: meta.runId, set: { status: 'answered' } });
  await Promise.all(deliveries);
  await acts.closeRun({ runId: meta.runId, status: 'completed', closedAt: new Date().toISOString(), metrics: { answered: 1 } });
  setSearch({ status: 'completed' });
  return { answered };
}
