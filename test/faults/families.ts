/**
 * Runs of the engine's workflow families, started and carried to their end through the HTTP API
 * as the people of a center would (tokens per role, the inbox, task completion), whatever faults
 * are injected meanwhile: a refused or failed request is retried until the engine takes it, as a
 * person would press the button again. Used by the fault suite (test/faults/).
 */
import type { Role } from '../../src/shared/roles';
import { uniqueId } from '../helpers/infra';
import type { Stack } from '../helpers/stack';

export interface Family {
  code: string;
  /** The workflow type that runs it (and of the runs it starts). */
  workflows: string[];
  centerId: string;
  starter: Role;
  body(): Record<string, unknown>;
}

/** PM1.4.1, PM1.4.2, P2.2.4 (grave, an entity involved: its PM1.3.3 incident follows), a catalog-driven step, PA2.2.3, PA3.1.1, PA3.1.4. */
export const FAMILIES: Family[] = [
  {
    code: 'PM1.4.1',
    workflows: ['congratulationWorkflow'],
    centerId: 'lima-norte',
    starter: 'orientador',
    body: () => ({ centerId: 'lima-norte', citizen: { name: 'Rosa Quispe Mamani', email: `${uniqueId('rosa')}@ciudadano.pe` }, entityId: 'sunat', message: 'Excelente atención en el módulo de SUNAT.' }),
  },
  {
    code: 'PM1.4.2',
    workflows: ['claimWorkflow'],
    centerId: 'lima-norte',
    starter: 'orientador',
    body: () => ({
      centerId: 'lima-norte',
      citizen: { name: 'María Huamán', documentType: 'DNI', documentNumber: String(40000000 + Math.floor(Math.random() * 9_999_999)), email: `${uniqueId('maria')}@ciudadano.pe` },
      entityId: 'reniec',
      description: 'Esperé tres horas y no me atendieron en el módulo.',
      request: 'Que se me atienda y se revise el sistema de turnos.',
    }),
  },
  {
    code: 'P2.2.4',
    workflows: ['conflictWorkflow', 'incidentWorkflow'],
    centerId: 'callao',
    starter: 'orientador',
    body: () => ({
      centerId: 'callao',
      occurredAt: new Date().toISOString(),
      place: 'Zona de Atención, módulo 3 (SUNARP)',
      description: 'Un ciudadano reclamó a gritos por la caída del sistema de SUNARP.',
      involved: [{ kind: 'citizen' }, { kind: 'advisor', name: 'Luis Torres' }],
      severity: 'grave',
      entityId: 'sunarp',
      module: 'Módulo 3',
    }),
  },
  {
    code: 'PA1.1.5',
    workflows: ['procedureWorkflow'],
    centerId: 'ventanilla',
    starter: 'orientador',
    body: () => ({ centerId: 'ventanilla', subject: 'Impresora del módulo 3 sin conexión' }),
  },
  {
    code: 'PA2.2.3',
    workflows: ['maintenanceWorkflow'],
    centerId: 'piura',
    starter: 'supervisor',
    body: () => ({ centerId: 'piura', asset: 'Puerta de ingreso principal', description: 'La cerradura no cierra.' }),
  },
  {
    code: 'PA3.1.4',
    workflows: ['cessationWorkflow'],
    centerId: 'ventanilla',
    starter: 'coordinator',
    // A member of the seeded roster.
    body: () => ({ centerId: 'ventanilla', staffMemberId: 'seed:ventanilla:orientador:2', reason: 'Término de contrato' }),
  },
  {
    code: 'PA3.1.1',
    workflows: ['incorporationWorkflow'],
    centerId: 'piura',
    starter: 'coordinator',
    body: () => ({ centerId: 'piura', profile: 'orientador', justification: 'Dotación mínima del tipo de centro (Cuadro 01).' }),
  },
];

/** What each person answers to a task of each type these families open. */
const ANSWERS: Record<string, unknown> = {
  acknowledge_congratulation: { shareWithEntity: true },
  investigate_claim: { findings: 'Se verificó la demora en el módulo', decision: 'accepted', answer: 'Se reprogramó su atención y se reforzó el módulo.' },
  review_claim_answer: { verdict: 'approve' },
  attend_grave_conflict: { securityPresent: true, actions: 'El agente de seguridad acompañó al ciudadano a la zona administrativa.', outcome: 'Se le atendió en otro módulo.', incidentType: 'sistemas_informaticos' },
  report_incident_solution: { solution: 'Se restableció el sistema registral del módulo.' },
  verify_incident_solution: { verdict: 'satisfactory' },
  procedure_step: { outcome: 'done', notes: 'Cable de red reemplazado' },
  fix_maintenance: { actions: 'Se cambió la cerradura.' },
  confirm_maintenance: { verdict: 'conforme' },
  // Not incorporated: an incorporated person's induction would follow, with its own topics.
  incorporate_staff: { outcome: 'not_incorporated', reason: 'Ningún postulante cumplió el perfil.' },
  communicate_cessation: { lastDay: new Date(Date.now() - 5 * 3600_000).toISOString().slice(0, 10), communication: 'Oficio a la Entidad Administradora comunicando el cese.' },
};

interface OpenTask {
  id: string;
  type: string;
  role: Role;
  entityId?: string;
}

