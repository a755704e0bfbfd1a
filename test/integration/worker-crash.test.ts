/**
 * Durability (DESIGN §7): a worker process killed in the middle of a PM1.4.1 run loses nothing
 * and repeats no side effect. The worker is the standalone `worker.ts` entry point in a child
 * process, killed with SIGKILL (no graceful drain), then replaced by a new process.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { congratulationBody, eventually, mailsTo, startStack, type Stack } from '../helpers/stack';
import { DEV_PAYLOAD_KEYS } from '../../src/config';
import { ROOT, testEnv } from '../helpers/infra';

let stack: Stack;
const children: ChildProcess[] = [];

beforeAll(async () => {
  // The worker process seals payloads with its configuration's keys (the development key here):
  // the API's client must hold the same ones, as in production.
  stack = await startStack({ worker: false, payloadKeys: DEV_PAYLOAD_KEYS });
});
afterAll(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  await stack?.close();
});

function startWorkerProcess(): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'worker.ts')], {
    cwd: ROOT,
    env: {
      ...process.env,
      TEMPORAL_ADDRESS: testEnv.temporalAddress(),
      TEMPORAL_NAMESPACE: stack.namespace,
      TEMPORAL_TASK_QUEUE: stack.taskQueue,
      MONGODB_URI: `mongodb://${stack.models.connection.host}:${stack.models.connection.port}/${stack.models.connection.name}`,
      SMTP_URL: testEnv.smtpUrl(),
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  children.push(child);
  return child;
}

const exited = (c: ChildProcess) => new Promise((r) => (c.exitCode !== null || c.signalCode !== null ? r(null) : c.once('exit', r)));

test('when the worker is killed mid-run, then a new worker completes the run and the citizen gets one acknowledgement, not two', async () => {
  const first = startWorkerProcess();
  const body = congratulationBody({ entityId: 'sunat' });
  const start = await stack.http.post('/api/v1/procedures/PM1.4.1/runs').set(stack.auth('orientador', ['lima-norte'])).send(body);
  expect(start.status).toBe(201);
  const runId: string = start.body.runId;
  const coordinator = stack.auth('coordinator', ['lima-norte'], 'coordinador.kill');

  // Kill it as soon as the outbox records the acknowledgement as sent: the activity may or may not
  // have reported its completion to Temporal, so the new worker may run it again.
  await eventually(async () => {
    const run = await stack.http.get(`/api/v1/runs/${encodeURIComponent(runId)}`).set(coordinator);
    return run.body.notifications?.[0]?.status === 'sent';
  }, 'the acknowledgement to be sent', 60_000);
  first.kill('SIGKILL');
  await exited(first);
  expect(first.signalCode).toBe('SIGKILL');

  const second = startWorkerProcess();
  const task = await eventually(async () => (await stack.http.get(`/api/v1/tasks?runId=${encodeURIComponent(runId)}&status=open`).set(coordinator)).body.tasks?.[0], 'the open task', 60_000);
  const done = await stack.http.post(`/api/v1/tasks/${encodeURIComponent(task.id)}/complete`).set(coordinator).send({ data: { shareWithEntity: true } });
  expect(done.status).toBe(200);
  const run = await eventually(async () => {
    const res = await stack.http.get(`/api/v1/runs/${encodeURIComponent(runId)}`).set(coordinator);
    return res.body.status === 'completed' ? res.body : undefined;
  }, 'the run to complete', 120_000);

  expect(await mailsTo(body.citizen.email)).toHaveLength(1);
  expect((await mailsTo('mac@sunat.gob.pe')).filter((m) => m.subject.includes(run.documents[1].reference))).toHaveLength(1);
  expect(run.documents).toHaveLength(2);
  second.kill('SIGTERM');
  await exited(second);
}, 240_000);
