/**
 * Every query the engine makes on its hot paths is served by an index of the embedded store
 * (issue 8; DESIGN §3). The queries are not listed by hand: a claim is driven end to end through
 * the API (registration, constancia, inbox, the entity's answer, the review, the views), every
 * store operation the API and the worker make is captured, and each captured filter is then
 * explained on FerretDB/PostgreSQL with thousands of other documents in its collection. A filter
 * FerretDB cannot push down, or a plan with a sequential scan, fails the test and names the query.
 */
import { eventually, startStack, type Stack } from '../helpers/stack';
import { uniqueId } from '../helpers/infra';

/** Reference tables of a handful of rows (four centers, a few decreed days): scanning them is the right plan. */
const SMALL_TABLES = new Set(['centers', 'non_working_days']);
/** Store operations that select documents by a filter (their first argument). */
const FILTERED = new Set(['find', 'findOne', 'updateOne', 'updateMany', 'countDocuments', 'deleteOne', 'deleteMany', 'findOneAndUpdate', 'replaceOne']);
const FILLER_PER_COLLECTION = 3_000;

interface Captured {
  collection: string;
  method: string;
  filter: Record<string, unknown>;
}

/** The shape of a filter (its keys, operators and value types): one explain per shape and collection. */
function shapeOf(value: unknown): unknown {
  if (value instanceof Date) return 'date';
  if (value instanceof RegExp) return 'regex';
  if (Array.isArray(value)) return value.map(shapeOf);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, shapeOf(v)]));
  return typeof value;
}

/** Node types anywhere in a PostgreSQL plan (FerretDB returns PostgreSQL's EXPLAIN as queryPlanner). */
function nodeTypes(plan: unknown, out: string[] = []): string[] {
  if (Array.isArray(plan)) plan.forEach((p) => nodeTypes(p, out));
  else if (plan && typeof plan === 'object') {
    for (const [k, v] of Object.entries(plan)) {
      if (k === 'Node Type' && typeof v === 'string') out.push(v);
      else nodeTypes(v, out);
    }
  }
  return out;
}

let stack: Stack;
const captured: Captured[] = [];

beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  await stack?.close();
});

const enc = encodeURIComponent;

