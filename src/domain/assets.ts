import type { OpeningItemId } from './opening';

/**
 * The asset register of a center (2.1.5 Especialista TIC b: "el registro de control de activos
 * del Centro MAC"), by which a finding goes to whoever services the asset (PA2.2.3 / PA1.1.4) and
 * the preventive plan names what it maintains (PA2.2.1). Workflow-safe: plain data.
 *
 * Who services what, from the job profiles of 2.1.5:
 * - the Especialista TIC: "instalaciones informáticas, de comunicaciones y electrónicas, y demás
 *   equipos asignados al Centro MAC, tales como aire acondicionado" (e), the replacement of
 *   informatics and telephony equipment (k);
 * - an entity's own equipment: the entity (its TIC staff), coordinated by the Especialista TIC (g);
 * - the rest (furniture, lighting, sanitary services, signage, supplies): the Supervisor, who
 *   monitors "las condiciones del ambiente de trabajo, infraestructura" (c).
 */
export type AssetDomain = 'tic' | 'infrastructure';
export type AssetServicer = 'tic_specialist' | 'supervisor' | 'entity';

export interface AssetDefinition {
  /** Unique within the center. */
  key: string;
  name: string;
  location: string;
  domain: AssetDomain;
  /** The item of the daily verification (2.2.2) it answers to, when there is one. */
  item?: OpeningItemId;
  /** The item of the pre-operative check list (2.2.1) it answers to, when there is one. */
  preoperativeItem?: number;
}

/** A registered asset: where it is, whose it is, who services it. */
export interface AssetInfo extends AssetDefinition {
  id: string;
  centerId: string;
  owner: { kind: 'center' } | { kind: 'entity'; entityId: string };
  servicer: AssetServicer;
  contract?: { contractor: string; reference?: string };
}

const ofDomain =
  (domain: AssetDomain) =>
  (key: string, name: string, location: string, item?: OpeningItemId, preoperativeItem?: number): AssetDefinition => ({
    key,
    name,
    location,
    domain,
    ...(item ? { item } : {}),
    ...(preoperativeItem ? { preoperativeItem } : {}),
  });
const tic = ofDomain('tic');
const infra = ofDomain('infrastructure');

/**
 * The center's own assets, from the items of the pre-operative check list (2.2.1, 1–27) and the
 * daily verification (2.2.2). Electronic and electromechanical equipment (air conditioning, UPS,
 * CCTV, TVs, audio) is TIC by 2.1.5 e.
 */
