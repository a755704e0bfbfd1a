/**
 * Faults: the mail relay is down for days while a PM1.4.2 claim escalates (time-skipped across the
 * real 30-business-day term, D.S. N° 007-2020-PCM; DESIGN §5, §7). The worker talks real SMTP to
 * MailDev through a relay that refuses every connection while down: the escalations queue in the
 * outbox and are retried; once the relay is back every email arrives, once.
 */
import { getStateQuery } from '../../src/shared/messages';
import type { Actor } from '../../src/shared/roles';
import { BusinessCalendar, limaInstant } from '../../src/calendar/businessCalendar';
import { createSmtpMailer } from '../../src/activities/mailer';
import { claimWorkflow } from '../../src/workflows';
import { buildClaim, completeTask, testEnv, useWorkflowTestEnv, waitForTask } from '../helpers/infra';
import { recordRow, rowOf, sideEffectsOf } from './harness';
import { TcpProxy } from './tcpProxy';

const ctx = useWorkflowTestEnv();
const calendar = new BusinessCalendar();
const supervisor: Actor = { sub: 'sup-ln', role: 'supervisor', centers: ['lima-norte'] };
const reniec: Actor = { sub: 'reniec-ln', role: 'participant_entity', centers: ['lima-norte'], entity: 'reniec' };

let relay: TcpProxy;
beforeAll(async () => {
  const smtp = new URL(testEnv.smtpUrl());
  relay = await TcpProxy.start({ host: smtp.hostname, port: Number(smtp.port) });
});
afterAll(() => relay?.down());

test('when SMTP is down for nine days while a claim passes its term and escalates twice, then the escalations wait in the outbox and every email arrives once after SMTP is back', async () => {
  const since = new Date();
  const mailer = createSmtpMailer(`smtp://127.0.0.1:${relay.port}`);
  const claim = buildClaim();
  const runId = claim.meta.runId;
  const { worker, taskQueue } = await ctx.worker(mailer);
  const outage = await worker.runUntil(async () => {
    const handle = ctx.track(await ctx.env.client.workflow.start(claimWorkflow, { taskQueue, workflowId: runId, args: [claim] }));
    const { task, state } = await waitForTask(handle, 'investigate_claim');
    const due = state.term!.dueDate;

    // Up to the business day before the term: the constancia and both reminders go out.
    await ctx.env.sleep(limaInstant(calendar.businessDaysBefore(due, 1), '12:00').getTime() - (await ctx.env.currentTimeMs()));
    const before = await ctx.models.Outbox.find({ runId }).lean();
    expect(before.map((m) => m.status)).toEqual(['sent', 'sent', 'sent']);

    // Down from then until six business days after the term: the escalations to the Coordinador
    // (on the due date) and to the Entidad Administradora (five business days later) fall in it.
    await relay.down();
    const downAt = await ctx.env.currentTimeMs();
    await ctx.env.sleep(limaInstant(calendar.addBusinessDays(due, 6), '12:00').getTime() - downAt);
    const days = ((await ctx.env.currentTimeMs()) - downAt) / 86_400_000;
    const waiting = await ctx.models.Outbox.find({ runId, status: { $ne: 'sent' } }).lean();
    expect(waiting).toHaveLength(2);
    for (const m of waiting) {
      expect(m).toMatchObject({ status: 'pending', lastError: expect.stringContaining('ECONNREFUSED') });
      expect(m.attempts).toBeGreaterThan(10);
    }
    const s = await handle.query(getStateQuery);
    expect(s.tasks[0]!.events.map((e) => e.level ?? e.kind)).toEqual(['reminder', 'reminder', 'coordinator', 'admin_entity']);

    await relay.up();
    await completeTask(handle, task.id, reniec, { findings: 'Se verificó la demora', decision: 'accepted', answer: 'Se tomaron medidas.' });
    const review = await waitForTask(handle, 'review_claim_answer');
    await completeTask(handle, review.task.id, supervisor, { verdict: 'approve' });
    const result = await handle.result();
    expect(result.status).toBe('completed');
    return { days, status: result.status };
  });
  mailer.close();

  const effects = await sideEffectsOf(ctx.models, [runId], testEnv.mailWeb(), since);
  recordRow({ ...rowOf(`SMTP down ${outage.days.toFixed(1)} days (claim escalating, time-skipped)`, ['claimWorkflow'], [{ runId, status: outage.status }], 1, effects) });
  expect(outage.days).toBeGreaterThan(7);
  // Constancia, two reminders, two escalations, the answer.
  expect(effects.emailsQueued).toBe(6);
  expect(effects.emailsLost).toEqual([]);
  expect(effects.emailsDuplicated).toEqual([]);
  // Nobody died inside an SMTP exchange: no email reaches the relay twice.
  expect(effects.emailsResent).toEqual([]);
  expect(effects.numbersDuplicated).toEqual([]);
});
