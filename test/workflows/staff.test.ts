/**
 * The staff of a center through the HTTP API on the time-skipping server: PA3.1.1 incorporates an
 * Orientador at Callao (type C, seeded with two of the three Cuadro 01 asks) → the staffing check
 * turns complete and the person's induction (PA3.1.2, 2.1.5 Supervisor i, 2.2.3) is open; the
 * induction is given and evaluated; a cese (PA3.1.4) makes the check incomplete again. The overdue
 * path: the Entidad Administradora incorporates late (reminded, escalated to SSCS), the Supervisor
 * gives the induction late (reminded, escalated Coordinador → Entidad Administradora → SSCS), two
 * rounds are not satisfactory and the coordinator closes it with the decision recorded; the
 * coordinator communicates a cese late (reminded, escalated to the Entidad Administradora and SSCS).
 */
import { INDUCTION_TOPIC_IDS } from '../../src/domain/staff';
import { maybeRecordHistory, TEST_SSCS_EMAIL } from '../helpers/infra';
import { eventually } from '../helpers/stack';
import { useApiFlow } from '../helpers/apiFlow';

// A server per test: a test's rejected updates can stop the Java test server's time skipping for the next.
const flow = useApiFlow({ serverPerTest: true });
const T = {
  sscs: flow.token('sscs', 'sscs-ana'),
  coordinator: flow.token('coordinator', 'coord-callao', { centers: ['callao'] }),
  supervisor: flow.token('supervisor', 'sup-callao', { centers: ['callao'] }),
  tic: flow.token('tic_specialist', 'tic-callao', { centers: ['callao'] }),
  admin: flow.token('admin_entity', 'adm-callao', { centers: ['callao'] }),
};

const DAY = 24 * 3600_000;
const MAILBOX = { coordinator: 'coordinacion.callao@mac.gob.pe', supervisor: 'supervision.callao@mac.gob.pe', admin: 'centromac@regioncallao.gob.pe' };

const staffing = async () => (await flow.http.get('/api/v1/centers/callao').set('Authorization', T.sscs)).body.staffing as { ok: boolean; missing: { role: string; missing: number }[] };
const allTopics = () => Object.fromEntries(INDUCTION_TOPIC_IDS.map((t) => [t, { covered: true }]));
const history = (runId: string) => flow.ctx.env.client.workflow.getHandle(runId);

async function incorporate(name: string): Promise<{ runId: string; staffMemberId: string; inductionRunId: string }> {
  const runId = await flow.start('PA3.1.1', T.coordinator, { centerId: 'callao', profile: 'orientador', justification: 'Cuadro 01: un centro tipo C requiere 03-04 orientadores; cuenta con 02.' });
  return { runId, ...(await incorporated(runId, name)) };
}
async function incorporated(runId: string, name: string) {
  await flow.complete(runId, 'incorporate_staff', T.admin, { outcome: 'incorporated', name, startDate: flow.now.toISOString().slice(0, 10) });
  const run = await flow.runStatus(runId, T.coordinator, 'completed');
  const staff = (await flow.http.get('/api/v1/centers/callao/staff').set('Authorization', T.coordinator)).body.staff as { id: string; name: string; incorporationRunId: string; induction: { runId: string } | null }[];
  const person = staff.find((m) => m.incorporationRunId === runId)!;
  expect(person).toMatchObject({ name });
  const inductionRunId = await eventually(async () => (await flow.http.get('/api/v1/centers/callao/staff').set('Authorization', T.coordinator)).body.staff.find((m: { id: string }) => m.id === person.id)?.induction?.runId, 'the induction run on the person');
  expect(run.metrics).toMatchObject({ achieved: 1 });
  return { staffMemberId: person.id, inductionRunId };
}

