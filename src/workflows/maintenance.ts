import { patched } from '@temporalio/workflow';
import { acts, Run, withRun } from './run';
import type { EscalationLevel, RunMeta, RunState } from '../shared/messages';
import type { EngineSettings } from '../shared/settings';
import type { Role } from '../shared/roles';
import { codesServing, findProcedure, type correctiveInputSchema } from '../catalog';
import { servicerRole, type AssetInfo } from '../domain/assets';
import type { z } from 'zod';

export type MaintenanceInput = z.infer<typeof correctiveInputSchema>;

export interface MaintenanceWorkflowInput {
  meta: RunMeta;
  input: MaintenanceInput;
  settings: EngineSettings;
}

/** How a maintenance of a checklist item is found while it runs: one at a time per center and item. */
export const maintenanceRef = (itemId: string) => `item:${itemId}`;
/** …and of an asset of the register. */
export const assetRef = (assetId: string) => `asset:${assetId}`;

/** The arguments of a corrective maintenance run started by another run (`Run.spawn` adds meta). */
export function startMaintenanceArgs(centerId: string, settings: EngineSettings, rest: Omit<MaintenanceInput, 'centerId'>) {
  return { input: { centerId, ...rest }, settings };
}

/** Every corrective maintenance procedure (PA2.2.3, PA1.1.4), from the catalog. */
export const MAINTENANCE_CODES = codesServing('corrective_maintenance');

/** Runs that started before the asset register route by the procedure's own responsibles. */
export const ASSET_ROUTING_PATCH = 'corrective-by-asset';

/**
 * PA2.2.3 Ejecución del mantenimiento correctivo / PA1.1.4 Gestión del mantenimiento correctivo
 * de TICs (Cuadros 07–08, Listado). Whoever services the asset (2.1.5: the Especialista TIC for
 * informatics, communications and electronic equipment such as air conditioning; the Supervisor
 * for the infrastructure; the entity's own TIC staff, through its contact, for its equipment)
 * gets the repair done within the configured business days, reminded the day before and escalated
 * Coordinador → Entidad Administradora → SSCS; the confirmer of the catalog gives conformity or
 * returns it with observations.
 */
export async function maintenanceWorkflow(args: MaintenanceWorkflowInput): Promise<RunState> {
  return withRun(args.meta, (run) => maintenanceRun(run, args));
}

/** Who gets a maintenance procedure's work done and who gives conformity (the catalog's `serves`). */
export function maintenanceRoles(code: string): { fixer: Role; confirmer: Role } {
  const serves = findProcedure(code)?.serves;
  return serves && 'fixer' in serves ? serves : { fixer: 'supervisor', confirmer: 'coordinator' };
}

/**
 * Who holds an asset's maintenance task: whoever services it (an entity's equipment: that entity's
 * contact), else the procedure's fixer. None of them is on the escalation path, so `Run.task`'s
 * default ladder is the manual's whole path, Coordinador → Entidad Administradora → SSCS.
 */
export function assetHolder(asset: AssetInfo | null, fixer: Role): { role: Role; entityId?: string } {
  if (!asset) return { role: fixer };
  return { role: servicerRole(asset) as Role, ...(asset.owner.kind === 'entity' ? { entityId: asset.owner.entityId } : {}) };
}

async function maintenanceRun(run: Run, { meta, input, settings }: MaintenanceWorkflowInput): Promise<RunState> {
  const roles = maintenanceRoles(meta.code);
  // Runs from before the register: the procedure's fixer, escalated up to the Entidad Administradora.
  let fixer: { role: Role; entityId?: string; levels?: EscalationLevel[] } = { role: roles.fixer, levels: ['coordinator', 'admin_entity'] };
  let asset = input.asset;
  let ref = input.itemId ? maintenanceRef(input.itemId) : undefined;
  if (patched(ASSET_ROUTING_PATCH)) {
    const found = input.assetId || input.itemId ? await acts.resolveAsset({ centerId: meta.centerId, assetKey: input.assetId, itemId: input.itemId }) : null;
    fixer = assetHolder(found, roles.fixer);
    if (found) {
      asset = `${found.name} (${found.location})`;
      ref = input.assetId ? assetRef(found.id) : ref;
    }
  }
  await run.begin(`Mantenimiento correctivo: ${asset}`, {}, ref);
  let observations: string | undefined;
  let rounds = 0;
  for (;;) {
    rounds += 1;
    await run.task({
      key: `fix-${rounds}`,
      type: 'fix_maintenance',
      title: observations ? `Corregir el mantenimiento de ${asset}: ${observations}` : `Ejecutar el mantenimiento correctivo de ${asset}`,
      ...fixer,
      dueBusinessDays: settings.maintenance.businessDays,
      remindBefore: [1],
    });
    const confirmation = await run.task({
      key: `confirm-${rounds}`,
      type: 'confirm_maintenance',
      title: `Dar conformidad al mantenimiento correctivo de ${asset}`,
      role: roles.confirmer,
      dueBusinessDays: 2,
    });
    if (confirmation.data.verdict === 'conforme') break;
    observations = confirmation.data.observations;
  }
  return run.finish('completed', { closed: 1, achieved: 1, corrective: 1, maintenance: 1 }, { asset, rounds, sourceRunId: input.sourceRunId ?? null, ...(fixer.entityId ? { entityId: fixer.entityId } : {}) });
}
