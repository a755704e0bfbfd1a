/**
 * A decreed non-working day reaches every open claim (DESIGN §5: "running terms must then move,
 * with the reason recorded"), even when signals fail or the worker dies halfway. Time-skipping
 * server, real activities on the document DB; the claims' 30-business-day terms are real.
 */
import type { WorkflowHandle } from '@temporalio/client';
import { calendarChangedSignal, getStateQuery, type CalendarChange, type RunState } from '../../src/shared/messages';
import type { Actor } from '../../src/shared/roles';
import { decreeWorkflowId, type DecreeInput } from '../../src/shared/decree';
import { BusinessCalendar } from '../../src/calendar/businessCalendar';
import { createDecreeActivities } from '../../src/activities/decrees';
import { claimWorkflow, decreeWorkflow } from '../../src/workflows';
import { buildClaim, completeTask, maybeRecordHistory, RecordingMailer, useWorkflowTestEnv, waitForTask } from '../helpers/infra';
import { withFaultySignals } from '../helpers/faults';

const ctx = useWorkflowTestEnv();
const calendar = new BusinessCalendar();
const supervisor: Actor = { sub: 'sup-ln', role: 'supervisor', centers: ['lima-norte'] };
const sscs = { sub: 'sscs.calendario', role: 'sscs' as const };

