/**
 * PA1.1.4 / PA2.2.3 corrective maintenance by asset (2.1.5; the asset register) through the HTTP
 * API on the time-skipping server: a finding on an entity's PC reaches that entity's contact, who
 * reports the repair; the air conditioning goes to the Especialista TIC (2.1.5 e), and left undone
 * it is reminded and escalated Coordinador → Entidad Administradora → SSCS.
 */
import { maybeRecordHistory, TEST_SSCS_EMAIL } from '../helpers/infra';
import { eventually } from '../helpers/stack';
import { useApiFlow } from '../helpers/apiFlow';

const flow = useApiFlow({ serverPerTest: true });
const DAY = 24 * 3600_000;
const T = {
  sscs: flow.token('sscs', 'sscs-ana'),
  coordinator: flow.token('coordinator', 'coord-callao', { centers: ['callao'] }),
  supervisor: flow.token('supervisor', 'sup-callao', { centers: ['callao'] }),
  tic: flow.token('tic_specialist', 'tic-callao', { centers: ['callao'] }),
  sunat: flow.token('participant_entity', 'contacto-sunat', { centers: ['callao'], entity: 'sunat' }),
  reniec: flow.token('participant_entity', 'contacto-reniec', { centers: ['callao'], entity: 'reniec' }),
};
const history = (runId: string) => flow.ctx.env.client.workflow.getHandle(runId);

test("when an entity's PC fails, then its corrective maintenance reaches that entity's contact, and only theirs, who reports it; the Supervisor gives conformity", async () => {
  const assets = (await flow.http.get('/api/v1/centers/callao/assets').set('Authorization', T.tic)).body.assets;
  expect(assets).toContainEqual(expect.objectContaining({ key: 'computadoras-sunat', owner: { kind: 'entity', entityId: 'sunat' }, servicer: 'entity', domain: 'tic' }));
  expect(assets).toContainEqual(expect.objectContaining({ key: 'aire-acondicionado', owner: { kind: 'center' }, servicer: 'tic_specialist' }));

  const runId = await flow.start('PA1.1.4', T.tic, { centerId: 'callao', asset: 'PC del módulo 7', description: 'No enciende desde la mañana', assetId: 'computadoras-sunat' });
  await flow.openTask(runId, 'fix_maintenance', T.sunat);
  // Another entity's contact does not see it, nor may complete it.
  const others = (await flow.http.get('/api/v1/tasks').query({ runId, status: 'open' }).set('Authorization', T.reniec)).body.tasks;
  expect(others).toEqual([]);
  await flow.complete(runId, 'fix_maintenance', T.sunat, { actions: 'Se reemplazó la fuente de poder', provider: 'Soporte TI SUNAT' });
  await flow.complete(runId, 'confirm_maintenance', T.supervisor, { verdict: 'conforme' });
  const done = await flow.runStatus(runId, T.coordinator, 'completed');
  expect(done.summary).toContain('Computadoras de Asesores de Servicio');
  expect(done.tasks[0]).toMatchObject({ role: 'participant_entity', completedBy: { sub: 'contacto-sunat', role: 'participant_entity' } });
  await maybeRecordHistory('maintenance-entity-asset', history(runId));
});

test('when the air conditioning is not repaired in its term, then the Especialista TIC is reminded and it escalates to the coordinator, the Entidad Administradora and SSCS', async () => {
  const runId = await flow.start('PA1.1.4', T.supervisor, { centerId: 'callao', asset: 'Aire acondicionado', description: 'El equipo de la zona de atención gotea', assetId: 'aire-acondicionado' });
  const taskId = await flow.openTask(runId, 'fix_maintenance', T.tic);
  expect(taskId).toContain(runId);
  // 5 business days, then every 2: three levels within three weeks, holidays included.
  await flow.skip(21 * DAY);
  const late = await eventually(async () => {
    const r = await flow.run(runId, T.sscs);
    return r.escalations.length === 3 ? r : undefined;
  }, 'three escalations');
  expect(late.escalations.map((e: { level: string }) => e.level)).toEqual(['coordinator', 'admin_entity', 'sscs']);
  expect(flow.mailer.to('tic.callao@mac.gob.pe').some((m) => m.subject.startsWith('Recordatorio') && m.subject.includes(runId))).toBe(true);
  await eventually(async () => flow.mailer.to(TEST_SSCS_EMAIL).find((m) => m.subject.startsWith('Escalamiento') && m.subject.includes(runId)), 'the escalation to SSCS');
  await flow.complete(runId, 'fix_maintenance', T.tic, { actions: 'Se limpió el drenaje y se cambió la bandeja', provider: 'Climatización SAC' });
  await flow.complete(runId, 'confirm_maintenance', T.supervisor, { verdict: 'conforme' });
  await flow.runStatus(runId, T.coordinator, 'completed');
  await maybeRecordHistory('maintenance-asset-overdue', history(runId));
});
