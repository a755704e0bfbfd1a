import { Run, withRun } from './run';
import type { RunMeta, RunState } from '../shared/messages';
import type { StepDefinition } from '../catalog';

export interface ProcedureWorkflowInput {
  meta: RunMeta;
  input: { centerId: string; subject: string; description?: string; period?: string };
  /** The catalog's steps at start time: a run keeps the step list it started with. */
  steps: StepDefinition[];
}

/**
 * The catalog-driven procedure workflow (DESIGN §4): the procedure's steps in order, each a
 * human task for a role with a term in business days, reminders and escalation; the recorded
 * outcomes feed the procedure's indicator (`achieved` when every step was done).
 */
export async function procedureWorkflow(args: ProcedureWorkflowInput): Promise<RunState> {
  return withRun(args.meta, (run) => procedureRun(run, args));
}

async function procedureRun(run: Run, { input, steps }: ProcedureWorkflowInput): Promise<RunState> {
  await run.begin(input.subject);
  let achieved = true;
  for (const step of steps) {
    const task = await run.task({ key: step.key, type: 'procedure_step', title: step.title, role: step.role, dueBusinessDays: step.dueBusinessDays });
    if (task.data.outcome !== 'done') achieved = false;
  }
  return run.finish('completed', { closed: 1, achieved: achieved ? 1 : 0, notAchieved: achieved ? 0 : 1 }, { achieved });
}
