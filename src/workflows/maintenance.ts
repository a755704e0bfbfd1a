import { Run, withRun } from './run';
import type { RunMeta, RunState } from '../shared/messages';
import type { EngineSettings } from '../shared/settings';
import type { Role } from '../shared/roles';

export interface MaintenanceInput {
  centerId: string;
  /** The resource or equipment to repair, as the verification names it. */
  asset: string;
  description: string;
  /** The item of the daily checklist (2.2.2), when a verification found it. */
  itemId?: string;
  /** The run that found it (a daily opening). */
  sourceRunId?: string;
}

export interface MaintenanceWorkflowInput {
  meta: RunMeta;
  input: MaintenanceInput;
  settings: EngineSettings;
}

/** How a maintenance of a checklist item is found while it runs: one at a time per center and item. */
export const maintenanceRef = (itemId: string) => `item:${itemId}`;

/** The arguments of a corrective maintenance run started by another run (`Run.spawn` adds meta). */
export function startMaintenanceArgs(centerId: string, settings: EngineSettings, rest: Omit<MaintenanceInput, 'centerId'>) {
  return { input: { centerId, ...rest }, settings };
}

/**
 * Who gets it done and who gives conformity: the Especialista TIC and the supervisor for TICs
 * (PA1.1.4, ours: Cuadro 08 names no owner), the supervisor (owner, Cuadro 08) and the coordinator
 * for the rest (PA2.2.3).
 */
const RESPONSIBLES: Record<string, { fixer: Role; confirmer: Role }> = {
  'PA1.1.4': { fixer: 'tic_specialist', confirmer: 'supervisor' },
  'PA2.2.3': { fixer: 'supervisor', confirmer: 'coordinator' },
};

/** The maintenance procedure a finding goes to: PA1.1.4 for Servicios TIC, PA2.2.3 for the rest. */
export const maintenanceCodeFor = (tic: boolean) => (tic ? 'PA1.1.4' : 'PA2.2.3');
export const MAINTENANCE_CODES = Object.keys(RESPONSIBLES);

/**
 * PA2.2.3 Ejecución del mantenimiento correctivo / PA1.1.4 Gestión del mantenimiento correctivo
 * de TICs (Cuadros 07–08, Listado). The responsible gets the repair done within the configured
 * business days (reminder the day before; escalation to the coordinator, then the Entidad
 * Administradora); the confirmer gives conformity or returns it with observations.
 */
export async function maintenanceWorkflow(args: MaintenanceWorkflowInput): Promise<RunState> {
  return withRun(args.meta, (run) => maintenanceRun(run, args));
}

async function maintenanceRun(run: Run, { meta, input, settings }: MaintenanceWorkflowInput): Promise<RunState> {
  const { fixer, confirmer } = RESPONSIBLES[meta.code] ?? RESPONSIBLES['PA2.2.3'];
  await run.begin(`Mantenimiento correctivo: ${input.asset}`, {}, input.itemId ? maintenanceRef(input.itemId) : undefined);
  let observations: string | undefined;
  let rounds = 0;
  for (;;) {
    rounds += 1;
    await run.task({
      key: `fix-${rounds}`,
      type: 'fix_maintenance',
      title: observations ? `Corregir el mantenimiento de ${input.asset}: ${observations}` : `Ejecutar el mantenimiento correctivo de ${input.asset}`,
      role: fixer,
      dueBusinessDays: settings.maintenance.businessDays,
      remindBefore: [1],
      levels: ['coordinator', 'admin_entity'],
    });
    const confirmation = await run.task({
      key: `confirm-${rounds}`,
      type: 'confirm_maintenance',
      title: `Dar conformidad al mantenimiento correctivo de ${input.asset}`,
      role: confirmer,
      dueBusinessDays: 2,
    });
    if (confirmation.data.verdict === 'conforme') break;
    observations = confirmation.data.observations;
  }
  return run.finish('completed', { closed: 1, achieved: 1, corrective: 1, maintenance: 1 }, { asset: input.asset, rounds, sourceRunId: input.sourceRunId ?? null });
}
