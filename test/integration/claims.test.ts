/**
 * PM1.4.2 Atención de reclamos through the HTTP API on the real stack: staff and public intake,
 * tracking, the claims view, answers, indicators and decreed days (DESIGN §5, §6).
 */
import { WorkflowIdReusePolicy } from '@temporalio/common';
import { BusinessCalendar, limaDate } from '../../src/calendar/businessCalendar';
import { eventually, mailsTo, startStack, type Stack } from '../helpers/stack';
import { uniqueId } from '../helpers/infra';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ publicRateLimit: 1000 });
});
afterAll(async () => {
  await stack?.close();
});

function claimBody(overrides: Record<string, unknown> = {}) {
  return {
    centerId: 'callao',
    citizen: { name: 'María Huamán', documentType: 'DNI', documentNumber: String(40000000 + Math.floor(Math.random() * 9999999)), email: `${uniqueId('maria')}@ciudadano.pe` },
    entityId: 'sunarp',
    description: 'Me cobraron dos veces la tasa del certificado <script>alert(1)</script>',
    request: 'Devolución del cobro duplicado',
    ...overrides,
  };
}

const enc = encodeURIComponent;

describe('registering claims', () => {
  test('when a claim is invalid, then 400 names the fields and nothing is registered', async () => {
    const res = await stack.http
      .post('/api/v1/procedures/PM1.4.2/runs')
      .set(stack.auth('orientador', ['callao']))
      .send({ centerId: 'callao', citizen: { name: 'M', documentType: 'LIBRETA', documentNumber: '12', email: 'x' }, description: '' });
    expect(res.status).toBe(400);
    expect(res.body.error.details.map((d: { path: string }) => d.path)).toEqual(
      expect.arrayContaining(['body.citizen.name', 'body.citizen.documentType', 'body.citizen.documentNumber', 'body.citizen.email', 'body.description', 'body.request']),
    );
    const publicRes = await stack.http.post('/api/v1/public/claims').send({ centerId: 'callao' });
    expect(publicRes.status).toBe(400);
    expect(await stack.models.Claim.countDocuments()).toBe(0);
    expect(await stack.models.SequenceClaim.countDocuments({ scope: /^run:PM1\.4\.2/ })).toBe(0);
  });

  test('when a citizen files a claim on the public route, then it gets a Hoja de reclamación number, a constancia by email, and can follow it only with its document number', async () => {
    const body = claimBody();
    const res = await stack.http.post('/api/v1/public/claims').send(body);
    expect(res.status).toBe(201);
    const number: string = res.body.number;
    expect(number).toMatch(/^HR-callao-\d{4}-\d{5}$/);

    const mail = await eventually(async () => (await mailsTo(body.citizen.email))[0], 'the constancia email');
    expect(mail.subject).toContain(`Hoja de reclamación N° ${number}`);
    expect(mail.html).not.toContain('<script>');
    expect(mail.html).toContain('&lt;script&gt;');
    expect(mail.attachments?.[0].fileName).toMatch(/^CONSTANCIA_DE_RECLAMO_N_\d{3}-\d{4}-CMAC-CALLAO\.html$/);

    const registeredOn = limaDate(new Date(res.body.registeredAt));
    const expectedDue = new BusinessCalendar().addBusinessDays(registeredOn, 30);
    const tracked = await eventually(async () => {
      const r = await stack.http.get(`/api/v1/public/claims/${enc(number)}?documentNumber=${body.citizen.documentNumber}`);
      return r.status === 200 ? r : undefined;
    }, 'the claim to be trackable');
    expect(tracked.body).toMatchObject({ number, status: 'open', dueDate: expectedDue, overdue: false, answer: null });
    expect(Object.keys(tracked.body).sort()).toEqual(['answer', 'closedAt', 'dueDate', 'number', 'overdue', 'registeredAt', 'status']);

    const wrongDocument = await stack.http.get(`/api/v1/public/claims/${enc(number)}?documentNumber=99999999`);
    const unknownNumber = await stack.http.get(`/api/v1/public/claims/HR-callao-2026-99999?documentNumber=${body.citizen.documentNumber}`);
    expect(wrongDocument.status).toBe(404);
    expect(unknownNumber.status).toBe(404);
    expect(wrongDocument.body).toEqual(unknownNumber.body);

    // The constancia, as staff read it.
    const run = await stack.http.get(`/api/v1/runs/${enc(number)}`).set(stack.auth('supervisor', ['callao']));
    expect(run.body.startedBy).toEqual({ sub: 'ciudadano', role: 'citizen' });
    expect(run.body.term).toMatchObject({ dueDate: expectedDue, overdue: false, businessDaysLeft: 30, changes: [] });
    const doc = await stack.http.get(run.body.documents[0].url).set(stack.auth('supervisor', ['callao']));
    expect(doc.text).toContain('Libro de Reclamaciones');
    expect(doc.text).toContain('D.S. N° 007-2020-PCM');
    expect(doc.text).toContain(number);
    expect(doc.text).toContain('&lt;script&gt;');
  });

  test('when the same Idempotency-Key is sent twice, then one claim exists', async () => {
    const body = claimBody();
    const first = await stack.http.post('/api/v1/public/claims').set('Idempotency-Key', 'hoja-123').send(body);
    const second = await stack.http.post('/api/v1/public/claims').set('Idempotency-Key', 'hoja-123').send(body);
    expect([first.status, second.status]).toEqual([201, 200]);
    expect(second.body.number).toBe(first.body.number);
    await eventually(async () => (await mailsTo(body.citizen.email)).length === 1, 'one constancia');
    expect(await stack.models.Claim.countDocuments({ 'citizen.email': body.citizen.email })).toBe(1);
  });

  test("when two citizens happen to send the same Idempotency-Key, then each gets their own claim (keys are scoped per citizen)", async () => {
    const a = claimBody();
    const b = claimBody();
    const first = await stack.http.post('/api/v1/public/claims').set('Idempotency-Key', 'mi-reclamo').send(a);
    const second = await stack.http.post('/api/v1/public/claims').set('Idempotency-Key', 'mi-reclamo').send(b);
    expect([first.status, second.status]).toEqual([201, 201]);
    expect(second.body.number).not.toBe(first.body.number);
    // And the first citizen's retry still finds the first claim.
    const retry = await stack.http.post('/api/v1/public/claims').set('Idempotency-Key', 'mi-reclamo').send(a);
    expect([retry.status, retry.body.number]).toEqual([200, first.body.number]);
  });

  test('when a claim number is somehow issued twice, then the second claim cannot start a second workflow', async () => {
    const first = await stack.http.post('/api/v1/procedures/PM1.4.2/runs').set(stack.auth('orientador', ['ventanilla'])).send(claimBody({ centerId: 'ventanilla', entityId: undefined }));
    expect(first.status).toBe(201);
    // The next number is already a workflow's id, as if another numbering had issued it: the
    // sequence hands it out, and the start is refused rather than a second run made under it.
    const next = first.body.runId.replace(/\d+$/, (n: string) => String(Number(n) + 1).padStart(n.length, '0'));
    const squatter = await stack.client.workflow.start('squatter', { taskQueue: 'nobody-polls-this', workflowId: next });
    try {
      const clash = await stack.http.post('/api/v1/procedures/PM1.4.2/runs').set(stack.auth('orientador', ['ventanilla'])).send(claimBody({ centerId: 'ventanilla', entityId: undefined }));
      expect(clash.status).toBe(409);
      expect(clash.body.error.code).toBe('run_exists');
      expect(clash.body.error.message).toContain(next);
    } finally {
      await squatter.terminate('test over');
    }
    await expect(
      stack.client.workflow.start('claimWorkflow', { taskQueue: stack.taskQueue, workflowId: first.body.runId, workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE, args: [{}] }),
    ).rejects.toThrow(/already started/i);
  });
});

