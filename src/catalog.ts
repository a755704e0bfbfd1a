/**
 * The process catalog: every procedure of the Centros MAC process matrix, the single source of
 * truth for the API listing, input validation, indicators and documents (DESIGN §2, §4).
 * Nothing else in the code base lists procedures.
 *
 * Sources (shared/seeds/000_…txt): codes, names, levels and objectives from Cuadro 07 (2.4.1);
 * owners from Cuadro 08 where it names one (Cuadro 08's `PM3.1.x` read as `PA3.1.x`), ours
 * otherwise (`ownerFromManual: false`); indicators from the "Listado de procedimientos e
 * indicadores" (2.4.2). The three protocols of 2.2 the matrix does not number are `P2.2.x`.
 *
 * Procedures whose manual text sets rules of their own get a dedicated workflow; the rest run on
 * the catalog-driven procedure workflow with the short step lists below. Those step lists are
 * ours, designed from each procedure's objective and indicator (the manual's Fichas Técnicas are
 * not in the seed), and are meant to be revised with the process owners.
 */
import { z } from 'zod';
import { centerIdSchema, emailSchema, freeTextSchema, isoDateSchema, personNameSchema } from './shared/schemas';
import type { Role, SscsFunction } from './shared/roles';
import { INCIDENT_TYPE_IDS } from './shared/settings';
import { OPENING_ITEM_IDS } from './domain/opening';
import { INVOLVED_KIND_IDS } from './domain/conflicts';
import { unscheduledSchema } from './domain/supervision';
import { ENTITY_PROFILES, STAFF_PROFILE_IDS, staffRef } from './domain/staff';
import type { AssetDomain } from './domain/assets';

export type WorkflowType =
  | 'procedureWorkflow'
  | 'congratulationWorkflow'
  | 'claimWorkflow'
  | 'dailyOpeningWorkflow'
  | 'maintenanceWorkflow'
  | 'conflictWorkflow'
  | 'incidentWorkflow'
  | 'supervisionWorkflow'
  | 'incorporationWorkflow'
  | 'inductionWorkflow'
  | 'cessationWorkflow'
  | 'preventivePlanWorkflow'
  | 'preventiveMaintenanceWorkflow'
  | 'preOperativeWorkflow'
  | 'indicatorReportWorkflow';

/**
 * What a procedure does for other procedures, so that a workflow asks the catalog which procedure
 * (code, workflow type, responsibles) to start instead of naming it: a finding goes to the
 * corrective maintenance of the asset's domain, a plan item to the preventive one, an
 * incorporation to the induction, a grave conflict to the incident.
 */
export type ProcedureRole =
  | { kind: 'corrective_maintenance' | 'preventive_maintenance'; domain: AssetDomain; fixer: Role; confirmer: Role }
  | { kind: 'induction' | 'incident' };
export type ProcedureRoleKind = ProcedureRole['kind'];

/**
 * A figure a step of a catalog-driven procedure must report, because an indicator of the Listado
 * is computed from it (citizens surveyed, turns attended, the risk level found…). Counts and hours
 * are summed over runs into the run's metrics under `key`; a choice records `<key>__<option>` = 1
 * (a breakdown by type) and, on a `scale`, also `key` = the option's rank (0 = lowest).
 */
export interface FigureDefinition {
  key: string;
  /** Spanish label, as the form shows it. */
  label: string;
  kind: 'count' | 'hours' | 'choice';
  /** For a choice: option id → Spanish label, in order (lowest first on a scale). */
  options?: Record<string, string>;
  scale?: boolean;
}

/** A human task of the catalog-driven procedure workflow. */
export interface StepDefinition {
  key: string;
  /** Spanish title shown in the inbox and emails. */
  title: string;
  role: Role;
  /** Term of the task in business days, counted from the day after it is opened. */
  dueBusinessDays: number;
  /** What the step reports for the procedure's indicators (`data.figures`). */
  figures?: FigureDefinition[];
}

/**
 * An indicator computed from the metrics runs record when they close: `numerator / denominator`
 * as a percentage, or a count of `numerator` when there is no denominator.
 */
export interface IndicatorDefinition {
  id: string;
  /** The Listado's wording. */
  name: string;
  numerator: string;
  denominator?: string;
  /** How we read the formula, where the manual gives only the name. */
  formula: string;
  /**
   * How the value reads: a sum of hours (hours a center stayed closed); a rate per hour (turns
   * attended / hours of attention, not × 100); a level of a scale (the highest found). Default: a
   * percentage with a denominator, a count without.
   */
  unit?: 'hours' | 'per_hour' | 'level';
  /** `max`: the highest value any run recorded (a risk level), not their sum. */
  aggregate?: 'max';
  /** The labels of the levels of a `level` indicator, lowest first. */
  scale?: string[];
  /** A count broken down by a choice figure (`<prefix>__<option>` metrics), e.g. occurrences by type. */
  breakdown?: { prefix: string; labels: Record<string, string> };
  /**
   * The procedures whose runs carry the figures, when not (only) this one: PM1.3.2 reads PM1.4.2's;
   * PA1.1.4's share of correctives counts PA1.1.3's preventive runs too.
   */
  from?: string | string[];
  /**
   * Computed from other data than the runs' metrics: the Plan de Supervisión Anual (PM1.3.1); the
   * Libro de Reclamaciones (claims answered in term over those answered or past their term); the
   * roster (a share of the center's staff as denominator).
   */
  source?: 'supervision_plan' | 'claims' | 'roster';
}

export interface ProcedureDefinition {
  code: string;
  name: string;
  level1: { code: string; name: string };
  level2: { code: string; name: string };
  objective: string;
  owner: Role[];
  ownerFromManual: boolean;
  /** Roles that may start a run (besides SSCS, which may start any). */
  starters: Role[];
  indicators: IndicatorDefinition[];
  workflowType: WorkflowType;
  /** False while the dedicated workflow its rules need is not built; see `pending`. */
  executable: boolean;
  pending?: string;
  inputSchema: z.ZodType;
  steps?: StepDefinition[];
  /** The manual's sections that govern this procedure. */
  manual: string[];
  /** Prefix of the run's business number (default: the code), e.g. HR for a Hoja de reclamación. */
  numberPrefix?: string;
  /** A legal term on the whole run, in business days counted from the day after registration. */
  legalTerm?: { businessDays: number; reference: string };
  /** The SSCS supervision functions one of which an SSCS member needs to start a run (PM1.3.1). */
  starterFunctions?: SscsFunction[];
  /** What it does for other procedures (see ProcedureRole). */
  serves?: ProcedureRole;
  /**
   * The stage of the center it runs on: operating (default), pre-operative only (P2.2.1), or
   * either (the staff of a new center is incorporated before it opens).
   */
  centerStage?: 'pre_operative' | 'any';
  /**
   * One run at a time per center and `ref` (the `ref` its workflow records): the API refuses a
   * second one with 409 while one is running — or ever, with `once` (a year's plan, a center's
   * pre-operative stage).
   */
  single?: { ref: (input: Record<string, unknown>) => string; once?: boolean };
}

// ---------------------------------------------------------------------------------------------
// Input schemas

/** Input of every catalog-driven run: which center, and what this execution is about. */
export const procedureRunInputSchema = z
  .object({
    centerId: centerIdSchema,
    subject: freeTextSchema(200).describe('Asunto de esta ejecución del procedimiento'),
    description: freeTextSchema(4000).optional(),
    period: z
      .string()
      .regex(/^\d{4}(-(0[1-9]|1[0-2]))?$/, 'must be a period YYYY or YYYY-MM')
      .optional()
      .describe('Periodo al que corresponde (plan anual, mes)'),
  })
  .strict();