/** Polls until `check` returns something (waiting on state, never on the clock). */
async function until<T>(check: () => Promise<T | undefined | false>, what: string, tries = 600): Promise<T> {
  for (let i = 0; ; i++) {
    const v = await check();
    if (v !== undefined && v !== false) return v;
    if (i > tries) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A claim's state once its term has moved (polled: the signal lands when the worker gets to it). */
const movedTerm = (c: { id: string; handle: WorkflowHandle }) =>
  until(async () => {
    const s = await c.handle.query(getStateQuery);
    return s.term!.changes.length ? s : undefined;
  }, `the term of ${c.id} to move`);

const signalsTo = async (handle: WorkflowHandle) =>
  (await handle.fetchHistory()).events!.filter((e) => e.workflowExecutionSignaledEventAttributes?.signalName === 'calendarChanged').length;

beforeEach(async () => {
  // Every test announces to the open claims of its own: none left from the test before.
  await Promise.all([ctx.models.Claim.deleteMany({}), ctx.models.NonWorkingDay.deleteMany({})]);
});

/** Open claims (term planned, waiting for the investigation), in the order the announcement tells them. */
async function openClaims(taskQueue: string, n: number) {
  const claims = [];
  for (let i = 0; i < n; i++) {
    const claim = buildClaim({ entityId: null });
    const handle = ctx.track(await ctx.env.client.workflow.start(claimWorkflow, { taskQueue, workflowId: claim.meta.runId, args: [claim] }));
    claims.push({ id: claim.meta.runId, handle });
  }
  const states = new Map<string, RunState>();
  for (const c of claims) states.set(c.id, (await waitForTask(c.handle, 'investigate_claim')).state);
  return claims.sort((a, b) => (a.id < b.id ? -1 : 1)).map((c) => ({ ...c, before: states.get(c.id)!.term! }));
}

function decree(date: string, overrides: Partial<DecreeInput> = {}): DecreeInput {
  return { date, reason: 'D.S. N° 150-2026-PCM: día no laborable compensable para el sector público', decreedBy: sscs, decreedAt: new Date().toISOString(), ...overrides };
}

const done = (handle: WorkflowHandle) => until(async () => (await handle.describe()).status.name === 'COMPLETED', 'the announcement to finish');

describe('announcing a decreed non-working day', () => {
  test("when one claim's signal fails the first times, then after the retries every open claim has the new term with the reason, and a claim closed meanwhile is skipped", async () => {
    const mailer = new RecordingMailer();
    let failuresLeft = 2;
    let flaky = '';
    const { worker, taskQueue } = await ctx.worker(mailer, (acts) => ({
      ...acts,
      ...createDecreeActivities({ models: ctx.models, clock: () => new Date(), client: withFaultySignals(ctx.env.client, (id) => (id === flaky && failuresLeft-- > 0 ? 'fail' : false)) }),
    }));
    await worker.runUntil(async () => {
      const claims = await openClaims(taskQueue, 4);
      // Answered a moment ago: its record still says open, its run is gone.
      const closed = 'HR-lima-norte-2026-00000';
      await ctx.models.Claim.create({ _id: closed, centerId: 'lima-norte', registeredAt: new Date(), dueDate: claims[0].before.dueDate, dueAt: new Date(), status: 'open' });
      // Claims are told in number order, two by two: the last one fails, after at least one batch.
      flaky = claims[claims.length - 1].id;
      const order = [...claims.map((c) => c.id), closed].sort();
      const toldBefore = claims.filter((c) => Math.floor(order.indexOf(c.id) / 2) < Math.floor(order.indexOf(flaky) / 2));
      expect(toldBefore.length).toBeGreaterThan(0);
      const date = calendar.addBusinessDays(claims[0].before.registeredOn, 10);

      const handle = await ctx.env.client.workflow.start(decreeWorkflow, { taskQueue, workflowId: decreeWorkflowId(date), args: [decree(date, { batchSize: 2, concurrency: 2 })] });
      await done(handle);
      expect(await handle.result()).toEqual({ date, reason: decree(date).reason, reached: 4, skipped: 1, total: 5 });
      expect(failuresLeft).toBeLessThan(0);

      for (const c of claims) {
        const state = await movedTerm(c);
        expect(state.term!.dueDate).toBe(calendar.addBusinessDays(c.before.dueDate, 1));
        expect(state.term!.changes).toEqual([{ date, reason: decree(date).reason, previousDueDate: c.before.dueDate, dueDate: state.term!.dueDate }]);
        expect(await ctx.models.Claim.findById(c.id).lean()).toMatchObject({ dueDate: state.term!.dueDate, termChanges: [{ date, reason: decree(date).reason }] });
      }
      // The batches before the failing claim's were told once; the calendar and its progress say so.
      for (const c of toldBefore) expect(await signalsTo(c.handle)).toBe(1);
      expect(await ctx.models.NonWorkingDay.findById(date).lean()).toMatchObject({
        reason: decree(date).reason,
        createdBy: sscs.sub,
        announcement: { status: 'done', reached: 4, skipped: 1, total: 5 },
      });
      // The run's start names the decree for SSCS's audit.
      const started = (await handle.fetchHistory()).events![0].workflowExecutionStartedEventAttributes!;
      expect(JSON.parse(Buffer.from(started.input!.payloads![0].data!).toString())).toMatchObject({ date, reason: decree(date).reason, decreedBy: sscs });
      await maybeRecordHistory('decree-announced', handle);
    });
  });

  test('when the worker dies in the middle of an announcement, then the next attempt goes on after the last finished batch and every claim moves once', async () => {
    const mailer = new RecordingMailer();
    let dead = false;
    let hangAt = '';
    let release!: () => void;
    const lost = new Promise<void>((r) => (release = r));
    const { worker, taskQueue } = await ctx.worker(mailer, (acts) => ({
      ...acts,
      ...createDecreeActivities({
        models: ctx.models,
        clock: () => new Date(),
        // The worker "dies" as it signals the fifth claim: the call does not return, no heartbeat
        // follows (until the test releases it, long after Temporal gave the attempt up).
        client: withFaultySignals(ctx.env.client, (id) => {
          if (id === hangAt && !dead) {
            dead = true;
            return lost;
          }
          return false;
        }),
      }),
    }));
    await worker.runUntil(async () => {
      const claims = await openClaims(taskQueue, 6);
      hangAt = claims[4].id;
      const date = calendar.addBusinessDays(claims[0].before.registeredOn, 12);
      const handle = await ctx.env.client.workflow.start(decreeWorkflow, { taskQueue, workflowId: decreeWorkflowId(date), args: [decree(date, { batchSize: 2, concurrency: 1 })] });
      await until(async () => (await ctx.models.NonWorkingDay.findById(date).lean())?.announcement?.reached === 4, 'two batches told');
      await until(async () => dead, 'the worker to die');
      // Nobody hears from the dead attempt: the heartbeat timeout passes and Temporal retries it.
      await ctx.env.sleep('2 minutes');
      await done(handle);
      expect(await handle.result()).toMatchObject({ reached: 6, skipped: 0, total: 6 });

      for (const c of claims) {
        const state = await movedTerm(c);
        expect(state.term!.dueDate).toBe(calendar.addBusinessDays(c.before.dueDate, 1));
        expect(state.term!.changes).toHaveLength(1);
      }
      // The two batches finished before the crash were not told again.
      for (const c of claims.slice(0, 4)) expect(await signalsTo(c.handle)).toBe(1);
      expect(await signalsTo(claims[5].handle)).toBe(1);
      release();
    });
  });
});

describe('a claim told of decreed days', () => {
  test('when the same decree reaches a claim twice, and two days decreed together arrive after the re-plan took both in, then the term moves once per day and each reason is recorded once', async () => {
    const mailer = new RecordingMailer();
    const { worker, taskQueue } = await ctx.worker(mailer);
    const claim = buildClaim({ entityId: null });
    const reason = (n: number) => `D.S. N° 15${n}-2026-PCM (día no laborable de prueba)`;
    await worker.runUntil(async () => {
      const handle = ctx.track(await ctx.env.client.workflow.start(claimWorkflow, { taskQueue, workflowId: claim.meta.runId, args: [claim] }));
      const { state: before } = await waitForTask(handle, 'investigate_claim');
      const term0 = before.term!;
      const [a, b, c] = [5, 10, 15].map((n) => calendar.addBusinessDays(term0.registeredOn, n));
      const decreeDay = async (date: string, n: number): Promise<CalendarChange> => {
        // On the server's clock, as claims are registered on it (this server has skipped ahead).
        const decreedAt = new Date(await ctx.env.currentTimeMs());
        await ctx.models.NonWorkingDay.create({ _id: date, reason: reason(n), createdBy: sscs.sub, createdAt: decreedAt });
        return { date, reason: reason(n), decreedAt: decreedAt.toISOString(), decreedBy: sscs };
      };
      const changesOf = async (n: number) =>
        until(async () => {
          const s = await handle.query(getStateQuery);
          return s.term!.changes.length >= n ? s : undefined;
        }, `${n} recorded term changes`);

      const dayA = await decreeDay(a, 1);
      await handle.signal(calendarChangedSignal, dayA);
      const afterA = await changesOf(1);
      // Two days decreed at once; the claim hears of the second first (its re-plan takes in both),
      // and of the first later. Meanwhile the first decree comes again (an announcement retried).
      const [dayB, dayC] = [await decreeDay(b, 2), await decreeDay(c, 3)];
      await handle.signal(calendarChangedSignal, dayA);
      await handle.signal(calendarChangedSignal, dayC);
      await changesOf(2);
      await handle.signal(calendarChangedSignal, dayA);
      await handle.signal(calendarChangedSignal, dayB);
      const after = await changesOf(3);

      const withAll = new BusinessCalendar([a, b, c].map((date) => ({ date, reason: 'x' })));
      const final = await handle.query(getStateQuery);
      expect(afterA.term!.dueDate).toBe(calendar.addBusinessDays(term0.dueDate, 1));
      expect(final.term!.dueDate).toBe(withAll.addBusinessDays(term0.registeredOn, 30));
      expect(final.term!.changes).toEqual([
        { date: a, reason: reason(1), previousDueDate: term0.dueDate, dueDate: afterA.term!.dueDate },
        { date: c, reason: reason(3), previousDueDate: afterA.term!.dueDate, dueDate: final.term!.dueDate },
        { date: b, reason: reason(2), previousDueDate: afterA.term!.dueDate, dueDate: final.term!.dueDate },
      ]);
      expect(after.term!.changes).toEqual(final.term!.changes);

      await completeTask(handle, (await waitForTask(handle, 'investigate_claim')).task.id, supervisor, { findings: 'x', decision: 'rejected', answer: 'No corresponde.' });
      await completeTask(handle, (await waitForTask(handle, 'review_claim_answer')).task.id, supervisor, { verdict: 'approve' });
      expect(await handle.result()).toMatchObject({ result: { dueDate: final.term!.dueDate } });
      expect(await ctx.models.Claim.findById(claim.meta.runId).lean()).toMatchObject({ dueDate: final.term!.dueDate, termChanges: final.term!.changes });
      await maybeRecordHistory('claim-decrees-repeated', handle);
    });
  });
});
