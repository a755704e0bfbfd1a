/**
 * PM1.4.2's legal term across the year end (DESIGN §5): a claim registered on the first Friday of
 * December runs over 8 and 9 December, Christmas and New Year. Its own file, so the time-skipping
 * server starts at today's date and nothing another test left behind moves its clock.
 */
import { getStateQuery } from '../../src/shared/messages';
import { claimWorkflow } from '../../src/workflows';
import { buildClaim, RecordingMailer, useWorkflowTestEnv } from '../helpers/infra';

const ctx = useWorkflowTestEnv();

test('when a claim is registered on the first Friday of December, then its term skips 8, 9 and 25 December and 1 January', async () => {
  const mailer = new RecordingMailer();
  const claim = buildClaim({ entityId: null });
  const now = await ctx.env.currentTimeMs();
  // 15:00 in Lima on Friday 4 Dec 2026, or Friday 3 Dec 2027 if this runs after that.
  const [registration, expectedDue] = now < Date.parse('2026-12-04T20:00:00Z') ? ['2026-12-04T20:00:00Z', '2027-01-21'] : ['2027-12-03T20:00:00Z', '2028-01-18'];
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
  expect(mailer.to(claim.input.citizen.email)[0].html).toMatch(/a más tardar el <strong>\d{1,2} de enero de 202[78]<\/strong>/);
});