/** PM1.4.2: a claim of the Libro de Reclamaciones (glossary; D.S. N° 007-2020-PCM). */
export const claimInputSchema = z
  .object({
    centerId: centerIdSchema,
    citizen: z
      .object({
        name: personNameSchema,
        documentType: z.enum(['DNI', 'CE', 'PASAPORTE', 'PTP', 'RUC']).describe('Tipo de documento de identidad'),
        documentNumber: z.string().trim().regex(/^[A-Za-z0-9-]{6,15}$/, 'must be 6 to 15 letters or digits'),
        email: emailSchema,
        phone: z.string().trim().regex(/^\+?[0-9 ]{6,20}$/, 'must be a phone number').optional(),
      })
      .strict(),
    entityId: z
      .string()
      .regex(/^[a-z0-9-]+$/, 'must be an entity id')
      .optional()
      .describe('Entidad participante reclamada; si falta, el reclamo es sobre el Centro MAC'),
    description: freeTextSchema(4000).describe('Descripción de los hechos'),
    request: freeTextSchema(2000).describe('Pedido del ciudadano'),
  })
  .strict();

/** PM1.4.1: a congratulation from the Libro de Felicitaciones (glossary). */
export const congratulationInputSchema = z
  .object({
    centerId: centerIdSchema,
    citizen: z.object({ name: personNameSchema, email: emailSchema }).strict(),
    entityId: z
      .string()
      .regex(/^[a-z0-9-]+$/, 'must be an entity id')
      .optional()
      .describe('Entidad participante felicitada; si falta, la felicitación es para el Centro MAC'),
    message: freeTextSchema(4000),
  })
  .strict();

const entityIdSchema = z.string().regex(/^[a-z0-9-]+$/, 'must be an entity id');

/** P2.2.2: the daily opening of a center (the schedule starts it; the API can too). */
export const openingInputSchema = z.object({ centerId: centerIdSchema }).strict();

/**
 * PA2.2.3 / PA1.1.4: a corrective maintenance (from a daily verification, or reported directly),
 * of an asset of the register (src/domain/assets.ts) when it names one. (No `.extend()` of another
 * schema here: the catalog loads in the workflow sandbox, whose frozen objects zod cannot clone.)
 */
export const correctiveInputSchema = z
  .object({
    centerId: centerIdSchema,
    asset: freeTextSchema(200).describe('Recurso, equipo o instalación a reparar'),
    description: freeTextSchema(2000).describe('Falla o deterioro observado'),
    itemId: z.enum(OPENING_ITEM_IDS).optional().describe('Recurso de la verificación diaria (2.2.2), si corresponde'),
    assetId: z.string().max(120).optional().describe('Activo del registro del centro (clave, p. ej. "aire-acondicionado"); define quién lo repara'),
    sourceRunId: z.string().max(120).optional(),
  })
  .strict();

/** PA3.1.1: the coordinator's requirement of a person for a job profile (2.1.5, Cuadro 01). */
export const incorporationInputSchema = z
  .object({
    centerId: centerIdSchema,
    profile: z.enum(STAFF_PROFILE_IDS).describe('Perfil de puesto requerido (2.1.5)'),
    entityId: entityIdSchema.optional().describe('Entidad participante, para un Asesor de Servicio'),
    justification: freeTextSchema(2000).describe('Sustento del requerimiento (dotación mínima, demanda)'),
  })
  .strict()
  .refine((i) => !ENTITY_PROFILES.includes(i.profile) || i.entityId !== undefined, { path: ['entityId'], message: 'the entity is required for a service advisor' });

/** PA3.1.2: the induction of a member of the staff (started by the incorporation, or by the supervisor). */
export const inductionInputSchema = z
  .object({
    centerId: centerIdSchema,
    staffMemberId: z.string().min(1).max(120).describe('Persona del personal del centro (GET /centers/{id}/staff)'),
  })
  .strict();

/** PA3.1.4: the cese of a member of the staff. */
export const cessationInputSchema = z
  .object({
    centerId: centerIdSchema,
    staffMemberId: z.string().min(1).max(120).describe('Persona del personal del centro que cesa'),
    reason: freeTextSchema(2000).describe('Motivo del cese'),
  })
  .strict();

/** PA2.2.1: the annual preventive maintenance plan of a center. */
export const preventivePlanInputSchema = z
  .object({
    centerId: centerIdSchema,
    year: z.number().int().min(2020).max(2100).describe('Año del plan'),
  })
  .strict();

/** PA2.2.2 / PA1.1.3: one scheduled preventive maintenance (the plan starts them; or directly). */
export const preventiveMaintenanceInputSchema = z
  .object({
    centerId: centerIdSchema,
    date: isoDateSchema.describe('Fecha programada'),
    description: freeTextSchema(300).describe('Qué se mantiene y en qué consiste'),
    assetKey: z.string().max(80).optional(),
    contractor: freeTextSchema(200).optional(),
    planRunId: z.string().max(120).optional().describe('La ejecución del plan anual (PA2.2.1) que la programó'),
  })
  .strict();

/** P2.2.1: the pre-operative stage of a new center, from its Acta de Entrega del Inmueble Acondicionado. */
export const preOperativeInputSchema = z
  .object({
    centerId: centerIdSchema,
    actaEntrega: z
      .object({ date: isoDateSchema.describe('Fecha de suscripción del acta'), reference: freeTextSchema(200).describe('Número o referencia del acta') })
      .strict()
      .describe('Acta de Entrega del Inmueble Acondicionado, suscrita por el contratista y la Entidad Administradora'),
  })
  .strict();

/** P2.2.4: a conflict at the center. */
export const conflictInputSchema = z
  .object({
    centerId: centerIdSchema,
    occurredAt: z.iso.datetime({ offset: true }).describe('Fecha y hora del hecho (ISO 8601)'),
    place: freeTextSchema(200).describe('Lugar: zona, módulo'),
    description: freeTextSchema(4000).describe('Qué sucedió'),
    involved: z
      .array(z.object({ kind: z.enum(INVOLVED_KIND_IDS), name: personNameSchema.optional() }).strict())
      .min(1)
      .max(20)
      .describe('Personas involucradas'),
    severity: z.enum(['minor', 'grave']).describe('minor: conversación directa; grave: mayor gravedad o complejidad (Formato 17)'),
    entityId: entityIdSchema.optional().describe('Entidad participante cuyo servicio está involucrado'),
    module: freeTextSchema(60).optional(),
  })
  .strict();

/**
 * PM1.3.1: an unscheduled supervision (2.3.3, "visitas no programadas, derivadas de situaciones
 * coyunturales y/o emergentes"). Planned visits are started by the plan (/supervision/plans).
 */
export const supervisionInputSchema = z
  .object({
    centerId: centerIdSchema,
    visitDate: isoDateSchema.describe('Fecha de la visita de campo'),
    // Described where it is defined: a ZodObject of another module is not cloned here (the catalog
    // also loads in the workflow sandbox, where cloning a frozen object's schema throws).
    unscheduled: unscheduledSchema,
  })
  .strict();

/** PM1.3.3: an incident in a participating entity's service, or of the center itself (a grave conflict, 2.2.4). */
export const incidentInputSchema = z
  .object({
    centerId: centerIdSchema,
    // Optional: without it the incident concerns the center itself — its staff, operation, security
    // (glossary: Incidencia; every grave conflict is one, 2.2.4) — and the Coordinador(a) reports its solution.
    entityId: entityIdSchema.optional().describe('Entidad participante cuyo servicio está involucrado; sin ella, la incidencia es del propio Centro MAC'),
    module: freeTextSchema(60).optional().describe('Módulo(s) de atención'),
    type: z.enum(INCIDENT_TYPE_IDS).describe('Tipo de incidencia: fija el plazo de solución (ANS)'),
    description: freeTextSchema(4000),
    occurredAt: z.iso.datetime({ offset: true }).optional(),
    sourceRunId: z.string().max(120).optional().describe('La ejecución que la originó (un conflicto grave, 2.2.4)'),
  })
  .strict();