describe('claims that end without an answer', () => {
  test('when a claim run is terminated, then the Libro de Reclamaciones closes it saying how and why, it is never overdue, and the citizen sees it closed without the reason', async () => {
    const body = claimBody({ centerId: 'piura', entityId: undefined });
    const res = await stack.http.post('/api/v1/public/claims').send(body);
    expect(res.status).toBe(201);
    const number: string = res.body.number;
    await eventually(async () => (await stack.models.Claim.findById(number).lean())?.status === 'open', 'the claim entry');
    await stack.client.workflow.getHandle(number).terminate('Registrado por error: duplica la Hoja anterior');

    const sscs = stack.auth('sscs', '*');
    // The run's page repairs the record of a run closed behind its back (the reconciliation would too).
    const run = await eventually(async () => {
      const r = await stack.http.get(`/api/v1/runs/${enc(number)}`).set(sscs);
      return r.body.status === 'terminated' ? r.body : undefined;
    }, 'the run to say terminated');
    expect(run.closeReason).toContain('Registrado por error');

    const list = await stack.http.get('/api/v1/claims?centerId=piura&status=closed').set(sscs);
    expect(list.status).toBe(200);
    expect(list.body.claims).toEqual([
      expect.objectContaining({ number, status: 'closed', closedAs: 'terminated', closedAt: expect.any(String), closeReason: expect.stringContaining('Registrado por error'), overdue: false, businessDaysLeft: null }),
    ]);
    const open = await stack.http.get('/api/v1/claims?centerId=piura&status=open').set(sscs);
    expect(open.body.claims.map((c: { number: string }) => c.number)).not.toContain(number);
    const notOverdue = await stack.http.get('/api/v1/claims?centerId=piura&overdue=false').set(sscs);
    expect(notOverdue.body.claims.map((c: { number: string }) => c.number)).toContain(number);

    const tracked = await stack.http.get(`/api/v1/public/claims/${enc(number)}?documentNumber=${body.citizen.documentNumber}`);
    expect(tracked.status).toBe(200);
    expect(tracked.body).toMatchObject({ number, status: 'closed', closedAt: expect.any(String), overdue: false, answer: null });
    expect(JSON.stringify(tracked.body)).not.toContain('Registrado por error');
  });
});

