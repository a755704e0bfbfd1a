/**
 * The workflow bundle (src/launcher/workflowBundle.ts): the image ships a pre-built file
 * (`npm run build:bundle` → dist/workflow-bundle.js) that its standalone worker runs
 * (WORKFLOW_BUNDLE_PATH); without one, a worker builds it in a child process, so webpack's memory
 * never stays in the worker: the bundle comes back whole over IPC.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildWorkflowBundleApart, readWorkflowBundle } from '../../src/launcher/workflowBundle';
import { ConfigError } from '../../src/config';
import * as workflows from '../../src/workflows';
import { ROOT, testEnv } from '../helpers/infra';

test('when the bundle is built apart, then it carries every workflow the worker registers', async () => {
  const { code } = await buildWorkflowBundleApart();
  for (const name of Object.keys(workflows)) expect(code).toContain(name);
  expect(code).toContain('__TEMPORAL__');
}, 120_000);

test('when the built bundle file is read, then it is named by its path and the first 12 digits of its sha256', () => {
  const file = testEnv.workflowBundle().codePath;
  const bundle = readWorkflowBundle(file);
  expect(bundle.path).toBe(path.resolve(file));
  expect(bundle.sha256).toBe(createHash('sha256').update(fs.readFileSync(file)).digest('hex').slice(0, 12));
  for (const name of Object.keys(workflows)) expect(bundle.code).toContain(name);
});

test('when a file is not a workflow bundle, then reading it is refused naming the variable', () => {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'mac-bundle-')), 'not-a-bundle.js');
  fs.writeFileSync(file, 'module.exports = {};\n');
  expect(() => readWorkflowBundle(file, 'MAC_REPLAY_BUNDLE')).toThrow(ConfigError);
  expect(() => readWorkflowBundle(file, 'MAC_REPLAY_BUNDLE')).toThrow(/MAC_REPLAY_BUNDLE: .*not-a-bundle\.js is not a workflow bundle/);
});

describe('the standalone worker (worker.ts) and WORKFLOW_BUNDLE_PATH', () => {
  // Endpoints nothing listens on: the bundle is settled before any connection is tried.
  const nowhere = { TEMPORAL_ADDRESS: '127.0.0.1:9', MONGODB_URI: 'mongodb://127.0.0.1:9/mac', SMTP_URL: 'smtp://127.0.0.1:9', LOG_LEVEL: 'info' };

  /** Runs worker.ts until it exits or `until` sees its logs; then it is killed. Resolves with its exit code (null if killed) and logs. */
  function runWorker(env: NodeJS.ProcessEnv, until?: (logs: string) => boolean): Promise<{ code: number | null; logs: string }> {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'worker.ts')], { cwd: ROOT, env: { ...process.env, ...nowhere, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let logs = '';
    const take = (chunk: Buffer) => {
      logs += chunk.toString();
      if (until?.(logs)) child.kill('SIGKILL');
    };
    child.stdout.on('data', take);
    child.stderr.on('data', take);
    return new Promise((resolve) => child.once('exit', (code) => resolve({ code, logs })));
  }

  test('when WORKFLOW_BUNDLE_PATH names a missing file, then the worker refuses to start, naming the variable and the file', async () => {
    const missing = path.join(os.tmpdir(), 'mac-engine-no-such-dir', 'workflow-bundle.js');
    const { code, logs } = await runWorker({ WORKFLOW_BUNDLE_PATH: missing });
    expect(code).toBe(1);
    expect(logs).toContain('worker failed');
    expect(logs).toContain(`WORKFLOW_BUNDLE_PATH: cannot read the workflow bundle ${missing} (no such file)`);
  }, 60_000);

  test('when WORKFLOW_BUNDLE_PATH names a built bundle, then the worker logs that file and its sha256 before it connects', async () => {
    const bundle = readWorkflowBundle(testEnv.workflowBundle().codePath);
    const { logs } = await runWorker({ WORKFLOW_BUNDLE_PATH: bundle.path }, (l) => l.includes('"msg":"workflow bundle"'));
    const line = logs.split('\n').find((l) => l.includes('"msg":"workflow bundle"'));
    expect(line && JSON.parse(line)).toMatchObject({ level: 30, workflowBundle: { path: bundle.path, sha256: bundle.sha256 } });
  }, 60_000);
});
