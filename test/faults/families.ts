/**
 * Runs of the engine's workflow families, started and carried to their end through the HTTP API
 * as the people of a center would (tokens per role, the inbox, task completion), whatever faults
 * are injected meanwhile: a refused or failed request is retried until the engine takes it, as a
 * person would press the button again. Used by the fault suite (test/faults/).
 */
import { limaDate, limaTimeOfDay } from '../../src/calendar/businessCalendar';
import { loadCalendar } from '../../src/calendar/service';
import { signToken } from '../../src/api/auth';
import { OPENING_ITEM_IDS } from '../../src/domain/opening';
import { INDUCTION_TOPIC_IDS } from '../../src/domain/staff';
import type { Role, SscsFunction } from '../../src/shared/roles';
import { uniqueId } from '../helpers/infra';
import { checklist as preoperativeChecklist, enabled as modulesEnabled, marchaBlanca, NEW_CENTER } from '../helpers/newCenter';
import { startOpeningToday } from '../helpers/opening';
import { JWT_SECRET, type Stack } from '../helpers/stack';
import { fichaAnswers, supervisionReport, text, visitActivities } from '../helpers/supervision';

export interface Family {
  code: string;
  /** The workflow types that run it and the runs it starts (Temporal-only ones included). */
  workflows: string[];
  centerId: string;
  starter: Role;
  /** The runs it ends with: its own and those it starts (a grave conflict's incident). */
  runs: number;
  /** The start's body (none for a family started by `launch`). */
  body?(): Record<string, unknown>;
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
 * and PA1.1.3), P2.2.1 of a new center, a Plan de Supervisión whose visit starts a PM1.3.1 run
 * (with two observations), PE1.3.1.
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
    code: 'PM1.3.1',
    workflows: ['supervisionPlanWorkflow', 'supervisionWorkflow', 'supervisionObservationWorkflow'],
    centerId: 'callao',
    starter: 'sscs',
    // The supervision the approved plan starts, and its two observations to their subsanación.
    runs: 3,
    launch: async (stack) => {
      // A plan whose one visit is the latest business day whose field visit (08:00) has begun: its
      // run starts at approval and goes straight from forming the team to the visit; what the
      // gabinete asked and nobody sent is closed as not delivered, as on any visit day (Cuadro 02).
      const calendar = await loadCalendar(stack.models);
      const now = new Date();
      let date = limaDate(now);
      if (!calendar.isBusinessDay(date) || limaTimeOfDay(now) < '08:00') date = calendar.businessDaysBefore(date, 1);
      const year = Number(date.slice(0, 4));
      const planned = await stack.http.post('/api/v1/supervision/plans').set(sscsAs('supervision_lead')).send({ year, visits: [{ centerId: 'callao', date }] });
      if (planned.status !== 201) throw new Error(`the supervision plan: ${planned.status} ${JSON.stringify(planned.body)}`);
      for (;;) {
        const approved = await stack.http.post(`/api/v1/supervision/plans/${year}/approval`).set(sscsAs('subsecretario'));
        if (approved.status === 200) break;
        if (approved.status !== 503) throw new Error(`the plan's approval: ${approved.status} ${JSON.stringify(approved.body)}`);
        await sleep(250);
      }
      for (let deadline = Date.now() + 60_000; Date.now() < deadline; await sleep(250)) {
        const plan = await stack.http.get(`/api/v1/supervision/plans/${year}`).set(sscsAs('supervision_lead'));
        const runId = (plan.body.visits as { runId: string | null }[] | undefined)?.[0]?.runId;
        if (runId) return runId;
      }
      throw new Error('the approved plan started no supervision within 60 s');
    },
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

