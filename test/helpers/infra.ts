import fs from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Connection, WorkflowHandle } from '@temporalio/client';
import { addDays, BusinessCalendar, limaDate, limaInstant } from '../../src/calendar/businessCalendar';
import { completeTaskUpdate, getStateQuery, type RunState, type TaskState } from '../../src/shared/messages';
import type { Actor } from '../../src/shared/roles';
import { msToTs } from '@temporalio/common/lib/time';
import { temporal } from '@temporalio/proto';
import { SEARCH_ATTRIBUTES } from '../../src/shared/messages';
import { Worker } from '@temporalio/worker';
import { connectModels, type Models } from '../../src/db/models';
import { createActivities, type Activities } from '../../src/activities';
import { keepAliveInterceptor } from '../../src/activities/keepAlive';
import { loadTemplates } from '../../src/templates';
import type { ClaimWorkflowInput } from '../../src/workflows/claim';
import { seedCenters } from '../../src/db/seed';
import { closePdfRenderer } from '../../src/documents/pdf';
import type { Mailer, OutgoingMail } from '../../src/activities/mailer';

export const ROOT = path.resolve(__dirname, '..', '..');

function required(name: string): string {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set: run tests through jest (test/setup/globalSetup.ts)`);
  return v;
}

export const testEnv = {
  mongoUri: () => required('MAC_TEST_MONGO_URI'),
  postgresUrl: () => required('MAC_TEST_POSTGRES_URL'),
  temporalAddress: () => required('MAC_TEST_TEMPORAL_ADDRESS'),
  smtpUrl: () => required('MAC_TEST_SMTP_URL'),
  mailWeb: () => required('MAC_TEST_MAIL_WEB'),
  workflowBundle: () => ({ codePath: required('MAC_TEST_WORKFLOW_BUNDLE') }),
};

export const uniqueId = (prefix: string) => `${prefix}-${randomUUID().slice(0, 8)}`;

/**
 * A fresh database (seeded with the four centers) so test files cannot see each other's data; on
 * the global setup's store unless another is given (the fault suite restarts a store of its own).
 */
export async function freshModels(store: { mongoUri: string; postgresUrl: string } = { mongoUri: testEnv.mongoUri(), postgresUrl: testEnv.postgresUrl() }): Promise<Models> {
  const uri = store.mongoUri.replace(/\/[^/]*$/, `/t_${randomUUID().replace(/-/g, '').slice(0, 12)}`);
  const models = await connectModels(uri, { embeddedPostgresUrl: store.postgresUrl });
  await seedCenters(models);
  return models;
}

/** Temporal's Java time-skipping test server, started through scripts/test-server. */
export function createTimeSkippingEnv(): Promise<TestWorkflowEnvironment> {
  return TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path: path.join(ROOT, 'scripts', 'test-server') } },
  });
}

/** An in-memory SMTP stand-in that records what was sent and can be made to fail. */
export class RecordingMailer implements Mailer {
  readonly sent: OutgoingMail[] = [];
  failing = false;
  async send(mail: OutgoingMail) {
    if (this.failing) throw new Error('connect ECONNREFUSED 127.0.0.1:25 (SMTP down in test)');
    this.sent.push(mail);
    return { messageId: mail.messageId };
  }
  async verify() {
    if (this.failing) throw new Error('SMTP down in test');
  }
  close() {}
  to(address: string): OutgoingMail[] {
    return this.sent.filter((m) => m.to.includes(address));
  }
}

/**
 * A fresh Temporal namespace with our search attributes, paired with a fresh database: run
 * numbers restart per database, so two test stacks sharing a namespace would clash on ids.
 */
export async function freshNamespace(connection: Connection): Promise<string> {
  const namespace = uniqueId('test');
  await connection.workflowService.registerNamespace({ namespace, workflowExecutionRetentionPeriod: msToTs('1 day') });
  const { INDEXED_VALUE_TYPE_DATETIME, INDEXED_VALUE_TYPE_KEYWORD } = temporal.api.enums.v1.IndexedValueType;
  const searchAttributes = Object.fromEntries(SEARCH_ATTRIBUTES.map((a) => [a.name, a.type === 'DATETIME' ? INDEXED_VALUE_TYPE_DATETIME : INDEXED_VALUE_TYPE_KEYWORD]));
  for (let attempt = 0; ; attempt++) {
    try {
      await connection.operatorService.addSearchAttributes({ namespace, searchAttributes });
      return namespace;
    } catch (err) {
      if (attempt > 50) throw err;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

/**
 * With RECORD_HISTORIES=1, saves a finished run's history under test/histories/ (binary protobuf) for the replay
 * test (DESIGN §7). A history that exists is never overwritten: shipped histories are what runs
 * open in production recorded (scripts/check-histories); a changed workflow gets a new name.
 */
export async function maybeRecordHistory(name: string, handle: { fetchHistory(): Promise<temporal.api.history.v1.IHistory> }): Promise<void> {
  if (process.env.RECORD_HISTORIES !== '1') return;
  // Temporal's own protobuf encoding (what the server stores), decoded by the replay test.
  const bytes = temporal.api.history.v1.History.encode(await handle.fetchHistory()).finish();
  const file = path.join(ROOT, 'test', 'histories', `${name}.history.pb`);
  if (fs.existsSync(file)) throw new Error(`${file} exists: shipped histories are append-only; record the changed behaviour under a new name`);
  fs.writeFileSync(file, bytes, { flag: 'wx' });
}

export const TEST_SSCS_EMAIL = 'sscs@pcm.gob.pe';

/**
 * One time-skipping server and one fresh database per workflow test file; `worker(mailer)` gives
 * a fresh worker on its own task queue running the real activities (STYLE: tests).
 */
export function useWorkflowTestEnv(opts: { serverPerTest?: boolean; hooks?: 'none' } = {}) {
  const ctx = {} as {
    env: TestWorkflowEnvironment;
    models: Models;
    /** `adjust` may wrap activities (e.g. slow one down to provoke a race). */
    worker(mailer: Mailer, adjust?: (acts: Activities) => Activities): Promise<{ worker: Worker; taskQueue: string }>;
    /** Terminated after the test if still running. */
    track<H extends WorkflowHandle>(handle: H): H;
    /** With `hooks: 'none'`, the caller opens and closes the server and database. */
    open(): Promise<void>;
    close(): Promise<void>;
  };
  const tracked: WorkflowHandle[] = [];
  ctx.track = (handle) => {
    tracked.push(handle);
    return handle;
  };
  ctx.open = async () => {
    [ctx.env, ctx.models] = await Promise.all([createTimeSkippingEnv(), freshModels()]);
  };
  ctx.close = async () => {
    await ctx.env?.teardown();
    await ctx.models?.connection.close();
    await closePdfRenderer();
  };
  if (opts.hooks !== 'none') {
    afterEach(async () => {
      for (const h of tracked.splice(0)) await h.terminate('test over').catch(() => undefined);
    });
  }
  if (opts.hooks === 'none') {
    // The caller's hooks open and close.
  } else if (opts.serverPerTest) {
    // Runs that leave child runs or rejected updates behind can stop the Java test server from
    // skipping time for whatever comes next (observed, not understood): each test gets its own
    // server, and its own database (each server's clock starts today again).
    beforeEach(ctx.open);
    afterEach(ctx.close);
  } else {
    beforeAll(ctx.open);
    afterAll(ctx.close);
  }
  ctx.worker = async (mailer, adjust = (acts) => acts) => {
    const taskQueue = uniqueId('tq');
    const activities = adjust(createActivities({ models: ctx.models, mailer, templates: loadTemplates(), clock: () => new Date(), mail: { from: 'Centro MAC <no-responder@mac.gob.pe>', sscsEmail: TEST_SSCS_EMAIL }, client: ctx.env.client }));
    const worker = await Worker.create({
      connection: ctx.env.nativeConnection,
      taskQueue,
      workflowBundle: testEnv.workflowBundle(),
      activities,
      interceptors: { activity: [keepAliveInterceptor(activities)] },
    });
    return { worker, taskQueue };
  };
  return ctx;
}

/** A PM1.4.2 claim as the API would start it (builder with overrides; STYLE: tests). */
export function buildClaim(overrides: { entityId?: string | null } = {}): ClaimWorkflowInput {
  const runId = uniqueId('HR-lima-norte');
  return {
    meta: { runId, code: 'PM1.4.2', centerId: 'lima-norte', startedBy: { sub: 'orient-1', role: 'orientador' }, searchAttributes: false },
    input: {
      centerId: 'lima-norte',
      citizen: { name: 'Juan Pérez', documentType: 'DNI', documentNumber: '45678912', email: `${runId.toLowerCase()}@ciudadano.pe` },
      ...(overrides.entityId === null ? {} : { entityId: overrides.entityId ?? 'reniec' }),
      description: 'Esperé tres horas y no me atendieron en el módulo.',
      request: 'Que se me atienda y se revise el sistema de turnos.',
    },
    terms: { businessDays: 30, reference: 'D.S. N° 007-2020-PCM', remindBefore: [10, 3], escalateEvery: 5 },
  };
}

/** Polls a run's state until its `nth` task of `type` is open (STYLE: tests wait on state, not time). */
export async function waitForTask(handle: WorkflowHandle, type: string, nth = 1): Promise<{ task: TaskState; state: RunState }> {
  for (let i = 0; ; i++) {
    const state = await handle.query(getStateQuery);
    const task = state.tasks.filter((t) => t.type === type)[nth - 1];
    if (task?.status === 'open') return { task, state };
    if (state.status !== 'running' || i > 400) throw new Error(`no open ${type} #${nth} in ${handle.workflowId} (run ${state.status}; tasks: ${state.tasks.map((t) => `${t.type}:${t.status}`).join(', ')})`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export function completeTask(handle: WorkflowHandle, taskId: string, actor: Actor, data: unknown) {
  return handle.executeUpdate(completeTaskUpdate, { args: [{ taskId, actor, data }] });
}

/**
 * Moves the time-skipping server to `time` (Lima) of the next business day after its current date
 * and returns that date: tests of the daily opening need a working morning, whatever day CI runs.
 */
export async function nextWorkdayAt(env: TestWorkflowEnvironment, time: string): Promise<string> {
  const calendar = new BusinessCalendar();
  const now = await env.currentTimeMs();
  let date = limaDate(new Date(now));
  do date = addDays(date, 1);
  while (!calendar.isBusinessDay(date));
  await env.sleep(limaInstant(date, time).getTime() - now);
  return date;
}
