import { z } from 'zod';
import { freeTextSchema, taskDateSchema, keysOf, personNameSchema } from '../shared/schemas';

/**
 * The people who work in a center (2.1.5, Cuadro 01) and what their induction must cover (2.1.5
 * Supervisor function i, 2.2.3, 2.1.7). Workflow-safe: plain data and zod.
 *
 * The Equipo MAC's five job profiles are the ones Cuadro 01 counts; the entities' own advisors
 * (Asesores de Servicio, by entity) and the outsourced cleaning and security staff also work in the
 * center, are inducted (2.2.3: "incluyendo a los servicios tercerizados de limpieza y seguridad"),
 * and are not part of the minimum.
 */
export const STAFF_PROFILES = {
  coordinator: 'Coordinador(a) del Centro MAC',
  supervisor: 'Supervisor(a) del Centro MAC',
  tic_specialist: 'Especialista TIC',
  mac_express_advisor: 'Asesor(a) MAC Express',
  orientador: 'Orientador(a)',
  service_advisor: 'Asesor(a) de Servicio de una entidad participante',
  cleaning: 'Personal de limpieza (servicio tercerizado)',
  security: 'Personal de seguridad (servicio tercerizado)',
} as const;
export type StaffProfile = keyof typeof STAFF_PROFILES;
export const STAFF_PROFILE_IDS = keysOf(STAFF_PROFILES);

/** Profiles that belong to an entity (its advisors): the person's entity must be given. */
export const ENTITY_PROFILES: StaffProfile[] = ['service_advisor'];
/** Outsourced services (2.1.7 conduct applies to them; 2.1.5 Supervisor function l supervises them). */
export const OUTSOURCED_PROFILES: StaffProfile[] = ['cleaning', 'security'];

/**
 * What an induction covers (2.1.5 Supervisor i: "la inducción y socialización del personal
 * ingresante en los procesos y estándares de los servicios"; 2.2.3: sense of belonging, the
 * attention protocol and the whole route of each procedure; 2.1.7: institutional conduct).
 */
export const INDUCTION_TOPICS = {
  manual: 'Manual de Funcionamiento de los Centros MAC',
  processes: 'Procesos y estándares de los servicios (matriz de procesos, 2.4)',
  attention_protocol: 'Protocolo de atención (2.2.3): saludo, servicio y despedida; ruta de atención del ciudadano',
  job_functions: 'Funciones de su perfil de puesto (2.1.5)',
  conduct: 'Conducta institucional en el Centro MAC (2.1.7)',
} as const;
export type InductionTopic = keyof typeof INDUCTION_TOPICS;
export const INDUCTION_TOPIC_IDS = keysOf(INDUCTION_TOPICS);

/**
 * The topics a profile's induction must cover: everyone gets the manual, the attention protocol
 * and the conduct (2.2.3 names the outsourced staff among those who must live the correct
 * attention); the processes and job functions are for the staff who run procedures.
 */
export function inductionTopicsFor(profile: StaffProfile): InductionTopic[] {
  if (OUTSOURCED_PROFILES.includes(profile)) return ['manual', 'attention_protocol', 'conduct'];
  return [...INDUCTION_TOPIC_IDS];
}

/** How a person's induction or cese run is found (the catalog's one-at-a-time; a cese stopping an induction). */
export const staffRef = (staffMemberId: string) => `staff:${staffMemberId}`;

/** A member of a center's staff as runs and the API pass it around. */
export interface StaffMemberInfo {
  id: string;
  centerId: string;
  name: string;
  profile: StaffProfile;
  entityId?: string;
}

/** PA3.1.1: the Entidad Administradora's answer to a staff requirement. */
export const incorporateStaffSchema = z.discriminatedUnion('outcome', [
  z
    .object({
      outcome: z.literal('incorporated'),
      name: personNameSchema.describe('Nombre de la persona incorporada'),
      startDate: taskDateSchema.describe('Fecha de incorporación al Centro MAC'),
      notes: freeTextSchema(2000).optional(),
    })
    .strict(),
  z
    .object({
      outcome: z.literal('not_incorporated'),
      reason: freeTextSchema(2000).describe('Por qué no se incorporó al personal requerido'),
    })
    .strict(),
]);

/** PA3.1.2: the Supervisor records the induction given, topic by topic. */
export const deliverInductionSchema = z
  .object({
    topics: z
      .partialRecord(z.enum(INDUCTION_TOPIC_IDS), z.object({ covered: z.literal(true), notes: freeTextSchema(500).optional() }).strict())
      .describe('Cada tema de la inducción impartido (los que corresponden al perfil son obligatorios)'),
    deliveredOn: taskDateSchema.describe('Fecha en que se impartió la inducción'),
    materials: freeTextSchema(1000).optional().describe('Materiales entregados'),
  })
  .strict();

/** PA3.1.2: the evaluation of what the person learned. */
export const evaluateInductionSchema = z
  .object({
    result: z.enum(['satisfactory', 'not_satisfactory']).describe('Resultado de la evaluación de la inducción'),
    observations: freeTextSchema(2000).optional().describe('Obligatorias si no es satisfactoria'),
  })
  .strict()
  .refine((d) => d.result === 'satisfactory' || d.observations !== undefined, { path: ['observations'], message: 'observations are required unless the result is satisfactory' });

/** PA3.1.2: after a not satisfactory evaluation, the coordinator decides. */
export const decideInductionSchema = z
  .object({
    decision: z.enum(['second_round', 'close']).describe('second_round: repetir la inducción; close: cerrar con la decisión registrada'),
    reason: freeTextSchema(2000).describe('Fundamento de la decisión'),
  })
  .strict();

/** PA3.1.4: the coordinator communicates the cese to the Entidad Administradora. */
export const communicateCessationSchema = z
  .object({
    lastDay: taskDateSchema.describe('Último día de labores'),
    communication: freeTextSchema(2000).describe('Comunicación remitida a la Entidad Administradora'),
  })
  .strict();