/** The current Lima month, `YYYY-MM` (Peru: UTC−5 all year). */
const currentLimaMonth = () => new Date(Date.now() - 5 * 3600_000).toISOString().slice(0, 7);

/**
 * PE1.3.1: the monthly indicator report of a center. Its schedule gives no month (the one before
 * it fires); the API may name one, not later than the current one (a month not over yet is issued
 * on the first business day after it).
 */
export const indicatorReportInputSchema = z
  .object({
    centerId: centerIdSchema,
    month: z
      .string()
      .regex(/^(20[2-9]\d)-(0[1-9]|1[0-2])$/, 'must be a month YYYY-MM (2020 or later)')
      .optional()
      .describe('Mes reportado (YYYY-MM); por defecto, el mes anterior'),
  })
  .strict()
  .refine((i) => i.month === undefined || i.month <= currentLimaMonth(), { path: ['month'], message: 'must not be after the current month' });

// ---------------------------------------------------------------------------------------------
// Levels of Cuadro 07

const PE1 = { code: 'PE1', name: 'Gestión y control del Centro MAC' };
const PM1 = { code: 'PM1', name: 'Gestión de la operación del Centro MAC' };
const PA1 = { code: 'PA1', name: 'Gestión de infraestructura tecnológica' };
const PA2 = { code: 'PA2', name: 'Gestión administrativa' };
const PA3 = { code: 'PA3', name: 'Gestión y evaluación del talento humano' };
const PROTOCOLS = { code: 'P2.2', name: 'Protocolos para Centros MAC' };

const L2 = {
  'PE1.1': { code: 'PE1.1', name: 'Planificación del Centro MAC', objective: 'Coordinar y proponer los lineamientos, actividades a seguir en el corto plazo, para la adecuada gestión de los Centros MAC.' },
  'PE1.2': { code: 'PE1.2', name: 'Monitoreo y gestión de resultados', objective: 'Sistematizar los avances de actividades y metas, que permita la retroalimentación necesaria para corregir desviaciones, así como apoyar la toma de decisiones de manera oportuna y efectiva.' },
  'PE1.3': { code: 'PE1.3', name: 'Gestión de calidad y procesos', objective: 'Asegurar que los servicios brindados en los Centros MAC se realicen de acuerdo con los estándares de calidad definidos, implementar la mejora continua en los procesos y procedimientos.' },
  'PE1.4': { code: 'PE1.4', name: 'Fortalecimiento de competencias', objective: 'Asegurar el buen servicio al usuario en los Centros MAC, mediante el desarrollo de competencias y habilidades de Asesores y colaboradores de la Plataforma MAC.' },
  'PM1.1': { code: 'PM1.1', name: 'Orientación al ciudadano', objective: 'Atender las consultas planteadas por los ciudadanos sobre los trámites y servicios que pretende realizar, a fin de asegurar la satisfacción del usuario.' },
  'PM1.2': { code: 'PM1.2', name: 'Prestación del servicio', objective: 'Asegurar la satisfacción del usuario en la realización de los trámites y servicios en la Plataforma MAC.' },
  'PM1.3': { code: 'PM1.3', name: 'Supervisión de la atención', objective: 'Garantizar un desarrollo operativo eficiente de los trámites y servicios que se realizan en los Centros MAC, integrando las acciones y actividades efectuadas por las entidades participantes y equipo MAC.' },
  'PM1.4': { code: 'PM1.4', name: 'Servicios post-atención', objective: 'Desarrolla la gestión y medición de las acciones de trámites y servicios realizados de manera ex post, a fin de preservar la satisfacción del ciudadano con la atención brindada en la Plataforma MAC.' },
  'PA1.1': { code: 'PA1.1', name: 'Gestión de soporte e infraestructura de TICs', objective: 'Administrar eficientemente la infraestructura tecnológica y servicios informáticos, gestionando la seguridad y respaldo de la información con una adecuada gestión del mantenimiento preventivo / correctivo.' },
  'PA2.1': { code: 'PA2.1', name: 'Gestión del patrimonio', objective: 'Asegurar la adecuada gestión de los bienes patrimoniales.' },
  'PA2.2': { code: 'PA2.2', name: 'Gestión del mantenimiento', objective: 'Asegurar el mantenimiento oportuno de la infraestructura y el equipamiento electromecánico de los Centros MAC para el cumplimiento de los objetivos del programa.' },
  'PA3.1': { code: 'PA3.1', name: 'Gestión del personal', objective: 'Organizar la gestión interna de los recursos humanos alineándolos a los objetivos estratégicos de la entidad, mandatos y disposiciones normativas.' },
} as const;

// ---------------------------------------------------------------------------------------------
// Builders: keep each entry to the facts that differ.

const step = (key: string, role: Role, dueBusinessDays: number, title: string, figures?: FigureDefinition[]): StepDefinition => ({ key, role, dueBusinessDays, title, ...(figures ? { figures } : {}) });
const count = (key: string, label: string): FigureDefinition => ({ key, label, kind: 'count' });
const hoursFigure = (key: string, label: string): FigureDefinition => ({ key, label, kind: 'hours' });
const choice = (key: string, label: string, options: Record<string, string>, scale = false): FigureDefinition => ({ key, label, kind: 'choice', options, ...(scale ? { scale } : {}) });

/** Types of occurrence, from the glossary's "Incidencia" (PE1.2.1 counts them by type). */
export const OCCURRENCE_TYPES = {
  personal: 'Personal',
  logistica: 'Requerimientos y desempeño logístico',
  operacion: 'Operación del Centro',
  ambiente_laboral: 'Ambiente laboral',
  sistema_turnos: 'Fallas en el sistema de turnos',
  programas: 'Programas informáticos',
  red: 'Red',
  equipos: 'Equipos tecnológicos',
  otro: 'Otro que afecte el normal funcionamiento',
} as const;
/** Risk levels of vulnerabilities, lowest first (PA1.1.1 reports the highest found). */
export const RISK_LEVELS = { ninguno: 'Ninguno', bajo: 'Bajo', medio: 'Medio', alto: 'Alto', critico: 'Crítico' } as const;

/** The usual indicator of a catalog-driven procedure: runs whose every step was done, over runs closed. */
const pctAchieved = (id: string, name: string, formula?: string): IndicatorDefinition => ({
  id,
  name,
  numerator: 'achieved',
  denominator: 'closed',
  formula: formula ?? 'ejecuciones cerradas con todos sus pasos cumplidos / ejecuciones cerradas × 100',
});
const countOf = (id: string, name: string, numerator: string, formula: string): IndicatorDefinition => ({ id, name, numerator, formula });
const hoursOf = (id: string, name: string, numerator: string, formula: string): IndicatorDefinition => ({ id, name, numerator, formula, unit: 'hours' });
/** A share of the center's roster (StaffMember: active at the period's end, or ceased within it). */
const ofRoster = (id: string, name: string, numerator: string, formula: string, from?: string): IndicatorDefinition => ({ id, name, numerator, denominator: 'roster', source: 'roster', formula, ...(from ? { from } : {}) });
/** Claims answered within their legal term over those answered or already past it (Libro de Reclamaciones). */
const claimsInTerm = (id: string, name: string): IndicatorDefinition => ({
  id,
  name,
  numerator: 'answeredInTerm',
  denominator: 'answeredOrOverdue',
  source: 'claims',
  formula: 'reclamos registrados en el periodo respondidos dentro de 30 días hábiles / (reclamos respondidos + reclamos sin respuesta cuyo plazo venció: desde el día siguiente a su vencimiento) × 100',
});
/** A percentage of two figures runs record; `from` when they are another procedure's runs. */
const ratio = (id: string, name: string, numerator: string, denominator: string, formula: string, from?: string | string[]): IndicatorDefinition => ({
  id,
  name,
  numerator,
  denominator,
  formula,
  ...(from ? { from } : {}),
});

