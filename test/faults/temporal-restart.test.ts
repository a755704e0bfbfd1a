/**
 * Faults: the Temporal dev server killed (SIGKILL) and started again on its persisted SQLite
 * file, twice, while runs are under way (DESIGN §3). The API answers 503 meanwhile, never 500;
 * the worker reconnects by itself and every run finishes.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort, startTemporal, type EmbeddedService, type TemporalOptions } from '../../src/launcher/embedded';
import { exited } from '../helpers/faults';
import { startStack, type Stack } from '../helpers/stack';
import { recordRow } from './harness';
import { expectNothingLostOrRepeated, throughRestarts } from './restart';

let temporal: EmbeddedService;
let stack: Stack;
let options: TemporalOptions;

beforeAll(async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mac-fault-temporal-'));
  options = { port: await freePort(), uiPort: null, dbFile: path.join(dir, 'temporal.db'), namespace: 'default', logDir: path.join(dir, 'logs') };
  temporal = await startTemporal(options);
  stack = await startStack({ temporalAddress: temporal.url });
});
afterAll(async () => {
  await stack?.close();
  await temporal?.stop();
});

test('when the Temporal server is killed and restarted on its data twice mid-run, then the API answers 503 meanwhile, never 500, and every run finishes with each email and number once', async () => {
  const outcome = await throughRestarts(stack, {
    scenario: 'Temporal server killed and restarted',
    outageMs: 8_000,
    down: async () => {
      temporal.child.kill('SIGKILL');
      await exited(temporal.child);
    },
    up: async () => {
      temporal = await startTemporal(options);
    },
  });
  recordRow(outcome.row);
  expectNothingLostOrRepeated(outcome);
  expect(outcome.answers['POST /procedures/{code}/runs 503']).toBeGreaterThan(0);
});
