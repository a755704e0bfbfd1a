/**
 * The staff's web pages over HTTP (issue 12), on the whole engine: a page without a session sends
 * to sign-in; a POST without its CSRF token is refused and changes nothing; a coordinator of Callao
 * cannot open (or complete) a Lima Norte task by URL; every form refuses invalid input naming the
 * field; an API bearer token is not a session; the API's bearer tokens keep working.
 */
import { signToken } from '../../src/api/auth';
import { eventually, JWT_SECRET, startStack, type Stack } from '../helpers/stack';
import { csrfOf, ensureDemoUsers, signIn, webAgent } from '../helpers/web';
import { startOpeningToday } from '../helpers/opening';

let stack: Stack;
const started: string[] = [];

beforeAll(async () => {
  stack = await startStack();
  await ensureDemoUsers(stack);
});

afterAll(async () => {
  for (const id of started) await stack.client.workflow.getHandle(id).terminate('test over').catch(() => undefined);
  await stack?.close();
});

/** Today's opening of Lima Norte with its verification due at once; returns the verification task. */
async function limaNorteVerification(): Promise<{ id: string; runId: string }> {
  const runId = await startOpeningToday(stack, 'lima-norte');
  started.push(runId);
  const task = await eventually(async () => (await stack.models.Task.findOne({ runId, type: 'verify_opening', status: 'open' }).lean()) ?? undefined, 'the verification task');
  return { id: task._id, runId };
}

let verification: { id: string; runId: string };

beforeAll(async () => {
  verification = await limaNorteVerification();
});

const taskUrl = (id: string) => `/app/tareas/${encodeURIComponent(id)}`;

describe('sessions', () => {
  test.each(['/app', '/app/procedimientos', '/app/ejecuciones', '/app/indicadores'])('%s without a session redirects to sign-in and back', async (path) => {
    const res = await webAgent(stack).get(path);
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe(`/app/ingresar?next=${encodeURIComponent(path)}`);
  });

  test('a task page without a session redirects to sign-in with the task as the way back', async () => {
    const res = await webAgent(stack).get(taskUrl(verification.id));
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe(`/app/ingresar?next=${encodeURIComponent(taskUrl(verification.id))}`);
  });

  test('the session cookie is HttpOnly and SameSite, and the pages carry the API identity', async () => {
    const agent = webAgent(stack);
    const _csrf = await csrfOf(agent, '/app/ingresar');
    const res = await agent.post('/app/ingresar').type('form').send({ _csrf, username: 'coordinador.callao', password: 'mac-demo-2026', next: '/app/ejecuciones' });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/app/ejecuciones');
    const cookie = (res.headers['set-cookie'] as unknown as string[]).find((c) => c.startsWith('mac_session='))!;
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    const inbox = await agent.get('/app');
    expect(inbox.status).toBe(200);
    expect(inbox.text).toContain('Bandeja de tareas');
  });

  test('a wrong password is refused naming the field, and says nothing about which part was wrong', async () => {
    const agent = webAgent(stack);
    const _csrf = await csrfOf(agent, '/app/ingresar');
    const wrong = await agent.post('/app/ingresar').type('form').send({ _csrf, username: 'coordinador.callao', password: 'nope' });
    const nobody = await agent.post('/app/ingresar').type('form').send({ _csrf, username: 'nadie', password: 'nope' });
    expect([wrong.status, nobody.status]).toEqual([400, 400]);
    expect(wrong.text).toContain('id="password-error"');
    expect(wrong.text).toContain('Usuario o contraseña incorrectos');
    expect(nobody.text).toContain('Usuario o contraseña incorrectos');
    const empty = await agent.post('/app/ingresar').type('form').send({ _csrf, username: 'coordinador.callao', password: '' });
    expect(empty.status).toBe(400);
    expect(empty.text).toContain('id="password-error"');
  });

  test("a token the institution signed with the API's secret signs in; a bad one is refused naming the field", async () => {
    const agent = webAgent(stack);
    const _csrf = await csrfOf(agent, '/app/ingresar');
    const bad = await agent.post('/app/ingresar/token').type('form').send({ _csrf, token: 'not-a-token' });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('id="token-error"');
    const foreign = signToken('another-secret-that-is-long-enough-0123456789', { sub: 'x', role: 'sscs', centers: '*' });
    expect((await agent.post('/app/ingresar/token').type('form').send({ _csrf, token: foreign })).status).toBe(400);
    const token = signToken(JWT_SECRET, { sub: 'ana.idp', role: 'coordinator', centers: ['callao'] });
    const good = await agent.post('/app/ingresar/token').type('form').send({ _csrf, token, next: '/app/ejecuciones' });
    expect(good.status).toBe(303);
    expect(good.headers.location).toBe('/app/ejecuciones');
    const page = await agent.get('/app');
    expect(page.status).toBe(200);
    expect(page.text).toContain('ana.idp');
  });

  test('a page that does not exist is a page in Spanish, not JSON', async () => {
    const agent = await signIn(stack, 'coordinador.callao');
    const res = await agent.get('/app/no-existe');
    expect(res.status).toBe(404);
    expect(res.headers['content-type']).toMatch(/text\/html/);
    expect(res.text).toContain('No encontrado');
    expect((await webAgent(stack).get('/reclamos/no-existe')).status).toBe(404);
    // The API's own 404 stays JSON.
    expect((await stack.http.get('/api/v1/no-existe')).body.error.code).toBe('not_found');
  });

  test('an API bearer token set as the cookie is not a session', async () => {
    const token = signToken(JWT_SECRET, { sub: 'coord-ln', role: 'coordinator', centers: ['lima-norte'] });
    const res = await webAgent(stack).get('/app').set('Cookie', `mac_session=${token}`);
    expect(res.status).toBe(303);
    expect(res.headers.location).toMatch(/^\/app\/ingresar/);
  });

  test('the API bearer tokens keep working beside the pages', async () => {
    const res = await stack.http.get('/api/v1/tasks?centerId=lima-norte').set(stack.auth('coordinator', ['lima-norte']));
    expect(res.status).toBe(200);
    expect(res.body.tasks.map((t: { id: string }) => t.id)).toContain(verification.id);
  });
});

