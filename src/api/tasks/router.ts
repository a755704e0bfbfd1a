import { z } from 'zod';
import type { Api } from '../route';
import { errorResponses, json } from '../route';
import type { ApiDeps } from '../deps';
import { completeTask, listTasks, taskQuery } from './service';
import { runTaskSchema } from '../runs/schemas';

const taskSchema = runTaskSchema
  .extend({ dataSchema: z.record(z.string(), z.unknown()).describe("JSON Schema of the `data` that completes it (the task type's)") })
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
    body: z.object({ data: z.record(z.string(), z.unknown()).describe("the task's data, validated by its dataSchema (GET /tasks)") }).strict(),
    responses: {
      200: json(z.object({ taskId: z.string(), status: z.literal('completed'), completedAt: z.string() }), 'the task is completed'),
      ...errorResponses(400, 401, 403, 404, 409, 503),
    },
    handler: ({ params, body, actor }) => completeTask(deps, actor, params.taskId, body.data),
  });
}
