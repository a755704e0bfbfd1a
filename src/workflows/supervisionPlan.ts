import { condition, continueAsNew, ParentClosePolicy, setHandler, startChild, workflowInfo, WorkflowIdReusePolicy } from '@temporalio/workflow';
import { acts } from './run';
import { CenterIdAttr, planChangedSignal, ProcedureCodeAttr, RunStatusAttr, type RunMeta } from '../shared/messages';
import type { EngineSettings } from '../shared/settings';
import type { SupervisionWorkflowInput } from './supervision';

export interface SupervisionPlanWorkflowInput {
  year: number;
  settings: EngineSettings;
  searchAttributes: boolean;
  /** Who approved the plan (Cuadro 02, 1): the runs it starts name it as their starter. */
  approvedBy: string;
}

export const SUPERVISION_CODE = 'PM1.3.1';

/**
 * The Plan de Supervisión Anual at work (2.3.3; Cuadro 02, 1): once approved, it starts each planned
 * visit's PM1.3.1 run when its gabinete is due to begin (SUPERVISION_GABINETE_LEAD_DAYS business
 * days before the visit), in date order, reading the plan from the store each time so a changed
 * date or a cancelled visit is honoured; a change wakes it at once. It ends when every visit of the
 * plan has its run. Its history holds a few events per visit and per change, and it continues as
 * new long before that could grow without bound.
 */
export async function supervisionPlanWorkflow(args: SupervisionPlanWorkflowInput): Promise<{ year: number; started: string[] }> {
  let changed = false;
  setHandler(planChangedSignal, () => void (changed = true));
  const started: string[] = [];
  for (;;) {
    if (workflowInfo().historyLength > 2_000) await continueAsNew<typeof supervisionPlanWorkflow>(args);
    changed = false;
    const next = await acts.nextPlanVisit({ year: args.year, leadDays: args.settings.supervision.gabineteLeadDays });
    if (!next) return { year: args.year, started };
    const wait = Date.parse(next.startAt) - Date.now();
    if (wait > 0 && (await condition(() => changed, wait))) continue;
    // The run's number is claimed under the plan's visit (and its date: a visit moved after a
    // refused claim gets a number of its own), so a retry or a replay gets the same one.
    const runId = await acts.allocateRunNumber({ code: SUPERVISION_CODE, centerId: next.centerId, owner: `plan:${args.year}:${next.visitId}:${next.date}` });
    // The visit may have changed since it was read (moved, cancelled): the claim says, and then
    // the plan is read again.
    if (!(await acts.claimPlanVisit({ year: args.year, visitId: next.visitId, date: next.date, runId, at: new Date().toISOString() }))) continue;
    const meta: RunMeta = { runId, code: SUPERVISION_CODE, centerId: next.centerId, startedBy: { sub: args.approvedBy, role: 'sscs' }, searchAttributes: args.searchAttributes };
    const input: SupervisionWorkflowInput = { meta, input: { centerId: next.centerId, visitDate: next.date, plan: { year: args.year, visitId: next.visitId } }, settings: args.settings };
    await startChild('supervisionWorkflow', {
      workflowId: runId,
      workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
      args: [input],
      parentClosePolicy: ParentClosePolicy.ABANDON,
      ...(args.searchAttributes
        ? { typedSearchAttributes: [{ key: CenterIdAttr, value: next.centerId }, { key: ProcedureCodeAttr, value: SUPERVISION_CODE }, { key: RunStatusAttr, value: 'running' }] as never }
        : {}),
    });
    started.push(runId);
  }
}
