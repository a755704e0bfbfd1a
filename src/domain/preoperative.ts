import { z } from 'zod';
import { freeTextSchema, taskDateSchema, keysOf } from '../shared/schemas';

/**
 * The pre-operative stage of a new center (2.2.1): from the Acta de Entrega del Inmueble
 * Acondicionado to the end of the marcha blanca, then the inauguration. Workflow-safe: plain data
 * and zod.
 */

/**
 * The "Check List de Verificación" of 2.2.1, items 1–27 (the center's equipment, software and
 * installations) and 31–35 (the center's own modules). Items 28–30 ("ENTIDAD 1…3, MOD. XX") are
 * one line per participating entity's modules: `entityModules`, keyed by entity.
 */
export const PREOPERATIVE_ITEMS = {
  i01_servidor_colas: 'Servidor administrador de colas',
  i02_servidor_dominio: 'Servidor de dominio',
  i03_central_telefonica: 'Servidor central telefónica',
  i04_servidor_correo_web: 'Servidor de correo/web',
  i05_switches: 'Switches',
  i06_ups: 'UPS',
  i07_transformador: 'Transformador de aislamiento',
  i08_proyectores: 'Proyectores',
  i09_pantallas: 'Pantallas (TVs)',
  i10_queuesmart: 'Aplicativo QueueSmart',
  i11_emisor_tickets: 'Módulo emisor de tickets',
  i12_distribucion_zonas: 'Distribución de zonas de atención',
  i13_parlantes: 'Parlantes',
  i14_laptop: 'Laptop',
  i15_cctv: 'CCTV (NVR y cámaras)',
  i16_auditorio: 'Auditorio (audio y video)',
  i17_ecran: 'Ecran',
  i18_luces_emergencia: 'Luces de emergencia',
  i19_aire_acondicionado: 'Aire acondicionado',
  i20_gabinetes_rack: 'Gabinetes rack',
  i21_impresoras_compartidas: 'Impresoras compartidas',
  i22_telefonos: 'Teléfonos',
  i23_extintores: 'Extintores',
  i24_licencias: 'Licencias Office, Microsoft SQL, antivirus, Windows Server',
  i25_modulos_alo_mac: 'Módulos Aló MAC',
  i26_linea_dedicada: 'Línea dedicada de Internet y telefonía',
  i27_biometrico: 'Biométrico - control de asistencia',
  i31_modulo_coordinacion: 'Módulo Coordinación',
  i32_modulo_supervision: 'Módulo Supervisión',
  i33_modulo_tic: 'Módulo TIC',
  i34_modulo_orientacion: 'Módulo Orientación',
  i35_modulo_mac_express: 'Módulo MAC Express',
} as const;
export type PreoperativeItem = keyof typeof PREOPERATIVE_ITEMS;
export const PREOPERATIVE_ITEM_IDS = keysOf(PREOPERATIVE_ITEMS);
/** The check list's own number of an item (28–30 are the entities' modules). */
export const preoperativeItemNumber = (id: PreoperativeItem) => Number(id.slice(1, 3));

/** The HW and SW columns: operative, observed (then an observation), or not applicable. */
const columnSchema = z.enum(['ok', 'observed', 'na']);
export const preoperativeCheckSchema = z
  .object({
    hw: columnSchema.describe('Hardware: ok, observed, na'),
    sw: columnSchema.describe('Software: ok, observed, na'),
    observation: freeTextSchema(500).optional().describe('Obligatoria si HW o SW está observado'),
  })
  .strict()
  .refine((c) => (c.hw !== 'observed' && c.sw !== 'observed') || c.observation !== undefined, {
    path: ['observation'],
    message: 'an observation is required when HW or SW is observed',
  });
export type PreoperativeCheck = z.infer<typeof preoperativeCheckSchema>;

/** The check list filled: every item, and each participating entity's modules (28–30). */
export const preoperativeChecklistSchema = z
  .object({
    items: z
      .object(Object.fromEntries(PREOPERATIVE_ITEM_IDS.map((id) => [id, preoperativeCheckSchema])) as Record<PreoperativeItem, typeof preoperativeCheckSchema>)
      .strict()
      .describe('Ítems 1–27 y 31–35 del Check List de Verificación (2.2.1)'),
    entityModules: z
      .record(z.string().max(60), preoperativeCheckSchema)
      .describe('Ítems 28–30: los módulos de cada entidad participante, por entidad'),
    notes: freeTextSchema(2000).optional(),
  })
  .strict();
