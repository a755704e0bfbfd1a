import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import { ROOT, testEnv } from './infra';

/**
 * A Temporal client whose signals fail while `failing(workflowId)` says so: `'fail'` as a
 * transient outage answers (gRPC UNAVAILABLE); a promise: the call hangs until it settles, then
 * fails (a worker that died mid-call, as far as Temporal can tell). Everything else goes to the
 * real client. For activities that act on other runs (`ActivityDeps.client`).
 */
export function withFaultySignals(client: Client, failing: (workflowId: string) => 'fail' | Promise<unknown> | false): Client {
  const workflow = new Proxy(client.workflow, {
    get(target, prop) {
      const value = Reflect.get(target, prop, target);
      if (prop !== 'getHandle') return typeof value === 'function' ? value.bind(target) : value;
      return (workflowId: string, ...rest: unknown[]) => {
        const handle = (target.getHandle as (...a: unknown[]) => ReturnType<Client['workflow']['getHandle']>)(workflowId, ...rest);
        return {
          ...handle,
          signal: (...args: Parameters<typeof handle.signal>) => {
            const fault = failing(workflowId);
            const outage = () => Promise.reject(Object.assign(new Error('14 UNAVAILABLE: injected outage'), { name: 'ServiceError' }));
            if (fault === 'fail') return outage();
            if (fault) return fault.then(outage, outage);
            return handle.signal(...args);
          },
        };
      };
    },
  });
  return new Proxy(client, {
    get(target, prop) {
      if (prop === 'workflow') return workflow;
      const value = Reflect.get(target, prop, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

/**
 * The standalone worker (`worker.ts`) as a child process on a stack's Temporal namespace, task
 * queue and database, with its configuration's payload keys (the development key): a stack meant
 * for it is started with `{ worker: false, payloadKeys: DEV_PAYLOAD_KEYS }`. It runs the bundle the
 * global setup built, so a replacement starts in seconds. Kill it with SIGKILL to crash it.
 */
export function spawnWorkerProcess(stack: { temporalAddress: string; namespace: string; taskQueue: string; mongoUri: string }, env: NodeJS.ProcessEnv = {}): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'worker.ts')], {
    cwd: ROOT,
    env: {
      ...process.env,
      TEMPORAL_ADDRESS: stack.temporalAddress,
      TEMPORAL_NAMESPACE: stack.namespace,
      TEMPORAL_TASK_QUEUE: stack.taskQueue,
      MONGODB_URI: stack.mongoUri,
      SMTP_URL: testEnv.smtpUrl(),
      WORKFLOW_BUNDLE_PATH: testEnv.workflowBundle().codePath,
      LOG_LEVEL: 'warn',
      ...env,
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

/** Resolves when the process has exited (at once if it already had). */
export const exited = (c: ChildProcess): Promise<void> =>
  new Promise((resolve) => (c.exitCode !== null || c.signalCode !== null ? resolve() : c.once('exit', () => resolve())));
