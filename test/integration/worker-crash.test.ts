/**
 * Durability (DESIGN §7): a worker process killed in the middle of a PM1.4.1 run loses nothing
 * and repeats no side effect. The worker is the standalone `worker.ts` entry point in a child
 * process, killed with SIGKILL (no graceful drain), then replaced by a new process.
 */
import type { ChildProcess } from 'node:child_process';
import { congratulationBody, eventually, mailsTo, startStack, type Stack } from '../helpers/stack';
import { DEV_PAYLOAD_KEYS } from '../../src/config';
import { exited, spawnWorkerProcess } from '../helpers/faults';

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
  const child = spawnWorkerProcess(stack);
  children.push(child);
  return child;
}

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
