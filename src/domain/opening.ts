import { z } from 'zod';
import { freeTextSchema } from '../shared/schemas';

/**
 * The daily verification checklist of 2.2.2 ("Protocolo de verificación diaria del Centro MAC"),
 * zone by zone and item by item as the manual lists them (the Ficha of Cuadro 04, 2.1–2.6, repeats
 * it). Workflow-safe: plain data and zod.
 */
export const OPENING_ZONES = [
  {
    id: 'recepcion',
    name: 'Zona de Recepción',
    items: [
      ['modulo_recepcion', 'Módulo de Recepción'],
      ['ordenadores_fila', 'Ordenadores de Fila'],
      ['sillas_orientadores', 'Sillas de orientadores'],
      ['lector_codigo_barras', 'Lector de código de barras'],
      ['telefonia', 'Servicio de telefonía (anexos telefónicos)'],
      ['insumos_recepcion', 'Insumos y materiales zona recepción'],
      ['sillas_ruedas_recepcion', 'Sillas de Ruedas (en caso no cuente con Zona de tópico)'],
    ],
  },
  {
    id: 'atencion',
    name: 'Zona de Atención',
    items: [
      ['televisores', 'Televisores en zona de atención'],
      ['sillas_espera', 'Sillas de espera'],
      ['sillas_asesores', 'Sillas de asesores'],
      ['sillas_atencion', 'Sillas de atención al ciudadano'],
      ['modulos_atencion', 'Módulos de atención'],
      ['computadoras_asesores', 'Computadoras de Asesores de Servicio'],
      ['impresoras', 'Impresoras en zonas de atención'],
      ['insumos_atencion', 'Insumos y materiales zona atención'],
    ],
  },
  {
    id: 'administrativa',
    name: 'Zona Administrativa',
    items: [
      ['modulos_oficina', 'Módulos de oficina'],
      ['sillas_oficina', 'Sillas de oficina'],
      ['insumos_oficina', 'Insumos y materiales para oficina'],
    ],
  },
  {
    id: 'topico',
    name: 'Zona de Tópico',
    items: [
      ['botiquin', 'Botiquín'],
      ['silla_ruedas_topico', 'Silla de ruedas'],
    ],
  },
  {
    id: 'generales',
    name: 'Generales',
    items: [
      ['iluminacion', 'Sistema de Iluminación'],
      ['orden_limpieza', 'Orden y Limpieza'],
      ['senaleticas', 'Señaléticas'],
      ['aire_acondicionado', 'Equipos de Aire Acondicionado'],
      ['servicios_higienicos', 'Servicios Higiénicos'],
      ['comedor', 'Comedor'],
      ['agua_potable', 'Servicio de agua potable'],
    ],
  },
  {
    id: 'tic',
    name: 'Servicios TIC',
    items: [
      ['internet', 'Internet'],
      ['energia_electrica', 'Energía eléctrica'],
      ['sistema_citas', 'Sistema de Citas'],
      ['sistema_turnos', 'Sistema de Turnos de atención ciudadana'],
      ['sistema_audio', 'Sistema de Audio'],
      ['video_vigilancia', 'Sistema de Video Vigilancia'],
      ['correo', 'Correo electrónico'],
      ['active_directory', 'Active Directory'],
      ['file_server', 'File Server'],
      ['antivirus', 'Antivirus'],
    ],
  },
] as const;

export type OpeningItemId = (typeof OPENING_ZONES)[number]['items'][number][0];
export type ItemStatus = 'ok' | 'missing' | 'damaged';

export const OPENING_ITEMS: { id: OpeningItemId; label: string; zone: string; zoneName: string }[] = OPENING_ZONES.flatMap((z) =>
  z.items.map(([id, label]) => ({ id: id as OpeningItemId, label, zone: z.id, zoneName: z.name })),
);
export const OPENING_ITEM_IDS = OPENING_ITEMS.map((i) => i.id) as [OpeningItemId, ...OpeningItemId[]];

/**
 * The resources without which the center does not open (2.2.2): Internet, Energía eléctrica and
 * Servicio de Vigilancia. Vigilance is not an item of the list: it is the security agents present,
 * and at least one is needed (2.1.2, "Apertura de la Atención"; 2.1.3 Nota).
 */
export const CRITICAL_ITEMS: OpeningItemId[] = ['internet', 'energia_electrica'];
export const VIGILANCE = { id: 'servicio_vigilancia', label: 'Servicio de Vigilancia' } as const;

export const STATUS_LABELS: Record<ItemStatus, string> = { ok: 'Operativo', missing: 'No cuenta / falta', damaged: 'Dañado o inoperativo' };

export const itemCheckSchema = z
  .object({
    status: z.enum(['ok', 'missing', 'damaged']),
    observation: freeTextSchema(500).optional(),
    asset: z
      .string()
      .max(120)
      .optional()
      .describe('Activo del registro del centro al que se refiere (p. ej. "computadoras-sunat": la de una entidad); si falta, el del ítem'),
  })
  .strict()
  .refine((c) => c.status === 'ok' || c.observation !== undefined, { path: ['observation'], message: 'an observation is required when the item is missing or damaged' });
export type ItemCheck = z.infer<typeof itemCheckSchema>;

export const securityAgentsSchema = z.number().int().min(0).max(100).describe('Agentes de seguridad presentes (al menos uno para aperturar, 2.1.2)');

/** Every item of the list, each with its status: the verification is complete or it is refused. */
export const fullChecklistSchema = z
  .object(Object.fromEntries(OPENING_ITEM_IDS.map((id) => [id, itemCheckSchema])) as Record<OpeningItemId, typeof itemCheckSchema>)
  .strict();

export interface VerificationOutcome {
  /** Critical resources not available (missing or damaged), vigilance included: the center does not open. */
  critical: { id: string; label: string; observation?: string }[];
  /** Everything else not ok: the center opens, and each one goes to corrective maintenance. */
  findings: { id: OpeningItemId; label: string; zone: string; status: ItemStatus; observation?: string; tic: boolean; asset?: string }[];
}

/** The decision of 2.2.2 on a (possibly partial, for re-verification) checklist. */
export function assessVerification(items: Partial<Record<OpeningItemId, ItemCheck>>, securityAgents: number | undefined): VerificationOutcome {
  const critical: VerificationOutcome['critical'] = [];
  const findings: VerificationOutcome['findings'] = [];
  for (const item of OPENING_ITEMS) {
    const check = items[item.id];
    if (!check || check.status === 'ok') continue;
    if (CRITICAL_ITEMS.includes(item.id)) critical.push({ id: item.id, label: item.label, observation: check.observation });
    else findings.push({ id: item.id, label: item.label, zone: item.zoneName, status: check.status, observation: check.observation, tic: item.zone === 'tic', ...(check.asset ? { asset: check.asset } : {}) });
  }
  if (securityAgents !== undefined && securityAgents < 1) {
    critical.push({ id: VIGILANCE.id, label: VIGILANCE.label, observation: 'Sin agentes de seguridad presentes (2.1.2)' });
  }
  return { critical, findings };
}
