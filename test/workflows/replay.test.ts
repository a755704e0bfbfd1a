/**
 * Replays every recorded history in test/histories/ against today's workflow code (DESIGN §7):
 * a change that would break determinism for runs already in flight fails here, before it ships.
 * Record new histories with `RECORD_HISTORIES=1 npx jest test/workflows`.
 *
 * What is replayed is the artifact that ships: the bundle file the global setup wrote with
 * `writeWorkflowBundle`, the function `npm run build:bundle` runs for the image's
 * dist/workflow-bundle.js (the file its worker runs). To replay on a shipped image's bundle
 * instead, point MAC_REPLAY_BUNDLE at it, e.g. copied out of the image:
 *   docker cp "$(docker create mac-engine:local)":/app/dist/workflow-bundle.js /tmp/
 *   MAC_REPLAY_BUNDLE=/tmp/workflow-bundle.js npx jest test/workflows/replay.test.ts
 * A MAC_REPLAY_BUNDLE that names no bundle fails the file, naming the variable.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Worker } from '@temporalio/worker';
import { temporal } from '@temporalio/proto';
import { ROOT, testEnv } from '../helpers/infra';
import { readWorkflowBundle } from '../../src/launcher/workflowBundle';
import * as workflows from '../../src/workflows';

const dir = path.join(ROOT, 'test', 'histories');
const files = fs.readdirSync(dir).filter((f) => f.endsWith('.history.pb'));
const load = (f: string) => temporal.api.history.v1.History.decode(fs.readFileSync(path.join(dir, f)));

const fromImage = process.env.MAC_REPLAY_BUNDLE;
const bundle = fromImage ? readWorkflowBundle(fromImage, 'MAC_REPLAY_BUNDLE') : readWorkflowBundle(testEnv.workflowBundle().codePath, 'MAC_TEST_WORKFLOW_BUNDLE');
const which = fromImage ? 'the bundle MAC_REPLAY_BUNDLE names' : 'the bundle npm run build:bundle builds';

beforeAll(() => {
  // The same path and short sha256 a worker logs at start ("workflow bundle").
  process.stderr.write(`replaying test/histories on ${bundle.path} (sha256 ${bundle.sha256})\n`);
});

test('when the recorded histories are listed, then every workflow type the worker registers has one', () => {
  const types = new Set(files.map((f) => load(f).events[0].workflowExecutionStartedEventAttributes!.workflowType!.name));
  expect([...types].sort()).toEqual(Object.keys(workflows).sort());
});

test.each(files)(`when %s is replayed on ${which}, then it is deterministic`, async (file) => {
  await Worker.runReplayHistory({ workflowBundle: { code: bundle.code } }, load(file), file);
});
