/**
 * The authorization matrix (issue 13): every authenticated route of the API and every staff web
 * page × every role × own center / other center (and, for a participating entity's contact, own
 * entity / other entity) → allowed or denied. test/authz/authz.test.ts is generated from it.
 *
 * The resource is always in Lima Norte: a claim about SUNARP (its run, its SUNARP investigation
 * task, its constancia). "Own center" is a token for lima-norte, "other center" one for callao;
 * "own entity" is SUNARP's contact, "other entity" RENIEC's, both of Lima Norte.
 *
 *   all     allowed whatever the center (no center in the request, or every center may read it)
 *   center  allowed for the own center, denied (403) for the other
 *   entity  participant_entity only: allowed for the own entity, denied for the other entity and the other center
 *   deny    denied (403) everywhere
 *
 * Allowed means "not 401/403" (the request may still be a 400 or 404 on its own merits: an empty
 * completion, a plan that does not exist); denied means 403. A page's POST carries its CSRF token,
 * as a browser's form does.
 */
import { listProcedures } from '../../src/catalog';
import type { Role } from '../../src/shared/roles';

export type Access = 'all' | 'center' | 'entity' | 'deny';

/** What a row's request needs from the fixtures. */
export interface Fixtures {
  runId: string;
  taskId: string;
  documentId: string;
  year: number;
}

export interface Request {
  method: 'get' | 'post' | 'put';
  path: string;
  body?: Record<string, unknown>;
}

export interface MatrixRow {
  route: string;
  surface: 'api' | 'web';
  request: (f: Fixtures) => Request;
  access: Record<Role, Access>;
}

const STAFF: Role[] = ['coordinator', 'supervisor', 'tic_specialist', 'orientador', 'mac_express_advisor', 'admin_entity', 'sscs'];

/** Every role the same, unless named. */
function access(base: Access, participant: Access, overrides: Partial<Record<Role, Access>> = {}): Record<Role, Access> {
  return { ...(Object.fromEntries(STAFF.map((r) => [r, base])) as Record<Role, Access>), participant_entity: participant, ...overrides };
}

/** Only the roles named, each with its access; the rest denied. */
function only(allowed: Partial<Record<Role, Access>>): Record<Role, Access> {
  return { ...access('deny', 'deny'), ...allowed };
}

const enc = encodeURIComponent;
const LN = 'lima-norte';

