/**
 * Faults: the worker process killed with SIGKILL (no drain) at several points of runs of every
 * workflow type the worker registers (test/faults/families.ts: each family's runs, and a decree's
 * announcement and a reconciliation pass besides), replaced by a new process each time (DESIGN §7: every activity idempotent,
 * email through an outbox, documents numbered by owner). The points: right after the API accepted
 * a start, right after an email left (the outbox says sent: Temporal may not know yet), right after
 * a document was numbered, right after a task completion was accepted, and at random moments.
 */
import type { ChildProcess } from 'node:child_process';
import { limaDate } from '../../src/calendar/businessCalendar';
import { loadCalendar } from '../../src/calendar/service';
import { DEV_PAYLOAD_KEYS } from '../../src/config';
import { openingScheduleId } from '../../src/schedules/opening';
import { exited, spawnWorkerProcess } from '../helpers/faults';
import { testEnv, uniqueId } from '../helpers/infra';
import { eventually, startStack, type Stack } from '../helpers/stack';
import { apiDriver, FAMILIES, PREOPERATIVE_CENTER } from './families';
import { recordRow, rowOf, sideEffectsOf } from './harness';
import * as workflows from '../../src/workflows';

let stack: Stack;
let worker: ChildProcess | undefined;
const kills: string[] = [];

beforeAll(async () => {
  // The worker processes seal payloads with their configuration's (development) key: so does the API.
  stack = await startStack({ worker: false, payloadKeys: DEV_PAYLOAD_KEYS });
});
afterAll(async () => {
  // The new center's daily opening schedule, made when its pre-operative stage ended.
  await stack?.client.schedule.getHandle(openingScheduleId(PREOPERATIVE_CENTER.id)).delete().catch(() => undefined);
  if (worker && worker.exitCode === null && worker.signalCode === null) worker.kill('SIGKILL');
  await stack?.close();
});

/** One kill at a time: SIGKILL, wait for the exit, start the replacement. */
let killing: Promise<void> = Promise.resolve();
function killWorker(point: string): Promise<void> {
  killing = killing.then(async () => {
    const victim = worker!;
    victim.kill('SIGKILL');
    await exited(victim);
    if (victim.signalCode !== 'SIGKILL') throw new Error(`the worker was not killed but exited with ${victim.exitCode}`);
    kills.push(point);
    worker = spawnWorkerProcess(stack);
  });
  return killing;
}

/** How many of the kills each point still gets. */
const budget: Record<string, number> = { 'after a start was accepted': 2, 'after an email left': 4, 'after a document was numbered': 3, 'after a completion was accepted': 4, 'at a random moment': 3 };
function killAt(point: string): Promise<void> {
  if (!budget[point]) return Promise.resolve();
  budget[point]--;
  return killWorker(point);
}

