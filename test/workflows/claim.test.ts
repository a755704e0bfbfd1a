/**
 * PM1.4.2 Atención de reclamos on the time-skipping server, across the real legal term: 30
 * business days counted from the day after registration (D.S. N° 007-2020-PCM; DESIGN §5),
 * never shortened. Real activities on the document DB, recording mailer.
 */
import { calendarChangedSignal, getStateQuery, type RunState } from '../../src/shared/messages';
import type { Actor, Role } from '../../src/shared/roles';
import { BusinessCalendar, limaDate } from '../../src/calendar/businessCalendar';
import { claimWorkflow } from '../../src/workflows';
import { buildClaim, completeTask as complete, maybeRecordHistory, RecordingMailer, TEST_SSCS_EMAIL, useWorkflowTestEnv, waitForTask } from '../helpers/infra';

const ctx = useWorkflowTestEnv();
const calendar = new BusinessCalendar();
const supervisor: Actor = { sub: 'sup-ln', role: 'supervisor', centers: ['lima-norte'] };
const reniec: Actor = { sub: 'reniec-ln', role: 'participant_entity', centers: ['lima-norte'], entity: 'reniec' };

const kinds = (state: RunState) => state.tasks.flatMap((t) => t.events.map((e) => e.kind + (e.level ? `:${e.level}` : '')));

