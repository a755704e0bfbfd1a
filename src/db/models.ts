import type { Role } from '../shared/roles';
import { limaDate } from '../calendar/businessCalendar';
import { ensureEmbeddedIndexes } from './embeddedIndexes';
import mongoose, { Schema, type Connection, type InferSchemaType, type Model } from 'mongoose';

/**
 * Read models and side-effect records (DESIGN §2). Temporal's history is the source of truth for
 * what a run did; these collections serve the inbox, the run views, the outbox and documents.
 * Only what FerretDB v1 supports is used: unique indexes, atomic single-document updates, simple
 * aggregation stages (DESIGN §3).
 */

const entitySchema = new Schema(
  { id: { type: String, required: true }, name: { type: String, required: true }, email: { type: String, required: true } },
  { _id: false },
);

const centerSchema = new Schema(
  {
    _id: { type: String, required: true },
    name: { type: String, required: true },
    city: { type: String, required: true },
    address: String,
    dailyAttentions: { type: Number, required: true },
    modules: { type: Number, required: true },
    operatingSince: String,
    active: { type: Boolean, default: true },
    /** Is this one of PCM's own centers (documents go by memorándum, not oficio: 2.3, Cuadro 05)? */
    pcmOwned: { type: Boolean, default: false },
    adminEntity: { type: entitySchema, required: true },
    participatingEntities: { type: [entitySchema], default: [] },
    /** Role mailboxes of the Equipo MAC, for tasks, reminders and escalations. */
    contacts: { type: Map, of: String, default: {} },
    /** Where the center is: its pre-operative stage (2.2.1, no daily opening yet) or operating. */
    stage: { type: String, default: 'operating' },
    /** Opening hours override; the presentation's defaults apply where unset. */
    hours: { type: Schema.Types.Mixed },
    /** Which items of the daily verification apply here (2.2.2 "según aplique"); unset: all of them. */
    checklist: { type: Schema.Types.Mixed },
  },
  { timestamps: true, versionKey: false },
);

const runSchema = new Schema(
  {
    _id: { type: String, required: true },
    code: { type: String, required: true, index: true },
    centerId: { type: String, required: true, index: true },
    workflowType: { type: String, required: true },
    status: { type: String, required: true, index: true },
    summary: { type: String, required: true },
    startedBy: { sub: String, role: String },
    startedAt: { type: Date, required: true },
    closedAt: Date,
    /** Why it ended, when it did not complete: the failure, the operator's termination reason. */
    closeReason: String,
    /** What the run is about when other runs look it up (a maintenance's checklist item). */
    ref: { type: String, index: true },
    /** Figures the indicators add up (catalog `numerator` / `denominator` keys), 0 or 1 per run. */
    metrics: { type: Map, of: Number, default: {} },
  },
  { versionKey: false },
);

const taskSchema = new Schema(
  {
    _id: { type: String, required: true },
    runId: { type: String, required: true, index: true },
    code: { type: String, required: true },
    centerId: { type: String, required: true, index: true },
    type: { type: String, required: true },
    title: { type: String, required: true },
    role: { type: String, required: true, index: true },
    /** Other roles that may complete it (their inbox shows it too). */
    alsoRoles: { type: [String], default: undefined },
    /** A participating entity's task: only its contact sees and completes it. */
    entityId: { type: String, index: true },
    /** An SSCS task: the supervision functions that may complete it. */
    functions: { type: [String], default: undefined },
    /** What the task's form starts from (TaskState.prefill). */
    prefill: { type: Schema.Types.Mixed },
    status: { type: String, required: true, index: true },
    createdAt: { type: Date, required: true },
    dueAt: Date,
    completedAt: Date,
    completedBy: { sub: String, role: String, functions: { type: [String], default: undefined } },
    data: Schema.Types.Mixed,
    rev: Number,
    /** Reminders and escalations notified so far: `{ kind, level?, at }`. */
    events: { type: [Schema.Types.Mixed], default: undefined },
  },
  { versionKey: false },
);

