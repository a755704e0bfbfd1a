/**
 * Faults: the document store (FerretDB over PostgreSQL, DESIGN §3) stopped and started again on
 * its data, twice, while runs are under way. The API answers 503 meanwhile (never 500), the
 * activities that met the outage are retried by Temporal, and every run finishes.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort, startDocumentStore, type DocumentStore } from '../../src/launcher/embedded';
import { startStack, type Stack } from '../helpers/stack';
import { recordRow } from './harness';
import { expectNothingLostOrRepeated, throughRestarts } from './restart';

let store: DocumentStore;
let stack: Stack;
let storeOptions: Parameters<typeof startDocumentStore>[0];

beforeAll(async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mac-fault-store-'));
  storeOptions = { port: await freePort(), postgresPort: await freePort(), dataDir: path.join(dir, 'store'), logDir: path.join(dir, 'logs'), durable: false };
  store = await startDocumentStore(storeOptions);
  stack = await startStack({ store: { mongoUri: store.url, postgresUrl: store.postgresUrl } });
});
afterAll(async () => {
  await stack?.close();
  await store?.stop();
});

test('when the document store is restarted twice mid-run, then the API answers 503 meanwhile, never 500, and every run finishes with each email and number once', async () => {
  const outcome = await throughRestarts(stack, {
    scenario: 'document store restarted',
    outageMs: 12_000,
    down: () => store.stop(),
    up: async () => {
      store = await startDocumentStore(storeOptions);
    },
  });
  recordRow(outcome.row);
  expectNothingLostOrRepeated(outcome);
  expect(outcome.answers['GET /health 503']).toBeGreaterThan(0);
});
