/**
 * The machinery every procedure workflow shares (DESIGN §7): the run's read model, human tasks
 * completed through a validated update, reminder and escalation timelines computed on the
 * business calendar, numbered documents and emails through the outbox.
 *
 * Workflow code: deterministic, no I/O; activities are imported as types only.
 */
import {
  ApplicationFailure,
  CancellationScope,
  condition,
  isCancellation,
  ParentClosePolicy,
  proxyActivities,
  setHandler,
  sleep,
  startChild,
  TemporalFailure,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities, DocumentRef, Recipient, RenderDocumentInput, RecordRunInput, TaskNoticeInput, TimelineEvent } from '../activities';
import { NON_RETRYABLE_ACTIVITY_ERRORS } from '../shared/errors';
import {
  CenterIdAttr,
  ProcedureCodeAttr,
  completeTaskUpdate,
  getStateQuery,
  TaskRejection,
  RunStatusAttr,
  DueAtAttr,
  closedRunNote,
  type ClosedRunStatus,
  type CompleteTaskInput,
  type EscalationLevel,
  type RunMeta,
  type RunState,
  type RunStatus,
  type TaskState,
} from '../shared/messages';
import { taskDataSchemas, type TaskData, type TaskType } from '../shared/tasks';
import type { Actor, Role, SscsFunction } from '../shared/roles';

/**
 * The activities every workflow of the engine calls, with one timeout and retry policy. Each is a
 * few indexed store operations (a claim's 8 activities make 18 of them to its constancia,
 * docs/benchmarks.md), milliseconds when the store is idle. The timeout is far above that so an
 * attempt is only re-run when it is really stuck, never while a slow store is still serving it
 * (which only adds load: the retry storm of issue 8, where attempts passed the old 30 s); a store
 * outage is retried with backoff until it is back, never failing a run.
 */
export const acts = proxyActivities<Activities>({
  startToCloseTimeout: '2 minutes',
  // The worker beats while an attempt runs (src/activities/keepAlive.ts): one on a worker that
  // died is retried after this, not after the two minutes above.
  heartbeatTimeout: '20 seconds',
  retry: {
    initialInterval: '2 seconds',
    backoffCoefficient: 2,
    maximumInterval: '2 minutes',
    nonRetryableErrorTypes: NON_RETRYABLE_ACTIVITY_ERRORS,
  },
});

/** Email delivery retries until SMTP takes it: an outage delays mail, never loses it. */
const delivery = proxyActivities<Activities>({
  startToCloseTimeout: '1 minute',
  heartbeatTimeout: '20 seconds',
  retry: {
    initialInterval: '5 seconds',
    backoffCoefficient: 2,
    maximumInterval: '10 minutes',
    nonRetryableErrorTypes: NON_RETRYABLE_ACTIVITY_ERRORS,
  },
});

/** A Lima date (Peru: UTC−5 all year, no daylight saving time) of an instant, workflow-safe. */
export const limaDay = (at: number | string = Date.now()): string => new Date((typeof at === 'string' ? Date.parse(at) : at) - 5 * 3600_000).toISOString().slice(0, 10);

/** The escalation path of the manual: Coordinador del Centro → Entidad Administradora → SSCS-SGP. */
export const ESCALATION_PATH: EscalationLevel[] = ['coordinator', 'admin_entity', 'sscs'];

export interface TaskOptions<T extends TaskType> {
  key: string;
  type: T;
  title: string;
  role: Role;
  /** Other roles that may complete it (the verification is the supervisor's or the coordinator's). */
  alsoRoles?: Role[];
  /** For a `participant_entity` task: the entity whose contact must complete it. */
  entityId?: string;
  /** For an `sscs` task: the supervision functions, one of which the person must hold. */
  functions?: SscsFunction[];
  /** The task's own term in business days, with its reminders and escalation ladder… */
  dueBusinessDays?: number;
  /** …or on a given Lima date (gabinete before the visit date), with the same reminders and ladder… */
  dueOn?: string;
  /** …or an instant the same day (hours, not days: a closed center cannot wait a business day)… */
  dueAt?: string;
  /** …or a term owned by the run (a claim's legal term): no timeline of the task's own. */
  term?: { dueDate: string; dueAt: string };
  /** Reminders, business days before the term (default: 1); with `dueAt`, minutes before it. */
  remindBefore?: number[];
  /** Business days between escalation levels after the term (default: 2); with `dueAt`, hours. */
  escalateEvery?: number;
  /** The escalation ladder, when not the manual's path above the holder. */
  levels?: EscalationLevel[];
  /** Templates and data of the reminder and escalation emails (default: the generic task ones). */
  notices?: Pick<TaskNoticeInput, 'templates' | 'data'>;
  /** Runs once the task is open and its term known, before waiting (e.g. a notice naming the term). */
  onOpen?: (task: TaskState) => Promise<void>;
  /** What the form starts from (see TaskState.prefill). */
  prefill?: Record<string, unknown>;
  /** Extra checks on a completion beyond its schema; return a message to reject it. */
  check?: (data: TaskData<T>, actor: Actor) => string | undefined;
}

