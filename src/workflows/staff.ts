import { getExternalWorkflowHandle } from '@temporalio/workflow';
import type { z } from 'zod';
import { acts, limaDay, Run, withRun } from './run';
import type { RunMeta, RunState } from '../shared/messages';
import type { EngineSettings } from '../shared/settings';
import { procedureFor, type cessationInputSchema, type incorporationInputSchema, type inductionInputSchema } from '../catalog';
import { INDUCTION_TOPICS, inductionTopicsFor, STAFF_PROFILES, staffRef, type StaffProfile } from '../domain/staff';

interface Args<S extends z.ZodType> {
  meta: RunMeta;
  input: z.infer<S>;
  settings: EngineSettings;
}
export type IncorporationWorkflowInput = Args<typeof incorporationInputSchema>;
export type InductionWorkflowInput = Args<typeof inductionInputSchema>;
export type CessationWorkflowInput = Args<typeof cessationInputSchema>;

/**
 * PA3.1.1 Requerimiento e incorporación de personal (2.1.4 Cuadro 01, 2.1.5; owner: the
 * coordinator, Cuadro 08). The coordinator's requirement starts the run; the Entidad
 * Administradora incorporates the person (or says why not) within its term, reminded and escalated
 * to SSCS. The person joins the center's roster — Cuadro 01's check counts them from then — and
 * their induction (PA3.1.2) starts at once.
 */
export async function incorporationWorkflow(args: IncorporationWorkflowInput): Promise<RunState> {
  return withRun(args.meta, (run) => incorporationRun(run, args));
}

async function incorporationRun(run: Run, { meta, input, settings }: IncorporationWorkflowInput): Promise<RunState> {
  const profile = STAFF_PROFILES[input.profile];
  await run.begin(`Requerimiento de personal: ${profile}${input.entityId ? ` (${input.entityId})` : ''}`);
  const answer = await run.task({
    key: 'incorporate',
    type: 'incorporate_staff',
    title: `Incorporar personal requerido: ${profile}`,
    role: 'admin_entity',
    dueBusinessDays: settings.staff.incorporationDays,
    remindBefore: [3, 1],
  });
  if (answer.data.outcome === 'not_incorporated') {
    return run.finish('completed', { closed: 1, achieved: 0, notAchieved: 1 }, { incorporated: false, reason: answer.data.reason });
  }
  const staffMemberId = await acts.addStaffMember({ runId: meta.runId, centerId: meta.centerId, name: answer.data.name, profile: input.profile, ...(input.entityId ? { entityId: input.entityId } : {}), joinedOn: answer.data.startDate });
  const induction = procedureFor('induction');
  const inductionRunId = await run.spawn('induction', induction.code, induction.workflowType, { input: { centerId: meta.centerId, staffMemberId }, settings });
  return run.finish('completed', { closed: 1, achieved: 1, notAchieved: 0 }, { incorporated: true, staffMemberId, inductionRunId });
}

/**
 * PA3.1.2 Inducción de personal (2.1.5 Supervisor i; 2.2.3 "desde el proceso de inducción se debe
 * inculcar…"; 2.1.7). The Supervisor gives the induction, topic by topic as the person's profile
 * needs, within its term (reminded, escalated Coordinador → Entidad Administradora → SSCS), and
 * evaluates it. Not satisfactory: the coordinator decides a second round or closes with the
 * decision recorded; a second round not satisfactory closes with the coordinator's decision too.
 */
export async function inductionWorkflow(args: InductionWorkflowInput): Promise<RunState> {
  return withRun(args.meta, (run) => inductionRun(run, args));
}

const MAX_INDUCTION_ROUNDS = 2;

