/**
 * The worker's keep-alive heartbeats (src/activities/keepAlive.ts): a running activity beats
 * every few seconds however long it takes, so only a dead worker misses its heartbeat timeout;
 * an activity that heartbeats its own progress, or has no heartbeat timeout, is left alone.
 */
import type { Context } from '@temporalio/activity';
import { heartbeatsItself, KEEP_ALIVE_EVERY_MS, keepAliveInterceptor } from '../../src/activities/keepAlive';

afterEach(() => jest.useRealTimers());

async function beatsDuring(activities: object, activityType: string, heartbeatTimeoutMs: number | undefined, runsForMs: number): Promise<number> {
  jest.useFakeTimers();
  const heartbeat = jest.fn();
  const ctx = { info: { activityType, heartbeatTimeoutMs }, heartbeat } as unknown as Context;
  const inbound = keepAliveInterceptor(activities)(ctx).inbound!;
  let finish!: (v: string) => void;
  const done = inbound.execute!({ args: [], headers: {} }, () => new Promise((r) => (finish = r)));
  await jest.advanceTimersByTimeAsync(runsForMs);
  finish('ok');
  expect(await done).toBe('ok');
  const beats = heartbeat.mock.calls.length;
  // Nothing beats once the activity is over.
  await jest.advanceTimersByTimeAsync(KEEP_ALIVE_EVERY_MS * 3);
  expect(heartbeat.mock.calls.length).toBe(beats);
  return beats;
}

const activities = { recordTask: async () => undefined, announceDecree: heartbeatsItself(async () => undefined) };

test('when an activity with a heartbeat timeout runs for a minute, then the worker beats for it every few seconds, until it ends', async () => {
  expect(await beatsDuring(activities, 'recordTask', 20_000, 60_000)).toBe(Math.floor(60_000 / KEEP_ALIVE_EVERY_MS));
});

test('when an activity ends within the first beat, then it costs no heartbeat at all', async () => {
  expect(await beatsDuring(activities, 'recordTask', 20_000, KEEP_ALIVE_EVERY_MS - 1)).toBe(0);
});

test('when an activity heartbeats its own progress, then the worker adds no beat that would replace it', async () => {
  expect(await beatsDuring(activities, 'announceDecree', 20_000, 60_000)).toBe(0);
});

test('when an activity has no heartbeat timeout, then nothing beats for it (Temporal forbids it)', async () => {
  expect(await beatsDuring(activities, 'recordTask', undefined, 60_000)).toBe(0);
});
