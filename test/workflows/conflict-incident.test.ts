/**
 * P2.2.4 Manejo de conflictos, PM1.3.3 Atención de incidencias and PA2.2.3 / PA1.1.4 corrective
 * maintenance on the time-skipping server, with the real activities on the document DB and a
 * recording mailer. Terms run their real length in business days.
 */
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { getStateQuery, type RunMeta } from '../../src/shared/messages';
import type { Actor } from '../../src/shared/roles';
import { DEFAULT_SETTINGS } from '../../src/shared/settings';
import { addDays, BusinessCalendar, limaDate, limaInstant } from '../../src/calendar/businessCalendar';
import { computeIndicators } from '../../src/domain/indicators';
import { conflictWorkflow, incidentWorkflow, maintenanceWorkflow } from '../../src/workflows';
import type { ConflictInput } from '../../src/workflows/conflict';
import type { IncidentInput } from '../../src/workflows/incident';
import { completeTask, maybeRecordHistory, RecordingMailer, TEST_SSCS_EMAIL, uniqueId, useWorkflowTestEnv, waitForTask } from '../helpers/infra';

const ctx = useWorkflowTestEnv({ serverPerTest: true });
const calendar = new BusinessCalendar();
const supervisor: Actor = { sub: 'sup-ln', role: 'supervisor', centers: ['lima-norte'] };
const coordinator: Actor = { sub: 'coord-ln', role: 'coordinator', centers: ['lima-norte'] };
const tic: Actor = { sub: 'tic-ln', role: 'tic_specialist', centers: ['lima-norte'] };
const reniec: Actor = { sub: 'reniec-ln', role: 'participant_entity', centers: ['lima-norte'], entity: 'reniec' };
const ADMIN_ENTITY = 'mac.administracion@pcm.gob.pe';
const RENIEC = 'mac@reniec.gob.pe';
const COORDINATOR = 'coordinacion.limanorte@mac.gob.pe';
const ESCALATION = /^Escalamiento/;

const meta = (code: string, prefix = code): RunMeta => ({
  runId: uniqueId(`${prefix}-lima-norte`),
  code,
  centerId: 'lima-norte',
  startedBy: { sub: 'sup-ln', role: 'supervisor' },
  searchAttributes: false,
});

function conflict(overrides: Partial<ConflictInput> = {}): ConflictInput {
  return {
    centerId: 'lima-norte',
    occurredAt: new Date().toISOString(),
    place: 'Zona de Atención, módulo 14',
    description: 'Un ciudadano increpó a gritos al asesor por la demora y amenazó con romper el módulo.',
    involved: [{ kind: 'citizen', name: 'Carlos Ramírez' }, { kind: 'advisor' }],
    severity: 'grave',
    ...overrides,
  };
}

function incident(overrides: Partial<IncidentInput> = {}): IncidentInput {
  return { centerId: 'lima-norte', entityId: 'reniec', module: 'Módulo 14', type: 'personal', description: 'El módulo 14 de RENIEC no abrió: el asesor no se presentó.', ...overrides };
}