test('when an Orientador is incorporated at a type-C center below minimum, then the staffing check is complete and their induction runs; a cese makes it incomplete again', async () => {
  expect(await staffing()).toMatchObject({ ok: false, missing: [{ role: 'orientador', missing: 1 }] });
  // SSCS sees which centers are below the minimum.
  const below = async () => (await flow.http.get('/api/v1/centers').query({ belowMinimum: 'true' }).set('Authorization', T.sscs)).body.centers.map((c: { id: string }) => c.id);
  expect(await below()).toEqual(['callao']);

  const { runId, staffMemberId, inductionRunId } = await incorporate('Rosa Quispe Mamani');
  expect(await staffing()).toMatchObject({ ok: true, missing: [] });
  expect(await below()).toEqual([]);

  // The induction: the Supervisor's task names every topic of an Orientador's profile.
  await flow.openTask(inductionRunId, 'deliver_induction', T.supervisor);
  const open = (await flow.http.get('/api/v1/tasks').query({ runId: inductionRunId, status: 'open' }).set('Authorization', T.supervisor)).body.tasks;
  expect(open).toEqual([expect.objectContaining({ type: 'deliver_induction', role: 'supervisor' })]);
  expect(open[0].title).toMatch(/Manual de Funcionamiento.*Protocolo de atención.*Funciones de su perfil.*Conducta institucional/);
  // A topic left out is refused, naming it.
  const partial = await flow.tryComplete(inductionRunId, 'deliver_induction', T.supervisor, { topics: { manual: { covered: true } }, deliveredOn: '2026-11-24' });
  expect(partial.status).toBe(400);
  expect(JSON.stringify(partial.body)).toMatch(/topics\.processes/);
  await flow.complete(inductionRunId, 'deliver_induction', T.supervisor, { topics: allTopics(), deliveredOn: flow.now.toISOString().slice(0, 10) });
  await flow.complete(inductionRunId, 'evaluate_induction', T.supervisor, { result: 'satisfactory' });
  const induction = await flow.runStatus(inductionRunId, T.supervisor, 'completed');
  expect(induction.metrics).toMatchObject({ closed: 1, satisfactory: 1 });
  // The Registro de Inducciones (Cuadro 03, 6.5) shows it.
  const register = (await flow.http.get('/api/v1/centers/callao/inductions').set('Authorization', T.sscs)).body.inductions;
  expect(register).toContainEqual(expect.objectContaining({ staffMemberId, runId: inductionRunId, status: 'completed', result: 'satisfactory', rounds: 1 }));

  // The cese: the person leaves the roster when the coordinator communicates it.
  const cese = await flow.start('PA3.1.4', T.coordinator, { centerId: 'callao', staffMemberId, reason: 'Renuncia voluntaria' });
  await flow.complete(cese, 'communicate_cessation', T.coordinator, { lastDay: '2026-12-15', communication: 'Oficio a la Entidad Administradora comunicando la renuncia.' });
  await eventually(async () => ((await staffing()).ok ? undefined : true), 'the staffing check incomplete after the cese');
  expect(await staffing()).toMatchObject({ ok: false, missing: [{ role: 'orientador', missing: 1 }] });
  await flow.complete(cese, 'procedure_step', T.supervisor, { outcome: 'done', notes: 'Fotocheck y llaves recibidos' });
  await flow.complete(cese, 'procedure_step', T.tic, { outcome: 'done' });
  expect((await flow.runStatus(cese, T.coordinator, 'completed')).metrics).toMatchObject({ achieved: 1 });
  const ceased = (await flow.http.get('/api/v1/centers/callao/staff').query({ status: 'ceased' }).set('Authorization', T.coordinator)).body.staff;
  expect(ceased).toEqual([expect.objectContaining({ id: staffMemberId, ceasedOn: '2026-12-15', cessationRunId: cese })]);

  await maybeRecordHistory('incorporation-completed', history(runId));
  await maybeRecordHistory('induction-satisfactory', history(inductionRunId));
  await maybeRecordHistory('cessation-completed', history(cese));
});

