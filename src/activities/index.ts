import { ApplicationFailure } from '@temporalio/common';
import { Context } from '@temporalio/activity';
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { Models, CenterRecord, OpeningStatus } from '../db/models';
import { allocateRunNumber, claimNumber, findCenter, isDuplicateKey, recordRunStart, scopeYear, tolerantUpsert, UNFINISHED_OPENING, type RunStartRecord } from '../db/models';
import { centerHours, hoursOn, type CenterHours, type DayHours } from '../domain/centers';
import { notApplicableItems, type ChecklistApplicability } from '../domain/opening';
import { loadCalendar } from '../calendar/service';
import { endOfLimaDay, limaDate, limaInstant, weekdayOf } from '../calendar/businessCalendar';
import type { Templates } from '../templates';
import type { Mailer } from './mailer';
import type { EscalationLevel, TaskState } from '../shared/messages';
import { ROLE_TITLES, type Role } from '../shared/roles';
import { findProcedure } from '../catalog';
import { createDecreeActivities } from './decrees';
export type { AnnounceDecreeInput } from './decrees';
import { createRecordActivities } from './records';
import { createSupervisionActivities } from './supervision';
import { createCenterActivities } from './centers';
import { createIndicatorReportActivities } from './indicatorReport';
export type { IndicatorReportPeriod } from './indicatorReport';
export type { CenterFacts } from './centers';
import type { EngineSettings } from '../shared/settings';
export type { PlannedVisit, SupervisionContext } from './supervision';
import { documentFileName, documentPdf } from '../documents/store';

/**
 * Every side effect of the engine (DESIGN §2, §7). Each activity is idempotent: Temporal retries
 * them, and a retry returns what the first attempt did (same document number, no second email).
 * Errors that no retry can fix are ApplicationFailures of the types in NON_RETRYABLE.
 */
export { NON_RETRYABLE_ACTIVITY_ERRORS as NON_RETRYABLE } from '../shared/errors';

export interface ActivityDeps {
  models: Models;
  mailer: Mailer;
  templates: Templates;
  clock: () => Date;
  mail: { from: string; sscsEmail: string };
  /** Temporal, for activities that act on other runs (signals, reconciliation); built by the caller. */
  client: Client;
  /**
   * Where the daily opening schedules live (2.2.2), for a center that starts operating (P2.2.1).
   * Unset where the worker manages no schedules (the time-skipping test server has none).
   */
  openingSchedules?: { taskQueue: string; searchAttributes: boolean; settings: EngineSettings };
}

// ---------------------------------------------------------------------------------------------
// Inputs and outputs

export interface PlanTaskInput {
  /** When the task opens (workflow time). */
  openedAt: string;
  dueBusinessDays: number;
  /** A due date fixed by the run (a Lima date) instead of `dueBusinessDays` from the opening. */
  dueDate?: string;
  /** Reminders, in business days before the due date (e.g. [3, 1]). */
  remindBefore: number[];
  /** Escalation ladder: the first level at the term, each next one `escalateEvery` business days later. */
  escalation: { levels: EscalationLevel[]; every: number };
}

export interface PlanHourTaskInput {
  openedAt: string;
  /** The instant the task is due (a few hours away: the verification before opening, a restoration). */
  dueAt: string;
  /** Reminders, minutes before `dueAt` (only those still ahead). */
  remindBeforeMinutes: number[];
  /** Escalation ladder: the first level at `dueAt`, each next one `everyHours` later. */
  escalation: { levels: EscalationLevel[]; everyHours: number };
}

/** A center's opening day (2.2.2): its hours on that Lima date, holidays keeping Sunday hours. */
export interface OpeningDay {
  date: string;
  /** A national holiday or a decreed non-working day. */
  holiday: boolean;
  hours: DayHours | null;
  scheduledOpenAt?: string;
  scheduledCloseAt?: string;
  /** Items of the verification that do not apply to the center (2.2.2 "según aplique"). */
  notApplicable?: string[];
}

export interface OpeningUpdate {
  status?: OpeningStatus;
  verifiedAt?: string;
  openedAt?: string;
  onTime?: boolean;
  hoursClosed?: number;
  critical?: string[];
  findings?: string[];
  maintenanceRuns?: string[];
  closures?: OpeningClosure[];
}