/** The routes and pages declared one by one; MATRIX adds each procedure's start path. */
const ROWS: MatrixRow[] = [
  // ---- API -----------------------------------------------------------------------------------
  { surface: 'api', route: 'GET /api/v1/procedures', request: () => ({ method: 'get', path: '/api/v1/procedures' }), access: access('all', 'all') },
  { surface: 'api', route: 'GET /api/v1/procedures/{code}', request: () => ({ method: 'get', path: '/api/v1/procedures/PE1.1.3' }), access: access('all', 'all') },
  {
    surface: 'api',
    route: 'POST /api/v1/procedures/{code}/runs',
    // PE1.1.3 Programación de actividades: started by the coordinator (and SSCS).
    request: () => ({ method: 'post', path: '/api/v1/procedures/PE1.1.3/runs', body: { centerId: LN, subject: 'Programación de la semana' } }),
    access: only({ coordinator: 'center', sscs: 'all' }),
  },
  { surface: 'api', route: 'GET /api/v1/runs', request: () => ({ method: 'get', path: `/api/v1/runs?centerId=${LN}` }), access: access('center', 'center', { sscs: 'all' }) },
  { surface: 'api', route: 'GET /api/v1/runs/{runId}', request: (f) => ({ method: 'get', path: `/api/v1/runs/${enc(f.runId)}` }), access: access('center', 'entity', { sscs: 'all' }) },
  { surface: 'api', route: 'GET /api/v1/runs/{runId}/history', request: (f) => ({ method: 'get', path: `/api/v1/runs/${enc(f.runId)}/history` }), access: access('center', 'entity', { sscs: 'all' }) },
  { surface: 'api', route: 'GET /api/v1/runs/{runId}/audit', request: (f) => ({ method: 'get', path: `/api/v1/runs/${enc(f.runId)}/audit` }), access: access('center', 'entity', { sscs: 'all' }) },
  { surface: 'api', route: 'GET /api/v1/tasks', request: () => ({ method: 'get', path: `/api/v1/tasks?centerId=${LN}` }), access: access('center', 'center', { sscs: 'all' }) },
  {
    surface: 'api',
    route: 'POST /api/v1/tasks/{taskId}/complete',
    // The claim's investigation is SUNARP's: only its contact may complete it (an empty completion is then a 400).
    request: (f) => ({ method: 'post', path: `/api/v1/tasks/${enc(f.taskId)}/complete`, body: { data: {} } }),
    access: only({ participant_entity: 'entity' }),
  },
  { surface: 'api', route: 'GET /api/v1/centers', request: () => ({ method: 'get', path: '/api/v1/centers' }), access: access('all', 'all') },
  { surface: 'api', route: 'POST /api/v1/centers', request: () => ({ method: 'post', path: '/api/v1/centers', body: {} }), access: only({ sscs: 'all' }) },
  { surface: 'api', route: 'GET /api/v1/centers/{centerId}', request: () => ({ method: 'get', path: `/api/v1/centers/${LN}` }), access: access('center', 'center', { sscs: 'all' }) },
  { surface: 'api', route: 'GET /api/v1/centers/{centerId}/staff', request: () => ({ method: 'get', path: `/api/v1/centers/${LN}/staff` }), access: access('center', 'center', { sscs: 'all' }) },
  { surface: 'api', route: 'GET /api/v1/centers/{centerId}/inductions', request: () => ({ method: 'get', path: `/api/v1/centers/${LN}/inductions` }), access: access('center', 'center', { sscs: 'all' }) },
  { surface: 'api', route: 'GET /api/v1/centers/{centerId}/assets', request: () => ({ method: 'get', path: `/api/v1/centers/${LN}/assets` }), access: access('center', 'center', { sscs: 'all' }) },
  // A month without a recorded chain is a 404: allowed, only the role and center decide here.
  { surface: 'api', route: 'GET /api/v1/centers/{centerId}/audit-days', request: () => ({ method: 'get', path: `/api/v1/centers/${LN}/audit-days?month=2020-01` }), access: only({ coordinator: 'center', sscs: 'all' }) },
  {
    surface: 'api',
    route: 'PUT /api/v1/centers/{centerId}/hours',
    request: () => ({ method: 'put', path: `/api/v1/centers/${LN}/hours`, body: { weekdays: { open: '08:00', close: '20:00' }, saturday: { open: '08:30', close: '13:30' }, sundayAndHolidays: null } }),
    access: only({ coordinator: 'center', admin_entity: 'center', sscs: 'all' }),
  },
  {
    surface: 'api',
    route: 'PUT /api/v1/centers/{centerId}/checklist',
    request: () => ({ method: 'put', path: `/api/v1/centers/${LN}/checklist`, body: { topico: true, notApplicable: [] } }),
    access: only({ coordinator: 'center', sscs: 'all' }),
  },
  { surface: 'api', route: 'GET /api/v1/calendar/business-days', request: () => ({ method: 'get', path: '/api/v1/calendar/business-days?from=2026-12-01&to=2026-12-31' }), access: access('all', 'all') },
  { surface: 'api', route: 'GET /api/v1/calendar/non-working-days', request: () => ({ method: 'get', path: '/api/v1/calendar/non-working-days' }), access: access('all', 'all') },
  { surface: 'api', route: 'POST /api/v1/calendar/non-working-days', request: () => ({ method: 'post', path: '/api/v1/calendar/non-working-days', body: {} }), access: only({ sscs: 'all' }) },
  { surface: 'api', route: 'GET /api/v1/documents/{documentId}', request: (f) => ({ method: 'get', path: `/api/v1/documents/${enc(f.documentId)}` }), access: access('center', 'entity', { sscs: 'all' }) },
  { surface: 'api', route: 'GET /api/v1/indicators', request: () => ({ method: 'get', path: `/api/v1/indicators?centerId=${LN}` }), access: access('center', 'center', { sscs: 'all' }) },
  {
    surface: 'api',
    route: 'GET /api/v1/claims',
    request: () => ({ method: 'get', path: `/api/v1/claims?centerId=${LN}` }),
    // The Libro de Reclamaciones holds every entity's citizens: not for an entity's contact.
    access: access('center', 'deny', { sscs: 'all' }),
  },
  {
    surface: 'api',
    route: 'GET /api/v1/openings',
    request: () => ({ method: 'get', path: `/api/v1/openings?centerId=${LN}` }),
    access: only({ coordinator: 'center', supervisor: 'center', tic_specialist: 'center', admin_entity: 'center', sscs: 'all' }),
  },
  { surface: 'api', route: 'POST /api/v1/supervision/plans', request: (f) => ({ method: 'post', path: '/api/v1/supervision/plans', body: { year: f.year } }), access: only({ sscs: 'all' }) },
  { surface: 'api', route: 'GET /api/v1/supervision/plans/{year}', request: (f) => ({ method: 'get', path: `/api/v1/supervision/plans/${f.year}` }), access: access('all', 'all') },
  { surface: 'api', route: 'POST /api/v1/supervision/plans/{year}/approval', request: (f) => ({ method: 'post', path: `/api/v1/supervision/plans/${f.year}/approval`, body: {} }), access: only({ sscs: 'all' }) },
  {
    surface: 'api',
    route: 'PUT /api/v1/supervision/plans/{year}/visits/{visitId}',
    request: (f) => ({ method: 'put', path: `/api/v1/supervision/plans/${f.year}/visits/v-1`, body: {} }),
    access: only({ sscs: 'all' }),
  },
  { surface: 'api', route: 'GET /api/v1/supervision/indicators', request: (f) => ({ method: 'get', path: `/api/v1/supervision/indicators?centerId=${LN}&year=${f.year}` }), access: access('center', 'center', { sscs: 'all' }) },

  // ---- Web pages (session cookie) ----------------------------------------------------------------
  { surface: 'web', route: 'GET /app', request: () => ({ method: 'get', path: `/app?centerId=${LN}` }), access: access('all', 'all') },
  { surface: 'web', route: 'GET /app/tareas/{taskId}', request: (f) => ({ method: 'get', path: `/app/tareas/${enc(f.taskId)}` }), access: only({ participant_entity: 'entity' }) },
  { surface: 'web', route: 'GET /app/procedimientos', request: () => ({ method: 'get', path: '/app/procedimientos' }), access: access('all', 'all') },
  { surface: 'web', route: 'GET /app/procedimientos/{code}', request: () => ({ method: 'get', path: '/app/procedimientos/PE1.1.3' }), access: access('all', 'all') },
  { surface: 'web', route: 'GET /app/ejecuciones', request: () => ({ method: 'get', path: `/app/ejecuciones?centerId=${LN}` }), access: access('center', 'center', { sscs: 'all' }) },
  { surface: 'web', route: 'GET /app/ejecuciones/{runId}', request: (f) => ({ method: 'get', path: `/app/ejecuciones/${enc(f.runId)}` }), access: access('center', 'entity', { sscs: 'all' }) },
  { surface: 'web', route: 'GET /app/ejecuciones/{runId}/historial', request: (f) => ({ method: 'get', path: `/app/ejecuciones/${enc(f.runId)}/historial` }), access: access('center', 'entity', { sscs: 'all' }) },
  { surface: 'web', route: 'GET /app/documentos/{documentId}', request: (f) => ({ method: 'get', path: `/app/documentos/${enc(f.documentId)}` }), access: access('center', 'entity', { sscs: 'all' }) },
  {
    surface: 'web',
    route: 'POST /app/tareas/{taskId}',
    // The form of SUNARP's investigation (sent empty: allowed is then a 400 with the fields named).
    request: (f) => ({ method: 'post', path: `/app/tareas/${enc(f.taskId)}`, body: {} }),
    access: only({ participant_entity: 'entity' }),
  },
  {
    surface: 'web',
    route: 'POST /app/procedimientos/{code}',
    request: () => ({ method: 'post', path: '/app/procedimientos/PE1.1.3', body: { centerId: LN, subject: 'Programación desde la página' } }),
    access: only({ coordinator: 'center', sscs: 'all' }),
  },
  { surface: 'web', route: 'GET /app/indicadores', request: () => ({ method: 'get', path: `/app/indicadores?centerId=${LN}` }), access: access('center', 'center', { sscs: 'all' }) },
];

/**
 * Each procedure's own start path (`POST /api/v1/procedures/<code>/runs`, as the OpenAPI document
 * publishes it): who may start it is the catalog's `starters` (SSCS: any procedure, or those whose
 * `starterFunctions` its person holds; the test's SSCS holds them all). The role is checked before
 * the body is read, so an empty body is refused for the role (403) or else for itself (400, or
 * 409 for a procedure not executable yet). Which center may be named is the same code for every
 * procedure, and is the row of `POST /api/v1/procedures/{code}/runs` above; here both scopes read
 * the role alone.
 */
const PROCEDURE_STARTS: MatrixRow[] = listProcedures().map((p) => ({
  surface: 'api',
  route: `POST /api/v1/procedures/${p.code}/runs`,
  request: () => ({ method: 'post', path: `/api/v1/procedures/${p.code}/runs`, body: {} }),
  access: only(Object.fromEntries([...p.starters, 'sscs'].map((r) => [r, 'all'])) as Partial<Record<Role, Access>>),
}));

export const MATRIX: MatrixRow[] = [...ROWS, ...PROCEDURE_STARTS];