const outboxSchema = new Schema(
  {
    /** Idempotency key `runId:step`: one email per key, whatever the retries. */
    _id: { type: String, required: true },
    runId: { type: String, required: true, index: true },
    centerId: String,
    to: { type: [String], required: true },
    /** Copied addresses (Cc), when the email has any. */
    cc: { type: [String], default: undefined },
    subject: { type: String, required: true },
    html: { type: String, required: true },
    text: { type: String, required: true },
    attachments: { type: [String], default: [] },
    status: { type: String, required: true, enum: ['pending', 'sent', 'failed'] },
    attempts: { type: Number, default: 0 },
    lastError: String,
    /** Sent without a document's PDF, which could not be printed: which one and why. */
    pdfError: String,
    messageId: String,
    createdAt: { type: Date, required: true },
    sentAt: Date,
  },
  { versionKey: false },
);

const documentSchema = new Schema(
  {
    /** Idempotency key `runId:document`: the same activity retried gets the same number. */
    _id: { type: String, required: true },
    runId: { type: String, required: true, index: true },
    centerId: { type: String, required: true },
    type: { type: String, required: true },
    year: { type: Number, required: true },
    number: Number,
    /** e.g. "CONSTANCIA N° 012-2026-CMAC-LIMA-NORTE" */
    reference: String,
    title: String,
    html: String,
    /** The same document printed to PDF (src/documents/pdf.ts), stored the first time it is asked for. */
    pdf: Buffer,
    createdAt: { type: Date, required: true },
  },
  { versionKey: false },
);

/** The highest number claimed per sequence: only a hint where to start looking (see claimNumber). */
/**
 * The Libro de Reclamaciones (glossary): one claim per Hoja de reclamación number, which is also
 * its run id. Written only by the claim workflow's activities; the public tracking route reads it.
 */
const claimSchema = new Schema(
  {
    _id: { type: String, required: true },
    centerId: { type: String, required: true, index: true },
    entity: { id: String, name: String },
    citizen: { name: String, documentType: String, documentNumber: String, email: String, phone: String },
    description: String,
    request: String,
    registeredAt: { type: Date, required: true },
    dueDate: { type: String, required: true },
    dueAt: { type: Date, required: true },
    /** open → answered, or closed: the run ended without an answer (closedAs says how). */
    status: { type: String, required: true, index: true },
    termChanges: { type: [Schema.Types.Mixed], default: undefined },
    escalations: { type: [Schema.Types.Mixed], default: undefined },
    decision: String,
    answer: String,
    answeredAt: Date,
    inTerm: Boolean,
    closedAs: String,
    closedAt: Date,
    closeReason: String,
  },
  { versionKey: false },
);

/**
 * The daily opening of a center (2.2.2): one per center and Lima day (`_id` "lima-norte:2026-11-23"),
 * owned by the run that verified it, so a second run for the same day (the schedule and a manual
 * start) cannot open the center twice. Written only by the daily opening workflow's activities.
 */
export const OPENING_STATUSES = ['verifying', 'open', 'not_opened', 'closed', 'closed_day', 'not_verified', 'interrupted'] as const;
export type OpeningStatus = (typeof OPENING_STATUSES)[number];
/** Statuses of a day's opening its run had not finished (2.2.2): another run may take the day over. */
export const UNFINISHED_OPENING: readonly OpeningStatus[] = ['verifying', 'not_opened', 'closed', 'interrupted'];

/**
 * The Plan de Supervisión Anual (2.3.3; Cuadro 02, 1: approved by SSCS): one document per year,
 * changed whole under a revision check (plans change rarely; no positional array updates, which the
 * embedded store handles poorly). Each visit records the run that carries it out and when its
 * field visit was executed (the closing acta signed, Cuadro 03, 10).
 */
