/**
 * Runs of the engine's workflow families, started and carried to their end through the HTTP API
 * as the people of a center would (tokens per role, the inbox, task completion), whatever faults
 * are injected meanwhile: a refused or failed request is retried until the engine takes it, as a
 * person would press the button again. Used by the fault suite (test/faults/).
 */
import { limaDate } from '../../src/calendar/businessCalendar';
import { OPENING_ITEM_IDS } from '../../src/domain/opening';
import { INDUCTION_TOPIC_IDS } from '../../src/domain/staff';
import type { Role } from '../../src/shared/roles';
import { uniqueId } from '../helpers/infra';
import { checklist as preoperativeChecklist, enabled as modulesEnabled, marchaBlanca, NEW_CENTER } from '../helpers/newCenter';
import { startOpeningToday } from '../helpers/opening';
import type { Stack } from '../helpers/stack';

export interface Family {
  code: string;
  /** The workflow types that run it and the runs it starts (Temporal-only ones included). */
  workflows: string[];
  centerId: string;
  starter: Role;
  /** The runs it ends with: its own and those it starts (a grave conflict's incident). */
  runs: number;
  body(): Record<string, unknown>;
  /** What must exist first, made through the API (a new center). */
  prepare?(stack: Stack): Promise<void>;
  /** Started as its Schedule starts it, where no route does; the run's id. */
  launch?(stack: Stack): Promise<string>;
}

/** Lima's today, as the people answering write their dates. */
const today = () => limaDate(new Date());

/** A new center of its own for the pre-operative stage (P2.2.1 runs once per center). */
export const PREOPERATIVE_CENTER = { ...NEW_CENTER, id: 'arequipa-faults', name: 'Arequipa (pruebas de fallas)' };

/**
 * PM1.4.1, PM1.4.2, P2.2.4 (grave, an entity involved: its PM1.3.3 incident follows), a
 * catalog-driven step, PA2.2.3, PA3.1.1 incorporated (its PA3.1.2 induction follows), PA3.1.4,
 * today's P2.2.2 opening (through its closing), PA2.2.1 (its programación starts today's PA2.2.2
 * and PA1.1.3), P2.2.1 of a new center, PE1.3.1.
 */
export const FAMILIES: Family[] = [
  {
    code: 'PM1.4.1',
    workflows: ['congratulationWorkflow'],
    runs: 1,
    centerId: 'lima-norte',
    starter: 'orientador',
    body: () => ({ centerId: 'lima-norte', citizen: { name: 'Rosa Quispe Mamani', email: `${uniqueId('rosa')}@ciudadano.pe` }, entityId: 'sunat', message: 'Excelente atención en el módulo de SUNAT.' }),
  },
  {
    code: 'PM1.4.2',
    workflows: ['claimWorkflow'],
    runs: 1,
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
    runs: 2,
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
    runs: 1,
    centerId: 'ventanilla',
    starter: 'orientador',
    body: () => ({ centerId: 'ventanilla', subject: 'Impresora del módulo 3 sin conexión' }),
  },
  {
    code: 'PA2.2.3',
    workflows: ['maintenanceWorkflow'],
    runs: 1,
    centerId: 'piura',
    starter: 'supervisor',
    body: () => ({ centerId: 'piura', asset: 'Puerta de ingreso principal', description: 'La cerradura no cierra.' }),
  },
  {
    code: 'PA3.1.4',
    workflows: ['cessationWorkflow'],
    runs: 1,
    centerId: 'ventanilla',
    starter: 'coordinator',
    // A member of the seeded roster.
    body: () => ({ centerId: 'ventanilla', staffMemberId: 'seed:ventanilla:orientador:2', reason: 'Término de contrato' }),
  },
  {
    code: 'PA3.1.1',
    workflows: ['incorporationWorkflow', 'inductionWorkflow'],
    centerId: 'piura',
    starter: 'coordinator',
    runs: 2,
    body: () => ({ centerId: 'piura', profile: 'orientador', justification: 'Dotación mínima del tipo de centro (Cuadro 01).' }),
  },
  {
    code: 'P2.2.2',
    workflows: ['dailyOpeningWorkflow'],
    centerId: 'lima-norte',
    starter: 'coordinator',
    runs: 1,
    body: () => ({ centerId: 'lima-norte' }),
    // Hours from a minute from now to two minutes later: verified, opened at its hour, closed.
    launch: (stack) => startOpeningToday(stack, 'lima-norte', { closeAfterMinutes: 2 }),
  },
  {
    code: 'PA2.2.1',
    workflows: ['preventivePlanWorkflow', 'preventiveScheduleWorkflow', 'preventiveMaintenanceWorkflow'],
    centerId: 'callao',
    starter: 'supervisor',
    // The plan, and the two maintenances its programación starts (dated today: at once).
    runs: 3,
    body: () => ({ centerId: 'callao', year: Number(today().slice(0, 4)) }),
  },
  {
    code: 'P2.2.1',
    workflows: ['preOperativeWorkflow'],
    centerId: PREOPERATIVE_CENTER.id,
    starter: 'sscs',
    runs: 1,
    async prepare(stack) {
      const res = await stack.http.post('/api/v1/centers').set(stack.auth('sscs', '*', 'sscs.centros')).send(PREOPERATIVE_CENTER);
      if (res.status !== 201) throw new Error(`the new center: ${res.status} ${JSON.stringify(res.body)}`);
    },
    body: () => ({ centerId: PREOPERATIVE_CENTER.id, actaEntrega: { date: today(), reference: 'Acta N° 003-2026-GRA' } }),
  },
  {
    code: 'PE1.3.1',
    workflows: ['indicatorReportWorkflow'],
    centerId: 'ventanilla',
    starter: 'coordinator',
    runs: 1,
    // Two months back: issued at once on any day (the previous month's waits for its issue day).
    body: () => {
      const [y, m] = today().split('-').map(Number) as [number, number];
      const back = new Date(Date.UTC(y, m - 3, 1));
      return { centerId: 'ventanilla', month: back.toISOString().slice(0, 7) };
    },
  },
];

