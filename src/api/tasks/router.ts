import { z } from 'zod';
import type { Api } from '../route';
import { errorResponses, json } from '../route';
import type { ApiDeps } from '../deps';
import { completeTask, listTasks, taskQuery } from './service';

const taskSchema = z
  .object({
    id: z.string(),
    runId: z.string(),
    code: z.string(),
    centerId: z.string(),
    type: z.string(),
    title: z.string(),
    role: z.string(),
    status: z.string(),
    dueAt: z.string().nullable(),
    dataSchema: z.record(z.string(), z.unknown()),
  })
  .openapi('Task');

export function registerTasks(api: Api, deps: ApiDeps): void {
  api.route({
    method: 'get',
    path: '/tasks',
    summary: 'Task inbox, limited to the centers your token covers',
    tags: ['tasks'],
    query: taskQuery,
    responses: { 200: json(z.object({ tasks: z.array(taskSchema) }), 'tasks, oldest first'), ...errorResponses(400, 401, 403) },
    handler: async ({ query, actor }) => ({ tasks: await listTasks(deps, actor, query) }),
  });

  api.route({
    method: 'post',
    path: '/tasks/{taskId}/complete',
    summary: "Complete a task (a Temporal update: validated, the actor recorded in history). `data` follows the task's dataSchema.",
    tags: ['tasks'],
    params: z.object({ taskId: z.string().min(1) }),
    body: z.object({ data: z.record(z.string(), z.unknown()) }).strict(),
    responses: {
      200: json(z.object({ taskId: z.string(), status: z.literal('completed'), completedAt: z.string() }), 'the task is completed'),
      ...errorResponses(400, 401, 403, 404, 409, 503),
    },
    handler: ({ params, body, actor }) => completeTask(deps, actor, params.taskId, body.data),
  });
}
