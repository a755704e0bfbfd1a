/**
 * PE1.3.1's monthly indicator report through the whole engine (API + worker + Temporal dev server +
 * FerretDB + MailDev over SMTP), in real time (issue 11: "sent once even if the schedule fires
 * twice"). Its schedule is triggered twice: the run reports the month that ended. Once its first
 * business day has come (most days of the year), the report is issued at once and checked by
 * email; before it (Jan 1, a month starting on a weekend), the holder is waiting for that day and
 * nothing is issued yet — the wait itself is tested on the time-skipping server
 * (test/workflows/indicator-report).
 */
import { ensureIndicatorReportSchedules, indicatorReportScheduleId } from '../../src/schedules/indicatorReport';
import { DEFAULT_SETTINGS } from '../../src/shared/settings';
import { eventually, mailsTo, startStack, type Stack } from '../helpers/stack';
import { loadCalendar } from '../../src/calendar/service';
import { limaDate, limaInstant } from '../../src/calendar/businessCalendar';
import { shiftMonth } from '../../src/domain/indicatorReport';

let stack: Stack;
const COORDINATOR = 'coordinacion.piura@mac.gob.pe';
const SSCS = 'sscs@pcm.gob.pe';
const started: string[] = [];

beforeAll(async () => {
  stack = await startStack();
});

afterAll(async () => {
  for (const id of started) await stack.client.workflow.getHandle(id).terminate('test over').catch(() => undefined);
  await stack?.close();
});

test('when the monthly report schedule of Piura fires twice, then one run issues the report, emailed once to the coordinator and SSCS with its HTML and PDF, and the other is cancelled naming it', async () => {
  const schedules = await ensureIndicatorReportSchedules(stack.client, { models: stack.models, taskQueue: stack.taskQueue, searchAttributes: true, settings: DEFAULT_SETTINGS });
  expect(schedules.created).toContain(indicatorReportScheduleId('piura'));
  const schedule = stack.client.schedule.getHandle(indicatorReportScheduleId('piura'));
  await schedule.trigger();
  // A second later: Temporal names each firing's workflow by its time, to the second.
  await new Promise((r) => setTimeout(r, 1500));
  await schedule.trigger();

  const sscs = stack.auth('sscs', '*', 'sscs-ana');
  const runs = await eventually(async () => {
    const res = await stack.http.get('/api/v1/runs?code=PE1.3.1&centerId=piura').set(sscs);
    const list = res.body.runs as { runId: string; status: string; summary: string; startedBy: unknown }[];
    return list?.length === 2 && list.some((r) => r.status === 'cancelled') ? list : undefined;
  }, 'two runs of PE1.3.1, one of them cancelled');
  started.push(...runs.map((r) => r.runId));
  const issuing = runs.find((r) => r.status !== 'cancelled')!;
  const duplicate = runs.find((r) => r.status === 'cancelled')!;
  expect(issuing.runId).toMatch(/^PE1\.3\.1-piura-\d{4}-\d{2}-\d{2}T/);
  expect(issuing.startedBy).toEqual({ sub: indicatorReportScheduleId('piura'), role: 'schedule' });
  expect(duplicate.summary).toContain(`duplicado: lo emite ${issuing.runId}`);

  // The first business day of this month, when last month's report is issued.
  const calendar = await loadCalendar(stack.models);
  const first = `${limaDate(new Date()).slice(0, 7)}-01`;
  const issueOn = calendar.isBusinessDay(first) ? first : calendar.addBusinessDays(first, 1);
  if (Date.now() < limaInstant(issueOn, DEFAULT_SETTINGS.indicators.issueAt).getTime()) {
    // Not yet: the holder waits for that day, with the month claimed and nothing issued.
    expect(issuing.status).toBe('running');
    expect(await stack.models.IndicatorReport.findById(`piura:${shiftMonth(first.slice(0, 7), -1)}`).lean()).toMatchObject({ runId: issuing.runId });
    expect(await stack.models.Document.countDocuments({ centerId: 'piura', type: 'reporte_indicadores' })).toBe(0);
    return;
  }

  const mail = await eventually(async () => (await mailsTo(COORDINATOR)).find((m) => m.html.includes(issuing.runId)), 'the report by email');
  expect(mail.subject).toMatch(/^Centro MAC Piura: reporte mensual de indicadores de .+ — REPORTE DE INDICADORES N° 001-\d{4}-CMAC-PIURA$/);
  expect(mail.to.map((t) => t.address)).toEqual(expect.arrayContaining([COORDINATOR, SSCS]));
  expect(mail.attachments?.map((a) => a.fileName)).toEqual([expect.stringMatching(/\.html$/), expect.stringMatching(/\.pdf$/)]);
  const run = await eventually(async () => {
    const res = await stack.http.get(`/api/v1/runs/${encodeURIComponent(issuing.runId)}`).set(sscs);
    return res.body.tasks?.some((t: { type: string }) => t.type === 'analyse_indicators') ? res.body : undefined;
  }, 'the analysis in the inbox');
  expect(run.documents.map((d: { type: string }) => d.type)).toEqual(['reporte_indicadores']);
  // Once: no other email of the duplicate, a moment later.
  await new Promise((r) => setTimeout(r, 1000));
  expect((await mailsTo(SSCS)).filter((m) => runs.some((r) => m.html.includes(r.runId)))).toHaveLength(1);
  expect(await stack.models.Document.countDocuments({ centerId: 'piura', type: 'reporte_indicadores' })).toBe(1);
});
