/**
 * The daily heads of a center's audit chain in PE1.3.1's monthly report (issue 13: "the daily head
 * of each center's chain included in the monthly report, so a later rewrite is detectable"), on
 * the time-skipping server through the HTTP API with the real activities: a procedure runs over
 * several days of a month, the month's report prints each day's head chained from the previous
 * report's final head, SSCS's check (GET /centers/{id}/audit-days) accepts the month as recorded,
 * and the same check over a history rewritten later names the first day that differs.
 */
import { BusinessCalendar, limaDate, limaInstant } from '../../src/calendar/businessCalendar';
import { datesBetween } from '../../src/audit/centerChain';
import { checkCenterMonth, temporalTimelineReader, type TimelineReader } from '../../src/audit/centerHistories';
import { monthBounds, shiftMonth } from '../../src/domain/indicatorReport';
import { DEFAULT_SETTINGS } from '../../src/shared/settings';
import { indicatorReportWorkflow } from '../../src/workflows';
import type { IndicatorReportWorkflowInput } from '../../src/workflows/indicatorReport';
import { useApiFlow } from '../helpers/apiFlow';
import { maybeRecordHistory } from '../helpers/infra';

const flow = useApiFlow();
const T = {
  sscs: flow.token('sscs', 'sscs-auditora'),
  coordinator: flow.token('coordinator', 'coord-ln', { centers: ['lima-norte'] }),
  supervisor: flow.token('supervisor', 'sup-ln', { centers: ['lima-norte'] }),
};
const PREVIOUS_HEAD = 'ab'.repeat(32);
const eventIdOf = (e: object) => (e as { eventId?: number }).eventId;

