import type { z } from 'zod';
import type { incidentInputSchema } from '../catalog';
import { acts, Run, withRun } from './run';
import type { RunMeta, RunState, TaskState } from '../shared/messages';
import { INCIDENT_TYPES, type EngineSettings } from '../shared/settings';
import { starterTitle } from '../shared/roles';

export type IncidentInput = z.infer<typeof incidentInputSchema>;

export interface IncidentWorkflowInput {
  meta: RunMeta;
  input: IncidentInput;
  settings: EngineSettings;
}

const NOTICE_TEMPLATES = { reminder: 'incident_reminder', escalation: 'incident_escalation' };

/**
 * PM1.3.3 Atención de incidencias en el servicio de las entidades participantes (Cuadros 07–08,
 * owner: Supervisor(a); glossary: Incidencia; the entities' duty (vi) to resolve incidents with
 * due diligence, 2.1.6). The incident is registered with Formato 17 and notified to the entity's
 * contact, who must report the solution within the term of its type (ANS; configurable). A
 * reminder the business day before; once overdue, escalation to the Entidad Administradora and
 * SSCS-SGP together. The supervisor verifies the solution as satisfactory, or reopens it with a
 * new term. Indicator (Listado): % de incidentes resueltos satisfactoriamente — an incident counts
 * when its first reported solution was verified satisfactory; a reopened one does not.
 */
export async function incidentWorkflow(args: IncidentWorkflowInput): Promise<RunState> {
  return withRun(args.meta, (run) => incidentRun(run, args));
}

async function incidentRun(run: Run, { meta, input, settings }: IncidentWorkflowInput): Promise<RunState> {
  await run.begin(`Incidencia (${input.type}) en ${input.entityId}`, { registered: 1 });
  const entity = await acts.lookupEntity({ centerId: meta.centerId, entityId: input.entityId });
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

  let reopened = 0;
  let observations: string | undefined;
  for (let round = 1; ; round++) {
    await run.task({
      key: `solve-${round}`,
      type: 'report_incident_solution',
      title: observations ? `Incidencia reabierta: ${observations}` : `Solucionar la incidencia (${INCIDENT_TYPES[input.type]}) y reportar la solución`,
      role: 'participant_entity',
      entityId: input.entityId,
      dueBusinessDays: businessDays,
      remindBefore: [1],
      levels: ['admin_entity', 'sscs'],
      escalateEvery: 0,
      notices,
      // Formato 17 and the notice go to the entity once, naming the first term; a reopening is
      // notified with the supervisor's observations and the new term.
      onOpen: (task) => (round === 1 ? notifyEntity(run, incident, task, businessDays) : notifyReopened(run, incident, task, businessDays, observations!, round)),
    });
    const verification = await run.task({
      key: `verify-${round}`,
      type: 'verify_incident_solution',
      title: 'Verificar la solución de la incidencia reportada por la entidad',
      role: 'supervisor',
      dueBusinessDays: 1,
    });
    if (verification.data.verdict === 'satisfactory') break;
    reopened += 1;
    observations = verification.data.observations;
  }
  // Escalated for the entity's overdue solution (the supervisor's late verification is not the entity's).
  const escalated = run.state.tasks.some((t) => t.type === 'report_incident_solution' && t.events.some((e) => e.kind === 'escalation'));
  return run.finish(
    'completed',
    { registered: 1, closed: 1, resolvedSatisfactorily: reopened === 0 ? 1 : 0, reopened: reopened > 0 ? 1 : 0, escalated: escalated ? 1 : 0 },
    { entityId: input.entityId, type: input.type, reopened, escalated },
  );
}

async function notifyReopened(run: Run, incident: Record<string, unknown>, task: TaskState, businessDays: number, observations: string, round: number): Promise<void> {
  const term = { businessDays, dueDate: task.dueDate };
  await run.notify(`reopened-${round}`, [{ kind: 'entity', entityId: (incident.entity as { id: string }).id }], 'incident_reopened', { incident, observations, term });
}

async function notifyEntity(run: Run, incident: Record<string, unknown>, task: TaskState, businessDays: number): Promise<void> {
  const term = { businessDays, dueDate: task.dueDate };
  const doc = await run.document('formato-17', 'formato_17', { ...incident, term });
  await run.notify('notice', [{ kind: 'entity', entityId: (incident.entity as { id: string }).id }], 'incident_notice', { incident: { ...incident, term }, document: doc, term }, [doc.id]);
}