/** A closure of the center after it opened (2.1.2): Internet, power or security lost, or unsafe conditions. */
export interface OpeningClosure {
  cause: string;
  closedAt: string;
  reopenedAt?: string;
  hours?: number;
}

export interface TimelineEvent {
  kind: 'reminder' | 'escalation';
  level?: EscalationLevel;
  /** For reminders: business days before the term (what identifies it when a term moves). */
  before?: number;
  at: string;
}

export interface TaskPlan {
  /** The Lima date the term counts from (the day after it is day 1). */
  openedOn: string;
  dueDate: string;
  dueAt: string;
  timeline: TimelineEvent[];
}

export type Recipient =
  | { kind: 'role'; role: Role }
  | { kind: 'entity'; entityId: string }
  | { kind: 'admin_entity' }
  | { kind: 'sscs' }
  | { kind: 'address'; email: string; name?: string };

export interface QueueEmailInput {
  key: string;
  runId: string;
  centerId: string;
  to: Recipient[];
  /** Copied (Cc); an address already in `to` is not copied again. */
  cc?: Recipient[];
  template: string;
  data: Record<string, unknown>;
  attachments?: string[];
}

export interface RenderDocumentInput {
  key: string;
  runId: string;
  centerId: string;
  type: keyof typeof DOCUMENT_TYPES;
  data: Record<string, unknown>;
}

export interface DocumentRef {
  id: string;
  reference: string;
  number: number;
  type: string;
}

/** The run's read model at start (`startedAt` as ISO text, as activities take it). */
export type RecordRunInput = Omit<RunStartRecord, 'startedAt'> & { startedAt: string };

export type { CloseRunInput, ReconcileRunsInput, ReconcileRunsResult } from './records';

export interface TaskNoticeInput {
  /** Outbox key, `runId:taskId:reminder:<at>` or `runId:taskId:escalation:<level>`. */
  key: string;
  /** Templates other than the generic task ones (claims speak of the legal term), and their data. */
  templates?: { reminder: string; escalation: string };
  data?: Record<string, unknown>;
  runId: string;
  code: string;
  centerId: string;
  task: TaskState;
  event: TimelineEvent;
}

export interface ClaimRecordInput {
  number: string;
  centerId: string;
  entity: { id: string; name: string } | null;
  citizen: { name: string; documentType: string; documentNumber: string; email: string; phone?: string };
  description: string;
  request: string;
  registeredAt: string;
  dueDate: string;
  dueAt: string;
}

/** A claim's registration in one activity (see `registerClaim`). */
export interface RegisterClaimInput {
  run: RecordRunInput;
  entityId?: string;
  term: PlanTaskInput;
  claim: Omit<ClaimRecordInput, 'entity' | 'dueDate' | 'dueAt'>;
}

export interface ClaimRecordUpdate {
  dueDate?: string;
  dueAt?: string;
  termChanges?: { date: string; reason: string; previousDueDate: string; dueDate: string }[];
  escalations?: { level: EscalationLevel; at: string }[];
  status?: 'open' | 'answered';
  decision?: 'accepted' | 'rejected';
  answer?: string;
  answeredAt?: string;
  inTerm?: boolean;
}

