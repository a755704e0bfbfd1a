/**
 * The HTTP API of DESIGN §6 on the real stack: Temporal dev server, FerretDB, MailDev.
 */
import jwt from 'jsonwebtoken';
import { congratulationBody, eventually, JWT_SECRET, mailsTo, startStack, type Stack } from '../helpers/stack';
import { limaDate } from '../../src/calendar/businessCalendar';
import { DEFAULT_JWT_SCOPE, signToken } from '../../src/api/auth';
import type { SscsFunction } from '../../src/shared/roles';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  await stack?.close();
});

// The codes of DESIGN §4 (Cuadro 07 + the three protocols of 2.2), as the contract lists them.
const DESIGN_CODES = [
  'PE1.1.1', 'PE1.1.2', 'PE1.1.3', 'PE1.2.1', 'PE1.2.2', 'PE1.3.1', 'PE1.3.2', 'PE1.3.3', 'PE1.4.1', 'PE1.4.2', 'PE1.4.3',
  'PM1.1.1', 'PM1.2.1', 'PM1.2.2', 'PM1.3.1', 'PM1.3.2', 'PM1.3.3', 'PM1.4.1', 'PM1.4.2',
  'PA1.1.1', 'PA1.1.2', 'PA1.1.3', 'PA1.1.4', 'PA1.1.5', 'PA2.1.1', 'PA2.1.2', 'PA2.2.1', 'PA2.2.2', 'PA2.2.3',
  'PA3.1.1', 'PA3.1.2', 'PA3.1.3', 'PA3.1.4', 'PA3.1.5', 'PA3.1.6', 'PA3.1.7',
  'P2.2.1', 'P2.2.2', 'P2.2.4',
];

describe('health and catalog', () => {
  test('when every component is up, then /health answers 200 naming each one ok', async () => {
    const res = await stack.http.get('/health');
    expect(res.status).toBe(200);
    expect(res.body.components).toEqual({ api: { ok: true }, temporal: { ok: true }, mongodb: { ok: true }, smtp: { ok: true } });
  });

  test('when the catalog is listed, then it has exactly the 39 codes of the process matrix, each with owner, indicators and an input JSON schema', async () => {
    const res = await stack.http.get('/api/v1/procedures').set(stack.auth('coordinator', ['lima-norte']));
    expect(res.status).toBe(200);
    const codes = res.body.procedures.map((p: { code: string }) => p.code);
    expect([...codes].sort()).toEqual([...DESIGN_CODES].sort());
    for (const p of res.body.procedures) {
      expect(p.owner.length).toBeGreaterThan(0);
      expect(p.indicators.length).toBeGreaterThan(0);
      expect(typeof p.executable).toBe('boolean');
      expect(p.inputSchema).toMatchObject({ type: 'object', required: expect.arrayContaining(['centerId']) });
    }
    const pm141 = res.body.procedures.find((p: { code: string }) => p.code === 'PM1.4.1');
    expect(pm141).toMatchObject({ name: 'Recepción y difusión de felicitaciones', owner: ['coordinator'], executable: true });
  });

  test('when the OpenAPI document is requested, then it is generated from the routes and the UI is served', async () => {
    const doc = await stack.http.get('/api/v1/openapi.json');
    expect(doc.status).toBe(200);
    expect(Object.keys(doc.body.paths)).toEqual(expect.arrayContaining(['/health', '/api/v1/procedures/{code}/runs', '/api/v1/tasks/{taskId}/complete']));
    // Each procedure's run input is published with its own schema, from the catalog.
    for (const code of DESIGN_CODES) expect(doc.body.paths[`/api/v1/procedures/${code}/runs`]?.post.requestBody.content['application/json'].schema.type).toBe('object');
    expect(doc.body.paths['/api/v1/procedures/PM1.4.2/runs'].post.requestBody.content['application/json'].schema.required).toEqual(expect.arrayContaining(['centerId', 'citizen']));
    // Responses are described, not free-form objects.
    expect(doc.body.paths['/api/v1/runs/{runId}'].get.responses['200'].content['application/json'].schema).toEqual({ $ref: '#/components/schemas/Run' });
    const ui = await stack.http.get('/api/docs/');
    expect(ui.status).toBe(200);
    expect(ui.text).toContain('swagger-ui');
  });
});

