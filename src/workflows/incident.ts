import { patched } from '@temporalio/workflow';
import type { z } from 'zod';
import type { incidentInputSchema } from '../catalog';
import type { DocumentRef, Recipient } from '../activities';
import { acts, Run, withRun } from './run';
import type { RunMeta, RunState, TaskState } from '../shared/messages';
import { INCIDENT_TYPES, type EngineSettings } from '../shared/settings';
import { starterTitle } from '../shared/roles';

export type IncidentInput = z.infer<typeof incidentInputSchema>;

export interface IncidentWorkflowInput {
  meta: RunMeta;
  input: IncidentInput;
  settings: EngineSettings;
  /**
   * The Formato 17 already issued for the event (a grave conflict's, 2.2.4): the incident is
   * notified with it instead of numbering a second Formato 17 for the same event.
   */
  formato17?: DocumentRef;
}

const NOTICE_TEMPLATES = { reminder: 'incident_reminder', escalation: 'incident_escalation' };

/**
 * Issue 11: an overdue solution escalates along the manual's path, Coordinador(a) del Centro MAC →
 * Entidad Administradora → SSCS-SGP, one level each business day (runs before it: Entidad
 * Administradora and SSCS-SGP together at the term).
 */
const ESCALATION_PATH_PATCH = 'incident-escalation-coordinator-path';
/**
 * Issue 11: Formato 17 goes to whoever must solve the incident with the Entidad Administradora and
 * SSCS-SGP copied, and an incident born from a grave conflict is notified with the conflict's
 * Formato 17 (runs before it: Formato 17 to the entity alone, numbered again for a conflict's).
 */
const COPIES_PATCH = 'incident-formato17-copies';
/**
 * Business days between escalation levels. Incident terms are 1 to 3 business days (ANS,
 * settings.incidents): a level a day keeps the path as brisk as the terms it follows.
 */
const ESCALATE_EVERY_DAYS = 1;

/**
 * PM1.3.3 Atención de incidencias (Cuadros 07–08, owner: Supervisor(a); glossary: Incidencia).
 * Two kinds of incident:
 * - in a participating entity's service (the entities' duty (vi) to resolve incidents with due
 *   diligence, 2.1.6): the entity's contact reports the solution;
 * - of the center itself — its staff, operation, security; every grave conflict with no entity
 *   involved (2.2.4) — : the Coordinador(a) del Centro MAC reports the solution (2.1.5,
 *   Coordinador(a) (o): coordinates "la solución a las incidencias de operación").
 * In both, the Supervisor(a), owner of PM1.3.3 (Cuadro 08) who "asegura el registro de la
 * información pertinente sobre incidencias" (2.1.5, Supervisor(a) (g)), verifies the solution as
 * satisfactory or reopens it with a new term.
 *
 * The incident is registered with Formato 17 — the grave conflict's own when it comes from one
 * (one Formato 17 per event, `formato17`), else a new one — which goes with the notice and the
 * term of its type (ANS; configurable) to whoever must solve it, the Entidad Administradora and
 * SSCS-SGP copied. A reminder the business day before; once overdue, escalation along the manual's
 * path above the holder: Coordinador(a) del Centro MAC → Entidad Administradora → SSCS-SGP, a
 * level each business day (the coordinator's own task starts at the Entidad Administradora).
 * Indicator (Listado): % de incidentes resueltos satisfactoriamente — an incident counts when its
 * first reported solution was verified satisfactory; a reopened one does not.
 */
export async function incidentWorkflow(args: IncidentWorkflowInput): Promise<RunState> {
  return withRun(args.meta, (run) => incidentRun(run, args));
}