async function inductionRun(run: Run, { meta, input, settings }: InductionWorkflowInput): Promise<RunState> {
  const person = await acts.staffMember({ staffMemberId: input.staffMemberId, centerId: meta.centerId });
  if (!person || person.status !== 'active') {
    await run.begin(`Inducción de ${input.staffMemberId}`);
    return run.finish('cancelled', { closed: 0 }, { reason: `${input.staffMemberId} is not active staff of ${meta.centerId}` });
  }
  const profile = person.profile as StaffProfile;
  const topics = inductionTopicsFor(profile);
  await run.begin(`Inducción de ${person.name} (${STAFF_PROFILES[profile]})`, {}, staffRef(person.id));
  let rounds = 0;
  let result: 'satisfactory' | 'not_satisfactory' = 'not_satisfactory';
  let decision: { decision: string; reason: string } | undefined;
  for (;;) {
    rounds += 1;
    await acts.recordInduction({ staffMemberId: person.id, runId: meta.runId, status: 'in_progress', rounds, on: limaDay() });
    await run.task({
      key: `deliver-${rounds}`,
      type: 'deliver_induction',
      title: `${rounds > 1 ? 'Segunda ronda de inducción' : 'Inducción'} de ${person.name}: ${topics.map((t) => INDUCTION_TOPICS[t]).join('; ')}`,
      role: 'supervisor',
      dueBusinessDays: settings.staff.inductionDays,
      remindBefore: [1],
      check: (data) => {
        const missing = topics.filter((t) => !data.topics[t]?.covered);
        return missing.length ? `the induction of a ${profile} must cover: ${missing.map((t) => `topics.${t}`).join(', ')}` : undefined;
      },
    });
    const evaluation = await run.task({
      key: `evaluate-${rounds}`,
      type: 'evaluate_induction',
      title: `Evaluar la inducción de ${person.name}`,
      role: 'supervisor',
      dueBusinessDays: settings.staff.evaluationDays,
    });
    result = evaluation.data.result;
    if (result === 'satisfactory') break;
    const decided = await run.task({
      key: `decide-${rounds}`,
      type: 'decide_induction',
      title: `Decidir sobre la inducción no satisfactoria de ${person.name}`,
      role: 'coordinator',
      dueBusinessDays: settings.staff.decisionDays,
      check: (data) => (data.decision === 'second_round' && rounds >= MAX_INDUCTION_ROUNDS ? `a ${MAX_INDUCTION_ROUNDS}nd round was given: the decision must be close` : undefined),
    });
    decision = decided.data;
    if (decided.data.decision === 'close') break;
  }
  await acts.recordInduction({ staffMemberId: person.id, runId: meta.runId, status: 'completed', result, rounds, on: limaDay() });
  const ok = result === 'satisfactory' ? 1 : 0;
  return run.finish('completed', { closed: 1, satisfactory: ok, achieved: ok }, { staffMemberId: person.id, result, rounds, ...(decision ? { decision } : {}) });
}

/**
 * PA3.1.4 Cese de personal. The coordinator communicates the cese to the Entidad Administradora
 * — the person leaves the roster, and Cuadro 01's check counts without them — then the Supervisor
 * receives the handover and the Especialista TIC removes the accesses.
 */
export async function cessationWorkflow(args: CessationWorkflowInput): Promise<RunState> {
  return withRun(args.meta, (run) => cessationRun(run, args));
}

async function cessationRun(run: Run, { meta, input }: CessationWorkflowInput): Promise<RunState> {
  const person = await acts.staffMember({ staffMemberId: input.staffMemberId, centerId: meta.centerId });
  if (!person || person.status !== 'active') {
    await run.begin(`Cese de ${input.staffMemberId}`);
    return run.finish('cancelled', { closed: 0 }, { reason: `${input.staffMemberId} is not active staff of ${meta.centerId}` });
  }
  await run.begin(`Cese de ${person.name} (${STAFF_PROFILES[person.profile as StaffProfile]})`, {}, staffRef(person.id));
  const communicated = await run.task({ key: 'communicate', type: 'communicate_cessation', title: `Comunicar el cese de ${person.name} a la Entidad Administradora`, role: 'coordinator', dueBusinessDays: 3 });
  const ceased = await acts.ceaseStaffMember({ staffMemberId: person.id, runId: meta.runId, on: communicated.data.lastDay });
  // Ceased meanwhile by another cese: nothing to hand over twice.
  if (!ceased) return run.finish('cancelled', { closed: 0 }, { staffMemberId: person.id, reason: `${person.id} was ceased by another run` });
  // An induction still running for the person stops: nobody is to be inducted, reminded or escalated for someone who left.
  const induction = procedureFor('induction');
  const inducting = await acts.findOpenRun({ codes: [induction.code], centerId: meta.centerId, ref: staffRef(person.id) });
  if (inducting) {
    await acts.recordInduction({ staffMemberId: person.id, runId: inducting, status: 'completed', result: 'cancelled_by_cessation', on: communicated.data.lastDay });
    await getExternalWorkflowHandle(inducting)
      .cancel()
      .catch(() => undefined); // closed meanwhile: nothing to stop
  }
  const handover = await run.task({ key: 'handover', type: 'procedure_step', title: `Recibir cargos, accesos y bienes asignados a ${person.name}`, role: 'supervisor', dueBusinessDays: 5 });
  const revoke = await run.task({ key: 'revoke_access', type: 'procedure_step', title: `Retirar los accesos de ${person.name} a sistemas y equipos`, role: 'tic_specialist', dueBusinessDays: 2 });
  const done = handover.data.outcome === 'done' && revoke.data.outcome === 'done';
  return run.finish('completed', { closed: 1, achieved: done ? 1 : 0, notAchieved: done ? 0 : 1 }, { staffMemberId: person.id, ceasedOn: communicated.data.lastDay, ...(inducting ? { inductionCancelled: inducting } : {}) });
}
