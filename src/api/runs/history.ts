import type { temporal } from '@temporalio/proto';
import type { Client } from '@temporalio/client';
import { defaultPayloadConverter, type Payload, type PayloadCodec } from '@temporalio/common';
import type { CompleteTaskInput, RunMeta, TaskState } from '../../shared/messages';

/**
 * The audit timeline of a run (DESIGN §6) read from its Temporal event history: who did what
 * when. People appear as `{ sub, role }` from the run's start and from each task-completion
 * update; what the engine did on its own (terms, documents, emails, escalations) as `engine`.
 */
export interface TimelineEntry {
  eventId: number;
  at: string;
  kind: string;
  actor: { sub: string; role: string } | 'engine';
  summary: string;
  details?: Record<string, unknown>;
}

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

const decode = (payloads?: temporal.api.common.v1.IPayloads | null): unknown[] =>
  (payloads?.payloads ?? []).map((p) => defaultPayloadConverter.fromPayload(p as Payload));

const toIso = (t?: { seconds?: unknown; nanos?: number | null } | null): string =>
  new Date(Number(t?.seconds ?? 0) * 1000 + Math.floor((t?.nanos ?? 0) / 1e6)).toISOString();

/** A run's timeline from its Temporal history, the sealed payloads opened first (src/shared/payloadCodec.ts). */
export async function fetchTimeline(client: Client, runId: string): Promise<TimelineEntry[]> {
  const history = await client.workflow.getHandle(runId).fetchHistory();
  const codecs = client.options.loadedDataConverter.payloadCodecs;
  const events = history.events ?? [];
  if (codecs.length) await openPayloads(events, codecs);
  return buildTimeline(events);
}

/** Opens, in place, the payloads the timeline reads: what started the run, updates, activities, signals. */
async function openPayloads(events: HistoryEvent[], codecs: PayloadCodec[]): Promise<void> {
  const open = async (holder: { payloads?: temporal.api.common.v1.IPayload[] | null } | null | undefined) => {
    if (!holder?.payloads?.length) return;
    let ps = holder.payloads as Payload[];
    for (const codec of [...codecs].reverse()) ps = await codec.decode(ps);
    holder.payloads = ps as temporal.api.common.v1.IPayload[];
  };
  for (const e of events) {
    await open(e.workflowExecutionStartedEventAttributes?.input);
    await open(e.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.input?.args);
    await open(e.activityTaskScheduledEventAttributes?.input);
    await open(e.activityTaskCompletedEventAttributes?.result);
    await open(e.workflowExecutionSignaledEventAttributes?.input);
  }
}

