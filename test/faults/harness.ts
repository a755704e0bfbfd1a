/**
 * What the fault suite (`npm run test:faults`) counts after each scenario, from what a user would
 * see: the runs' end states (through the API), the emails the SMTP catcher received (by their
 * Message-ID, derived from the outbox key) and the documents' numbers in the store. Each scenario
 * appends one row; the table reporter (test/faults/tableReporter.js) prints them all at the end.
 */
import fs from 'node:fs';
import path from 'node:path';
import type supertest from 'supertest';
import type { Models } from '../../src/db/models';
import { ROOT } from '../helpers/infra';

export const FAULTS_DIR = path.join(ROOT, 'artifacts', 'faults');
export const ROWS_FILE = path.join(FAULTS_DIR, 'rows.jsonl');

export interface FaultRow {
  scenario: string;
  /** Workflow types whose runs took part. */
  families: string[];
  runs: number;
  /** Faults injected: kills, outages, restarts. */
  faults: number;
  /** Runs that did not finish, and emails queued but never delivered. */
  lost: number;
  /** Emails sent again after the outbox recorded them sent, and document numbers given twice (or one document given two). */
  duplicated: number;
  /**
   * Emails the relay accepted twice with one Message-ID: a worker that died between the relay's
   * acceptance and the outbox's record of it (SMTP has no idempotency); receivers that drop a
   * repeated Message-ID show one. Counted, not hidden.
   */
  resent: number;
  detail: string;
}

export function recordRow(row: FaultRow): void {
  fs.mkdirSync(FAULTS_DIR, { recursive: true });
  fs.appendFileSync(ROWS_FILE, `${JSON.stringify(row)}\n`);
}

interface CaughtMessage {
  messageId?: string;
  subject: string;
  /** Its Date header: when the engine handed it to SMTP. */
  time: string;
}

/**
 * The emails the catcher holds that were sent since `since`, by Message-ID. Run numbers start
 * again in each test database, so an earlier scenario's emails can carry the same Message-IDs:
 * the scenarios run one at a time, and each counts only what was sent after it began.
 */
async function caughtByMessageId(mailWeb: string, since: Date): Promise<Map<string, CaughtMessage[]>> {
  const caught = (await (await fetch(`${mailWeb}/email`)).json()) as CaughtMessage[];
  const undated = caught.find((m) => Number.isNaN(Date.parse(m.time)));
  if (undated) throw new Error(`the catcher gave no date for ${undated.messageId}`);
  const all = caught.filter((m) => Date.parse(m.time) >= since.getTime());
  const byId = new Map<string, CaughtMessage[]>();
  for (const m of all) {
    if (!m.messageId) continue;
    const id = m.messageId.startsWith('<') ? m.messageId : `<${m.messageId}>`;
    byId.set(id, [...(byId.get(id) ?? []), m]);
  }
  return byId;
}

/** How far apart the email's Date header and the outbox's sentAt of one delivery may be. */
const SENT_AT_MARGIN_MS = 2_000;

export interface SideEffects {
  emailsQueued: number;
  emailsDelivered: number;
  /** Queued for these runs but not sent, or sent by the outbox and absent from the catcher. */
  emailsLost: string[];
  /** Received more than once with the same Message-ID (see FaultRow.resent). */
  emailsResent: string[];
  /** Received again after the outbox had recorded it sent: the engine sending what it knew it had sent. */
  emailsDuplicated: string[];
  documents: number;
  /** Two documents with one number, or one document owner holding two numbers. */
  numbersDuplicated: string[];
}

/** The side effects of `runIds` as the world saw them. */
export async function sideEffectsOf(models: Models, runIds: string[], mailWeb: string, since: Date): Promise<SideEffects> {
  const outbox = await models.Outbox.find({ runId: { $in: runIds } }).lean();
  const caught = await caughtByMessageId(mailWeb, since);
  const emailsLost: string[] = [];
  const emailsResent: string[] = [];
  const emailsDuplicated: string[] = [];
  let emailsDelivered = 0;
  for (const mail of outbox) {
    const received = mail.messageId ? (caught.get(mail.messageId) ?? []) : [];
    if (mail.status !== 'sent' || received.length === 0) emailsLost.push(`${mail._id} (${mail.status}, received ${received.length})`);
    else emailsDelivered++;
    // The outbox records the time right after the relay's acceptance; a copy handed to SMTP later
    // than that (with a margin for the two clocks) was sent after the engine knew it was sent.
    const late = mail.sentAt ? received.filter((m) => Date.parse(m.time) > mail.sentAt!.getTime() + SENT_AT_MARGIN_MS) : [];
    if (late.length) emailsDuplicated.push(`${mail._id} received ${late.length} time(s) after its outbox said sent`);
    else if (received.length > 1) emailsResent.push(`${mail._id} ×${received.length}`);
  }
  const documents = await models.Document.find({ runId: { $in: runIds } }, { type: 1, centerId: 1, year: 1, number: 1, reference: 1 }).lean();
  const numbersDuplicated: string[] = [];
  const byNumber = new Map<string, string[]>();
  for (const d of documents) {
    const k = `${d.type}:${d.centerId}:${d.year}:${d.number}`;
    byNumber.set(k, [...(byNumber.get(k) ?? []), d._id]);
  }
  for (const [k, ids] of byNumber) if (ids.length > 1) numbersDuplicated.push(`${k} given to ${ids.join(', ')}`);
  // A retried activity must get the number it already holds, never a second one.
  const claims = await models.SequenceClaim.find({ owner: { $in: documents.map((d) => d._id) } }, { owner: 1, n: 1 }).lean();
  const held = new Map<string, number[]>();
  for (const c of claims) held.set(c.owner, [...(held.get(c.owner) ?? []), c.n]);
  for (const [owner, ns] of held) if (ns.length > 1) numbersDuplicated.push(`${owner} holds numbers ${ns.join(', ')}`);
  return { emailsQueued: outbox.length, emailsDelivered, emailsLost, emailsResent, emailsDuplicated, documents: documents.length, numbersDuplicated };
}

