import type { Client } from '@temporalio/client';

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