describe('authentication and authorization', () => {
  test('when no token is sent, then the API answers 401 with the error shape', async () => {
    const res = await stack.http.get('/api/v1/procedures');
    expect(res.status).toBe(401);
    expect(res.body.error).toMatchObject({ code: 'unauthorized' });
  });

  test('when a token is forged with another secret, then it is refused with 401', async () => {
    const res = await stack.http.get('/api/v1/runs').set({ Authorization: 'Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4Iiwicm9sZSI6InNzY3MiLCJjZW50ZXJzIjoiKiJ9.bad' });
    expect(res.status).toBe(401);
  });

  test('when a participating entity token names no entity, then it is refused with 401', async () => {
    const token = jwt.sign({ sub: 'x', role: 'participant_entity', centers: ['lima-norte'] }, JWT_SECRET, { algorithm: 'HS256', ...DEFAULT_JWT_SCOPE });
    const res = await stack.http.get('/api/v1/tasks').set({ Authorization: `Bearer ${token}` });
    expect(res.status).toBe(401);
    expect(res.body.error.message).toContain('entity');
  });

  test('when a Lima Norte token asks for Callao, then it gets 403 on runs, tasks, centers and run creation', async () => {
    const ln = stack.auth('coordinator', ['lima-norte']);
    expect((await stack.http.get('/api/v1/runs?centerId=callao').set(ln)).status).toBe(403);
    expect((await stack.http.get('/api/v1/tasks?centerId=callao').set(ln)).status).toBe(403);
    expect((await stack.http.get('/api/v1/centers/callao').set(ln)).status).toBe(403);
    const start = await stack.http.post('/api/v1/procedures/PM1.4.1/runs').set(ln).send(congratulationBody({ centerId: 'callao' }));
    expect(start.status).toBe(403);
    expect((await stack.http.get('/api/v1/runs?centerId=lima-norte').set(ln)).status).toBe(200);
  });

  test('when a role the catalog does not allow starts a procedure, then it gets 403', async () => {
    const res = await stack.http.post('/api/v1/procedures/PE1.1.1/runs').set(stack.auth('orientador', ['lima-norte'])).send({ centerId: 'lima-norte', subject: 'x y z' });
    expect(res.status).toBe(403);
  });
});