/** The reason of an activity failure (its cause), not the generic "Activity task failed". */
const reasonOf = (err: unknown): string => {
  const e = err as { cause?: { message?: string }; message?: string };
  return e?.cause?.message ?? e?.message ?? String(err);
};

function reject(type: string, message: string, details?: unknown): never {
  throw ApplicationFailure.create({ type, message, nonRetryable: true, details: details === undefined ? [] : [details] });
}

/**
 * Runs a workflow's body with its Run, and keeps the run's record true however the body ends. On
 * cancellation or failure — the ways out that workflow code sees — a non-cancellable cleanup
 * cancels the run's open tasks and closes its record saying how it ended, then the error goes on
 * (the execution ends cancelled or failed). Termination and timeouts run no workflow code: the
 * reconciliation of src/runs/records.ts closes those records. Every workflow of a run uses this.
 */
export async function withRun(meta: RunMeta, body: (run: Run) => Promise<RunState>): Promise<RunState> {
  const run = new Run(meta);
  try {
    // Work beside the main path (a term watcher, a task awaited later) fails the run too.
    return await Promise.race([body(run), run.sideFailure]);
  } catch (err) {
    // Anything else (a bug: TypeError…) fails the workflow task, not the execution: Temporal retries
    // it and, once the code is fixed, the run goes on; its record stays open.
    if (!(err instanceof TemporalFailure)) throw err;
    // As the SDK decides: a cancellation ends the execution cancelled only if it was requested.
    const status: ClosedRunStatus = isCancellation(err) && CancellationScope.current().consideredCancelled ? 'cancelled' : 'failed';
    await CancellationScope.nonCancellable(() => run.close(status, status === 'failed' ? reasonOf(err) : undefined));
    throw err;
  }
}

/**
 * Starts a run of `code` as a child that outlives its parent. Its business number is claimed under
 * `owner`, so a retry or a replay gets the same number and the child starts once.
 */
export async function startRunChild(
  from: { centerId: string; searchAttributes?: boolean; owner: string; startedBy: RunMeta['startedBy'] },
  code: string,
  workflowType: string,
  args: Record<string, unknown>,
) {
  const runId = await acts.allocateRunNumber({ code, centerId: from.centerId, owner: from.owner });
  const meta = { runId, code, centerId: from.centerId, startedBy: from.startedBy, searchAttributes: from.searchAttributes } as RunMeta;
  const handle = await startChild<(a: any) => Promise<RunState>>(workflowType, {
    workflowId: runId,
    args: [{ meta, ...args }],
    parentClosePolicy: ParentClosePolicy.ABANDON,
    ...(from.searchAttributes
      ? { typedSearchAttributes: [{ key: CenterIdAttr, value: from.centerId }, { key: ProcedureCodeAttr, value: code }, { key: RunStatusAttr, value: 'running' }] as never }
      : {}),
  });
  return { runId, handle };
}

export class Run {
  readonly state: RunState;
  private readonly checks = new Map<string, (data: any, actor: Actor) => string | undefined>();
  private readonly deliveries: Promise<unknown>[] = [];
  /** Set once the run's cutoff passed: every task open then, or opened later, is cancelled. */
  private cutoff?: string;
  /** Rejects when work running beside the main path fails (see `concurrently`); `withRun` races it. */
  readonly sideFailure: Promise<never>;
  private failSide!: (err: unknown) => void;

  constructor(readonly meta: RunMeta) {
    this.sideFailure = new Promise<never>((_, reject) => (this.failSide = reject));
    this.sideFailure.catch(() => undefined);
    this.state = {
      runId: meta.runId,
      code: meta.code,
      centerId: meta.centerId,
      status: 'running',
      tasks: [],
      documents: [],
      notifications: [],
      problems: [],
    };
    setHandler(getStateQuery, () => this.state);
    setHandler(completeTaskUpdate, (input) => this.complete(input), { validator: (input) => void this.validate(input) });
  }