test("when a month's report is issued for Lima Norte, then it prints every day's audit head chained from the previous report's final head, SSCS's check finds every day as recorded, and after a history entry is rewritten the check names that entry's day as the first that differs", async () => {
  // The month after the server's today, so every entry of the month is made by this test.
  const month = shiftMonth(limaDate(flow.now).slice(0, 7), 1);
  const previous = shiftMonth(month, -1);
  // The report of the month before recorded its final head (kept with that report in the store).
  await flow.ctx.models.IndicatorReport.create({
    _id: `lima-norte:${previous}`, centerId: 'lima-norte', month: previous, runId: `PE1.3.1-lima-norte-${previous}`, status: 'issued', claimedAt: new Date(),
    document: 'REPORTE DE INDICADORES N° 011-2026-CMAC-LIMA-NORTE', auditChain: { head: PREVIOUS_HEAD, days: [] },
  });

  // PE1.3.1's neighbour PE1.1.3: scheduled on day 3, reported on day 9.
  await flow.skipTo(limaInstant(`${month}-03`, '10:00'));
  const runId = await flow.start('PE1.1.3', T.coordinator, { centerId: 'lima-norte', subject: 'Programación de actividades del mes', period: month });
  await flow.openTask(runId, 'procedure_step', T.coordinator);
  await flow.skipTo(limaInstant(`${month}-05`, '11:00'));
  await flow.complete(runId, 'procedure_step', T.coordinator, { outcome: 'done', notes: 'Actividades programadas' });
  await flow.skipTo(limaInstant(`${month}-09`, '11:00'));
  await flow.complete(runId, 'procedure_step', T.supervisor, { outcome: 'done', notes: 'Cumplidas', figures: { activitiesScheduled: 10, activitiesDone: 9 } });
  await flow.runStatus(runId, T.coordinator, 'completed');

  // The month's report, started on its issue day, the first business day after the month (the
  // API refuses a month after the wall clock's, and the server's clock is ahead of it here).
  const first = `${shiftMonth(month, 1)}-01`;
  const calendar = new BusinessCalendar();
  const issueOn = calendar.isBusinessDay(first) ? first : calendar.addBusinessDays(first, 1);
  await flow.skipTo(limaInstant(issueOn, '09:00'));
  const report = `PE1.3.1-lima-norte-${month}-audit`;
  const args: IndicatorReportWorkflowInput = {
    meta: { runId: report, code: 'PE1.3.1', centerId: 'lima-norte', startedBy: { sub: 'coord-ln', role: 'coordinator' }, searchAttributes: false },
    input: { centerId: 'lima-norte', month },
    settings: DEFAULT_SETTINGS,
  };
  await flow.ctx.env.client.workflow.start(indicatorReportWorkflow, { taskQueue: flow.taskQueue, workflowId: report, args: [args] });
  await flow.openTask(report, 'analyse_indicators', T.coordinator);

  // SSCS checks the month: every day recorded, every day as recorded.
  const res = await flow.http.get('/api/v1/centers/lima-norte/audit-days').query({ month }).set('Authorization', T.sscs);
  expect(res.status).toBe(200);
  const days = datesBetween(monthBounds(month).from, monthBounds(month).to);
  expect(res.body).toMatchObject({
    format: 'mac-center-audit-chain/1', centerId: 'lima-norte', month, ok: true, firstDifferingDay: null,
    report: { runId: report }, startsFrom: { kind: 'previous_report', month: previous, head: PREVIOUS_HEAD, linked: true },
    summary: `all ${days.length} days match the report`,
  });
  const checked = res.body.days as { date: string; recordedHead: string; recomputedHead: string; status: string; runs: number }[];
  expect(checked.map((d) => d.date)).toEqual(days);
  expect(checked.every((d) => d.status === 'verified' && d.recordedHead === d.recomputedHead)).toBe(true);
  const withRuns = (date: string) => checked.find((d) => d.date === date)!.runs;
  // The procedure on days 3, 5 and 9; none on day 4 (the report's run starts the month after).
  for (const date of [`${month}-03`, `${month}-05`, `${month}-09`]) expect(withRuns(date)).toBeGreaterThanOrEqual(1);
  expect(withRuns(`${month}-04`)).toBe(0);
  expect(res.body.recordedHead).toBe(checked[checked.length - 1].recordedHead);

  // The document prints every day's head and the month's final head, chained from the report before.
  const run = await flow.run(report, T.coordinator);
  const html = (await flow.ctx.models.Document.findById(run.documents[0].id).lean())!.html!;
  expect(html).toContain('Cadena de auditoría del Centro MAC: cabeza diaria');
  expect(html).toContain(`la cabeza final de ${previous} (REPORTE DE INDICADORES N° 011-2026-CMAC-LIMA-NORTE)`);
  expect(html).toContain(PREVIOUS_HEAD);
  for (const d of checked) expect(html).toContain(d.recordedHead);
  expect(html).toContain('Cabeza final del mes');

  // Later, someone rewrites who completed the first task on day 5 (a history as a rewritten
  // Temporal store would serve it): the same check names day 5, and only that run.
  const held = temporalTimelineReader(flow.ctx.env.client);
  const completion = (await held(runId))!.find((e) => (e as { kind?: string }).kind === 'task_completed')!;
  expect(limaDate(new Date(completion.at))).toBe(`${month}-05`);
  const rewritten: TimelineReader = async (id) => {
    const timeline = await held(id);
    return id !== runId || !timeline ? timeline : timeline.map((e) => (eventIdOf(e) === eventIdOf(completion) ? { ...e, actor: { sub: 'otra-persona', role: 'coordinator' } } : e));
  };
  const verdict = (await checkCenterMonth(flow.ctx.models, rewritten, 'lima-norte', month))!;
  expect(verdict).toMatchObject({ ok: false, firstDifferingDay: `${month}-05` });
  expect(verdict.summary).toBe(`${month}-05 is the first day that differs from the report: ${runId} altered`);
  const statuses = verdict.days.map((d) => d.status);
  expect(statuses.slice(0, 4).every((s) => s === 'verified')).toBe(true);
  expect(statuses.slice(4).every((s) => s === 'differs')).toBe(true);

  // A month no report recorded is not found; a supervisor may not check.
  expect((await flow.http.get('/api/v1/centers/lima-norte/audit-days').query({ month: '2020-01' }).set('Authorization', T.sscs)).status).toBe(404);
  expect((await flow.http.get('/api/v1/centers/lima-norte/audit-days').query({ month }).set('Authorization', T.supervisor)).status).toBe(403);
  expect((await flow.http.get('/api/v1/centers/lima-norte/audit-days').query({ month: '2026-13' }).set('Authorization', T.sscs)).status).toBe(400);

  await flow.complete(report, 'analyse_indicators', T.coordinator, { analysis: 'Se revisaron los resultados y la cadena de auditoría del mes.' });
  await flow.runStatus(report, T.coordinator, 'completed');
  await maybeRecordHistory('indicator-report-audit-chain-issued', flow.ctx.env.client.workflow.getHandle(report));
});