describe('PM1.3.3 incidents', () => {
  // (Before issue 11 the Entidad Administradora and SSCS were alerted together at the term, skipping the Coordinator: history incident-escalated.)
  test('when the entity does not report a solution within its term, then a reminder comes the business day before and, once overdue, the Coordinador, the Entidad Administradora and SSCS are alerted in that order a business day apart (PM1.3.3)', async () => {
    const mailer = new RecordingMailer();
    const { worker, taskQueue } = await ctx.worker(mailer);
    const m = meta('PM1.3.3');
    const settings = { ...DEFAULT_SETTINGS, incidents: { termDays: { ...DEFAULT_SETTINGS.incidents.termDays, equipos: 3 } } };
    const { state, result } = await worker.runUntil(async () => {
      const handle = ctx.track(await ctx.env.client.workflow.start(incidentWorkflow, { taskQueue, workflowId: m.runId, args: [{ meta: m, input: incident({ type: 'equipos', description: 'Impresora del módulo 14 sin funcionar.' }), settings }] }));
      const { task } = await waitForTask(handle, 'report_incident_solution');
      // Term (3 business days) and two steps of one business day, with room for holidays (Dec 8–9).
      await ctx.env.sleep('16 days');
      const state = await handle.query(getStateQuery);
      // Only RENIEC's contact answers for RENIEC (the token's entity), not another entity's.
      await expect(completeTask(handle, task.id, { ...reniec, sub: 'sunat-ln', entity: 'sunat' }, { solution: 'x' })).rejects.toThrow(WorkflowUpdateFailedError);
      await completeTask(handle, task.id, reniec, { solution: 'Se reemplazó la impresora.' });
      await completeTask(handle, (await waitForTask(handle, 'verify_incident_solution')).task.id, supervisor, { verdict: 'satisfactory' });
      const out = await handle.result();
      await maybeRecordHistory('incident-entity-escalation-path', handle);
      return { state, result: out };
    });
    const task = state.tasks[0];
    expect(task.dueDate).toBe(calendar.addBusinessDays(limaDate(new Date(task.createdAt)), 3));
    // The manual's path (Coordinador del Centro → Entidad Administradora → SSCS-SGP), on the business calendar.
    expect(task.events.map((e) => e.kind + (e.level ? `:${e.level}` : ''))).toEqual(['reminder', 'escalation:coordinator', 'escalation:admin_entity', 'escalation:sscs']);
    expect(task.events.slice(1).map((e) => limaDate(new Date(e.at)))).toEqual([task.dueDate, calendar.addBusinessDays(task.dueDate, 1), calendar.addBusinessDays(task.dueDate, 2)]);
    // The entity got Formato 17 with its term, the Entidad Administradora and SSCS copied, then the reminder.
    const toEntity = mailer.to(RENIEC);
    expect(toEntity[0].attachments[0].filename).toMatch(/^FORMATO_17_N_/);
    expect(toEntity[0].attachments[0].content).toContain('Impresora del módulo 14');
    expect(toEntity[0].to).toEqual([RENIEC]);
    expect(toEntity[0].cc).toEqual([ADMIN_ENTITY, TEST_SSCS_EMAIL]);
    expect(toEntity.slice(1).map((mail) => mail.subject.split(':')[0])).toEqual(['Recordatorio']);
    // One escalation email per level, each to that level alone, in the path's order.
    const escalations = mailer.sent.filter((mail) => ESCALATION.test(mail.subject));
    expect(escalations.map((mail) => mail.to)).toEqual([[COORDINATOR], [ADMIN_ENTITY], [TEST_SSCS_EMAIL]]);
    expect(escalations[0].html).toContain('Nivel actual: <strong>Coordinador');
    expect(result.result).toMatchObject({ escalated: true, reopened: 0 });
    expect(await ctx.models.Run.findById(m.runId).lean()).toMatchObject({ code: 'PM1.3.3', metrics: { registered: 1, closed: 1, resolvedSatisfactorily: 1, escalated: 1 } });
  });

  test('when the entity answers while its task is still being recorded, then Formato 17 and the notice still reach it', async () => {
    const mailer = new RecordingMailer();
    // The inbox write of the entity's task is slow: the completion lands during it.
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const { worker, taskQueue } = await ctx.worker(mailer, (acts) => ({
      ...acts,
      recordTask: async (input) => {
        if (input.task.type === 'report_incident_solution' && input.task.status === 'open') await held;
        return acts.recordTask(input);
      },
    }));
    const m = meta('PM1.3.3');
    const result = await worker.runUntil(async () => {
      const handle = ctx.track(await ctx.env.client.workflow.start(incidentWorkflow, { taskQueue, workflowId: m.runId, args: [{ meta: m, input: incident(), settings: DEFAULT_SETTINGS }] }));
      const { task } = await waitForTask(handle, 'report_incident_solution');
      await completeTask(handle, task.id, reniec, { solution: 'El asesor de reemplazo llegó a las 09:10.' });
      release();
      await completeTask(handle, (await waitForTask(handle, 'verify_incident_solution')).task.id, supervisor, { verdict: 'satisfactory' });
      return handle.result();
    });
    expect(result.problems).toEqual([]);
    expect(mailer.to(RENIEC).map((mail) => mail.attachments[0]?.filename)).toEqual([expect.stringMatching(/^FORMATO_17_N_/)]);
  });

  test('when one solution is verified satisfactory and another is reopened, then only the first counts as resolved satisfactorily', async () => {
    const models = ctx.models;
    const mailer = new RecordingMailer();
    const { worker, taskQueue } = await ctx.worker(mailer);
    const resolved = meta('PM1.3.3');
    const reopened = meta('PM1.3.3');
    const before = (await computeIndicators(models, { centerIds: ['lima-norte'] })).find((p) => p.code === 'PM1.3.3')!.indicators[0];
    const reopenedState = await worker.runUntil(async () => {
      const a = ctx.track(await ctx.env.client.workflow.start(incidentWorkflow, { taskQueue, workflowId: resolved.runId, args: [{ meta: resolved, input: incident(), settings: DEFAULT_SETTINGS }] }));
      const b = ctx.track(await ctx.env.client.workflow.start(incidentWorkflow, { taskQueue, workflowId: reopened.runId, args: [{ meta: reopened, input: incident({ type: 'sistema_turnos', description: 'El ticket de RENIEC no llama.' }), settings: DEFAULT_SETTINGS }] }));
      await completeTask(a, (await waitForTask(a, 'report_incident_solution')).task.id, reniec, { solution: 'Se asignó un asesor de reemplazo.' });
      await completeTask(a, (await waitForTask(a, 'verify_incident_solution')).task.id, supervisor, { verdict: 'satisfactory' });
      await a.result();
      await completeTask(b, (await waitForTask(b, 'report_incident_solution')).task.id, reniec, { solution: 'Se reinició el equipo.' });
      const verify = (await waitForTask(b, 'verify_incident_solution')).task;
      await expect(completeTask(b, verify.id, supervisor, { verdict: 'reopen' })).rejects.toThrow(WorkflowUpdateFailedError);
      await completeTask(b, verify.id, supervisor, { verdict: 'reopen', observations: 'El sistema volvió a fallar a los 10 minutos.' });
      const second = await waitForTask(b, 'report_incident_solution', 2);
      expect(second.task.title).toContain('volvió a fallar');
      await completeTask(b, second.task.id, reniec, { solution: 'Se cambió el cableado de red del módulo.' });
      await completeTask(b, (await waitForTask(b, 'verify_incident_solution', 2)).task.id, supervisor, { verdict: 'satisfactory' });
      const out = await b.result();
      await maybeRecordHistory('incident-reopened', b);
      return out;
    });
    expect(reopenedState.result).toMatchObject({ reopened: 1 });
    expect(reopenedState.problems).toEqual([]);
    // The entity hears of the reopening, with the observations and the new term.
    const reopenedNotice = mailer.to(RENIEC).filter((mail) => mail.subject.includes('incidencia reabierta'));
    expect(reopenedNotice).toHaveLength(1);
    expect(reopenedNotice[0].html).toContain('volvió a fallar a los 10 minutos');
    const after = (await computeIndicators(models, { centerIds: ['lima-norte'] })).find((p) => p.code === 'PM1.3.3')!;
    const rate = after.indicators.find((i) => i.id === 'incidents_resolved')!;
    expect(rate.numerator - before.numerator).toBe(1);
    expect(rate.denominator! - before.denominator!).toBe(2);
    expect(after.indicators.find((i) => i.id === 'incidents_reopened')!.numerator).toBeGreaterThanOrEqual(1);
    expect(await models.Run.findById(reopened.runId).lean()).toMatchObject({ metrics: { registered: 1, resolvedSatisfactorily: 0, reopened: 1 } });
    expect(await models.Run.findById(resolved.runId).lean()).toMatchObject({ metrics: { registered: 1, resolvedSatisfactorily: 1, reopened: 0 } });
  });
});

