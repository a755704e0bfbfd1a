import { keysOf } from '../shared/schemas';

/** Who may be involved in a conflict at a center (2.2.4: "la persona involucrada (asesor/a o ciudadano/a)"). */
export const INVOLVED_KINDS = {
  citizen: 'Ciudadano(a)',
  advisor: 'Asesor(a) de servicio de entidad participante',
  staff: 'Personal del Centro MAC',
  other: 'Otra persona',
} as const;
export type InvolvedKind = keyof typeof INVOLVED_KINDS;
export const INVOLVED_KIND_IDS = keysOf(INVOLVED_KINDS);
