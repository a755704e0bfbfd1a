/**
 * Run records always true, through the HTTP API on the real stack (Temporal dev server, FerretDB,
 * MailDev): a run that is cancelled, terminated or timed out says so in `GET /runs/{id}` and
 * leaves nothing open in the inbox — cancelled runs by their own closing, terminated and timed
 * out ones (no workflow code runs) by the `reconcile-runs` pass or as soon as their page is read.
 */
import type { WorkflowHandle } from '@temporalio/client';
import { ensureReconcileSchedule, RECONCILE_SCHEDULE_ID } from '../../src/schedules/reconcile';
import type { ReconcileRunsResult } from '../../src/activities';
import type { CongratulationWorkflowInput } from '../../src/workflows/congratulation';
import { congratulationBody, eventually, startStack, type Stack } from '../helpers/stack';
import { maybeRecordHistory, uniqueId } from '../helpers/infra';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  await stack?.close();
});

const enc = encodeURIComponent;
const sscs = () => stack.auth('sscs', '*', 'sscs.auditora');

/** A PA1.1.5 (Soporte técnico interno) run through the API, once its TIC task is in the inbox. */
async function supportRun(subject: string): Promise<{ runId: string; taskId: string }> {
  const start = await stack.http.post('/api/v1/procedures/PA1.1.5/runs').set(stack.auth('orientador', ['ventanilla'])).send({ centerId: 'ventanilla', subject });
  expect(start.status).toBe(201);
  const task = await openTask(start.body.runId);
  return { runId: start.body.runId, taskId: task.id };
}

async function openTask(runId: string): Promise<{ id: string }> {
  return eventually(async () => (await stack.http.get(`/api/v1/tasks?runId=${enc(runId)}&status=open`).set(sscs())).body.tasks?.[0], `the open task of ${runId}`);
}

/** The ids of every open task in the inbox, as SSCS (all centers) reads it. */
async function openInbox(): Promise<string[]> {
  const res = await stack.http.get('/api/v1/tasks?status=open&limit=500').set(sscs());
  expect(res.status).toBe(200);
  return res.body.tasks.map((t: { id: string }) => t.id);
}

async function runIds(status: string): Promise<string[]> {
  const res = await stack.http.get(`/api/v1/runs?status=${status}&limit=500`).set(sscs());
  expect(res.status).toBe(200);
  return res.body.runs.map((r: { runId: string }) => r.runId);
}

/** Triggers the reconciliation schedule and returns the pass it started, finished. */
async function reconciliationPass(): Promise<{ handle: WorkflowHandle; result: ReconcileRunsResult }> {
  const schedule = stack.client.schedule.getHandle(RECONCILE_SCHEDULE_ID);
  const before = (await schedule.describe()).info.recentActions.length;
  await schedule.trigger();
  const workflowId = await eventually(async () => {
    const actions = (await schedule.describe()).info.recentActions;
    return actions.length > before ? actions[actions.length - 1].action.workflow.workflowId : undefined;
  }, 'the triggered reconciliation pass');
  const handle = stack.client.workflow.getHandle(workflowId);
  return { handle, result: (await handle.result()) as ReconcileRunsResult };
}

/** Visibility lists a closed execution a moment after it closes: wait until it does. */
async function visiblyClosed(runId: string, status: 'Terminated' | 'TimedOut') {
  await eventually(async () => {
    for await (const e of stack.client.workflow.list({ query: `WorkflowId = "${runId}" AND ExecutionStatus = "${status}"` })) return e;
    return undefined;
  }, `${runId} listed as ${status}`);
}

test('when a run is cancelled, then its page says cancelled and when, its task leaves the open inbox, and completing it is refused', async () => {
  const start = await stack.http.post('/api/v1/procedures/PM1.4.1/runs').set(stack.auth('orientador', ['lima-norte'])).send(congratulationBody());
  expect(start.status).toBe(201);
  const { runId } = start.body;
  const task = await openTask(runId);
  expect(await openInbox()).toContain(task.id);

  await stack.client.workflow.getHandle(runId).cancel();

  const coordinator = stack.auth('coordinator', ['lima-norte'], 'coordinadora.ana');
  const run = await eventually(async () => {
    const res = await stack.http.get(`/api/v1/runs/${enc(runId)}`).set(coordinator);
    // The workflow closes its record, then ends: for a moment the record is closed and the run still running.
    return res.body.status === 'cancelled' && res.body.execution !== 'RUNNING' ? res.body : undefined;
  }, 'the run to say cancelled');
  expect(run).toMatchObject({ status: 'cancelled', closedAt: expect.any(String), closeReason: null, execution: 'CANCELLED' });
  expect(run.tasks).toEqual([expect.objectContaining({ id: task.id, status: 'cancelled', completedAt: run.closedAt })]);
  expect(await openInbox()).not.toContain(task.id);
  expect((await stack.http.get('/api/v1/tasks?centerId=lima-norte&role=coordinator&status=open').set(coordinator)).body.tasks.map((t: { id: string }) => t.id)).not.toContain(task.id);
  expect(await runIds('cancelled')).toContain(runId);

  const late = await stack.http.post(`/api/v1/tasks/${enc(task.id)}/complete`).set(coordinator).send({ data: { shareWithEntity: true } });
  expect(late.status).toBe(409);
  expect(late.body.error.code).toBe('task_not_open');
});

