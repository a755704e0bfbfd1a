/**
 * Driving runs through the HTTP API on the time-skipping server (STYLE: tests): the API's clock
 * follows the server's, tokens per role, open and complete tasks as a person would.
 */
import supertest from 'supertest';
import type { Worker } from '@temporalio/worker';
import { createApp } from '../../src/api/app';
import { signToken } from '../../src/api/auth';
import type { Actor, Role } from '../../src/shared/roles';
import { RecordingMailer, useWorkflowTestEnv } from './infra';
import { eventually, JWT_SECRET, testApiDeps } from './stack';

/**
 * `serverPerTest`: each test gets its own server, database, worker and API (a test whose updates
 * were rejected can stop the Java test server's time skipping for the next one).
 */
export function useApiFlow(opts: { serverPerTest?: boolean } = {}) {
  const ctx = useWorkflowTestEnv({ hooks: 'none' });
  const mailer = new RecordingMailer();
  let worker: Worker | undefined;
  let running: Promise<void> | undefined;
  const roleOf = new Map<string, Role>();
  const flow = {
    ctx,
    mailer,
    http: undefined as unknown as supertest.Agent,
    /** The server's time, updated after every skip. */
    now: new Date(),
    /** The worker's task queue (for a run started by the client, as a Schedule starts it). */
    taskQueue: '',
    token(role: Role, sub: string, extra: Partial<Actor> = {}) {
      const token = `Bearer ${signToken(JWT_SECRET, { sub, role, centers: '*', ...extra } as Actor)}`;
      roleOf.set(token, role);
      return token;
    },
    async skip(ms: number) {
      await ctx.env.sleep(ms);
      flow.now = new Date(await ctx.env.currentTimeMs());
    },
    async skipTo(instant: Date) {
      await flow.skip(Math.max(1, instant.getTime() - (await ctx.env.currentTimeMs())));
    },
    /** The open task of `type` that the token's role holds (or may complete). */
    async openTask(runId: string, type: string, auth: string, nth = 1): Promise<string> {
      const role = roleOf.get(auth);
      return eventually(async () => {
        const res = await flow.http.get('/api/v1/tasks').query({ runId, status: 'open' }).set('Authorization', auth);
        if (res.status !== 200) throw new Error(`GET /tasks: ${res.status} ${JSON.stringify(res.body)}`);
        const mine = (res.body.tasks as { id: string; type: string; role: string; alsoRoles?: string[] }[]).filter(
          (t) => t.type === type && (!role || t.role === role || t.alsoRoles?.includes(role)),
        );
        return mine[nth - 1]?.id;
      }, `open ${type} in ${runId}`);
    },
    /** Completes the open task of `type`; returns the response (200 or the refusal). */
    async tryComplete(runId: string, type: string, auth: string, data: unknown) {
      const id = await flow.openTask(runId, type, auth);
      return flow.http.post(`/api/v1/tasks/${encodeURIComponent(id)}/complete`).set('Authorization', auth).send({ data });
    },
    async complete(runId: string, type: string, auth: string, data: unknown): Promise<void> {
      const res = await flow.tryComplete(runId, type, auth, data);
      if (res.status !== 200) throw new Error(`${type}: ${res.status} ${JSON.stringify(res.body)}`);
    },
    async start(code: string, auth: string, body: unknown): Promise<string> {
      const res = await flow.http.post(`/api/v1/procedures/${code}/runs`).set('Authorization', auth).send(body as object);
      if (res.status !== 201) throw new Error(`start ${code}: ${res.status} ${JSON.stringify(res.body)}`);
      return res.body.runId as string;
    },
    async run(runId: string, auth: string) {
      const res = await flow.http.get(`/api/v1/runs/${encodeURIComponent(runId)}`).set('Authorization', auth);
      if (res.status !== 200) throw new Error(`GET run ${runId}: ${res.status} ${JSON.stringify(res.body)}`);
      return res.body;
    },
    async runStatus(runId: string, auth: string, status: string) {
      return eventually(async () => {
        const body = await flow.run(runId, auth);
        return body.status === status ? body : undefined;
      }, `${runId} ${status}`);
    },
  };
  const up = async () => {
    await ctx.open();
    flow.now = new Date(await ctx.env.currentTimeMs());
    const w = await ctx.worker(mailer);
    worker = w.worker;
    flow.taskQueue = w.taskQueue;
    running = worker.run();
    flow.http = supertest.agent(createApp(testApiDeps({ models: ctx.models, temporal: ctx.env.client, mailer, taskQueue: w.taskQueue, clock: () => flow.now })));
  };
  const down = async () => {
    worker?.shutdown();
    await running;
    await ctx.close();
  };
  if (opts.serverPerTest) {
    beforeEach(up);
    afterEach(down);
  } else {
    beforeAll(up);
    afterAll(down);
  }
  return flow;
}