interface GenericArgs {
  code: string;
  name: string;
  l1: { code: string; name: string };
  l2: keyof typeof L2;
  owner: Role[];
  ownerFromManual: boolean;
  indicators: IndicatorDefinition[];
  steps: StepDefinition[];
  starters?: Role[];
  manual?: string[];
}

function generic(a: GenericArgs): ProcedureDefinition {
  const l2 = L2[a.l2];
  return {
    code: a.code,
    name: a.name,
    level1: a.l1,
    level2: { code: l2.code, name: l2.name },
    objective: l2.objective,
    owner: a.owner,
    ownerFromManual: a.ownerFromManual,
    starters: a.starters ?? [...new Set<Role>([...a.owner, 'coordinator'])],
    indicators: a.indicators,
    workflowType: 'procedureWorkflow',
    executable: true,
    inputSchema: procedureRunInputSchema,
    steps: a.steps,
    manual: a.manual ?? ['2.4.1 Cuadro 07', '2.4.2 Listado'],
  };
}

interface DedicatedArgs extends Omit<GenericArgs, 'steps' | 'l2'> {
  /** A level-2 process of Cuadro 07, or the protocols' own (with its objective). */
  l2: keyof typeof L2 | { code: string; name: string; objective: string };
  /** The workflow that runs it and its input; absent while that workflow is not built… */
  workflow?: { type: WorkflowType; inputSchema: z.ZodType };
  /** …and then, what it is waiting for. */
  pending?: string;
  numberPrefix?: string;
  legalTerm?: ProcedureDefinition['legalTerm'];
  starterFunctions?: SscsFunction[];
  serves?: ProcedureRole;
  centerStage?: ProcedureDefinition['centerStage'];
  single?: ProcedureDefinition['single'];
}

/** A procedure with rules of its own in the manual: its dedicated workflow, or why it is pending. */
function dedicated(a: DedicatedArgs): ProcedureDefinition {
  const l2 = typeof a.l2 === 'string' ? L2[a.l2] : a.l2;
  return {
    code: a.code,
    name: a.name,
    level1: a.l1,
    level2: { code: l2.code, name: l2.name },
    objective: l2.objective,
    owner: a.owner,
    ownerFromManual: a.ownerFromManual,
    starters: a.starters ?? [...new Set<Role>([...a.owner, 'coordinator'])],
    indicators: a.indicators,
    workflowType: a.workflow?.type ?? 'procedureWorkflow',
    executable: a.workflow !== undefined,
    ...(a.pending ? { pending: a.pending } : {}),
    inputSchema: a.workflow?.inputSchema ?? procedureRunInputSchema,
    manual: a.manual ?? ['2.4.1 Cuadro 07', '2.4.2 Listado'],
    ...(a.numberPrefix ? { numberPrefix: a.numberPrefix } : {}),
    ...(a.legalTerm ? { legalTerm: a.legalTerm } : {}),
    ...(a.starterFunctions ? { starterFunctions: a.starterFunctions } : {}),
    ...(a.serves ? { serves: a.serves } : {}),
    ...(a.centerStage ? { centerStage: a.centerStage } : {}),
    ...(a.single ? { single: a.single } : {}),
  };
}


// ---------------------------------------------------------------------------------------------
// The 39 procedures of DESIGN §4