describe('the inbox', () => {
  test('open tasks come overdue first (the most recently due first), then by due date, 20 per page, filtered by procedure', async () => {
    // 45 open tasks of a supervisor in Piura, as the runs' read model records them: 15 overdue, 30 not yet due.
    const now = Date.now();
    const hour = 3_600_000;
    const docs = Array.from({ length: 45 }, (_, i) => ({
      _id: `inbox-test-${String(i).padStart(2, '0')}`,
      runId: `PA3.1.5-piura-inbox-${i}`,
      code: i % 3 === 0 ? 'PA3.1.5' : 'PA3.1.3',
      centerId: 'piura',
      type: 'procedure_step',
      title: `Paso ${String(i).padStart(2, '0')}`,
      role: 'supervisor',
      status: 'open',
      createdAt: new Date(now - 100 * hour),
      // i < 15: overdue by 15−i hours; then due in i−14 hours.
      dueAt: new Date(i < 15 ? now - (15 - i) * hour : now + (i - 14) * hour),
    }));
    await stack.models.Task.insertMany(docs);
    const agent = await signIn(stack, 'supervisor.piura');
    const titles = (html: string) => [...html.matchAll(/<strong>(Paso \d\d)<\/strong>/g)].map((m) => m[1]);
    const first = await agent.get('/app?centerId=piura');
    expect(first.text).toContain('45 tarea(s) · página 1 de 3');
    const page1 = titles(first.text);
    // Overdue, the most recently due first: Paso 14 (1 h late) … Paso 00 (15 h late); then Paso 15, 16 … by due date.
    expect(page1).toEqual([...Array.from({ length: 15 }, (_, k) => `Paso ${String(14 - k).padStart(2, '0')}`), 'Paso 15', 'Paso 16', 'Paso 17', 'Paso 18', 'Paso 19']);
    expect((first.text.match(/class="task overdue"/g) ?? []).length).toBe(15);
    const page2 = titles((await agent.get('/app?centerId=piura&status=open&page=2')).text);
    expect(page2).toEqual(Array.from({ length: 20 }, (_, k) => `Paso ${String(20 + k)}`));
    const page3 = titles((await agent.get('/app?centerId=piura&status=open&page=3')).text);
    expect(page3).toEqual(['Paso 40', 'Paso 41', 'Paso 42', 'Paso 43', 'Paso 44']);
    // htmx asks for the list alone when a filter changes: no layout around it.
    const filtered = await agent.get('/app?centerId=piura&code=PA3.1.5').set('HX-Request', 'true').set('HX-Target', 'inbox');
    expect(filtered.text).not.toContain('<html');
    expect(filtered.text).toContain('15 tarea(s)');
    expect(titles(filtered.text).every((t) => Number(t.slice(5)) % 3 === 0)).toBe(true);
  });
});