  /** Records the run in the read model (`ref`: what other runs may look it up by). */
  async begin(summary: string, metrics: Record<string, number> = {}, ref?: string): Promise<void> {
    await acts.recordRun(this.runRecord(summary, metrics, ref));
  }

  /** The run's record as `begin` writes it, for an activity that records the run among other writes. */
  runRecord(summary: string, metrics: Record<string, number> = {}, ref?: string): RecordRunInput {
    return {
      ...(ref ? { ref } : {}),
      runId: this.meta.runId,
      code: this.meta.code,
      centerId: this.meta.centerId,
      workflowType: workflowInfo().workflowType,
      summary,
      startedBy: this.meta.startedBy,
      startedAt: new Date(workflowInfo().startTime).toISOString(),
      metrics,
    };
  }

  /** Opens a human task and waits for its completion through reminders and escalations. */
  async task<T extends TaskType>(opts: TaskOptions<T>): Promise<TaskState & { data: TaskData<T> }> {
    const openedAt = new Date().toISOString();
    // The ladder starts above whoever holds the task: a coordinator's overdue task goes to the
    // Entidad Administradora, an Entidad Administradora's to SSCS, an SSCS task only gets reminders.
    const levels = opts.levels ?? ESCALATION_PATH.slice(ESCALATION_PATH.indexOf(opts.role as EscalationLevel) + 1);
    const plan = opts.term
      ? { ...opts.term, timeline: [] }
      : opts.dueAt
        ? await acts.planHourTask({ openedAt, dueAt: opts.dueAt, remindBeforeMinutes: opts.remindBefore ?? [], escalation: { levels, everyHours: opts.escalateEvery ?? 2 } })
        : await acts.planTask({
            openedAt,
            dueBusinessDays: opts.dueBusinessDays ?? 1,
            ...(opts.dueOn ? { dueDate: opts.dueOn } : {}),
            remindBefore: opts.remindBefore ?? [1],
            escalation: { levels, every: opts.escalateEvery ?? 2 },
          });
    const task: TaskState = {
      id: `${this.meta.runId}:${opts.key}`,
      type: opts.type,
      title: opts.title,
      role: opts.role,
      ...(opts.alsoRoles?.length ? { alsoRoles: opts.alsoRoles } : {}),
      ...(opts.entityId ? { entityId: opts.entityId } : {}),
      ...(opts.functions?.length ? { functions: opts.functions } : {}),
      ...(opts.prefill ? { prefill: opts.prefill } : {}),
      status: 'open',
      createdAt: openedAt,
      dueAt: plan.dueAt,
      dueDate: plan.dueDate,
      events: [],
      rev: 0,
    };
    if (opts.check) this.checks.set(task.id, opts.check);
    // Planned while the cutoff passed (the sweep could not see it yet): it opens cancelled.
    const bornCancelled = this.cutoff !== undefined;
    if (bornCancelled) Object.assign(task, { status: 'cancelled', completedAt: openedAt, data: { cancelled: this.cutoff } });
    this.state.tasks.push(task);
    await this.record(task);
    // (Not `status !== 'open'`: a completion can land while the task is being recorded, and its
    // onOpen — the notice that goes with it — must still run.)
    if (bornCancelled) return task as TaskState & { data: TaskData<T> };
    this.setSearch({ dueAt: plan.dueAt });
    await opts.onOpen?.(task);

    for (const event of plan.timeline) {
      const done = await condition(() => task.status !== 'open', Math.max(1, Date.parse(event.at) - Date.now()));
      // A completion and the timer can land in the same activation; the completion wins.
      if (done || task.status !== 'open') break;
      task.events.push(event);
      await this.notice(task, event, opts.notices);
      if (event.kind === 'escalation') await this.record(task);
    }
    await condition(() => task.status !== 'open');
    await this.record(task);
    return task as TaskState & { data: TaskData<T> };
  }

  /**
   * At `at`, whatever is pending stops: open tasks are cancelled with `reason`, and so is every
   * task opened afterwards (a day's opening ends at the closing hour). Returns whether it passed.
   */
  cutoffAt(at: number, reason: string): () => boolean {
    void this.concurrently(
      sleep(at - Date.now()).then(async () => {
        this.cutoff = reason;
        for (const t of this.state.tasks.filter((t) => t.status === 'open')) await this.cancel(t, reason);
      }),
    );
    return () => this.cutoff !== undefined;
  }

