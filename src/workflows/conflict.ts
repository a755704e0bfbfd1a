import { patched } from '@temporalio/workflow';
import { procedureFor, type conflictInputSchema } from '../catalog';
import type { z } from 'zod';
import { acts, Run, withRun } from './run';
import type { RunMeta, RunState } from '../shared/messages';
import { INCIDENT_TYPES, type EngineSettings, type IncidentType } from '../shared/settings';
import { ROLE_TITLES, starterTitle } from '../shared/roles';
import { INVOLVED_KINDS } from '../domain/conflicts';


export type ConflictInput = z.infer<typeof conflictInputSchema>;

export interface ConflictWorkflowInput {
  meta: RunMeta;
  input: ConflictInput;
  settings: EngineSettings;
}

/**
 * Issue 11: every grave conflict is a PM1.3.3 record — an incident run starts whether or not an
 * entity is involved, notified with the conflict's Formato 17 (runs before it: an incident only
 * when an entity was involved, which numbered a Formato 17 of its own).
 */
const ALWAYS_INCIDENT_PATCH = 'conflict-grave-always-incident';

/**
 * A grave conflict with no participating entity involved is an incident of the center itself
 * (glossary: Incidencia, "u otro que afecte el normal funcionamiento del Centro MAC") unless the
 * person who attended it names another type.
 */
const CENTER_INCIDENT_TYPE: IncidentType = 'otro';

/**
 * P2.2.4 Protocolo para el manejo de conflictos (2.2.4). A minor conflict is talked through
 * directly and respectfully: its outcome is recorded (and, if it proves graver, it goes the grave
 * way). A grave or complex one is handled by the supervisor or the coordinator with the physical
 * presence of security — the task cannot be completed without confirming it — and is then
 * communicated *immediately* to the Entidad Administradora and SSCS-SGP with Formato 17:
 * Atención de Incidencias (PM1.3.3), one per conflict. Every grave conflict is then a PM1.3.3
 * record: an incident run starts as this run's child (`sourceRunId`: this run), notified with the
 * same Formato 17 (no second number for the event). When a participating entity's service is
 * involved, the incident is the entity's (its type is required); otherwise it is the center's own
 * (type `otro` unless given), whose solution the Coordinador(a) reports (see incidentWorkflow).
 */
export async function conflictWorkflow(args: ConflictWorkflowInput): Promise<RunState> {
  return withRun(args.meta, (run) => conflictRun(run, args));
}

async function conflictRun(run: Run, { meta, input, settings }: ConflictWorkflowInput): Promise<RunState> {
  await run.begin(`Conflicto ${input.severity === 'grave' ? 'grave' : 'leve'} en ${input.place}`);
  const entity = input.entityId ? await acts.lookupEntity({ centerId: meta.centerId, entityId: input.entityId }) : null;
  const registeredAt = new Date().toISOString();
  const everyHours = settings.opening.escalateEveryHours;

  let severity = input.severity;
  if (severity === 'minor') {
    const talk = await run.task({
      key: 'conversation',
      type: 'record_conflict_outcome',
      title: 'Conversar directamente con la persona involucrada y registrar el resultado (2.2.4)',
      role: 'supervisor',
      alsoRoles: ['coordinator'],
      dueBusinessDays: 1,
    });
    if (talk.data.escalateAsGrave) severity = 'grave';
    else return run.finish('completed', { closed: 1, escalated: 0 }, { severity, outcome: talk.data.outcome });
  }

  const attention = await run.task({
    key: 'attend',
    type: 'attend_grave_conflict',
    title: 'Atender el conflicto con el acompañamiento físico del servicio de vigilancia (2.2.4)',
    role: 'supervisor',
    alsoRoles: ['coordinator'],
    dueAt: new Date(Date.now() + everyHours * 3600_000).toISOString(),
    escalateEvery: everyHours,
    check: (data) => (entity && !data.incidentType ? `incidentType is required: the service of ${entity.name} is involved and its incident (PM1.3.3) needs a type` : undefined),
  });
  const always = patched(ALWAYS_INCIDENT_PATCH);
  const incidentType: IncidentType | undefined = attention.data.incidentType ?? (always && !entity ? CENTER_INCIDENT_TYPE : undefined);
  const conflict = {
    kind: 'conflict' as const,
    severity,
    occurredAt: input.occurredAt,
    registeredAt,
    place: input.place,
    module: input.module,
    entity,
    description: input.description,
    involved: input.involved.map((p) => ({ kindLabel: INVOLVED_KINDS[p.kind], name: p.name })),
    ...(always && incidentType ? { incidentType: INCIDENT_TYPES[incidentType] } : {}),
    attention: {
      securityPresent: attention.data.securityPresent,
      actions: attention.data.actions,
      outcome: attention.data.outcome,
      attendedBy: { sub: attention.completedBy!.sub, roleTitle: ROLE_TITLES[attention.completedBy!.role] },
      attendedAt: attention.completedAt,
    },
    reportedBy: { sub: meta.startedBy.sub, roleTitle: starterTitle(meta.startedBy.role) },
  };
  // Immediately (2.2.4): Formato 17 to the Entidad Administradora and SSCS-SGP.
  const doc = await run.document('formato-17', 'formato_17', conflict);
  await run.notify('formato-17', [{ kind: 'admin_entity' }, { kind: 'sscs' }], 'conflict_grave', { conflict, document: doc }, [doc.id]);

  let incidentRunId: string | null = null;
  if (always && incidentType) {
    // Every grave conflict (2.2.4 → PM1.3.3), with this Formato 17.
    const incident = procedureFor('incident');
    incidentRunId = await run.spawn('incident', incident.code, incident.workflowType, {
      input: {
        centerId: meta.centerId,
        ...(entity ? { entityId: entity.id } : {}),
        type: incidentType,
        description: input.description,
        occurredAt: input.occurredAt,
        sourceRunId: meta.runId,
        ...(input.module ? { module: input.module } : {}),
      },
      settings,
      formato17: doc,
    });
  } else if (!always && entity && attention.data.incidentType) {
    const incident = procedureFor('incident');
    incidentRunId = await run.spawn('incident', incident.code, incident.workflowType, {
      input: { centerId: meta.centerId, entityId: entity.id, type: attention.data.incidentType, description: input.description, occurredAt: input.occurredAt, sourceRunId: meta.runId, ...(input.module ? { module: input.module } : {}) },
      settings,
    });
  }
  return run.finish('completed', { closed: 1, escalated: 1 }, { severity, formato17: doc.reference, incidentRunId });
}