describe('PA2.2.3 / PA1.1.4 corrective maintenance', () => {
  test('when the repair is late, then the coordinator, the Entidad Administradora and SSCS are alerted in turn; without conformity it goes back, with it the run closes as attended', async () => {
    const mailer = new RecordingMailer();
    const { worker, taskQueue } = await ctx.worker(mailer);
    const m = meta('PA1.1.4');
    const { state, result } = await worker.runUntil(async () => {
      const handle = ctx.track(await ctx.env.client.workflow.start(maintenanceWorkflow, { taskQueue, workflowId: m.runId, args: [{ meta: m, input: { centerId: 'lima-norte', asset: 'Sistema de Audio (Servicios TIC)', description: 'Dañado: sin sonido en la zona de atención.' }, settings: DEFAULT_SETTINGS }] }));
      const { task } = await waitForTask(handle, 'fix_maintenance');
      expect(task.role).toBe('tic_specialist');
      expect(task.dueDate).toBe(calendar.addBusinessDays(limaDate(new Date(task.createdAt)), DEFAULT_SETTINGS.maintenance.businessDays));
      // To the day after the last step of the path: the term, then two steps of 2 business days
      // (counted on the calendar: early December has the 8th and 9th off, so 14 days fell short).
      const lastStep = calendar.addBusinessDays(task.dueDate, 4);
      await ctx.env.sleep(limaInstant(addDays(lastStep, 1), '12:00').getTime() - (await ctx.env.currentTimeMs()));
      const state = await handle.query(getStateQuery);
      await completeTask(handle, task.id, tic, { actions: 'Se cambió el amplificador.' });
      await completeTask(handle, (await waitForTask(handle, 'confirm_maintenance')).task.id, supervisor, { verdict: 'no_conforme', observations: 'El parlante 3 sigue sin sonido.' });
      await completeTask(handle, (await waitForTask(handle, 'fix_maintenance', 2)).task.id, tic, { actions: 'Se cambió el parlante 3.' });
      await completeTask(handle, (await waitForTask(handle, 'confirm_maintenance', 2)).task.id, supervisor, { verdict: 'conforme' });
      const out = await handle.result();
      // (maintenance-tic.history.pb is the recording of the path before the full escalation path.)
      await maybeRecordHistory('maintenance-tic-full-path', handle);
      return { state, result: out };
    });
    // The term (5 business days) and two steps of 2; the path goes on to SSCS (2.2.2, issue 10).
    expect(state.tasks[0].events.filter((e) => e.kind === 'escalation').map((e) => e.level)).toEqual(['coordinator', 'admin_entity', 'sscs']);
    expect(mailer.to('coordinacion.limanorte@mac.gob.pe').filter((mail) => mail.subject.startsWith('Escalamiento'))).toHaveLength(1);
    expect(mailer.to(ADMIN_ENTITY).filter((mail) => mail.subject.startsWith('Escalamiento'))).toHaveLength(1);
    expect(mailer.to(TEST_SSCS_EMAIL).filter((mail) => mail.subject.startsWith('Escalamiento'))).toHaveLength(1);
    expect(result.result).toMatchObject({ rounds: 2 });
    expect(await ctx.models.Run.findById(m.runId).lean()).toMatchObject({ metrics: { closed: 1, achieved: 1, corrective: 1, maintenance: 1 } });
  });
});