  /**
   * Work that runs beside the run's main path and may be awaited later, or never (a term watcher,
   * a task the run collects at its end, a cutoff). If the run is cancelled it is cancelled with it;
   * if it fails, the run fails (through `withRun`), instead of an unhandled rejection. Returns the
   * same promise.
   */
  concurrently<T>(work: Promise<T>): Promise<T> {
    work.catch((err: unknown) => {
      if (!isCancellation(err)) this.failSide(err);
    });
    return work;
  }

  /** Closes an open task without completion (its reason overtaken: the day ended, the run moved on). */
  async cancel(task: TaskState, reason: string): Promise<void> {
    if (task.status !== 'open') return;
    task.status = 'cancelled';
    task.completedAt = new Date().toISOString();
    task.data = { cancelled: reason };
    // The waiting `task()` records it too; recording here makes the inbox right before the run goes on.
    await this.record(task);
  }

  /**
   * Starts another procedure's run from this one (a finding → corrective maintenance, a grave
   * conflict → incident). Its business number is claimed under this run's key, so a retry or a
   * replay gets the same number and the child starts once; it outlives this run.
   */
  async spawn(key: string, code: string, workflowType: string, args: Record<string, unknown>): Promise<string> {
    return (await this.spawnChild(key, code, workflowType, args)).runId;
  }

  /** `spawn`, with the child's handle: a run that waits for its children's results (supervision's observations). */
  async spawnChild(key: string, code: string, workflowType: string, args: Record<string, unknown>) {
    return startRunChild({ centerId: this.meta.centerId, searchAttributes: this.meta.searchAttributes, owner: `run:${this.meta.runId}:${key}`, startedBy: { sub: this.meta.runId, role: 'run' } }, code, workflowType, args);
  }

  /** A numbered document (same number on retry). */
  async document(key: string, type: RenderDocumentInput['type'], data: Record<string, unknown>): Promise<DocumentRef> {
    const ref = await acts.renderDocument({ key: `${this.meta.runId}:${key}`, runId: this.meta.runId, centerId: this.meta.centerId, type, data });
    if (!this.state.documents.includes(ref.id)) this.state.documents.push(ref.id);
    return ref;
  }

  /**
   * Queues an email in the outbox (durably, before the run goes on) and delivers it in the
   * background; `finish` waits for every delivery. `cc`: recipients copied (the Entidad
   * Administradora and SSCS-SGP on an entity's incident, PM1.3.3).
   */
  async notify(step: string, to: Recipient[], template: string, data: Record<string, unknown>, attachments: string[] = [], cc: Recipient[] = []): Promise<void> {
    const { key } = await acts.queueEmail({ key: `${this.meta.runId}:${step}`, runId: this.meta.runId, centerId: this.meta.centerId, to, ...(cc.length ? { cc } : {}), template, data, attachments });
    this.track(key);
  }

  async finish(status: 'completed' | 'cancelled', metrics: Record<string, number>, result: Record<string, unknown>): Promise<RunState> {
    await Promise.all(this.deliveries);
    this.state.status = status;
    this.state.result = result;
    await acts.closeRun({ runId: this.meta.runId, status, closedAt: new Date().toISOString(), metrics });
    this.setSearch({ status });
    return this.state;
  }

  /**
   * The run ends before its procedure did (`withRun`, in a non-cancellable scope): its open tasks
   * are cancelled in the inbox — each written with its next revision, so a write of it still in
   * flight cannot reopen it — and its record closes saying how it ended.
   */
  async close(status: ClosedRunStatus, reason?: string): Promise<void> {
    const closedAt = new Date().toISOString();
    const open = this.state.tasks.filter((t) => t.status === 'open');
    for (const t of open) Object.assign(t, { status: 'cancelled', completedAt: closedAt, data: { cancelled: closedRunNote(status, reason) } });
    await Promise.all(open.map((t) => this.record(t)));
    this.state.status = status;
    await acts.closeRun({ runId: this.meta.runId, status, closedAt, metrics: {}, ...(reason ? { reason } : {}) });
    this.setSearch({ status });
  }

  // -------------------------------------------------------------------------------------------

  private track(key: string): void {
    if (!this.state.notifications.includes(key)) this.state.notifications.push(key);
    // Transient SMTP failures are retried inside the activity; only a final rejection (5xx)
    // arrives here, and it is recorded on the run instead of failing it.
    this.deliveries.push(delivery.deliverEmail({ key }).catch((err: unknown) => void this.state.problems.push({ key, error: reasonOf(err) })));
  }

  /** Writes a task's current state to the inbox (also after its term moved). */
  record(task: TaskState): Promise<void> {
    task.rev += 1;
    return acts.recordTask({ runId: this.meta.runId, code: this.meta.code, centerId: this.meta.centerId, task });
  }