/** One row from a scenario's runs and their side effects. */
export function rowOf(scenario: string, families: string[], runs: { runId: string; status: string }[], faults: number, effects: SideEffects): FaultRow {
  const unfinished = runs.filter((r) => r.status !== 'completed');
  const lost = unfinished.length + effects.emailsLost.length;
  const duplicated = effects.emailsDuplicated.length + effects.numbersDuplicated.length;
  const detail = [
    `${effects.emailsDelivered}/${effects.emailsQueued} emails delivered, ${effects.documents} documents`,
    ...unfinished.map((r) => `unfinished ${r.runId} (${r.status})`),
    ...effects.emailsLost.map((e) => `lost ${e}`),
    ...effects.emailsDuplicated.map((e) => `duplicated email ${e}`),
    ...effects.emailsResent.map((e) => `re-sent with its Message-ID ${e}`),
    ...effects.numbersDuplicated.map((e) => `duplicated number ${e}`),
  ].join('; ');
  return { scenario, families: [...new Set(families)].sort(), runs: runs.length, faults, lost, duplicated, resent: effects.emailsResent.length, detail };
}

/** What the API answered while a component was down: status → count. */
export type Answers = Record<string, number>;

/**
 * Calls the API's main routes (health, a run, the inbox, a start, a completion) in a loop until
 * `stop` resolves, at most `max` rounds: every answer must be a refusal the client can act on
 * (a 503, or what the projections can still serve), never a 500.
 */
export async function probeWhileDown(
  http: supertest.Agent,
  o: { auth: Record<string, string>; runId: string; taskId: string; startCode: string; startBody: () => object; stop: Promise<unknown>; max?: number },
): Promise<{ answers: Answers; starts: { key: string; body: object }[] }> {
  const answers: Answers = {};
  // The starts tried while down, to be sent again (same key, same body) once the engine is back.
  const starts: { key: string; body: object }[] = [];
  let stopped = false;
  void o.stop.then(() => (stopped = true));
  const note = (route: string, status: number) => void (answers[`${route} ${status}`] = (answers[`${route} ${status}`] ?? 0) + 1);
  const enc = encodeURIComponent;
  for (let round = 0; round < (o.max ?? 50) && !stopped; round++) {
    const start = { key: `probe-${Math.random().toString(36).slice(2, 10)}`, body: o.startBody() };
    if (round < 2) starts.push(start);
    const calls: [string, () => supertest.Test][] = [
      ['GET /health', () => http.get('/health')],
      ['GET /runs/{id}', () => http.get(`/api/v1/runs/${enc(o.runId)}`).set(o.auth)],
      ['GET /runs', () => http.get('/api/v1/runs').set(o.auth)],
      ['GET /tasks', () => http.get(`/api/v1/tasks?runId=${enc(o.runId)}`).set(o.auth)],
      ...(round < 2 ? ([['POST /procedures/{code}/runs', () => http.post(`/api/v1/procedures/${o.startCode}/runs`).set({ ...o.auth, 'Idempotency-Key': start.key }).send(start.body)]] as [string, () => supertest.Test][]) : []),
      ['POST /tasks/{id}/complete', () => http.post(`/api/v1/tasks/${enc(o.taskId)}/complete`).set(o.auth).send({ data: {} })],
    ];
    // At once: a request to a store that is down waits for its server selection timeout.
    await Promise.all(calls.map(async ([route, call]) => note(route, (await call()).status)));
    await new Promise((r) => setTimeout(r, 200));
  }
  return { answers, starts };
}

/** The answers that are server errors other than 503 (what must never happen). */
export const serverErrors = (answers: Answers): Answers => Object.fromEntries(Object.entries(answers).filter(([k]) => /\s5\d\d$/.test(k) && !k.endsWith(' 503')));

