import type { ActivityInterceptorsFactory } from '@temporalio/worker';

/**
 * Heartbeats for activities that do not send their own, so a worker that dies mid-activity is
 * noticed within the activity's heartbeat timeout (seconds) instead of its start-to-close timeout
 * (minutes: long on purpose, so a slow but working store is never retried into a storm, issue 8).
 * The beat comes from the worker's event loop while the activity's promise is pending: a live
 * worker keeps beating however slow the store, a killed one stops at once.
 *
 * Activities that heartbeat themselves (progress they resume from, e.g. a decree's announcement)
 * are marked with `heartbeatsItself`: an empty beat from here would replace their details.
 */
const HEARTBEATS_ITSELF = Symbol('heartbeatsItself');

/** How often the worker beats for a running activity (the SDK throttles to 80 % of its timeout). */
export const KEEP_ALIVE_EVERY_MS = 5_000;

export function heartbeatsItself<F extends (...args: never[]) => unknown>(fn: F): F {
  return Object.assign(fn, { [HEARTBEATS_ITSELF]: true });
}

/** The worker interceptor: `activities` is what the worker registers (to find the marks). */
export function keepAliveInterceptor(activities: object): ActivityInterceptorsFactory {
  return (ctx) => ({
    inbound: {
      async execute(input, next) {
        const fn = (activities as Record<string, unknown>)[ctx.info.activityType] as { [HEARTBEATS_ITSELF]?: boolean } | undefined;
        // Without a heartbeat timeout the activity must not heartbeat (Temporal's rule).
        if (!ctx.info.heartbeatTimeoutMs || fn?.[HEARTBEATS_ITSELF]) return next(input);
        // The first beat after KEEP_ALIVE_EVERY_MS: the many activities that end sooner cost no RPC.
        const timer = setInterval(() => ctx.heartbeat(), KEEP_ALIVE_EVERY_MS);
        try {
          return await next(input);
        } finally {
          clearInterval(timer);
        }
      },
    },
  });
}
