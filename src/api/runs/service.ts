import { createHash, randomUUID } from 'node:crypto';
import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError } from '@temporalio/client';
import { WorkflowIdReusePolicy } from '@temporalio/common';
import { z } from 'zod';
import { canStart, type ProcedureDefinition } from '../../catalog';
import { allocateRunNumber, findCenter, isDuplicateKey, recordRunStart } from '../../db/models';
import { CenterIdAttr, ProcedureCodeAttr, RUN_STATUSES, RunStatusAttr, type RunMeta, type RunStatus } from '../../shared/messages';
import { repairRunRecord } from '../../runs/records';
import type { Actor } from '../../shared/roles';
import { assertCenter, canAccessCenter, centerFilter } from '../auth';
import { conflict, forbidden, invalidField, invalidInput, notFound } from '../errors';
import type { ApiDeps } from '../deps';
import { termStanding } from '../claims/service';
import { isoDateSchema } from '../../shared/schemas';
import { endOfLimaDay, limaInstant } from '../../calendar/businessCalendar';
import type { RunDetail, RunSummary, RunTask } from './schemas';

const iso = (d: Date | string): string => (typeof d === 'string' ? d : d.toISOString());
const isoOrNull = (d: Date | string | null | undefined): string | null => (d ? iso(d) : null);

export interface StartedRun {
  runId: string;
  code: string;
  centerId: string;
  status: RunStatus;
  startedAt: string;
  /** False when an `Idempotency-Key` replay returned the run started by the first request. */
  created: boolean;
}

/**
 * Starts a run of a procedure: validates the body with the catalog's schema, checks role and
 * center, then starts the workflow whose id is the run's business number. With an
 * Idempotency-Key the same request returns the same run and never starts a second one.
 */
/** Who starts a run: a member of staff with a token, or a citizen through a public route. */
export type Starter = { kind: 'staff'; actor: Actor } | { kind: 'public' };

