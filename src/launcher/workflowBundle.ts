/**
 * The workflow bundle a worker runs (src/workflows, built by the SDK's webpack bundler).
 *
 * Built once, to a file: `npm run build:bundle` (src/cli/buildBundle.ts) writes
 * dist/workflow-bundle.js, which the image ships and its worker runs (WORKFLOW_BUNDLE_PATH); the
 * tests' global setup writes the same kind of file with the same function, and the replay tests
 * replay the recorded histories on it, so what is replayed is what ships.
 *
 * Without a pre-built file (`npm start`, a worker with WORKFLOW_BUNDLE_PATH unset), the bundle is
 * built in a child process: webpack needs about 110 MB, which a worker bundling in its own process
 * keeps as resident memory for its whole life (docs/benchmarks.md). Run as a script, this file is
 * that child: it builds the bundle and sends the code back over IPC.
 */
import { fork } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { bundleWorkflowCode, type Logger } from '@temporalio/worker';
import { ConfigError } from '../config';

/**
 * Modules the workflows of a worker share instead of each loading its own copy. With a reused V8
 * context every run evaluates the modules it imports for itself; zod and the task schemas built
 * from it are most of that, and are immutable data: shared, a cached claim costs a fraction of
 * its memory (docs/benchmarks.md). Only stateless modules belong here.
 */
export const WORKFLOW_PRELOAD_MODULES = ['zod', require.resolve('../shared/tasks')];

/** The bundler's own chatter (sizes, progress) is left out; its errors go to stderr. */
const quiet: Logger = { log: () => undefined, trace: () => undefined, debug: () => undefined, info: () => undefined, warn: () => undefined, error: (m) => console.error(m) };

/** Builds the bundle in this process (the build command and the tests' global setup, which exit afterwards). */
export async function buildWorkflowBundle(): Promise<{ code: string }> {
  const { code } = await bundleWorkflowCode({ workflowsPath: require.resolve('../workflows'), preloadModules: WORKFLOW_PRELOAD_MODULES, logger: quiet });
  return { code };
}

/** Where `npm run build:bundle` writes the bundle (from the package root); the image runs it. */
export const WORKFLOW_BUNDLE_FILE = path.join('dist', 'workflow-bundle.js');

/** A bundle as a file: its path, its code and the first 12 hex digits of the code's sha256. */
export interface WorkflowBundleFile {
  path: string;
  code: string;
  sha256: string;
}

/** The short sha256 that names a bundle in the logs (an operator compares it with the image's). */
export const bundleDigest = (code: string): string => createHash('sha256').update(code).digest('hex').slice(0, 12);

/**
 * Builds the bundle and writes it to `file` (directories created). The SDK's bundle carries its
 * source map inline, so stack traces of the file point into src/workflows.
 */
export async function writeWorkflowBundle(file: string): Promise<WorkflowBundleFile> {
  const { code } = await buildWorkflowBundle();
  const out = path.resolve(file);
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, code);
  return { path: out, code, sha256: bundleDigest(code) };
}

/**
 * Reads a pre-built bundle. No such file is a configuration error that names the variable which
 * pointed at it: a worker told to run a shipped bundle never falls back to bundling its own.
 */
export function readWorkflowBundle(file: string, variable = 'WORKFLOW_BUNDLE_PATH'): WorkflowBundleFile {
  const out = path.resolve(file);
  let code: string;
  try {
    code = fs.readFileSync(out, 'utf8');
  } catch (err) {
    const why = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message;
    throw new ConfigError(`Invalid configuration:\n  ${variable}: cannot read the workflow bundle ${out} (${why}); build it with \`npm run build:bundle\` or unset ${variable}`);
  }
  if (!code.includes('__TEMPORAL__')) {
    throw new ConfigError(`Invalid configuration:\n  ${variable}: ${out} is not a workflow bundle (build it with \`npm run build:bundle\`)`);
  }
  return { path: out, code, sha256: bundleDigest(code) };
}

/**
 * Builds the bundle in a child process, with this process's runtime flags; from TypeScript
 * source run without tsx's loader (jest), the child gets it.
 */
export function buildWorkflowBundleApart(timeoutMs = 5 * 60_000): Promise<{ code: string }> {
  const execArgv = __filename.endsWith('.ts') && !process.execArgv.some((a) => a.includes('tsx')) ? [...process.execArgv, '--import', 'tsx'] : process.execArgv;
  return new Promise((resolve, reject) => {
    const child = fork(__filename, ['--build'], { execArgv, stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`bundling the workflows took more than ${timeoutMs / 1000} s`));
    }, timeoutMs);
    let code: string | undefined;
    child.on('message', (m: { code?: string; error?: string }) => {
      if (m.error) reject(new Error(`bundling the workflows failed: ${m.error}`));
      else code = m.code;
    });
    child.once('error', reject);
    child.once('exit', (status) => {
      clearTimeout(timer);
      if (code !== undefined) resolve({ code });
      else reject(new Error(`the workflow bundler exited (${status}) without a bundle`));
    });
  });
}

if (require.main === module && process.argv.includes('--build')) {
  buildWorkflowBundle().then(
    ({ code }) => process.send!({ code }, () => process.disconnect()),
    (err: unknown) => process.send!({ error: err instanceof Error ? (err.stack ?? err.message) : String(err) }, () => process.disconnect()),
  );
}
