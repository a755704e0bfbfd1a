/**
 * The staff of a center through the HTTP API on the time-skipping server: PA3.1.1 incorporates an
 * Orientador at Callao (type C, seeded with two of the three Cuadro 01 asks) → the staffing check
 * turns complete and the person's induction (PA3.1.2, 2.1.5 Supervisor i, 2.2.3) is open; the
 * induction is given and evaluated; a cese (PA3.1.4) makes the check incomplete again. The overdue
 * path is in staff-overdue.test.ts.
 */
import { INDUCTION_TOPIC_IDS } from '../../src/domain/staff';
import { maybeRecordHistory } from '../helpers/infra';
import { eventually } from '../helpers/stack';
import { useApiFlow } from '../helpers/apiFlow';

const flow = useApiFlow();
const T = {
  sscs: flow.token('sscs', 'sscs-ana'),
  coordinator: flow.token('coordinator', 'coord-callao', { centers: ['callao'] }),
  supervisor: flow.token('supervisor', 'sup-callao', { centers: ['callao'] }),
  tic: flow.token('tic_specialist', 'tic-callao', { centers: ['callao'] }),
  admin: flow.token('admin_entity', 'adm-callao', { centers: ['callao'] }),
};

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