describe('starting runs', () => {
  test('when the body is invalid, then 400 names every failing field and no run is started', async () => {
    const sscs = stack.auth('sscs', '*');
    const before = (await stack.http.get('/api/v1/runs?code=PM1.4.1').set(sscs)).body.runs.length;
    const res = await stack.http
      .post('/api/v1/procedures/PM1.4.1/runs')
      .set(stack.auth('orientador', ['lima-norte']))
      .send({ centerId: 'lima-norte', citizen: { name: 'R', email: 'not-an-email' }, surprise: 1 });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_input');
    const paths = res.body.error.details.map((d: { path: string }) => d.path);
    expect(paths).toEqual(expect.arrayContaining(['body.citizen.name', 'body.citizen.email', 'body.message']));
    expect(res.body.error.message).toContain('body.citizen.email');
    const unknownEntity = await stack.http.post('/api/v1/procedures/PM1.4.1/runs').set(stack.auth('orientador', ['lima-norte'])).send(congratulationBody({ entityId: 'no-such-entity' }));
    expect(unknownEntity.status).toBe(400);
    expect(unknownEntity.body.error.details[0].path).toBe('body.entityId');
    const after = (await stack.http.get('/api/v1/runs?code=PM1.4.1').set(sscs)).body.runs.length;
    expect(after).toBe(before);
    expect(await stack.models.Counter.countDocuments({ _id: /^run:PM1\.4\.1/ })).toBe(0);
  });

  test('when malformed JSON is sent, then the answer is a 400, not a 500', async () => {
    const res = await stack.http.post('/api/v1/procedures/PM1.4.1/runs').set(stack.auth('orientador', ['lima-norte'])).set('content-type', 'application/json').send('{"centerId":');
    expect(res.status).toBe(400);
  });

  test('when a body string holds a NUL character, then the answer is a 400 naming the field and no run is started (the store cannot keep it)', async () => {
    const res = await stack.http
      .post('/api/v1/procedures/PM1.4.1/runs')
      .set(stack.auth('orientador', ['lima-norte']))
      .send(congratulationBody({ message: 'Muy buena atención\u0000' }));
    expect(res.status).toBe(400);
    expect(res.body.error.details).toEqual([expect.objectContaining({ path: 'body.message' })]);
  });

  test('when the body is not JSON, then 415; when it is missing, then 400; when a path does not decode, then 400; never a 500', async () => {
    const auth = stack.auth('orientador', ['lima-norte']);
    const form = await stack.http.post('/api/v1/procedures/PM1.4.1/runs').set(auth).set('content-type', 'text/plain').send('centerId=lima-norte');
    expect([form.status, form.body.error.code]).toEqual([415, 'unsupported_media_type']);
    const none = await stack.http.post('/api/v1/tasks/t-1/complete').set(auth);
    expect([none.status, none.body.error.code]).toEqual([400, 'invalid_input']);
    const charset = await stack.http.post('/api/v1/procedures/PM1.4.1/runs').set(auth).set('content-type', 'application/json; charset=latin9').send('{}');
    expect(charset.status).toBe(415);
    const undecodable = await stack.http.get('/api/v1/runs/%E0%A4%A').set(auth);
    expect([undecodable.status, undecodable.body.error.code]).toEqual([400, 'invalid_input']);
  });

  test('when an Idempotency-Key is empty or longer than 200 characters, then 400 names the header', async () => {
    const auth = stack.auth('orientador', ['lima-norte']);
    for (const key of ['', 'k'.repeat(201)]) {
      const res = await stack.http.post('/api/v1/procedures/PM1.4.1/runs').set(auth).set('idempotency-key', key).send(congratulationBody());
      expect(res.status).toBe(400);
      expect(res.body.error.details[0].path).toBe('headers.idempotency-key');
    }
  });

  test('when the pre-operative stage (P2.2.1) is started on an operating center, then 409 says the center is not new; a bad Acta is 400 naming the field', async () => {
    const sscs = stack.auth('sscs', '*');
    const res = await stack.http.post('/api/v1/procedures/P2.2.1/runs').set(sscs).send({ centerId: 'lima-norte', actaEntrega: { date: '2026-11-20', reference: 'Acta 1' } });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('center_not_pre_operative');
    const bad = await stack.http.post('/api/v1/procedures/P2.2.1/runs').set(sscs).send({ centerId: 'lima-norte', actaEntrega: { date: '20/11/2026', reference: 'Acta 1' } });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body.error.details)).toContain('body.actaEntrega.date');
  });

  test('when every procedure of the catalog is listed, then each one is executable', async () => {
    const res = await stack.http.get('/api/v1/procedures').set(stack.auth('sscs', '*'));
    expect(res.status).toBe(200);
    expect(res.body.procedures.filter((p: { executable: boolean }) => !p.executable).map((p: { code: string }) => p.code)).toEqual([]);
    expect(res.body.procedures).toHaveLength(39);
  });

  test('when SSCS starts an unscheduled supervision (2.3.3), then only the Subsecretario/a or the Responsable de Supervisión may, with a reason, and the gabinete opens for the Subsecretario/a', async () => {
    const as = (sub: string, ...functions: SscsFunction[]) => ({ Authorization: `Bearer ${signToken(JWT_SECRET, { sub, role: 'sscs', centers: '*', ...(functions.length ? { functions } : {}) })}` });
    const body = { centerId: 'piura', visitDate: limaDate(new Date(Date.now() + 30 * 86_400_000)), unscheduled: { category: 'emergente', reason: 'Reclamos reiterados por tiempos de espera' } };
    const start = (auth: Record<string, string>, b: object) => stack.http.post('/api/v1/procedures/PM1.3.1/runs').set(auth).send(b);
    expect((await start(as('sscs-plain'), body)).status).toBe(403);
    expect((await start(as('legal-eva', 'legal'), body)).status).toBe(403);
    expect((await start(stack.auth('supervisor', ['piura']), body)).status).toBe(403);
    const noReason = await start(as('lead-ana', 'supervision_lead'), { ...body, unscheduled: { category: 'emergente' } });
    expect(noReason.status).toBe(400);
    expect(noReason.body.error.details.map((d: { path: string }) => d.path)).toEqual(['body.unscheduled.reason']);
    const started = await start(as('lead-ana', 'supervision_lead'), body);
    expect(started.status).toBe(201);
    const runId = started.body.runId as string;
    try {
      const task = await eventually(async () => {
        const res = await stack.http.get('/api/v1/tasks').query({ runId }).set(as('ss-rosa', 'subsecretario'));
        return res.body.tasks[0];
      }, 'the first gabinete task');
      expect(task).toMatchObject({ type: 'form_supervision_team', role: 'sscs', functions: ['subsecretario'], status: 'open' });
      const run = (await stack.http.get(`/api/v1/runs/${runId}`).set(as('ss-rosa', 'subsecretario'))).body;
      expect(run.summary).toContain('no programada (emergente: Reclamos reiterados por tiempos de espera)');
    } finally {
      await stack.client.workflow.getHandle(runId).terminate('test over');
    }
  });

  test('when ten congratulations are registered at once, then each gets its own run number and run', async () => {
    const auth = stack.auth('orientador', ['ventanilla']);
    const answers = await Promise.all(Array.from({ length: 10 }, () => stack.http.post('/api/v1/procedures/PM1.4.1/runs').set(auth).send(congratulationBody({ centerId: 'ventanilla', entityId: 'reniec' }))));
    expect(answers.map((a) => a.status)).toEqual(Array(10).fill(201));
    expect(new Set(answers.map((a) => a.body.runId)).size).toBe(10);
    const descriptions = await Promise.all(answers.map((a) => stack.client.workflow.getHandle(a.body.runId).describe()));
    expect(new Set(descriptions.map((d) => d.runId)).size).toBe(10);
  });

  test('when one Idempotency-Key arrives five times at once, then one run is started and every answer names it', async () => {
    const auth = stack.auth('orientador', ['ventanilla'], 'orientador-concurrent');
    const body = congratulationBody({ centerId: 'ventanilla' });
    const answers = await Promise.all(Array.from({ length: 5 }, () => stack.http.post('/api/v1/procedures/PM1.4.1/runs').set(auth).set('Idempotency-Key', 'same-moment').send(body)));
    expect(new Set(answers.map((a) => a.body.runId)).size).toBe(1);
    expect(answers.filter((a) => a.status === 201)).toHaveLength(1);
    expect(answers.filter((a) => a.status === 200)).toHaveLength(4);
    await eventually(async () => (await mailsTo(body.citizen.email)).length === 1, 'the acknowledgement');
  });

  test('when the same Idempotency-Key is sent twice, then one run exists and both answers name it', async () => {
    const auth = stack.auth('orientador', ['lima-norte'], 'orientador-idem');
    const body = congratulationBody();
    const first = await stack.http.post('/api/v1/procedures/PM1.4.1/runs').set(auth).set('Idempotency-Key', 'felicitacion-123').send(body);
    const second = await stack.http.post('/api/v1/procedures/PM1.4.1/runs').set(auth).set('Idempotency-Key', 'felicitacion-123').send(body);
    expect(first.status).toBe(201);
    expect(second.status).toBe(200);
    expect(second.body.runId).toBe(first.body.runId);
    const reused = await stack.http.post('/api/v1/procedures/PM1.4.1/runs').set(auth).set('Idempotency-Key', 'felicitacion-123').send({ ...body, message: 'otro texto distinto' });
    expect(reused.status).toBe(409);
    const runs = await stack.http.get('/api/v1/runs?code=PM1.4.1&centerId=lima-norte').set(auth);
    expect(runs.body.runs.filter((r: { runId: string }) => r.runId === first.body.runId)).toHaveLength(1);
    await eventually(async () => (await mailsTo(body.citizen.email)).length === 1, 'the acknowledgement');
    await new Promise((r) => setTimeout(r, 500));
    expect(await mailsTo(body.citizen.email)).toHaveLength(1);
  });
});

