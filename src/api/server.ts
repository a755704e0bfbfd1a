/**
 * The API as a standalone process against external services (docker compose: `node
 * dist/src/api/server.js`). `npm start` runs the same app in-process with the embedded services.
 */
import { Connection } from '@temporalio/client';
import { getConfig, requireEndpoints } from '../config';
import { createLogger } from '../logger';
import { connectModels } from '../db/models';
import { createSmtpMailer } from '../activities/mailer';
import { createApp } from './app';
import { apiDepsFromConfig } from './deps';
import { seedDemoUsers } from '../web/users';

async function main(): Promise<void> {
  const config = getConfig();
  const endpoints = requireEndpoints(config);
  const log = createLogger(config.LOG_LEVEL);
  const models = await connectModels(endpoints.mongoUri);
  const connection = await Connection.connect({ address: endpoints.temporalAddress });
  const mailer = createSmtpMailer(endpoints.smtpUrl);
  // A staging try-out on real services may ask for the web pages' demo users (DEMO_USERS=true).
  if (config.DEMO_USERS) log.info({ users: (await seedDemoUsers(models)).length }, 'demo users seeded');
  const app = createApp(apiDepsFromConfig(config, { models, connection, mailer, log }));
  const server = app.listen(config.PORT, config.HOST, () => log.info({ port: config.PORT, host: config.HOST }, 'API listening'));
  const stop = () => {
    log.info('API stopping');
    server.close(async () => {
      await Promise.all([connection.close(), models.connection.close()]);
      mailer.close();
    });
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

if (require.main === module) {
  main().catch((err) => {
    createLogger().fatal({ err }, 'API failed to start');
    process.exitCode = 1;
  });
}