const planVisitSchema = new Schema(
  {
    id: { type: String, required: true },
    centerId: { type: String, required: true },
    semester: { type: Number, required: true },
    /** The visit's date (Lima, YYYY-MM-DD). */
    date: { type: String, required: true },
    cancelled: { at: Date, by: String, reason: String },
    runId: String,
    startedAt: Date,
    executedOn: String,
    changes: { type: [{ at: Date, by: String, from: String, to: String, reason: String, _id: false }], default: undefined },
  },
  { _id: false },
);

/**
 * A person of a center's staff (2.1.5): added when an incorporation (PA3.1.1) completes, ceased by
 * a cese (PA3.1.4). Cuadro 01's check counts the active ones by profile. The induction (PA3.1.2)
 * writes its state here: the Registro de Inducciones (Cuadro 03, 6.5) is a view of these.
 */
const staffMemberSchema = new Schema(
  {
    _id: { type: String, required: true },
    centerId: { type: String, required: true, index: true },
    name: { type: String, required: true },
    profile: { type: String, required: true },
    entityId: String,
    status: { type: String, required: true, index: true },
    joinedOn: { type: String, required: true },
    incorporationRunId: String,
    ceasedOn: String,
    cessationRunId: String,
    induction: {
      runId: String,
      status: String,
      result: String,
      rounds: Number,
      startedOn: String,
      closedOn: String,
    },
  },
  { versionKey: false },
);

/** An asset of a center's register (src/domain/assets.ts): who owns it and who services it. */
const assetSchema = new Schema(
  {
    _id: { type: String, required: true },
    centerId: { type: String, required: true, index: true },
    key: { type: String, required: true },
    name: { type: String, required: true },
    location: { type: String, required: true },
    domain: { type: String, required: true },
    item: String,
    preoperativeItem: Number,
    owner: { kind: { type: String, required: true }, entityId: String },
    servicer: { type: String, required: true },
    contract: { contractor: String, reference: String },
  },
  { versionKey: false },
);

const supervisionPlanSchema = new Schema(
  {
    _id: { type: String, required: true },
    year: { type: Number, required: true },
    status: { type: String, required: true },
    visits: { type: [planVisitSchema], default: [] },
    createdBy: String,
    createdAt: { type: Date, required: true },
    approvedBy: String,
    approvedAt: Date,
    rev: { type: Number, required: true },
  },
  { versionKey: false },
);

const openingSchema = new Schema(
  {
    _id: { type: String, required: true },
    centerId: { type: String, required: true, index: true },
    date: { type: String, required: true, index: true },
    runId: { type: String, required: true, index: true },
    /**
     * verifying → open | not_verified | not_opened (waiting for restoration) → open | closed_day;
     * open → closed (closed during the day, 2.1.2) → open again | closed_day;
     * interrupted: its run ended before finishing the day (another run may take the day over).
     */
    status: { type: String, required: true },
    scheduledOpenAt: { type: Date, required: true },
    scheduledCloseAt: { type: Date, required: true },
    verifiedAt: Date,
    openedAt: Date,
    onTime: Boolean,
    hoursClosed: Number,
    critical: { type: [String], default: undefined },
    findings: { type: [String], default: undefined },
    maintenanceRuns: { type: [String], default: undefined },
    /** Closures after opening (2.1.2): cause, when it closed and reopened, hours closed. */
    closures: { type: [Schema.Types.Mixed], default: undefined },
    /** The run that held the day before this one took it over (it ended without finishing the day). */
    takenOverFrom: String,
  },
  { versionKey: false },
);

/**
 * PE1.3.1: a center's monthly indicator report, `<centerId>:<YYYY-MM>`, claimed by the first run
 * that reports that month (a second run, the schedule firing twice or a manual start, ends naming
 * it); `issued` once its document went by email.
 */
const indicatorReportSchema = new Schema(
  {
    _id: { type: String, required: true },
    centerId: { type: String, required: true },
    month: { type: String, required: true },
    runId: { type: String, required: true },
    status: { type: String, required: true },
    claimedAt: { type: Date, required: true },
    document: String,
    issuedAt: Date,
    /** The run that held the month before this one took it over (it ended before issuing it). */
    takenOverFrom: String,
    /** The center's audit chain for the month, day by day (`CenterMonthRecord`, src/audit/centerChain.ts). */
    auditChain: { type: Schema.Types.Mixed },
  },
  { versionKey: false },
);

