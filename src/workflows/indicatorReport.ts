import { patched, proxyActivities, sleep, workflowInfo } from '@temporalio/workflow';
import type { z } from 'zod';
import { acts, Run, withRun } from './run';
import type { Activities, Recipient } from '../activities';
import { NON_RETRYABLE_ACTIVITY_ERRORS } from '../shared/errors';
import type { RunMeta, RunState } from '../shared/messages';
import { DEFAULT_SETTINGS, type EngineSettings } from '../shared/settings';
import type { TaskData } from '../shared/tasks';
import type { indicatorReportInputSchema } from '../catalog';

export type IndicatorReportInput = z.infer<typeof indicatorReportInputSchema>;

export interface IndicatorReportWorkflowInput {
  /** Without `runId` when its Schedule starts it: the run is then named by its workflow id. */
  meta: Omit<RunMeta, 'runId'> & { runId?: string };
  input: IndicatorReportInput;
  settings: EngineSettings;
}

/**
 * Issue 13: the report carries the daily heads of the center's audit chain. Runs recorded before
 * it replay without reading the histories.
 */
export const AUDIT_CHAIN_PATCH = 'indicator-report-audit-chain';

/**
 * Reading a month of histories (thousands of runs at a busy center) takes longer than the few
 * store operations `acts` is sized for: a long timeout, kept honest by heartbeats per history.
 */
const histories = proxyActivities<Activities>({
  startToCloseTimeout: '1 hour',
  heartbeatTimeout: '2 minutes',
  retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '5 minutes', nonRetryableErrorTypes: NON_RETRYABLE_ACTIVITY_ERRORS },
});

/** Issue 11: "emailed to the coordinator and SSCS". */
const REPORT_RECIPIENTS: Recipient[] = [{ kind: 'role', role: 'coordinator' }, { kind: 'sscs' }];

/**
 * PE1.3.1 Gestión de indicadores (Cuadro 07; Listado 2.4.2: "% Cumplimiento de indicadores"), the
 * monthly indicator report of a center (issue 11). Started by the center's Schedule on day 1 of
 * each month (src/schedules/indicatorReport.ts), or by the coordinator or SSCS through the API:
 *
 * 1. The month reported is the one given, or the month before the start (Lima). The report is
 *    issued on the first business day after that month at `settings.indicators.issueAt`: a
 *    Temporal calendar cannot say "first business day", so the schedule fires on day 1 and the
 *    run waits (a durable timer) until the day the business calendar names — weekends, national
 *    holidays (Jan 1) and the non-working days decreed in the store skipped.
 * 2. Once per center and month: the first run claims `<centerId>:<YYYY-MM>`; another (the schedule
 *    firing twice, a manual start) ends `cancelled` naming it, with no document and no email.
 * 3. Every indicator of the catalog for the center, the month and the month before (glossary,
 *    "Indicador de desempeño": compared with previous periods and with goals), each against its
 *    goal when it has one (settings.indicators.goals), in ONE numbered document (HTML and PDF)
 *    emailed to the coordinator and SSCS-SGP.
 * 4. The coordinator analyses the results and proposes improvement actions (one at least when an
 *    indicator missed its goal), which closes the run with the figures of PE1.3.1's own indicator:
 *    indicators that met their goal over those judged.
 * 5. The report also prints the daily heads of the center's audit chain for the month
 *    (src/audit/centerChain.ts; issue 13), recorded with the report so a later rewrite of a
 *    history is found by GET /centers/{id}/audit-days.
 */
export async function indicatorReportWorkflow(args: IndicatorReportWorkflowInput): Promise<RunState> {
  const meta: RunMeta = { ...args.meta, runId: args.meta.runId ?? workflowInfo().workflowId };
  return withRun(meta, (run) => reportRun(run, args));
}

async function reportRun(run: Run, { input, settings }: IndicatorReportWorkflowInput): Promise<RunState> {
  const { runId, centerId, code } = run.meta;
  // Settings given to runs before the report existed have no `indicators` block.
  const options = settings.indicators ?? DEFAULT_SETTINGS.indicators;
  const period = await acts.indicatorReportPeriod({
    ...(input.month ? { month: input.month } : {}),
    at: new Date(workflowInfo().startTime).toISOString(),
    time: options.issueAt,
  });
  const holder = await acts.claimIndicatorReport({ centerId, month: period.month, runId });
  const duplicateOf = holder.runId !== runId ? holder.runId : undefined;
  // A duplicate is listed as such, naming the run that reports the month.
  const summary = `Reporte mensual de indicadores de ${period.monthLabel}${duplicateOf ? ` — duplicado: lo emite ${duplicateOf}` : ''}`;
  await run.begin(summary, {}, `indicator-report:${period.month}`);
  if (duplicateOf) return run.finish('cancelled', {}, { month: period.month, duplicateOf });

  const wait = Date.parse(period.issueAt) - Date.now();
  if (wait > 0) await sleep(wait);

  const report = await acts.indicatorReportData({ centerId, month: period.month, goals: options.goals, reportingCode: code });
  // 5. (issue 13) The day heads of the center's audit chain for the month, printed in the report.
  const auditChain = patched(AUDIT_CHAIN_PATCH) ? await histories.indicatorReportAuditChain({ centerId, month: period.month, runId }) : undefined;
  const document = await run.document('reporte', 'reporte_indicadores', { ...report, issueOn: period.issueOn, ...(auditChain ? { auditChain } : {}) });
  await run.notify('reporte', REPORT_RECIPIENTS, 'indicator_report', { monthLabel: report.monthLabel, summary: report.summary, document }, [document.id]);
  await acts.markIndicatorReportIssued({ centerId, month: period.month, runId, document: document.reference });

  const { indicatorsMet, indicatorsWithGoal, notMet } = report.summary;
  const analysis = await run.task({
    key: 'analyse',
    type: 'analyse_indicators',
    title: `Analizar los resultados del ${document.reference} (${report.monthLabel}) y proponer acciones de mejora`,
    role: 'coordinator',
    dueBusinessDays: options.analysisDays,
    check: (data: TaskData<'analyse_indicators'>) =>
      notMet.length && !data.improvementActions?.length
        ? `improvementActions: at least one is required, ${notMet.length} indicator(s) did not meet their goal (${notMet.map((n) => n.id).join(', ')})`
        : undefined,
  });
  return run.finish(
    'completed',
    { reports: 1, indicatorsMet, indicatorsWithGoal },
    {
      month: period.month,
      issueOn: period.issueOn,
      document: document.reference,
      indicatorsMet,
      indicatorsWithGoal,
      notMet: notMet.map((n) => n.id),
      improvementActions: analysis.data.improvementActions ?? [],
    },
  );
}
