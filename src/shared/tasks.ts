import { z } from 'zod';
import { freeTextSchema, taskInstantSchema, verdictWithText } from './schemas';
import { INCIDENT_TYPE_IDS } from './settings';
import { CLOSURE_CAUSE_IDS, fullChecklistSchema, itemCheckSchema, securityAgentsSchema } from '../domain/opening';
import { gabineteSchemas, posteriorSchemas, visitSchemas } from '../domain/supervision';
import { communicateCessationSchema, decideInductionSchema, deliverInductionSchema, evaluateInductionSchema, incorporateStaffSchema } from '../domain/staff';
import { coordinatePreventiveSchema, executePreventiveSchema, formulatePreventivePlanSchema } from '../domain/preventive';
import { agreeInaugurationSchema, enableEntityModulesSchema, marchaBlancaSchema, preoperativeChecklistSchema, solvePreoperativeSchema } from '../domain/preoperative';

const verdictWithObservations = <V extends [string, ...string[]]>(verdicts: V, accept: V[number], describe: string) =>
  verdictWithText(verdicts, accept, describe, 'observations', 'Obligatorias si no se da conformidad');

/**
 * The payload each kind of human task accepts (DESIGN §7). Workflows validate completions with
 * these inside their update validators; the API validates with the same schemas first, so a bad
 * completion gets a 400 naming the field and never reaches Temporal history.
 */
