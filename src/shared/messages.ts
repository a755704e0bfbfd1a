import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import type { Actor, Role, SscsFunction } from './roles';
import type { TaskType } from './tasks';

/**
 * Messages shared by workflows and the API (STYLE: module-level consts named by kind).
 * Update validators reject unknown tasks, wrong roles and invalid data before anything is
 * written to history; each rejection is an ApplicationFailure of one of these types.
 */
export const TaskRejection = {
  NotFound: 'TaskNotFound',
  NotOpen: 'TaskNotOpen',
  RoleNotAllowed: 'TaskRoleNotAllowed',
  CenterNotAllowed: 'TaskCenterNotAllowed',
  InvalidData: 'InvalidTaskData',
} as const;

export interface CompleteTaskInput {
  taskId: string;
  /** Who completes it: recorded in the update's arguments, so the history names them. */
  actor: Actor;
  /**
   * The task's data as its schema parsed it (defaults filled, text trimmed): the API parses before
   * it sends, the validator checks, and the handler stores it as received, so replays never depend
   * on the schema of the day.
   */
  data: unknown;
}

export interface CompleteTaskResult {
  taskId: string;
  status: 'completed';
  completedAt: string;
}

export type TaskStatus = 'open' | 'completed' | 'cancelled';

export interface TaskState {
  id: string;
  type: TaskType;
  title: string;
  role: Role;
  /** Other roles that may complete it. */
  alsoRoles?: Role[];
  /** For a participating entity's task: only that entity's contact may complete it. */
  entityId?: string;
  /** For an SSCS task: the supervision functions, one of which the person must hold (2.3.2). */
  functions?: SscsFunction[];
  /**
   * Part of the data the run already knows, for the form to start from (the items of the daily
   * verification that do not apply to the center, 2.2.2); the completion must still carry it.
   */
  prefill?: Record<string, unknown>;
  status: TaskStatus;
  createdAt: string;
  dueAt: string;
  dueDate: string;
  completedAt?: string;
  completedBy?: { sub: string; role: Role; functions?: SscsFunction[] };
  data?: unknown;
  /** Reminders and escalation levels already notified, in order. */
  events: { kind: 'reminder' | 'escalation'; level?: EscalationLevel; at: string }[];
  /** Bumped on every write to the inbox, so a late retry of an older write cannot undo a newer one. */
  rev: number;
}

export type EscalationLevel = 'coordinator' | 'admin_entity' | 'sscs';

/**
 * How a run stands, and once closed, how it ended: `completed` (its procedure ran to the end),
 * `cancelled` (by the engine, e.g. a duplicate opening, or on request), `failed` (an error no retry
 * could fix), `terminated` (by an operator, no workflow code ran) or `timed_out` (Temporal's
 * execution timeout). The last two are written by the reconciliation of src/runs/records.ts.
 */
export const RUN_STATUSES = ['running', 'completed', 'cancelled', 'failed', 'terminated', 'timed_out'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];
export type ClosedRunStatus = Exclude<RunStatus, 'running'>;

const CLOSED_RUN_NOTES: Record<ClosedRunStatus, string> = {
  completed: 'La ejecución del procedimiento concluyó',
  cancelled: 'La ejecución del procedimiento fue cancelada',
  failed: 'La ejecución del procedimiento falló',
  terminated: 'La ejecución del procedimiento fue terminada por un operador',
  timed_out: 'La ejecución del procedimiento excedió su tiempo máximo',
};

/** What a task left open by a run that ended says in the inbox (`data.cancelled`), in Spanish as the inbox is. */
export const closedRunNote = (status: ClosedRunStatus, reason?: string): string => (reason ? `${CLOSED_RUN_NOTES[status]}: ${reason}` : CLOSED_RUN_NOTES[status]);

export interface RunState {
  runId: string;
  code: string;
  centerId: string;
  status: RunStatus;
  tasks: TaskState[];
  documents: string[];
  notifications: string[];
  /** Emails or notices that could not be sent (rejected address, no mailbox): recorded, not fatal. */
  problems: { key: string; error: string }[];
  term?: TermState;
  result?: Record<string, unknown>;
}

export const completeTaskUpdate = defineUpdate<CompleteTaskResult, [CompleteTaskInput]>('completeTask');
export const getStateQuery = defineQuery<RunState>('getState');

/**
 * A non-working day was decreed for the public sector after the run started (DESIGN §5): runs
 * with a legal term re-plan it on the business calendar and record the reason.
 */
export interface CalendarChange {
  date: string;
  reason: string;
  /** When the day was decreed, and by whom (the announcement sends them; the audit timeline shows them). */
  decreedAt?: string;
  decreedBy?: { sub: string; role: string };
}
export const calendarChangedSignal = defineSignal<[CalendarChange]>('calendarChanged');

/** Search attributes that make runs findable (DESIGN §7); registered on the dev server. */
export const CenterIdAttr = defineSearchAttributeKey('CenterId', SearchAttributeType.KEYWORD);
export const ProcedureCodeAttr = defineSearchAttributeKey('ProcedureCode', SearchAttributeType.KEYWORD);
export const RunStatusAttr = defineSearchAttributeKey('RunStatus', SearchAttributeType.KEYWORD);
export const DueAtAttr = defineSearchAttributeKey('DueAt', SearchAttributeType.DATETIME);

export const SEARCH_ATTRIBUTES = [CenterIdAttr, ProcedureCodeAttr, RunStatusAttr, DueAtAttr];

/** What every run's workflow receives besides its own input. */
export interface RunMeta {
  runId: string;
  code: string;
  centerId: string;
  /**
   * Staff (sub, role), the citizen through the public intake (`role: 'citizen'`), a Temporal
   * Schedule (`role: 'schedule'`, sub: the schedule id) or a parent run (`role: 'run'`, sub: its id).
   */
  startedBy: { sub: string; role: Role | 'citizen' | 'schedule' | 'run' };
  /** Whether the server has our search attributes (the time-skipping test server has none). */
  searchAttributes: boolean;
}

/** The legal term of a run (claims): due date, and every move of it with its reason. */
export interface TermState {
  registeredOn: string;
  businessDays: number;
  dueDate: string;
  dueAt: string;
  changes: { date: string; reason: string; previousDueDate: string; dueDate: string }[];
}

/** The Plan de Supervisión Anual changed (a date moved, a visit cancelled): its workflow looks again at what comes next. */
export const planChangedSignal = defineSignal('planChanged');