describe('answering claims', () => {
  test('when the entity proposes and the supervisor approves, then the citizen gets the answer, tracking shows it and the indicators count it', async () => {
    const stack2 = await startStack();
    try {
      const staff = stack2.auth('orientador', ['piura']);
      const bodies = [claimBody({ centerId: 'piura', entityId: 'sunat' }), claimBody({ centerId: 'piura', entityId: undefined }), claimBody({ centerId: 'piura', entityId: undefined })];
      const numbers: string[] = [];
      for (const b of bodies) numbers.push((await stack2.http.post('/api/v1/procedures/PM1.4.2/runs').set(staff).send(b)).body.runId);

      const sunat = stack2.auth('participant_entity', ['piura'], 'sunat.piura', 'sunat');
      const reniec = stack2.auth('participant_entity', ['piura'], 'reniec.piura', 'reniec');
      const supervisor = stack2.auth('supervisor', ['piura'], 'supervisora.piura');
      const taskOf = (number: string, type: string) =>
        eventually(async () => (await stack2.http.get(`/api/v1/tasks?runId=${enc(number)}&status=open`).set(supervisor)).body.tasks?.find((t: { type: string }) => t.type === type), type);

      // 1: SUNAT investigates (participant_entity), the supervisor approves: accepted.
      const inv = await taskOf(numbers[0], 'investigate_claim');
      expect(inv.role).toBe('participant_entity');
      expect(inv.dataSchema.required).toEqual(expect.arrayContaining(['findings', 'decision', 'answer']));
      // Another entity's contact in the same center neither sees nor completes SUNAT's task.
      expect((await stack2.http.get('/api/v1/tasks?centerId=piura&status=open').set(reniec)).body.tasks.map((t: { id: string }) => t.id)).not.toContain(inv.id);
      expect((await stack2.http.get('/api/v1/tasks?centerId=piura&status=open').set(sunat)).body.tasks.map((t: { id: string }) => t.id)).toContain(inv.id);
      const foreign = await stack2.http.post(`/api/v1/tasks/${enc(inv.id)}/complete`).set(reniec).send({ data: { findings: 'x', decision: 'rejected', answer: 'No corresponde.' } });
      expect(foreign.status).toBe(403);
      // Nor reads the claim about SUNAT (a citizen's data), its documents, or the Libro de Reclamaciones.
      expect((await stack2.http.get(`/api/v1/runs/${enc(numbers[0])}`).set(reniec)).status).toBe(403);
      expect((await stack2.http.get(`/api/v1/runs/${enc(numbers[0])}`).set(sunat)).status).toBe(200);
      expect((await stack2.http.get('/api/v1/runs?centerId=piura').set(sunat)).body.runs.map((r: { runId: string }) => r.runId)).toEqual([numbers[0]]);
      expect((await stack2.http.get('/api/v1/runs?centerId=piura').set(reniec)).body.runs).toEqual([]);
      const constancia = (await stack2.http.get(`/api/v1/runs/${enc(numbers[0])}`).set(supervisor)).body.documents[0];
      expect((await stack2.http.get(constancia.url).set(reniec)).status).toBe(403);
      expect((await stack2.http.get(constancia.url).set(sunat)).status).toBe(200);
      expect((await stack2.http.get('/api/v1/claims?centerId=piura').set(sunat)).status).toBe(403);
      expect((await stack2.http.post(`/api/v1/tasks/${enc(inv.id)}/complete`).set(sunat).send({ data: { findings: 'Cobro duplicado confirmado', decision: 'accepted', answer: 'Se devolverá el monto en 5 días.' } })).status).toBe(200);
      const review = await taskOf(numbers[0], 'review_claim_answer');
      const noObs = await stack2.http.post(`/api/v1/tasks/${enc(review.id)}/complete`).set(supervisor).send({ data: { verdict: 'return' } });
      expect(noObs.status).toBe(400);
      expect(noObs.body.error.details[0].path).toBe('data.observations');
      expect((await stack2.http.post(`/api/v1/tasks/${enc(review.id)}/complete`).set(supervisor).send({ data: { verdict: 'approve' } })).status).toBe(200);
      // 2: the supervisor investigates and approves: rejected.
      const inv2 = await taskOf(numbers[1], 'investigate_claim');
      expect(inv2.role).toBe('supervisor');
      await stack2.http.post(`/api/v1/tasks/${enc(inv2.id)}/complete`).set(supervisor).send({ data: { findings: 'Cobro único', decision: 'rejected', answer: 'No hubo cobro duplicado.' } }).expect(200);
      await stack2.http.post(`/api/v1/tasks/${enc((await taskOf(numbers[1], 'review_claim_answer')).id)}/complete`).set(supervisor).send({ data: { verdict: 'approve' } }).expect(200);
      // 3 stays open.

      const answer = await eventually(async () => (await mailsTo(bodies[0].citizen.email)).find((m) => m.subject.startsWith('Respuesta a su reclamo')), 'the answer email');
      expect(answer.html).toContain('FUNDADO');
      const tracked = await eventually(async () => {
        const r = await stack2.http.get(`/api/v1/public/claims/${enc(numbers[0])}?documentNumber=${bodies[0].citizen.documentNumber}`);
        return r.body.status === 'answered' ? r.body : undefined;
      }, 'the answer on tracking');
      expect(tracked.answer).toMatchObject({ decision: 'accepted', text: 'Se devolverá el monto en 5 días.', inTerm: true });

      const list = await stack2.http.get('/api/v1/claims?centerId=piura').set(supervisor);
      expect(list.body.claims).toHaveLength(3);
      const open = list.body.claims.find((c: { number: string }) => c.number === numbers[2]);
      expect(open).toMatchObject({ status: 'open', overdue: false, businessDaysLeft: 30, businessDaysOverdue: null });
      expect((await stack2.http.get('/api/v1/claims?centerId=piura&overdue=true').set(supervisor)).body.claims).toHaveLength(0);
      expect((await stack2.http.get('/api/v1/claims?centerId=lima-norte').set(supervisor)).status).toBe(403);

      await eventually(async () => (await stack2.http.get(`/api/v1/runs/${enc(numbers[1])}`).set(supervisor)).body.status === 'completed', 'second run closed');
      const ind = await stack2.http.get('/api/v1/indicators?centerId=piura').set(supervisor);
      const byCode = Object.fromEntries(ind.body.procedures.map((p: { code: string; indicators: { id: string }[] }) => [p.code, Object.fromEntries(p.indicators.map((i) => [i.id, i]))]));
      expect(byCode['PM1.4.2'].claims_registered).toMatchObject({ value: 3 });
      expect(byCode['PM1.4.2'].claims_in_term).toMatchObject({ numerator: 2, denominator: 2, value: 100 });
      expect(byCode['PM1.4.2'].claims_accepted).toMatchObject({ numerator: 1, denominator: 2, value: 50 });
      expect(byCode['PM1.4.2'].claims_rejected).toMatchObject({ numerator: 1, denominator: 2, value: 50 });
      expect(byCode['PM1.3.2'].claims_timely).toMatchObject({ numerator: 2, denominator: 2, value: 100 });

      // A decreed day inside the open claim's term moves it by one business day.
      const before = open.dueDate as string;
      const calendar = new BusinessCalendar();
      const decreed = calendar.addBusinessDays(limaDate(new Date()), 5);
      const add = await stack2.http.post('/api/v1/calendar/non-working-days').set(stack2.auth('sscs', '*')).send({ date: decreed, reason: 'Día no laborable para el sector público (prueba)' });
      expect(add.status).toBe(201);
      expect(add.body.announcement).toMatchObject({ workflowId: `decreto-${decreed}` });
      const announced = await eventually(async () => {
        const day = (await stack2.http.get('/api/v1/calendar/non-working-days').set(supervisor)).body.days.find((d: { date: string }) => d.date === decreed);
        return day?.announcement.status === 'done' ? day.announcement : undefined;
      }, 'the decree to reach the open claims');
      expect(announced).toMatchObject({ reached: 1, skipped: 0, total: 1 });
      const moved = await eventually(async () => {
        const c = (await stack2.http.get('/api/v1/claims?centerId=piura&status=open').set(supervisor)).body.claims[0];
        return c.dueDate !== before ? c : undefined;
      }, 'the due date to move');
      expect(moved.dueDate).toBe(calendar.addBusinessDays(before, 1));
      const history = await stack2.http.get(`/api/v1/runs/${enc(numbers[2])}/history`).set(supervisor);
      expect(history.body.timeline.find((e: { kind: string }) => e.kind === 'signal').details.input).toMatchObject({ date: decreed, reason: 'Día no laborable para el sector público (prueba)' });
    } finally {
      await stack2.close();
    }
  });
});

