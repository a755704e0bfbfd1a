/**
 * What the engine's Temporal Schedules share (the daily openings, the monthly indicator reports):
 * comparing a described schedule with the one we would create, and reading or deleting one that
 * may not exist.
 */
import { ScheduleNotFoundError, type Client, type ScheduleDescription } from '@temporalio/client';
import type { SearchAttributePair, TypedSearchAttributes } from '@temporalio/common';

/** JSON with sorted keys, so two equal values compare equal whatever their key order. */
export function canonical(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b))) : v,
  );
}

/** Search attributes as sorted `[name, value]` pairs, from either of the SDK's shapes. */
export function searchAttributePairs(attrs: SearchAttributePair[] | TypedSearchAttributes | undefined): [string, unknown][] {
  const list = attrs === undefined ? [] : Array.isArray(attrs) ? attrs : attrs.getAll();
  return list.map((p): [string, unknown] => [p.key.name, p.value]).sort(([x], [y]) => x.localeCompare(y));
}

export async function describeOrNull(client: Client, scheduleId: string): Promise<ScheduleDescription | null> {
  try {
    return await client.schedule.getHandle(scheduleId).describe();
  } catch (err) {
    if (err instanceof ScheduleNotFoundError) return null;
    throw err;
  }
}

/** Deletes a schedule; false if there was none. */
export async function deleteIfPresent(client: Client, scheduleId: string): Promise<boolean> {
  try {
    await client.schedule.getHandle(scheduleId).delete();
    return true;
  } catch (err) {
    if (err instanceof ScheduleNotFoundError) return false;
    throw err;
  }
}
