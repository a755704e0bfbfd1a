/**
 * The center's daily life through the whole engine (API + worker + Temporal dev server + FerretDB +
 * MailDev over SMTP), in real time: a daily opening fired by its Schedule and verified from the
 * inbox (2.2.2), and a grave conflict registered and attended through the API (2.2.4 → PM1.3.3).
 * Schedules are tested here, on the dev server: Temporal's time-skipping test server implements
 * no schedule service (creating one fails), so the workflow tests start the opening directly.
 */
import { limaDate, limaTimeOfDay, weekdayOf } from '../../src/calendar/businessCalendar';
import { OPENING_ITEM_IDS } from '../../src/domain/opening';
import { ensureOpeningSchedules, openingScheduleId } from '../../src/schedules/opening';
import { DEFAULT_SETTINGS } from '../../src/shared/settings';
import { eventually, mailsTo, startStack, type Stack } from '../helpers/stack';
import { limaTimeSoon } from '../helpers/opening';

let stack: Stack;
const ADMIN_ENTITY = 'mac.administracion@pcm.gob.pe';
const SSCS = 'sscs@pcm.gob.pe';
const started: string[] = [];

beforeAll(async () => {
  stack = await startStack();
});

afterAll(async () => {
  for (const id of started) await stack.client.workflow.getHandle(id).terminate('test over').catch(() => undefined);
  await stack?.close();
});

const checklist = (problems: Record<string, unknown> = {}) => Object.fromEntries(OPENING_ITEM_IDS.map((id) => [id, problems[id] ?? { status: 'ok' }]));

test('when the daily opening schedule fires and the coordinator finds the power out, then the verification was in the inbox, the center stays closed and Formato 3 reaches the Entidad Administradora and SSCS', async () => {
  // Today's hours start in a minute, whatever the day: the verification is due at once.
  const open = await limaTimeSoon(1);
  const day = { open, close: '23:59' };
  await stack.models.Center.updateOne({ _id: 'lima-norte' }, { $set: { hours: { weekdays: day, saturday: day, sundayAndHolidays: day } } });
  const schedules = await ensureOpeningSchedules(stack.client, { models: stack.models, taskQueue: stack.taskQueue, searchAttributes: true, settings: DEFAULT_SETTINGS });
  expect(schedules.created).toContain(openingScheduleId('lima-norte'));
  await stack.client.schedule.getHandle(openingScheduleId('lima-norte')).trigger();

  const coordinator = stack.auth('coordinator', ['lima-norte'], 'coord-ln');
  const task = await eventually(async () => {
    const res = await stack.http.get('/api/v1/tasks?centerId=lima-norte&role=coordinator&status=open').set(coordinator);
    return res.body.tasks?.find((t: { type: string }) => t.type === 'verify_opening');
  }, 'the verification in the coordinator inbox');
  expect(task.runId).toMatch(/^P2\.2\.2-lima-norte-\d{4}-\d{2}-\d{2}T/);
  started.push(task.runId);

  const { internet: _left, ...withoutInternet } = checklist();
  const incomplete = await stack.http.post(`/api/v1/tasks/${encodeURIComponent(task.id)}/complete`).set(coordinator).send({ data: { items: withoutInternet, securityAgents: 2 } });
  expect(incomplete.status).toBe(400);
  expect(incomplete.body.error.details.map((d: { path: string }) => d.path)).toEqual(['data.items.internet']);
  const noObservation = await stack.http.post(`/api/v1/tasks/${encodeURIComponent(task.id)}/complete`).set(coordinator).send({ data: { items: checklist({ energia_electrica: { status: 'missing' } }), securityAgents: 2 } });
  expect(noObservation.status).toBe(400);
  expect(noObservation.body.error.details[0].path).toBe('data.items.energia_electrica.observation');

  const done = await stack.http
    .post(`/api/v1/tasks/${encodeURIComponent(task.id)}/complete`)
    .set(coordinator)
    .send({ data: { items: checklist({ energia_electrica: { status: 'missing', observation: 'Corte de energía en el centro comercial' } }), securityAgents: 2 } });
  expect(done.status).toBe(200);

  const mail = await eventually(async () => (await mailsTo(ADMIN_ENTITY)).find((m) => m.subject.includes('no apertura')), 'Formato 3 by email');
  expect(mail.to.map((t) => t.address)).toEqual(expect.arrayContaining([ADMIN_ENTITY, SSCS]));
  expect(mail.attachments?.map((a) => a.fileName)).toEqual([expect.stringMatching(/^FORMATO_3_N_001-\d{4}-CMAC-LIMA-NORTE\.html$/), expect.stringMatching(/^FORMATO_3_N_001-\d{4}-CMAC-LIMA-NORTE\.pdf$/)]);

  const run = await eventually(async () => {
    const res = await stack.http.get(`/api/v1/runs/${encodeURIComponent(task.runId)}`).set(coordinator);
    // The communication and the restoration tasks open side by side: either may be recorded first.
    const types = res.body.tasks?.map((t: { type: string }) => t.type) ?? [];
    return types.includes('report_restoration') && types.includes('record_citizen_communication') ? res.body : undefined;
  }, 'the restoration and communication tasks');
  expect(run.startedBy).toEqual({ sub: openingScheduleId('lima-norte'), role: 'schedule' });
  expect(run.tasks.map((t: { type: string; role: string }) => `${t.type}:${t.role}`)).toEqual(
    expect.arrayContaining(['verify_opening:supervisor', 'record_citizen_communication:sscs', 'report_restoration:coordinator']),
  );
  const formato3 = run.documents.find((d: { type: string }) => d.type === 'formato_3');
  const doc = await stack.http.get(formato3.url).set(coordinator);
  expect(doc.status).toBe(200);
  expect(doc.text).toContain('Corte de energía en el centro comercial');
  expect(doc.text).toContain('Energía eléctrica');
  const sscs = stack.auth('sscs', '*', 'sscs-1');
  const openings = await stack.http.get(`/api/v1/openings?centerId=lima-norte&from=${limaDate(new Date())}`).set(sscs);
  expect(openings.status).toBe(200);
  expect(openings.body.openings).toEqual([expect.objectContaining({ date: limaDate(new Date()), status: 'not_opened', runId: task.runId, critical: ['Energía eléctrica'], openedAt: null })]);
});

