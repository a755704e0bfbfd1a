/**
 * The authorization matrix (test/authz/matrix.ts) checked cell by cell on the whole engine: each
 * route or page, each role, own center / other center, own entity / other entity. A cell that
 * should be allowed must not answer 401/403 (nor 5xx); one that should be denied must answer 403.
 */
import { randomUUID } from 'node:crypto';
import { signToken } from '../../src/api/auth';
import { ROLES, SSCS_FUNCTION_IDS, type Actor, type Role } from '../../src/shared/roles';
import { eventually, JWT_SECRET, startStack, type Stack } from '../helpers/stack';
import { MATRIX, type Access, type Fixtures, type MatrixRow } from './matrix';

let stack: Stack;
let fixtures: Fixtures;
const started: string[] = [];

beforeAll(async () => {
  stack = await startStack();
  const filed = await stack.http.post('/api/v1/public/claims').send({
    centerId: 'lima-norte',
    citizen: { name: 'Lucía Torres Vega', documentType: 'DNI', documentNumber: '46001234', email: 'lucia.torres@example.pe' },
    entityId: 'sunarp',
    description: 'El módulo de SUNARP cerró antes de la hora.',
    request: 'Que se respete el horario.',
  });
  const runId = filed.body.number as string;
  started.push(runId);
  const task = await eventually(async () => (await stack.models.Task.findOne({ runId, type: 'investigate_claim', status: 'open' }).lean()) ?? undefined, 'the investigation task');
  const doc = await eventually(async () => (await stack.models.Document.findOne({ runId }, { _id: 1 }).lean()) ?? undefined, 'the constancia');
  fixtures = { runId, taskId: task._id, documentId: doc._id, year: 2031 };
});

afterAll(async () => {
  for (const id of [...started, ...(await stack.models.Run.find({ code: 'PE1.1.3' }, { _id: 1 }).lean()).map((r) => r._id)]) {
    await stack.client.workflow.getHandle(id).terminate('test over').catch(() => undefined);
  }
  await stack?.close();
});

type Scope = 'own center' | 'other center' | 'own entity' | 'other entity';

/** Who asks: a role for Lima Norte or Callao; an entity's contact for SUNARP or RENIEC. */
function actorFor(role: Role, scope: Scope): Actor {
  const sub = `authz-${role}-${scope.replace(' ', '-')}`;
  if (role === 'sscs') return { sub, role, centers: '*', functions: [...SSCS_FUNCTION_IDS] };
  if (role === 'participant_entity') {
    return { sub, role, centers: [scope === 'other center' ? 'callao' : 'lima-norte'], entity: scope === 'other entity' ? 'reniec' : 'sunarp' };
  }
  return { sub, role, centers: [scope === 'other center' ? 'callao' : 'lima-norte'] };
}

function scopesOf(role: Role): Scope[] {
  if (role === 'sscs') return ['own center'];
  if (role === 'participant_entity') return ['own entity', 'other entity', 'other center'];
  return ['own center', 'other center'];
}

function allowed(access: Access, role: Role, scope: Scope): boolean {
  switch (access) {
    case 'all':
      return true;
    case 'deny':
      return false;
    case 'center':
      return scope !== 'other center';
    case 'entity':
      return role === 'participant_entity' && scope === 'own entity';
  }
}

const cells = MATRIX.flatMap((row) => ROLES.flatMap((role) => scopesOf(role).map((scope) => ({ row, role, scope, expected: allowed(row.access[role], role, scope) }))));

async function send(row: MatrixRow, actor: Actor) {
  const req = row.request(fixtures);
  if (row.surface === 'api') {
    const r = stack.http[req.method](req.path).set('Authorization', `Bearer ${signToken(JWT_SECRET, actor)}`);
    return req.body ? r.send(req.body) : r;
  }
  // A web session as the sign-in issues it (same secret, claims and a session id).
  const session = `mac_session=${signToken(JWT_SECRET, actor, '1h', { sid: randomUUID(), name: actor.sub })}`;
  if (req.method === 'get') return stack.http.get(req.path).set('Cookie', session).redirects(0);
  // A form is posted with the CSRF token and cookie its page gave, as a browser does.
  const page = await stack.http.get('/app').set('Cookie', session);
  const csrfCookie = ((page.headers['set-cookie'] as unknown as string[]) ?? []).find((c) => c.startsWith('mac_csrf='))?.split(';')[0];
  const _csrf = /name="_csrf" value="([^"]+)"/.exec(page.text)?.[1];
  return stack.http[req.method](req.path).set('Cookie', [session, csrfCookie].filter(Boolean).join('; ')).type('form').send({ _csrf, ...req.body }).redirects(0);
}

test('the matrix covers every authenticated route of the OpenAPI document', async () => {
  const doc = (await stack.http.get('/api/v1/openapi.json')).body as { paths: Record<string, Record<string, { security?: unknown }>> };
  const routes = Object.entries(doc.paths).flatMap(([path, ops]) => Object.entries(ops).filter(([, op]) => op.security).map(([m]) => `${m.toUpperCase()} ${path}`));
  expect(routes.filter((r) => !MATRIX.some((row) => row.route === r))).toEqual([]);
});

test.each(cells.map((c) => [c.row.route, c.role, c.scope, c.expected ? 'allowed' : 'denied', c] as const))('%s · %s · %s → %s', async (_route, role, scope, _verdict, cell) => {
  const res = await send(cell.row, actorFor(role, scope));
  const answer = { status: res.status, said: res.status >= 400 ? ((res.body as { error?: { message?: string } })?.error?.message ?? res.text.slice(0, 160)) : undefined };
  if (cell.expected) expect({ ...answer, allowed: res.status !== 401 && res.status !== 403 && res.status < 500 }).toMatchObject({ allowed: true });
  else {
    expect(answer).toMatchObject({ status: 403 });
    // Refused for who they are, not for a missing CSRF token (the page's 403 says which).
    if (cell.row.surface === 'web') expect(res.text).not.toContain('CSRF');
  }
});
