/**
 * The worker: runs the workflows of src/workflows and the activities of src/activities on the
 * task queue. `createEngineWorker` is used in-process by `npm start` and the tests; run this file
 * directly (`node dist/worker.js`) for a standalone worker against external services. The
 * standalone worker runs the pre-built bundle WORKFLOW_BUNDLE_PATH names (the image's
 * dist/workflow-bundle.js, `npm run build:bundle`) and logs its path and sha256.
 */
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime, Worker, type WorkerOptions } from '@temporalio/worker';
import { createActivities, type ActivityDeps } from './src/activities';
import { keepAliveInterceptor } from './src/activities/keepAlive';
import { createSmtpMailer } from './src/activities/mailer';
import { backfillTaskEntities, connectModels } from './src/db/models';
import { loadTemplates } from './src/templates';
import { getConfig, requireEndpoints, settingsFromConfig, workerTuningFromConfig, type Config } from './src/config';
import { DEFAULT_WORKER_TUNING, type WorkerTuning } from './src/shared/settings';
import { ensureOpeningSchedules } from './src/schedules/opening';
import { ensureReconcileSchedule } from './src/schedules/reconcile';
import { ensureIndicatorReportSchedules } from './src/schedules/indicatorReport';
import { createLogger } from './src/logger';
import { buildWorkflowBundleApart, bundleDigest, readWorkflowBundle } from './src/launcher/workflowBundle';
import { closePdfRenderer } from './src/documents/pdf';
import { engineDataConverter } from './src/shared/payloadCodec';

export interface EngineWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  deps: ActivityDeps;
  /** A pre-built workflow bundle (tests build it once); otherwise src/workflows is bundled in a child process. */
  workflowBundle?: WorkerOptions['workflowBundle'];
  /** Cache and concurrency limits (default: DEFAULT_WORKER_TUNING). */
  tuning?: WorkerTuning;
  /** Seals payloads in history (src/shared/payloadCodec.ts); the clients use the same. */
  dataConverter?: WorkerOptions['dataConverter'];
}

/** The production wiring of the activities' dependencies. */
export function activityDepsFromConfig(config: Config, models: ActivityDeps['models'], mailer: ActivityDeps['mailer'], client: ActivityDeps['client']): ActivityDeps {
  return {
    models,
    mailer,
    templates: loadTemplates(),
    clock: () => new Date(),
    mail: { from: config.MAIL_FROM, sscsEmail: config.SSCS_EMAIL },
    client,
    openingSchedules: { taskQueue: config.TEMPORAL_TASK_QUEUE, searchAttributes: true, settings: settingsFromConfig(config) },
  };
}

export async function createEngineWorker(o: EngineWorkerOptions): Promise<Worker> {
  const activities = createActivities(o.deps);
  return Worker.create({
    connection: o.connection,
    namespace: o.namespace,
    taskQueue: o.taskQueue,
    activities,
    // A worker that dies mid-activity is noticed in seconds (src/activities/keepAlive.ts).
    interceptors: { activity: [keepAliveInterceptor(activities)] },
    ...(o.tuning ?? DEFAULT_WORKER_TUNING),
    ...(o.dataConverter ? { dataConverter: o.dataConverter } : {}),
    // Not `workflowsPath`: webpack in the worker's own process would stay in its memory.
    workflowBundle: o.workflowBundle ?? (await buildWorkflowBundleApart()),
  });
}

/** The workflow code a standalone worker runs; `path` null when it was bundled at start. */
export interface RunningBundle {
  path: string | null;
  code: string;
  sha256: string;
}

/**
 * The pre-built bundle WORKFLOW_BUNDLE_PATH names (a missing file stops the start, naming the
 * variable: never a silent rebuild of other code); unset, src/workflows bundled now in a child
 * process.
 */
export async function workflowBundleFromConfig(config: Pick<Config, 'WORKFLOW_BUNDLE_PATH'>): Promise<RunningBundle> {
  if (config.WORKFLOW_BUNDLE_PATH) return readWorkflowBundle(config.WORKFLOW_BUNDLE_PATH, 'WORKFLOW_BUNDLE_PATH');
  const { code } = await buildWorkflowBundleApart();
  return { path: null, code, sha256: bundleDigest(code) };
}

async function main(): Promise<void> {
  const config = getConfig();
  const endpoints = requireEndpoints(config);
  const log = createLogger(config.LOG_LEVEL);
  // Before any connection: a wrong bundle path fails the start at once.
  const bundle = await workflowBundleFromConfig(config);
  // Which code this worker replays histories on: compare the sha256 with `npm run build:bundle`'s.
  const workflowBundle = { path: bundle.path ?? '(bundled at start from src/workflows)', sha256: bundle.sha256 };
  log.info({ workflowBundle }, 'workflow bundle');
  // Temporal's runtime logs at WARN; it drains the worker on SIGINT/SIGTERM by itself.
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const models = await connectModels(endpoints.mongoUri);
  await backfillTaskEntities(models);
  const mailer = createSmtpMailer(endpoints.smtpUrl);
  const connection = await NativeConnection.connect({ address: endpoints.temporalAddress });
  const clientConnection = await Connection.connect({ address: endpoints.temporalAddress });
  const dataConverter = engineDataConverter(config.payloadKeys);
  const client = new Client({ connection: clientConnection, namespace: config.TEMPORAL_NAMESPACE, dataConverter });
  const worker = await createEngineWorker({
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    deps: activityDepsFromConfig(config, models, mailer, client),
    tuning: workerTuningFromConfig(config),
    dataConverter,
    workflowBundle: { code: bundle.code },
  });
  // The daily openings of 2.2.2 follow the centers' current hours and settings at every start.
  const schedules = await ensureOpeningSchedules(client, {
    models,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    searchAttributes: true,
    settings: settingsFromConfig(config),
    log,
  });
  // The monthly indicator report of PE1.3.1, per operating center.
  const reports = await ensureIndicatorReportSchedules(client, { models, taskQueue: config.TEMPORAL_TASK_QUEUE, searchAttributes: true, settings: settingsFromConfig(config), log });
  await ensureReconcileSchedule(client, { taskQueue: config.TEMPORAL_TASK_QUEUE, everyMinutes: config.RECONCILE_RUNS_EVERY_MINUTES, log });
  log.info({ taskQueue: config.TEMPORAL_TASK_QUEUE, workflowBundle, schedules, reports }, 'worker running');
  try {
    await worker.run();
  } finally {
    await connection.close();
    await clientConnection.close();
    await models.connection.close();
    mailer.close();
    await closePdfRenderer();
    log.info('worker stopped');
  }
}

if (require.main === module) {
  main().catch((err) => {
    createLogger().fatal({ err }, 'worker failed');
    process.exitCode = 1;
  });
}
