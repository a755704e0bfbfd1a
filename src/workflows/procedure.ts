import { Run, withRun } from './run';
import type { RunMeta, RunState } from '../shared/messages';
import type { FigureDefinition, StepDefinition } from '../catalog';
import type { TaskData } from '../shared/tasks';

export interface ProcedureWorkflowInput {
  meta: RunMeta;
  input: { centerId: string; subject: string; description?: string; period?: string };
  /** The catalog's steps at start time: a run keeps the step list it started with. */
  steps: StepDefinition[];
}

/**
 * The catalog-driven procedure workflow (DESIGN §4): the procedure's steps in order, each a
 * human task for a role with a term in business days, reminders and escalation; the recorded
 * outcomes feed the procedure's indicator (`achieved` when every step was done), and so do the
 * figures a step reports where the Listado's indicator is computed from them (issue 11: citizens
 * surveyed, turns per hour, the risk level…), checked against the step's definition.
 */
export async function procedureWorkflow(args: ProcedureWorkflowInput): Promise<RunState> {
  return withRun(args.meta, (run) => procedureRun(run, args));
}

async function procedureRun(run: Run, { input, steps }: ProcedureWorkflowInput): Promise<RunState> {
  await run.begin(input.subject);
  let achieved = true;
  const figures: Record<string, number> = {};
  for (const step of steps) {
    const task = await run.task({
      key: step.key,
      type: 'procedure_step',
      title: step.title,
      role: step.role,
      dueBusinessDays: step.dueBusinessDays,
      ...(step.figures?.length ? { check: (data: TaskData<'procedure_step'>) => figureProblem(step.figures!, data.figures) } : {}),
    });
    if (task.data.outcome !== 'done') achieved = false;
    Object.assign(figures, figureMetrics(step.figures ?? [], task.data.figures));
  }
  return run.finish('completed', { closed: 1, achieved: achieved ? 1 : 0, notAchieved: achieved ? 0 : 1, ...figures }, { achieved, ...(Object.keys(figures).length ? { figures } : {}) });
}

/** A step's figures are all given, each of its kind, and no other (the first problem, naming its path). */
export function figureProblem(definitions: FigureDefinition[], given: Record<string, number | string> | undefined): string | undefined {
  const values = given ?? {};
  for (const f of definitions) {
    const v = values[f.key];
    if (v === undefined) return `figures.${f.key} is required: ${f.label}`;
    if (f.kind === 'choice') {
      if (typeof v !== 'string' || !Object.hasOwn(f.options ?? {}, v)) return `figures.${f.key} must be one of ${Object.keys(f.options ?? {}).join(', ')}`;
    } else if (typeof v !== 'number' || (f.kind === 'count' && !Number.isInteger(v))) {
      return `figures.${f.key} must be ${f.kind === 'count' ? 'a whole number' : 'a number of hours'}`;
    }
  }
  const extra = Object.keys(values).find((k) => !definitions.some((f) => f.key === k));
  return extra ? `figures.${extra} is not a figure of this step` : undefined;
}

/** The run's metrics from a step's figures: counts and hours as they are; a choice as `<key>__<option>` = 1 (and its rank on a scale). */
export function figureMetrics(definitions: FigureDefinition[], given: Record<string, number | string> | undefined): Record<string, number> {
  const out: Record<string, number> = {};
  for (const f of definitions) {
    const v = given?.[f.key];
    if (v === undefined) continue;
    if (f.kind === 'choice') {
      out[`${f.key}__${v}`] = 1;
      if (f.scale) out[f.key] = Object.keys(f.options ?? {}).indexOf(String(v));
    } else out[f.key] = Number(v);
  }
  return out;
}