export const CENTER_ASSETS: AssetDefinition[] = [
  tic('servidor-colas', 'Servidor administrador de colas', 'Sala de servidores', 'sistema_turnos', 1),
  tic('servidor-dominio', 'Servidor de dominio (Active Directory, File Server)', 'Sala de servidores', 'active_directory', 2),
  tic('central-telefonica', 'Servidor central telefónica', 'Sala de servidores', 'telefonia', 3),
  tic('servidor-correo', 'Servidor de correo/web', 'Sala de servidores', 'correo', 4),
  tic('switches', 'Switches', 'Gabinetes rack', undefined, 5),
  tic('ups', 'UPS', 'Sala de servidores', 'energia_electrica', 6),
  tic('transformador', 'Transformador de aislamiento', 'Sala de servidores', undefined, 7),
  tic('proyectores', 'Proyectores', 'Auditorio', undefined, 8),
  tic('televisores', 'Pantallas (TVs) de la zona de atención', 'Zona de Atención', 'televisores', 9),
  tic('queuesmart', 'Aplicativo QueueSmart (sistema de turnos)', 'Servidor de colas', undefined, 10),
  tic('emisor-tickets', 'Módulo emisor de tickets', 'Zona de Recepción', 'ordenadores_fila', 11),
  tic('parlantes', 'Parlantes (sistema de audio)', 'Zona de Atención', 'sistema_audio', 13),
  tic('laptop', 'Laptop', 'Zona Administrativa', undefined, 14),
  tic('cctv', 'CCTV (NVR y cámaras)', 'Todo el centro', 'video_vigilancia', 15),
  tic('auditorio-av', 'Auditorio (audio y video)', 'Auditorio', undefined, 16),
  tic('aire-acondicionado', 'Equipos de aire acondicionado', 'Todo el centro', 'aire_acondicionado', 19),
  tic('rack', 'Gabinetes rack', 'Sala de servidores', undefined, 20),
  tic('impresoras-compartidas', 'Impresoras compartidas', 'Zona de Atención', 'impresoras', 21),
  tic('telefonos', 'Teléfonos', 'Todo el centro', undefined, 22),
  tic('licencias', 'Licencias (Office, SQL Server, antivirus, Windows Server)', 'Servidores y estaciones', 'antivirus', 24),
  tic('alo-mac', 'Módulos Aló MAC', 'Zona de Atención', undefined, 25),
  tic('internet', 'Línea dedicada de Internet y telefonía', 'Sala de servidores', 'internet', 26),
  tic('biometrico', 'Biométrico de control de asistencia', 'Zona Administrativa', undefined, 27),
  tic('lector-codigo-barras', 'Lector de código de barras', 'Zona de Recepción', 'lector_codigo_barras'),
  tic('sistema-citas', 'Sistema de Citas', 'Servidores', 'sistema_citas'),
  tic('computadoras-mac', 'Computadoras del Equipo MAC', 'Zona Administrativa y MAC Express'),
  infra('distribucion-zonas', 'Distribución de zonas de atención', 'Todo el centro', undefined, 12),
  infra('ecran', 'Ecran', 'Auditorio', undefined, 17),
  infra('luces-emergencia', 'Luces de emergencia', 'Todo el centro', undefined, 18),
  infra('extintores', 'Extintores', 'Todo el centro', undefined, 23),
  infra('modulo-recepcion', 'Módulo de Recepción', 'Zona de Recepción', 'modulo_recepcion'),
  infra('sillas-orientadores', 'Sillas de orientadores', 'Zona de Recepción', 'sillas_orientadores'),
  infra('sillas-ruedas-recepcion', 'Sillas de ruedas (recepción)', 'Zona de Recepción', 'sillas_ruedas_recepcion'),
  infra('sillas-espera', 'Sillas de espera', 'Zona de Atención', 'sillas_espera'),
  infra('sillas-asesores', 'Sillas de asesores', 'Zona de Atención', 'sillas_asesores'),
  infra('sillas-atencion', 'Sillas de atención al ciudadano', 'Zona de Atención', 'sillas_atencion'),
  infra('modulos-atencion', 'Módulos de atención', 'Zona de Atención', 'modulos_atencion'),
  infra('modulos-oficina', 'Módulos de oficina', 'Zona Administrativa', 'modulos_oficina'),
  infra('sillas-oficina', 'Sillas de oficina', 'Zona Administrativa', 'sillas_oficina'),
  infra('botiquin', 'Botiquín', 'Zona de Tópico', 'botiquin'),
  infra('silla-ruedas-topico', 'Silla de ruedas (tópico)', 'Zona de Tópico', 'silla_ruedas_topico'),
  infra('iluminacion', 'Sistema de iluminación', 'Todo el centro', 'iluminacion'),
  infra('senaleticas', 'Señaléticas', 'Todo el centro', 'senaleticas'),
  infra('servicios-higienicos', 'Servicios higiénicos', 'Todo el centro', 'servicios_higienicos'),
  infra('comedor', 'Comedor', 'Zona Administrativa', 'comedor'),
  infra('agua-potable', 'Servicio de agua potable', 'Todo el centro', 'agua_potable'),
];

/** Each participating entity's own equipment in its modules (2.2.1 items 28–30; 2.1.5 TIC g). */
export const ENTITY_ASSETS: AssetDefinition[] = [
  tic('computadoras', 'Computadoras de Asesores de Servicio', 'Módulos de la entidad', 'computadoras_asesores'),
  tic('impresoras', 'Impresoras de los módulos', 'Módulos de la entidad', 'impresoras'),
];

/** The register of a center: its own assets and each participating entity's. */
export function assetRegister(centerId: string, entityIds: string[]): AssetInfo[] {
  const own = CENTER_ASSETS.map(
    (a): AssetInfo => ({ ...a, id: `${centerId}:${a.key}`, centerId, owner: { kind: 'center' }, servicer: a.domain === 'tic' ? 'tic_specialist' : 'supervisor' }),
  );
  const entities = entityIds.flatMap((entityId) =>
    ENTITY_ASSETS.map((a): AssetInfo => ({ ...a, key: `${a.key}-${entityId}`, id: `${centerId}:${a.key}-${entityId}`, centerId, owner: { kind: 'entity', entityId }, servicer: 'entity' })),
  );
  return [...own, ...entities];
}

/** The role that gets an asset repaired (the entity's contact for an entity's equipment). */
export const servicerRole = (a: Pick<AssetInfo, 'servicer'>) => (a.servicer === 'entity' ? 'participant_entity' : a.servicer);