test('when runs are terminated or time out, then the reconciliation pass closes their records saying how and empties their tasks from the inbox, and leaves running runs alone', async () => {
  // Converged at start like the opening schedules: every 10 minutes by default, then to a new interval.
  expect(await ensureReconcileSchedule(stack.client, { taskQueue: stack.taskQueue, everyMinutes: 10 })).toBe('created');
  const created = await stack.client.schedule.getHandle(RECONCILE_SCHEDULE_ID).describe();
  expect(created.spec.intervals).toMatchObject([{ every: 10 * 60_000 }]);
  expect(created.action).toMatchObject({ type: 'startWorkflow', workflowType: 'reconcileRunsWorkflow', taskQueue: stack.taskQueue, args: [{ overlapMinutes: 5 }] });
  expect(created.policies).toMatchObject({ overlap: 'SKIP' });
  // (Once a day from here on, so that only the passes this test triggers run while it does.)
  expect(await ensureReconcileSchedule(stack.client, { taskQueue: stack.taskQueue, everyMinutes: 1440 })).toBe('updated');
  expect((await stack.client.schedule.getHandle(RECONCILE_SCHEDULE_ID).describe()).spec.intervals).toMatchObject([{ every: 24 * 3600_000 }]);

  const terminated = await supportRun('Impresora registrada dos veces');
  const running = await supportRun('Lector de DNI del módulo 4 no responde');
  // A run with an execution timeout (the API sets none; an operator's script might).
  const timedOutId = uniqueId('PM1.4.1-lima-norte');
  const args: CongratulationWorkflowInput = {
    meta: { runId: timedOutId, code: 'PM1.4.1', centerId: 'lima-norte', startedBy: { sub: 'orientador-test', role: 'orientador' }, searchAttributes: true },
    input: congratulationBody(),
  };
  await stack.client.workflow.start('congratulationWorkflow', { taskQueue: stack.taskQueue, workflowId: timedOutId, args: [args], workflowExecutionTimeout: '8 seconds' });
  const timedOutTask = await openTask(timedOutId);

  await stack.client.workflow.getHandle(terminated.runId).terminate('Registrado por error: duplica la solicitud anterior');
  await visiblyClosed(terminated.runId, 'Terminated');
  await visiblyClosed(timedOutId, 'TimedOut');
  // No workflow code ran: until the pass, the inbox still offers their tasks.
  expect(await openInbox()).toEqual(expect.arrayContaining([terminated.taskId, timedOutTask.id, running.taskId]));

  const first = await reconciliationPass();
  await maybeRecordHistory('reconcile-runs', first.handle);
  expect(first.result.repaired).toHaveLength(2);
  expect(first.result.repaired).toEqual(expect.arrayContaining([{ runId: terminated.runId, status: 'terminated' }, { runId: timedOutId, status: 'timed_out' }]));

  const inbox = await openInbox();
  expect(inbox).not.toContain(terminated.taskId);
  expect(inbox).not.toContain(timedOutTask.id);
  expect(inbox).toContain(running.taskId);
  // The lists (which never repair anything themselves) already say how each ended.
  expect(await runIds('terminated')).toContain(terminated.runId);
  expect(await runIds('timed_out')).toContain(timedOutId);
  expect(await runIds('running')).toContain(running.runId);

  const page = (await stack.http.get(`/api/v1/runs/${enc(terminated.runId)}`).set(sscs())).body;
  expect(page).toMatchObject({ status: 'terminated', closedAt: expect.any(String), execution: 'TERMINATED', closeReason: expect.stringContaining('Registrado por error: duplica la solicitud anterior') });
  expect(page.tasks).toEqual([expect.objectContaining({ id: terminated.taskId, status: 'cancelled' })]);
  expect((await stack.http.get(`/api/v1/runs/${enc(timedOutId)}`).set(sscs())).body).toMatchObject({ status: 'timed_out', execution: 'TIMED_OUT', closeReason: 'execution timeout' });
  expect((await stack.http.get(`/api/v1/runs/${enc(running.runId)}`).set(sscs())).body).toMatchObject({ status: 'running', closedAt: null, execution: 'RUNNING' });

  // The next pass starts from the previous one (less its overlap) and finds nothing left to repair.
  const second = await reconciliationPass();
  expect(second.result.since).not.toBeNull();
  expect(Date.parse(second.result.since!)).toBeGreaterThan(Date.now() - 10 * 60_000);
  expect(second.result.repaired).toEqual([]);
});

test('when a terminated run is read before the next pass, then its page already says terminated and its task has left the inbox', async () => {
  const { runId, taskId } = await supportRun('Proyector de la sala de capacitación');
  await stack.client.workflow.getHandle(runId).terminate('Solicitud retirada por el área usuaria');

  const page = (await stack.http.get(`/api/v1/runs/${enc(runId)}`).set(stack.auth('tic_specialist', ['ventanilla']))).body;
  expect(page).toMatchObject({ status: 'terminated', closedAt: expect.any(String), closeReason: expect.stringContaining('Solicitud retirada por el área usuaria') });
  expect(page.tasks).toEqual([expect.objectContaining({ id: taskId, status: 'cancelled' })]);
  expect(await openInbox()).not.toContain(taskId);
});