/** A task nobody answers: what it asks did not happen, and the run cancels it (at the day's closing). */
const LEAVE_OPEN = Symbol('leave open');

/** What each person answers to a task of each type these families open (dates: the day they answer). */
const ANSWERS: Record<string, unknown | (() => unknown)> = {
  acknowledge_congratulation: { shareWithEntity: true },
  investigate_claim: { findings: 'Se verificó la demora en el módulo', decision: 'accepted', answer: 'Se reprogramó su atención y se reforzó el módulo.' },
  review_claim_answer: { verdict: 'approve' },
  attend_grave_conflict: { securityPresent: true, actions: 'El agente de seguridad acompañó al ciudadano a la zona administrativa.', outcome: 'Se le atendió en otro módulo.', incidentType: 'sistemas_informaticos' },
  report_incident_solution: { solution: 'Se restableció el sistema registral del módulo.' },
  verify_incident_solution: { verdict: 'satisfactory' },
  procedure_step: { outcome: 'done', notes: 'Cable de red reemplazado' },
  fix_maintenance: { actions: 'Se cambió la cerradura.' },
  confirm_maintenance: { verdict: 'conforme' },
  incorporate_staff: () => ({ outcome: 'incorporated', name: 'Rosa Quispe Mamani', startDate: today() }),
  deliver_induction: () => ({ topics: Object.fromEntries(INDUCTION_TOPIC_IDS.map((t) => [t, { covered: true }])), deliveredOn: today() }),
  evaluate_induction: { result: 'satisfactory' },
  communicate_cessation: () => ({ lastDay: today(), communication: 'Oficio a la Entidad Administradora comunicando el cese.' }),
  verify_opening: { items: Object.fromEntries(OPENING_ITEM_IDS.map((id) => [id, { status: 'ok' }])), securityAgents: 2 },
  // The center did not have to close during the day (2.1.2).
  report_closure: LEAVE_OPEN,
  formulate_preventive_plan: () => ({ items: [{ description: 'Limpieza y revisión general del equipamiento', dates: [today()] }] }),
  approve_preventive_plan: { verdict: 'approved' },
  coordinate_preventive: () => ({ contractor: 'Servicios Generales SAC', confirmedDate: today() }),
  execute_preventive: () => ({ executedOn: today(), work: 'Limpieza y revisión general', evidence: 'Acta de conformidad del día' }),
  confirm_preventive: { verdict: 'conforme' },
  verify_preoperative_checklist: preoperativeChecklist(),
  enable_entity_modules: modulesEnabled,
  run_marcha_blanca: () => marchaBlanca(today()),
  agree_inauguration: () => ({ date: today(), agreedWith: 'PCM y Gobierno Regional de Arequipa' }),
  analyse_indicators: { analysis: 'Resultados del mes frente a las metas y al mes anterior.', improvementActions: ['Reforzar el seguimiento de los indicadores sin meta cumplida.'] },
};
const answerTo = (type: string): unknown => {
  const a = ANSWERS[type];
  return typeof a === 'function' ? (a as () => unknown)() : a;
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
  /** Completes every task of the run and of the runs it started (the family's count), until all have ended; their ids. */
  finish(runId: string, family: Family): Promise<string[]>;
  /** Each run's status through the API. */
  statusOf(runId: string, centerId: string): Promise<string>;
  /** Waits (2 min at most) for each run to end, deliveries still under way included; their end states. */
  settle(runs: { id: string; centerId: string }[]): Promise<{ runId: string; status: string }[]>;
  /** SSCS decrees a non-working day; resolves once every open claim was told; the announcement's workflow id. */
  decree(date: string, reason: string): Promise<string>;
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
      if (!again) await family.prepare?.(stack);
      if (family.launch) {
        const runId = await family.launch(stack);
        await o.onAccepted?.('start');
        return runId;
      }
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

    async decree(date, reason) {
      const sscs = stack.auth('sscs', '*', 'sscs.calendario');
      // Sent again after a fault: a 200 says it was decreed already, and its announcement stands.
      const workflowId = await persist(`the decree of ${date}`, async () => {
        const r = await stack.http.post('/api/v1/calendar/non-working-days').set(sscs).send({ date, reason });
        if (r.status === 201 || r.status === 200) return r.body.announcement.workflowId as string;
        if (r.status !== 503) throw new Error(`decree ${date}: ${r.status} ${JSON.stringify(r.body)}`);
        return undefined;
      });
      await persist(`the announcement of ${date}`, async (seen) => {
        const r = await stack.http.get('/api/v1/calendar/non-working-days').set(sscs);
        const day = (r.body.days as { date: string; announcement: { status: string; reached: number; skipped: number; total: number | null } | null }[] | undefined)?.find((d) => d.date === date);
        seen(JSON.stringify(day?.announcement));
        return day?.announcement?.status === 'done' ? true : undefined;
      });
      return workflowId;
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

    async finish(rootId, family) {
      const centerId = family.centerId;
      const supervisor = tokenFor('supervisor', centerId);
      const pending = [rootId];
      const seen = new Set<string>(pending);
      /** The runs those seen started that the driver has not seen yet. */
      const startedBySeen = async () => (await stack.models.Run.find({ 'startedBy.sub': { $in: [...seen] } }, { _id: 1 }).lean()).map((c) => c._id).filter((id) => !seen.has(id));
      for (;;) {
        if (!pending.length) {
          if (seen.size >= family.runs) break;
          // Runs started after their parent ended (the maintenances of a plan's programación).
          const later = await persist(`the runs ${rootId} starts (${seen.size} of ${family.runs} seen)`, async () => {
            const ids = await startedBySeen();
            return ids.length ? ids : undefined;
          });
          for (const id of later) {
            pending.push(id);
            seen.add(id);
          }
        }
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
            if (ANSWERS[task.type] === LEAVE_OPEN) continue;
            const done = await stack.http
              .post(`/api/v1/tasks/${enc(task.id)}/complete`)
              .set(tokenFor(task.role, centerId, task.entityId))
              .send({ data: answerTo(task.type) });
            // 409: a completion retried after a fault found its task already done (the first went in).
            if (done.status === 200) await o.onAccepted?.('complete');
            else if (done.status !== 409 && done.status !== 503) throw new Error(`${task.type}: ${done.status} ${JSON.stringify(done.body)}`);
          }
          return undefined;
        });
        pending.shift();
        if (status !== 'completed') continue;
        // The runs it started (a grave conflict's incident) are carried on too.
        for (const id of await startedBySeen()) {
          pending.push(id);
          seen.add(id);
        }
      }
      return [...seen];
    },
  };
  return driver;
}
