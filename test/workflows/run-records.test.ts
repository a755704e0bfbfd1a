/**
 * Run records always true (src/workflows/run.ts `withRun`): a run that ends before its procedure
 * did — cancelled, or failed — closes its record saying how, and cancels what it left in the
 * inbox. On the time-skipping server, with the real activities on the document DB.
 */
import { WorkflowFailedError, type WorkflowHandle } from '@temporalio/client';
import { ActivityFailure, ApplicationFailure, CancelledFailure } from '@temporalio/common';
import type { Actor } from '../../src/shared/roles';
import type { RunMeta } from '../../src/shared/messages';
import { DEFAULT_SETTINGS } from '../../src/shared/settings';
import { forgetCenter, type EntityRecord } from '../../src/db/models';
import { claimWorkflow, dailyOpeningWorkflow, incidentWorkflow } from '../../src/workflows';
import { buildClaim, completeTask, maybeRecordHistory, nextWorkdayAt, RecordingMailer, uniqueId, useWorkflowTestEnv, waitForTask } from '../helpers/infra';

const ctx = useWorkflowTestEnv({ serverPerTest: true });
const supervisor: Actor = { sub: 'sup-ln', role: 'supervisor', centers: ['lima-norte'] };
const reniec: Actor = { sub: 'reniec-ln', role: 'participant_entity', centers: ['lima-norte'], entity: 'reniec' };

/** What the inbox and the run view read: the run's record and its tasks. */
async function recordOf(runId: string) {
  const [run, tasks] = await Promise.all([ctx.models.Run.findById(runId).lean(), ctx.models.Task.find({ runId }).sort({ createdAt: 1 }).lean()]);
  return { run, tasks, open: tasks.filter((t) => t.status === 'open') };
}

/**
 * Waits until the run has no activity in flight. The Java test server refuses a workflow task that
 * asks to cancel an activity which completed meanwhile (ACTIVITY_UNKNOWN), and the run then hangs
 * there; Temporal's server takes that race. Cancelling a settled run keeps these tests about ours.
 */