/** Where a periodic pass left off (`reconcile-runs`: when its last complete pass started). */
const checkpointSchema = new Schema({ _id: { type: String, required: true }, at: { type: Date, required: true } }, { versionKey: false });

const counterSchema = new Schema({ _id: { type: String, required: true }, seq: { type: Number, required: true } }, { versionKey: false });

/** One claimed number of a sequence: `_id` is `scope#n`; `owner` says who holds it (unique). */
const sequenceClaimSchema = new Schema(
  {
    _id: { type: String, required: true },
    scope: { type: String, required: true },
    n: { type: Number, required: true },
    owner: { type: String, required: true, unique: true },
    createdAt: { type: Date, required: true },
  },
  { versionKey: false },
);

/**
 * A non-working day decreed for the public sector (DESIGN §5), and how far its announcement to the
 * open claims got (written by the decree run's activity after every batch; see src/activities/decrees.ts).
 */
const nonWorkingDaySchema = new Schema(
  {
    _id: { type: String, required: true },
    reason: { type: String, required: true },
    createdBy: String,
    createdAt: { type: Date, required: true },
    announcement: {
      type: new Schema(
        {
          status: { type: String, required: true },
          after: String,
          reached: { type: Number, required: true },
          skipped: { type: Number, required: true },
          total: Number,
          updatedAt: Date,
        },
        { _id: false },
      ),
      default: undefined,
    },
  },
  { versionKey: false },
);

const idempotencySchema = new Schema(
  {
    _id: { type: String, required: true },
    requestHash: { type: String, required: true },
    runId: String,
    createdAt: { type: Date, required: true },
  },
  { versionKey: false },
);

export type CenterDoc = InferSchemaType<typeof centerSchema>;

export interface EntityRecord {
  id: string;
  name: string;
  email: string;
}

/** A center as read with `.lean()` (maps become plain objects). */
export interface CenterRecord {
  _id: string;
  name: string;
  city: string;
  address?: string;
  dailyAttentions: number;
  modules: number;
  operatingSince?: string;
  active: boolean;
  pcmOwned: boolean;
  adminEntity: EntityRecord;
  participatingEntities: EntityRecord[];
  contacts: Record<string, string>;
  stage?: 'pre_operative' | 'operating';
  hours?: unknown;
  /** `ChecklistApplicability` of src/domain/opening.ts. */
  checklist?: { topico: boolean; notApplicable: string[] };
}

export interface StaffMemberRecord {
  _id: string;
  centerId: string;
  name: string;
  profile: string;
  entityId?: string;
  status: 'active' | 'ceased';
  joinedOn: string;
  incorporationRunId?: string;
  ceasedOn?: string;
  cessationRunId?: string;
  induction?: { runId?: string; status?: string; result?: string; rounds?: number; startedOn?: string; closedOn?: string };
}
/**
 * A person who signs in to the web pages (src/web): the same claims a bearer token carries, and a
 * bcrypt hash of the password. The embedded default seeds demo users (src/web/users.ts).
 */
const userSchema = new Schema(
  {
    _id: { type: String, required: true },
    name: { type: String, required: true },
    passwordHash: { type: String, required: true },
    role: { type: String, required: true },
    centers: { type: Schema.Types.Mixed, required: true },
    entity: { type: String },
    functions: { type: [String], default: undefined },
    createdAt: { type: Date, required: true },
  },
  { versionKey: false },
);

export type RunDoc = InferSchemaType<typeof runSchema>;
export type TaskDoc = InferSchemaType<typeof taskSchema>;
export type OutboxDoc = InferSchemaType<typeof outboxSchema>;
export type DocumentDoc = InferSchemaType<typeof documentSchema>;