async function incidentRun(run: Run, { meta, input, settings, formato17 }: IncidentWorkflowInput): Promise<RunState> {
  await run.begin(input.entityId ? `Incidencia (${input.type}) en ${input.entityId}` : `Incidencia (${input.type}) del Centro MAC`, { registered: 1 });
  const path = patched(ESCALATION_PATH_PATCH);
  const copies = patched(COPIES_PATCH);
  const entity = input.entityId ? await acts.lookupEntity({ centerId: meta.centerId, entityId: input.entityId }) : null;
  const registeredAt = new Date().toISOString();
  const businessDays = settings.incidents.termDays[input.type];
  const incident = {
    kind: 'incident' as const,
    occurredAt: input.occurredAt ?? registeredAt,
    registeredAt,
    module: input.module,
    entity,
    incidentType: INCIDENT_TYPES[input.type],
    description: input.description,
    reportedBy: { sub: meta.startedBy.sub, roleTitle: starterTitle(meta.startedBy.role) },
    sourceRunId: input.sourceRunId,
  };
  const notices = { templates: NOTICE_TEMPLATES, data: { incident } };
  // Who solves it: the entity's contact, or for the center's own incident the Coordinador(a) (see above).
  const solver = entity ? ({ role: 'participant_entity', entityId: entity.id } as const) : ({ role: 'coordinator' } as const);
  const solverMailbox: Recipient = entity ? { kind: 'entity', entityId: entity.id } : { kind: 'role', role: 'coordinator' };
  const notice: Notice = { run, incident, to: solverMailbox, cc: copies ? [{ kind: 'admin_entity' }, { kind: 'sscs' }] : [], formato17: copies ? formato17 : undefined };
  const issued: { formato17?: DocumentRef } = {};

  let reopened = 0;
  let observations: string | undefined;
  for (let round = 1; ; round++) {
    await run.task({
      key: `solve-${round}`,
      type: 'report_incident_solution',
      title: observations
        ? `Incidencia reabierta: ${observations}`
        : `Solucionar la incidencia${entity ? '' : ' del Centro MAC'} (${INCIDENT_TYPES[input.type]}) y reportar la solución`,
      ...solver,
      dueBusinessDays: businessDays,
      remindBefore: [1],
      // The manual's path above the holder (ESCALATION_PATH: an entity's contact → Coordinador(a) →
      // Entidad Administradora → SSCS-SGP; the Coordinador(a)'s own task → Entidad Administradora → SSCS-SGP).
      ...(path ? { escalateEvery: ESCALATE_EVERY_DAYS } : { levels: ['admin_entity', 'sscs'], escalateEvery: 0 }),
      notices,
      // Formato 17 and the notice go once, naming the first term; a reopening is notified with the
      // supervisor's observations and the new term.
      onOpen: async (task) => {
        if (round === 1) issued.formato17 = await notifyOpened(notice, task, businessDays);
        else await notifyReopened(notice, task, businessDays, observations!, round);
      },
    });
    const verification = await run.task({
      key: `verify-${round}`,
      type: 'verify_incident_solution',
      title: 'Verificar la solución de la incidencia reportada',
      role: 'supervisor',
      dueBusinessDays: 1,
    });
    if (verification.data.verdict === 'satisfactory') break;
    reopened += 1;
    observations = verification.data.observations;
  }
  // Escalated for the overdue solution (the supervisor's late verification is not the solver's).
  const escalated = run.state.tasks.some((t) => t.type === 'report_incident_solution' && t.events.some((e) => e.kind === 'escalation'));
  return run.finish(
    'completed',
    { registered: 1, closed: 1, resolvedSatisfactorily: reopened === 0 ? 1 : 0, reopened: reopened > 0 ? 1 : 0, escalated: escalated ? 1 : 0 },
    {
      entityId: input.entityId ?? null,
      type: input.type,
      reopened,
      escalated,
      ...(copies ? { sourceRunId: input.sourceRunId ?? null, formato17: issued.formato17?.reference ?? null } : {}),
    },
  );
}

interface Notice {
  run: Run;
  incident: Record<string, unknown>;
  /** Whoever must solve it: the entity's contact or the Coordinador(a). */
  to: Recipient;
  /** The Entidad Administradora and SSCS-SGP (none in runs before COPIES_PATCH). */
  cc: Recipient[];
  /** The Formato 17 already issued for the event (a grave conflict's). */
  formato17?: DocumentRef;
}

async function notifyOpened(n: Notice, task: TaskState, businessDays: number): Promise<DocumentRef> {
  const term = { businessDays, dueDate: task.dueDate };
  const doc = n.formato17 ?? (await n.run.document('formato-17', 'formato_17', { ...n.incident, term }));
  await n.run.notify('notice', [n.to], 'incident_notice', { incident: { ...n.incident, term }, document: doc, term }, [doc.id], n.cc);
  return doc;
}

async function notifyReopened(n: Notice, task: TaskState, businessDays: number, observations: string, round: number): Promise<void> {
  const term = { businessDays, dueDate: task.dueDate };
  await n.run.notify(`reopened-${round}`, [n.to], 'incident_reopened', { incident: n.incident, observations, term });
}