export async function startRun(
  deps: ApiDeps,
  procedure: ProcedureDefinition,
  body: unknown,
  starter: Starter,
  idempotencyKey: string | undefined,
): Promise<StartedRun> {
  if (!procedure.executable) {
    throw conflict('not_executable', `${procedure.code} is not executable yet: ${procedure.pending ?? 'its workflow is pending'}`);
  }
  if (starter.kind === 'staff' && !canStart(procedure, starter.actor.role, starter.actor.functions)) {
    const sscs = procedure.starterFunctions ? `sscs holding ${procedure.starterFunctions.join(' or ')}` : 'sscs';
    throw forbidden(`role ${starter.actor.role} may not start ${procedure.code} (allowed: ${[sscs, ...procedure.starters].join(', ')})`);
  }
  const parsed = procedure.inputSchema.safeParse(body);
  if (!parsed.success) throw invalidInput(parsed.error, 'body');
  const input = parsed.data as { centerId: string; entityId?: string };
  if (starter.kind === 'staff') assertCenter(starter.actor, input.centerId);
  const startedBy: RunMeta['startedBy'] = starter.kind === 'staff' ? { sub: starter.actor.sub, role: starter.actor.role } : { sub: 'ciudadano', role: 'citizen' };
  const center = await findCenter(deps.models, input.centerId);
  if (!center) throw invalidField('body.centerId', `unknown center ${input.centerId}`);
  // P2.2.1 runs on a center in its pre-operative stage, the staff procedures on either, the rest on an operating one.
  const stage = center.stage ?? 'operating';
  if (procedure.centerStage === 'pre_operative' && stage !== 'pre_operative') {
    throw conflict('center_not_pre_operative', `${procedure.code} runs on a new center in its pre-operative stage; ${center._id} is ${stage}`);
  }
  if (procedure.centerStage === undefined && !center.active) {
    throw conflict('center_not_operating', `${center._id} is not operating yet (${stage}): ${procedure.code} cannot run on it until its pre-operative stage (P2.2.1) ends`);
  }
  if (input.entityId && !center.participatingEntities.some((e) => e.id === input.entityId)) {
    throw invalidField('body.entityId', `${input.entityId} is not a participating entity of ${center._id}`);
  }
  // One at a time (a person's induction or cese), or once (a year's plan, a center's pre-operative stage).
  if (procedure.single) {
    const ref = procedure.single.ref(parsed.data as Record<string, unknown>);
    const statuses = procedure.single.once ? ['running', 'completed'] : ['running'];
    const other = await deps.models.Run.findOne({ code: procedure.code, centerId: center._id, ref, status: { $in: statuses } }, { _id: 1 }).lean();
    if (other) throw conflict('run_exists', `${other._id} already ${procedure.single.once ? 'covers' : 'is running for'} ${ref}`);
  }
  // An induction or a cese is about a person of this center's active staff (PA3.1.2, PA3.1.4).
  const staffMemberId = (parsed.data as { staffMemberId?: string }).staffMemberId;
  if (staffMemberId && !(await deps.models.StaffMember.exists({ _id: staffMemberId, centerId: center._id, status: 'active' }))) {
    throw invalidField('body.staffMemberId', `${staffMemberId} is not active staff of ${center._id} (GET /centers/${center._id}/staff)`);
  }

  const now = deps.clock();
  /** The run's business number; an idempotent request owns its number, so a replay finds it. */
  const allocate = (owner: string, fresh = false) => allocateRunNumber(deps.models, { code: procedure.code, prefix: procedure.numberPrefix, centerId: input.centerId, owner, now, fresh });

  let runId: string;
  if (idempotencyKey) {
    // A key is the caller's own: a member of staff's, or a citizen's (by their document, hashed), so
    // one citizen's key can neither collide with nor replay another's.
    const citizen = (parsed.data as { citizen?: { documentType?: string; documentNumber?: string } }).citizen;
    const owner =
      starter.kind === 'public' && citizen?.documentNumber
        ? `ciudadano:${createHash('sha256').update(`${citizen.documentType ?? ''}:${citizen.documentNumber.toUpperCase()}`).digest('hex').slice(0, 32)}`
        : startedBy.sub;
    const scope = `${owner}:${idempotencyKey}`;
    const requestHash = createHash('sha256').update(JSON.stringify([procedure.code, parsed.data])).digest('hex');
    let record: { requestHash: string; runId?: string | null } | null = await deps.models.Idempotency.findById(scope).lean();
    if (!record) {
      const candidate = { _id: scope, requestHash, runId: await allocate(`idempotency:${scope}`), createdAt: now };
      try {
        await deps.models.Idempotency.create(candidate);
        record = candidate;
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
        // A concurrent request with the same key won: its record (and run) is the one.
        record = await deps.models.Idempotency.findById(scope).lean();
      }
    }
    if (!record || record.requestHash !== requestHash) {
      throw conflict('idempotency_key_reused', 'this Idempotency-Key was used with a different request');
    }
    runId = record.runId!;
  } else {
    runId = await allocate(`request:${randomUUID()}`, true);
  }

  // Whichever request's start succeeds created the run (201); every other one is a replay (200).
  let created = true;
  const meta: RunMeta = { runId, code: procedure.code, centerId: input.centerId, startedBy, searchAttributes: deps.searchAttributes };
  const terms = procedure.legalTerm ? { ...procedure.legalTerm, ...deps.claimTerms } : undefined;
  try {
    await deps.temporal.workflow.start(procedure.workflowType, {
      taskQueue: deps.taskQueue,
      workflowId: runId,
      workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
      args: [{ meta, input: parsed.data, settings: deps.settings, ...(procedure.steps ? { steps: procedure.steps } : {}), ...(terms ? { terms } : {}) }],
      ...(deps.searchAttributes
        ? { typedSearchAttributes: [{ key: CenterIdAttr, value: input.centerId }, { key: ProcedureCodeAttr, value: procedure.code }, { key: RunStatusAttr, value: 'running' }] as never }
        : {}),
    });
  } catch (err) {
    // Numbers are never shared, so only the replay of an Idempotency-Key finds its run started.
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    if (!idempotencyKey) throw conflict('run_exists', `run ${runId} already exists`);
    created = false;
  }
  await recordRunStart(
    deps.models,
    { runId, code: procedure.code, centerId: input.centerId, workflowType: procedure.workflowType, summary: procedure.name, startedBy: meta.startedBy, startedAt: now },
    false,
  );
  // A new run is running since now; only a replay reads what the first request recorded.
  const stored = created ? null : await deps.models.Run.findById(runId, { status: 1, startedAt: 1 }).lean();
  return { runId, code: procedure.code, centerId: input.centerId, status: (stored?.status ?? 'running') as RunStatus, startedAt: (stored?.startedAt ?? now).toISOString(), created };
}