test('when a grave conflict involving an entity is registered and attended through the API, then Formato 17 reaches the Entidad Administradora and SSCS, and the entity gets its incident with Formato 17', async () => {
  const orientador = stack.auth('orientador', ['callao'], 'orient-callao');
  const body = {
    centerId: 'callao',
    occurredAt: new Date().toISOString(),
    place: 'Zona de Atención, módulo 3 (SUNARP)',
    description: 'Una ciudadana reclamó a gritos por la caída del sistema de SUNARP y empujó al asesor.',
    involved: [{ kind: 'citizen' }, { kind: 'advisor', name: 'Luis Torres' }],
    severity: 'grave',
    entityId: 'sunarp',
    module: 'Módulo 3',
  };
  const wrong = await stack.http.post('/api/v1/procedures/P2.2.4/runs').set(orientador).send({ ...body, severity: 'medium' });
  expect(wrong.status).toBe(400);
  expect(wrong.body.error.details[0].path).toBe('body.severity');
  const created = await stack.http.post('/api/v1/procedures/P2.2.4/runs').set(orientador).send(body);
  expect(created.status).toBe(201);
  started.push(created.body.runId);

  const supervisor = stack.auth('supervisor', ['callao'], 'sup-callao');
  const task = await eventually(async () => {
    const res = await stack.http.get(`/api/v1/tasks?runId=${encodeURIComponent(created.body.runId)}&role=supervisor&status=open`).set(supervisor);
    return res.body.tasks?.find((t: { type: string }) => t.type === 'attend_grave_conflict');
  }, 'the grave conflict task');
  const attention = { securityPresent: true, actions: 'El agente de seguridad acompañó a la ciudadana a la zona administrativa.', outcome: 'Se le atendió en otro módulo.', incidentType: 'sistemas_informaticos' };
  const withoutSecurity = await stack.http.post(`/api/v1/tasks/${encodeURIComponent(task.id)}/complete`).set(supervisor).send({ data: { ...attention, securityPresent: false } });
  expect(withoutSecurity.status).toBe(400);
  expect(withoutSecurity.body.error.details[0].path).toBe('data.securityPresent');
  expect((await stack.http.post(`/api/v1/tasks/${encodeURIComponent(task.id)}/complete`).set(supervisor).send({ data: attention })).status).toBe(200);

  const formato17 = await eventually(async () => (await mailsTo('centromac@regioncallao.gob.pe')).find((m) => m.subject.includes('conflicto grave')), 'Formato 17 by email');
  expect(formato17.to.map((t) => t.address)).toEqual(expect.arrayContaining(['centromac@regioncallao.gob.pe', SSCS]));
  expect(formato17.attachments?.[0].fileName).toMatch(/^FORMATO_17_N_\d{3}-\d{4}-CMAC-CALLAO\.html$/);
  const notice = await eventually(async () => (await mailsTo('mac@sunarp.gob.pe')).find((m) => m.html.includes('módulo 3') || m.html.includes('Módulo 3')), 'the incident notice to SUNARP');
  expect(notice.attachments?.[0].fileName).toMatch(/^FORMATO_17_N_/);
  const incidents = await stack.http.get('/api/v1/runs?code=PM1.3.3&centerId=callao').set(supervisor);
  expect(incidents.body.runs).toEqual([expect.objectContaining({ startedBy: { sub: created.body.runId, role: 'run' }, status: 'running' })]);
  started.push(incidents.body.runs[0].runId);
});