async function settled(handle: WorkflowHandle): Promise<void> {
  for (let i = 0; ; i++) {
    const { raw } = await handle.describe();
    if (!raw.pendingActivities?.length && !raw.pendingWorkflowTask) return;
    if (i > 300) throw new Error(`${handle.workflowId} never settled`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** How the execution ended (the cause of its failure), once it has closed. */
async function endsWith(handle: WorkflowHandle): Promise<unknown> {
  // Polled, not awaited with result(): on the time-skipping server that would skip time meanwhile.
  for (let i = 0; (await handle.describe()).status.name === 'RUNNING'; i++) {
    if (i > 300) throw new Error(`${handle.workflowId} is still running`);
    await new Promise((r) => setTimeout(r, 100));
  }
  const err = await handle.result().then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(WorkflowFailedError);
  return (err as WorkflowFailedError).cause;
}

describe('a run that is cancelled', () => {
  test('when a daily opening is cancelled while its verification is open, then its record says cancelled and the verification leaves the open inbox', async () => {
    await nextWorkdayAt(ctx.env, '07:00');
    const { worker, taskQueue } = await ctx.worker(new RecordingMailer());
    const runId = uniqueId('P2.2.2-lima-norte');
    const meta = { runId, code: 'P2.2.2', centerId: 'lima-norte', startedBy: { sub: 'apertura-diaria-lima-norte', role: 'schedule' as const }, searchAttributes: false };
    const cause = await worker.runUntil(async () => {
      const handle = ctx.track(await ctx.env.client.workflow.start(dailyOpeningWorkflow, { taskQueue, workflowId: runId, args: [{ meta, input: { centerId: 'lima-norte' }, settings: DEFAULT_SETTINGS }] }));
      await ctx.env.sleep('45 minutes');
      await waitForTask(handle, 'verify_opening');
      await settled(handle);
      expect((await recordOf(runId)).open.map((t) => t.type)).toEqual(['verify_opening']);
      await handle.cancel();
      return endsWith(handle);
    });
    // The execution itself ends cancelled (the run's closing-hour cutoff does not get in the way).
    expect(cause).toBeInstanceOf(CancelledFailure);
    const { run, tasks, open } = await recordOf(runId);
    expect(run).toMatchObject({ status: 'cancelled', closedAt: expect.any(Date) });
    expect(run!.closeReason).toBeUndefined();
    expect(open).toEqual([]);
    expect(tasks).toEqual([expect.objectContaining({ type: 'verify_opening', status: 'cancelled', data: { cancelled: 'La ejecución del procedimiento fue cancelada' } })]);
  });

  test('when a claim is cancelled while the entity investigates it, then its record says cancelled and the entity has nothing left open', async () => {
    const { worker, taskQueue } = await ctx.worker(new RecordingMailer());
    const claim = buildClaim();
    const cause = await worker.runUntil(async () => {
      const handle = ctx.track(await ctx.env.client.workflow.start(claimWorkflow, { taskQueue, workflowId: claim.meta.runId, args: [claim] }));
      await waitForTask(handle, 'investigate_claim');
      await settled(handle);
      expect((await recordOf(claim.meta.runId)).open.map((t) => t.type)).toEqual(['investigate_claim']);
      await handle.cancel();
      const ended = await endsWith(handle);
      await maybeRecordHistory('claim-cancelled', handle);
      return ended;
    });
    // The term watcher running beside the investigation is cancelled with the run, not left failing.
    expect(cause).toBeInstanceOf(CancelledFailure);
    const { run, tasks, open } = await recordOf(claim.meta.runId);
    expect(run).toMatchObject({ status: 'cancelled', closedAt: expect.any(Date) });
    expect(open).toEqual([]);
    expect(tasks).toEqual([expect.objectContaining({ type: 'investigate_claim', role: 'participant_entity', entityId: 'reniec', status: 'cancelled' })]);
    // Its entry in the Libro de Reclamaciones is no longer open: no term, no decree, says how it ended.
    expect(await ctx.models.Claim.findById(claim.meta.runId).lean()).toMatchObject({ status: 'closed', closedAs: 'cancelled', closedAt: run!.closedAt });
  });
});

describe('a run that fails', () => {
  test('when an incident is reopened after its entity left the center, then the run fails, its record says failed and why, and the reopened task leaves the inbox', async () => {
    const { worker, taskQueue } = await ctx.worker(new RecordingMailer());
    const meta: RunMeta = { runId: uniqueId('PM1.3.3-lima-norte'), code: 'PM1.3.3', centerId: 'lima-norte', startedBy: { sub: 'sup-ln', role: 'supervisor' }, searchAttributes: false };
    const input = { centerId: 'lima-norte', entityId: 'reniec', type: 'personal' as const, description: 'El módulo 14 de RENIEC no abrió: el asesor no se presentó.' };
    const cause = await worker.runUntil(async () => {
      const handle = ctx.track(await ctx.env.client.workflow.start(incidentWorkflow, { taskQueue, workflowId: meta.runId, args: [{ meta, input, settings: DEFAULT_SETTINGS }] }));
      await completeTask(handle, (await waitForTask(handle, 'report_incident_solution')).task.id, reniec, { solution: 'Se asignó un asesor de reemplazo.' });
      const verify = (await waitForTask(handle, 'verify_incident_solution')).task;
      // RENIEC leaves the Centro MAC: the reopened incident can no longer be notified to it.
      const center = await ctx.models.Center.findById('lima-norte').lean();
      const entities = (center!.participatingEntities as EntityRecord[]).filter((e) => e.id !== 'reniec');
      await ctx.models.Center.updateOne({ _id: 'lima-norte' }, { $set: { participatingEntities: entities } });
      forgetCenter(ctx.models, 'lima-norte'); // as the process that changes a center does
      await completeTask(handle, verify.id, supervisor, { verdict: 'reopen', observations: 'El asesor de reemplazo tampoco se presentó.' });
      const ended = await endsWith(handle);
      await maybeRecordHistory('incident-failed', handle);
      return ended;
    });
    expect(cause).toBeInstanceOf(ActivityFailure);
    expect((cause as ActivityFailure).cause).toBeInstanceOf(ApplicationFailure);
    const { run, tasks, open } = await recordOf(meta.runId);
    expect(run).toMatchObject({ status: 'failed', closedAt: expect.any(Date), closeReason: 'entity reniec is not in center lima-norte' });
    expect(open).toEqual([]);
    expect(tasks.map((t) => [t.type, t.status])).toEqual([
      ['report_incident_solution', 'completed'],
      ['verify_incident_solution', 'completed'],
      ['report_incident_solution', 'cancelled'],
    ]);
    expect(tasks[2].data).toEqual({ cancelled: 'La ejecución del procedimiento falló: entity reniec is not in center lima-norte' });
  });
});