export interface Driver {
  /** Starts a run of the family (or sends again a start tried before, with its key and body). */
  start(family: Family, again?: { key: string; body: object }): Promise<string>;
  /** Completes every task of the run and of the runs it started, until all have ended; their ids. */
  finish(runId: string, centerId: string): Promise<string[]>;
  /** Each run's status through the API. */
  statusOf(runId: string, centerId: string): Promise<string>;
  /** Waits (2 min at most) for each run to end, deliveries still under way included; their end states. */
  settle(runs: { id: string; centerId: string }[]): Promise<{ runId: string; status: string }[]>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * A driver over a stack's API. `onAccepted` is told of every start (201) and completion (200) the
 * engine accepted, so a scenario can inject its fault right then; `deadlineMs` bounds every wait.
 */
export function apiDriver(stack: Stack, o: { onAccepted?: (what: 'start' | 'complete') => Promise<void>; deadlineMs: number }): Driver {
  const enc = encodeURIComponent;
  const tokenFor = (role: Role, centerId: string, entityId?: string) => stack.auth(role, [centerId], `${role}.${centerId}`, entityId);
  /** Retries what a fault refused (503, a reset connection) until `deadline`. */
  async function persist<T>(what: string, attempt: (seen: (state: string) => void) => Promise<T | undefined>): Promise<T> {
    const deadline = Date.now() + o.deadlineMs;
    let last = '';
    const seen = (state: string) => void (last = state);
    while (Date.now() < deadline) {
      try {
        const out = await attempt(seen);
        if (out !== undefined) return out;
      } catch (err) {
        last = String((err as Error).message ?? err);
      }
      await sleep(250);
    }
    throw new Error(`gave up on ${what} after ${o.deadlineMs} ms; last seen: ${last}`);
  }

  const driver: Driver = {
    async start(family, again) {
      const body = again?.body ?? family.body();
      // One Idempotency-Key per run: a start retried after a fault resumes the same run.
      const key = again?.key ?? uniqueId('fault');
      const res = await persist(`start ${family.code}`, async () => {
        const r = await stack.http.post(`/api/v1/procedures/${family.code}/runs`).set(tokenFor(family.starter, family.centerId)).set('Idempotency-Key', key).send(body);
        if (r.status === 201 || r.status === 200) return r;
        if (r.status >= 500 && r.status !== 503) throw new Error(`start ${family.code}: ${r.status} ${JSON.stringify(r.body)}`);
        if (r.status >= 400 && r.status < 500) throw new Error(`start ${family.code} refused: ${r.status} ${JSON.stringify(r.body)}`);
        return undefined;
      });
      await o.onAccepted?.('start');
      return res.body.runId as string;
    },

    async statusOf(runId, centerId) {
      const r = await stack.http.get(`/api/v1/runs/${enc(runId)}`).set(tokenFor('sscs', centerId));
      return r.status === 200 ? (r.body.status as string) : `http ${r.status}`;
    },

    settle(runs) {
      return Promise.all(
        runs.map(async ({ id, centerId }) => {
          const deadline = Date.now() + 120_000;
          let status = await driver.statusOf(id, centerId);
          while (status === 'running' && Date.now() < deadline) {
            await sleep(500);
            status = await driver.statusOf(id, centerId);
          }
          return { runId: id, status };
        }),
      );
    },

    async finish(rootId, centerId) {
      const supervisor = tokenFor('supervisor', centerId);
      const pending = [rootId];
      const seen = new Set<string>(pending);
      while (pending.length) {
        const runId = pending[0]!;
        const status = await persist(`${runId} to move`, async (seen) => {
          const r = await stack.http.get(`/api/v1/runs/${enc(runId)}`).set(supervisor);
          seen(`GET run ${r.status} ${r.body?.status} tasks ${JSON.stringify(r.body?.tasks?.map((t: OpenTask & { status: string }) => `${t.type}:${t.status}`))} notifications ${JSON.stringify(r.body?.notifications?.map((n: { key: string; status: string; attempts: number }) => `${n.key}:${n.status}:${n.attempts}`))}`);
          if (r.status !== 200) return undefined;
          if (r.body.status !== 'running') return r.body.status as string;
          const tasks = await stack.http.get(`/api/v1/tasks?runId=${enc(runId)}&status=open`).set(supervisor);
          if (tasks.status !== 200) return undefined;
          const open = tasks.body.tasks as OpenTask[];
          for (const task of open) {
            if (!(task.type in ANSWERS)) throw new Error(`no answer for a ${task.type} task`);
            const done = await stack.http
              .post(`/api/v1/tasks/${enc(task.id)}/complete`)
              .set(tokenFor(task.role, centerId, task.entityId))
              .send({ data: ANSWERS[task.type] });
            // 409: a completion retried after a fault found its task already done (the first went in).
            if (done.status === 200) await o.onAccepted?.('complete');
            else if (done.status !== 409 && done.status !== 503) throw new Error(`${task.type}: ${done.status} ${JSON.stringify(done.body)}`);
          }
          return undefined;
        });
        pending.shift();
        if (status !== 'completed') continue;
        // The runs it started (a grave conflict's incident) are carried on too.
        const children = await stack.models.Run.find({ 'startedBy.sub': runId }, { _id: 1 }).lean();
        for (const c of children.filter((c) => !seen.has(c._id))) {
          pending.push(c._id);
          seen.add(c._id);
        }
      }
      return [...seen];
    },
  };
  return driver;
}
