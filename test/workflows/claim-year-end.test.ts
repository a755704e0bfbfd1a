/**
 * PM1.4.2's legal term across the year end (DESIGN §5): a claim registered on the first Friday of
 * December runs over 8 and 9 December, Christmas and New Year, whatever year the test runs in (the
 * expected due date is counted by hand in the test). Its own file, so the time-skipping server
 * starts at today's date and nothing another test left behind moves its clock.
 */
import { getStateQuery } from '../../src/shared/messages';
import { claimWorkflow } from '../../src/workflows';
import { buildClaim, RecordingMailer, useWorkflowTestEnv } from '../helpers/infra';

const ctx = useWorkflowTestEnv();

test('when a claim is registered on the first Friday of December, then its term skips 8, 9 and 25 December and 1 January', async () => {
  const mailer = new RecordingMailer();
  const claim = buildClaim({ entityId: null });
  const now = await ctx.env.currentTimeMs();
  // 15:00 in Lima on the first Friday of December of this year, or of next year once it has passed.
  const registration = firstFridayOfDecemberAfter(now);
  const expectedDue = countTerm(registration.slice(0, 10), 30);
  await ctx.env.sleep(Date.parse(registration) - now);
  const { worker, taskQueue } = await ctx.worker(mailer);
  const state = await worker.runUntil(async () => {
    const handle = await ctx.env.client.workflow.start(claimWorkflow, { taskQueue, workflowId: claim.meta.runId, args: [claim] });
    for (;;) {
      const state = await handle.query(getStateQuery);
      if (state.tasks.length) {
        await handle.terminate('test done');
        return state;
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  });
  expect(state.term).toMatchObject({ registeredOn: registration.slice(0, 10), dueDate: expectedDue });
  expect(mailer.to(claim.input.citizen.email)[0].html).toMatch(new RegExp(`a más tardar el <strong>${Number(expectedDue.slice(8))} de enero de ${expectedDue.slice(0, 4)}</strong>`));
});

/** 15:00 Lima (20:00 UTC) of the first Friday of December not yet past, as an ISO instant. */
function firstFridayOfDecemberAfter(nowMs: number): string {
  for (let year = new Date(nowMs).getUTCFullYear(); ; year++) {
    const first = new Date(Date.UTC(year, 11, 1));
    const friday = new Date(Date.UTC(year, 11, 1 + ((5 - first.getUTCDay() + 7) % 7), 20));
    if (friday.getTime() > nowMs) return friday.toISOString();
  }
}

/**
 * The term counted here by hand, independently of the engine's calendar: `n` weekdays from the
 * day after `from`, skipping the national holidays of that stretch (8 and 9 December, 25 December,
 * 1 January). No other holiday falls between early December and late January.
 */
function countTerm(from: string, n: number): string {
  const d = new Date(`${from}T00:00:00Z`);
  for (let left = n; left > 0; ) {
    d.setUTCDate(d.getUTCDate() + 1);
    const md = d.toISOString().slice(5, 10);
    if (d.getUTCDay() !== 0 && d.getUTCDay() !== 6 && !['12-08', '12-09', '12-25', '01-01'].includes(md)) left--;
  }
  return d.toISOString().slice(0, 10);
}
