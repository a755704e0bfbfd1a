import { continueAsNew, ParentClosePolicy, sleep, startChild, workflowInfo } from '@temporalio/workflow';
import type { z } from 'zod';
import { acts, limaDay, Run, startRunChild, withRun } from './run';
import type { RunMeta, RunState } from '../shared/messages';
import type { EngineSettings } from '../shared/settings';
import type { Role } from '../shared/roles';
import type { TaskData } from '../shared/tasks';
import { procedureFor, type preventiveMaintenanceInputSchema, type preventivePlanInputSchema } from '../catalog';
import type { AssetDomain } from '../domain/assets';
import { MAX_PLAN_OCCURRENCES, planOccurrences, type PreventivePlanItem } from '../domain/preventive';
import { assetHolder, assetRef, maintenanceRoles } from './maintenance';

export interface PreventivePlanWorkflowInput {
  meta: RunMeta;
  input: z.infer<typeof preventivePlanInputSchema>;
  settings: EngineSettings;
}
export interface PreventiveMaintenanceWorkflowInput {
  meta: RunMeta;
  input: z.infer<typeof preventiveMaintenanceInputSchema>;
  settings: EngineSettings;
}

/** The two parts of the plan: who formulates each, and the procedure that executes its items. */
const PARTS: { domain: AssetDomain; role: Role; title: string }[] = [
  { domain: 'infrastructure', role: 'supervisor', title: 'infraestructura y equipamiento electromecánico' },
  { domain: 'tic', role: 'tic_specialist', title: 'infraestructura y equipos TIC' },
];

/**
 * PA2.2.1 Formulación del plan de mantenimiento preventivo (Cuadro 07; Listado: "formulado en
 * plazo"). The Supervisor (infrastructure, 2.1.5 c) and the Especialista TIC (TIC and electronic
 * equipment, 2.1.5 e) formulate their parts by the year's deadline (PREVENTIVE_PLAN_DEADLINE),
 * reminded and escalated; the coordinator approves or returns them. Once approved, each item's
 * dates are scheduled through the year by a programación of its own (`preventiveScheduleWorkflow`,
 * child runs), so no history grows with the year.
 */
export async function preventivePlanWorkflow(args: PreventivePlanWorkflowInput): Promise<RunState> {
  return withRun(args.meta, (run) => planRun(run, args));
}

async function planRun(run: Run, { input, settings }: PreventivePlanWorkflowInput): Promise<RunState> {
  const deadline = `${input.year}-${settings.preventive.planDeadline}`;
  await run.begin(`Plan de mantenimiento preventivo ${input.year}`, {}, `preventive-plan:${input.year}`);
  /** Dates in the plan's year and not past (a past date would start a maintenance already overdue); a bounded part. */
  const checkPart = (data: TaskData<'formulate_preventive_plan'>) => {
    const outside = data.items.flatMap((i, n) => i.dates.filter((d) => !d.startsWith(`${input.year}-`)).map((d) => `items.${n}.dates (${d})`));
    if (outside.length) return `every date must be in ${input.year}: ${outside.join(', ')}`;
    const today = limaDay();
    const past = data.items.flatMap((i, n) => i.dates.filter((d) => d < today).map((d) => `items.${n}.dates (${d})`));
    if (past.length) return `a date cannot be before today (${today}): ${past.join(', ')}`;
    const n = planOccurrences(data.items).length;
    return n > MAX_PLAN_OCCURRENCES / 2 ? `this part schedules ${n} maintenances; at most ${MAX_PLAN_OCCURRENCES / 2}` : undefined;
  };
  let onTime = true;
  let observations: string | undefined;
  let parts: { domain: AssetDomain; items: PreventivePlanItem[] }[] = [];
  for (let round = 1; ; round++) {
    parts = await Promise.all(
      PARTS.map(async (p) => {
        const task = await run.task({
          key: `formulate-${p.domain}-${round}`,
          type: 'formulate_preventive_plan',
          title: `${round > 1 ? `Corregir (${observations}) ` : 'Formular '}el plan de mantenimiento preventivo ${input.year}: ${p.title}`,
          role: p.role,
          ...(round === 1 ? { dueOn: deadline, remindBefore: [5, 1] } : { dueBusinessDays: settings.preventive.approvalDays }),
          check: checkPart,
        });
        if (round === 1 && limaDay(task.completedAt!) > deadline) onTime = false;
        return { domain: p.domain, items: task.data.items };
      }),
    );
    const approval = await run.task({
      key: `approve-${round}`,
      type: 'approve_preventive_plan',
      title: `Aprobar el plan de mantenimiento preventivo ${input.year}`,
      role: 'coordinator',
      dueBusinessDays: settings.preventive.approvalDays,
    });
    if (approval.data.verdict === 'approved') break;
    observations = approval.data.observations;
  }
  const occurrences = parts.flatMap((p) =>
    planOccurrences(p.items).map((o) => ({ domain: p.domain, date: o.date, index: o.index, description: o.item.description, ...(o.item.assetKey ? { assetKey: o.item.assetKey } : {}), ...(o.item.contractor ? { contractor: o.item.contractor } : {}) })),
  );
  const schedule = await startScheduleChild(run, { year: input.year, occurrences, settings });
  const ok = onTime ? 1 : 0;
  return run.finish('completed', { closed: 1, onTime: ok, achieved: ok }, { year: input.year, deadline, onTime, scheduled: occurrences.length, scheduleWorkflowId: schedule });
}