describe('CSRF', () => {
  test('sign-in without the token is refused', async () => {
    const agent = webAgent(stack);
    await agent.get('/app/ingresar');
    const res = await agent.post('/app/ingresar').type('form').send({ username: 'coordinador.callao', password: 'mac-demo-2026' });
    expect(res.status).toBe(403);
    expect(res.headers['set-cookie'] ?? []).not.toEqual(expect.arrayContaining([expect.stringMatching(/^mac_session=/)]));
  });

  test("a task completed without the token is refused and the task stays open; another session's token does not do either", async () => {
    const agent = await signIn(stack, 'coordinador.lima-norte');
    const res = await agent.post(taskUrl(verification.id)).type('form').send({ securityAgents: '2' });
    expect(res.status).toBe(403);
    expect(res.text).toContain('CSRF');
    const other = await signIn(stack, 'supervisor.lima-norte');
    const foreign = await csrfOf(other, '/app');
    const res2 = await agent.post(taskUrl(verification.id)).type('form').send({ _csrf: foreign, securityAgents: '2' });
    expect(res2.status).toBe(403);
    expect((await stack.models.Task.findById(verification.id).lean())!.status).toBe('open');
  });

  test('starting a procedure without the token starts nothing', async () => {
    const agent = await signIn(stack, 'orientador.callao');
    const before = await stack.models.Run.countDocuments({ code: 'P2.2.4' });
    const res = await agent.post('/app/procedimientos/P2.2.4').type('form').send({ centerId: 'callao', description: 'x' });
    expect(res.status).toBe(403);
    expect(await stack.models.Run.countDocuments({ code: 'P2.2.4' })).toBe(before);
  });
});

describe('centers and roles by URL', () => {
  test('a coordinator of Callao cannot open a Lima Norte task, nor complete it', async () => {
    const agent = await signIn(stack, 'coordinador.callao');
    const page = await agent.get(taskUrl(verification.id));
    expect(page.status).toBe(403);
    expect(page.text).toContain('lima-norte');
    expect(page.text).not.toContain('name="items.internet.status"');
    const _csrf = await csrfOf(agent, '/app');
    const post = await agent.post(taskUrl(verification.id)).type('form').send({ _csrf, securityAgents: '2' });
    expect(post.status).toBe(403);
    expect((await stack.models.Task.findById(verification.id).lean())!.status).toBe('open');
  });

  test("a coordinator of Callao cannot open a Lima Norte run or its documents, and Lima Norte's tasks are not in their inbox", async () => {
    const agent = await signIn(stack, 'coordinador.callao');
    expect((await agent.get(`/app/ejecuciones/${encodeURIComponent(verification.runId)}`)).status).toBe(403);
    expect((await agent.get(`/app/ejecuciones/${encodeURIComponent(verification.runId)}/historial`)).status).toBe(403);
    const inbox = await agent.get('/app?centerId=lima-norte');
    expect(inbox.status).toBe(200);
    expect(inbox.text).not.toContain(encodeURIComponent(verification.id));
  });

  test("an entity's contact cannot open the center's verification", async () => {
    const agent = await signIn(stack, 'reniec.lima-norte');
    expect((await agent.get(taskUrl(verification.id))).status).toBe(403);
  });
});