export const taskDataSchemas = {
  /** A step of a catalog-driven procedure: was its work done? */
  procedure_step: z
    .object({
      outcome: z.enum(['done', 'not_done']),
      notes: freeTextSchema(4000).optional(),
      figures: z
        .record(z.string().max(60), z.union([z.number().min(0).max(1_000_000), z.string().max(60)]))
        .optional()
        .describe("Las cifras que el paso reporta para los indicadores del Listado (ver `figures` de la tarea): números, o la opción elegida"),
    })
    .strict(),
  /** PM1.4.1: the coordinator acknowledges a congratulation and decides whether to share it. */
  acknowledge_congratulation: z
    .object({
      shareWithEntity: z.boolean(),
      note: freeTextSchema(2000).optional(),
    })
    .strict(),
  /** PM1.4.2: the responsible investigates the claim and proposes the answer. */
  investigate_claim: z
    .object({
      findings: freeTextSchema(4000).describe('Hechos verificados en la investigación'),
      decision: z.enum(['accepted', 'rejected']).describe('accepted: el reclamo es fundado; rejected: infundado'),
      answer: freeTextSchema(4000).describe('Texto de la respuesta al ciudadano'),
    })
    .strict(),
  /** PM1.4.2: the supervisor (owner of PM1.4.2) approves the proposed answer or returns it. */
  review_claim_answer: z
    .object({
      verdict: z.enum(['approve', 'return']),
      observations: freeTextSchema(2000).optional().describe('Obligatorias al devolver la propuesta'),
    })
    .strict()
    .refine((d) => d.verdict === 'approve' || d.observations !== undefined, { path: ['observations'], message: 'observations are required to return the proposal' }),
  /** 2.2.2: the daily verification, every item of every zone, and the security agents present. */
  verify_opening: z
    .object({
      items: fullChecklistSchema.describe('Cada recurso de las zonas de 2.2.2 con su estado (ok, missing, damaged) y observación'),
      securityAgents: securityAgentsSchema,
      unsafeConditions: freeTextSchema(2000)
        .optional()
        .describe('Solo el/la Coordinador(a): condiciones inseguras que ponen en riesgo la vida de ciudadanos y personal; el centro no apertura (2.1.2)'),
      notes: freeTextSchema(2000).optional(),
    })
    .strict(),
  /** 2.2.2: the coordinator reports that the missing critical resources were restored. */
  report_restoration: z
    .object({ actions: freeTextSchema(2000).describe('Coordinaciones realizadas con la Entidad Administradora y restablecimiento') })
    .strict(),
  /**
   * 2.2.2 / 2.1.2: SSCS-SGP records how citizens were told that the center did not open or closed,
   * and, after a closure, which non-presential channels of the Plataforma MAC serve them meanwhile
   * (D.S. 091-2011-PCM: presencial, telefónico, virtual), with SSCS's technical assistance.
   */
  record_citizen_communication: z
    .object({
      channels: z.array(z.enum(['portal', 'redes_sociales', 'call_center', 'prensa', 'correo', 'carteles'])).min(1).describe('Canales usados'),
      message: freeTextSchema(2000).describe('Texto comunicado a la ciudadanía'),
      virtualChannels: z
        .array(z.enum(['portal_mac', 'telefonico', 'correo', 'chat', 'redes_sociales']))
        .max(5)
        .optional()
        .describe('Canales no presenciales de la Plataforma MAC que atienden mientras el centro está cerrado (2.1.2; vacío si ninguno); obligatorio tras un cierre durante la atención'),
      technicalAssistance: freeTextSchema(2000).optional().describe('Asistencia técnica de la SSCS al personal MAC para la atención virtual (2.1.2)'),
    })
    .strict(),
  /**
   * 2.1.2: the center closes after opening — Internet, power or security lost, or unsafe conditions
   * (the Coordinator's decision). `closedAt` when it closed, if before the report.
   */
  report_closure: z
    .object({
      cause: z.enum(CLOSURE_CAUSE_IDS).describe('energia_electrica, internet, servicio_vigilancia: recurso crítico perdido; condiciones_inseguras: decisión del/la Coordinador(a)'),
      closedAt: taskInstantSchema.optional().describe('Hora del cierre, si fue antes de este reporte (no antes de la apertura)'),
      description: freeTextSchema(2000).describe('Qué ocurrió'),
    })
    .strict(),
  /** 2.2.2: after restoration, the failed critical resources are verified again. */
  reverify_opening: z
    .object({
      items: z.object({ internet: itemCheckSchema.optional(), energia_electrica: itemCheckSchema.optional() }).strict(),
      securityAgents: securityAgentsSchema.optional(),
      notes: freeTextSchema(2000).optional(),
    })
    .strict(),
  /** PA2.2.3 / PA1.1.4: the responsible reports the corrective maintenance done. */
  fix_maintenance: z
    .object({
      actions: freeTextSchema(2000).describe('Trabajos realizados'),
      provider: freeTextSchema(200).optional().describe('Proveedor o servicio que lo ejecutó'),
    })
    .strict(),
  /** PA2.2.3 / PA1.1.4: closing confirmation; without conformity the work goes back. */
  confirm_maintenance: verdictWithObservations(['conforme', 'no_conforme'], 'conforme', 'Conformidad del mantenimiento correctivo'),
  /** 2.2.4: the outcome of the direct conversation of a minor conflict (or its escalation as grave). */
  record_conflict_outcome: z
    .object({
      outcome: freeTextSchema(2000).describe('Resultado de la conversación directa'),
      escalateAsGrave: z.boolean().default(false).describe('Si resultó de mayor gravedad o complejidad'),
    })
    .strict(),
  /** 2.2.4: a grave conflict, handled with the physical presence of security. */
  attend_grave_conflict: z
    .object({
      securityPresent: z.literal(true, 'the physical presence of security must be confirmed (2.2.4)'),
      actions: freeTextSchema(2000).describe('Acciones de atención'),
      outcome: freeTextSchema(2000).describe('Resultado'),
      incidentType: z.enum(INCIDENT_TYPE_IDS).optional().describe('Tipo de la incidencia PM1.3.3 que todo conflicto grave registra: obligatorio si el servicio de una entidad participante está involucrado; sin entidad, «otro» si se omite'),
    })
    .strict(),
  /** PM1.3.3: the participating entity reports the solution of its incident; the Coordinador(a), of the center's own. */
  report_incident_solution: z.object({ solution: freeTextSchema(2000).describe('Solución aplicada (por la entidad participante o, si la incidencia es del propio Centro MAC, gestionada por el/la Coordinador(a))') }).strict(),
  /** PM1.3.3: the supervisor verifies the solution, or reopens the incident. */
  verify_incident_solution: verdictWithObservations(['satisfactory', 'reopen'], 'satisfactory', 'Verificación de la solución'),
  /** PM1.3.1 (2.3): Cuadro 02 gabinete, Cuadros 03–04 visita de campo, Cuadros 05–06 posterior. */
  ...gabineteSchemas,
  ...visitSchemas,
  ...posteriorSchemas,
  /** PA3.1.1: the Entidad Administradora incorporates the person required (or says why not). */
  incorporate_staff: incorporateStaffSchema,
  /** PA3.1.2: the Supervisor gives the induction, topic by topic (2.1.5 i, 2.2.3, 2.1.7). */
  deliver_induction: deliverInductionSchema,
  evaluate_induction: evaluateInductionSchema,
  decide_induction: decideInductionSchema,
  /** PA3.1.4: the cese communicated; the person leaves the roster. */
  communicate_cessation: communicateCessationSchema,
  /** PA2.2.1: each part of the annual preventive plan, and its approval. */
  formulate_preventive_plan: formulatePreventivePlanSchema,
  approve_preventive_plan: verdictWithObservations(['approved', 'returned'], 'approved', 'Aprobación del plan de mantenimiento preventivo'),
  /** PA2.2.2 / PA1.1.3: one scheduled maintenance, coordinated with the contractor and executed. */
  coordinate_preventive: coordinatePreventiveSchema,
  execute_preventive: executePreventiveSchema,
  confirm_preventive: verdictWithObservations(['conforme', 'no_conforme'], 'conforme', 'Conformidad del mantenimiento preventivo'),
  /** P2.2.1 (2.2.1): the pre-operative stage of a new center. */
  verify_preoperative_checklist: preoperativeChecklistSchema,
  solve_preoperative_observations: solvePreoperativeSchema,
  enable_entity_modules: enableEntityModulesSchema,
  run_marcha_blanca: marchaBlancaSchema,
  agree_inauguration: agreeInaugurationSchema,
  /**
   * PE1.3.1 Gestión de indicadores: the coordinator analyses the month's report and proposes
   * improvement actions (required when an indicator missed its goal: the workflow checks it).
   */
  analyse_indicators: z
    .object({
      analysis: freeTextSchema(4000).describe('Análisis de los resultados del mes frente a las metas y al mes anterior'),
      improvementActions: z.array(freeTextSchema(500)).max(20).optional().describe('Acciones de mejora propuestas (una por indicador que no cumplió su meta, al menos)'),
    })
    .strict(),
} as const;

export type TaskType = keyof typeof taskDataSchemas;
export type TaskData<T extends TaskType> = z.infer<(typeof taskDataSchemas)[T]>;

export function isTaskType(value: string): value is TaskType {
  return Object.prototype.hasOwnProperty.call(taskDataSchemas, value);
}
