import { condition, patched, setHandler, workflowInfo } from '@temporalio/workflow';
import type { z } from 'zod';
import type { claimInputSchema } from '../catalog';
import { acts, ESCALATION_PATH, Run, withRun } from './run';
import type { TaskPlan, TimelineEvent } from '../activities';
import { calendarChangedSignal, type CalendarChange, type RunMeta, type RunState, type TaskState, type TermState } from '../shared/messages';

/** A claim as the catalog's schema parses it (one definition: src/catalog.ts). */
export type ClaimInput = z.infer<typeof claimInputSchema>;

export interface ClaimWorkflowInput {
  meta: RunMeta;
  input: ClaimInput;
  /** The legal term and its notices, fixed when the claim is registered. */
  terms: { businessDays: number; reference: string; remindBefore: number[]; escalateEvery: number };
}

/** Patch: a decree told twice is recorded once (runs that re-planned before it keep the old path). */
const CALENDAR_CHANGES_ONCE = 'calendar-changes-once';

/**
 * Patch: the registration (run record, entity, term, Libro de Reclamaciones entry) is one activity;
 * claims registered before it keep their four.
 */
const REGISTERED_AT_ONCE = 'claim-registered-at-once';

const NOTICE_TEMPLATES = { reminder: 'claim_reminder', escalation: 'claim_escalation' };
const eventId = (e: TimelineEvent) => (e.kind === 'reminder' ? `reminder:${e.before}` : `escalation:${e.level}`);

/**
 * PM1.4.2 Atención de reclamos (Cuadros 07–08, owner: Supervisor(a); glossary: Libro de
 * Reclamaciones, Reclamo). The claim is registered with its Hoja de reclamación number (the run
 * id) and a constancia emailed to the citizen. The responsible — the participating entity's
 * contact when one is involved, else the center's supervisor — investigates and proposes the
 * answer; the supervisor approves it or returns it with observations; the approved answer goes to
 * the citizen as a letter. The legal term (D.S. N° 007-2020-PCM: 30 business days counted from
 * the day after registration) runs beside the attention: reminders to the responsible before it,
 * and once it passes, escalation Coordinador → Entidad Administradora → SSCS, one level every few
 * business days, while the claim stays open. A non-working day decreed after registration moves
 * the term, with its reason recorded.
 */
export async function claimWorkflow(args: ClaimWorkflowInput): Promise<RunState> {
  return withRun(args.meta, (run) => claimRun(run, args));
}

