import { limaTimeOfDay } from '../../src/calendar/businessCalendar';
import { DEFAULT_SETTINGS } from '../../src/shared/settings';
import { uniqueId } from './infra';
import type { Stack } from './stack';

/** Lima `HH:MM` a few minutes from now; near midnight, waits for the new day (at most 8 minutes). */
export async function limaTimeSoon(minutes: number): Promise<string> {
  while (limaTimeOfDay(new Date(Date.now() + (minutes + 2) * 60_000)) < limaTimeOfDay(new Date())) await new Promise((r) => setTimeout(r, 10_000));
  return limaTimeOfDay(new Date(Date.now() + minutes * 60_000));
}

/**
 * Today's daily opening (P2.2.2) of a center on the stack's worker, in real time: its hours start
 * in a minute, so the verification is due at once. Started as its Schedule would; returns the run id.
 * `closeAfterMinutes` closes the center that long after it opens (the run ends at closing);
 * otherwise it closes at 23:59.
 */
export async function startOpeningToday(stack: Stack, centerId: string, o: { closeAfterMinutes?: number } = {}): Promise<string> {
  // limaTimeSoon leaves two minutes before midnight: a closing within them is still today.
  if (o.closeAfterMinutes !== undefined && !(o.closeAfterMinutes >= 1 && o.closeAfterMinutes <= 2)) throw new RangeError('closeAfterMinutes: 1 or 2');
  const open = await limaTimeSoon(1);
  const close = o.closeAfterMinutes === undefined ? '23:59' : limaTimeOfDay(new Date(Date.now() + (1 + o.closeAfterMinutes) * 60_000));
  const day = { open, close };
  await stack.models.Center.updateOne({ _id: centerId }, { $set: { hours: { weekdays: day, saturday: day, sundayAndHolidays: day } } });
  const runId = uniqueId(`P2.2.2-${centerId}`);
  await stack.client.workflow.start('dailyOpeningWorkflow', {
    taskQueue: stack.taskQueue,
    workflowId: runId,
    args: [{ meta: { runId, code: 'P2.2.2', centerId, startedBy: { sub: `apertura-diaria-${centerId}`, role: 'schedule' }, searchAttributes: false }, input: { centerId }, settings: DEFAULT_SETTINGS }],
  });
  return runId;
}