export type PreoperativeChecklist = z.infer<typeof preoperativeChecklistSchema>;

/** What the check list leaves observed: the lines to solve before the habilitación. */
export function preoperativeObservations(list: PreoperativeChecklist): { line: string; label: string; observation: string }[] {
  const out: { line: string; label: string; observation: string }[] = [];
  for (const id of PREOPERATIVE_ITEM_IDS) {
    const c = list.items[id];
    if (c.hw === 'observed' || c.sw === 'observed') out.push({ line: String(preoperativeItemNumber(id)), label: PREOPERATIVE_ITEMS[id], observation: c.observation ?? '' });
  }
  for (const [entityId, c] of Object.entries(list.entityModules)) {
    if (c.hw === 'observed' || c.sw === 'observed') out.push({ line: `28–30 (${entityId})`, label: `Módulos de ${entityId}`, observation: c.observation ?? '' });
  }
  return out;
}

/** The Entidad Administradora reports the observations solved. */
export const solvePreoperativeSchema = z.object({ actions: freeTextSchema(2000).describe('Acciones con las que se levantaron las observaciones') }).strict();

/** Each participating entity's technical staff enables its modules (2.2.1, Habilitación). */
export const enableEntityModulesSchema = z
  .object({
    installation: z.literal(true).describe('Acondicionamientos e instalaciones técnicas realizadas'),
    links: z.literal(true).describe('Enlaces habilitados'),
    credentials: z.literal(true).describe('Claves y credenciales de los módulos habilitadas'),
    internalTests: z.literal(true).describe('Pruebas técnicas internas con la entidad realizadas'),
    modules: z.number().int().min(1).max(100).describe('Módulos habilitados'),
    notes: freeTextSchema(2000).optional(),
  })
  .strict();

/** The four components of the training of the marcha blanca (2.2.1). */
export const TRAINING_COMPONENTS = {
  leadership: 'Fortalecimiento de habilidades de gestión, dirección y liderazgo',
  quality: 'Relación entre gestión de calidad y servicio al ciudadano',
  manual: 'Procesos de atención del Centro MAC – Manual de Funcionamiento',
  entity_services: 'Presentación de servicios de las entidades participantes',
} as const;
export const TRAINING_COMPONENT_IDS = keysOf(TRAINING_COMPONENTS);

/** The marcha blanca (pruebas operativas): training, unit and integral tests, the opening services. */
export const marchaBlancaSchema = z
  .object({
    training: z
      .object(
        Object.fromEntries(
          TRAINING_COMPONENT_IDS.map((id) => [id, z.object({ date: taskDateSchema, participants: z.number().int().min(1).max(2000) }).strict()]),
        ) as Record<(typeof TRAINING_COMPONENT_IDS)[number], z.ZodObject<{ date: typeof taskDateSchema; participants: z.ZodNumber }>>,
      )
      .strict()
      .describe('Los cuatro componentes de la capacitación, con fecha y participantes'),
    unitTests: z.literal('passed').describe('Pruebas operativas unitarias'),
    integralTests: z.literal('passed').describe('Pruebas integrales con los Asesores de Servicio'),
    openingServices: z
      .array(z.object({ entityId: z.string().max(60), services: z.array(freeTextSchema(200)).min(1).max(50) }).strict())
      .min(1)
      .max(40)
      .describe('Servicios/trámites con los que se inaugura, por entidad'),
    notes: freeTextSchema(2000).optional(),
  })
  .strict();

/** The inauguration agreed between PCM and the Entidad Administradora. */
export const agreeInaugurationSchema = z
  .object({
    date: taskDateSchema.describe('Fecha del evento protocolar de inauguración; el centro opera desde ese día'),
    agreedWith: freeTextSchema(300).describe('Representantes de la PCM y de la Entidad Administradora que lo acordaron'),
    notes: freeTextSchema(2000).optional(),
  })
  .strict();