describe('public routes', () => {
  test('when one address sends more public requests than the limit, then it gets 429', async () => {
    const limited = await startStack({ worker: false, publicRateLimit: 3 });
    try {
      const statuses = [];
      for (let i = 0; i < 4; i++) statuses.push((await limited.http.post('/api/v1/public/claims').send({})).status);
      expect(statuses).toEqual([400, 400, 400, 429]);
      const tracked = await limited.http.get('/api/v1/public/claims/HR-x?documentNumber=1');
      expect(tracked.status).toBe(429);
      expect(tracked.body.error.code).toBe('rate_limited');
    } finally {
      await limited.close();
    }
  });
});

test('when a claim is on its due date, then the claims view and its tracking answer with 0 business days left (it used to be a 500)', async () => {
  const today = limaDate(new Date());
  const number = uniqueId('HR-ventanilla-due-today');
  await stack.models.Claim.create({
    _id: number,
    centerId: 'ventanilla',
    citizen: { name: 'Ana Ríos', documentType: 'DNI', documentNumber: '43215678', email: 'ana.rios@example.pe' },
    description: 'x',
    request: 'y',
    registeredAt: new Date(Date.now() - 40 * 86_400_000),
    dueDate: today,
    dueAt: new Date(`${today}T23:59:59.999-05:00`),
    status: 'open',
  });
  const res = await stack.http.get('/api/v1/claims?centerId=ventanilla').set(stack.auth('supervisor', ['ventanilla']));
  expect(res.status).toBe(200);
  expect(res.body.claims.find((c: { number: string }) => c.number === number)).toMatchObject({ dueDate: today, overdue: false, businessDaysLeft: 0 });
  const tracked = await stack.http.get(`/api/v1/public/claims/${enc(number)}?documentNumber=43215678`);
  expect(tracked.status).toBe(200);
  expect(tracked.body).toMatchObject({ dueDate: today, overdue: false });
});