const PROCEDURES: ProcedureDefinition[] = [
  generic({
    code: 'PE1.1.1', name: 'Actualización de los lineamientos estratégicos de los Centros MAC', l1: PE1, l2: 'PE1.1',
    owner: ['sscs'], ownerFromManual: false, starters: ['sscs'],
    indicators: [ratio('guidelines_updated', '% Lineamientos estratégicos actualizados', 'guidelinesUpdated', 'guidelinesScheduled', 'lineamientos revisados y actualizados / lineamientos programados para revisión × 100')],
    steps: [
      step('collect_proposals', 'coordinator', 10, 'Remitir propuestas de mejora del Centro MAC (informe técnico a la SSCS, 1.4)'),
      step('update_guidelines', 'sscs', 20, 'Evaluar propuestas y actualizar los lineamientos estratégicos', [
        count('guidelinesScheduled', 'Lineamientos programados para revisión'),
        count('guidelinesUpdated', 'Lineamientos revisados y actualizados'),
      ]),
    ],
    manual: ['1.4 Revisión', '2.4.1 Cuadro 07'],
  }),
  generic({
    code: 'PE1.1.2', name: 'Planeación de la operación de los Centros MAC', l1: PE1, l2: 'PE1.1',
    owner: ['coordinator'], ownerFromManual: true,
    indicators: [ratio('operation_plan_execution', '% Ejecución del Plan de Operación de los Centros MAC', 'planActivitiesExecuted', 'planActivities', 'actividades del Plan de Operación ejecutadas / actividades del plan × 100')],
    steps: [
      step('draft_plan', 'coordinator', 10, 'Formular el Plan de Operación del Centro MAC'),
      step('approve_plan', 'sscs', 10, 'Revisar y aprobar el Plan de Operación'),
      step('report_execution', 'coordinator', 20, 'Reportar la ejecución del Plan de Operación', [
        count('planActivities', 'Actividades del plan'),
        count('planActivitiesExecuted', 'Actividades ejecutadas'),
      ]),
    ],
  }),
  generic({
    code: 'PE1.1.3', name: 'Programación de actividades', l1: PE1, l2: 'PE1.1',
    owner: ['coordinator'], ownerFromManual: false,
    indicators: [ratio('scheduled_activities', '% Cumplimiento de actividades programadas', 'activitiesDone', 'activitiesScheduled', 'actividades cumplidas / actividades programadas en el periodo × 100')],
    steps: [
      step('schedule', 'coordinator', 5, 'Programar las actividades del periodo'),
      step('report', 'supervisor', 20, 'Reportar el cumplimiento de las actividades programadas', [
        count('activitiesScheduled', 'Actividades programadas'),
        count('activitiesDone', 'Actividades cumplidas'),
      ]),
    ],
  }),
  generic({
    code: 'PE1.2.1', name: 'Monitoreo de Centros MAC', l1: PE1, l2: 'PE1.2',
    owner: ['supervisor'], ownerFromManual: true, starters: ['supervisor', 'coordinator'],
    indicators: [
      {
        ...countOf('occurrences', 'Número de ocurrencias por tipo en Centros MAC', 'closed', 'ocurrencias registradas en el periodo, por tipo (glosario: Incidencia)'),
        breakdown: { prefix: 'occurrenceType', labels: OCCURRENCE_TYPES },
      },
    ],
    steps: [
      step('record_occurrence', 'supervisor', 1, 'Registrar la ocurrencia observada en el monitoreo', [choice('occurrenceType', 'Tipo de ocurrencia', OCCURRENCE_TYPES)]),
      step('review', 'coordinator', 3, 'Revisar la ocurrencia y disponer acciones'),
    ],
  }),
  generic({
    code: 'PE1.2.2', name: 'Medición de la información (SII)', l1: PE1, l2: 'PE1.2',
    owner: ['tic_specialist'], ownerFromManual: false,
    indicators: [pctAchieved('information_requests', '% de solicitudes de información atendidas', 'solicitudes de información atendidas / solicitudes recibidas × 100')],
    steps: [
      step('prepare_report', 'tic_specialist', 3, 'Extraer y consolidar la información solicitada del SII'),
      step('deliver', 'coordinator', 2, 'Validar y remitir la información al solicitante'),
    ],
  }),
  // The monthly indicator report (issue 11): on the first business day of each month, per center,
  // every indicator of the month and of the one before, against its goal (settings.indicators),
  // emailed to the coordinator and SSCS-SGP; the coordinator analyses it and proposes improvements.
  // Its own indicator counts the report runs started in the period (each judges the month before).
  dedicated({
    code: 'PE1.3.1', name: 'Gestión de indicadores', l1: PE1, l2: 'PE1.3',
    owner: ['coordinator'], ownerFromManual: true,
    indicators: [
      ratio('indicators_met', '% Cumplimiento de indicadores', 'indicatorsMet', 'indicatorsWithGoal', 'indicadores del centro que cumplieron su meta en el mes reportado / indicadores con meta y con valor ese mes × 100 (reportes mensuales emitidos en el periodo)'),
    ],
    workflow: { type: 'indicatorReportWorkflow', inputSchema: indicatorReportInputSchema },
    manual: ['Glosario: Indicador de desempeño', '2.4.1 Cuadros 07–08', '2.4.2 Listado'],
  }),
  generic({
    code: 'PE1.3.2', name: 'Gestión de procesos y mejora continua', l1: PE1, l2: 'PE1.3',
    owner: ['coordinator'], ownerFromManual: false,
    indicators: [pctAchieved('procedures_improved', '% Procedimientos revisados y/o mejorados')],
    steps: [
      step('review_procedure', 'supervisor', 10, 'Revisar el procedimiento y proponer mejoras'),
      step('submit_improvement', 'coordinator', 10, 'Remitir la propuesta de mejora a la SSCS'),
    ],
  }),
  generic({
    code: 'PE1.3.3', name: 'Gestión de la Encuesta de Satisfacción Ciudadana Centros MAC', l1: PE1, l2: 'PE1.3',
    owner: ['supervisor'], ownerFromManual: false,
    indicators: [ratio('surveyed_users', '% de usuarios encuestados respecto al total atendidos en los Centros MAC', 'citizensSurveyed', 'citizensAttended', 'ciudadanos encuestados / ciudadanos atendidos en el Centro MAC en el periodo de la encuesta (Sistema de Turnos) × 100')],
    steps: [
      step('apply_survey', 'orientador', 10, 'Aplicar la encuesta de satisfacción a la muestra definida', [count('citizensSurveyed', 'Ciudadanos encuestados')]),
      step('consolidate', 'supervisor', 5, 'Consolidar resultados de la encuesta', [count('citizensAttended', 'Ciudadanos atendidos en el periodo (Sistema de Turnos)')]),
    ],
  }),
  generic({
    code: 'PE1.4.1', name: 'Formulación del plan de competencias y capacidades de los Centros MAC', l1: PE1, l2: 'PE1.4',
    owner: ['coordinator'], ownerFromManual: false,
    indicators: [pctAchieved('competency_plan', 'Plan de competencias y capacidades formulado e implementado')],
    steps: [
      step('diagnose', 'supervisor', 10, 'Identificar brechas de competencias del personal'),
      step('formulate', 'coordinator', 10, 'Formular el plan de competencias y capacidades'),
    ],
  }),
  generic({
    code: 'PE1.4.2', name: 'Desarrollo de actividades de integración', l1: PE1, l2: 'PE1.4',
    owner: ['coordinator'], ownerFromManual: false,
    indicators: [pctAchieved('integration_activities', '% Cumplimiento de actividades de integración')],
    steps: [
      step('organise', 'coordinator', 10, 'Organizar la actividad de integración'),
      step('report', 'coordinator', 5, 'Registrar la ejecución y participación'),
    ],
  }),
  generic({
    code: 'PE1.4.3', name: 'Desarrollo de habilidades blandas', l1: PE1, l2: 'PE1.4',
    owner: ['coordinator'], ownerFromManual: false,
    indicators: [pctAchieved('soft_skills', '% Cumplimiento de actividades para el desarrollo de habilidades blandas')],
    steps: [
      step('organise', 'coordinator', 10, 'Programar la actividad de desarrollo de habilidades blandas'),
      step('report', 'supervisor', 5, 'Registrar la ejecución y asistencia'),
    ],
  }),
  generic({
    code: 'PM1.1.1', name: 'Recepción y orientación en cada Centro MAC', l1: PM1, l2: 'PM1.1',
    owner: ['orientador'], ownerFromManual: true, starters: ['orientador', 'supervisor', 'coordinator'],
    indicators: [ratio('oriented_citizens', '% de ciudadanos atendidos en el módulo de orientación', 'citizensOriented', 'citizensReceived', 'ciudadanos atendidos en el módulo de orientación / ciudadanos que ingresaron al Centro MAC (turnos emitidos) × 100')],
    steps: [
      step('orientation_report', 'orientador', 1, 'Registrar el reporte diario de orientación', [
        count('citizensReceived', 'Ciudadanos que ingresaron (turnos emitidos)'),
        count('citizensOriented', 'Ciudadanos atendidos en el módulo de orientación'),
      ]),
      step('review', 'supervisor', 2, 'Revisar el reporte de orientación'),
    ],
    manual: ['2.2.3', '2.4.1 Cuadro 07'],
  }),
  generic({
    code: 'PM1.2.1', name: 'Prestación de servicio en los Centros MAC', l1: PM1, l2: 'PM1.2',
    owner: ['supervisor'], ownerFromManual: true,
    indicators: [{ ...ratio('tickets_per_hour', 'N° Turnos de atención x hora', 'turnsAttended', 'attentionHours', 'turnos atendidos / horas de atención, de los reportes del Sistema de Turnos del periodo'), unit: 'per_hour' }],
    steps: [
      step('service_report', 'supervisor', 1, 'Registrar el reporte de turnos de atención', [
        count('turnsAttended', 'Turnos atendidos'),
        hoursFigure('attentionHours', 'Horas de atención'),
      ]),
      step('review', 'coordinator', 2, 'Revisar el reporte y disponer acciones'),
    ],
    manual: ['2.2.3', '2.4.1 Cuadro 07'],
  }),
  generic({
    code: 'PM1.2.2', name: 'Incorporación de nuevos servicios y/o trámites de entidades participantes', l1: PM1, l2: 'PM1.2',
    owner: ['coordinator'], ownerFromManual: true,
    indicators: [pctAchieved('new_services', '% de nuevos servicios/trámites incorporados e implementados')],
    steps: [
      step('assess', 'coordinator', 5, 'Evaluar la solicitud de la entidad participante (espacio, módulos, personal)'),
      step('approve', 'sscs', 10, 'Aprobar la incorporación del servicio'),
      step('implement', 'supervisor', 10, 'Implementar el servicio en el Centro MAC'),
    ],
  }),
  dedicated({
    code: 'PM1.3.1', name: 'Supervisión de Centros MAC', l1: PM1, l2: 'PM1.3',
    owner: ['supervisor', 'sscs'], ownerFromManual: true,
    // Only SSCS starts a supervision (2.3.1): its Subsecretario/a or its Responsable de Supervisión,
    // who plans and programs them; the center's staff are its counterparts (design brief A1).
    starters: [],
    starterFunctions: ['subsecretario', 'supervision_lead'],
    indicators: [
      {
        id: 'supervision_plan',
        name: '% Cumplimiento del Plan de Supervisión Anual',
        numerator: 'executed',
        denominator: 'planned',
        formula: 'visitas del Plan de Supervisión Anual con la visita de campo ejecutada (acta de cierre firmada, Cuadro 03, 10) / visitas programadas en el Plan (sin las canceladas con motivo) × 100, por fecha de la visita',
        source: 'supervision_plan',
      },
      countOf('supervision_unscheduled', 'N° de supervisiones no programadas', 'unscheduled', 'supervisiones no programadas (2.3.3) iniciadas en el periodo'),
    ],
    workflow: { type: 'supervisionWorkflow', inputSchema: supervisionInputSchema },
    manual: ['2.3', '2.3.3', 'Cuadros 02–06', '2.4.2 Listado'],
  }),
  generic({
    code: 'PM1.3.2', name: 'Control de cumplimiento de ANS y cláusulas de adhesión', l1: PM1, l2: 'PM1.3',
    owner: ['supervisor'], ownerFromManual: true,
    indicators: [
      ratio('ans_compliance', '% Cumplimiento de ANS y cláusulas de adhesión', 'commitmentsMet', 'commitmentsControlled', 'compromisos de ANS y cláusulas de adhesión cumplidos / compromisos controlados × 100'),
      ratio('module_occupancy', '% de ocupabilidad de módulos', 'modulesOccupied', 'modulesAvailable', 'módulos de atención ocupados / módulos disponibles, en los controles del periodo × 100'),
      ratio('punctuality', '% de cumplimiento de puntualidad', 'advisorsPunctual', 'advisorsControlled', 'asesores que iniciaron la atención a la hora / asesores controlados × 100'),
      claimsInTerm('claims_timely', '% de respuesta a reclamos oportuna'),
    ],
    steps: [
      step('control', 'supervisor', 5, 'Verificar el cumplimiento de ANS y cláusulas de adhesión por entidad', [
        count('commitmentsControlled', 'Compromisos de ANS y cláusulas controlados'),
        count('commitmentsMet', 'Compromisos cumplidos'),
        count('modulesAvailable', 'Módulos de atención disponibles'),
        count('modulesOccupied', 'Módulos ocupados'),
        count('advisorsControlled', 'Asesores controlados'),
        count('advisorsPunctual', 'Asesores puntuales'),
      ]),
      step('communicate', 'coordinator', 5, 'Comunicar los incumplimientos a la entidad participante'),
    ],
  }),
  dedicated({
    code: 'PM1.3.3', name: 'Atención de incidencias en el servicio de las entidades participantes', l1: PM1, l2: 'PM1.3',
    owner: ['supervisor'], ownerFromManual: true,
    starters: ['supervisor', 'coordinator', 'orientador', 'mac_express_advisor', 'tic_specialist'],
    indicators: [
      ratio('incidents_resolved', '% de incidentes resueltos satisfactoriamente', 'resolvedSatisfactorily', 'registered', 'incidentes cuya solución la entidad reportó y el/la supervisor(a) verificó como satisfactoria sin reabrirla / incidentes registrados × 100'),
      countOf('incidents_reopened', 'N° de incidentes reabiertos', 'reopened', 'incidentes cuya solución no fue satisfactoria y se reabrieron'),
      countOf('incidents_escalated', 'N° de incidentes escalados por vencimiento del plazo', 'escalated', 'incidentes escalados a la Entidad Administradora y la SSCS'),
    ],
    workflow: { type: 'incidentWorkflow', inputSchema: incidentInputSchema },
    serves: { kind: 'incident' },
    manual: ['Glosario: Incidencia', '2.1.6 (roles de las entidades participantes, vi)', '2.2.4', '2.4.1 Cuadros 07–08', '2.4.2 Listado'],
  }),
  dedicated({
    code: 'PM1.4.1', name: 'Recepción y difusión de felicitaciones', l1: PM1, l2: 'PM1.4',
    owner: ['coordinator'], ownerFromManual: true, starters: ['orientador', 'mac_express_advisor', 'supervisor', 'coordinator'],
    indicators: [
      ratio('congratulations_received', '% Felicitaciones recibidas', 'attended', 'received', 'felicitaciones recibidas y atendidas por el/la Coordinador(a) (acuse y, de corresponder, difusión a la entidad) / felicitaciones registradas × 100'),
      countOf('congratulations_count', 'N° de felicitaciones registradas', 'received', 'felicitaciones registradas en el Libro de Felicitaciones en el periodo'),
      countOf('congratulations_shared', 'N° de felicitaciones difundidas a entidades participantes', 'shared', 'felicitaciones comunicadas a la entidad felicitada'),
    ],
    workflow: { type: 'congratulationWorkflow', inputSchema: congratulationInputSchema },
    manual: ['2.1.2 (Libro de felicitaciones)', 'Glosario: Libro de Felicitaciones', '2.4.1 Cuadros 07–08'],
  }),
  dedicated({
    code: 'PM1.4.2', name: 'Atención de reclamos', l1: PM1, l2: 'PM1.4',
    owner: ['supervisor'], ownerFromManual: true, starters: ['orientador', 'mac_express_advisor', 'supervisor', 'coordinator'],
    indicators: [
      countOf('claims_registered', 'N° reclamos registrados', 'registered', 'reclamos registrados en el Libro de Reclamaciones en el periodo'),
      claimsInTerm('claims_in_term', '% reclamos atendidos en el plazo de ley'),
      ratio('claims_accepted', '% de reclamos aceptados', 'accepted', 'answered', 'reclamos aceptados (fundados) / reclamos respondidos × 100'),
      ratio('claims_rejected', '% de reclamos rechazados', 'rejected', 'answered', 'reclamos rechazados (infundados) / reclamos respondidos × 100'),
    ],
    workflow: { type: 'claimWorkflow', inputSchema: claimInputSchema },
    numberPrefix: 'HR',
    legalTerm: { businessDays: 30, reference: 'D.S. N° 007-2020-PCM' },
    manual: ['Glosario: Libro de Reclamaciones, Reclamo', '2.1.2 (Libro de reclamaciones)', '2.4.1 Cuadros 07–08', '2.4.2 Listado'],
  }),
  generic({
    code: 'PA1.1.1', name: 'Administración de la seguridad y respaldo de la información', l1: PA1, l2: 'PA1.1',
    owner: ['tic_specialist'], ownerFromManual: true,
    indicators: [
      {
        ...countOf('vulnerability_risk', 'Nivel de riesgo de las vulnerabilidades encontradas en la infraestructura de TIC', 'riskLevel', 'el nivel más alto de las vulnerabilidades encontradas en las revisiones del periodo (0 ninguno, 1 bajo, 2 medio, 3 alto, 4 crítico), con las revisiones por nivel'),
        unit: 'level',
        aggregate: 'max',
        scale: Object.values(RISK_LEVELS),
        breakdown: { prefix: 'riskLevel', labels: RISK_LEVELS },
      },
    ],
    steps: [
      step('backup_and_scan', 'tic_specialist', 5, 'Ejecutar respaldo de información y revisión de vulnerabilidades', [choice('riskLevel', 'Nivel de riesgo más alto encontrado', RISK_LEVELS, true)]),
      step('review', 'coordinator', 3, 'Revisar el informe de seguridad y respaldo'),
    ],
  }),
  generic({
    code: 'PA1.1.2', name: 'Administración de redes e infraestructura', l1: PA1, l2: 'PA1.1',
    owner: ['tic_specialist'], ownerFromManual: false,
    indicators: [pctAchieved('network_requests', '% de solicitudes atendidas', 'solicitudes de red atendidas / solicitudes cerradas × 100')],
    steps: [step('attend_request', 'tic_specialist', 3, 'Atender la solicitud de red o infraestructura')],
  }),
  dedicated({
    code: 'PA1.1.3', name: 'Gestión del mantenimiento preventivo de TICs', l1: PA1, l2: 'PA1.1',
    owner: ['tic_specialist'], ownerFromManual: true,
    indicators: [ratio('tic_preventive_plan', '% Cumplimiento del Plan anual de Mantenimiento Preventivo de Infraestructura y Equipos TICs', 'executedOnTime', 'planned', 'mantenimientos preventivos de TIC ejecutados hasta su fecha programada / mantenimientos programados (con fecha en el periodo) × 100')],
    workflow: { type: 'preventiveMaintenanceWorkflow', inputSchema: preventiveMaintenanceInputSchema },
    serves: { kind: 'preventive_maintenance', domain: 'tic', fixer: 'tic_specialist', confirmer: 'supervisor' },
    manual: ['2.1.5 (Especialista TIC e, g)', '2.4.1 Cuadros 07–08', '2.4.2 Listado'],
  }),
  dedicated({
    code: 'PA1.1.4', name: 'Gestión del mantenimiento correctivo de TICs', l1: PA1, l2: 'PA1.1',
    owner: ['tic_specialist'], ownerFromManual: false,
    starters: ['tic_specialist', 'supervisor', 'coordinator'],
    indicators: [ratio('tic_corrective_share', '% de mantenimientos correctivos respecto al total de mantenimientos ejecutados', 'corrective', 'maintenance', 'mantenimientos correctivos de TIC / mantenimientos de TIC ejecutados (correctivos de PA1.1.4 y preventivos de PA1.1.3) × 100', ['PA1.1.4', 'PA1.1.3'])],
    workflow: { type: 'maintenanceWorkflow', inputSchema: correctiveInputSchema },
    serves: { kind: 'corrective_maintenance', domain: 'tic', fixer: 'tic_specialist', confirmer: 'supervisor' },
    manual: ['2.1.5 (Especialista TIC e, g, k)', '2.2.2 (Servicios TIC)', '2.4.1 Cuadros 07–08', '2.4.2 Listado'],
  }),
  generic({
    code: 'PA1.1.5', name: 'Soporte técnico interno', l1: PA1, l2: 'PA1.1',
    owner: ['tic_specialist'], ownerFromManual: true,
    starters: ['tic_specialist', 'supervisor', 'coordinator', 'orientador', 'mac_express_advisor'],
    indicators: [pctAchieved('support_requests', '% de solicitudes atendidas', 'solicitudes de soporte atendidas / solicitudes cerradas × 100')],
    steps: [step('attend_request', 'tic_specialist', 1, 'Atender la solicitud de soporte técnico')],
  }),
  generic({
    code: 'PA2.1.1', name: 'Programación de bienes y/o servicios', l1: PA2, l2: 'PA2.1',
    owner: ['supervisor'], ownerFromManual: true,
    indicators: [pctAchieved('procurement_schedule', '% Cumplimiento de la programación de bienes y servicios')],
    steps: [
      step('program', 'supervisor', 10, 'Programar los bienes y/o servicios requeridos'),
      step('approve', 'coordinator', 5, 'Aprobar y remitir la programación a la Entidad Administradora'),
    ],
  }),
  generic({
    code: 'PA2.1.2', name: 'Control de activos', l1: PA2, l2: 'PA2.1',
    owner: ['tic_specialist'], ownerFromManual: false,
    indicators: [countOf('assets_retired', 'Número de activos dados de baja', 'assetsRetired', 'activos dados de baja en los controles del periodo')],
    steps: [
      step('inventory', 'tic_specialist', 10, 'Verificar el inventario y proponer bajas', [count('assetsRetired', 'Activos dados de baja')]),
      step('approve', 'coordinator', 5, 'Aprobar y comunicar las bajas a la Entidad Administradora'),
    ],
  }),
  dedicated({
    code: 'PA2.2.1', name: 'Formulación del plan de mantenimiento preventivo', l1: PA2, l2: 'PA2.2',
    owner: ['supervisor'], ownerFromManual: false,
    indicators: [ratio('preventive_plan_on_time', 'Plan de mantenimiento preventivo formulado en plazo', 'onTime', 'closed', 'planes formulados (infraestructura y TIC) hasta la fecha límite / planes cerrados × 100')],
    workflow: { type: 'preventivePlanWorkflow', inputSchema: preventivePlanInputSchema },
    single: { ref: (i) => `preventive-plan:${i.year}`, once: true },
    manual: ['2.1.5 (Supervisor c; Especialista TIC e)', '2.4.1 Cuadros 07–08', '2.4.2 Listado'],
  }),
  dedicated({
    code: 'PA2.2.2', name: 'Ejecución del plan de mantenimiento preventivo', l1: PA2, l2: 'PA2.2',
    owner: ['supervisor'], ownerFromManual: true,
    indicators: [ratio('preventive_plan_execution', '% Ejecución del Plan de Mantenimiento de la infraestructura', 'executed', 'planned', 'mantenimientos preventivos de infraestructura ejecutados / programados (con fecha en el periodo) × 100')],
    workflow: { type: 'preventiveMaintenanceWorkflow', inputSchema: preventiveMaintenanceInputSchema },
    serves: { kind: 'preventive_maintenance', domain: 'infrastructure', fixer: 'supervisor', confirmer: 'coordinator' },
    manual: ['2.1.5 (Supervisor c)', '2.4.1 Cuadros 07–08', '2.4.2 Listado'],
  }),
  dedicated({
    code: 'PA2.2.3', name: 'Ejecución del mantenimiento correctivo', l1: PA2, l2: 'PA2.2',
    owner: ['supervisor'], ownerFromManual: true,
    indicators: [countOf('corrective_attended', 'Número de mantenimientos correctivos atendidos', 'achieved', 'mantenimientos correctivos cerrados con conformidad')],
    workflow: { type: 'maintenanceWorkflow', inputSchema: correctiveInputSchema },
    serves: { kind: 'corrective_maintenance', domain: 'infrastructure', fixer: 'supervisor', confirmer: 'coordinator' },
    manual: ['2.1.5 (Supervisor c)', '2.2.2', '2.4.1 Cuadros 07–08', '2.4.2 Listado'],
  }),
  dedicated({
    code: 'PA3.1.1', name: 'Requerimiento e incorporación de personal', l1: PA3, l2: 'PA3.1',
    owner: ['coordinator'], ownerFromManual: true,
    indicators: [pctAchieved('staff_incorporated', '% de personal incorporado', 'requerimientos cerrados con personal incorporado / requerimientos cerrados × 100')],
    workflow: { type: 'incorporationWorkflow', inputSchema: incorporationInputSchema },
    centerStage: 'any',
    manual: ['2.1.4 Cuadro 01', '2.1.5', '2.4.1 Cuadros 07–08'],
  }),
  dedicated({
    code: 'PA3.1.2', name: 'Inducción de personal', l1: PA3, l2: 'PA3.1',
    owner: ['supervisor'], ownerFromManual: true,
    indicators: [ratio('inductions_completed', '% de inducciones completadas satisfactoriamente', 'satisfactory', 'closed', 'inducciones cerradas con evaluación satisfactoria / inducciones cerradas × 100')],
    workflow: { type: 'inductionWorkflow', inputSchema: inductionInputSchema },
    centerStage: 'any',
    single: { ref: (i) => staffRef(String(i.staffMemberId)) },
    serves: { kind: 'induction' },
    manual: ['2.1.5 (Supervisor i)', '2.2.3', '2.1.7', '2.4.1 Cuadros 07–08'],
  }),
  generic({
    code: 'PA3.1.3', name: 'Programación y control de turnos de personal', l1: PA3, l2: 'PA3.1',
    owner: ['supervisor'], ownerFromManual: false,
    indicators: [ratio('shift_compliance', '% de cumplimiento de turnos de personal', 'shiftsFulfilled', 'shiftsProgrammed', 'turnos cumplidos / turnos programados × 100')],
    steps: [
      step('program_shifts', 'supervisor', 5, 'Programar los turnos del personal del periodo', [count('shiftsProgrammed', 'Turnos programados')]),
      step('control_shifts', 'supervisor', 20, 'Controlar el cumplimiento de los turnos programados', [count('shiftsFulfilled', 'Turnos cumplidos')]),
    ],
  }),
  dedicated({
    code: 'PA3.1.4', name: 'Cese de personal', l1: PA3, l2: 'PA3.1',
    owner: ['coordinator'], ownerFromManual: false,
    indicators: [ofRoster('staff_ceased', '% de personal retirado/cesado del cargo', 'achieved', 'ceses concluidos en el periodo / personal del centro en el periodo (activo al cierre del periodo más el cesado en él) × 100')],
    workflow: { type: 'cessationWorkflow', inputSchema: cessationInputSchema },
    centerStage: 'any',
    single: { ref: (i) => staffRef(String(i.staffMemberId)) },
    manual: ['2.1.4 Cuadro 01', '2.4.1 Cuadros 07–08'],
  }),
  generic({
    code: 'PA3.1.5', name: 'Control de asistencia del personal', l1: PA3, l2: 'PA3.1',
    owner: ['supervisor'], ownerFromManual: true,
    indicators: [ratio('absences', '% de personal con inasistencias', 'staffWithAbsences', 'staffControlled', 'personas con inasistencias / personal controlado (la dotación del centro en cada control) × 100')],
    steps: [
      step('control', 'supervisor', 3, 'Registrar el control de asistencia del periodo', [
        count('staffControlled', 'Personal controlado (dotación del centro)'),
        count('staffWithAbsences', 'Personas con inasistencias'),
      ]),
      step('report', 'coordinator', 3, 'Revisar y reportar inasistencias a la Entidad Administradora'),
    ],
  }),
  generic({
    code: 'PA3.1.6', name: 'Capacitación de personal', l1: PA3, l2: 'PA3.1',
    owner: ['coordinator'], ownerFromManual: true,
    indicators: [ratio('training_completed', '% de personal que ha cumplido las capacitaciones satisfactoriamente', 'staffPassed', 'staffTrained', 'personas que aprobaron la capacitación / personas capacitadas × 100')],
    steps: [
      step('program_training', 'coordinator', 10, 'Programar la capacitación'),
      step('record_results', 'supervisor', 10, 'Registrar asistencia y resultados de la capacitación', [count('staffTrained', 'Personas capacitadas'), count('staffPassed', 'Personas que aprobaron')]),
    ],
    manual: ['2.1.2 (Compromiso y desarrollo del personal)', '2.4.1 Cuadros 07–08'],
  }),
  generic({
    code: 'PA3.1.7', name: 'Evaluación del desempeño de servicio', l1: PA3, l2: 'PA3.1',
    owner: ['supervisor'], ownerFromManual: false,
    indicators: [ratio('staff_approval', '% de aprobación del personal por los usuarios', 'userApprovals', 'userResponses', 'opiniones de usuarios que aprueban la atención del personal / opiniones recogidas × 100')],
    steps: [
      step('evaluate', 'supervisor', 10, 'Evaluar el desempeño del personal con la opinión de los usuarios', [count('userResponses', 'Opiniones de usuarios recogidas'), count('userApprovals', 'Opiniones que aprueban')]),
      step('feedback', 'coordinator', 5, 'Retroalimentar al personal y registrar acciones'),
    ],
  }),
  dedicated({
    code: 'P2.2.1', name: 'Etapa pre-operativa de un nuevo Centro MAC', l1: PROTOCOLS, l2: { code: 'P2.2', name: 'Protocolos para Centros MAC', objective: 'Asegurar que un nuevo Centro MAC cumpla las condiciones para iniciar operaciones (2.2.1).' },
    owner: ['sscs', 'admin_entity'], ownerFromManual: false, starters: ['sscs', 'admin_entity'],
    indicators: [pctAchieved('preoperative_ready', 'Lista de verificación completa y marcha blanca aprobada', 'etapas pre-operativas concluidas con el centro en operación / etapas cerradas × 100')],
    workflow: { type: 'preOperativeWorkflow', inputSchema: preOperativeInputSchema },
    centerStage: 'pre_operative',
    single: { ref: (i) => `preoperative:${i.centerId}`, once: true },
    manual: ['2.2.1'],
  }),
  dedicated({
    code: 'P2.2.2', name: 'Apertura diaria del Centro MAC (verificación y apertura, Formato 3)', l1: PROTOCOLS, l2: { code: 'P2.2', name: 'Protocolos para Centros MAC', objective: 'Verificar diariamente las condiciones de operación y aperturar el Centro MAC (2.2.2).' },
    owner: ['coordinator', 'supervisor'], ownerFromManual: false,
    indicators: [
      ratio('opened_on_time', '% días abiertos a tiempo', 'openedOnTime', 'days', 'días en que el centro aperturó a su hora, con la verificación completa / días de atención × 100'),
      countOf('not_opened', 'N° de no aperturas', 'notOpened', 'días en que el centro no aperturó a su hora por falta de Internet, energía eléctrica o servicio de vigilancia'),
      hoursOf('hours_closed', 'Horas cerradas', 'hoursClosed', 'horas entre la hora de apertura y la apertura efectiva (o el cierre del día, si no aperturó), más las horas cerrado durante la atención (2.1.2) hasta la reapertura o el cierre del día'),
      countOf('closures', 'N° de cierres durante la atención', 'closures', 'cierres del centro después de su apertura por pérdida de Internet, energía eléctrica o vigilancia, o por condiciones inseguras (2.1.2)'),
    ],
    workflow: { type: 'dailyOpeningWorkflow', inputSchema: openingInputSchema },
    manual: ['2.1.2 (Apertura de la Atención: no aperturar o cerrar)', '2.1.3 (Nota)', '2.2.2', 'Cuadro 04'],
  }),
  dedicated({
    code: 'P2.2.4', name: 'Manejo de conflictos', l1: PROTOCOLS, l2: { code: 'P2.2', name: 'Protocolos para Centros MAC', objective: 'Atender los conflictos en el Centro MAC de manera directa y respetuosa y escalar los graves (2.2.4).' },
    owner: ['supervisor', 'coordinator'], ownerFromManual: false,
    indicators: [
      countOf('conflicts', 'N° de conflictos', 'closed', 'conflictos registrados y cerrados en el periodo'),
      ratio('conflicts_escalated', '% de conflictos escalados', 'escalated', 'closed', 'conflictos graves comunicados con Formato 17 / conflictos cerrados × 100'),
    ],
    starters: ['supervisor', 'coordinator', 'orientador', 'mac_express_advisor'],
    workflow: { type: 'conflictWorkflow', inputSchema: conflictInputSchema },
    manual: ['2.2.4'],
  }),
];

