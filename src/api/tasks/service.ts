import { z } from 'zod';
import { WorkflowNotFoundError, WorkflowUpdateFailedError, WorkflowUpdateRPCTimeoutOrCancelledError } from '@temporalio/client';
import type { ApiDeps } from '../deps';
import { ROLES, type Actor, type SscsFunction } from '../../shared/roles';
import { completeTaskUpdate, TaskRejection } from '../../shared/messages';
import { isTaskType, taskDataSchemas } from '../../shared/tasks';
import { assertCenter, centerFilter } from '../auth';
import { badRequest, conflict, forbidden, HttpError, invalidField, invalidInput, notFound } from '../errors';
import { serializeTask } from '../runs/service';

/**
 * The inbox and task completion, shared by the API (src/api/tasks/router.ts) and the web pages
 * (src/web): one path to the data, one set of checks.
 */

export const taskQuery = z.object({
  runId: z.string().optional(),
  centerId: z.string().optional(),
  role: z.enum(ROLES).optional(),
  status: z.enum(['open', 'completed', 'cancelled']).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

/** JSON with sorted keys, to compare two payloads whatever their key order. */
function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_k, v) => (v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b))) : v));
}

export const dataSchemaOf = (type: string): Record<string, unknown> => (isTaskType(type) ? z.toJSONSchema(taskDataSchemas[type], { io: 'input' }) : {});

/** Update validator rejections (ApplicationFailure types) as HTTP errors. */
function fromRejection(err: WorkflowUpdateFailedError): HttpError {
  const cause = err.cause as { type?: string; message?: string; details?: unknown[] } | undefined;
  const message = cause?.message ?? err.message;
  switch (cause?.type) {
    case TaskRejection.NotFound:
      return notFound(`task`);
    case TaskRejection.NotOpen:
      return conflict('task_not_open', message);
    case TaskRejection.RoleNotAllowed:
    case TaskRejection.CenterNotAllowed:
      return forbidden(message);
    case TaskRejection.InvalidData:
      // The validator's schema issues when it has them; its own check (e.g. nobody to share with) otherwise.
      return cause.details?.[0] ? badRequest(`invalid input: ${message}`, cause.details[0]) : invalidField('data', message);
    default:
      return conflict('task_rejected', message);
  }
}

/** The inbox filter of an actor: their centers, the role asked for, their entity. */
export function inboxFilter(actor: Actor, query: { runId?: string; centerId?: string; role?: string; status?: string }): Record<string, unknown> {
  const filter: Record<string, unknown> = centerFilter(actor, query.centerId);
  if (query.runId) filter.runId = query.runId;
  // A task some other role may also complete is in that role's inbox too.
  if (query.role) filter.$or = [{ role: query.role }, { alsoRoles: query.role }];
  // A participating entity's contact sees only their entity's tasks.
  if (actor.role === 'participant_entity') filter.entityId = actor.entity;
  if (query.status) filter.status = query.status;
  return filter;
}

export async function listTasks(deps: ApiDeps, actor: Actor, query: z.infer<typeof taskQuery>) {
  const tasks = await deps.models.Task.find(inboxFilter(actor, query)).sort({ createdAt: 1 }).limit(query.limit).lean();
  return tasks.map((t) => ({ ...serializeTask(t), dataSchema: dataSchemaOf(t.type) }));
}

/**
 * A task the actor may complete: its center, its role (or one of its other roles), its entity
 * (a participating entity's contact), its SSCS functions. 404 when it does not exist, 403 otherwise.
 */
export async function loadTaskFor(deps: ApiDeps, actor: Actor, taskId: string) {
  const task = await deps.models.Task.findById(taskId).lean();
  if (!task) throw notFound(`task ${taskId}`);
  assertCenter(actor, task.centerId);
  if (actor.role !== task.role && !task.alsoRoles?.includes(actor.role)) {
    throw forbidden(`task ${task._id} is for role ${[task.role, ...(task.alsoRoles ?? [])].join(' or ')}`);
  }
  if (task.entityId && actor.role === 'participant_entity' && actor.entity !== task.entityId) {
    throw forbidden(`task ${task._id} is for the contact of entity ${task.entityId}`);
  }
  if (task.functions?.length && actor.role === 'sscs' && !task.functions.some((f) => actor.functions?.includes(f as SscsFunction))) {
    throw forbidden(`task ${task._id} is for an SSCS member holding ${task.functions.join(' or ')} (token claim "functions")`);
  }
  return task;
}

/** Completes a task: the data validated by its schema, then a Temporal update (the actor in history). */
export async function completeTask(deps: ApiDeps, actor: Actor, taskId: string, body: Record<string, unknown>) {
  const task = await loadTaskFor(deps, actor, taskId);
  let data: unknown = body;
  if (isTaskType(task.type)) {
    const parsed = taskDataSchemas[task.type].safeParse(body);
    if (!parsed.success) throw invalidInput(parsed.error, 'data');
    data = parsed.data;
  }
  if (task.status !== 'open') {
    // The same person sending the same completion again (a retry after a lost answer) gets
    // the first answer; anything else on a closed task is a conflict.
    if (task.status === 'completed' && task.completedBy?.sub === actor.sub && canonicalJson(task.data) === canonicalJson(data)) {
      return { taskId: task._id, status: 'completed' as const, completedAt: task.completedAt!.toISOString() };
    }
    throw conflict('task_not_open', `task ${task._id} is ${task.status}`);
  }
  try {
    return await deps.temporal.workflow
      .getHandle(task.runId)
      // The task id as update id: a client retrying after a lost response gets the first result.
      // The parsed data: the workflow stores what it receives, as history keeps it.
      .executeUpdate(completeTaskUpdate, { updateId: `complete:${task._id}`, args: [{ taskId: task._id, actor, data }] });
  } catch (err) {
    if (err instanceof WorkflowUpdateFailedError) throw fromRejection(err);
    if (err instanceof WorkflowNotFoundError) throw conflict('run_closed', `run ${task.runId} is no longer running`);
    if (err instanceof WorkflowUpdateRPCTimeoutOrCancelledError) {
      throw new HttpError(503, 'engine_unavailable', `run ${task.runId} did not answer in time; the completion may still apply, retry to see`);
    }
    throw err;
  }
}