// ---------------------------------------------------------------------------------------------
// Views

export const runQuerySchema = z.object({
  code: z.union([z.string().max(20), z.array(z.string().max(20)).max(10)]).optional().describe('One procedure code, or several (code=PA1.1.4&code=PA1.1.3)'),
  centerId: z.string().optional(),
  status: z.enum(RUN_STATUSES).optional(),
  from: isoDateSchema.optional().describe('Registered on or after this Lima day (the indicators link here)'),
  to: isoDateSchema.optional().describe('Registered on or before this Lima day'),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

/**
 * A participating entity's contact sees only the runs where their entity holds a task (its
 * incidents, the claims about it): not the other entities' nor the center's own.
 */
export async function entityMaySee(deps: ApiDeps, actor: Actor, runId: string): Promise<boolean> {
  if (actor.role !== 'participant_entity') return true;
  return (await deps.models.Task.exists({ runId, entityId: actor.entity })) !== null;
}

async function loadRun(deps: ApiDeps, runId: string, actor: Actor) {
  const run = await deps.models.Run.findById(runId).lean();
  if (!run) {
    // The API records every run it starts; one started elsewhere (a schedule, a script) may not be
    // recorded yet by its worker: say so rather than 404.
    try {
      const d = await deps.temporal.workflow.getHandle(runId).describe();
      throw conflict('run_not_ready', `run ${runId} (${d.status.name}) is starting; try again in a moment`);
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) throw notFound(`run ${runId}`);
      throw err;
    }
  }
  if (!canAccessCenter(actor, run.centerId)) throw forbidden(`your token does not give access to center ${run.centerId}`);
  if (!(await entityMaySee(deps, actor, runId))) throw forbidden(`run ${runId} does not concern entity ${actor.entity}`);
  return run;
}

function serializeRun(run: Awaited<ReturnType<typeof loadRun>>): RunSummary {
  return {
    runId: run._id,
    code: run.code,
    centerId: run.centerId,
    workflowType: run.workflowType,
    status: run.status as RunSummary['status'],
    summary: run.summary,
    startedBy: { ...(run.startedBy?.sub ? { sub: run.startedBy.sub } : {}), ...(run.startedBy?.role ? { role: run.startedBy.role } : {}) },
    startedAt: iso(run.startedAt),
    closedAt: isoOrNull(run.closedAt),
    /** Why it ended, when it did not complete (a failure, an operator's termination reason). */
    closeReason: run.closeReason ?? null,
    metrics: Object.fromEntries(run.metrics instanceof Map ? run.metrics : Object.entries(run.metrics ?? {})),
  };
}

export async function listRuns(deps: ApiDeps, actor: Actor, q: z.infer<typeof runQuerySchema>) {
  const filter: Record<string, unknown> = centerFilter(actor, q.centerId);
  if (q.code) filter.code = Array.isArray(q.code) ? { $in: q.code } : q.code;
  if (q.status) filter.status = q.status;
  if (q.from || q.to) filter.startedAt = { ...(q.from ? { $gte: limaInstant(q.from, '00:00') } : {}), ...(q.to ? { $lte: endOfLimaDay(q.to) } : {}) };
  if (actor.role === 'participant_entity') {
    const own = await deps.models.Task.find({ entityId: actor.entity }, { runId: 1 }).lean();
    filter._id = { $in: [...new Set(own.map((t) => t.runId))] };
  }
  const runs = await deps.models.Run.find(filter).sort({ startedAt: -1 }).limit(q.limit).lean();
  return { runs: runs.map(serializeRun) };
}

export async function getRun(deps: ApiDeps, runId: string, actor: Actor): Promise<RunDetail> {
  let run = await loadRun(deps, runId, actor);
  const tasksOf = () => deps.models.Task.find({ runId }).sort({ createdAt: 1 }).lean();
  const [firstTasks, documents, notifications, description, claim] = await Promise.all([
    tasksOf(),
    deps.models.Document.find({ runId }, { html: 0 }).sort({ createdAt: 1 }).lean(),
    deps.models.Outbox.find({ runId }, { html: 0, text: 0 }).sort({ createdAt: 1 }).lean(),
    deps.temporal.workflow
      .getHandle(runId)
      .describe()
      .catch(() => null),
    deps.models.Claim.findById(runId, { dueDate: 1, status: 1, registeredAt: 1, termChanges: 1 }).lean(),
  ]);
  let tasks = firstTasks;
  if (run.status === 'running' && description && description.status.name !== 'RUNNING') {
    // Closed without its workflow code knowing (terminated, timed out): the record and the inbox
    // are repaired now, not only at the next reconciliation pass.
    if (await repairRunRecord(deps.models, deps.temporal, description, deps.clock())) {
      [run, tasks] = await Promise.all([deps.models.Run.findById(runId).lean().then((r) => r ?? run), tasksOf()]);
    }
  }
  const execution = description?.status.name ?? null;
  // A run with a legal term (a claim) shows it, and where it stands today.
  const term = claim ? { registeredAt: iso(claim.registeredAt), dueDate: claim.dueDate, changes: (claim.termChanges ?? []) as Record<string, unknown>[], ...(await termStanding(deps, [claim]))[0]! } : undefined;
  return {
    ...serializeRun(run),
    execution,
    ...(term ? { term } : {}),
    tasks: tasks.map(serializeTask),
    documents: documents.map((d) => ({ id: d._id, type: d.type, reference: d.reference ?? null, createdAt: iso(d.createdAt), url: `/api/v1/documents/${encodeURIComponent(d._id)}` })),
    notifications: notifications.map((n) => ({
      key: n._id,
      to: n.to,
      subject: n.subject,
      status: n.status,
      attempts: n.attempts ?? 0,
      lastError: n.lastError ?? null,
      ...(n.pdfError ? { pdfError: n.pdfError } : {}),
      createdAt: iso(n.createdAt),
      sentAt: isoOrNull(n.sentAt),
    })),
    escalations: tasks.flatMap((t) => ((t.events ?? []) as { kind: string; level: string; at: Date | string }[]).filter((e) => e.kind === 'escalation').map((e) => ({ taskId: t._id, level: e.level, at: iso(e.at) }))),
  };
}

/** A task as the store keeps it (the fields the views show). */
interface TaskRecordView {
  _id: string;
  runId: string;
  code: string;
  centerId: string;
  type: string;
  title: string;
  role: string;
  alsoRoles?: string[] | null;
  entityId?: string | null;
  functions?: string[] | null;
  prefill?: unknown;
  status: string;
  createdAt: Date | string;
  dueAt?: Date | string | null;
  completedAt?: Date | string | null;
  completedBy?: { sub?: string | null; role?: string | null; functions?: string[] | null } | null;
}

export function serializeTask(t: TaskRecordView): RunTask {
  const by = t.completedBy;
  return {
    id: t._id,
    runId: t.runId,
    code: t.code,
    centerId: t.centerId,
    type: t.type,
    title: t.title,
    role: t.role,
    ...(t.alsoRoles?.length ? { alsoRoles: t.alsoRoles } : {}),
    ...(t.entityId ? { entityId: t.entityId } : {}),
    ...(t.functions?.length ? { functions: t.functions } : {}),
    ...(t.prefill ? { prefill: t.prefill as Record<string, unknown> } : {}),
    status: t.status as RunTask['status'],
    createdAt: iso(t.createdAt),
    dueAt: isoOrNull(t.dueAt),
    completedAt: isoOrNull(t.completedAt),
    completedBy: by?.sub ? { sub: by.sub, ...(by.role ? { role: by.role } : {}), ...(by.functions?.length ? { functions: by.functions } : {}) } : null,
  };
}

export { loadRun };