test('when a claim runs from registration to its answer, then every store query the API and the worker made is served by an index', async () => {
  stack.models.connection.set('debug', (collection: string, method: string, ...args: unknown[]) => {
    const filter = args[0];
    if (FILTERED.has(method) && filter && typeof filter === 'object') captured.push({ collection, method, filter: filter as Record<string, unknown> });
  });

  // The claim path as users drive it (README: Claims).
  const supervisor = stack.auth('supervisor', ['callao'], 'supervisora.callao');
  const sunarp = stack.auth('participant_entity', ['callao'], 'sunarp.callao', 'sunarp');
  const body = {
    centerId: 'callao',
    citizen: { name: 'María Huamán', documentType: 'DNI', documentNumber: '45678912', email: `${uniqueId('maria')}@ciudadano.pe` },
    entityId: 'sunarp',
    description: 'Me cobraron dos veces la tasa del certificado',
    request: 'Devolución del cobro duplicado',
  };
  const staffClaim = await stack.http
    .post('/api/v1/procedures/PM1.4.2/runs')
    .set(stack.auth('orientador', ['callao']))
    .set('Idempotency-Key', uniqueId('hoja'))
    .send(body)
    .expect(201);
  const number: string = staffClaim.body.runId;
  await stack.http.post('/api/v1/public/claims').send({ ...body, citizen: { ...body.citizen, email: `${uniqueId('jose')}@ciudadano.pe` } }).expect(201);
  await eventually(async () => {
    const run = await stack.http.get(`/api/v1/runs/${enc(number)}`).set(supervisor);
    return run.body.notifications?.some((n: { status: string }) => n.status === 'sent');
  }, 'the constancia sent');

  const taskOf = (type: string) =>
    eventually(async () => (await stack.http.get(`/api/v1/tasks?runId=${enc(number)}&status=open`).set(supervisor)).body.tasks?.find((t: { type: string }) => t.type === type), type);
  const investigation = await taskOf('investigate_claim');
  await stack.http.get('/api/v1/tasks?status=open').set(sunarp).expect(200);
  await stack.http.get('/api/v1/tasks?centerId=callao&role=supervisor&status=open').set(supervisor).expect(200);
  await stack.http.post(`/api/v1/tasks/${enc(investigation.id)}/complete`).set(sunarp).send({ data: { findings: 'Cobro duplicado', decision: 'accepted', answer: 'Se devolverá el monto.' } }).expect(200);
  const review = await taskOf('review_claim_answer');
  await stack.http.post(`/api/v1/tasks/${enc(review.id)}/complete`).set(supervisor).send({ data: { verdict: 'approve' } }).expect(200);
  await eventually(async () => (await stack.http.get(`/api/v1/runs/${enc(number)}`).set(supervisor)).body.status === 'completed', 'the claim closed');
  await stack.http.get(`/api/v1/runs/${enc(number)}/history`).set(supervisor).expect(200);
  await stack.http.get('/api/v1/claims?status=open').set(supervisor).expect(200);
  await stack.http.get('/api/v1/claims?centerId=callao').set(supervisor).expect(200);
  await stack.http.get(`/api/v1/public/claims/${enc(number)}?documentNumber=45678912`).expect(200);
  const runView = await stack.http.get(`/api/v1/runs/${enc(number)}`).set(supervisor).expect(200);
  await stack.http.get(runView.body.documents[0].url).set(supervisor).expect(200);
  stack.models.connection.set('debug', false);

  // One explain per query shape, each collection filled with thousands of other documents.
  const shapes = new Map<string, Captured>();
  for (const c of captured) shapes.set(`${c.collection} ${c.method} ${JSON.stringify(shapeOf(c.filter))}`, c);
  const hot = [...shapes.values()].filter((c) => !SMALL_TABLES.has(c.collection));
  const db = stack.models.connection.db!;
  for (const collection of new Set(hot.map((c) => c.collection))) {
    const keys = new Set(hot.filter((c) => c.collection === collection).flatMap((c) => Object.keys(c.filter).filter((k) => !k.startsWith('$'))));
    const filler = Array.from({ length: FILLER_PER_COLLECTION }, (_, i) => ({
      ...Object.fromEntries([...keys].map((k) => [k, `filler-${k}-${i}`])),
      _id: `filler-${collection}-${i}`,
    }));
    await db.collection(collection).insertMany(filler as never[]);
  }

  const problems: string[] = [];
  for (const c of hot) {
    const explained = (await db.collection(c.collection).find(c.filter).explain()) as { filterPushdown?: boolean; queryPlanner?: unknown };
    const nodes = nodeTypes(explained.queryPlanner);
    const where = `${c.collection}.${c.method}(${JSON.stringify(c.filter)})`;
    if (!explained.filterPushdown) problems.push(`${where}: no part of the filter reaches PostgreSQL (full scan in FerretDB)`);
    else if (nodes.includes('Seq Scan')) problems.push(`${where}: PostgreSQL plans a sequential scan (${nodes.join(' > ')})`);
    else if (!nodes.some((n) => /Index/.test(n))) problems.push(`${where}: no index in the plan (${nodes.join(' > ')})`);
  }
  expect(problems).toEqual([]);

  // The capture saw the hot path, not a handful of queries: the run, its inbox writes and reads (by
  // run, by role, an entity's), the outbox, documents, numbering, the Libro de Reclamaciones.
  const seen = hot.map((c) => `${c.collection}:${Object.keys(c.filter).sort().join(',')}`);
  expect(seen).toEqual(expect.arrayContaining([
      'runs:_id',
      'tasks:$or,_id',
      'tasks:centerId,runId,status',
      'tasks:$or,centerId,status',
      'tasks:centerId,entityId,status',
      'tasks:_id',
      'outbox:_id',
      'documents:_id',
      'sequence_claims:owner',
      'claims:_id',
      'claims:centerId,status',
    ]));
  expect(hot.length).toBeGreaterThanOrEqual(15);
});