interface Occurrence {
  domain: AssetDomain;
  date: string;
  index: number;
  description: string;
  assetKey?: string;
  contractor?: string;
}

export interface PreventiveScheduleInput {
  planRunId: string;
  centerId: string;
  searchAttributes: boolean;
  year: number;
  /** Still to start, in date order. */
  occurrences: Occurrence[];
  settings: EngineSettings;
}

async function startScheduleChild(run: Run, o: { year: number; occurrences: Occurrence[]; settings: EngineSettings }): Promise<string> {
  const workflowId = `${run.meta.runId}-programacion`;
  const args: PreventiveScheduleInput = { planRunId: run.meta.runId, centerId: run.meta.centerId, searchAttributes: run.meta.searchAttributes, year: o.year, occurrences: o.occurrences.sort((a, b) => a.date.localeCompare(b.date)), settings: o.settings };
  await startChild('preventiveScheduleWorkflow', { workflowId, args: [args], parentClosePolicy: ParentClosePolicy.ABANDON });
  return workflowId;
}

/**
 * The approved plan at work: each scheduled maintenance's run (PA2.2.2 for the infrastructure,
 * PA1.1.3 for TIC, from the catalog) starts `leadDays` business days before its date. Its history
 * holds a few events per maintenance and continues as new long before it could grow without bound.
 */
export async function preventiveScheduleWorkflow(args: PreventiveScheduleInput): Promise<{ started: number }> {
  let started = 0;
  for (const [i, o] of args.occurrences.entries()) {
    if (workflowInfo().historyLength > 2_000) await continueAsNew<typeof preventiveScheduleWorkflow>({ ...args, occurrences: args.occurrences.slice(i) });
    const opensOn = await acts.businessDaysBefore({ date: o.date, days: args.settings.preventive.leadDays });
    const wait = Date.parse(`${opensOn}T08:00:00-05:00`) - Date.now();
    if (wait > 0) await sleep(wait);
    const procedure = procedureFor('preventive_maintenance', o.domain);
    await startRunChild(
      { centerId: args.centerId, searchAttributes: args.searchAttributes, owner: `preventive:${args.planRunId}:${o.domain}:${o.index}`, startedBy: { sub: args.planRunId, role: 'run' } },
      procedure.code,
      procedure.workflowType,
      { input: { centerId: args.centerId, date: o.date, description: o.description, planRunId: args.planRunId, ...(o.assetKey ? { assetKey: o.assetKey } : {}), ...(o.contractor ? { contractor: o.contractor } : {}) }, settings: args.settings },
    );
    started += 1;
  }
  return { started };
}

/**
 * PA2.2.2 Ejecución del plan de mantenimiento preventivo (infrastructure, the Supervisor) and
 * PA1.1.3 Gestión del mantenimiento preventivo de TICs (the Especialista TIC; an entity's own
 * equipment, its contact: 2.1.5 TIC g). One scheduled maintenance: coordinated with the contractor
 * ahead of its date, executed by its date with the evidence (reminded, escalated Coordinador →
 * Entidad Administradora → SSCS), and given conformity.
 */
export async function preventiveMaintenanceWorkflow(args: PreventiveMaintenanceWorkflowInput): Promise<RunState> {
  return withRun(args.meta, (run) => preventiveRun(run, args));
}

async function preventiveRun(run: Run, { meta, input, settings }: PreventiveMaintenanceWorkflowInput): Promise<RunState> {
  const roles = maintenanceRoles(meta.code);
  const asset = input.assetKey ? await acts.resolveAsset({ centerId: meta.centerId, assetKey: input.assetKey }) : null;
  const holder = assetHolder(asset, roles.fixer);
  const what = asset ? `${input.description} — ${asset.name} (${asset.location})` : input.description;
  await run.begin(`Mantenimiento preventivo del ${input.date}: ${what}`, { planned: 1, preventive: 1 }, asset ? assetRef(asset.id) : undefined);
  await run.task({ key: 'coordinate', type: 'coordinate_preventive', title: `Coordinar con el contratista el mantenimiento preventivo del ${input.date}: ${what}`, dueBusinessDays: 2, ...holder });
  let executedOn = '';
  let observations: string | undefined;
  for (let round = 1; ; round++) {
    const executed = await run.task({
      key: `execute-${round}`,
      type: 'execute_preventive',
      title: observations ? `Corregir el mantenimiento preventivo (${observations}): ${what}` : `Ejecutar el mantenimiento preventivo programado para el ${input.date}: ${what}`,
      ...(round === 1 ? { dueOn: input.date } : { dueBusinessDays: settings.maintenance.businessDays }),
      remindBefore: [1],
      ...holder,
      check: (data) => (data.executedOn > limaDay() ? `executedOn: ${data.executedOn} is after today (${limaDay()})` : undefined),
    });
    executedOn = executed.data.executedOn;
    const confirmation = await run.task({ key: `confirm-${round}`, type: 'confirm_preventive', title: `Dar conformidad al mantenimiento preventivo: ${what}`, role: roles.confirmer, dueBusinessDays: 2 });
    if (confirmation.data.verdict === 'conforme') break;
    observations = confirmation.data.observations;
  }
  const onTime = executedOn <= input.date ? 1 : 0;
  return run.finish(
    'completed',
    { planned: 1, preventive: 1, closed: 1, executed: 1, executedOnTime: onTime, maintenance: 1, corrective: 0, achieved: onTime },
    { date: input.date, executedOn, onTime: onTime === 1, ...(holder.entityId ? { entityId: holder.entityId } : {}) },
  );
}
