import { keysOf } from './schemas';

/**
 * Terms the operators may tune (DESIGN §3), passed to every new run so a run keeps the terms it
 * started with. Workflow-safe: plain data. The defaults are ours where the manual sets none.
 */

/** Kinds of incidencia (glossary: "Incidencia"), each with its own term to report a solution. */
export const INCIDENT_TYPES = {
  personal: 'Personal (ausencia, reemplazo, desempeño del asesor)',
  operacion: 'Operación del módulo (horario, atención suspendida)',
  logistica: 'Requerimientos y desempeño logístico (insumos, materiales)',
  ambiente_laboral: 'Ambiente laboral',
  sistema_turnos: 'Falla en el sistema de turnos',
  sistemas_informaticos: 'Programas informáticos de la entidad',
  red: 'Red y comunicaciones',
  equipos: 'Equipos tecnológicos',
  otro: 'Otra incidencia que afecte el normal funcionamiento',
} as const;
export type IncidentType = keyof typeof INCIDENT_TYPES;
export const INCIDENT_TYPE_IDS = keysOf(INCIDENT_TYPES);

export interface EngineSettings {
  opening: {
    /** Minutes before the opening hour that the daily verification starts (the schedule fires). */
    verificationLeadMinutes: number;
    /** Hours between escalation levels while the center is closed or the verification is late. */
    escalateEveryHours: number;
  };
  /** Corrective maintenance (PA2.2.3, PA1.1.4): business days to get a finding fixed. */
  maintenance: { businessDays: number };
  /**
   * Staff (PA3.1.1, PA3.1.2): business days for the Entidad Administradora to incorporate the
   * person required; for the Supervisor to give the induction, evaluate it, and for the
   * coordinator's decision after a not satisfactory one.
   */
  staff: { incorporationDays: number; inductionDays: number; evaluationDays: number; decisionDays: number };
  /**
   * Preventive maintenance (PA2.2.1, PA2.2.2, PA1.1.3): the plan of a year is due on
   * `planDeadline` (MM-DD of that year); each scheduled maintenance opens `leadDays` business days
   * before its date, for the coordination with the contractor.
   */
  preventive: { planDeadline: string; approvalDays: number; leadDays: number };
  /** The pre-operative stage (P2.2.1, 2.2.1): business days for each of its activities. */
  preOperative: { checklistDays: number; enablementDays: number; marchaBlancaDays: number; inaugurationDays: number };
  /** Incidents (PM1.3.3): business days the entity has to report a solution, per type (ANS). */
  incidents: { termDays: Record<IncidentType, number> };
  /**
   * Supervision (PM1.3.1, 2.3): the manual sets no term (docs/design/supervision-2.3.md, A4).
   * A planned visit's run starts `gabineteLeadDays` business days before the visit; the gabinete
   * is due `gabineteDueBefore` business days before it; the reports, the review and each
   * observation's correction get their own business days; reminders `remindBefore` days before.
   */
  supervision: {
    gabineteLeadDays: number;
    gabineteDueBefore: number;
    reportDays: number;
    reviewDays: number;
    observationDays: number;
    verificationDays: number;
    entityReportsDays: number;
    escalateEvery: number;
  };
  /** The monthly indicator report (PE1.3.1 Gestión de indicadores): see IndicatorSettings. */
  indicators: IndicatorSettings;
}

/**
 * A goal (meta) of an indicator of the Listado (2.4.2): its value must be at least / at most
 * `target`, in the indicator's own unit (a percentage as 0–100). The glossary's "Indicador de
 * desempeño" is read against "períodos anteriores o … metas o compromisos": the report shows both.
 */
export interface IndicatorGoal {
  target: number;
  direction: 'at_least' | 'at_most';
}

/**
 * PE1.3.1: the goals by indicator id of the catalog (an indicator without one is shown, not
 * judged); the Lima time the report is issued on the month's first business day; business days
 * the coordinator has to analyse it and propose improvement actions.
 */
export interface IndicatorSettings {
  goals: Record<string, IndicatorGoal>;
  issueAt: string;
  analysisDays: number;
}

/**
 * Goals where the manual implies one: the legal term of every claim (D.S. N° 007-2020-PCM, 30
 * business days) is met for all of them, the center opens at its hour every day (2.2.2), every
 * incident is solved satisfactorily (PM1.3.3), every visit of the Plan de Supervisión Anual (2.3)
 * and every maintenance of the preventive plans (PA2.2.2, PA1.1.3) is carried out. Ours otherwise.
 */
export const DEFAULT_INDICATOR_GOALS: Record<string, IndicatorGoal> = {
  claims_in_term: { target: 100, direction: 'at_least' },
  claims_timely: { target: 100, direction: 'at_least' },
  opened_on_time: { target: 100, direction: 'at_least' },
  incidents_resolved: { target: 100, direction: 'at_least' },
  supervision_plan: { target: 100, direction: 'at_least' },
  preventive_plan_execution: { target: 100, direction: 'at_least' },
  tic_preventive_plan: { target: 100, direction: 'at_least' },
};

/**
 * Our defaults: the verification starts 30 minutes before opening; escalation every 2 hours while
 * closed; 5 business days for a corrective maintenance; incidents that stop a service (staff,
 * module, systems, network) 1 business day, equipment and others 2, supplies and climate 3.
 */
export const DEFAULT_SETTINGS: EngineSettings = {
  opening: { verificationLeadMinutes: 30, escalateEveryHours: 2 },
  maintenance: { businessDays: 5 },
  staff: { incorporationDays: 20, inductionDays: 5, evaluationDays: 2, decisionDays: 3 },
  preventive: { planDeadline: '01-31', approvalDays: 3, leadDays: 5 },
  preOperative: { checklistDays: 10, enablementDays: 10, marchaBlancaDays: 15, inaugurationDays: 10 },
  supervision: { gabineteLeadDays: 15, gabineteDueBefore: 2, reportDays: 10, reviewDays: 3, observationDays: 20, verificationDays: 5, entityReportsDays: 10, escalateEvery: 5 },
  indicators: { goals: DEFAULT_INDICATOR_GOALS, issueAt: '08:00', analysisDays: 5 },
  incidents: {
    termDays: {
      personal: 1,
      operacion: 1,
      sistema_turnos: 1,
      sistemas_informaticos: 1,
      red: 1,
      equipos: 2,
      otro: 2,
      logistica: 3,
      ambiente_laboral: 3,
    },
  },
};

/** How much a worker holds and runs at once (npm start and the standalone worker alike). */
export interface WorkerTuning {
  maxCachedWorkflows: number;
  maxConcurrentActivityTaskExecutions: number;
}

/**
 * Measured (docs/benchmarks.md): a worker holds about 330 MB before it caches any run (Node, the
 * SDK's core, the activities' libraries; the workflow bundle is built in another process); with
 * 200 cached it stayed under 500 MB through 10,000 open claims (464 MB at most), its JS heap after
 * a full GC flat at 73-75 MB: the growth is native (the SDK's core and the allocator). A run out
 * of the cache is replayed from its history when it wakes (a reminder, a completion): fewer
 * cached runs cost CPU in bursts, more cost memory. 32 activities at once is twice FerretDB's 16
 * PostgreSQL connections: a chosen bound (not a measured optimum) so a burst waits in Temporal's
 * task queue, where no timeout runs, rather than in the store.
 */
export const DEFAULT_WORKER_TUNING: WorkerTuning = { maxCachedWorkflows: 200, maxConcurrentActivityTaskExecutions: 32 };
