/**
 * `npm start`: the whole engine on one machine. Starts the embedded Temporal dev server (Web UI,
 * SQLite under data/), FerretDB (data/) and MailDev (web inbox) unless TEMPORAL_ADDRESS,
 * MONGODB_URI or SMTP_URL point at real services; seeds the centers; runs the worker and the API
 * in this process. Ctrl-C drains the worker, closes the API and stops every child.
 */
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import { getConfig, settingsFromConfig, workerTuningFromConfig } from '../config';
import { createLogger } from '../logger';
import { backfillTaskEntities, connectModels } from '../db/models';
import { msToTs } from '@temporalio/common/lib/time';
import { seedCenters } from '../db/seed';
import { engineDataConverter } from '../shared/payloadCodec';
import { DEMO_PASSWORD, describeDemoUsers, seedDemoUsers, type DemoUser } from '../web/users';
import { createSmtpMailer } from '../activities/mailer';
import { createApp } from '../api/app';
import { apiDepsFromConfig } from '../api/deps';
import { ensureOpeningSchedules } from '../schedules/opening';
import { ensureReconcileSchedule } from '../schedules/reconcile';
import { ensureIndicatorReportSchedules } from '../schedules/indicatorReport';
import { activityDepsFromConfig, createEngineWorker } from '../../worker';
import { migrateSqliteStore } from './migrateStore';
import { assertPortFree, freePort, ROOT, startDocumentStore, startMailDev, startTemporal, type DocumentStore, type EmbeddedService } from './embedded';
import { closePdfRenderer } from '../documents/pdf';