  /** Sends a task event's reminder or escalation through the outbox; a failure is recorded, not fatal. */
  async notice(task: TaskState, event: TimelineEvent, extra: Pick<TaskNoticeInput, 'templates' | 'data'> = {}): Promise<void> {
    const key = `${task.id}:${event.kind === 'reminder' ? `reminder:${event.at}` : `escalation:${event.level}`}`;
    try {
      await acts.queueTaskNotice({ key, runId: this.meta.runId, code: this.meta.code, centerId: this.meta.centerId, task, event, ...extra });
      this.track(key);
    } catch (err) {
      // A missing mailbox must not stop the run: the notice is recorded as a problem, and the
      // event stays in the task's history for whoever reads the run.
      this.state.problems.push({ key, error: reasonOf(err) });
    }
  }

  setSearch(change: { status?: RunStatus; dueAt?: string }): void {
    if (!this.meta.searchAttributes) return;
    upsertSearchAttributes([
      ...(change.status ? [{ key: RunStatusAttr, value: change.status }] : []),
      ...(change.dueAt ? [{ key: DueAtAttr, value: new Date(change.dueAt) }] : []),
    ] as never);
  }

  /** Update validator: nothing invalid reaches history (DESIGN §7). */
  private validate(input: CompleteTaskInput): TaskData<TaskType> {
    const task = this.state.tasks.find((t) => t.id === input?.taskId);
    if (!task) reject(TaskRejection.NotFound, `task ${input?.taskId} does not exist in run ${this.meta.runId}`);
    if (task.status !== 'open') reject(TaskRejection.NotOpen, `task ${task.id} is ${task.status}`);
    const actor = input.actor;
    if (!actor || (actor.role !== task.role && !task.alsoRoles?.includes(actor.role))) {
      reject(TaskRejection.RoleNotAllowed, `task ${task.id} is for role ${[task.role, ...(task.alsoRoles ?? [])].join(' or ')}`);
    }
    if (task.entityId && actor.role === 'participant_entity' && actor.entity !== task.entityId) {
      reject(TaskRejection.RoleNotAllowed, `task ${task.id} is for the contact of entity ${task.entityId}`);
    }
    if (task.functions && actor.role === 'sscs' && !task.functions.some((f) => actor.functions?.includes(f))) {
      reject(TaskRejection.RoleNotAllowed, `task ${task.id} is for an SSCS member holding ${task.functions.join(' or ')}`);
    }
    if (actor.centers !== '*' && !actor.centers.includes(this.meta.centerId)) {
      reject(TaskRejection.CenterNotAllowed, `actor has no access to center ${this.meta.centerId}`);
    }
    const parsed = taskDataSchemas[task.type].safeParse(input.data);
    if (!parsed.success) {
      reject(TaskRejection.InvalidData, 'invalid task data', parsed.error.issues.map((i) => ({ path: ['data', ...i.path].join('.'), message: i.message })));
    }
    const problem = this.checks.get(task.id)?.(parsed.data, actor);
    if (problem) {
      // A check that starts by naming a field of the payload ("items.botiquin does not apply…",
      // "closedAt: …") is answered as that field's error, like the schema's own issues.
      const field = /^([A-Za-z_]\w*(?:\.\w+)*)[: ]/.exec(problem)?.[1];
      const shape = (taskDataSchemas[task.type] as { shape?: Record<string, unknown> }).shape;
      const named = field !== undefined && shape !== undefined && field.split('.')[0] in shape;
      reject(TaskRejection.InvalidData, problem, named ? [{ path: `data.${field}`, message: problem }] : undefined);
    }
    return parsed.data;
  }

  /**
   * The update handler. It never throws and never parses: validators do not run on replay, and
   * the data it stores is the data in history (the API sends it parsed, the validator checked it),
   * so a schema changed later cannot turn an accepted completion of the past into another path.
   */
  private complete(input: CompleteTaskInput) {
    const task = this.state.tasks.find((t) => t.id === input.taskId);
    if (!task || task.status !== 'open') return { taskId: input.taskId, status: 'completed' as const, completedAt: task?.completedAt ?? new Date().toISOString() };
    task.status = 'completed';
    task.completedAt = new Date().toISOString();
    task.completedBy = { sub: input.actor.sub, role: input.actor.role, ...(input.actor.functions?.length ? { functions: input.actor.functions } : {}) };
    task.data = input.data;
    return { taskId: task.id, status: 'completed' as const, completedAt: task.completedAt };
  }
}