test("when a coordinator changes the center's hours, then bad times are refused naming the field, and the daily opening schedule follows at once", async () => {
  const coordinator = stack.auth('coordinator', ['ventanilla'], 'coord-ventanilla');
  const bad = await stack.http.put('/api/v1/centers/ventanilla/hours').set(coordinator).send({ weekdays: { open: '09:00', close: '08:00' } });
  expect(bad.status).toBe(400);
  expect(bad.body.error.details[0].path).toBe('body.weekdays.close');
  // The verification starts 30 minutes before opening, the same day: 00:15 leaves no room for it.
  const tooEarly = await stack.http.put('/api/v1/centers/ventanilla/hours').set(coordinator).send({ weekdays: { open: '00:15', close: '06:00' } });
  expect(tooEarly.status).toBe(400);
  expect(tooEarly.body.error.details[0].path).toBe('body.weekdays.open');
  const notAllowed = await stack.http.put('/api/v1/centers/ventanilla/hours').set(stack.auth('orientador', ['ventanilla'])).send({ saturday: null });
  expect(notAllowed.status).toBe(403);

  const res = await stack.http.put('/api/v1/centers/ventanilla/hours').set(coordinator).send({ weekdays: { open: '09:00', close: '17:00' }, saturday: null });
  expect(res.status).toBe(200);
  expect(res.body.hours).toEqual({ weekdays: { open: '09:00', close: '17:00' }, saturday: null, sundayAndHolidays: { open: '10:00', close: '14:00' } });
  const next: string[] = res.body.dailyOpening.nextVerifications;
  expect(next.length).toBeGreaterThan(0);
  // 30 minutes before opening, Lima time (UTC−5): 08:30 on weekdays, 09:30 on Sundays, never on Saturdays.
  for (const t of next) {
    const weekday = weekdayOf(limaDate(new Date(t)));
    expect(weekday).not.toBe(6);
    expect(limaTimeOfDay(new Date(t))).toBe(weekday === 0 ? '09:30' : '08:30');
  }
  expect((await stack.models.Center.findById('ventanilla').lean())?.hours).toEqual({ weekdays: { open: '09:00', close: '17:00' }, saturday: null });
});