export function buildTimeline(events: HistoryEvent[]): TimelineEntry[] {
  const scheduled = new Map<number, { name: string; input: any }>();
  const out: TimelineEntry[] = [];
  const push = (e: HistoryEvent, entry: Omit<TimelineEntry, 'eventId' | 'at'>) =>
    out.push({ eventId: Number(e.eventId), at: toIso(e.eventTime as never), ...entry });

  for (const e of events) {
    if (e.workflowExecutionStartedEventAttributes) {
      const [arg] = decode(e.workflowExecutionStartedEventAttributes.input) as [{ meta: RunMeta }];
      const meta = arg?.meta;
      push(e, {
        kind: 'run_started',
        actor: meta ? meta.startedBy : 'engine',
        summary: `run ${meta?.runId ?? ''} of ${meta?.code ?? e.workflowExecutionStartedEventAttributes.workflowType?.name} started at center ${meta?.centerId ?? '?'}`,
      });
    } else if (e.workflowExecutionUpdateAcceptedEventAttributes) {
      const req = e.workflowExecutionUpdateAcceptedEventAttributes.acceptedRequest;
      const [input] = decode(req?.input?.args) as [CompleteTaskInput];
      push(e, {
        kind: 'task_completed',
        actor: input?.actor ? { sub: input.actor.sub, role: input.actor.role } : 'engine',
        summary: `task ${input?.taskId} completed`,
        details: { taskId: input?.taskId, data: input?.data },
      });
    } else if (e.activityTaskScheduledEventAttributes) {
      const a = e.activityTaskScheduledEventAttributes;
      scheduled.set(Number(e.eventId), { name: a.activityType?.name ?? '?', input: decode(a.input)[0] });
    } else if (e.activityTaskCompletedEventAttributes) {
      const a = e.activityTaskCompletedEventAttributes;
      const s = scheduled.get(Number(a.scheduledEventId));
      const entry = s && describeActivity(s.name, s.input, decode(a.result)[0]);
      if (entry) push(e, { actor: 'engine', ...entry });
    } else if (e.activityTaskFailedEventAttributes) {
      const a = e.activityTaskFailedEventAttributes;
      const s = scheduled.get(Number(a.scheduledEventId));
      push(e, { kind: 'step_failed', actor: 'engine', summary: `${s?.name ?? 'activity'} failed: ${a.failure?.message ?? ''}` });
    } else if (e.workflowExecutionCompletedEventAttributes) {
      push(e, { kind: 'run_closed', actor: 'engine', summary: 'run completed' });
    } else if (e.workflowExecutionFailedEventAttributes) {
      push(e, { kind: 'run_closed', actor: 'engine', summary: `run failed: ${e.workflowExecutionFailedEventAttributes.failure?.message ?? ''}` });
    } else if (e.workflowExecutionTerminatedEventAttributes) {
      const t = e.workflowExecutionTerminatedEventAttributes;
      push(e, { kind: 'run_closed', actor: { sub: t.identity ?? 'unknown', role: 'operator' }, summary: `run terminated: ${t.reason ?? ''}` });
    } else if (e.workflowExecutionCanceledEventAttributes) {
      push(e, { kind: 'run_closed', actor: 'engine', summary: 'run cancelled' });
    } else if (e.workflowExecutionSignaledEventAttributes) {
      const s = e.workflowExecutionSignaledEventAttributes;
      const input = decode(s.input)[0] as { decreedBy?: { sub: string; role: string } } | undefined;
      // A decreed non-working day names who decreed it (calendarChanged from the decree run).
      push(e, { kind: 'signal', actor: input?.decreedBy ?? 'engine', summary: `signal ${s.signalName}`, details: { input } });
    }
  }
  return out;
}

function describeActivity(name: string, input: any, result: any): Omit<TimelineEntry, 'eventId' | 'at' | 'actor'> | undefined {
  switch (name) {
    case 'planTask':
      return { kind: 'term_computed', summary: `term computed on the business calendar: due ${result?.dueDate}`, details: { dueDate: result?.dueDate, timeline: result?.timeline } };
    case 'recordTask': {
      const t = input?.task as TaskState | undefined;
      if (!t || t.status !== 'open' || t.events.length) return undefined;
      return { kind: 'task_opened', summary: `task "${t.title}" opened for ${t.role}, due ${t.dueDate}`, details: { taskId: t.id, role: t.role, dueDate: t.dueDate } };
    }
    case 'renderDocument':
      return { kind: 'document_generated', summary: `document ${result?.reference} generated`, details: { documentId: result?.id, reference: result?.reference } };
    case 'queueEmail':
      return { kind: 'email_queued', summary: `email ${input?.key} queued (${input?.template})`, details: { key: input?.key } };
    case 'queueTaskNotice': {
      const ev = input?.event;
      return ev?.kind === 'escalation'
        ? { kind: 'escalation', summary: `task ${input?.task?.id} overdue: escalated to ${ev.level}`, details: { taskId: input?.task?.id, level: ev.level } }
        : { kind: 'reminder', summary: `reminder sent for task ${input?.task?.id}`, details: { taskId: input?.task?.id } };
    }
    case 'deliverEmail':
      return { kind: 'email_sent', summary: `email ${input?.key} delivered`, details: { key: input?.key, sentAt: result?.sentAt } };
    case 'closeRun':
      return { kind: 'run_recorded', summary: `run closed as ${input?.status}`, details: { metrics: input?.metrics } };
    default:
      return undefined;
  }
}