test('when the incorporation and the induction are late, then they are reminded and escalated up to SSCS; two rounds not satisfactory close with the decision', async () => {
  const runId = await flow.start('PA3.1.1', T.coordinator, { centerId: 'callao', profile: 'orientador', justification: 'Reemplazo de la persona que cesó.' });
  await flow.openTask(runId, 'incorporate_staff', T.admin);
  // 20 business days and two more: reminded (3 and 1 days before), then escalated to SSCS.
  await flow.skip(40 * DAY);
  const late = await eventually(async () => {
    const r = await flow.run(runId, T.sscs);
    return r.escalations.some((e: { level: string }) => e.level === 'sscs') ? r : undefined;
  }, 'the incorporation escalated to SSCS');
  expect(late.escalations.map((e: { level: string }) => e.level)).toEqual(['sscs']);
  await eventually(async () => flow.mailer.to(TEST_SSCS_EMAIL).find((m) => m.subject.startsWith('Escalamiento') && m.subject.includes(runId)), 'the escalation email to SSCS');
  // Reminded 3 and 1 business days before the term.
  expect(flow.mailer.to(MAILBOX.admin).filter((m) => m.subject.startsWith('Recordatorio') && m.subject.includes(runId))).toHaveLength(2);
  const { inductionRunId } = await incorporated(runId, 'Luis Huamán Torres');

  // The induction is not given in its 5 business days: coordinator, Entidad Administradora, SSCS.
  await flow.openTask(inductionRunId, 'deliver_induction', T.supervisor);
  await flow.skip(21 * DAY);
  const overdue = await eventually(async () => {
    const r = await flow.run(inductionRunId, T.sscs);
    return r.escalations.length === 3 ? r : undefined;
  }, 'the induction escalated three levels');
  expect(overdue.escalations.map((e: { level: string }) => e.level)).toEqual(['coordinator', 'admin_entity', 'sscs']);
  expect(flow.mailer.to(MAILBOX.supervisor).some((m) => m.subject.startsWith('Recordatorio') && m.subject.includes(inductionRunId))).toBe(true);
  for (const to of [MAILBOX.coordinator, MAILBOX.admin, TEST_SSCS_EMAIL]) {
    await eventually(async () => flow.mailer.to(to).find((m) => m.subject.startsWith('Escalamiento') && m.subject.includes(inductionRunId)), `the induction's escalation to ${to}`);
  }

  const deliver = () => flow.complete(inductionRunId, 'deliver_induction', T.supervisor, { topics: allTopics(), deliveredOn: flow.now.toISOString().slice(0, 10) });
  await deliver();
  await flow.complete(inductionRunId, 'evaluate_induction', T.supervisor, { result: 'not_satisfactory', observations: 'No identifica la ruta de atención del ciudadano.' });
  await flow.complete(inductionRunId, 'decide_induction', T.coordinator, { decision: 'second_round', reason: 'Repetir con énfasis en la ruta de atención.' });
  await deliver();
  await flow.complete(inductionRunId, 'evaluate_induction', T.supervisor, { result: 'not_satisfactory', observations: 'Persisten vacíos en el protocolo de atención.' });
  // A third round is refused; the decision closes it.
  const third = await flow.tryComplete(inductionRunId, 'decide_induction', T.coordinator, { decision: 'second_round', reason: 'Otra vez' });
  expect(third.status).toBe(400);
  expect(JSON.stringify(third.body)).toMatch(/must be close/);
  await flow.complete(inductionRunId, 'decide_induction', T.coordinator, { decision: 'close', reason: 'Se solicita a la Entidad Administradora reasignar el puesto.' });
  const closed = await flow.runStatus(inductionRunId, T.supervisor, 'completed');
  expect(closed.metrics).toMatchObject({ closed: 1, satisfactory: 0 });

  // The indicator: this store's one induction, not completed satisfactorily.
  const indicators = (await flow.http.get('/api/v1/indicators').query({ centerId: 'callao', code: 'PA3.1.2' }).set('Authorization', T.sscs)).body;
  expect(indicators.procedures).toEqual([expect.objectContaining({ code: 'PA3.1.2' })]);
  expect(indicators.procedures[0].indicators[0]).toMatchObject({ id: 'inductions_completed', numerator: 0, denominator: 1, value: 0 });

  await maybeRecordHistory('incorporation-overdue', history(runId));
  await maybeRecordHistory('induction-not-satisfactory-overdue', history(inductionRunId));
});