async function main(): Promise<void> {
  const config = getConfig();
  const PORTS = { temporal: config.TEMPORAL_PORT, mongo: config.MONGODB_PORT, smtp: config.SMTP_PORT };
  const log = createLogger(config.LOG_LEVEL);
  const dataDir = path.resolve(ROOT, config.DATA_DIR);
  const logDir = path.join(dataDir, 'logs');
  const services: EmbeddedService[] = [];
  const stopServices = async () => {
    await Promise.all(services.reverse().map((s) => s.stop().catch(() => undefined)));
  };
  process.once('exit', () => services.forEach((s) => [s.child, (s as Partial<DocumentStore>).postgres?.child].forEach((c) => c?.kill('SIGKILL'))));

  const busy = (v: string, portVar: string) => `is another \`npm start\` running? Stop it, set ${v} to use that service, or ${portVar} to start ours elsewhere`;
  try {
    const starts: Promise<EmbeddedService>[] = [];
    if (!config.TEMPORAL_ADDRESS) {
      await assertPortFree(PORTS.temporal, 'Temporal', busy('TEMPORAL_ADDRESS', 'TEMPORAL_PORT'));
      await assertPortFree(config.TEMPORAL_UI_PORT, 'Temporal UI', 'set TEMPORAL_UI_PORT');
      starts.push(startTemporal({ port: PORTS.temporal, uiPort: config.TEMPORAL_UI_PORT, dbFile: path.join(dataDir, 'temporal', 'temporal.db'), namespace: config.TEMPORAL_NAMESPACE, logDir }));
    }
    if (!config.MONGODB_URI) {
      await assertPortFree(PORTS.mongo, 'document DB', busy('MONGODB_URI', 'MONGODB_PORT'));
      starts.push(freePort().then((postgresPort) => startDocumentStore({ port: PORTS.mongo, postgresPort, dataDir: path.join(dataDir, 'store'), logDir, durable: true })));
    }
    if (!config.SMTP_URL) {
      await assertPortFree(PORTS.smtp, 'SMTP', busy('SMTP_URL', 'SMTP_PORT'));
      await assertPortFree(config.MAIL_WEB_PORT, 'mail inbox', 'set MAIL_WEB_PORT');
      starts.push(startMailDev({ smtpPort: PORTS.smtp, webPort: config.MAIL_WEB_PORT, mailDir: path.join(dataDir, 'mail'), logDir }));
    }
    const started = await Promise.allSettled(starts);
    for (const s of started) if (s.status === 'fulfilled') services.push(s.value);
    const failed = started.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (failed) throw failed.reason;
  } catch (err) {
    await stopServices();
    throw err;
  }
  const byName = (n: string) => services.find((s) => s.name === n);
  const temporalAddress = config.TEMPORAL_ADDRESS ?? byName('temporal')!.url;
  const store = byName('document-store') as DocumentStore | undefined;
  const mongoUri = config.MONGODB_URI ?? store!.url;
  const smtpUrl = config.SMTP_URL ?? byName('maildev')!.url;

  // Temporal's runtime logs at WARN here; it also drains the worker on SIGINT/SIGTERM by itself.
  Runtime.install({ logger: new DefaultLogger('WARN') });
  if (store) await migrateSqliteStore({ oldDir: path.join(dataDir, 'ferretdb'), targetUri: store.url, logDir, log });
  const models = await connectModels(mongoUri, { embeddedPostgresUrl: store?.postgresUrl });
  const seeded = await seedCenters(models);
  // The web pages' demo users: the embedded default only (never on a real store or in production).
  const demo: DemoUser[] = (config.DEMO_USERS ?? (!config.MONGODB_URI && config.NODE_ENV !== 'production')) ? await seedDemoUsers(models) : [];
  await backfillTaskEntities(models);
  const mailer = createSmtpMailer(smtpUrl);
  const nativeConnection = await NativeConnection.connect({ address: temporalAddress });
  const connection = await Connection.connect({ address: temporalAddress });
  const client = new Client({ connection, namespace: config.TEMPORAL_NAMESPACE, dataConverter: engineDataConverter(config.payloadKeys) });
  // The embedded server keeps closed runs' histories TEMPORAL_RETENTION_DAYS (an external one is its operators').
  if (!config.TEMPORAL_ADDRESS) {
    await connection.workflowService.updateNamespace({ namespace: config.TEMPORAL_NAMESPACE, config: { workflowExecutionRetentionTtl: msToTs(`${config.TEMPORAL_RETENTION_DAYS} days`) } });
  }
  const worker = await createEngineWorker({
    connection: nativeConnection,
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    deps: activityDepsFromConfig(config, models, mailer, client),
    tuning: workerTuningFromConfig(config),
    dataConverter: engineDataConverter(config.payloadKeys),
  });
  // The daily opening (2.2.2) of every active center, converged to its hours and the settings.
  const schedules = await ensureOpeningSchedules(client, {
    models,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    searchAttributes: true,
    settings: settingsFromConfig(config),
    log,
  });
  // The monthly indicator report (PE1.3.1) of every operating center.
  const reports = await ensureIndicatorReportSchedules(client, { models, taskQueue: config.TEMPORAL_TASK_QUEUE, searchAttributes: true, settings: settingsFromConfig(config), log });
  // Runs terminated or timed out get their records closed by a periodic pass.
  await ensureReconcileSchedule(client, { taskQueue: config.TEMPORAL_TASK_QUEUE, everyMinutes: config.RECONCILE_RUNS_EVERY_MINUTES, log });
  const openings = schedules.created.length + schedules.updated.length + schedules.unchanged.length;
  const workerDone = worker.run();

  const apiUrl = `http://${config.HOST}:${config.PORT}`;
  const links: Record<string, string> = {
    temporalUi: byName('temporal')?.webUrl ?? '(external Temporal: see its UI)',
    mailInbox: byName('maildev')?.webUrl ?? '(external SMTP)',
  };
  const app = createApp(apiDepsFromConfig(config, { models, connection, mailer, log, links }));
  const server = app.listen(config.PORT, config.HOST);
  await new Promise<void>((resolve, reject) => server.once('listening', resolve).once('error', reject));

  process.stdout.write(
    [
      '',
      'MAC process engine is running',
      `  API            ${apiUrl}/api/v1   (health: ${apiUrl}/health)`,
      `  OpenAPI UI     ${apiUrl}/api/docs`,
      `  Web (staff)    ${apiUrl}/app`,
      `  Web (claims)   ${apiUrl}/reclamos`,
      `  Temporal UI    ${links.temporalUi}`,
      `  Mail inbox     ${links.mailInbox}`,
      `  Schedules      ${openings} daily opening${openings === 1 ? '' : 's'} (apertura-diaria-<center>)${schedules.invalid.length ? `; invalid hours, not rescheduled: ${schedules.invalid.map((f) => f.split(':')[0]).join(', ')}` : ''}; ${reports.created.length + reports.updated.length + reports.unchanged.length} monthly indicator report(s) (reporte-indicadores-<center>); reconcile-runs every ${config.RECONCILE_RUNS_EVERY_MINUTES} min`,
      `  Data           ${dataDir}${seeded ? `  (seeded ${seeded} centers)` : ''}`,
      '',
      ...(demo.length ? [`  Demo users (password ${DEMO_PASSWORD}), by center:`, ...describeDemoUsers(demo), ''] : []),
      '  Token:  npm run token -- --role coordinator --centers lima-norte',
      `          curl -H "Authorization: Bearer $TOKEN" ${apiUrl}/api/v1/procedures`,
      '  Stop:   Ctrl-C',
      '',
    ].join('\n'),
  );

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
    await new Promise((r) => server.close(r));
    if (worker.getState() === 'RUNNING') worker.shutdown();
    await workerDone.catch((err) => log.error({ err }, 'worker stopped with an error'));
    await Promise.all([nativeConnection.close(), connection.close(), models.connection.close()]);
    mailer.close();
    await closePdfRenderer();
    await stopServices();
    log.info('stopped');
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  workerDone.catch(async (err) => {
    log.fatal({ err }, 'worker failed');
    process.exitCode = 1;
    await shutdown('worker-failure');
  });
}

main().catch((err) => {
  process.stderr.write(`npm start failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