// ---------------------------------------------------------------------------------------------
// Access

const BY_CODE = new Map(PROCEDURES.map((p) => [p.code, p]));

export function listProcedures(): readonly ProcedureDefinition[] {
  return PROCEDURES;
}

export function findProcedure(code: string): ProcedureDefinition | undefined {
  return BY_CODE.get(code);
}

/**
 * The procedure that does `kind` (for a maintenance, of `domain`): workflows start other
 * procedures through this, so their codes and workflow types live only here.
 */
export function procedureFor(kind: 'corrective_maintenance' | 'preventive_maintenance', domain: AssetDomain): ProcedureDefinition & { serves: Extract<ProcedureRole, { domain: AssetDomain }> };
export function procedureFor(kind: 'induction' | 'incident'): ProcedureDefinition;
export function procedureFor(kind: ProcedureRoleKind, domain?: AssetDomain): ProcedureDefinition {
  const found = PROCEDURES.find((p) => p.serves?.kind === kind && (!domain || ('domain' in p.serves && p.serves.domain === domain)));
  if (!found) throw new Error(`no procedure of the catalog serves ${kind}${domain ? ` (${domain})` : ''}`);
  return found;
}

/** The codes of the procedures that do `kind` (e.g. every corrective maintenance). */
export const codesServing = (kind: ProcedureRoleKind): string[] => PROCEDURES.filter((p) => p.serves?.kind === kind).map((p) => p.code);

/** Whether someone may start a run of `procedure`: SSCS may start any (holding its `starterFunctions`, if any). */
export function canStart(procedure: ProcedureDefinition, role: Role, functions: readonly SscsFunction[] = []): boolean {
  if (role === 'sscs') return !procedure.starterFunctions || procedure.starterFunctions.some((f) => functions.includes(f));
  return procedure.starters.includes(role);
}