test('when the coordinator communicates a cese late, then it is reminded and escalated to the Entidad Administradora and SSCS, and the person leaves the roster when it is communicated', async () => {
  const staffMemberId = 'seed:callao:supervisor:2';
  // Someone not on the roster is refused before any run starts.
  const unknown = await flow.http.post('/api/v1/procedures/PA3.1.4/runs').set('Authorization', T.coordinator).send({ centerId: 'callao', staffMemberId: 'seed:piura:supervisor:1', reason: 'x' });
  expect(unknown.status).toBe(400);
  expect(unknown.body.error.details).toEqual([expect.objectContaining({ path: 'body.staffMemberId' })]);
  const cese = await flow.start('PA3.1.4', T.coordinator, { centerId: 'callao', staffMemberId, reason: 'Término de contrato' });
  await flow.openTask(cese, 'communicate_cessation', T.coordinator);
  await flow.skip(14 * DAY);
  const late = await eventually(async () => {
    const r = await flow.run(cese, T.sscs);
    return r.escalations.length === 2 ? r : undefined;
  }, 'the cese escalated twice');
  expect(late.escalations.map((e: { level: string }) => e.level)).toEqual(['admin_entity', 'sscs']);
  expect(flow.mailer.to(MAILBOX.coordinator).some((m) => m.subject.startsWith('Recordatorio') && m.subject.includes(cese))).toBe(true);
  // Still on the roster until the cese is communicated.
  expect((await flow.http.get('/api/v1/centers/callao/staff').set('Authorization', T.coordinator)).body.staff.map((m: { id: string }) => m.id)).toContain(staffMemberId);
  await flow.complete(cese, 'communicate_cessation', T.coordinator, { lastDay: flow.now.toISOString().slice(0, 10), communication: 'Oficio comunicando el término de contrato.' });
  await flow.complete(cese, 'procedure_step', T.supervisor, { outcome: 'done' });
  await flow.complete(cese, 'procedure_step', T.tic, { outcome: 'not_done', notes: 'Cuenta de correo pendiente de baja' });
  expect((await flow.runStatus(cese, T.coordinator, 'completed')).metrics).toMatchObject({ achieved: 0 });
  expect(await staffing()).toMatchObject({ ok: false });
  expect((await staffing()).missing).toContainEqual({ role: 'supervisor', missing: 1 });
  await maybeRecordHistory('cessation-overdue', history(cese));
});

test('when a person ceases while their induction runs, then the induction stops (its task cancelled, nobody escalated for someone who left) and the Registro says why', async () => {
  const { staffMemberId, inductionRunId } = await incorporate('Carla Ríos Vega');
  await flow.openTask(inductionRunId, 'deliver_induction', T.supervisor);
  // A second induction of the same person while one runs is refused.
  const twice = await flow.http.post('/api/v1/procedures/PA3.1.2/runs').set('Authorization', T.supervisor).send({ centerId: 'callao', staffMemberId });
  expect(twice.status).toBe(409);
  const cese = await flow.start('PA3.1.4', T.coordinator, { centerId: 'callao', staffMemberId, reason: 'Renuncia en el periodo de prueba' });
  await flow.complete(cese, 'communicate_cessation', T.coordinator, { lastDay: flow.now.toISOString().slice(0, 10), communication: 'Renuncia comunicada a la Entidad Administradora.' });
  const stopped = await flow.runStatus(inductionRunId, T.sscs, 'cancelled');
  expect(stopped.tasks.map((t: { status: string }) => t.status)).toEqual(['cancelled']);
  const register = (await flow.http.get('/api/v1/centers/callao/inductions').set('Authorization', T.sscs)).body.inductions;
  expect(register).toContainEqual(expect.objectContaining({ staffMemberId, runId: inductionRunId, status: 'completed', result: 'cancelled_by_cessation' }));
  await flow.complete(cese, 'procedure_step', T.supervisor, { outcome: 'done' });
  await flow.complete(cese, 'procedure_step', T.tic, { outcome: 'done' });
  const done = await flow.runStatus(cese, T.coordinator, 'completed');
  expect(done.metrics).toMatchObject({ achieved: 1 });
  await maybeRecordHistory('cessation-stops-induction', history(cese));
});