describe('PM1.4.1 Recepción y difusión de felicitaciones, end to end', () => {
  test('when a congratulation is registered and the coordinator shares it, then citizen and entity get one email each and the history names every actor', async () => {
    const body = congratulationBody({ message: 'Gracias <script>alert("x")</script> por la atención' });
    const start = await stack.http.post('/api/v1/procedures/PM1.4.1/runs').set(stack.auth('orientador', ['lima-norte'], 'orientadora.lucia')).send(body);
    expect(start.status).toBe(201);
    const { runId } = start.body;
    expect(runId).toMatch(/^PM1\.4\.1-lima-norte-\d{4}-\d{5}$/);

    const coordinator = stack.auth('coordinator', ['lima-norte'], 'coordinadora.ana');
    const task = await eventually(async () => {
      const res = await stack.http.get(`/api/v1/tasks?runId=${encodeURIComponent(runId)}&status=open`).set(coordinator);
      return res.body.tasks?.[0];
    }, 'the coordinator task in the inbox');
    expect(task).toMatchObject({ runId, type: 'acknowledge_congratulation', role: 'coordinator', centerId: 'lima-norte', status: 'open' });
    expect(task.dataSchema.required).toEqual(['shareWithEntity']);

    // The supervisor is not the task's role; bad data is refused before reaching the workflow.
    expect((await stack.http.post(`/api/v1/tasks/${encodeURIComponent(task.id)}/complete`).set(stack.auth('supervisor', ['lima-norte'])).send({ data: { shareWithEntity: true } })).status).toBe(403);
    const bad = await stack.http.post(`/api/v1/tasks/${encodeURIComponent(task.id)}/complete`).set(coordinator).send({ data: { shareWithEntity: 'sí' } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details[0].path).toBe('data.shareWithEntity');

    const done = await stack.http.post(`/api/v1/tasks/${encodeURIComponent(task.id)}/complete`).set(coordinator).send({ data: { shareWithEntity: true, note: 'Felicitaciones al módulo 12.' } });
    expect(done.status).toBe(200);
    // A client retrying after a lost answer gets the same result; another completion is refused.
    const retried = await stack.http.post(`/api/v1/tasks/${encodeURIComponent(task.id)}/complete`).set(coordinator).send({ data: { shareWithEntity: true, note: 'Felicitaciones al módulo 12.' } });
    expect([retried.status, retried.body.completedAt]).toEqual([200, done.body.completedAt]);

    const run = await eventually(async () => {
      const res = await stack.http.get(`/api/v1/runs/${encodeURIComponent(runId)}`).set(coordinator);
      return res.body.status === 'completed' ? res.body : undefined;
    }, 'the run to complete');
    expect(run.documents.map((d: { reference: string }) => d.reference)).toEqual([
      expect.stringMatching(/^CONSTANCIA N° \d{3}-\d{4}-CMAC-LIMA-NORTE$/),
      expect.stringMatching(/^OFICIO N° \d{3}-\d{4}-CMAC-LIMA-NORTE$/),
    ]);
    expect(run.notifications).toEqual([
      expect.objectContaining({ to: [body.citizen.email], status: 'sent', sentAt: expect.any(String) }),
      expect.objectContaining({ to: ['mac@reniec.gob.pe'], status: 'sent' }),
    ]);

    const citizenMails = await mailsTo(body.citizen.email);
    expect(citizenMails).toHaveLength(1);
    expect(citizenMails[0].html).not.toContain('<script>');
    expect(citizenMails[0].html).toContain('&lt;script&gt;');
    const entityMails = (await mailsTo('mac@reniec.gob.pe')).filter((m) => m.subject.includes(run.documents[1].reference));
    expect(entityMails).toHaveLength(1);
    expect(entityMails[0].attachments?.[0].fileName).toMatch(/^OFICIO_N_\d{3}-\d{4}-CMAC-LIMA-NORTE\.html$/);

    const doc = await stack.http.get(run.documents[1].url).set(coordinator);
    expect(doc.status).toBe(200);
    expect(doc.type).toBe('text/html');
    expect(doc.text).toContain('Felicitaciones al módulo 12.');
    expect((await stack.http.get(run.documents[1].url).set(stack.auth('coordinator', ['callao']))).status).toBe(403);

    const history = await stack.http.get(`/api/v1/runs/${encodeURIComponent(runId)}/history`).set(coordinator);
    expect(history.status).toBe(200);
    const timeline: { kind: string; actor: unknown }[] = history.body.timeline;
    expect(timeline.every((e) => e.actor)).toBe(true);
    expect(timeline.find((e) => e.kind === 'run_started')!.actor).toEqual({ sub: 'orientadora.lucia', role: 'orientador' });
    expect(timeline.find((e) => e.kind === 'task_completed')!.actor).toEqual({ sub: 'coordinadora.ana', role: 'coordinator' });
    expect(timeline.map((e) => e.kind)).toEqual(expect.arrayContaining(['document_generated', 'email_sent', 'task_opened', 'run_closed']));

    const indicators = await stack.http.get('/api/v1/indicators?centerId=lima-norte&code=PM1.4.1').set(coordinator);
    const pm141 = indicators.body.procedures[0];
    const shared = pm141.indicators.find((i: { id: string }) => i.id === 'congratulations_shared');
    expect(shared.value).toBeGreaterThanOrEqual(1);
  });

  test('when congratulations are registered in a period, then the PM1.4.1 indicators count exactly those runs', async () => {
    const stack2 = await startStack();
    try {
      const orientador = stack2.auth('orientador', ['piura']);
      const coordinator = stack2.auth('coordinator', ['piura']);
      const ids: string[] = [];
      for (const entityId of ['reniec', undefined, 'sunarp']) {
        const res = await stack2.http.post('/api/v1/procedures/PM1.4.1/runs').set(orientador).send(congratulationBody({ centerId: 'piura', entityId }));
        ids.push(res.body.runId);
      }
      // Attend two of the three: share the first, not the second; the third stays open.
      for (const [i, share] of [[0, true], [1, false]] as const) {
        const task = await eventually(async () => (await stack2.http.get(`/api/v1/tasks?runId=${encodeURIComponent(ids[i])}&status=open`).set(coordinator)).body.tasks?.[0], 'task');
        await stack2.http.post(`/api/v1/tasks/${encodeURIComponent(task.id)}/complete`).set(coordinator).send({ data: { shareWithEntity: share } }).expect(200);
        await eventually(async () => (await stack2.http.get(`/api/v1/runs/${encodeURIComponent(ids[i])}`).set(coordinator)).body.status === 'completed', 'run closed');
      }
      const today = limaDate(new Date());
      const res = await stack2.http.get(`/api/v1/indicators?centerId=piura&from=${today}&to=${today}&code=PM1.4.1`).set(coordinator);
      const byId = Object.fromEntries(res.body.procedures[0].indicators.map((i: { id: string }) => [i.id, i]));
      expect(byId.congratulations_count).toMatchObject({ value: 3, unit: 'count' });
      expect(byId.congratulations_received).toMatchObject({ numerator: 2, denominator: 3, value: 66.67, unit: 'percent' });
      expect(byId.congratulations_shared).toMatchObject({ value: 1 });
      // The runs behind the figures, and a link that lists exactly them (SSCS clicks through to the evidence).
      expect([...byId.congratulations_received.runs.ids].sort()).toEqual([...ids].sort());
      const behind = await stack2.http.get(byId.congratulations_received.runs.href).set(coordinator);
      expect(behind.status).toBe(200);
      expect(behind.body.runs.map((r: { runId: string }) => r.runId).sort()).toEqual([...ids].sort());
      const bad = await stack2.http.get('/api/v1/indicators?centerId=piura&from=2026-13-01').set(coordinator);
      expect(bad.status).toBe(400);
      expect(JSON.stringify(bad.body)).toContain('query.from');
      const yesterday = await stack2.http.get('/api/v1/indicators?centerId=piura&from=2020-01-01&to=2020-12-31&code=PM1.4.1').set(coordinator);
      expect(yesterday.body.procedures[0].runs).toBe(0);
    } finally {
      await stack2.close();
    }
  });
});

describe('completing tasks', () => {
  test('when a completion is sent with untrimmed text, then the workflow receives and keeps it as the API parsed it, and the history shows that', async () => {
    const start = await stack.http.post('/api/v1/procedures/PM1.4.1/runs').set(stack.auth('orientador', ['callao'])).send(congratulationBody({ centerId: 'callao', entityId: undefined }));
    const { runId } = start.body;
    const coordinator = stack.auth('coordinator', ['callao'], 'coordinador.callao');
    const task = await eventually(async () => (await stack.http.get(`/api/v1/tasks?runId=${encodeURIComponent(runId)}&status=open`).set(coordinator)).body.tasks?.[0], 'the coordinator task');

    const done = await stack.http.post(`/api/v1/tasks/${encodeURIComponent(task.id)}/complete`).set(coordinator).send({ data: { shareWithEntity: false, note: '   Acusado en el libro de felicitaciones.  ' } });
    expect(done.status).toBe(200);
    await eventually(async () => (await stack.http.get(`/api/v1/runs/${encodeURIComponent(runId)}`).set(coordinator)).body.status === 'completed', 'the run to complete');

    // The update in history carries the parsed data: a replay stores exactly what was accepted.
    const history = await stack.http.get(`/api/v1/runs/${encodeURIComponent(runId)}/history`).set(coordinator);
    const completion = history.body.timeline.find((e: { kind: string }) => e.kind === 'task_completed');
    expect(completion.details.data).toEqual({ shareWithEntity: false, note: 'Acusado en el libro de felicitaciones.' });
    // The same completion sent again is recognised as the one already applied.
    const again = await stack.http.post(`/api/v1/tasks/${encodeURIComponent(task.id)}/complete`).set(coordinator).send({ data: { shareWithEntity: false, note: 'Acusado en el libro de felicitaciones.' } });
    expect([again.status, again.body.completedAt]).toEqual([200, done.body.completedAt]);
  });
});

describe('catalog-driven procedures', () => {
  test('when PA1.1.5 Soporte técnico interno is requested by an orientador, then the TIC specialist gets the task and the indicator counts it', async () => {
    const start = await stack.http
      .post('/api/v1/procedures/PA1.1.5/runs')
      .set(stack.auth('orientador', ['ventanilla']))
      .send({ centerId: 'ventanilla', subject: 'Impresora del módulo 3 sin conexión' });
    expect(start.status).toBe(201);
    const { runId } = start.body;
    expect((await stack.http.get(`/api/v1/runs/${encodeURIComponent(runId)}`).set(stack.auth('supervisor', ['ventanilla']))).status).toBe(200);

    const tic = stack.auth('tic_specialist', ['ventanilla'], 'tic.ventanilla');
    const task = await eventually(async () => (await stack.http.get(`/api/v1/tasks?runId=${encodeURIComponent(runId)}&role=tic_specialist&status=open`).set(tic)).body.tasks?.[0], 'the TIC task');
    expect(task).toMatchObject({ type: 'procedure_step', title: 'Atender la solicitud de soporte técnico', role: 'tic_specialist' });
    expect(task.dataSchema.properties.outcome.enum).toEqual(['done', 'not_done']);

    const done = await stack.http.post(`/api/v1/tasks/${encodeURIComponent(task.id)}/complete`).set(tic).send({ data: { outcome: 'done', notes: 'Cable de red reemplazado' } });
    expect(done.status).toBe(200);
    await eventually(async () => (await stack.http.get(`/api/v1/runs/${encodeURIComponent(runId)}`).set(tic)).body.status === 'completed', 'the run to complete');

    const indicators = await stack.http.get('/api/v1/indicators?centerId=ventanilla&code=PA1.1.5').set(stack.auth('sscs', '*'));
    expect(indicators.body.procedures[0].indicators[0]).toMatchObject({ id: 'support_requests', numerator: 1, denominator: 1, value: 100, unit: 'percent' });
  });
});

describe('centers', () => {
  test('when SSCS lists centers, then the four seeded centers have the types of 2.1.4 and the Cuadro 01 check of their rosters: Callao is seeded one Orientador short', async () => {
    const res = await stack.http.get('/api/v1/centers').set(stack.auth('sscs', '*'));
    expect(res.status).toBe(200);
    const types = Object.fromEntries(res.body.centers.map((c: { id: string; type: string }) => [c.id, c.type]));
    expect(types).toEqual({ callao: 'C', 'lima-norte': 'C', piura: 'A', ventanilla: 'B' });
    const staffing = Object.fromEntries(res.body.centers.map((c: { id: string; staffing: { ok: boolean; missing: unknown[] } }) => [c.id, c.staffing.missing]));
    expect(staffing).toEqual({ callao: [{ role: 'orientador', missing: 1 }], 'lima-norte': [], piura: [], ventanilla: [] });
    const ln = res.body.centers.find((c: { id: string }) => c.id === 'lima-norte');
    expect(ln.adminEntity.name).toContain('PCM');
    expect(ln.participatingEntities.length).toBeGreaterThan(2);
  });

  test('when a coordinator sets which checklist items apply (2.2.2 "según aplique"), then a critical item or a tópico item in the list is a 400 naming it, another center is 403, and the center shows every item with whether it applies', async () => {
    const coord = stack.auth('coordinator', ['ventanilla']);
    const critical = await stack.http.put('/api/v1/centers/ventanilla/checklist').set(coord).send({ topico: false, notApplicable: ['sistema_citas', 'internet'] });
    expect(critical.status).toBe(400);
    expect(JSON.stringify(critical.body)).toContain('body.notApplicable.1');
    const topico = await stack.http.put('/api/v1/centers/ventanilla/checklist').set(coord).send({ topico: false, notApplicable: ['botiquin'] });
    expect(topico.status).toBe(400);
    expect(JSON.stringify(topico.body)).toContain('topico');
    expect((await stack.http.put('/api/v1/centers/callao/checklist').set(coord).send({ topico: true })).status).toBe(403);
    const ok = await stack.http.put('/api/v1/centers/ventanilla/checklist').set(coord).send({ topico: false, notApplicable: ['comedor', 'sistema_citas'] });
    expect(ok.status).toBe(200);
    expect(ok.body.checklist).toMatchObject({ configured: true, topico: false, notApplicable: ['botiquin', 'silla_ruedas_topico', 'comedor', 'sistema_citas'] });
    const center = await stack.http.get('/api/v1/centers/ventanilla').set(coord);
    const applies = Object.fromEntries(center.body.checklist.items.map((i: { id: string; applies: boolean }) => [i.id, i.applies]));
    expect(applies).toMatchObject({ botiquin: false, silla_ruedas_topico: false, sillas_ruedas_recepcion: true, comedor: false, sistema_citas: false, internet: true });
    const unset = await stack.http.get('/api/v1/centers/piura').set(stack.auth('sscs', '*'));
    expect(unset.body.checklist).toMatchObject({ configured: false, topico: null, notApplicable: [] });
  });
});

describe('business calendar', () => {
  test('when 30 business days are counted from 4 December 2026, then 8, 9 and 25 December, 1 January and weekends are skipped', async () => {
    const res = await stack.http.get('/api/v1/calendar/business-days?from=2026-12-04&days=30').set(stack.auth('supervisor', ['lima-norte']));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ from: '2026-12-04', days: 30, date: '2027-01-21' });
    expect(res.body.skipped.filter((s: { kind: string }) => s.kind === 'holiday').map((s: { date: string }) => s.date)).toEqual(['2026-12-08', '2026-12-09', '2026-12-25', '2027-01-01']);
  });

  test('when SSCS decrees a non-working day, then it is skipped from then on; other roles and weekends are refused', async () => {
    const sscs = stack.auth('sscs', '*');
    const supervisor = stack.auth('supervisor', ['lima-norte']);
    expect((await stack.http.post('/api/v1/calendar/non-working-days').set(supervisor).send({ date: '2026-12-24', reason: 'x' })).status).toBe(403);
    expect((await stack.http.post('/api/v1/calendar/non-working-days').set(sscs).send({ date: '2026-12-26', reason: 'Sábado' })).status).toBe(409);
    const bad = await stack.http.post('/api/v1/calendar/non-working-days').set(sscs).send({ date: '2026-02-30', reason: 'No existe' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details[0].path).toBe('body.date');

    const add = await stack.http.post('/api/v1/calendar/non-working-days').set(sscs).send({ date: '2026-12-24', reason: 'Día no laborable para el sector público (decreto supremo)' });
    expect(add.status).toBe(201);
    const again = await stack.http.post('/api/v1/calendar/non-working-days').set(sscs).send({ date: '2026-12-24', reason: 'otra vez' });
    expect(again.status).toBe(200);
    const res = await stack.http.get('/api/v1/calendar/business-days?from=2026-12-04&days=30').set(supervisor);
    expect(res.body.date).toBe('2027-01-22');
    expect(res.body.skipped).toEqual(expect.arrayContaining([{ date: '2026-12-24', kind: 'decreed', reason: 'Día no laborable para el sector público (decreto supremo)' }]));
  });

  test('when the query is not a date, then 400 names the field', async () => {
    const res = await stack.http.get('/api/v1/calendar/business-days?from=24-12-2026&days=abc').set(stack.auth('supervisor', ['lima-norte']));
    expect(res.status).toBe(400);
    expect(res.body.error.details.map((d: { path: string }) => d.path).sort()).toEqual(['query.days', 'query.from']);
  });
});
