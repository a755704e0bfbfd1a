/** The roles of DESIGN §6, as they appear in the JWT `role` claim. */
export const ROLES = [
  'coordinator',
  'supervisor',
  'tic_specialist',
  'orientador',
  'mac_express_advisor',
  'sscs',
  'admin_entity',
  'participant_entity',
] as const;

export type Role = (typeof ROLES)[number];

/** Spanish job titles as the manual writes them (2.1.5), for documents and emails. */
export const ROLE_TITLES: Record<Role, string> = {
  coordinator: 'Coordinador(a) del Centro MAC',
  supervisor: 'Supervisor(a) del Centro MAC',
  tic_specialist: 'Especialista TIC',
  orientador: 'Orientador(a)',
  mac_express_advisor: 'Asesor(a) MAC Express',
  sscs: 'Subsecretaría de Calidad de Servicios (SSCS)',
  admin_entity: 'Entidad Administradora',
  participant_entity: 'Entidad Participante',
};

/** The title of whoever started a run: a role's, or the center's for a citizen, schedule or run. */
export function starterTitle(role: string): string {
  return (ROLE_TITLES as Record<string, string>)[role] ?? 'Centro MAC';
}

/**
 * What an SSCS member does in supervision (2.3.2 and the Cuadros' "RESPONSABLE" column), carried
 * in the token's `functions` claim beside `role: sscs`. One person may hold several.
 */
export const SSCS_FUNCTIONS = {
  subsecretario: 'Subsecretario/a de Calidad de Servicios',
  supervision_lead: 'Responsable de Supervisión',
  supervision_team: 'Equipo Supervisor (profesional designado)',
  legal: 'Área legal de la SSCS',
  control_panel: 'Profesional encargado del panel de control de la SSCS',
  administration: 'Coordinador(a) Administrativo SSCS',
  mac_coordination: 'Coordinación de Centros MAC de la SSCS-SGP',
} as const;
export type SscsFunction = keyof typeof SSCS_FUNCTIONS;
export const SSCS_FUNCTION_IDS = Object.keys(SSCS_FUNCTIONS) as [SscsFunction, ...SscsFunction[]];

/** Who acts on a center's behalf: the caller, by role and by the centers the token lists. */
export interface Actor {
  sub: string;
  role: Role;
  centers: string[] | '*';
  /** For `participant_entity`: the entity the person answers for (e.g. "reniec"). */
  entity?: string;
  /** For `sscs`: the supervision functions the person holds (SSCS_FUNCTIONS). */
  functions?: SscsFunction[];
}