describe('PM1.4.2 claim workflow', () => {
  test('when the supervisor returns a proposal once and approves the second, then the citizen gets the constancia and one answer, in term', async () => {
    const mailer = new RecordingMailer();
    const claim = buildClaim({ entityId: null });
    const { worker, taskQueue } = await ctx.worker(mailer);
    const result = await worker.runUntil(async () => {
      const handle = await ctx.env.client.workflow.start(claimWorkflow, { taskQueue, workflowId: claim.meta.runId, args: [claim] });
      const first = await waitForTask(handle, 'investigate_claim');
      // Without a participating entity, the center's supervisor is the responsible.
      expect(first.task.role).toBe<Role>('supervisor');
      expect(first.state.term!.dueDate).toBe(calendar.addBusinessDays(first.state.term!.registeredOn, 30));
      await complete(handle, first.task.id, supervisor, { findings: 'Falla del sistema de turnos', decision: 'rejected', answer: 'Borrador' });
      const review1 = await waitForTask(handle, 'review_claim_answer');
      await complete(handle, review1.task.id, supervisor, { verdict: 'return', observations: 'El reclamo es fundado: hubo falla del sistema.' });
      const second = await waitForTask(handle, 'investigate_claim', 2);
      expect(second.task.title).toContain('El reclamo es fundado');
      await complete(handle, second.task.id, supervisor, { findings: 'Falla del sistema de turnos de 10:00 a 13:00', decision: 'accepted', answer: 'Se reprogramó su atención y se corrigió el sistema de turnos.' });
      const review2 = await waitForTask(handle, 'review_claim_answer', 2);
      await complete(handle, review2.task.id, supervisor, { verdict: 'approve' });
      const out = await handle.result();
      await maybeRecordHistory('claim-registered-at-once', handle);
      return out;
    });
    expect(result).toMatchObject({ status: 'completed', result: { decision: 'accepted', inTerm: true, escalations: [] } });
    const mails = mailer.to(claim.input.citizen.email);
    expect(mails.map((m) => m.subject)).toEqual([
      expect.stringContaining(`Hoja de reclamación N° ${claim.meta.runId}`),
      expect.stringMatching(/^Respuesta a su reclamo/),
    ]);
    expect(mails[1].attachments[0].content).toContain('FUNDADO');
    expect(mails[1].attachments[0].content).toContain('dentro del plazo de 30 días hábiles');
    const record = await ctx.models.Claim.findById(claim.meta.runId).lean();
    expect(record).toMatchObject({ status: 'answered', decision: 'accepted', inTerm: true });
    expect(await ctx.models.Run.findById(claim.meta.runId).lean()).toMatchObject({ metrics: { registered: 1, answered: 1, answeredInTerm: 1, accepted: 1, rejected: 0 } });
  });

  test('when nobody answers, then reminders come 10 and 3 business days before the term and escalation reaches coordinator, Entidad Administradora and SSCS once each on their business days; a late answer is out of term', async () => {
    const mailer = new RecordingMailer();
    const claim = buildClaim();
    const { worker, taskQueue } = await ctx.worker(mailer);
    const { state, result } = await worker.runUntil(async () => {
      const handle = await ctx.env.client.workflow.start(claimWorkflow, { taskQueue, workflowId: claim.meta.runId, args: [claim] });
      const { task } = await waitForTask(handle, 'investigate_claim');
      expect(task.role).toBe<Role>('participant_entity');
      await ctx.env.sleep('90 days');
      const state = await handle.query(getStateQuery);
      await complete(handle, task.id, reniec, { findings: 'Se verificó la demora', decision: 'accepted', answer: 'Se tomaron medidas.' });
      const review = await waitForTask(handle, 'review_claim_answer');
      await complete(handle, review.task.id, supervisor, { verdict: 'approve' });
      const result = await handle.result();
      await maybeRecordHistory('claim-escalated-registered-at-once', handle);
      return { state, result };
    });
    const term = state.term!;
    expect(kinds(state)).toEqual(['reminder', 'reminder', 'escalation:coordinator', 'escalation:admin_entity', 'escalation:sscs']);
    const days = state.tasks[0].events.map((e) => limaDate(new Date(e.at)));
    expect(days).toEqual([
      calendar.businessDaysBefore(term.dueDate, 10),
      calendar.businessDaysBefore(term.dueDate, 3),
      term.dueDate,
      calendar.addBusinessDays(term.dueDate, 5),
      calendar.addBusinessDays(term.dueDate, 10),
    ]);
    // Reminders go to the responsible: the participating entity's contact.
    expect(mailer.to('mac@reniec.gob.pe').map((m) => m.subject.split(':')[0])).toEqual(['Recordatorio', 'Recordatorio']);
    expect(mailer.to('coordinacion.limanorte@mac.gob.pe').filter((m) => m.subject.startsWith('Escalamiento'))).toHaveLength(1);
    expect(mailer.to('mac.administracion@pcm.gob.pe').filter((m) => m.subject.startsWith('Escalamiento'))).toHaveLength(1);
    expect(mailer.to(TEST_SSCS_EMAIL).filter((m) => m.subject.startsWith('Escalamiento'))).toHaveLength(1);
    expect(result).toMatchObject({ result: { inTerm: false, escalations: ['coordinator', 'admin_entity', 'sscs'] } });
    const answer = mailer.to(claim.input.citizen.email)[1];
    expect(answer.attachments[0].content).toContain('fuera del plazo de 30 días hábiles');
    expect(await ctx.models.Run.findById(claim.meta.runId).lean()).toMatchObject({ metrics: { answered: 1, answeredInTerm: 0 } });
    expect(await ctx.models.Claim.findById(claim.meta.runId).lean()).toMatchObject({ inTerm: false, escalations: [{ level: 'coordinator' }, { level: 'admin_entity' }, { level: 'sscs' }] });
  });

  test('when a non-working day is decreed mid-term, then the due date moves one business day, pending reminders follow, and the history says why', async () => {
    const mailer = new RecordingMailer();
    const claim = buildClaim({ entityId: null });
    const { worker, taskQueue } = await ctx.worker(mailer);
    const { before, after, history } = await worker.runUntil(async () => {
      const handle = await ctx.env.client.workflow.start(claimWorkflow, { taskQueue, workflowId: claim.meta.runId, args: [claim] });
      const { state: before } = await waitForTask(handle, 'investigate_claim');
      // A business day in the middle of the term becomes a non-working day for the public sector.
      const decreed = calendar.addBusinessDays(before.term!.registeredOn, 15);
      await ctx.models.NonWorkingDay.create({ _id: decreed, reason: 'Día no laborable compensable (decreto supremo de prueba)', createdBy: 'sscs-test', createdAt: new Date() });
      try {
        await handle.signal(calendarChangedSignal, { date: decreed, reason: 'Día no laborable compensable (decreto supremo de prueba)' });
        let after: RunState;
        do {
          after = await handle.query(getStateQuery);
        } while (after.term!.changes.length === 0 && (await new Promise((r) => setTimeout(r, 50))) === undefined);
        await ctx.env.sleep('60 days');
        after = await handle.query(getStateQuery);
        const { task } = await waitForTask(handle, 'investigate_claim');
        await complete(handle, task.id, supervisor, { findings: 'x', decision: 'rejected', answer: 'No corresponde.' });
        await complete(handle, (await waitForTask(handle, 'review_claim_answer')).task.id, supervisor, { verdict: 'approve' });
        await handle.result();
        await maybeRecordHistory('claim-term-moved', handle);
        return { before, after, history: await handle.fetchHistory() };
      } finally {
        await ctx.models.NonWorkingDay.deleteOne({ _id: decreed });
      }
    });
    const oldDue = before.term!.dueDate;
    const withDecree = new BusinessCalendar([{ date: calendar.addBusinessDays(before.term!.registeredOn, 15), reason: 'x' }]);
    expect(after.term!.dueDate).toBe(withDecree.addBusinessDays(before.term!.registeredOn, 30));
    expect(after.term!.dueDate).toBe(calendar.addBusinessDays(oldDue, 1));
    expect(after.term!.changes).toEqual([{ date: expect.any(String), reason: 'Día no laborable compensable (decreto supremo de prueba)', previousDueDate: oldDue, dueDate: after.term!.dueDate }]);
    // The reminders and the first escalation follow the new term.
    const events = after.tasks[0].events;
    expect(limaDate(new Date(events.find((e) => e.kind === 'escalation')!.at))).toBe(after.term!.dueDate);
    expect(limaDate(new Date(events[0].at))).toBe(withDecree.businessDaysBefore(after.term!.dueDate, 10));
    const signals = history.events!.filter((e) => e.workflowExecutionSignaledEventAttributes?.signalName === 'calendarChanged');
    expect(signals).toHaveLength(1);
    expect(await ctx.models.Claim.findById(claim.meta.runId).lean()).toMatchObject({ dueDate: after.term!.dueDate, termChanges: [{ reason: expect.stringContaining('decreto') }] });
  });
});
