/**
 * P2.2.2 Apertura diaria (2.2.2; 2.1.2 "Apertura de la Atención") on the time-skipping server:
 * each test moves the server to a working morning in Lima and runs the day as a center would,
 * with the real activities on the document DB and a recording mailer.
 */
import { WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import { getStateQuery, type RunState } from '../../src/shared/messages';
import type { Actor } from '../../src/shared/roles';
import { DEFAULT_SETTINGS } from '../../src/shared/settings';
import { OPENING_ITEM_IDS, type ItemCheck, type OpeningItemId } from '../../src/domain/opening';
import { limaInstant, limaTimeOfDay } from '../../src/calendar/businessCalendar';
import { computeIndicators } from '../../src/domain/indicators';
import { dailyOpeningWorkflow } from '../../src/workflows';
import type { DailyOpeningWorkflowInput } from '../../src/workflows/opening';
import { completeTask, maybeRecordHistory, nextWorkdayAt, RecordingMailer, TEST_SSCS_EMAIL, uniqueId, useWorkflowTestEnv, waitForTask } from '../helpers/infra';
import { eventually } from '../helpers/stack';
import { forgetCenter } from '../../src/db/models';

const ctx = useWorkflowTestEnv({ serverPerTest: true });
const supervisor: Actor = { sub: 'sup-ln', role: 'supervisor', centers: ['lima-norte'] };
const coordinator: Actor = { sub: 'coord-ln', role: 'coordinator', centers: ['lima-norte'] };
const sscs: Actor = { sub: 'sscs-1', role: 'sscs', centers: '*' };
const ADMIN_ENTITY = 'mac.administracion@pcm.gob.pe';

/** A verification with every item ok except those given. */
function checklist(problems: Partial<Record<OpeningItemId, ItemCheck>> = {}) {
  return Object.fromEntries(OPENING_ITEM_IDS.map((id) => [id, problems[id] ?? { status: 'ok' }]));
}

function opening(runId = uniqueId('P2.2.2-lima-norte')): DailyOpeningWorkflowInput {
  return {
    meta: { runId, code: 'P2.2.2', centerId: 'lima-norte', startedBy: { sub: 'apertura-diaria-lima-norte', role: 'schedule' }, searchAttributes: false },
    input: { centerId: 'lima-norte' },
    settings: DEFAULT_SETTINGS,
  };
}

async function startOpening(taskQueue: string, args = opening()): Promise<WorkflowHandle<typeof dailyOpeningWorkflow>> {
  return ctx.track(await ctx.env.client.workflow.start(dailyOpeningWorkflow, { taskQueue, workflowId: args.meta.runId!, args: [args] }));
}

/** A working morning at 07:00 (Lima), a worker with its recording mailer, and a run to start. */
async function morning() {
  const day = await nextWorkdayAt(ctx.env, '07:00');
  const mailer = new RecordingMailer();
  const { worker, taskQueue } = await ctx.worker(mailer);
  return { day, mailer, worker, taskQueue, args: opening() };
}

/** The opening hour is 08:00 on weekdays: the verification opens at 07:30 (30-minute lead). */
async function verificationAt0745(handle: WorkflowHandle) {
  await ctx.env.sleep('45 minutes');
  return waitForTask(handle, 'verify_opening');
}

const notOpenedMails = (mailer: RecordingMailer) => mailer.sent.filter((m) => m.subject.includes('no apertura'));

describe('P2.2.2 daily opening', () => {
  test('when every item is ok and two security agents are present, then the center opens at 08:00 on time, Formato 3 is filed and nobody is emailed', async () => {
    const { day, mailer, worker, taskQueue, args } = await morning();
    const result = await worker.runUntil(async () => {
      const handle = await startOpening(taskQueue, args);
      const { task } = await verificationAt0745(handle);
      expect(task).toMatchObject({ role: 'supervisor', alsoRoles: ['coordinator'], dueAt: limaInstant(day, '08:00').toISOString() });
      await completeTask(handle, task.id, coordinator, { items: checklist(), securityAgents: 2 });
      const out = await handle.result();
      await maybeRecordHistory('opening-all-ok', handle);
      return out;
    });
    expect(result).toMatchObject({ status: 'completed', result: { date: day, opening: 'opened', onTime: true, openedAt: limaInstant(day, '08:00').toISOString(), findings: [], maintenance: [] } });
    expect(mailer.sent).toHaveLength(0);
    const record = await ctx.models.Opening.findById(`lima-norte:${day}`).lean();
    expect(record).toMatchObject({ status: 'open', onTime: true, hoursClosed: 0, runId: args.meta.runId });
    const docs = await ctx.models.Document.find({ runId: args.meta.runId }).lean();
    expect(docs.map((d) => d.type)).toEqual(['formato_3']);
    expect(docs[0].html).toContain('Se realiza la apertura');
    expect(await ctx.models.Run.findById(args.meta.runId).lean()).toMatchObject({ metrics: { days: 1, openedOnTime: 1, notOpened: 0, hoursClosed: 0 } });
  });

  test('when Internet is missing, then the center does not open, Formato 3 goes once to the Entidad Administradora and SSCS, the closure escalates every 2 hours, and after restoration and re-verification it opens with the hours closed recorded', async () => {
    const { day, mailer, worker, taskQueue, args } = await morning();
    const { state, result } = await worker.runUntil(async () => {
      const handle = await startOpening(taskQueue, args);
      const { task } = await verificationAt0745(handle);
      await completeTask(handle, task.id, supervisor, {
        items: checklist({ internet: { status: 'missing', observation: 'Sin servicio del proveedor desde las 06:00' } }),
        securityAgents: 2,
      });
      const restoration = await waitForTask(handle, 'report_restoration');
      expect(restoration.task.role).toBe('coordinator');
      expect(restoration.state.tasks.find((t) => t.type === 'record_citizen_communication')).toMatchObject({ role: 'sscs', status: 'open' });
      // Closed for three hours: the restoration task escalates to the Entidad Administradora, then SSCS.
      await ctx.env.sleep('270 minutes');
      const closed = await handle.query(getStateQuery);
      await completeTask(handle, closed.tasks.find((t) => t.type === 'record_citizen_communication')!.id, sscs, { channels: ['portal', 'redes_sociales'], message: 'El Centro MAC Lima Norte no atenderá hoy por falta de Internet.' });
      await completeTask(handle, restoration.task.id, coordinator, { actions: 'El proveedor restableció el enlace a las 12:10.' });
      const reverify = await waitForTask(handle, 'reverify_opening');
      // The re-verification must state every failed resource.
      await expect(completeTask(handle, reverify.task.id, supervisor, { items: {} })).rejects.toThrow(WorkflowUpdateFailedError);
      await completeTask(handle, reverify.task.id, supervisor, { items: { internet: { status: 'ok' } } });
      const out = await handle.result();
      await maybeRecordHistory('opening-not-opened-restored-versions', handle);
      return { state: closed, result: out };
    });
    // Formato 3, once, to both recipients, with the document attached.
    const formato3 = notOpenedMails(mailer);
    expect(formato3).toHaveLength(1);
    expect(formato3[0].to).toEqual(expect.arrayContaining([ADMIN_ENTITY, TEST_SSCS_EMAIL, 'coordinacion.limanorte@mac.gob.pe']));
    expect(formato3[0].attachments.map((a) => a.filename)).toEqual([expect.stringMatching(/^FORMATO_3_N_\d{3}-\d{4}-CMAC-LIMA-NORTE\.html$/), expect.stringMatching(/^FORMATO_3_N_\d{3}-\d{4}-CMAC-LIMA-NORTE\.pdf$/)]);
    expect(formato3[0].attachments[0].content).toContain('Internet');
    expect(formato3[0].attachments[0].content).toContain('Sin servicio del proveedor desde las 06:00');
    const restorationTask = state.tasks.find((t) => t.type === 'report_restoration')!;
    expect(restorationTask.events.filter((e) => e.kind === 'escalation').map((e) => e.level)).toEqual(['admin_entity', 'sscs']);
    expect(mailer.to(ADMIN_ENTITY).filter((m) => m.subject.startsWith('Escalamiento'))).toHaveLength(1);
    expect(mailer.to(TEST_SSCS_EMAIL).filter((m) => m.subject.startsWith('Escalamiento'))).toHaveLength(1);
    // Opened late, the hours closed counted from 08:00 to the re-verification.
    expect(result.result).toMatchObject({ opening: 'opened_late', critical: ['internet'] });
    const openedAt = Date.parse(result.result!.openedAt as string);
    const hoursClosed = result.result!.hoursClosed as number;
    expect(hoursClosed).toBeCloseTo((openedAt - limaInstant(day, '08:00').getTime()) / 3600_000, 2);
    expect(hoursClosed).toBeGreaterThan(4);
    expect(mailer.sent.filter((m) => m.subject.includes('apertura a las'))).toHaveLength(1);
    expect(await ctx.models.Opening.findById(`lima-norte:${day}`).lean()).toMatchObject({ status: 'open', onTime: false, critical: ['Internet'] });
    expect(await ctx.models.Run.findById(args.meta.runId).lean()).toMatchObject({ metrics: { days: 1, openedOnTime: 0, notOpened: 1, citizensInformed: 1 } });
  });

  test('when no security agent is present, then vigilance counts as missing (2.1.2) and the center does not open; if nothing is restored by closing time the day ends closed', async () => {
    const { day, mailer, worker, taskQueue, args } = await morning();
    const result = await worker.runUntil(async () => {
      const handle = await startOpening(taskQueue, args);
      const { task } = await verificationAt0745(handle);
      await completeTask(handle, task.id, supervisor, { items: checklist(), securityAgents: 0 });
      await waitForTask(handle, 'report_restoration');
      return handle.result();
    });
    expect(result.result).toMatchObject({ opening: 'not_opened', critical: ['servicio_vigilancia'], hoursClosed: 12 });
    expect(result.tasks.filter((t) => t.status === 'cancelled').map((t) => t.type).sort()).toEqual(['record_citizen_communication', 'report_restoration']);
    const formato3 = notOpenedMails(mailer);
    expect(formato3).toHaveLength(1);
    expect(formato3[0].attachments[0].content).toContain('Servicio de Vigilancia');
    expect(await ctx.models.Opening.findById(`lima-norte:${day}`).lean()).toMatchObject({ status: 'closed_day', hoursClosed: 12 });
    // The day's indicators (Listado; issue: % días abiertos a tiempo, N° no-aperturas, horas cerradas).
    const indicators = (await computeIndicators(ctx.models, { centerIds: ['lima-norte'], from: day, to: day })).find((p) => p.code === 'P2.2.2')!.indicators;
    expect(indicators.map((i) => [i.id, i.unit, i.value])).toEqual([
      ['opened_on_time', 'percent', 0],
      ['not_opened', 'count', 1],
      ['hours_closed', 'hours', 12],
      ['closures', 'count', 0],
    ]);
  });

  test('when nobody verifies, then the verification escalates every 2 hours from 08:00 (coordinator, Entidad Administradora, SSCS) and the day is recorded as not verified', async () => {
    const { day, mailer, worker, taskQueue, args } = await morning();
    const result = await worker.runUntil(async () => (await startOpening(taskQueue, args)).result());
    expect(result.result).toMatchObject({ opening: 'not_verified' });
    const verify = result.tasks[0];
    expect(verify.status).toBe('cancelled');
    expect(verify.events.map((e) => `${e.kind}${e.level ? `:${e.level}` : ''}@${limaTimeOfDay(new Date(e.at))}`)).toEqual([
      'reminder@07:50',
      'escalation:coordinator@08:00',
      'escalation:admin_entity@10:00',
      'escalation:sscs@12:00',
    ]);
    expect(mailer.to(ADMIN_ENTITY).filter((m) => m.subject.startsWith('Escalamiento'))).toHaveLength(1);
    expect(await ctx.models.Opening.findById(`lima-norte:${day}`).lean()).toMatchObject({ status: 'not_verified' });
    expect(await ctx.models.Run.findById(args.meta.runId).lean()).toMatchObject({ metrics: { days: 1, unverified: 1, openedOnTime: 0, notOpened: 0 } });
  });

  test('when the checklist leaves out an item, then the verification is refused naming it, and a second run for the same day ends naming the first', async () => {
    await nextWorkdayAt(ctx.env, '07:00');
    const { worker, taskQueue } = await ctx.worker(new RecordingMailer());
    const first = opening();
    const second = opening();
    const { error, duplicate, state } = await worker.runUntil(async () => {
      const handle = await startOpening(taskQueue, first);
      const { task } = await verificationAt0745(handle);
      const { internet: _left, ...incomplete } = checklist();
      const error = await completeTask(handle, task.id, supervisor, { items: incomplete, securityAgents: 1 }).catch((e: unknown) => e);
      const duplicate = await (await startOpening(taskQueue, second)).result();
      const state: RunState = await handle.query(getStateQuery);
      return { error, duplicate, state };
    });
    expect(error).toBeInstanceOf(WorkflowUpdateFailedError);
    const details = JSON.stringify((error as WorkflowUpdateFailedError).cause);
    expect(details).toContain('data.items.internet');
    expect(state.tasks[0].status).toBe('open');
    expect(duplicate).toMatchObject({ status: 'cancelled', result: { duplicateOf: first.meta.runId } });
  });

  test('when the day\'s run is terminated while verifying, then a second run for the same day takes the day over and the center can still be verified and opened', async () => {
    const { worker, taskQueue, args: first } = await morning();
    const second = opening();
    const { state, record } = await worker.runUntil(async () => {
      const stuck = await startOpening(taskQueue, first);
      await verificationAt0745(stuck);
      await stuck.terminate('Ejecución bloqueada: se reinicia la verificación del día');
      const handle = await startOpening(taskQueue, second);
      const { task } = await waitForTask(handle, 'verify_opening');
      await completeTask(handle, task.id, supervisor, { items: checklist(), securityAgents: 2 });
      await ctx.env.sleep('20 minutes');
      const state: RunState = await handle.query(getStateQuery);
      const record = await ctx.models.Opening.findOne({ runId: second.meta.runId }).lean();
      return { state, record };
    });
    // Open, and until its closing hour, the center may have to close (2.1.2).
    expect(state.tasks.map((t) => [t.type, t.status])).toEqual([['verify_opening', 'completed'], ['report_closure', 'open']]);
    expect(record).toMatchObject({ centerId: 'lima-norte', status: 'open', takenOverFrom: first.meta.runId });
  });

  test('when the day\'s run is cancelled while verifying, then the day says interrupted until a new run takes it over', async () => {
    const { worker, taskQueue, args: first } = await morning();
    const second = opening();
    const { interrupted, record } = await worker.runUntil(async () => {
      const cancelled = await startOpening(taskQueue, first);
      await verificationAt0745(cancelled);
      await cancelled.cancel();
      // Polled, not awaited with result(): on the time-skipping server that would skip time meanwhile.
      const interrupted = await eventually(async () => {
        const o = await ctx.models.Opening.findOne({ runId: first.meta.runId }).lean();
        return o?.status === 'interrupted' ? o : undefined;
      }, 'the day to say interrupted');
      const handle = await startOpening(taskQueue, second);
      await waitForTask(handle, 'verify_opening');
      return { interrupted, record: await ctx.models.Opening.findOne({ runId: second.meta.runId }).lean() };
    });
    expect(interrupted).toMatchObject({ centerId: 'lima-norte', status: 'interrupted' });
    expect(record).toMatchObject({ _id: interrupted._id, status: 'verifying', takenOverFrom: first.meta.runId });
  });

  test('when the power is back and re-verified before the opening hour, then the center still opens at 08:00 on time', async () => {
    const day = await nextWorkdayAt(ctx.env, '07:00');
    const mailer = new RecordingMailer();
    const { worker, taskQueue } = await ctx.worker(mailer);
    const result = await worker.runUntil(async () => {
      const handle = await startOpening(taskQueue);
      await ctx.env.sleep('35 minutes');
      const { task } = await waitForTask(handle, 'verify_opening');
      await completeTask(handle, task.id, supervisor, { items: checklist({ energia_electrica: { status: 'missing', observation: 'Corte programado hasta las 07:40' } }), securityAgents: 1 });
      await completeTask(handle, (await waitForTask(handle, 'report_restoration')).task.id, coordinator, { actions: 'Volvió la energía a las 07:40.' });
      await completeTask(handle, (await waitForTask(handle, 'reverify_opening')).task.id, supervisor, { items: { energia_electrica: { status: 'ok' } } });
      const state = await handle.query(getStateQuery);
      await completeTask(handle, state.tasks.find((t) => t.type === 'record_citizen_communication')!.id, sscs, { channels: ['portal'], message: 'Se informó un posible retraso en la apertura.' });
      return handle.result();
    });
    expect(result.result).toMatchObject({ opening: 'opened', onTime: true, openedAt: limaInstant(day, '08:00').toISOString(), hoursClosed: 0 });
    expect(await ctx.models.Opening.findById(`lima-norte:${day}`).lean()).toMatchObject({ status: 'open', onTime: true, hoursClosed: 0 });
  });

  test('when a finding already has a corrective maintenance running, then the opening points to it instead of starting another', async () => {
    await nextWorkdayAt(ctx.env, '07:00');
    const { worker, taskQueue } = await ctx.worker(new RecordingMailer());
    const running = uniqueId('PA2.2.3-lima-norte');
    await ctx.models.Run.create({ _id: running, code: 'PA2.2.3', centerId: 'lima-norte', workflowType: 'maintenanceWorkflow', status: 'running', summary: 'Mantenimiento correctivo: Silla de ruedas', ref: 'item:silla_ruedas_topico', startedBy: { sub: 'earlier', role: 'run' }, startedAt: new Date() });
    const result = await worker.runUntil(async () => {
      const handle = await startOpening(taskQueue);
      const { task } = await verificationAt0745(handle);
      await completeTask(handle, task.id, supervisor, { items: checklist({ silla_ruedas_topico: { status: 'missing', observation: 'Sigue en reparación' } }), securityAgents: 1 });
      return handle.result();
    });
    expect(result.result).toMatchObject({ opening: 'opened', maintenance: [running] });
    expect(await ctx.models.Run.countDocuments({ code: 'PA2.2.3', ref: 'item:silla_ruedas_topico' })).toBe(1);
  });

  test("when the asset of a finding already has a corrective maintenance started by its key, then the opening points to it instead of starting another", async () => {
    await nextWorkdayAt(ctx.env, '07:00');
    const { worker, taskQueue } = await ctx.worker(new RecordingMailer());
    const running = uniqueId('PA1.1.4-lima-norte');
    await ctx.models.Run.create({ _id: running, code: 'PA1.1.4', centerId: 'lima-norte', workflowType: 'maintenanceWorkflow', status: 'running', summary: 'Mantenimiento correctivo: aire acondicionado', ref: 'asset:lima-norte:aire-acondicionado', startedBy: { sub: 'tic-ln', role: 'tic_specialist' }, startedAt: new Date() });
    const result = await worker.runUntil(async () => {
      const handle = await startOpening(taskQueue);
      const { task } = await verificationAt0745(handle);
      await completeTask(handle, task.id, supervisor, { items: checklist({ aire_acondicionado: { status: 'damaged', observation: 'Sigue goteando' } }), securityAgents: 1 });
      return handle.result();
    });
    expect(result.result).toMatchObject({ opening: 'opened', maintenance: [running] });
    expect(await ctx.models.Run.countDocuments({ code: 'PA1.1.4' })).toBe(1);
  });

  test('when a wheelchair is missing and the audio system is damaged, then the center opens and each finding starts its corrective maintenance run (PA2.2.3, PA1.1.4 for TIC)', async () => {
    const { day, mailer, worker, taskQueue, args } = await morning();
    const { result, maintenance } = await worker.runUntil(async () => {
      const handle = await startOpening(taskQueue, args);
      const { task } = await verificationAt0745(handle);
      await completeTask(handle, task.id, supervisor, {
        items: checklist({
          silla_ruedas_topico: { status: 'missing', observation: 'Se envió a reparación la semana pasada' },
          sistema_audio: { status: 'damaged', observation: 'Parlante de la zona de atención sin sonido' },
        }),
        securityAgents: 1,
      });
      // The run lives until the closing hour (a closure may come, 2.1.2): once open at 08:00, its
      // maintenance runs are in the day's record.
      await ctx.env.sleep('20 minutes');
      const ids = await eventually(async () => (await ctx.models.Opening.findById(`lima-norte:${day}`).lean())?.maintenanceRuns ?? undefined, 'the maintenance runs');
      const handles = ids.map((id) => ctx.track(ctx.env.client.workflow.getHandle(id)));
      const tasks = await Promise.all(handles.map(async (h) => (await waitForTask(h, 'fix_maintenance')).task));
      // Each maintenance runs to its conformity.
      const [building, ticRun] = handles;
      await completeTask(building, tasks[0].id, supervisor, { actions: 'Se repuso la silla de ruedas del tópico.' });
      await completeTask(building, (await waitForTask(building, 'confirm_maintenance')).task.id, coordinator, { verdict: 'conforme' });
      await completeTask(ticRun, tasks[1].id, { sub: 'tic-ln', role: 'tic_specialist', centers: ['lima-norte'] }, { actions: 'Se cambió el parlante.' });
      await completeTask(ticRun, (await waitForTask(ticRun, 'confirm_maintenance')).task.id, supervisor, { verdict: 'conforme' });
      // Polled, not awaited: two results awaited at once can leave the test server's time skipping
      // locked, and the day's run needs it to reach its closing hour.
      for (const h of handles) await eventually(async () => (await h.query(getStateQuery)).status === 'completed', `${h.workflowId} completed`);
      const out = await handle.result();
      return { result: out, maintenance: ids.map((id, i) => ({ id, task: tasks[i] })) };
    });
    expect(result.result).toMatchObject({ opening: 'opened', onTime: true, findings: ['silla_ruedas_topico', 'sistema_audio'] });
    expect(maintenance.map((m) => m.id)).toEqual([expect.stringMatching(/^PA2\.2\.3-lima-norte-\d{4}-\d{5}$/), expect.stringMatching(/^PA1\.1\.4-lima-norte-\d{4}-\d{5}$/)]);
    expect(maintenance.map((m) => m.task.role)).toEqual(['supervisor', 'tic_specialist']);
    expect(maintenance[0].task.title).toContain('Silla de ruedas');
    const runs = await ctx.models.Run.find({ _id: { $in: maintenance.map((m) => m.id) } }).lean();
    expect(runs.map((r) => r.startedBy)).toEqual([{ sub: args.meta.runId, role: 'run' }, { sub: args.meta.runId, role: 'run' }]);
    expect(mailer.sent).toHaveLength(0);
    expect(await ctx.models.Opening.findById(`lima-norte:${day}`).lean()).toMatchObject({ status: 'open', maintenanceRuns: maintenance.map((m) => m.id) });
  });

  test("when an entity's PC and the air conditioning are found damaged, then each maintenance goes to whoever services the asset: the entity's contact, and the Especialista TIC (2.1.5 e)", async () => {
    const { worker, taskQueue, args } = await morning();
    const tasks = await worker.runUntil(async () => {
      const handle = await startOpening(taskQueue, args);
      const { task } = await verificationAt0745(handle);
      await completeTask(handle, task.id, supervisor, {
        items: checklist({
          computadoras_asesores: { status: 'damaged', observation: 'La PC del módulo 12 de SUNAT no enciende', asset: 'computadoras-sunat' },
          aire_acondicionado: { status: 'damaged', observation: 'El equipo de la zona de atención gotea' },
        }),
        securityAgents: 1,
      });
      const out = await handle.result();
      await maybeRecordHistory('opening-findings-by-asset', handle);
      const ids = out.result!.maintenance as string[];
      return Promise.all(ids.map(async (id) => (await waitForTask(ctx.track(ctx.env.client.workflow.getHandle(id)), 'fix_maintenance')).task));
    });
    expect(tasks.map((t) => ({ code: t.id.slice(0, 7), role: t.role, entityId: t.entityId }))).toEqual([
      { code: 'PA1.1.4', role: 'participant_entity', entityId: 'sunat' },
      { code: 'PA1.1.4', role: 'tic_specialist', entityId: undefined },
    ]);
    expect(tasks[0].title).toContain('Computadoras de Asesores de Servicio');
    expect(tasks[1].title).toContain('Equipos de aire acondicionado');
    const runs = await ctx.models.Run.find({ code: 'PA1.1.4' }).sort({ _id: 1 }).lean();
    expect(runs.map((r) => r.ref).sort()).toEqual(['asset:lima-norte:computadoras-sunat', 'item:aire_acondicionado']);
  });

  describe('issue 11: what applies to the center, closures during the day, and Formato 3 versions', () => {
    /** Lima Norte without a Zona de Tópico nor a Sistema de Citas (2.2.2 "según aplique"), for one test. */
    async function withoutTopico<T>(body: () => Promise<T>): Promise<T> {
      await ctx.models.Center.updateOne({ _id: 'lima-norte' }, { $set: { checklist: { topico: false, notApplicable: ['sistema_citas'] } } });
      forgetCenter(ctx.models, 'lima-norte');
      try {
        return await body();
      } finally {
        await ctx.models.Center.updateOne({ _id: 'lima-norte' }, { $unset: { checklist: 1 } });
        forgetCenter(ctx.models, 'lima-norte');
      }
    }
    const NOT_APPLICABLE: OpeningItemId[] = ['botiquin', 'silla_ruedas_topico', 'sistema_citas'];
    const notApplicable = Object.fromEntries(NOT_APPLICABLE.map((id) => [id, { status: 'not_applicable' as const }]));

    test('when the center has no tópico and no Sistema de Citas, then the verification shows them as not applicable, refuses them reported otherwise naming the item, the center opens with no maintenance run, and Formato 3 says "no aplica"', async () => {
      const { day, worker, taskQueue, args } = await morning();
      const { task, result } = await withoutTopico(() =>
        worker.runUntil(async () => {
          const handle = await startOpening(taskQueue, args);
          const { task } = await verificationAt0745(handle);
          // Missing every day where there is no tópico: refused, it is not a finding (no maintenance).
          const err = await completeTask(handle, task.id, supervisor, { items: checklist({ botiquin: { status: 'missing', observation: 'No hay tópico' }, ...{} }), securityAgents: 2 }).catch((e: unknown) => e);
          expect(err).toBeInstanceOf(WorkflowUpdateFailedError);
          expect(String((err as WorkflowUpdateFailedError).cause?.message)).toContain('items.botiquin does not apply to this center');
          // …and an item that applies cannot be waved away as not applicable.
          const err2 = await completeTask(handle, task.id, supervisor, { items: checklist({ ...notApplicable, televisores: { status: 'not_applicable' } }), securityAgents: 2 }).catch((e: unknown) => e);
          expect(String((err2 as WorkflowUpdateFailedError).cause?.message)).toContain('items.televisores applies to this center');
          await completeTask(handle, task.id, supervisor, { items: checklist(notApplicable), securityAgents: 2 });
          const out = await handle.result();
          await maybeRecordHistory('opening-not-applicable', handle);
          return { task, result: out };
        }),
      );
      // The task says what does not apply, and its form starts with them marked so.
      expect(task.title).toContain('no aplican: Botiquín, Silla de ruedas, Sistema de Citas');
      expect(task.prefill).toEqual({ items: notApplicable });
      expect(result.result).toMatchObject({ date: day, opening: 'opened', onTime: true, findings: [], maintenance: [], hoursClosed: 0, closures: [] });
      expect(await ctx.models.Run.countDocuments({ code: { $in: ['PA2.2.3', 'PA1.1.4'] } })).toBe(0);
      const [formato3] = await ctx.models.Document.find({ runId: args.meta.runId, type: 'formato_3' }).lean();
      expect(formato3.html).toContain('Se realiza la apertura');
      // The three rows that do not apply, each shown as such (and the wheelchairs of the reception do apply).
      const naRows = formato3.html!.match(/<tr class="na">[\s\S]*?<\/tr>/g) ?? [];
      expect(naRows).toHaveLength(3);
      for (const row of naRows) expect(row).toContain('no aplica al Centro MAC');
      expect(naRows.join()).toContain('Botiquín');
      expect(naRows.join()).toContain('Sistema de Citas');
      expect(formato3.html!).not.toMatch(/Sillas de Ruedas \(en caso no cuente con Zona de tópico\)<\/td>\s*<td class="estado"><span class="mark na">/);
    });

    test('when the power is lost at 11:00 and restored at 13:00, then the center closes with a new Formato 3 version to the Entidad Administradora and SSCS, SSCS records the virtual channels, it reopens with another version, and the day counts 2 hours closed', async () => {
      const { day, mailer, worker, taskQueue, args } = await morning();
      const closedMail = () => mailer.sent.filter((m) => m.subject.includes('cierre de la atención'));
      const reopenedMail = () => mailer.sent.filter((m) => m.subject.includes('reapertura'));
      const { result, state } = await worker.runUntil(async () => {
        const handle = await startOpening(taskQueue, args);
        const { task } = await verificationAt0745(handle);
        await completeTask(handle, task.id, coordinator, { items: checklist(), securityAgents: 2 });
        // Open from 08:00; at 11:00 the power goes.
        await ctx.env.sleep('195 minutes');
        const closure = await waitForTask(handle, 'report_closure');
        expect(closure.task).toMatchObject({ role: 'coordinator', alsoRoles: ['supervisor'], dueAt: limaInstant(day, '20:00').toISOString() });
        // Unsafe conditions are the Coordinator's call (2.1.2); a closure before the opening is refused.
        await expect(completeTask(handle, closure.task.id, supervisor, { cause: 'condiciones_inseguras', description: 'Humo en el sótano' })).rejects.toThrow(WorkflowUpdateFailedError);
        await expect(completeTask(handle, closure.task.id, supervisor, { cause: 'energia_electrica', description: 'Corte', closedAt: limaInstant(day, '07:00').toISOString() })).rejects.toThrow(WorkflowUpdateFailedError);
        await completeTask(handle, closure.task.id, supervisor, { cause: 'energia_electrica', description: 'Corte de energía en la zona por trabajos de la distribuidora', closedAt: limaInstant(day, '11:00').toISOString() });
        await eventually(async () => closedMail().length === 1, 'the closure email');
        // SSCS: how citizens are told, and which virtual channels serve them meanwhile.
        const communicate = await waitForTask(handle, 'record_citizen_communication');
        const noChannels = await completeTask(handle, communicate.task.id, sscs, { channels: ['redes_sociales'], message: 'El Centro MAC Lima Norte suspendió la atención por un corte de energía.' }).catch((e: unknown) => e);
        expect(String((noChannels as WorkflowUpdateFailedError).cause?.message)).toContain('virtualChannels');
        await completeTask(handle, communicate.task.id, sscs, {
          channels: ['redes_sociales', 'portal'],
          message: 'El Centro MAC Lima Norte suspendió la atención por un corte de energía; puede atenderse en www.gob.pe y la línea telefónica.',
          virtualChannels: ['portal_mac', 'telefonico'],
          technicalAssistance: 'Asistencia remota a los asesores MAC Express para la atención virtual.',
        });
        const restoration = await waitForTask(handle, 'report_restoration');
        expect(restoration.task.title).toContain('Energía eléctrica');
        await ctx.env.sleep('110 minutes');
        await completeTask(handle, restoration.task.id, coordinator, { actions: 'La distribuidora repuso el suministro a las 12:45.' });
        const reverify = await waitForTask(handle, 'reverify_opening');
        await ctx.env.sleep('10 minutes');
        await completeTask(handle, reverify.task.id, supervisor, { items: { energia_electrica: { status: 'ok' } } });
        await eventually(async () => reopenedMail().length === 1, 'the reopening email');
        const state = await handle.query(getStateQuery);
        const out = await handle.result();
        await maybeRecordHistory('opening-closed-during-day', handle);
        return { result: out, state };
      });
      // Open again after 13:00, with a new closure task for the rest of the day (cancelled at 20:00).
      expect(state.tasks.filter((t) => t.type === 'report_closure').map((t) => t.status)).toEqual(['completed', 'open']);
      expect(result.tasks.filter((t) => t.type === 'report_closure').map((t) => t.status)).toEqual(['completed', 'cancelled']);
      expect(result.result).toMatchObject({ opening: 'opened', onTime: true, hoursClosed: 2, closures: [{ cause: 'energia_electrica', closedAt: limaInstant(day, '11:00').toISOString(), hours: 2 }] });
      const reopenedAt = Date.parse((result.result!.closures as { reopenedAt: string }[])[0].reopenedAt);
      expect(reopenedAt - limaInstant(day, '13:00').getTime()).toBeLessThan(60_000);
      // Three versions of the day's Formato 3: the opening, the closure, the reopening; each numbered.
      const versions = await ctx.models.Document.find({ runId: args.meta.runId, type: 'formato_3' }).sort({ number: 1 }).lean();
      expect(versions).toHaveLength(3);
      expect(new Set(versions.map((v) => v.reference)).size).toBe(3);
      expect(versions[1].html).toContain('versión 2 del día: Cierre durante la atención');
      expect(versions[1].html).toContain(`reemplaza al ${versions[0].reference}`);
      expect(versions[1].html).toContain('cierra la atención al ciudadano');
      expect(versions[1].html).toContain('Pérdida de energía eléctrica');
      expect(versions[2].html).toContain('versión 3 del día: Reapertura');
      expect(versions[2].html).toContain('III. Cambios del estado del día');
      expect(versions[2].html).toContain('2,0 horas');
      expect(versions[2].html).toContain('remitida por el sistema');
      // Each change by email to the Entidad Administradora and SSCS, with the version it made.
      for (const [mail, version] of [[closedMail(), versions[1]], [reopenedMail(), versions[2]]] as const) {
        expect(mail).toHaveLength(1);
        expect(mail[0].to).toEqual(expect.arrayContaining([ADMIN_ENTITY, TEST_SSCS_EMAIL]));
        expect(mail[0].subject).toContain(version.reference);
        expect(mail[0].attachments[0].content).toContain(`versión ${version.reference === versions[1].reference ? 2 : 3} del día`);
      }
      expect(notOpenedMails(mailer)).toHaveLength(0);
      // The day's figures: 2 hours closed, one closure, communicated.
      expect(await ctx.models.Opening.findById(`lima-norte:${day}`).lean()).toMatchObject({ status: 'open', onTime: true, hoursClosed: 2, closures: [{ cause: 'energia_electrica', hours: 2 }] });
      expect(await ctx.models.Run.findById(args.meta.runId).lean()).toMatchObject({ metrics: { days: 1, openedOnTime: 1, hoursClosed: 2, closures: 1, closuresCommunicated: 1 } });
    });

    test('when the Coordinator finds unsafe conditions at the verification, then only the Coordinator may say so, the center does not open, and the Coordinator\'s decision that the conditions are safe opens it without a re-verification (2.1.2)', async () => {
      const { day, mailer, worker, taskQueue, args } = await morning();
      const unsafe = 'Fuga de gas en el sótano; los bomberos evacuaron el edificio';
      const result = await worker.runUntil(async () => {
        const handle = await startOpening(taskQueue, args);
        const { task } = await verificationAt0745(handle);
        const bySupervisor = await completeTask(handle, task.id, supervisor, { items: checklist(), securityAgents: 2, unsafeConditions: unsafe }).catch((e: unknown) => e);
        expect(String((bySupervisor as WorkflowUpdateFailedError).cause?.message)).toContain('unsafeConditions: the Coordinator decides');
        await completeTask(handle, task.id, coordinator, { items: checklist(), securityAgents: 2, unsafeConditions: unsafe });
        const restoration = await waitForTask(handle, 'report_restoration');
        expect(restoration.task.title).toBe('Reportar que las condiciones son seguras y decidir la apertura del Centro MAC (2.1.2)');
        await ctx.env.sleep('90 minutes');
        await completeTask(handle, restoration.task.id, coordinator, { actions: 'Los bomberos dieron conformidad a las 09:15; el edificio es seguro.' });
        const state = await handle.query(getStateQuery);
        const communicate = state.tasks.find((t) => t.type === 'record_citizen_communication')!;
        await completeTask(handle, communicate.id, sscs, { channels: ['redes_sociales'], message: 'El Centro MAC Lima Norte abrirá más tarde por una emergencia.' });
        const out = await handle.result();
        await maybeRecordHistory('opening-unsafe-not-opened', handle);
        return out;
      });
      expect(result.tasks.some((t) => t.type === 'reverify_opening')).toBe(false);
      expect(result.result).toMatchObject({ opening: 'opened_late', critical: ['condiciones_inseguras'] });
      expect(result.result!.hoursClosed as number).toBeGreaterThan(1);
      const [notOpened] = notOpenedMails(mailer);
      expect(notOpened.attachments[0].content).toContain(unsafe);
      expect(notOpened.attachments[0].content).toContain('Condiciones inseguras');
      expect(await ctx.models.Opening.findById(`lima-norte:${day}`).lean()).toMatchObject({ status: 'open', onTime: false, critical: ['Condiciones inseguras (decisión del/la Coordinador(a), 2.1.2)'] });
    });
  });
});