export interface Models {
  connection: Connection;
  Center: Model<CenterDoc>;
  Run: Model<RunDoc>;
  Task: Model<TaskDoc>;
  Outbox: Model<OutboxDoc>;
  Document: Model<DocumentDoc>;
  Claim: Model<InferSchemaType<typeof claimSchema>>;
  Opening: Model<InferSchemaType<typeof openingSchema>>;
  SupervisionPlan: Model<InferSchemaType<typeof supervisionPlanSchema>>;
  StaffMember: Model<InferSchemaType<typeof staffMemberSchema>>;
  Asset: Model<InferSchemaType<typeof assetSchema>>;
  Counter: Model<InferSchemaType<typeof counterSchema>>;
  Checkpoint: Model<InferSchemaType<typeof checkpointSchema>>;
  SequenceClaim: Model<InferSchemaType<typeof sequenceClaimSchema>>;
  NonWorkingDay: Model<InferSchemaType<typeof nonWorkingDaySchema>>;
  Idempotency: Model<InferSchemaType<typeof idempotencySchema>>;
  IndicatorReport: Model<InferSchemaType<typeof indicatorReportSchema>>;
  User: Model<InferSchemaType<typeof userSchema>>;
}

export function createModels(connection: Connection): Models {
  return {
    connection,
    Center: connection.model('Center', centerSchema, 'centers'),
    Run: connection.model('Run', runSchema, 'runs'),
    Task: connection.model('Task', taskSchema, 'tasks'),
    Outbox: connection.model('Outbox', outboxSchema, 'outbox'),
    Document: connection.model('Document', documentSchema, 'documents'),
    Claim: connection.model('Claim', claimSchema, 'claims'),
    Opening: connection.model('Opening', openingSchema, 'openings'),
    SupervisionPlan: connection.model('SupervisionPlan', supervisionPlanSchema, 'supervision_plans'),
    StaffMember: connection.model('StaffMember', staffMemberSchema, 'staff_members'),
    Asset: connection.model('Asset', assetSchema, 'assets'),
    Counter: connection.model('Counter', counterSchema, 'counters'),
    Checkpoint: connection.model('Checkpoint', checkpointSchema, 'checkpoints'),
    SequenceClaim: connection.model('SequenceClaim', sequenceClaimSchema, 'sequence_claims'),
    NonWorkingDay: connection.model('NonWorkingDay', nonWorkingDaySchema, 'non_working_days'),
    Idempotency: connection.model('Idempotency', idempotencySchema, 'idempotency_keys'),
    IndicatorReport: connection.model('IndicatorReport', indicatorReportSchema, 'indicator_reports'),
    User: connection.model('User', userSchema, 'users'),
  };
}

export interface ConnectOptions {
  /**
   * The PostgreSQL under the embedded FerretDB: its GIN indexes are created too (see
   * embeddedIndexes.ts). Unset for MongoDB, whose own indexes serve the queries.
   */
  embeddedPostgresUrl?: string;
}

/** Opens a connection and makes sure indexes exist. The caller owns `connection.close()`. */
export async function connectModels(uri: string, opts: ConnectOptions = {}): Promise<Models> {
  // A store operation that hangs fails well within an activity's 2-minute budget (src/workflows/run.ts).
  const connection = await mongoose.createConnection(uri, { serverSelectionTimeoutMS: 10_000, socketTimeoutMS: 60_000 }).asPromise();
  const models = createModels(connection);
  await Promise.all(Object.values(models).filter((m): m is Model<any> => typeof m === 'function').map((m) => m.init()));
  if (opts.embeddedPostgresUrl) await ensureEmbeddedIndexes(models, opts.embeddedPostgresUrl);
  return models;
}

export const isDuplicateKey = (err: unknown): boolean => (err as { code?: number })?.code === 11000;

/**
 * Runs an upsert again if it lost an insert race: FerretDB v1 upserts query then insert, so two
 * concurrent upserts of one `_id` make one fail with E11000; the retry then updates.
 */