/** SSCS's people, each with their function (2.3): the Equipo Supervisor records Cuadros 03 and 05. */
const SSCS: Record<SscsFunction, string> = {
  subsecretario: 'ss-rosa',
  supervision_lead: 'lead-ana',
  supervision_team: 'team-luis',
  legal: 'legal-eva',
  control_panel: 'panel-jorge',
  administration: 'adm-irma',
  mac_coordination: 'mc-raul',
};
const sscsAs = (fn: SscsFunction) => ({ Authorization: `Bearer ${signToken(JWT_SECRET, { sub: SSCS[fn], role: 'sscs', centers: '*', functions: [fn] })}` });
/** Who at SSCS answers each of its tasks (any other SSCS task: an SSCS user of the center). */
const SSCS_ANSWERS: Record<string, SscsFunction> = {
  form_supervision_team: 'subsecretario',
  define_supervision_modality: 'subsecretario',
  review_supervision_report: 'subsecretario',
  record_visit_activities: 'supervision_team',
  record_operational_ficha: 'supervision_team',
  record_advisor_interviews: 'supervision_lead',
  close_supervision_visit: 'supervision_lead',
  write_expeditious_report: 'supervision_lead',
  write_supervision_report: 'supervision_lead',
  coordinate_entity_reports: 'mac_coordination',
  verify_observation_correction: 'mac_coordination',
};

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
  form_supervision_team: { lead: SSCS.supervision_lead, members: [SSCS.supervision_team] },
  define_supervision_modality: { modality: 'presencial', logistics: 'Movilidad y viáticos aprobados; permiso de ingreso coordinado' },
  // The gabinete's information (Cuadro 02, 4–7), asked once the team is formed, closes as not
  // delivered at once: the visit day has come.
  supply_legal_documents: LEAVE_OPEN,
  supply_attention_figures: LEAVE_OPEN,
  supply_ticket_figures: LEAVE_OPEN,
  supply_control_panel_figures: LEAVE_OPEN,
  report_center_situation: LEAVE_OPEN,
  supply_administrative_information: LEAVE_OPEN,
  record_visit_activities: visitActivities,
  record_operational_ficha: {
    items: fichaAnswers({ '2_2_f': 'Tres computadoras de asesores sin funcionar' }),
    protocols: [{ entityId: 'sunarp', greeting: { answer: 'SI' }, service: { answer: 'NO', observation: 'No se informa el tiempo de espera' }, farewell: { answer: 'SI' } }],
    requirements: { operation: ['Reposición de 3 computadoras'], humanResources: [], communication: [] },
    contracts: { rental: { answer: 'SI' }, cleaning: { answer: 'SI' }, others: [] },
    comments: 'Visita sin incidentes.',
  },
  record_advisor_interviews: { interviews: [{ entityId: 'sunarp', module: 'M-07', notes: 'Conoce el protocolo; pide capacitación.' }] },
  close_supervision_visit: {
    summary: 'Se revisó la operación del Centro MAC y se entregó el Informe Expositivo.',
    participants: [{ name: 'Ana Torres', position: 'Responsable de Supervisión, SSCS' }, { name: 'Carlos Ruiz', position: 'Coordinador del Centro MAC' }],
    informeExpositivoDelivered: true,
    actaSigned: true,
  },
  write_expeditious_report: { antecedentes: 'Plan de Supervisión Anual', aspectosObservados: 'Equipos inoperativos', accionesInmediatas: 'Reubicación de asesores', conclusiones: 'Subsanar en plazo' },
  write_supervision_report: supervisionReport([
    { type: 'SO', source: 'Cuadro 04, 2.2.f', addressee: { kind: 'admin_entity' }, description: 'Computadoras de asesores inoperativas', recommendation: 'Reponer los equipos', termBusinessDays: 10 },
    { type: 'SO', source: 'Cuadro 04, 3.2', addressee: { kind: 'entity', entityId: 'sunarp' }, description: 'Asesores no informan el tiempo de espera', recommendation: 'Reforzar el protocolo de 2.2.3', termBusinessDays: 5 },
  ]),
  review_supervision_report: { verdict: 'approve' },
  coordinate_entity_reports: { content: text('Resultados de la supervisión por entidad') },
  report_observation_correction: { actions: 'Se subsanó lo observado', reference: 'Oficio N° 045-2026' },
  verify_observation_correction: { verdict: 'corrected' },
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
      const body = again?.body ?? family.body!();
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
      const seen = new Set<string>([rootId]);
      const ended = new Set<string>();
      /** Where each run still going was last seen, for the error that gives up. */
      const last = new Map<string, string>();
      /** Answers the open tasks of a run still going; whether it has ended. */
      const carry = async (runId: string): Promise<boolean> => {
        const r = await stack.http.get(`/api/v1/runs/${enc(runId)}`).set(supervisor);
        last.set(runId, `GET run ${r.status} ${r.body?.status} tasks ${JSON.stringify(r.body?.tasks?.map((t: OpenTask & { status: string }) => `${t.type}:${t.status}`))} notifications ${JSON.stringify(r.body?.notifications?.map((n: { key: string; status: string; attempts: number }) => `${n.key}:${n.status}:${n.attempts}`))}`);
        if (r.status !== 200) return false;
        if (r.body.status !== 'running') return true;
        const tasks = await stack.http.get(`/api/v1/tasks?runId=${enc(runId)}&status=open`).set(supervisor);
        if (tasks.status !== 200) return false;
        for (const task of tasks.body.tasks as OpenTask[]) {
          if (!(task.type in ANSWERS)) throw new Error(`no answer for a ${task.type} task`);
          if (ANSWERS[task.type] === LEAVE_OPEN) continue;
          const done = await stack.http
            .post(`/api/v1/tasks/${enc(task.id)}/complete`)
            .set(task.role === 'sscs' && SSCS_ANSWERS[task.type] ? sscsAs(SSCS_ANSWERS[task.type]!) : tokenFor(task.role, centerId, task.entityId))
            .send({ data: answerTo(task.type) });
          // 409: a completion retried after a fault found its task already done (the first went in).
          if (done.status === 200) await o.onAccepted?.('complete');
          else if (done.status !== 409 && done.status !== 503) throw new Error(`${task.type}: ${done.status} ${JSON.stringify(done.body)}`);
        }
        return false;
      };
      // Every run of the family at once: a supervision waits for its observations' runs to end,
      // a plan's programación starts its maintenances after the plan ended.
      await persist(`the runs of ${rootId}`, async (note) => {
        for (const runId of [...seen].filter((id) => !ended.has(id))) if (await carry(runId)) ended.add(runId);
        const started = await stack.models.Run.find({ 'startedBy.sub': { $in: [...seen] } }, { _id: 1 }).lean();
        for (const c of started) seen.add(c._id);
        note(`${ended.size} of ${family.runs} runs ended; ${[...seen].filter((id) => !ended.has(id)).map((id) => `${id}: ${last.get(id)}`).join(' | ')}`);
        return ended.size === seen.size && seen.size >= family.runs ? true : undefined;
      });
      return [...seen];
    },
  };
  return driver;
}