async function claimRun(run: Run, { meta, input, terms }: ClaimWorkflowInput): Promise<RunState> {
  const changes: CalendarChange[] = [];
  setHandler(calendarChangedSignal, (change) => void changes.push(change));

  const summary = `Reclamo${input.entityId ? ` sobre ${input.entityId}` : ''}`;
  // Registered when the engine accepted it (the start of the run), not when the worker got to it.
  const registeredAt = new Date(workflowInfo().startTime).toISOString();
  const termInput = { openedAt: registeredAt, dueBusinessDays: terms.businessDays, remindBefore: terms.remindBefore, escalation: { levels: ESCALATION_PATH, every: terms.escalateEvery } };
  const planTerm = () => acts.planTask(termInput);
  const record = { number: meta.runId, centerId: meta.centerId, citizen: input.citizen, description: input.description, request: input.request, registeredAt };
  let entity: { id: string; name: string } | null;
  let plan: TaskPlan;
  const registeredAtOnce = patched(REGISTERED_AT_ONCE);
  if (registeredAtOnce) {
    ({ entity, plan } = await acts.registerClaim({ run: run.runRecord(summary, { registered: 1 }), ...(input.entityId ? { entityId: input.entityId } : {}), term: termInput, claim: record }));
  } else {
    await run.begin(summary, { registered: 1 });
    entity = input.entityId ? await acts.lookupEntity({ centerId: meta.centerId, entityId: input.entityId }) : null;
    plan = await planTerm();
  }
  const term: TermState = { registeredOn: plan.openedOn, businessDays: terms.businessDays, dueDate: plan.dueDate, dueAt: plan.dueAt, changes: [] };
  run.state.term = term;
  run.setSearch({ dueAt: term.dueAt });
  if (!registeredAtOnce) await acts.openClaimRecord({ ...record, entity, dueDate: term.dueDate, dueAt: term.dueAt });

  const claimData = () => ({ number: meta.runId, citizen: input.citizen, entity, description: input.description, request: input.request, registeredAt, term, legalReference: terms.reference });
  const constancia = await run.document('constancia', 'constancia_reclamo', claimData());
  await run.notify('constancia', [{ kind: 'address', email: input.citizen.email, name: input.citizen.name }], 'claim_constancia', { ...claimData(), document: constancia }, [constancia.id]);

  // The answer exists the moment the supervisor approves it (the update handler sets it).
  const approval = () => run.state.tasks.find((t) => t.type === 'review_claim_answer' && t.status === 'completed' && (t.data as { verdict?: string })?.verdict === 'approve');
  const escalations: { level: NonNullable<TimelineEvent['level']>; at: string }[] = [];

  /** The term moves to `next`: the open tasks' due dates follow it in the inbox, and the search attribute. */
  const moveTerm = async (next: TaskPlan) => {
    term.dueDate = next.dueDate;
    term.dueAt = next.dueAt;
    for (const t of run.state.tasks.filter((t) => t.status === 'open')) {
      t.dueDate = term.dueDate;
      t.dueAt = term.dueAt;
      await run.record(t);
    }
    run.setSearch({ dueAt: term.dueAt });
  };

  // The term after a decree, re-planned on the calendar (so a decree told twice moves it once).
  // Each decreed day is recorded once, with the move that took it in: an announcement retried
  // repeats a decree, and of two days decreed at once the first signal's re-plan may already
  // include the second (whose own signal then moves nothing, but still gives the reason).
  let movedFrom: string | undefined;
  const applyCalendarChanges = async (batch: CalendarChange[], next: TaskPlan) => {
    const moved = next.dueDate !== term.dueDate;
    if (moved) movedFrom = term.dueDate;
    const seen = new Set(term.changes.map((c) => c.date));
    const fresh = batch.filter((c) => {
      if (seen.has(c.date) || c.date <= term.registeredOn || c.date > next.dueDate) return false;
      seen.add(c.date);
      // Without a move now, the day counts only if decreed after registration (else the first
      // plan already skipped it) and an earlier move took it in.
      return moved || (movedFrom !== undefined && c.decreedAt !== undefined && c.decreedAt > registeredAt);
    });
    for (const c of fresh) term.changes.push({ date: c.date, reason: c.reason, previousDueDate: movedFrom!, dueDate: next.dueDate });
    if (moved) await moveTerm(next);
    if (moved || fresh.length) await acts.updateClaimRecord({ number: meta.runId, set: { dueDate: term.dueDate, dueAt: term.dueAt, termChanges: term.changes } });
  };

  const watchTerm = async () => {
    const fired = new Set<string>();
    const wake = () => approval() !== undefined || changes.length > 0;
    while (!approval()) {
      if (changes.length) {
        const batch = changes.splice(0);
        const next = await planTerm();
        if (patched(CALENDAR_CHANGES_ONCE)) {
          await applyCalendarChanges(batch, next);
          plan = next;
          continue;
        }
        if (next.dueDate !== term.dueDate) {
          for (const c of batch.filter((c) => c.date > term.registeredOn && c.date <= next.dueDate)) {
            term.changes.push({ date: c.date, reason: c.reason, previousDueDate: term.dueDate, dueDate: next.dueDate });
          }
          await moveTerm(next);
          await acts.updateClaimRecord({ number: meta.runId, set: { dueDate: term.dueDate, dueAt: term.dueAt, termChanges: term.changes } });
        }
        plan = next;
        continue;
      }
      const event = plan.timeline.find((e) => !fired.has(eventId(e)));
      if (!event) {
        await condition(wake);
        continue;
      }
      if (await condition(wake, Math.max(1, Date.parse(event.at) - Date.now()))) continue;
      fired.add(eventId(event));
      const holder = [...run.state.tasks].reverse().find((t) => t.status === 'open') ?? run.state.tasks[run.state.tasks.length - 1];
      if (!holder) continue;
      holder.events.push(event);
      await run.notice(holder, event, { templates: NOTICE_TEMPLATES, data: { claim: claimData() } });
      if (event.kind === 'escalation') {
        escalations.push({ level: event.level!, at: event.at });
        await run.record(holder);
        await acts.updateClaimRecord({ number: meta.runId, set: { escalations } });
      }
    }
  };
  const watcher = run.concurrently(watchTerm());

  // Attention: investigation and review, as many rounds as the supervisor returns it.
  let observations: string | undefined;
  let proposal: TaskState & { data: { decision: 'accepted' | 'rejected'; answer: string; findings: string } };
  for (let round = 1; ; round++) {
    proposal = await run.task({
      key: `investigate-${round}`,
      type: 'investigate_claim',
      title: observations ? `Corregir la respuesta al reclamo según las observaciones: ${observations}` : 'Investigar el reclamo y proponer la respuesta',
      role: entity ? 'participant_entity' : 'supervisor',
      ...(entity ? { entityId: entity.id } : {}),
      term: { dueDate: term.dueDate, dueAt: term.dueAt },
    });
    const review = await run.task({ key: `review-${round}`, type: 'review_claim_answer', title: 'Revisar y aprobar la respuesta al reclamo', role: 'supervisor', term: { dueDate: term.dueDate, dueAt: term.dueAt } });
    if (review.data.verdict === 'approve') break;
    observations = review.data.observations;
  }
  await watcher;

  const answeredAt = approval()!.completedAt!;
  const inTerm = Date.parse(answeredAt) <= Date.parse(term.dueAt);
  const { decision, answer } = proposal.data;
  const respuesta = await run.document('respuesta', 'respuesta_reclamo', { ...claimData(), decision, answer, answeredAt, inTerm });
  await run.notify('respuesta', [{ kind: 'address', email: input.citizen.email, name: input.citizen.name }], 'claim_answer', { ...claimData(), decision, answer, answeredAt, inTerm, document: respuesta }, [respuesta.id]);
  await acts.updateClaimRecord({ number: meta.runId, set: { status: 'answered', decision, answer, answeredAt, inTerm } });
  return run.finish(
    'completed',
    { answered: 1, answeredInTerm: inTerm ? 1 : 0, accepted: decision === 'accepted' ? 1 : 0, rejected: decision === 'rejected' ? 1 : 0 },
    { decision, inTerm, answeredAt, dueDate: term.dueDate, escalations: escalations.map((e) => e.level) },
  );
}