export async function tolerantUpsert<T>(op: () => Promise<T>): Promise<T> {
  try {
    return await op();
  } catch (err) {
    if (!isDuplicateKey(err)) throw err;
    return op();
  }
}

/**
 * The number `owner` holds in sequence `scope` (document numbers, run numbers), gap-free and
 * never shared: numbers are claimed by inserting `scope#n` under a unique key, the one write
 * FerretDB v1 makes atomic (its `$inc` is read-modify-write: concurrent callers get the same
 * value). The same owner asking again (a retried activity) gets the number it already holds, and
 * the scope it was claimed in (a retry after New Year keeps the year of its first attempt).
 * `fresh`: the owner was made for this call (an API request without Idempotency-Key) and cannot
 * hold a number yet, so it is not looked up.
 */
export function claimNumber(models: Models, scope: string, owner: string, now: Date, opts: { fresh?: boolean } = {}): Promise<{ n: number; scope: string }> {
  const key = `${models.connection.name}:${scope}`;
  let seq = sequences.get(key);
  if (!seq) sequences.set(key, (seq = { tail: Promise.resolve(), waiting: 0, saveEvery: SAVE_COUNTER_EVERY, unsaved: 0 }));
  const sequence = seq;
  sequence.waiting++;
  const work = () => claimNumberNow(models, sequence, scope, owner, now, opts.fresh ?? false);
  const mine = sequence.tail.then(work, work);
  sequence.tail = mine.catch(() => undefined);
  return mine.finally(() => void sequence.waiting--);
}

/**
 * What this process knows of a sequence it claims in. Its claims run one after another (the
 * tail): concurrent claimers would all start from the same counter and collide on the same
 * number, each collision costing more round trips (a burst of 64 registrations made thousands).
 * Other processes still race safely on the unique key.
 *
 * `last` is the number this process claimed last. Claims are never deleted, so every number up to
 * it is taken, and the next claim starts after it without reading the counter. The counter (the
 * start for a process without `last`) is written when no claim waits behind this one, and at least
 * every `saveEvery` claims: a crash loses at most that many counter updates, which the next
 * process walks past. Once another process is seen claiming in the sequence (a collision) every
 * claim writes it, so the two do not keep walking past each other.
 */
interface Sequence {
  tail: Promise<unknown>;
  waiting: number;
  last?: number;
  saveEvery: number;
  unsaved: number;
}
const SAVE_COUNTER_EVERY = 32;
const sequences = new Map<string, Sequence>();

async function claimNumberNow(models: Models, seq: Sequence, scope: string, owner: string, now: Date, fresh: boolean): Promise<{ n: number; scope: string }> {
  const held = () => models.SequenceClaim.findOne({ owner }, { n: 1, scope: 1 }).lean();
  const counter = async () => (await models.Counter.findById(scope).lean())?.seq ?? 0;
  if (!fresh) {
    const h = await held();
    if (h) return { n: h.n, scope: h.scope };
  }
  let n = (seq.last ?? (await counter())) + 1;
  for (;;) {
    try {
      await models.SequenceClaim.create({ _id: `${scope}#${n}`, scope, n, owner, createdAt: now });
      break;
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
      if (!fresh) {
        const again = await held();
        if (again) return { n: again.n, scope: again.scope };
      }
      seq.saveEvery = 1;
      n = Math.max(n, await counter()) + 1;
    }
  }
  seq.last = n;
  seq.unsaved++;
  if (seq.waiting <= 1 || seq.unsaved >= seq.saveEvery) {
    const saved = await models.Counter.updateOne({ _id: scope }, { $max: { seq: n } }, { upsert: true }).then(
      () => true,
      () => false,
    );
    if (saved) seq.unsaved = 0;
  }
  return { n, scope };
}

/**
 * A center, read through a short-lived cache of this process. Centers change seldom (their hours,
 * through the API, which forgets the center it changes) and every registration and most
 * activities read one: the cache spares the store most of those reads. Another process's change is
 * seen within CENTER_CACHE_MS.
 */
