import { ApplicationFailure } from '@temporalio/common';
import { Context } from '@temporalio/activity';
import { WorkflowNotFoundError } from '@temporalio/client';
import type { ActivityDeps } from './index';
import { findCenter, tolerantUpsert } from '../db/models';
import { loadCalendar } from '../calendar/service';
import { limaDate, limaInstant } from '../calendar/businessCalendar';
import { computeIndicators } from '../domain/indicators';
import { buildIndicatorReport, monthBounds, monthLabel, shiftMonth, type IndicatorReport } from '../domain/indicatorReport';
import type { IndicatorGoal } from '../shared/settings';
import { CENTER_AUDIT_FORMAT, chainCenterDays, datesBetween, summarizeMonth, type CenterMonthRecord, type CenterMonthSummary } from '../audit/centerChain';
import { auditChainStart, centerRunIds, readRunDays, temporalTimelineReader } from '../audit/centerHistories';

export interface IndicatorReportPeriod {
  /** The month reported, `YYYY-MM`. */
  month: string;
  monthLabel: string;
  /** The first business day after the month (Lima), and the instant the report is issued on it. */
  issueOn: string;
  issueAt: string;
}

/**
 * The activities of PE1.3.1's monthly indicator report (src/workflows/indicatorReport.ts): its
 * period on the business calendar, the claim that makes it once per center and month, and its
 * figures from the runs' records.
 */
export function createIndicatorReportActivities(deps: ActivityDeps) {
  const { models, clock } = deps;
  return {
    /**
     * The month a report covers (given, or else the month before `at`, Lima: what a schedule firing
     * on day 1 reports) and when it is issued: the first business day after that month — not a
     * weekend, a national holiday (Jan 1) or a decreed non-working day of the store — at `time`.
     */
    async indicatorReportPeriod(input: { month?: string; at: string; time: string }): Promise<IndicatorReportPeriod> {
      const month = input.month ?? shiftMonth(limaDate(new Date(input.at)).slice(0, 7), -1);
      const calendar = await loadCalendar(models);
      const first = `${shiftMonth(month, 1)}-01`;
      const issueOn = calendar.isBusinessDay(first) ? first : calendar.addBusinessDays(first, 1);
      return { month, monthLabel: monthLabel(month), issueOn, issueAt: limaInstant(issueOn, input.time).toISOString() };
    },

    /**
     * Claims the center's report of a month for a run; returns the run that holds it (maybe
     * another). A run that held it and ended before issuing it (cancelled, terminated) gives it up:
     * else that month could never be reported.
     */
    async claimIndicatorReport(input: { centerId: string; month: string; runId: string }): Promise<{ runId: string }> {
      const id = `${input.centerId}:${input.month}`;
      await tolerantUpsert(() =>
        models.IndicatorReport.updateOne(
          { _id: id },
          { $setOnInsert: { centerId: input.centerId, month: input.month, runId: input.runId, status: 'claimed', claimedAt: clock() } },
          { upsert: true },
        ),
      );
      const held = (await models.IndicatorReport.findById(id, { runId: 1, status: 1 }).lean())!;
      if (held.runId === input.runId || held.status === 'issued') return { runId: held.runId };
      const holder = await deps.client.workflow
        .getHandle(held.runId)
        .describe()
        .then((d) => d.status.name)
        .catch((err: unknown) => (err instanceof WorkflowNotFoundError ? 'NOT_FOUND' : Promise.reject(err)));
      if (holder === 'RUNNING') return { runId: held.runId };
      await models.IndicatorReport.updateOne({ _id: id, runId: held.runId, status: 'claimed' }, { $set: { runId: input.runId, takenOverFrom: held.runId, claimedAt: clock() } });
      return { runId: (await models.IndicatorReport.findById(id, { runId: 1 }).lean())!.runId };
    },

    /** The report's figures: every indicator of the center for the month and the month before. */
    async indicatorReportData(input: { centerId: string; month: string; goals: Record<string, IndicatorGoal>; reportingCode: string }): Promise<IndicatorReport> {
      const center = await findCenter(models, input.centerId);
      if (!center) throw ApplicationFailure.nonRetryable(`center ${input.centerId} does not exist`, 'CenterNotFound');
      const today = limaDate(clock());
      const figures = (month: string) => computeIndicators(models, { centerIds: [input.centerId], ...monthBounds(month), today });
      const [current, previous] = await Promise.all([figures(input.month), figures(shiftMonth(input.month, -1))]);
      return buildIndicatorReport({ month: input.month, current, previous, goals: input.goals, reportingCode: input.reportingCode });
    },

    /**
     * The center's audit chain for the month (src/audit/centerChain.ts): every run that may have
     * entries in it read from its Temporal history once, at most HISTORY_CONCURRENCY at a time,
     * heartbeating; each day's head chained from the previous report's final head. The full record
     * (every day's runs and their heads) is stored with the month's report; the run gets only the
     * day heads and counts its document prints (a Temporal payload stays small).
     */
    async indicatorReportAuditChain(input: { centerId: string; month: string; runId: string }): Promise<CenterMonthSummary> {
      const { from, to } = monthBounds(input.month);
      const startsFrom = await auditChainStart(models, input.centerId, input.month);
      const runIds = await centerRunIds(models, input.centerId, from, to);
      const heartbeat = (done: number, total: number) => Context.current().heartbeat({ done, total });
      const { runs, unavailable } = await readRunDays(runIds, temporalTimelineReader(deps.client), { from, to, onProgress: heartbeat });
      const days = chainCenterDays({ centerId: input.centerId, dates: datesBetween(from, to), startHead: startsFrom.head, runs });
      const record: CenterMonthRecord = {
        format: CENTER_AUDIT_FORMAT,
        centerId: input.centerId,
        month: input.month,
        startsFrom,
        days,
        head: days[days.length - 1].head,
        unavailable,
        runsRead: runIds.length,
        computedAt: clock().toISOString(),
      };
      await models.IndicatorReport.updateOne({ _id: `${input.centerId}:${input.month}`, runId: input.runId }, { $set: { auditChain: record } });
      return summarizeMonth(record);
    },

    /** The month's report went out: a later run for it ends as a duplicate whatever this one does next. */
    async markIndicatorReportIssued(input: { centerId: string; month: string; runId: string; document: string }): Promise<void> {
      await models.IndicatorReport.updateOne(
        { _id: `${input.centerId}:${input.month}`, runId: input.runId },
        { $set: { status: 'issued', document: input.document, issuedAt: clock() } },
      );
    },
  };
}
