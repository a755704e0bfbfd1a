/**
 * PM1.3.3 and P2.2.4 through the HTTP API on the time-skipping server (issue 11): a grave conflict
 * with no participating entity is registered and attended, and becomes a PM1.3.3 incident of the
 * center (2.2.4 → Formato 17: Atención de Incidencias); an incident may be registered without an
 * entity, and a bad entity is refused naming the field.
 */
import { eventually } from '../helpers/stack';
import { TEST_SSCS_EMAIL } from '../helpers/infra';
import { useApiFlow } from '../helpers/apiFlow';

const flow = useApiFlow({ serverPerTest: true });
const ADMIN_ENTITY = 'mac.administracion@pcm.gob.pe';
const COORDINATOR = 'coordinacion.limanorte@mac.gob.pe';
const T = {
  orientador: flow.token('orientador', 'orient-ln', { centers: ['lima-norte'] }),
  supervisor: flow.token('supervisor', 'sup-ln', { centers: ['lima-norte'] }),
  coordinator: flow.token('coordinator', 'coord-ln', { centers: ['lima-norte'] }),
};

const grave = (extra: Record<string, unknown> = {}) => ({
  centerId: 'lima-norte',
  occurredAt: flow.now.toISOString(),
  place: 'Sala de espera',
  description: 'Un ciudadano insultó y empujó al orientador en la sala de espera.',
  involved: [{ kind: 'citizen' }, { kind: 'advisor', name: 'Ana Quispe' }],
  severity: 'grave',
  ...extra,
});
const attention = { securityPresent: true, actions: 'El agente de seguridad acompañó al ciudadano a la salida.', outcome: 'El ciudadano se retiró; el orientador continuó.' };

test('when a grave conflict with no entity involved is registered and attended through the API, then Formato 17 reaches the Entidad Administradora and SSCS and a PM1.3.3 incident of the center is open for the Coordinador', async () => {
  const conflictRunId = await flow.start('P2.2.4', T.orientador, grave());
  await flow.complete(conflictRunId, 'attend_grave_conflict', T.supervisor, attention);
  await flow.runStatus(conflictRunId, T.supervisor, 'completed');

  const incidents = await eventually(async () => {
    const res = await flow.http.get('/api/v1/runs').query({ code: 'PM1.3.3', centerId: 'lima-norte' }).set('Authorization', T.supervisor);
    return res.body.runs?.length ? res.body.runs : undefined;
  }, 'the PM1.3.3 run');
  expect(incidents).toEqual([expect.objectContaining({ runId: expect.stringMatching(/^PM1\.3\.3-lima-norte-/), startedBy: { sub: conflictRunId, role: 'run' }, status: 'running' })]);
  // The incident is the Coordinator's to solve; the notice carries the conflict's Formato 17.
  expect(await flow.openTask(incidents[0].runId, 'report_incident_solution', T.coordinator)).toBe(`${incidents[0].runId}:solve-1`);

  const formato17 = await eventually(async () => flow.mailer.sent.find((mail) => mail.subject.includes('conflicto grave')), 'Formato 17 by email');
  expect(formato17.to).toEqual([ADMIN_ENTITY, TEST_SSCS_EMAIL]);
  expect(formato17.attachments[0].filename).toMatch(/^FORMATO_17_N_\d{3}-\d{4}-CMAC-LIMA-NORTE\.html$/);
  const notice = await eventually(async () => flow.mailer.to(COORDINATOR).find((mail) => mail.subject.includes('incidencia del Centro MAC')), 'the incident notice to the Coordinador');
  expect(notice.cc).toEqual([ADMIN_ENTITY, TEST_SSCS_EMAIL]);
  expect(notice.attachments[0].filename).toBe(formato17.attachments[0].filename);
});

test('when an incident is registered through the API without an entity, then it is accepted for the Coordinador; a bad entity is a 400 naming body.entityId, and a grave conflict of an entity attended without incidentType a 400 naming data.incidentType', async () => {
  const body = { centerId: 'lima-norte', type: 'operacion', description: 'El sistema de audio de la sala de espera dejó de funcionar durante la atención.' };
  const runId = await flow.start('PM1.3.3', T.supervisor, body);
  const taskId = await flow.openTask(runId, 'report_incident_solution', T.coordinator);
  expect(taskId).toBe(`${runId}:solve-1`);

  const unknown = await flow.http.post('/api/v1/procedures/PM1.3.3/runs').set('Authorization', T.supervisor).send({ ...body, entityId: 'no-existe' });
  expect(unknown.status).toBe(400);
  expect(unknown.body.error.details[0].path).toBe('body.entityId');
  const malformed = await flow.http.post('/api/v1/procedures/PM1.3.3/runs').set('Authorization', T.supervisor).send({ ...body, entityId: 'RENIEC <b>' });
  expect(malformed.status).toBe(400);
  expect(malformed.body.error.details[0].path).toBe('body.entityId');

  const conflictRunId = await flow.start('P2.2.4', T.orientador, grave({ entityId: 'reniec', module: 'Módulo 14' }));
  const refused = await flow.tryComplete(conflictRunId, 'attend_grave_conflict', T.supervisor, attention);
  expect(refused.status).toBe(400);
  expect(refused.body.error.details[0].path).toBe('data.incidentType');
  await flow.complete(conflictRunId, 'attend_grave_conflict', T.supervisor, { ...attention, incidentType: 'personal' });
  await flow.runStatus(conflictRunId, T.supervisor, 'completed');
});