/** Document types with the label of their number (e.g. "OFICIO N° 001-2026-CMAC-LIMA-NORTE"). */
export const DOCUMENT_TYPES = {
  constancia_felicitacion: { label: 'CONSTANCIA', title: 'Constancia de registro de felicitación' },
  oficio_felicitacion: { label: 'OFICIO', title: 'Oficio de difusión de felicitación' },
  constancia_reclamo: { label: 'CONSTANCIA DE RECLAMO', title: 'Constancia de registro de reclamo' },
  respuesta_reclamo: { label: 'CARTA', title: 'Respuesta al reclamo' },
  /** 2.2.2: the result of the daily verification, sent when the center cannot open. */
  formato_3: { label: 'FORMATO 3', title: 'Formato 3: Verificación diaria de operaciones (PM1.3.1)' },
  /** 2.2.4 and PM1.3.3: a grave conflict or an incident in a participating entity's service. */
  formato_17: { label: 'FORMATO 17', title: 'Formato 17: Atención de Incidencias (PM1.3.3)' },
  // PM1.3.1 (2.3): documents of the supervision, issued and numbered by SSCS-SGP, not by the center.
  /** Cuadro 04. */
  ficha_supervision: { label: 'FICHA DE SUPERVISIÓN', title: 'Ficha de supervisión operativa del Centro MAC (Cuadro 04)', issuer: 'sscs' },
  /** Cuadro 03, 10: the acta of the closing meeting. */
  acta_supervision: { label: 'ACTA DE SUPERVISIÓN', title: 'Acta de cierre de supervisión (Cuadro 03, 10)', issuer: 'sscs' },
  /** Cuadro 05, 2. */
  informe_tecnico_expeditivo: { label: 'INFORME TÉCNICO', title: 'Informe Técnico expeditivo de supervisión (Cuadro 05, 2)', issuer: 'sscs' },
  /** Cuadro 05, 3. */
  informe_supervision: { label: 'INFORME', title: 'Informe de Supervisión (Cuadro 05, 3)', issuer: 'sscs' },
  /** Cuadro 05, 4 a–b: to the Entidad Administradora and to each participating entity with observations. */
  oficio_supervision: { label: 'OFICIO', title: 'Oficio de derivación del Informe de Supervisión (Cuadro 05, 4)', issuer: 'sscs' },
  /** Cuadro 05, 4 c: to PCM's own centers. */
  memorandum_supervision: { label: 'MEMORÁNDUM', title: 'Memorándum de derivación del Informe de Supervisión (Cuadro 05, 4)', issuer: 'sscs' },
  /** Cuadro 06. */
  reporte_entidad_supervision: { label: 'REPORTE', title: 'Reporte de supervisión para Entidad Participante (Cuadro 06)', issuer: 'sscs' },
  /** PE1.3.1 Gestión de indicadores: the center's monthly indicator report (issue 11). */
  reporte_indicadores: { label: 'REPORTE DE INDICADORES', title: 'Reporte mensual de indicadores del Centro MAC (PE1.3.1)' },
} as const satisfies Record<string, { label: string; title: string; issuer?: 'sscs' }>;

/** Who numbers a document: the center (CMAC-<CENTER>) or, for SSCS's own, PCM/SGP/SSCS. */
const issuerOf = (type: keyof typeof DOCUMENT_TYPES): 'center' | 'sscs' => ('issuer' in DOCUMENT_TYPES[type] ? 'sscs' : 'center');

/** Attempts of an email's delivery that wait for its documents' PDFs (5 s … 80 s apart: about 2.5 minutes). */
const PDF_ATTEMPTS = 5;

/** Time kept back from an attempt's deadline for the write's last try and the answer to Temporal. */
const PERSIST_MARGIN_MS = 8_000;

/** When the running attempt times out (epoch ms); 23 s from now outside an activity (a direct call in a test). */
function attemptDeadline(): number {
  try {
    const { currentAttemptScheduledTimestampMs: at, startToCloseTimeoutMs: timeout } = Context.current().info;
    return at + timeout;
  } catch {
    return Date.now() + 23_000;
  }
}

/** The attempt number of the running activity (1 outside one, e.g. a direct call in a test). */
function deliveryAttempt(): number {
  try {
    return Context.current().info.attempt;
  } catch {
    return 1;
  }
}

/** An email's attachments: each document as HTML, then as PDF. */
function attachmentsOf(docs: { _id: string; reference?: string | null; html?: string | null }[], pdfs: (Buffer | null)[]) {
  return docs.flatMap((d, i) => [
    { filename: documentFileName(d, 'html'), content: d.html ?? '', contentType: 'text/html; charset=utf-8' },
    ...(pdfs[i] ? [{ filename: documentFileName(d, 'pdf'), content: pdfs[i], contentType: 'application/pdf' }] : []),
  ]);
}

const LEVEL_TITLES: Record<EscalationLevel, string> = {
  coordinator: 'Coordinador(a) del Centro MAC',
  admin_entity: 'Entidad Administradora',
  sscs: 'Subsecretaría de Calidad de Servicios (SSCS-SGP)',
};

