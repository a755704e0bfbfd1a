/**
 * PM1.4.1 Recepción y difusión de felicitaciones (Cuadros 07–08) on the time-skipping server,
 * with the real activities against the document DB and a recording mailer.
 */
import { WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import { completeTaskUpdate, getStateQuery, TaskRejection } from '../../src/shared/messages';
import type { Actor } from '../../src/shared/roles';
import { BusinessCalendar, limaDate } from '../../src/calendar/businessCalendar';
import { maybeRecordHistory, RecordingMailer, TEST_SSCS_EMAIL, uniqueId, useWorkflowTestEnv, waitForTask } from '../helpers/infra';
import { congratulationWorkflow } from '../../src/workflows';

const ctx = useWorkflowTestEnv();

const coordinator: Actor = { sub: 'coord-ln', role: 'coordinator', centers: ['lima-norte'] };
const SSCS = TEST_SSCS_EMAIL;

function buildInput(overrides: { entityId?: string | null; message?: string } = {}) {
  const runId = uniqueId('PM1.4.1-lima-norte');
  return {
    meta: { runId, code: 'PM1.4.1', centerId: 'lima-norte', startedBy: { sub: 'orient-1', role: 'orientador' as const }, searchAttributes: false },
    input: {
      centerId: 'lima-norte',
      citizen: { name: 'Rosa Quispe', email: `${runId.toLowerCase()}@ciudadano.pe` },
      ...(overrides.entityId === null ? {} : { entityId: overrides.entityId ?? 'reniec' }),
      message: overrides.message ?? 'Excelente atención en el módulo de RENIEC, muy rápida y amable.',
    },
  };
}

async function withWorker<T>(mailer: RecordingMailer, fn: (taskQueue: string) => Promise<T>): Promise<T> {
  const { worker, taskQueue } = await ctx.worker(mailer);
  return worker.runUntil(fn(taskQueue));
}

/** The coordinator's acknowledgement task, once open. */
const openTask = async (handle: WorkflowHandle) => (await waitForTask(handle, 'acknowledge_congratulation')).task;

describe('PM1.4.1 congratulation workflow', () => {
  test('when the coordinator shares it with the entity, then the citizen gets the constancia and the entity an oficio, once each', async () => {
    const mailer = new RecordingMailer();
    const input = buildInput();
    const result = await withWorker(mailer, async (taskQueue) => {
      const handle = await ctx.env.client.workflow.start(congratulationWorkflow, { taskQueue, workflowId: input.meta.runId, args: [input] });
      const task = await openTask(handle);
      expect(task).toMatchObject({ type: 'acknowledge_congratulation', role: 'coordinator' });
      await handle.executeUpdate(completeTaskUpdate, { args: [{ taskId: task.id, actor: coordinator, data: { shareWithEntity: true, note: 'Felicitamos al equipo.' } }] });
      const out = await handle.result();
      await maybeRecordHistory('congratulation-shared', handle);
      return out;
    });

    expect(result).toMatchObject({ status: 'completed', result: { shared: true } });
    const citizenMails = mailer.to(input.input.citizen.email);
    expect(citizenMails).toHaveLength(1);
    expect(citizenMails[0].subject).toContain(input.meta.runId);
    expect(citizenMails[0].attachments[0].content).toMatch(/CONSTANCIA N° \d{3}-\d{4}-CMAC-LIMA-NORTE/);
    const entityMails = mailer.to('mac@reniec.gob.pe');
    expect(entityMails).toHaveLength(1);
    expect(entityMails[0].subject).toMatch(/^OFICIO N° \d{3}-\d{4}-CMAC-LIMA-NORTE/);
    expect(entityMails[0].attachments[0].content).toContain('Felicitamos al equipo.');

    const run = await ctx.models.Run.findById(input.meta.runId).lean();
    expect(run).toMatchObject({ status: 'completed', metrics: { received: 1, attended: 1, shared: 1 } });
    const docs = await ctx.models.Document.find({ runId: input.meta.runId }).lean();
    expect(docs.map((d) => d.type).sort()).toEqual(['constancia_felicitacion', 'oficio_felicitacion']);
  });

  test('when a completion is invalid, then the update is rejected and nothing enters history', async () => {
    const mailer = new RecordingMailer();
    const input = buildInput({ entityId: null });
    await withWorker(mailer, async (taskQueue) => {
      const handle = await ctx.env.client.workflow.start(congratulationWorkflow, { taskQueue, workflowId: input.meta.runId, args: [input] });
      const task = await openTask(handle);
      const attempt = (taskId: string, actor: Actor, data: unknown) =>
        handle.executeUpdate(completeTaskUpdate, { args: [{ taskId, actor, data }] }).then(
          () => 'accepted',
          (err: unknown) => (err instanceof WorkflowUpdateFailedError ? (err.cause as { type?: string }).type : String(err)),
        );
      expect(await attempt(`${task.id}-nope`, coordinator, { shareWithEntity: false })).toBe(TaskRejection.NotFound);
      expect(await attempt(task.id, { ...coordinator, role: 'supervisor' }, { shareWithEntity: false })).toBe(TaskRejection.RoleNotAllowed);
      expect(await attempt(task.id, { ...coordinator, centers: ['callao'] }, { shareWithEntity: false })).toBe(TaskRejection.CenterNotAllowed);
      expect(await attempt(task.id, coordinator, { shareWithEntity: 'yes' })).toBe(TaskRejection.InvalidData);
      // No entity was named, so there is nobody to share it with (2.4.1 PM1.4.1 difusión).
      expect(await attempt(task.id, coordinator, { shareWithEntity: true })).toBe(TaskRejection.InvalidData);

      const history = await handle.fetchHistory();
      expect(history.events!.filter((e) => e.workflowExecutionUpdateAcceptedEventAttributes)).toHaveLength(0);

      expect(await attempt(task.id, coordinator, { shareWithEntity: false })).toBe('accepted');
      await handle.result();
    });
    expect(mailer.sent).toHaveLength(1);
  });

  test('when the coordinator never acknowledges it, then a reminder precedes the term and escalation goes to the Entidad Administradora and then SSCS, once each', async () => {
    const mailer = new RecordingMailer();
    const input = buildInput();
    await withWorker(mailer, async (taskQueue) => {
      const handle = await ctx.env.client.workflow.start(congratulationWorkflow, { taskQueue, workflowId: input.meta.runId, args: [input] });
      const task = await openTask(handle);
      const calendar = new BusinessCalendar();
      const opened = limaDate(new Date(task.createdAt));
      // Term: 5 business days counted from the day after registration.
      expect(task.dueDate).toBe(calendar.addBusinessDays(opened, 5));

      await ctx.env.sleep('30 days');
      const state = await handle.query(getStateQuery);
      const events = state.tasks[0].events;
      expect(events.map((e) => e.kind + (e.level ? `:${e.level}` : ''))).toEqual(['reminder', 'escalation:admin_entity', 'escalation:sscs']);
      // The reminder opens the business day before the term; escalations fall at the end of the
      // term and of the second business day after it (Lima time).
      expect(limaDate(new Date(events[0].at))).toBe(calendar.businessDaysBefore(task.dueDate, 1));
      expect(limaDate(new Date(events[1].at))).toBe(task.dueDate);
      expect(limaDate(new Date(events[2].at))).toBe(calendar.addBusinessDays(task.dueDate, 2));

      await handle.executeUpdate(completeTaskUpdate, { args: [{ taskId: task.id, actor: coordinator, data: { shareWithEntity: false } }] });
      await handle.result();
      await maybeRecordHistory('congratulation-escalated', handle);
    });
    expect(mailer.to('coordinacion.limanorte@mac.gob.pe').filter((m) => m.subject.startsWith('Recordatorio'))).toHaveLength(1);
    expect(mailer.to('mac.administracion@pcm.gob.pe').filter((m) => m.subject.startsWith('Escalamiento'))).toHaveLength(1);
    expect(mailer.to(SSCS).filter((m) => m.subject.startsWith('Escalamiento'))).toHaveLength(1);
    expect(mailer.to('mac@reniec.gob.pe')).toHaveLength(0);
  });

  test('when SMTP is down, then the acknowledgement stays pending in the outbox, a second completion is refused meanwhile, and the mail is delivered once SMTP is back', async () => {
    const mailer = new RecordingMailer();
    mailer.failing = true;
    const input = buildInput({ entityId: null });
    await withWorker(mailer, async (taskQueue) => {
      const handle = await ctx.env.client.workflow.start(congratulationWorkflow, { taskQueue, workflowId: input.meta.runId, args: [input] });
      const task = await openTask(handle);
      await handle.executeUpdate(completeTaskUpdate, { args: [{ taskId: task.id, actor: coordinator, data: { shareWithEntity: false } }] });
      await ctx.env.sleep('2 minutes');
      const pending = await ctx.models.Outbox.findById(`${input.meta.runId}:acknowledgement`).lean();
      expect(pending).toMatchObject({ status: 'pending' });
      expect(pending!.attempts).toBeGreaterThan(1);
      expect(pending!.lastError).toContain('ECONNREFUSED');
      expect((await handle.describe()).status.name).toBe('RUNNING');
      // The run is held open by the pending delivery, so a second completion meets a closed task.
      const again = await handle.executeUpdate(completeTaskUpdate, { args: [{ taskId: task.id, actor: coordinator, data: { shareWithEntity: false } }] }).catch((e: unknown) => e);
      expect(again).toBeInstanceOf(WorkflowUpdateFailedError);
      expect(((again as WorkflowUpdateFailedError).cause as { type?: string }).type).toBe(TaskRejection.NotOpen);

      mailer.failing = false;
      const final = await handle.result();
      expect(final.status).toBe('completed');
    });
    expect(mailer.to(input.input.citizen.email)).toHaveLength(1);
    const sent = await ctx.models.Outbox.findById(`${input.meta.runId}:acknowledgement`).lean();
    expect(sent).toMatchObject({ status: 'sent' });
  });

  test('when SMTP rejects the citizen address for good, then the run still closes and the rejection is recorded on it', async () => {
    const mailer = new RecordingMailer();
    const deliver = mailer.send.bind(mailer);
    mailer.send = async (mail) => {
      if (mail.to.some((t) => t.endsWith('@ciudadano.pe'))) throw Object.assign(new Error('550 5.1.1 <x>: Recipient address rejected'), { responseCode: 550 });
      return deliver(mail);
    };
    const input = buildInput();
    const result = await withWorker(mailer, async (taskQueue) => {
      const handle = await ctx.env.client.workflow.start(congratulationWorkflow, { taskQueue, workflowId: input.meta.runId, args: [input] });
      const task = await openTask(handle);
      await handle.executeUpdate(completeTaskUpdate, { args: [{ taskId: task.id, actor: coordinator, data: { shareWithEntity: true } }] });
      return handle.result();
    });
    expect(result.status).toBe('completed');
    expect(result.problems).toEqual([{ key: `${input.meta.runId}:acknowledgement`, error: expect.stringContaining('550') }]);
    expect(mailer.to('mac@reniec.gob.pe')).toHaveLength(1);
    expect(await ctx.models.Outbox.findById(`${input.meta.runId}:acknowledgement`).lean()).toMatchObject({ status: 'failed' });
  });
});
