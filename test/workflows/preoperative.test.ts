/**
 * P2.2.1 Etapa pre-operativa de un nuevo Centro MAC (2.2.1) through the HTTP API on the
 * time-skipping server: SSCS creates the center (inactive, no daily opening: it cannot be opened);
 * from its Acta de Entrega del Inmueble Acondicionado the Entidad Administradora's team fills the
 * 35-item Check List (one line observed, solved, verified again); SSCS convokes each participating
 * entity to enable its modules (one entity late: reminded, escalated to the Entidad Administradora
 * and SSCS); the marcha blanca; the inauguration agreed; on its date the center operates.
 */
import { maybeRecordHistory, TEST_SSCS_EMAIL } from '../helpers/infra';
import { eventually } from '../helpers/stack';
import { useApiFlow } from '../helpers/apiFlow';
import { checklist, enabled, marchaBlanca, NEW_CENTER } from '../helpers/newCenter';

const flow = useApiFlow({ serverPerTest: true });
const DAY = 24 * 3600_000;
const T = {
  sscs: flow.token('sscs', 'sscs-ana'),
  admin: flow.token('admin_entity', 'adm-arequipa', { centers: ['arequipa'] }),
  reniec: flow.token('participant_entity', 'tec-reniec', { centers: ['arequipa'], entity: 'reniec' }),
  sunarp: flow.token('participant_entity', 'tec-sunarp', { centers: ['arequipa'], entity: 'sunarp' }),
  coordinator: flow.token('coordinator', 'coord-arequipa', { centers: ['arequipa'] }),
};

test('when a new center is created, then it cannot open until its pre-operative stage ends; the stage runs from the Acta de Entrega to the inauguration, and then the center operates', async () => {
  const created = await flow.http.post('/api/v1/centers').set('Authorization', T.sscs).send(NEW_CENTER);
  expect(created.status).toBe(201);
  expect(created.body).toMatchObject({ id: 'arequipa', active: false, stage: 'pre_operative', type: 'B' });
  expect((await flow.http.post('/api/v1/centers').set('Authorization', T.sscs).send(NEW_CENTER)).status).toBe(409);
  // Not operating: no daily opening.
  const opening = await flow.http.post('/api/v1/procedures/P2.2.2/runs').set('Authorization', T.sscs).send({ centerId: 'arequipa' });
  expect(opening.status).toBe(409);
  expect(opening.body.error.code).toBe('center_not_operating');

  const today = flow.now.toISOString().slice(0, 10);
  const runId = await flow.start('P2.2.1', T.sscs, { centerId: 'arequipa', actaEntrega: { date: today, reference: 'Acta N° 001-2026-GRA' } });
  // One pre-operative stage per center.
  await flow.openTask(runId, 'verify_preoperative_checklist', T.admin);
  const again = await flow.http.post('/api/v1/procedures/P2.2.1/runs').set('Authorization', T.sscs).send({ centerId: 'arequipa', actaEntrega: { date: today, reference: 'Acta N° 001-2026-GRA' } });
  expect(again.status).toBe(409);
  // 1. The check list: the entities' modules must all be there.
  const short = await flow.tryComplete(runId, 'verify_preoperative_checklist', T.admin, { ...checklist(), entityModules: { reniec: { hw: 'ok', sw: 'ok' } } });
  expect(short.status).toBe(400);
  expect(JSON.stringify(short.body)).toContain('entityModules.sunarp');
  await flow.complete(runId, 'verify_preoperative_checklist', T.admin, checklist({ i19_aire_acondicionado: 'Dos equipos sin gas' }));
  await flow.complete(runId, 'solve_preoperative_observations', T.admin, { actions: 'El contratista recargó los equipos el 25/11' });
  // Verified again by SSCS's technical assistance.
  await flow.complete(runId, 'verify_preoperative_checklist', T.sscs, checklist());

  // 2. Habilitación: each entity convoked; RENIEC in time, SUNARP late.
  await flow.complete(runId, 'enable_entity_modules', T.reniec, enabled);
  // Each entity convoked (emails are delivered in the background: each is awaited).
  for (const to of ['mac@reniec.gob.pe', 'mac@sunarp.gob.pe']) {
    await eventually(async () => flow.mailer.to(to).find((m) => m.subject.includes('convocatoria')), `the convocation to ${to}`);
  }
  await flow.openTask(runId, 'enable_entity_modules', T.sunarp);
  // 10 business days, then 2 more (December's holidays in between).
  await flow.skip(24 * DAY);
  const late = await eventually(async () => {
    const r = await flow.run(runId, T.sscs);
    return r.escalations.length === 2 ? r : undefined;
  }, 'the habilitación escalated twice');
  expect(late.escalations.map((e: { level: string }) => e.level)).toEqual(['admin_entity', 'sscs']);
  expect(flow.mailer.to('mac@sunarp.gob.pe').some((m) => m.subject.startsWith('Recordatorio'))).toBe(true);
  await eventually(async () => flow.mailer.to(TEST_SSCS_EMAIL).find((m) => m.subject.startsWith('Escalamiento') && m.subject.includes(runId)), 'the escalation to SSCS');
  await flow.complete(runId, 'enable_entity_modules', T.sunarp, { ...enabled, notes: 'Credenciales habilitadas tras la escalada' });

  // 3. Marcha blanca; 4. the inauguration, agreed for a date ahead.
  const day = flow.now.toISOString().slice(0, 10);
  await flow.complete(runId, 'run_marcha_blanca', T.sscs, marchaBlanca(day));
  const past = await flow.tryComplete(runId, 'agree_inauguration', T.admin, { date: '2020-01-01', agreedWith: 'x' });
  expect(past.status).toBe(400);
  const inauguration = new Date(flow.now.getTime() + 10 * DAY).toISOString().slice(0, 10);
  await flow.complete(runId, 'agree_inauguration', T.admin, { date: inauguration, agreedWith: 'Secretario de Gestión Pública (PCM) y Gobernador Regional de Arequipa' });
  // Still not operating before the inauguration.
  expect((await flow.http.get('/api/v1/centers/arequipa').set('Authorization', T.sscs)).body).toMatchObject({ active: false, stage: 'pre_operative' });
  await flow.skipTo(new Date(`${inauguration}T06:00:00Z`));
  const done = await flow.runStatus(runId, T.sscs, 'completed');
  expect(done.metrics).toMatchObject({ closed: 1, achieved: 1 });
  expect((await flow.http.get('/api/v1/centers/arequipa').set('Authorization', T.sscs)).body).toMatchObject({ active: true, stage: 'operating', operatingSince: inauguration });
  const operating = await eventually(async () => flow.mailer.to(TEST_SSCS_EMAIL).find((m) => m.subject.includes('inicia operaciones')), 'the start of operations');
  expect(operating.to).toContain('centromac@regionarequipa.gob.pe');
  // Now it can be opened.
  const nowOpen = await flow.http.post('/api/v1/procedures/P2.2.2/runs').set('Authorization', T.sscs).send({ centerId: 'arequipa' });
  expect(nowOpen.status).toBe(201);
  await flow.ctx.env.client.workflow.getHandle(nowOpen.body.runId).terminate('test over');
  await maybeRecordHistory('preoperative-completed', flow.ctx.env.client.workflow.getHandle(runId));
});
