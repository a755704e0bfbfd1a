/**
 * One process of the bench's engine (forked by bench/stack.ts), configured from the environment
 * by src/config.ts like any engine process:
 *   worker    the engine's worker, wired as `npm start` wires it (createEngineWorker with
 *             activityDepsFromConfig), bundling src/workflows at start like the standalone worker;
 *   api       the API, wired as `npm start` wires it (createApp with apiDepsFromConfig);
 *   baseline  the no-op baseline workflow of bench/baseline on its own task queue and bundle.
 * Each counts its store operations (mongoose's debug hook) and, for the workers, the emails it
 * hands to SMTP (the baseline: its no-op deliveries), and answers `stats` over IPC.
 */
import mongoose from 'mongoose';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { getConfig, requireEndpoints, workerTuningFromConfig } from '../src/config';
import { createLogger } from '../src/logger';
import { connectModels } from '../src/db/models';
import { createSmtpMailer, type Mailer } from '../src/activities/mailer';
import { createApp } from '../src/api/app';
import { apiDepsFromConfig } from '../src/api/deps';
import { activityDepsFromConfig, createEngineWorker } from '../worker';
import { engineDataConverter } from '../src/shared/payloadCodec';
import { createBaselineActivities } from './baseline/activities';
import type { ChildStats, Role } from './stack';

const ops: Record<string, number> = {};
mongoose.set('debug', (collection: string, method: string) => {
  const k = `${collection}.${method}`;
  ops[k] = (ops[k] ?? 0) + 1;
});

/** Outbox keys handed to SMTP (or delivered by the baseline), in order, with the time. */
const sent: [string, number][] = [];

/** The outbox key back from the Message-ID the deliverEmail activity derives from it. */
function keyOfMessageId(messageId: string): string {
  const m = /^<([^@]+)@mac-engine>$/.exec(messageId);
  return m ? Buffer.from(m[1]!, 'base64url').toString('utf8') : messageId;
}

function countingMailer(inner: Mailer): Mailer {
  return {
    async send(mail) {
      const r = await inner.send(mail);
      sent.push([keyOfMessageId(mail.messageId), Date.now()]);
      return r;
    },
    verify: () => inner.verify(),
    close: () => inner.close(),
  };
}

function send(m: unknown): void {
  process.send?.(m);
}

async function main(role: Role): Promise<void> {
  // bench/index.ts --payload-codec off: no keys, so no codec (engineDataConverter), everywhere.
  const config = process.env.BENCH_PAYLOAD_CODEC === 'off' ? { ...getConfig(), payloadKeys: [] } : getConfig();
  const endpoints = requireEndpoints(config);
  const log = createLogger(config.LOG_LEVEL);
  Runtime.install({ logger: new DefaultLogger('WARN') });
  let stop: () => Promise<void>;

  if (role === 'api') {
    const models = await connectModels(endpoints.mongoUri);
    const mailer = createSmtpMailer(endpoints.smtpUrl);
    const connection = await Connection.connect({ address: endpoints.temporalAddress });
    const app = createApp(apiDepsFromConfig(config, { models, connection, mailer, log }));
    const server = app.listen(config.PORT, config.HOST);
    await new Promise<void>((resolve, reject) => server.once('listening', resolve).once('error', reject));
    stop = async () => {
      await new Promise((r) => server.close(r));
      server.closeAllConnections();
      await connection.close();
      await models.connection.close();
      mailer.close();
    };
    send({ type: 'ready', port: config.PORT });
  } else {
    const connection = await NativeConnection.connect({ address: endpoints.temporalAddress });
    let worker: Worker;
    let close: () => Promise<void>;
    if (role === 'worker') {
      const models = await connectModels(endpoints.mongoUri);
      const mailer = countingMailer(createSmtpMailer(endpoints.smtpUrl));
      const clientConnection = await Connection.connect({ address: endpoints.temporalAddress });
      // Payloads sealed with the configuration's keys, as npm start and the API do.
      const dataConverter = engineDataConverter(config.payloadKeys);
      const client = new Client({ connection: clientConnection, namespace: config.TEMPORAL_NAMESPACE, dataConverter });
      worker = await createEngineWorker({
        connection,
        namespace: config.TEMPORAL_NAMESPACE,
        taskQueue: config.TEMPORAL_TASK_QUEUE,
        deps: activityDepsFromConfig(config, models, mailer, client),
        tuning: workerTuningFromConfig(config),
        dataConverter,
      });
      close = async () => {
        await clientConnection.close();
        await models.connection.close();
        mailer.close();
      };
    } else {
      worker = await Worker.create({
        connection,
        namespace: config.TEMPORAL_NAMESPACE,
        taskQueue: process.env.BENCH_BASELINE_TASK_QUEUE ?? 'bench-baseline',
        workflowsPath: require.resolve('./baseline/workflows'),
        activities: createBaselineActivities((key) => void sent.push([key, Date.now()])),
      });
      close = async () => undefined;
    }
    const running = worker.run();
    running.catch((err) => {
      log.fatal({ err }, `${role} stopped with an error`);
      process.exit(1);
    });
    stop = async () => {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running;
      await connection.close();
      await close();
    };
    send({ type: 'ready' });
  }

  process.on('message', (m: { id: number; cmd: string; since?: number }) => {
    if (m.cmd === 'stats') {
      const stats: ChildStats = { ops: { ...ops }, sent: sent.slice(m.since ?? 0), heapUsed: process.memoryUsage().heapUsed };
      send({ id: m.id, data: stats });
    } else if (m.cmd === 'heapAfterGc') {
      (globalThis as { gc?: () => void }).gc?.();
      send({ id: m.id, data: process.memoryUsage().heapUsed });
    } else if (m.cmd === 'stop') {
      stop()
        .catch((err) => log.error({ err }, 'stop failed'))
        .finally(() => process.exit(0));
    } else {
      send({ id: m.id, error: `unknown command ${m.cmd}` });
    }
  });
  process.on('disconnect', () => process.exit(0));
}

const role = process.argv[2] as Role;
main(role).catch((err) => {
  send({ type: 'failed', error: err instanceof Error ? err.stack ?? err.message : String(err) });
  process.exit(1);
});
