import { Client, Connection } from '@temporalio/client';
import { DEFAULT_SETTINGS } from '../../src/shared/settings';
import { NativeConnection, type Worker } from '@temporalio/worker';
import pino from 'pino';
import http from 'node:http';
import supertest from 'supertest';
import type { Express } from 'express';
import { createApp } from '../../src/api/app';
import type { ApiDeps } from '../../src/api/deps';
import { signToken } from '../../src/api/auth';
import { createSmtpMailer, type Mailer } from '../../src/activities/mailer';
import type { ActivityDeps } from '../../src/activities';
import { loadTemplates } from '../../src/templates';
import type { Models } from '../../src/db/models';
import type { Actor, Role } from '../../src/shared/roles';
import { createEngineWorker } from '../../worker';
import { engineDataConverter, type CodecKey } from '../../src/shared/payloadCodec';
import { closePdfRenderer } from '../../src/documents/pdf';
import { freshModels, freshNamespace, testEnv, uniqueId } from './infra';

export const JWT_SECRET = 'test-secret-that-is-long-enough-0123456789';

/**
 * The API's dependencies as the tests use them: the test secret, the claim terms of DESIGN §5, the
 * default settings, a silent log and the real clock, unless given.
 */
export function testApiDeps(deps: Pick<ApiDeps, 'models' | 'temporal' | 'mailer' | 'taskQueue'> & Partial<ApiDeps>): ApiDeps {
  return {
    log: pino({ level: 'silent' }),
    clock: () => new Date(),
    jwtSecret: JWT_SECRET,
    searchAttributes: false,
    claimTerms: { remindBefore: [10, 3], escalateEvery: 5 },
    settings: DEFAULT_SETTINGS,
    publicRateLimit: 1000,
    ...deps,
  };
}

export interface Stack {
  app: Express;
  /** The stack's server, e.g. http://127.0.0.1:34567 (browsers and agents of their own). */
  url: string;
  http: supertest.Agent;
  models: Models;
  client: Client;
  taskQueue: string;
  namespace: string;
  /** Where its Temporal server and its database are (a worker process of its own connects there). */
  temporalAddress: string;
  mongoUri: string;
  /** A Bearer header for a role and centers. */
  auth(role: Role, centers: Actor['centers'], sub?: string, entity?: string): { Authorization: string };
  /** Starts an in-process worker on the stack's task queue (omit with `{ worker: false }`). */
  startWorker(): Promise<void>;
  stopWorker(): Promise<void>;
  close(): Promise<void>;
}

/**
 * The whole engine in-process (API + worker) against the real components the global setup
 * started: Temporal dev server, FerretDB (a fresh database per stack), MailDev over SMTP.
 * `activityDeps` may change what the worker's activities get (e.g. a client with faults).
 */
export interface StackOptions {
  worker?: boolean;
  publicRateLimit?: number;
  activityDeps?: (deps: ActivityDeps) => ActivityDeps;
  payloadKeys?: CodecKey[];
  /** Another Temporal server or document store than the global setup's (the fault suite restarts its own). */
  temporalAddress?: string;
  store?: { mongoUri: string; postgresUrl: string };
}

