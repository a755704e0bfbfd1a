/**
 * Replays every recorded history in test/histories/ against today's workflow code (DESIGN §7):
 * a change that would break determinism for runs already in flight fails here, before it ships.
 * Record new histories with `RECORD_HISTORIES=1 npx jest test/workflows`.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Worker } from '@temporalio/worker';
import { temporal } from '@temporalio/proto';
import { ROOT, testEnv } from '../helpers/infra';
import * as workflows from '../../src/workflows';

const dir = path.join(ROOT, 'test', 'histories');
const files = fs.readdirSync(dir).filter((f) => f.endsWith('.history.pb'));
const load = (f: string) => temporal.api.history.v1.History.decode(fs.readFileSync(path.join(dir, f)));

test('when the recorded histories are listed, then every workflow type the worker registers has one', () => {
  const types = new Set(files.map((f) => load(f).events[0].workflowExecutionStartedEventAttributes!.workflowType!.name));
  expect([...types].sort()).toEqual(Object.keys(workflows).sort());
});

test.each(files)('when %s is replayed on the current code, then it is deterministic', async (file) => {
  await Worker.runReplayHistory({ workflowBundle: testEnv.workflowBundle() }, load(file), file);
});
