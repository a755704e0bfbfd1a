/**
 * Starts the real components once per test run (STYLE: infrastructure in global setup) on free
 * loopback ports: the document store (FerretDB on PostgreSQL), the Temporal dev server and
 * MailDev. Builds the workflow bundle once, to a file, with the function `npm run build:bundle`
 * uses for the image's dist/workflow-bundle.js (`writeWorkflowBundle`): every test's worker runs it
 * and the replay tests replay the recorded histories on it, so what is replayed is the artifact
 * that ships. Endpoints reach the test files through MAC_TEST_*.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { writeWorkflowBundle } from '../../src/launcher/workflowBundle';
import { freePort, startDocumentStore, startMailDev, startTemporal, type EmbeddedService } from '../../src/launcher/embedded';

export default async function globalSetup(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mac-engine-test-'));
  const logDir = path.join(dir, 'logs');
  const [bundle, store, temporal, mail] = await Promise.all([
    writeWorkflowBundle(path.join(dir, 'workflow-bundle.js')),
    Promise.all([freePort(), freePort()]).then(([port, postgresPort]) => startDocumentStore({ port, postgresPort, dataDir: path.join(dir, 'store'), logDir, durable: false })),
    freePort().then((port) => startTemporal({ port, uiPort: null, dbFile: null, namespace: 'default', logDir })),
    Promise.all([freePort(), freePort()]).then(([smtpPort, webPort]) => startMailDev({ smtpPort, webPort, mailDir: null, logDir })),
  ]);
  Object.assign(process.env, {
    MAC_TEST_DIR: dir,
    MAC_TEST_WORKFLOW_BUNDLE: bundle.path,
    MAC_TEST_MONGO_URI: store.url,
    MAC_TEST_POSTGRES_URL: store.postgresUrl,
    MAC_TEST_TEMPORAL_ADDRESS: temporal.url,
    MAC_TEST_SMTP_URL: mail.url,
    MAC_TEST_MAIL_WEB: mail.webUrl,
  });
  (globalThis as { __MAC_SERVICES__?: EmbeddedService[] }).__MAC_SERVICES__ = [store, temporal, mail];
}

