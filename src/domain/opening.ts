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
export type ItemStatus = 'ok' | 'missing' | 'damaged' | 'not_applicable';

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
/**
 * 2.1.2 "Apertura de la Atención": the center "no podrá aperturar o deberá cerrar de existir
 * condiciones inseguras que pongan en riesgo la vida de los/las ciudadanos/as y el personal. El
 * Coordinador es quien toma la decisión". Not an item to re-verify: the Coordinator decides when the
 * conditions are safe again.
 */
export const UNSAFE = { id: 'condiciones_inseguras', label: 'Condiciones inseguras (decisión del/la Coordinador(a), 2.1.2)' } as const;

/**
 * Why a center closes during the day (2.1.2 "Apertura de la Atención": it "deberá cerrar de existir
 * condiciones inseguras"; and whatever it cannot open without, 2.2.2): a critical resource lost, or
 * the Coordinator's decision before a risk. Each names the resource its reopening re-verifies.
 */
export const CLOSURE_CAUSES = {
  energia_electrica: { label: 'Pérdida de energía eléctrica', verify: 'energia_electrica' },
  internet: { label: 'Pérdida de Internet', verify: 'internet' },
  servicio_vigilancia: { label: 'Sin servicio de vigilancia', verify: 'servicio_vigilancia' },
  condiciones_inseguras: { label: 'Condiciones inseguras (decisión del/la Coordinador(a))', verify: 'condiciones_inseguras' },
} as const;
export const CLOSURE_CAUSE_IDS = Object.keys(CLOSURE_CAUSES) as [keyof typeof CLOSURE_CAUSES, ...(keyof typeof CLOSURE_CAUSES)[]];
export type ClosureCause = keyof typeof CLOSURE_CAUSES;

export const STATUS_LABELS: Record<ItemStatus, string> = { ok: 'Operativo', missing: 'No cuenta / falta', damaged: 'Dañado o inoperativo', not_applicable: 'No aplica' };

/**
 * Which items of the list apply to a center: 2.2.2 verifies them "según aplique". Where a center
 * has no Zona de Tópico, its botiquín and wheelchair do not apply, and the wheelchairs at the
 * reception do ("Sillas de Ruedas (en caso no cuente con Zona de tópico)"); with a tópico, the
 * reverse. Any other item may be declared not applicable (a center without a Sistema de Citas, or
 * without a comedor) except the critical resources, without which no center opens. A center whose
 * applicability was never set verifies every item (as before it could be set).
 */
export const TOPICO_ITEMS: OpeningItemId[] = ['botiquin', 'silla_ruedas_topico'];
export const RECEPTION_WHEELCHAIRS: OpeningItemId = 'sillas_ruedas_recepcion';
export const checklistApplicabilitySchema = z
  .object({
    topico: z.boolean().describe('¿Cuenta con Zona de Tópico? Sin tópico no aplican su botiquín ni su silla de ruedas, y sí las sillas de ruedas de recepción (2.2.2)'),
    notApplicable: z
      .array(z.enum(OPENING_ITEM_IDS))
      .max(OPENING_ITEM_IDS.length)
      .default([])
      .describe('Otros recursos que no aplican al centro (p. ej. sistema_citas, comedor); nunca Internet ni Energía eléctrica'),
  })
  .strict()
  .superRefine((a, ctx) => {
    a.notApplicable.forEach((id, i) => {
      if (CRITICAL_ITEMS.includes(id)) ctx.addIssue({ code: 'custom', path: ['notApplicable', i], message: `${id} is critical: without it the center does not open (2.2.2), it always applies` });
      else if (TOPICO_ITEMS.includes(id) || id === RECEPTION_WHEELCHAIRS) ctx.addIssue({ code: 'custom', path: ['notApplicable', i], message: `${id} follows topico: set topico instead` });
      else if (a.notApplicable.indexOf(id) !== i) ctx.addIssue({ code: 'custom', path: ['notApplicable', i], message: `${id} is listed twice` });
    });
  });
export type ChecklistApplicability = z.infer<typeof checklistApplicabilitySchema>;

/** The items that do not apply to a center (none while its applicability is not set). */
export function notApplicableItems(applicability: ChecklistApplicability | null | undefined): OpeningItemId[] {
  if (!applicability) return [];
  const byTopico = applicability.topico ? [RECEPTION_WHEELCHAIRS] : TOPICO_ITEMS;
  return OPENING_ITEM_IDS.filter((id) => byTopico.includes(id) || applicability.notApplicable.includes(id));
}

/**
 * A verification against the center's applicability: an item that does not apply is marked
 * `not_applicable`, and only such an item. Returns the first mismatch, naming its path.
 */
export function applicabilityMismatch(items: Partial<Record<OpeningItemId, { status: ItemStatus }>>, notApplicable: readonly string[]): { path: string; message: string } | undefined {
  for (const id of OPENING_ITEM_IDS) {
    const status = items[id]?.status;
    if (status === undefined) continue;
    const na = notApplicable.includes(id);
    if (na && status !== 'not_applicable') return { path: `items.${id}`, message: `items.${id} does not apply to this center (2.2.2 "según aplique"): mark it not_applicable` };
    if (!na && status === 'not_applicable') return { path: `items.${id}`, message: `items.${id} applies to this center: it cannot be marked not_applicable` };
  }
  return undefined;
}

export const itemCheckSchema = z
  .object({
    status: z.enum(['ok', 'missing', 'damaged', 'not_applicable']).describe('not_applicable: solo para los recursos que no aplican al centro (2.2.2, "según aplique")'),
    observation: freeTextSchema(500).optional(),
    asset: z
      .string()
      .max(120)
      .optional()
      .describe('Activo del registro del centro al que se refiere (p. ej. "computadoras-sunat": la de una entidad); si falta, el del ítem'),
  })
  .strict()
  .refine((c) => c.status === 'ok' || c.status === 'not_applicable' || c.observation !== undefined, { path: ['observation'], message: 'an observation is required when the item is missing or damaged' });
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
export function assessVerification(items: Partial<Record<OpeningItemId, ItemCheck>>, securityAgents: number | undefined, unsafeConditions?: string): VerificationOutcome {
  const critical: VerificationOutcome['critical'] = [];
  const findings: VerificationOutcome['findings'] = [];
  for (const item of OPENING_ITEMS) {
    const check = items[item.id];
    // What does not apply to the center is neither missing nor a finding: it never opens maintenance.
    if (!check || check.status === 'ok' || check.status === 'not_applicable') continue;
    if (CRITICAL_ITEMS.includes(item.id)) critical.push({ id: item.id, label: item.label, observation: check.observation });
    else findings.push({ id: item.id, label: item.label, zone: item.zoneName, status: check.status, observation: check.observation, tic: item.zone === 'tic', ...(check.asset ? { asset: check.asset } : {}) });
  }
  if (securityAgents !== undefined && securityAgents < 1) {
    critical.push({ id: VIGILANCE.id, label: VIGILANCE.label, observation: 'Sin agentes de seguridad presentes (2.1.2)' });
  }
  if (unsafeConditions !== undefined) critical.push({ id: UNSAFE.id, label: UNSAFE.label, observation: unsafeConditions });
  return { critical, findings };
}