test('when the worker is killed at several points of runs of every workflow type, then every run finishes, every email arrives, no notice is sent as two emails and no document number is given twice', async () => {
  const since = new Date();
  worker = spawnWorkerProcess(stack);
  const driver = apiDriver(stack, {
    deadlineMs: 240_000,
    // Every second accepted start or completion, the worker dies right after it.
    onAccepted: (() => {
      let n = 0;
      return async (what) => {
        if (n++ % 2 === 0) await killAt(what === 'start' ? 'after a start was accepted' : 'after a completion was accepted');
      };
    })(),
  });

  // Side effects watched in the store: the worker dies as soon as one appears.
  let watching = true;
  const watcher = (async () => {
    let sent = 0;
    let documents = 0;
    // A fixed seed: the random moments are the same on every run of the suite.
    let seed = 20261203;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    let nextRandomKill = Date.now() + 3_000 + random() * 8_000;
    while (watching) {
      const [nowSent, nowDocs] = await Promise.all([stack.models.Outbox.countDocuments({ status: 'sent' }), stack.models.Document.countDocuments()]);
      if (nowSent > sent) await killAt('after an email left');
      else if (nowDocs > documents) await killAt('after a document was numbered');
      else if (Date.now() > nextRandomKill) {
        await killAt('at a random moment');
        nextRandomKill = Date.now() + 5_000 + random() * 10_000;
      }
      [sent, documents] = [nowSent, nowDocs];
      await new Promise((r) => setTimeout(r, 100));
    }
  })();

  let all: { id: string; centerId: string }[];
  try {
    const roots = await Promise.all(FAMILIES.map(async (f) => ({ family: f, runId: await driver.start(f) })));
    // Besides the families' runs: a non-working day decreed while claims are open (its
    // announcement tells each one), and a pass of the reconciliation of run records, started as
    // its Schedule starts it.
    const decreed = (async () => driver.decree((await loadCalendar(stack.models)).addBusinessDays(limaDate(new Date()), 10), 'Día no laborable decretado para el sector público (prueba de fallas)'))();
    const reconciled = stack.client.workflow.start('reconcileRunsWorkflow', { taskQueue: stack.taskQueue, workflowId: uniqueId('reconcile-runs'), args: [{ overlapMinutes: 5 }] }).then((h) => h.result());
    all = (await Promise.all(roots.map(async ({ family, runId }) => (await driver.finish(runId, family)).map((id) => ({ id, centerId: family.centerId }))))).flat();
    await Promise.all([decreed, reconciled]);
  } catch (err) {
    // What Temporal says the runs are waiting for, to read with the failure.
    const open = await stack.models.Run.find({ status: 'running' }, { _id: 1 }).lean();
    const pending = await Promise.all(open.map(async (r) => {
      const d = await stack.client.workflow.getHandle(r._id).describe();
      return `${r._id}: ${JSON.stringify(d.raw.pendingActivities?.map((a) => ({ type: a.activityType?.name, attempt: a.attempt, state: a.state, lastFailure: a.lastFailure?.message })))}`;
    }));
    throw new Error(`${(err as Error).message}\n${pending.join('\n')}`);
  } finally {
    watching = false;
    await watcher;
    await killing;
  }

  // Deliveries still under way when the last task closed: wait for every run to end.
  const runs = await driver.settle(all);
  const effects = await sideEffectsOf(stack.models, runs.map((r) => r.runId), testEnv.mailWeb(), since);
  // Every workflow execution of the scenario (its namespace is its own) ended completed: the runs,
  // and those with no run record (the decree's announcement, the reconciliation, a plan's programación).
  const executions = await eventually(async () => {
    const list: { type: string; id: string; status: string }[] = [];
    for await (const wf of stack.client.workflow.list()) list.push({ type: wf.type, id: wf.workflowId, status: wf.status.name });
    return list.every((w) => w.status === 'COMPLETED') ? list : undefined;
  }, 'every workflow execution completed', 60_000).catch(async (err) => {
    const list: string[] = [];
    for await (const wf of stack.client.workflow.list()) if (wf.status.name !== 'COMPLETED') list.push(`${wf.type} ${wf.workflowId}: ${wf.status.name}`);
    throw new Error(`${(err as Error).message}: ${list.join('; ')}`);
  });
  const types = [...new Set(executions.map((w) => w.type))].sort();
  const row = rowOf('worker killed (SIGKILL)', types, runs, kills.length, effects);
  recordRow({ ...row, detail: `${row.detail}; kills: ${kills.join(', ')}` });

  expect(kills.length).toBeGreaterThanOrEqual(6);
  expect(new Set(kills).size).toBeGreaterThanOrEqual(4);
  expect(runs.filter((r) => r.status !== 'completed')).toEqual([]);
  // Each workflow type the engine registers ran here.
  expect(types).toEqual(Object.keys(workflows).sort());
  // Each family's runs: its own and those it started (an incident, an induction, maintenances).
  expect(runs.length).toBe(FAMILIES.reduce((n, f) => n + f.runs, 0));
  expect(effects.emailsLost).toEqual([]);
  expect(effects.emailsDuplicated).toEqual([]);
  expect(effects.numbersDuplicated).toEqual([]);
  // A kill inside an SMTP exchange may make the relay accept an email twice (row.resent): both
  // copies carry the outbox key's one Message-ID, and none is sent again once the outbox says sent.
  expect(effects.emailsQueued).toBeGreaterThan(0);
  expect(effects.documents).toBeGreaterThan(0);
});
