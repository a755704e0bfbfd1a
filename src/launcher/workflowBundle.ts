/**
 * The workflow bundle a worker runs (src/workflows, built by the SDK's webpack bundler), built in
 * a child process: webpack needs about 110 MB, which a worker bundling in its own process keeps
 * as resident memory for its whole life (docs/benchmarks.md). Run as a script, this file is that
 * child: it builds the bundle and sends the code back over IPC.
 */
import { fork } from 'node:child_process';
import { bundleWorkflowCode, type Logger } from '@temporalio/worker';

/**
 * Modules the workflows of a worker share instead of each loading its own copy. With a reused V8
 * context every run evaluates the modules it imports for itself; zod and the task schemas built
 * from it are most of that, and are immutable data: shared, a cached claim costs a fraction of
 * its memory (docs/benchmarks.md). Only stateless modules belong here.
 */
export const WORKFLOW_PRELOAD_MODULES = ['zod', require.resolve('../shared/tasks')];

/** The bundler's own chatter (sizes, progress) is left out; its errors go to stderr. */
const quiet: Logger = { log: () => undefined, trace: () => undefined, debug: () => undefined, info: () => undefined, warn: () => undefined, error: (m) => console.error(m) };

/** Builds the bundle in this process (the tests' global setup, which exits afterwards). */
export async function buildWorkflowBundle(): Promise<{ code: string }> {
  const { code } = await bundleWorkflowCode({ workflowsPath: require.resolve('../workflows'), preloadModules: WORKFLOW_PRELOAD_MODULES, logger: quiet });
  return { code };
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