// ---------------------------------------------------------------------------------------------

export function createActivities(deps: ActivityDeps) {
  const { models, mailer, templates, clock } = deps;

  async function center(centerId: string): Promise<CenterRecord> {
    const c = await findCenter(models, centerId);
    if (!c) throw ApplicationFailure.nonRetryable(`center ${centerId} does not exist`, 'CenterNotFound');
    return c;
  }

  /**
   * A write that must not be lost to a store outage: tried again (1 s, 2 s, then every 4 s) for as
   * long as the running attempt may live, less a margin (about 15 s outside an activity): for an
   * email's delivery, some 50 s, where 5 tries used to end after 15 s.
   */
  async function persist<T>(write: () => Promise<T>): Promise<T> {
    const deadline = attemptDeadline() - PERSIST_MARGIN_MS;
    for (let attempt = 1; ; attempt++) {
      try {
        return await write();
      } catch (err) {
        const wait = Math.min(500 * 2 ** attempt, 4_000);
        if (Date.now() + wait > deadline) throw err;
        await new Promise((r) => setTimeout(r, wait));
      }
    }
  }

  /** Documents by id, in the order asked: one `_id` lookup each (the embedded store serves `$in` by scanning). */
  async function documentsById(ids: string[], projection?: Record<string, 1>) {
    const docs = await Promise.all(ids.map((id) => models.Document.findById(id, projection).lean()));
    return docs.filter((d): d is NonNullable<typeof d> => d !== null);
  }

  function centerView(c: CenterRecord) {
    return { id: c._id, name: c.name, city: c.city, adminEntity: c.adminEntity };
  }

  function resolve(c: CenterRecord, r: Recipient): string {
    switch (r.kind) {
      case 'address':
        return r.email;
      case 'sscs':
        return deps.mail.sscsEmail;
      case 'admin_entity':
        return c.adminEntity.email;
      case 'entity': {
        const e = c.participatingEntities.find((p) => p.id === r.entityId);
        if (!e) throw ApplicationFailure.nonRetryable(`entity ${r.entityId} is not in center ${c._id}`, 'RecipientNotFound');
        return e.email;
      }
      case 'role': {
        if (r.role === 'sscs') return deps.mail.sscsEmail;
        if (r.role === 'admin_entity') return c.adminEntity.email;
        const email = c.contacts?.[r.role];
        if (!email) throw ApplicationFailure.nonRetryable(`center ${c._id} has no mailbox for ${r.role}`, 'RecipientNotFound');
        return email;
      }
    }
  }

  const activities = {
    ...createDecreeActivities(deps),
    ...createRecordActivities(deps),
    ...createCenterActivities(deps),
    ...createSupervisionActivities(deps),
    ...createIndicatorReportActivities(deps),

    /** Due date, reminders and escalation instants of a human task, on the business calendar. */
    async planTask(input: PlanTaskInput): Promise<TaskPlan> {
      const calendar = await loadCalendar(models);
      const opened = limaDate(new Date(input.openedAt));
      const dueDate = input.dueDate ?? calendar.addBusinessDays(opened, input.dueBusinessDays);
      const openedMs = Date.parse(input.openedAt);
      const timeline: TimelineEvent[] = [];
      for (const before of [...input.remindBefore].sort((a, b) => b - a)) {
        const day = calendar.businessDaysBefore(dueDate, before);
        // A reminder at the start of that working day.
        const at = limaInstant(day, '08:00');
        if (day > opened && at.getTime() > openedMs) timeline.push({ kind: 'reminder', before, at: at.toISOString() });
      }
      let levelDate = dueDate;
      input.escalation.levels.forEach((level, i) => {
        if (i > 0) levelDate = calendar.addBusinessDays(levelDate, input.escalation.every);
        timeline.push({ kind: 'escalation', level, at: endOfLimaDay(levelDate).toISOString() });
      });
      return { openedOn: opened, dueDate, dueAt: endOfLimaDay(dueDate).toISOString(), timeline };
    },

    /** Due instant, reminders and escalation instants of a task measured in hours, not days. */
    async planHourTask(input: PlanHourTaskInput): Promise<TaskPlan> {
      const openedMs = Date.parse(input.openedAt);
      const dueMs = Date.parse(input.dueAt);
      const timeline: TimelineEvent[] = [];
      for (const minutes of [...input.remindBeforeMinutes].sort((a, b) => b - a)) {
        const at = dueMs - minutes * 60_000;
        if (at > openedMs) timeline.push({ kind: 'reminder', before: minutes, at: new Date(at).toISOString() });
      }
      input.escalation.levels.forEach((level, i) => {
        timeline.push({ kind: 'escalation', level, at: new Date(Math.max(dueMs, openedMs) + i * input.escalation.everyHours * 3600_000).toISOString() });
      });
      return { openedOn: limaDate(new Date(openedMs)), dueDate: limaDate(new Date(dueMs)), dueAt: new Date(dueMs).toISOString(), timeline };
    },

    /** The business number of a run started by another run (same numbering as the API's). */
    async allocateRunNumber(input: { code: string; centerId: string; owner: string }): Promise<string> {
      return allocateRunNumber(models, { code: input.code, prefix: findProcedure(input.code)?.numberPrefix, centerId: input.centerId, owner: input.owner, now: clock() });
    },

    /** The center's hours on the Lima day of `at` (2.2.2; DESIGN §5 opening hours). */
    async openingDay(input: { centerId: string; at: string }): Promise<OpeningDay> {
      const c = await center(input.centerId);
      const calendar = await loadCalendar(models);
      const date = limaDate(new Date(input.at));
      const kind = calendar.kindOf(date).kind;
      const holiday = kind === 'holiday' || kind === 'decreed';
      const hours = hoursOn(centerHours(c.hours as Partial<CenterHours> | undefined), weekdayOf(date), holiday);
      if (!hours) return { date, holiday, hours: null };
      const notApplicable = notApplicableItems(c.checklist as ChecklistApplicability | undefined);
      return { date, holiday, hours, scheduledOpenAt: limaInstant(date, hours.open).toISOString(), scheduledCloseAt: limaInstant(date, hours.close).toISOString(), notApplicable };
    },

    /** A running run of these procedures at the center about `ref` (e.g. a maintenance of an item). */
    async findOpenRun(input: { codes: string[]; centerId: string; ref: string | string[] }): Promise<string | null> {
      const ref = Array.isArray(input.ref) ? { $in: input.ref } : input.ref;
      const run = await models.Run.findOne({ code: { $in: input.codes }, centerId: input.centerId, ref, status: 'running' }, { _id: 1 }).sort({ startedAt: 1 }).lean();
      return run?._id ?? null;
    },

    /** Claims the center's opening of a day for a run; returns the run that holds it (maybe another). */
    async claimOpening(input: { centerId: string; date: string; runId: string; scheduledOpenAt: string; scheduledCloseAt: string }): Promise<{ runId: string }> {
      const id = `${input.centerId}:${input.date}`;
      await tolerantUpsert(() =>
        models.Opening.updateOne(
          { _id: id },
          { $setOnInsert: { centerId: input.centerId, date: input.date, runId: input.runId, status: 'verifying', scheduledOpenAt: new Date(input.scheduledOpenAt), scheduledCloseAt: new Date(input.scheduledCloseAt) } },
          { upsert: true },
        ),
      );
      const held = await models.Opening.findById(id, { runId: 1, status: 1 }).lean();
      if (held!.runId === input.runId || !UNFINISHED_OPENING.includes(held!.status as OpeningStatus)) return { runId: held!.runId };
      // The day is held by another run. If that run ended without finishing the day (cancelled or
      // terminated while verifying or waiting for a restoration), this run takes the day over: else
      // nobody could verify the center that day again.
      const holder = await deps.client.workflow
        .getHandle(held!.runId)
        .describe()
        .then((d) => d.status.name)
        .catch((err: unknown) => (err instanceof WorkflowNotFoundError ? 'NOT_FOUND' : Promise.reject(err)));
      if (holder === 'RUNNING') return { runId: held!.runId };
      const taken = await models.Opening.updateOne(
        { _id: id, runId: held!.runId, status: { $in: UNFINISHED_OPENING } },
        { $set: { runId: input.runId, status: 'verifying', takenOverFrom: held!.runId }, $unset: { verifiedAt: 1, critical: 1, findings: 1 } },
      );
      if (taken.modifiedCount === 1) return { runId: input.runId };
      return { runId: (await models.Opening.findById(id, { runId: 1 }).lean())!.runId };
    },

    async updateOpening(input: { centerId: string; date: string; set: OpeningUpdate }): Promise<void> {
      const set: Record<string, unknown> = { ...input.set };
      if (input.set.verifiedAt) set.verifiedAt = new Date(input.set.verifiedAt);
      if (input.set.openedAt) set.openedAt = new Date(input.set.openedAt);
      await models.Opening.updateOne({ _id: `${input.centerId}:${input.date}` }, { $set: set });
    },

    /** The run's read model: created once when the run starts. */
    async recordRun(input: RecordRunInput): Promise<void> {
      await recordRunStart(models, { ...input, startedAt: new Date(input.startedAt) }, true);
    },

    /** The inbox entry of a task; called when it opens, is completed or is escalated. */
    async recordTask(input: { runId: string; code: string; centerId: string; task: TaskState }): Promise<void> {
      const t = input.task;
      // A late retry of an older write (same task, lower revision) must not undo a newer one: the
      // filter misses, the upsert's insert hits the existing id, and the stale write is dropped.
      try {
        await models.Task.updateOne(
        { _id: t.id, $or: [{ rev: { $lt: t.rev } }, { rev: { $exists: false } }] },
        {
          $set: {
            rev: t.rev,
            runId: input.runId,
            code: input.code,
            centerId: input.centerId,
            type: t.type,
            title: t.title,
            role: t.role,
            ...(t.alsoRoles?.length ? { alsoRoles: t.alsoRoles } : {}),
            ...(t.entityId ? { entityId: t.entityId } : {}),
            ...(t.functions?.length ? { functions: t.functions } : {}),
            ...(t.prefill ? { prefill: t.prefill } : {}),
            status: t.status,
            createdAt: new Date(t.createdAt),
            dueAt: new Date(t.dueAt),
            ...(t.events.length ? { events: t.events } : {}),
            ...(t.completedAt ? { completedAt: new Date(t.completedAt), completedBy: t.completedBy, data: t.data } : {}),
          },
        },
        { upsert: true },
        );
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
      }
    },

    /**
     * Renders a numbered document. The number is claimed per type, center and year under the
     * document's key, so a retry, or two overlapping attempts, get the same number and no other
     * document shares it (DESIGN §7); the document is then written once, whole, so a retry that
     * finds it returns at once.
     */
    async renderDocument(input: RenderDocumentInput): Promise<DocumentRef> {
      const type = DOCUMENT_TYPES[input.type];
      if (!type) throw ApplicationFailure.nonRetryable(`unknown document type ${input.type}`, 'UnknownDocumentType');
      const done = await models.Document.findById(input.key, { number: 1, reference: 1 }).lean();
      if (done?.reference) return { id: input.key, reference: done.reference, number: done.number!, type: input.type };
      const c = await center(input.centerId);
      const now = clock();
      const sscs = issuerOf(input.type) === 'sscs';
      const claimed = await claimNumber(models, `doc:${type.label}:${sscs ? 'sscs' : input.centerId}:${limaDate(now).slice(0, 4)}`, `document:${input.key}`, now);
      const year = Number(scopeYear(claimed.scope));
      const reference = `${type.label} N° ${String(claimed.n).padStart(3, '0')}-${year}-${sscs ? 'PCM/SGP/SSCS' : `CMAC-${input.centerId.toUpperCase()}`}`;
      const html = templates.document(input.type, { ...input.data, runId: input.runId, reference, date: limaDate(now), center: centerView(c), issuer: sscs ? 'sscs' : 'center' });
      await tolerantUpsert(() =>
        models.Document.updateOne(
          { _id: input.key },
          { $setOnInsert: { runId: input.runId, centerId: input.centerId, type: input.type, year, number: claimed.n, reference, title: type.title, html, createdAt: now } },
          { upsert: true },
        ),
      );
      return { id: input.key, reference, number: claimed.n, type: input.type };
    },

    /**
     * Records an email in the outbox under its idempotency key, rendered once (the first write
     * wins: a retry changes nothing). Delivery is a separate activity, so an SMTP outage leaves it
     * pending (visible) and retried, never lost.
     */
    async queueEmail(input: QueueEmailInput): Promise<{ key: string }> {
      const c = await center(input.centerId);
      const to = [...new Set(input.to.map((r) => resolve(c, r)))];
      const cc = [...new Set((input.cc ?? []).map((r) => resolve(c, r)))].filter((a) => !to.includes(a));
      const docs = await documentsById(input.attachments ?? [], { reference: 1 });
      const rendered = templates.email(input.template, {
        ...input.data,
        runId: input.runId,
        center: centerView(c),
        attachments: docs.map((d) => d.reference),
      });
      await tolerantUpsert(() => models.Outbox.updateOne(
        { _id: input.key },
        {
          $setOnInsert: {
            runId: input.runId,
            centerId: input.centerId,
            to,
            ...(cc.length ? { cc } : {}),
            subject: rendered.subject,
            html: rendered.html,
            text: rendered.text,
            ...(input.attachments?.length ? { attachments: input.attachments } : {}),
            status: 'pending',
            attempts: 0,
            createdAt: clock(),
          },
        },
        { upsert: true },
      ));
      return { key: input.key };
    },

    /** Sends a queued email unless it was already sent; a retry after success sends nothing. */
    async deliverEmail(input: { key: string }): Promise<{ messageId: string; sentAt: string }> {
      const mail = await models.Outbox.findById(input.key).lean();
      if (!mail) throw ApplicationFailure.nonRetryable(`no queued email ${input.key}`, 'RecipientNotFound');
      if (mail.status === 'sent') return { messageId: mail.messageId!, sentAt: mail.sentAt!.toISOString() };
      if (mail.status === 'failed') throw ApplicationFailure.nonRetryable(`email ${mail._id} was rejected: ${mail.lastError}`, 'MailRejected');
      // FerretDB v1 drops empty arrays from an upsert's $setOnInsert: read a missing list as empty.
      const docs = await documentsById(mail.attachments ?? [], { reference: 1, html: 1 });
      // A Message-ID derived from the key lets receiving systems drop the duplicate that a crash
      // between the SMTP acceptance and the outbox update below could still produce.
      const messageId = `<${Buffer.from(mail._id).toString('base64url')}@mac-engine>`;
      let pdfError: string | undefined;
      try {
        // Each document goes as its printable HTML and as PDF. A PDF that cannot be printed (the
        // browser failed to start) holds the email back, retried like an SMTP outage and visible in
        // the outbox's lastError — but not for ever: from the PDF_ATTEMPTS-th attempt the email
        // goes with the HTML alone and the outbox says which PDF is missing (`pdfError`).
        const pdfs = await Promise.all(
          docs.map((d) =>
            documentPdf(models, d._id).catch((err: unknown) => {
              if (deliveryAttempt() < PDF_ATTEMPTS) throw err;
              pdfError = `${d.reference ?? d._id}: ${(err as Error).message ?? err}`;
              return null;
            }),
          ),
        );
        await mailer.send({
          from: deps.mail.from,
          to: mail.to,
          ...(mail.cc?.length ? { cc: mail.cc } : {}),
          subject: mail.subject,
          html: mail.html,
          text: mail.text,
          messageId,
          attachments: attachmentsOf(docs, pdfs),
        });
      } catch (err) {
        const message = String((err as Error).message ?? err);
        // A 5xx answer is final (unknown mailbox, rejected domain): retrying cannot deliver it.
        const permanent = Number((err as { responseCode?: number }).responseCode) >= 500;
        await models.Outbox.updateOne({ _id: mail._id }, { $set: { lastError: message, ...(permanent ? { status: 'failed' } : {}) }, $inc: { attempts: 1 } });
        if (permanent) throw ApplicationFailure.nonRetryable(`email ${mail._id} was rejected: ${message}`, 'MailRejected');
        throw err;
      }
      const sentAt = clock();
      // SMTP has the mail now: if this write were lost, Temporal's retry would send it again (the
      // bench saw it when the store failed writers). It is retried here for as long as this attempt
      // may run, so a store restart right after the relay took the mail does not send it twice.
      await persist(() => models.Outbox.updateOne({ _id: mail._id }, { $set: { status: 'sent', sentAt, messageId, ...(pdfError ? { pdfError } : {}) }, $unset: { lastError: 1 }, $inc: { attempts: 1 } }));
      return { messageId, sentAt: sentAt.toISOString() };
    },

    /** Queues the reminder or escalation email of a task event (delivery is separate). */
    async queueTaskNotice(input: TaskNoticeInput): Promise<{ key: string }> {
      const { task, event } = input;
      const procedure = findProcedure(input.code);
      const to: Recipient[] =
        event.kind === 'reminder'
          ? [task.role === 'participant_entity' && task.entityId ? { kind: 'entity', entityId: task.entityId } : { kind: 'role', role: task.role }]
          : [event.level === 'coordinator' ? { kind: 'role', role: 'coordinator' } : event.level === 'admin_entity' ? { kind: 'admin_entity' } : { kind: 'sscs' }];
      return activities.queueEmail({
        key: input.key,
        runId: input.runId,
        centerId: input.centerId,
        to,
        template: event.kind === 'reminder' ? (input.templates?.reminder ?? 'task_reminder') : (input.templates?.escalation ?? 'task_escalation'),
        data: {
          ...input.data,
          task,
          procedure: { code: input.code, name: procedure?.name ?? input.code },
          roleTitle: ROLE_TITLES[task.role],
          levelTitle: event.level ? LEVEL_TITLES[event.level] : undefined,
          recipientTitle: event.level ? LEVEL_TITLES[event.level] : ROLE_TITLES[task.role],
        },
      });
    },

    /** The claim in the Libro de Reclamaciones read model, created once at registration. */
    async openClaimRecord(input: ClaimRecordInput): Promise<void> {
      await tolerantUpsert(() =>
        models.Claim.updateOne(
          { _id: input.number },
          { $setOnInsert: { ...input, registeredAt: new Date(input.registeredAt), dueAt: new Date(input.dueAt), status: 'open' } },
          { upsert: true },
        ),
      );
    },

    /**
     * A claim's registration (PM1.4.2) in one activity instead of four: the run's record, the
     * entity the claim is about, its legal term planned on the business calendar, and its entry in
     * the Libro de Reclamaciones with that term. Every write is an idempotent upsert, so a retry
     * does them again harmlessly. Three activities fewer per claim is a sixth of the Temporal work
     * of a registration (docs/benchmarks.md).
     */
    async registerClaim(input: RegisterClaimInput): Promise<{ entity: { id: string; name: string } | null; plan: TaskPlan }> {
      const [, entity, plan] = await Promise.all([
        activities.recordRun(input.run),
        input.entityId ? activities.lookupEntity({ centerId: input.claim.centerId, entityId: input.entityId }) : null,
        activities.planTask(input.term),
      ]);
      await activities.openClaimRecord({ ...input.claim, entity, dueDate: plan.dueDate, dueAt: plan.dueAt });
      return { entity, plan };
    },

    /** Changes of the claim as the workflow knows them (term moves, escalations, the answer). */
    async updateClaimRecord(input: { number: string; set: ClaimRecordUpdate }): Promise<void> {
      const set: Record<string, unknown> = { ...input.set };
      if (input.set.dueAt) set.dueAt = new Date(input.set.dueAt);
      if (input.set.answeredAt) set.answeredAt = new Date(input.set.answeredAt);
      await models.Claim.updateOne({ _id: input.number }, { $set: set });
    },

    /** Names for documents and emails: a center's participating entity, if any. */
    async lookupEntity(input: { centerId: string; entityId: string }): Promise<{ id: string; name: string } | null> {
      const c = await center(input.centerId);
      const e = c.participatingEntities.find((p) => p.id === input.entityId);
      return e ? { id: e.id, name: e.name } : null;
    },
  };
  return activities;
}

export type Activities = ReturnType<typeof createActivities>;
