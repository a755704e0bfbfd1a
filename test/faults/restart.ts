/**
 * A component taken down and brought back while runs of several families are under way, with the
 * API probed meanwhile: the scenario shared by the store and Temporal restarts of the fault suite.
 */
import { testEnv } from '../helpers/infra';
import { eventually, type Stack } from '../helpers/stack';
import { apiDriver, FAMILIES, type Family } from './families';
import { probeWhileDown, rowOf, serverErrors, sideEffectsOf, type Answers, type FaultRow } from './harness';

const byCode = (code: string) => FAMILIES.find((f) => f.code === code)!;

/** What both restarts must show: no 500 while down, every run finished, every email once, every number once. */
export function expectNothingLostOrRepeated(outcome: RestartOutcome): void {
  expect(serverErrors(outcome.answers)).toEqual({});
  expect(outcome.runs.filter((r) => r.status !== 'completed')).toEqual([]);
  expect(outcome.effects.emailsLost).toEqual([]);
  expect(outcome.effects.emailsDuplicated).toEqual([]);
  // Nobody died inside an SMTP exchange: no email reaches the relay twice.
  expect(outcome.effects.emailsResent).toEqual([]);
  expect(outcome.effects.numbersDuplicated).toEqual([]);
}

export interface RestartOutcome {
  row: FaultRow;
  answers: Answers;
  runs: { runId: string; status: string }[];
  effects: Awaited<ReturnType<typeof sideEffectsOf>>;
}

/**
 * Starts a claim, a congratulation and a catalog-driven procedure; restarts the component
 * (`down`, then `up` after `outageMs`) once as their first activities run and once while their
 * tasks are being completed; probes the API while it is down; carries every run to its end,
 * starts tried while down included (sent again with their key); counts what was lost or repeated.
 */
export async function throughRestarts(stack: Stack, o: { scenario: string; down(): Promise<void>; up(): Promise<void>; outageMs: number }): Promise<RestartOutcome> {
  const since = new Date();
  const families: Family[] = [byCode('PM1.4.2'), byCode('PM1.4.1'), byCode('PA1.1.5')];
  const driver = apiDriver(stack, { deadlineMs: 240_000 });
  const answers: Answers = {};
  const retried: { family: Family; again: { key: string; body: object } }[] = [];
  let faults = 0;

  const claim = families[0]!;
  const orientador = stack.auth('orientador', [claim.centerId], `orientador.${claim.centerId}`);
  const restart = async (runId: string, taskId: string) => {
    await o.down();
    faults++;
    const back = new Promise((r) => setTimeout(r, o.outageMs));
    const probe = await probeWhileDown(stack.http, { auth: orientador, runId, taskId, startCode: claim.code, startBody: claim.body!, stop: back });
    await back;
    await o.up();
    for (const [k, n] of Object.entries(probe.answers)) answers[k] = (answers[k] ?? 0) + n;
    retried.push(...probe.starts.map((again) => ({ family: claim, again })));
  };

  const roots = await Promise.all(families.map(async (f) => ({ family: f, runId: await driver.start(f) })));
  const claimRun = roots[0]!.runId;
  const firstTask = await eventually(async () => {
    const r = await stack.http.get(`/api/v1/tasks?runId=${encodeURIComponent(claimRun)}&status=open`).set(stack.auth('supervisor', [claim.centerId]));
    return r.body.tasks?.[0]?.id as string | undefined;
  }, 'the claim task', 60_000);
  // 1: while the constancia and the first notices are being made and sent.
  await restart(claimRun, firstTask);
  for (const r of retried.splice(0)) roots.push({ family: r.family, runId: await driver.start(r.family, r.again) });

  // 2: while people complete their tasks.
  const finishing = Promise.all(roots.map(async ({ family, runId }) => (await driver.finish(runId, family)).map((id) => ({ id, centerId: family.centerId }))));
  await new Promise((r) => setTimeout(r, 1_500));
  await restart(claimRun, firstTask);
  const started = (await finishing).flat();
  // Starts tried during the second outage, sent again now, and carried through too.
  for (const r of retried.splice(0)) started.push(...(await driver.finish(await driver.start(r.family, r.again), r.family)).map((id) => ({ id, centerId: r.family.centerId })));

  const runs = await driver.settle(started);
  const effects = await sideEffectsOf(stack.models, runs.map((r) => r.runId), testEnv.mailWeb(), since);
  const row = rowOf(o.scenario, families.flatMap((f) => f.workflows), runs, faults, effects);
  const shown = Object.entries(answers).map(([k, n]) => `${k} ×${n}`).join(', ');
  return { row: { ...row, detail: `${row.detail}; API while down: ${shown}` }, answers, runs, effects };
}