describe('P2.2.4 conflicts', () => {
  test('when a minor conflict is settled by talking, then its outcome is recorded and nobody is emailed', async () => {
    const mailer = new RecordingMailer();
    const { worker, taskQueue } = await ctx.worker(mailer);
    const m = meta('P2.2.4');
    const result = await worker.runUntil(async () => {
      const handle = ctx.track(await ctx.env.client.workflow.start(conflictWorkflow, { taskQueue, workflowId: m.runId, args: [{ meta: m, input: conflict({ severity: 'minor', description: 'Malentendido sobre el turno asignado.' }), settings: DEFAULT_SETTINGS }] }));
      const { task } = await waitForTask(handle, 'record_conflict_outcome');
      // As the API sends it: parsed, with the schema's default filled in (the workflow stores it as received).
      await completeTask(handle, task.id, supervisor, { outcome: 'Se explicó el orden de los turnos; la ciudadana quedó conforme.', escalateAsGrave: false });
      const out = await handle.result();
      await maybeRecordHistory('conflict-minor-parsed-update', handle);
      return out;
    });
    expect(mailer.sent).toHaveLength(0);
    expect(result.documents).toEqual([]);
    expect(result.result).toMatchObject({ severity: 'minor', outcome: expect.stringContaining('conforme') });
    expect(await ctx.models.Run.findById(m.runId).lean()).toMatchObject({ metrics: { closed: 1, escalated: 0 } });
  });

  test('when a minor conflict turns out grave, then it goes the grave way with Formato 17 and, being grave, is recorded as a PM1.3.3 incident too (issue 11)', async () => {
    const mailer = new RecordingMailer();
    const { worker, taskQueue } = await ctx.worker(mailer);
    const m = meta('P2.2.4');
    const result = await worker.runUntil(async () => {
      const handle = ctx.track(await ctx.env.client.workflow.start(conflictWorkflow, { taskQueue, workflowId: m.runId, args: [{ meta: m, input: conflict({ severity: 'minor' }), settings: DEFAULT_SETTINGS }] }));
      await completeTask(handle, (await waitForTask(handle, 'record_conflict_outcome')).task.id, supervisor, { outcome: 'El ciudadano se tornó agresivo.', escalateAsGrave: true });
      await completeTask(handle, (await waitForTask(handle, 'attend_grave_conflict')).task.id, supervisor, { securityPresent: true, actions: 'Intervino el agente de seguridad.', outcome: 'Se retiró del centro.' });
      return handle.result();
    });
    expect(mailer.sent.filter((mail) => mail.subject.includes('conflicto grave'))).toHaveLength(1);
    expect(result.result).toMatchObject({ severity: 'grave', incidentRunId: expect.stringMatching(/^PM1\.3\.3-lima-norte-/) });
    expect(await ctx.models.Run.findById(result.result!.incidentRunId as string).lean()).toMatchObject({ code: 'PM1.3.3', startedBy: { sub: m.runId, role: 'run' } });
  });

  test('when a grave conflict involves no participating entity, then Formato 17 goes at once to the Entidad Administradora and SSCS and the conflict is a PM1.3.3 incident of the center, solved by the Coordinador and verified by the Supervisor, with no second Formato 17', async () => {
    const mailer = new RecordingMailer();
    const { worker, taskQueue } = await ctx.worker(mailer);
    const m = meta('P2.2.4');
    const { result, incident, solveTask } = await worker.runUntil(async () => {
      const handle = ctx.track(await ctx.env.client.workflow.start(conflictWorkflow, { taskQueue, workflowId: m.runId, args: [{ meta: m, input: conflict({ place: 'Sala de espera' }), settings: DEFAULT_SETTINGS }] }));
      // No entity involved: the incident type is not required (an incident of the center, type "otro").
      await completeTask(handle, (await waitForTask(handle, 'attend_grave_conflict')).task.id, supervisor, { securityPresent: true, actions: 'El agente de seguridad acompañó al ciudadano fuera de la sala.', outcome: 'El ciudadano se retiró; el asesor continuó la atención.' });
      const out = await handle.result();
      await maybeRecordHistory('conflict-grave-no-entity', handle);
      const child = ctx.track(ctx.env.client.workflow.getHandle(out.result!.incidentRunId as string));
      const solve = (await waitForTask(child, 'report_incident_solution')).task;
      // Left overdue: the Coordinator's own task escalates above the Coordinator, Entidad Administradora → SSCS.
      await ctx.env.sleep('12 days');
      const solveTask = (await child.query(getStateQuery)).tasks.find((t) => t.id === solve.id)!;
      await expect(completeTask(child, solve.id, reniec, { solution: 'x' })).rejects.toThrow(WorkflowUpdateFailedError);
      await completeTask(child, solve.id, coordinator, { solution: 'Se reforzó la vigilancia en la sala de espera y se capacitó al personal en manejo de conflictos.' });
      await completeTask(child, (await waitForTask(child, 'verify_incident_solution')).task.id, supervisor, { verdict: 'satisfactory' });
      const incident = await child.result();
      await maybeRecordHistory('incident-center-own', child);
      return { result: out, incident, solveTask };
    });
    const incidentRunId = result.result!.incidentRunId as string;
    // A PM1.3.3 record, child of the conflict.
    expect(incidentRunId).toMatch(/^PM1\.3\.3-lima-norte-\d{4}-\d{5}$/);
    expect(await ctx.models.Run.findById(incidentRunId).lean()).toMatchObject({ code: 'PM1.3.3', startedBy: { sub: m.runId, role: 'run' }, metrics: { registered: 1, closed: 1, resolvedSatisfactorily: 1, escalated: 1 } });
    expect(incident.result).toMatchObject({ entityId: null, type: 'otro', sourceRunId: m.runId, formato17: result.result!.formato17 });
    expect(await ctx.models.Run.findById(m.runId).lean()).toMatchObject({ metrics: { closed: 1, escalated: 1 } });
    // Formato 17 to the Entidad Administradora and SSCS (2.2.4), attached as HTML and PDF.
    const formato17 = mailer.sent.filter((mail) => mail.subject.includes('conflicto grave'));
    expect(formato17).toHaveLength(1);
    expect(formato17[0].to).toEqual([ADMIN_ENTITY, TEST_SSCS_EMAIL]);
    expect(formato17[0].attachments.map((a) => a.filename)).toEqual([expect.stringMatching(/^FORMATO_17_N_\d{3}-\d{4}-CMAC-LIMA-NORTE\.html$/), expect.stringMatching(/^FORMATO_17_N_\d{3}-\d{4}-CMAC-LIMA-NORTE\.pdf$/)]);
    expect(formato17[0].attachments[0].content).toContain('Sala de espera');
    expect(formato17[0].attachments[0].content).toContain('No corresponde');
    // One Formato 17 for the event: the incident's notice to the Coordinator carries the conflict's, the EA and SSCS copied.
    const documents = await ctx.models.Document.find({ runId: { $in: [m.runId, incidentRunId] }, type: 'formato_17' }).lean();
    expect(documents.map((d) => d.reference)).toEqual([result.result!.formato17]);
    const notice = mailer.to(COORDINATOR).filter((mail) => mail.subject.includes('incidencia del Centro MAC'));
    expect(notice).toHaveLength(1);
    expect(notice[0].cc).toEqual([ADMIN_ENTITY, TEST_SSCS_EMAIL]);
    expect(notice[0].attachments[0].filename).toBe(formato17[0].attachments[0].filename);
    expect(notice[0].html).toContain(`expediente de origen ${m.runId}`);
    expect(solveTask.role).toBe('coordinator');
    expect(solveTask.events.filter((e) => e.kind === 'escalation').map((e) => e.level)).toEqual(['admin_entity', 'sscs']);
  });

  // (Before issue 11 the entity's incident numbered a second Formato 17 of its own: history conflict-grave.)
  test('when a grave conflict is attended with security present, then Formato 17 goes at once to the Entidad Administradora and SSCS, and the entity involved gets an incident run notified with that same Formato 17, the EA and SSCS copied', async () => {
    const mailer = new RecordingMailer();
    const { worker, taskQueue } = await ctx.worker(mailer);
    const m = meta('P2.2.4');
    const { result, incidentTask } = await worker.runUntil(async () => {
      const handle = ctx.track(await ctx.env.client.workflow.start(conflictWorkflow, { taskQueue, workflowId: m.runId, args: [{ meta: m, input: conflict({ entityId: 'reniec', module: 'Módulo 14' }), settings: DEFAULT_SETTINGS }] }));
      const { task } = await waitForTask(handle, 'attend_grave_conflict');
      const attention = { securityPresent: true, actions: 'Se condujo al ciudadano a la zona administrativa con el agente de seguridad.', outcome: 'El ciudadano fue atendido por otro asesor.', incidentType: 'personal' };
      // Without confirming the physical presence of security (2.2.4), it is refused.
      await expect(completeTask(handle, task.id, supervisor, { ...attention, securityPresent: false })).rejects.toThrow(WorkflowUpdateFailedError);
      // The involved entity's service needs the incident type.
      await expect(completeTask(handle, task.id, supervisor, { ...attention, incidentType: undefined })).rejects.toThrow(WorkflowUpdateFailedError);
      await completeTask(handle, task.id, coordinator, attention);
      const out = await handle.result();
      await maybeRecordHistory('conflict-grave-entity-incident', handle);
      // The incident runs to its end.
      const child = ctx.track(ctx.env.client.workflow.getHandle(out.result!.incidentRunId as string));
      const incidentTask = (await waitForTask(child, 'report_incident_solution')).task;
      await completeTask(child, incidentTask.id, reniec, { solution: 'RENIEC asignó un asesor de reemplazo al módulo 14.' });
      await completeTask(child, (await waitForTask(child, 'verify_incident_solution')).task.id, supervisor, { verdict: 'satisfactory' });
      await child.result();
      return { result: out, incidentTask };
    });
    const formato17 = mailer.sent.filter((mail) => mail.subject.includes('conflicto grave'));
    expect(formato17).toHaveLength(1);
    expect(formato17[0].to).toEqual(expect.arrayContaining([ADMIN_ENTITY, TEST_SSCS_EMAIL]));
    expect(formato17[0].attachments.map((a) => a.filename)).toEqual([expect.stringMatching(/^FORMATO_17_N_\d{3}-\d{4}-CMAC-LIMA-NORTE\.html$/), expect.stringMatching(/^FORMATO_17_N_\d{3}-\d{4}-CMAC-LIMA-NORTE\.pdf$/)]);
    expect(formato17[0].attachments[0].content).toContain('increpó a gritos');
    expect(result.result).toMatchObject({ severity: 'grave', incidentRunId: expect.stringMatching(/^PM1\.3\.3-lima-norte-\d{4}-\d{5}$/) });
    expect(incidentTask.role).toBe('participant_entity');
    expect(await ctx.models.Run.findById(m.runId).lean()).toMatchObject({ metrics: { closed: 1, escalated: 1 } });
    // The entity's notice carries the conflict's Formato 17 (no second number), the EA and SSCS copied.
    const notice = mailer.to(RENIEC).filter((mail) => mail.attachments.length > 0);
    expect(notice).toHaveLength(1);
    expect(notice[0].cc).toEqual([ADMIN_ENTITY, TEST_SSCS_EMAIL]);
    expect(notice[0].attachments[0].filename).toBe(formato17[0].attachments[0].filename);
    const documents = await ctx.models.Document.find({ runId: { $in: [m.runId, result.result!.incidentRunId as string] }, type: 'formato_17' }).lean();
    expect(documents).toHaveLength(1);
  });
});