export const CENTER_CACHE_MS = 5_000;
const centers = new Map<string, { at: number; center: Promise<CenterRecord | null> }>();

export function findCenter(models: Models, centerId: string): Promise<CenterRecord | null> {
  const key = `${models.connection.name}:${centerId}`;
  const hit = centers.get(key);
  if (hit && Date.now() - hit.at < CENTER_CACHE_MS) return hit.center;
  const center = models.Center.findById(centerId).lean<CenterRecord>().exec();
  centers.set(key, { at: Date.now(), center });
  center.catch(() => centers.get(key)?.center === center && centers.delete(key));
  return center;
}

/** After a change to a center made by this process: the next read goes to the store. */
export function forgetCenter(models: Models, centerId: string): void {
  centers.delete(`${models.connection.name}:${centerId}`);
}

/** The last `:`-separated part of a sequence scope: its year. */
export const scopeYear = (scope: string): string => scope.slice(scope.lastIndexOf(':') + 1);

export interface RunStartRecord {
  runId: string;
  code: string;
  centerId: string;
  workflowType: string;
  summary: string;
  startedBy: { sub: string; role: Role | 'citizen' | 'schedule' | 'run' };
  startedAt: Date;
  metrics?: Record<string, number>;
  /** What the run is about when other runs look it up (e.g. `item:silla_ruedas_topico`). */
  ref?: string;
}

/**
 * A run's business number, `<prefix>-<center>-<year>-<seq>` (e.g. HR-lima-norte-2026-00012), per
 * procedure, center and Lima year. The owner keeps its number: asking again returns the same one.
 */
export async function allocateRunNumber(models: Models, r: { code: string; prefix?: string; centerId: string; owner: string; now: Date; fresh?: boolean }): Promise<string> {
  const claimed = await claimNumber(models, `run:${r.code}:${r.centerId}:${limaDate(r.now).slice(0, 4)}`, r.owner, r.now, { fresh: r.fresh });
  return `${r.prefix ?? r.code}-${r.centerId}-${scopeYear(claimed.scope)}-${String(claimed.n).padStart(5, '0')}`;
}

/**
 * Creates a run's read model. The API calls it right after starting the workflow (so the run is
 * listed at once); the workflow's first activity calls it too, and its summary and metrics win
 * whatever the order (`fromWorkflow`). Fields set only on insert never change afterwards.
 */
export async function recordRunStart(models: Models, r: RunStartRecord, fromWorkflow: boolean): Promise<void> {
  const owned = {
    summary: r.summary,
    ...(r.ref ? { ref: r.ref } : {}),
    ...Object.fromEntries(Object.entries(r.metrics ?? {}).map(([k, v]) => [`metrics.${k}`, v])),
  };
  await tolerantUpsert(() => models.Run.updateOne(
    { _id: r.runId },
    {
      $setOnInsert: {
        code: r.code,
        centerId: r.centerId,
        workflowType: r.workflowType,
        startedBy: r.startedBy,
        startedAt: r.startedAt,
        status: 'running',
        ...(fromWorkflow ? {} : { summary: r.summary }),
      },
      ...(fromWorkflow ? { $set: owned } : {}),
    },
    { upsert: true },
  ));
}

/**
 * Entity tasks recorded before tasks carried their entity (claims about an entity) get it from the
 * claim, so the entity's contact still finds them in the inbox. Idempotent; run at every start.
 */
export async function backfillTaskEntities(models: Models): Promise<number> {
  let fixed = 0;
  for (const t of await models.Task.find({ role: 'participant_entity', entityId: { $exists: false } }, { runId: 1 }).lean()) {
    const claim = await models.Claim.findById(t.runId, { entity: 1 }).lean();
    if (!claim?.entity?.id) continue;
    fixed += (await models.Task.updateOne({ _id: t._id, entityId: { $exists: false } }, { $set: { entityId: claim.entity.id } })).modifiedCount;
  }
  return fixed;
}