export async function startStack(opts: StackOptions = {}): Promise<Stack> {
  const models = await freshModels(opts.store);
  const temporalAddress = opts.temporalAddress ?? testEnv.temporalAddress();
  const connection = await Connection.connect({ address: temporalAddress });
  const namespace = await freshNamespace(connection);
  // With keys, client and worker seal payloads in history as production does (src/shared/payloadCodec.ts).
  const dataConverter = engineDataConverter(opts.payloadKeys);
  const client = new Client({ connection, namespace, ...(dataConverter ? { dataConverter } : {}) });
  const mailer: Mailer = createSmtpMailer(testEnv.smtpUrl());
  const taskQueue = uniqueId('tq');
  const log = pino({ level: 'silent' });
  const app = createApp(testApiDeps({ models, temporal: client, mailer, log, taskQueue, searchAttributes: true, publicRateLimit: opts.publicRateLimit ?? 1000 }));

  // One server for the stack's requests. supertest given the app listens and closes a server per
  // request, and Node's keep-alive agent could then send a request on a socket of a server that
  // had just closed (read ECONNRESET under concurrent requests).
  const server = http.createServer(app);
  server.keepAliveTimeout = 120_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));

  let nativeConnection: NativeConnection | undefined;
  let worker: Worker | undefined;
  let running: Promise<void> | undefined;
  const stack: Stack = {
    app,
    url: `http://127.0.0.1:${(server.address() as { port: number }).port}`,
    http: supertest.agent(server),
    models,
    client,
    taskQueue,
    namespace,
    temporalAddress,
    mongoUri: `mongodb://${models.connection.host}:${models.connection.port}/${models.connection.name}`,
    auth: (role, centers, sub, entity) => ({ Authorization: `Bearer ${signToken(JWT_SECRET, { sub: sub ?? `${role}-test`, role, centers, ...(entity ? { entity } : {}) })}` }),
    async startWorker() {
      nativeConnection ??= await NativeConnection.connect({ address: temporalAddress });
      worker = await createEngineWorker({
        connection: nativeConnection,
        namespace,
        taskQueue,
        workflowBundle: testEnv.workflowBundle(),
        ...(dataConverter ? { dataConverter } : {}),
        deps: (opts.activityDeps ?? ((d) => d))({ models, mailer, templates: loadTemplates(), clock: () => new Date(), mail: { from: 'Centro MAC <no-responder@mac.gob.pe>', sscsEmail: 'sscs@pcm.gob.pe' }, client, openingSchedules: { taskQueue, searchAttributes: true, settings: DEFAULT_SETTINGS } }),
      });
      running = worker.run();
    },
    async stopWorker() {
      if (worker && worker.getState() === 'RUNNING') worker.shutdown();
      await running;
      worker = undefined;
    },
    async close() {
      const closed = new Promise((resolve) => server.close(resolve));
      server.closeAllConnections();
      await closed;
      await stack.stopWorker();
      await nativeConnection?.close();
      await connection.close();
      mailer.close();
      await models.connection.close();
      // The worker's emails printed their documents: the shared browser goes with the stack.
      await closePdfRenderer();
    },
  };
  if (opts.worker !== false) await stack.startWorker();
  return stack;
}

/** The whole engine for a test file, and the runs its tests started. */
export interface StackSuite {
  stack: Stack;
  /** Runs to terminate once the file's tests are done. */
  started: string[];
}

/** Starts the whole engine before a file's tests; after them, terminates the runs they started and closes it. */
export function useStack(opts: StackOptions = {}): StackSuite {
  const suite = { started: [] as string[] } as StackSuite;
  beforeAll(async () => {
    suite.stack = await startStack(opts);
  });
  afterAll(async () => {
    for (const id of suite.started) await suite.stack?.client.workflow.getHandle(id).terminate('test over').catch(() => undefined);
    await suite.stack?.close();
  });
  return suite;
}

export interface CaughtMail {
  id: string;
  subject: string;
  to: { address: string }[];
  html: string;
  attachments?: { fileName: string }[];
}

/** Emails MailDev caught for an address (the SMTP catcher's REST API). */
export async function mailsTo(address: string): Promise<CaughtMail[]> {
  const res = await fetch(`${testEnv.mailWeb()}/email`);
  const all = (await res.json()) as CaughtMail[];
  return all.filter((m) => m.to.some((t) => t.address.toLowerCase() === address.toLowerCase()));
}

/** Polls until `check` returns a value (not undefined/false) or the time runs out. */
export async function eventually<T>(check: () => Promise<T | undefined | false>, what: string, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Builders with overrides (STYLE: tests) */
export function congratulationBody(overrides: Record<string, unknown> = {}) {
  return {
    centerId: 'lima-norte',
    citizen: { name: 'Rosa Quispe Mamani', email: `${uniqueId('rosa')}@ciudadano.pe` },
    entityId: 'reniec',
    message: 'Excelente atención en el módulo de RENIEC: rápida y amable.',
    ...overrides,
  };
}
