import { CancelledFailure, Context } from '@temporalio/activity';
import { heartbeatsItself } from './keepAlive';
import { WorkflowNotFoundError } from '@temporalio/client';
import { saveNonWorkingDay } from '../calendar/service';
import { calendarChangedSignal, type CalendarChange } from '../shared/messages';
import type { AnnouncementProgress, DecreeActor, DecreeResult } from '../shared/decree';
import type { ActivityDeps } from './index';

export interface AnnounceDecreeInput {
  date: string;
  reason: string;
  decreedBy: DecreeActor;
  decreedAt: string;
  batchSize: number;
  concurrency: number;
}

/**
 * Tells every open claim that a day was decreed non-working (DESIGN §5), so each re-plans its
 * legal term and records the reason.
 *
 * Why one long activity and not a workflow loop over batches: listing the open claims batch by
 * batch would query `{ status: 'open', _id: { $gt: cursor } }` once per batch, and the document
 * store serves only the equality from an index (the range is filtered in memory: 10,000 claims
 * read 100 times over). So each attempt opens one streaming cursor over the open claims in `_id`
 * order, signals them in batches with bounded concurrency, and after every batch records how far
 * it got — in its heartbeat (Temporal's own resume point) and on the decreed day (exact, as the
 * heartbeat is throttled; and what `GET /calendar/non-working-days` shows). A retry — after a
 * transient failure, or after a worker crash noticed by the heartbeat timeout — resumes after the
 * furthest of the two, so finished batches are not told again; the run's history stays a handful
 * of events whatever the number of claims. The batch in flight may be told twice: a claim ignores
 * a decree it already has (claim.ts).
 */
export function createDecreeActivities(deps: Pick<ActivityDeps, 'models' | 'client' | 'clock'>) {
  const { models, client, clock } = deps;

  async function saveProgress(input: AnnounceDecreeInput, status: 'announcing' | 'done', progress: AnnouncementProgress): Promise<void> {
    await models.NonWorkingDay.updateOne(
      { _id: input.date },
      { $set: { announcement: { status, ...progress, updatedAt: clock() } } },
    );
  }

  return {
    // Its heartbeat carries the progress a retry resumes from (src/activities/keepAlive.ts).
    announceDecree: heartbeatsItself(async (input: AnnounceDecreeInput): Promise<DecreeResult> => {
      const ctx = Context.current();
      // The day is in the calendar before any claim is told (a claim re-plans from the calendar).
      // The API saves it too; whoever comes first writes it, the other changes nothing.
      await saveNonWorkingDay(models, { date: input.date, reason: input.reason, createdBy: input.decreedBy.sub, createdAt: new Date(input.decreedAt) });
      const day = (await models.NonWorkingDay.findById(input.date).lean())!;
      // What the calendar says is what the claims record (two racing POSTs: the first reason stands).
      const change: CalendarChange = { date: input.date, reason: day.reason, decreedAt: day.createdAt.toISOString(), decreedBy: { sub: day.createdBy ?? input.decreedBy.sub, role: input.decreedBy.role } };

      // Resume after the furthest batch either record reached (claims go in `_id` order).
      const recorded = [ctx.info.heartbeatDetails as AnnouncementProgress | undefined, day.announcement as AnnouncementProgress | undefined];
      const furthest = recorded.filter((p) => p?.after).sort((a, b) => (a!.after! < b!.after! ? 1 : -1))[0];
      const total = recorded.find((p) => p?.total != null)?.total ?? (await models.Claim.countDocuments({ status: 'open' }));
      let progress: AnnouncementProgress = furthest ? { after: furthest.after, reached: furthest.reached, skipped: furthest.skipped, total } : { reached: 0, skipped: 0, total };
      ctx.heartbeat(progress);
      await saveProgress(input, 'announcing', progress);

      const tell = async (id: string): Promise<'reached' | 'skipped'> => {
        try {
          await client.workflow.getHandle(id).signal(calendarChangedSignal, change);
          return 'reached';
        } catch (err) {
          // Answered (its run completed) or never started here: no term left to move.
          if (err instanceof WorkflowNotFoundError) return 'skipped';
          throw err;
        }
      };

      const tellBatch = async (ids: string[]): Promise<void> => {
        const outcomes = await settleWithLimit(ids, input.concurrency, async (id) => {
          const outcome = await tell(id);
          ctx.heartbeat(progress); // alive, while a slow batch goes on; progress moves per batch
          return outcome;
        });
        const failed = outcomes.find((o) => o.status === 'rejected');
        // A transient failure (Temporal unavailable, rate limited): this attempt ends and the
        // activity's retry policy starts the next one after the last finished batch.
        if (failed) throw failed.reason;
        const told = outcomes.map((o) => (o as PromiseFulfilledResult<'reached' | 'skipped'>).value);
        progress = {
          after: ids[ids.length - 1],
          reached: progress.reached + told.filter((o) => o === 'reached').length,
          skipped: progress.skipped + told.filter((o) => o === 'skipped').length,
          total: progress.total,
        };
        ctx.heartbeat(progress);
        await saveProgress(input, 'announcing', progress);
        if (ctx.cancellationSignal.aborted) throw new CancelledFailure(String(ctx.cancellationSignal.reason ?? 'cancelled'));
      };

      // One cursor per attempt; the index serves `status`, the resume point is filtered as it streams.
      const cursor = models.Claim.find({ status: 'open', ...(progress.after ? { _id: { $gt: progress.after } } : {}) }, { _id: 1 })
        .sort({ _id: 1 })
        .lean()
        .cursor({ batchSize: Math.max(input.batchSize, 100) });
      try {
        let batch: string[] = [];
        for await (const claim of cursor) {
          batch.push(claim._id);
          if (batch.length >= input.batchSize) {
            await tellBatch(batch);
            batch = [];
          }
        }
        if (batch.length) await tellBatch(batch);
      } finally {
        await cursor.close();
      }
      await saveProgress(input, 'done', progress);
      return { date: input.date, reason: change.reason, reached: progress.reached, skipped: progress.skipped, total: progress.total };
    }),
  };
}

/** Runs `fn` over `items` with at most `limit` at once, and waits for every one to settle. */
async function settleWithLimit<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<PromiseSettledResult<R>[]> {
  const results: PromiseSettledResult<R>[] = new Array(items.length);
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const i = next++;
      try {
        results[i] = { status: 'fulfilled', value: await fn(items[i]) };
      } catch (reason) {
        results[i] = { status: 'rejected', reason };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, lane));
  return results;
}