describe('forms refuse invalid input naming the field', () => {
  test('the verification form: a missing item and a missing observation are named next to their fields; nothing is completed', async () => {
    const agent = await signIn(stack, 'coordinador.lima-norte');
    const page = await agent.get(taskUrl(verification.id));
    expect(page.status).toBe(200);
    // Generated from the schema: the zones as groups, the status as radios, the agents as a number.
    expect(page.text).toContain('<legend>Zona de Recepción</legend>');
    expect(page.text).toMatch(/<input type="radio" name="items.internet.status" value="ok"/);
    expect(page.text).toMatch(/<input type="number"[^>]*name="securityAgents"/);
    const _csrf = /name="_csrf" value="([^"]+)"/.exec(page.text)![1];
    const res = await agent.post(taskUrl(verification.id)).type('form').send({ _csrf, 'items.energia_electrica.status': 'missing', securityAgents: 'dos' });
    expect(res.status).toBe(400);
    expect(res.text).toContain('id="f-items-energia_electrica-observation-error"');
    expect(res.text).toContain('id="f-items-internet-error"');
    expect(res.text).toContain('id="f-securityAgents-error"');
    // What was entered comes back.
    expect(res.text).toMatch(/name="items.energia_electrica.status" value="missing" checked/);
    expect((await stack.models.Task.findById(verification.id).lean())!.status).toBe('open');
  });

  test('the start form of a procedure: a wrong choice is named, and no run starts', async () => {
    const agent = await signIn(stack, 'orientador.callao');
    const form = await agent.get('/app/procedimientos/P2.2.4');
    expect(form.status).toBe(200);
    expect(form.text).toMatch(/name="severity"/);
    const _csrf = /name="_csrf" value="([^"]+)"/.exec(form.text)![1];
    const before = await stack.models.Run.countDocuments({ code: 'P2.2.4' });
    const res = await agent.post('/app/procedimientos/P2.2.4').type('form').send({ _csrf, centerId: 'callao', severity: 'medium', place: 'Zona de Atención', description: 'Un ciudadano levantó la voz.' });
    expect(res.status).toBe(400);
    expect(res.text).toContain('id="f-severity-error"');
    expect(res.text).toContain('id="f-occurredAt-error"');
    expect(await stack.models.Run.countDocuments({ code: 'P2.2.4' })).toBe(before);
  });

  test('the start form of a procedure: a field holding the NUL character is named, and no run starts', async () => {
    const agent = await signIn(stack, 'orientador.callao');
    const form = await agent.get('/app/procedimientos/PA1.1.5');
    const _csrf = /name="_csrf" value="([^"]+)"/.exec(form.text)![1];
    const before = await stack.models.Run.countDocuments({ code: 'PA1.1.5' });
    const res = await agent.post('/app/procedimientos/PA1.1.5').type('form').send({ _csrf, centerId: 'callao', subject: 'Impresora\u0000 sin conexión' });
    expect(res.status).toBe(400);
    expect(res.text).toContain('id="f-subject-error"');
    expect(res.text).toContain('carácter nulo');
    expect(await stack.models.Run.countDocuments({ code: 'PA1.1.5' })).toBe(before);
  });

  test('a center the person does not hold is refused by the start form', async () => {
    const agent = await signIn(stack, 'orientador.callao');
    const _csrf = await csrfOf(agent, '/app/procedimientos/P2.2.4');
    const res = await agent.post('/app/procedimientos/P2.2.4').type('form').send({
      _csrf,
      centerId: 'lima-norte',
      occurredAt: '2026-11-20T10:00',
      severity: 'minor',
      place: 'Zona de Atención',
      description: 'Un ciudadano levantó la voz.',
      'involved.0.kind': 'citizen',
    });
    expect(res.status).toBe(403);
  });
});
