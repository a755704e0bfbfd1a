/**
 * PE1.3.1 Gestión de indicadores: the monthly indicator report (issue 11; Listado 2.4.2 "%
 * Cumplimiento de indicadores"; glossary "Indicador de desempeño": compared with previous periods
 * and goals) on the time-skipping server, with the real activities on the document DB and a
 * recording mailer. The month's runs are recorded as workflows record them (recordRun, closeRun).
 */
import { WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import type { Actor } from '../../src/shared/roles';
import { DEFAULT_SETTINGS } from '../../src/shared/settings';
import { limaDate, limaInstant } from '../../src/calendar/businessCalendar';
import { computeIndicators } from '../../src/domain/indicators';
import { shiftMonth } from '../../src/domain/indicatorReport';
import { createActivities } from '../../src/activities';
import { loadTemplates } from '../../src/templates';
import { getStateQuery } from '../../src/shared/messages';
import { indicatorReportWorkflow } from '../../src/workflows';
import type { IndicatorReportWorkflowInput } from '../../src/workflows/indicatorReport';
import { completeTask, maybeRecordHistory, RecordingMailer, TEST_SSCS_EMAIL, uniqueId, useWorkflowTestEnv, waitForTask } from '../helpers/infra';
import { pdfToText } from '../helpers/pdf';

const ctx = useWorkflowTestEnv({ serverPerTest: true });
const coordinator: Actor = { sub: 'coord-ln', role: 'coordinator', centers: ['lima-norte'] };
const COORDINATOR_MAIL = 'coordinacion.limanorte@mac.gob.pe';

/** A run's input; `runId: null` as the schedule starts it (the run is named by its workflow id). */
function report(month?: string, runId: string | null = uniqueId('PE1.3.1-lima-norte')): IndicatorReportWorkflowInput {
  return {
    meta: { ...(runId ? { runId } : {}), code: 'PE1.3.1', centerId: 'lima-norte', startedBy: { sub: 'reporte-indicadores-lima-norte', role: 'schedule' }, searchAttributes: false },
    input: { centerId: 'lima-norte', ...(month ? { month } : {}) },
    settings: DEFAULT_SETTINGS,
  };
}

function startReport(taskQueue: string, args: IndicatorReportWorkflowInput, workflowId = args.meta.runId!): Promise<WorkflowHandle<typeof indicatorReportWorkflow>> {
  return ctx.env.client.workflow.start(indicatorReportWorkflow, { taskQueue, workflowId, args: [args] }).then(ctx.track);
}

/**
 * Closed runs of lima-norte, recorded through the activities exactly as the workflows record them:
 * `begin` (recordRun with its start metrics), then `finish` (closeRun with its closing metrics).
 */
async function recordRuns(runs: { code: string; workflowType: string; day: string; start?: Record<string, number>; close: Record<string, number>; claim?: { inTerm: boolean } }[]) {
  const acts = createActivities({ models: ctx.models, mailer: new RecordingMailer(), templates: loadTemplates(), clock: () => new Date(), mail: { from: 'x@mac.gob.pe', sscsEmail: TEST_SSCS_EMAIL }, client: ctx.env.client });
  for (const r of runs) {
    const runId = uniqueId(`${r.code}-lima-norte`);
    const startedAt = limaInstant(r.day, '10:00').toISOString();
    await acts.recordRun({ runId, code: r.code, centerId: 'lima-norte', workflowType: r.workflowType, summary: 'recorded for the report', startedBy: { sub: 'test', role: 'supervisor' }, startedAt, metrics: r.start ?? {} });
    await acts.closeRun({ runId, status: 'completed', closedAt: limaInstant(r.day, '16:00').toISOString(), metrics: r.close });
    if (r.claim) {
      // …and a claim's entry in the Libro de Reclamaciones, where its answer in term is read.
      const citizen = { name: 'Ana Quispe', documentType: 'DNI', documentNumber: '45678912', email: 'ana@example.pe' };
      await acts.openClaimRecord({ number: runId, centerId: 'lima-norte', entity: null, citizen, description: 'd', request: 'r', registeredAt: startedAt, dueDate: shiftDay(r.day, 42), dueAt: limaInstant(shiftDay(r.day, 42), '23:59').toISOString() });
      await acts.updateClaimRecord({ number: runId, set: { status: 'answered', inTerm: r.claim.inTerm, answeredAt: limaInstant(r.day, '16:00').toISOString() } });
    }
  }
}

const reportMails = (mailer: RecordingMailer, address: string) => mailer.to(address).filter((m) => m.subject.includes('reporte mensual de indicadores'));

const claim = (day: string, inTerm: boolean, accepted: boolean) => ({
  code: 'PM1.4.2', workflowType: 'claimWorkflow', day, start: { registered: 1 },
  close: { answered: 1, answeredInTerm: inTerm ? 1 : 0, accepted: accepted ? 1 : 0, rejected: accepted ? 0 : 1 },
  claim: { inTerm },
});
const shiftDay = (day: string, days: number) => new Date(Date.parse(`${day}T12:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
const openingDay = (day: string, onTime: boolean, hoursClosed = 0) => ({
  code: 'P2.2.2', workflowType: 'dailyOpeningWorkflow', day, close: { days: 1, openedOnTime: onTime ? 1 : 0, notOpened: onTime ? 0 : 1, hoursClosed },
});
const incident = (day: string) => ({
  code: 'PM1.3.3', workflowType: 'incidentWorkflow', day, start: { registered: 1 },
  close: { registered: 1, closed: 1, resolvedSatisfactorily: 1, reopened: 0, escalated: 0 },
});

describe('PE1.3.1 monthly indicator report', () => {
  test('when the report of a month runs for Lima Norte, then ONE numbered document with the real figures of the month and the month before goes to the coordinator and SSCS as HTML and PDF, the coordinator must propose improvements for the goals missed, and a second run for the same month is cancelled naming the first with no document and no email', async () => {
    // Two months back: its first business day has passed, so the report is issued at once.
    const today = limaDate(new Date(await ctx.env.currentTimeMs()));
    const month = shiftMonth(today.slice(0, 7), -2);
    const previous = shiftMonth(month, -1);
    await recordRuns([
      // The month: 3 claims, 2 answered in term (66,67 %), 1 accepted; 4 days, 3 opened on time
      // (75 %), 2,5 hours closed; 1 incident solved satisfactorily (100 %).
      claim(`${month}-03`, true, true), claim(`${month}-10`, true, false), claim(`${month}-17`, false, false),
      openingDay(`${month}-07`, true), openingDay(`${month}-08`, true), openingDay(`${month}-09`, false, 2.5), openingDay(`${month}-14`, true),
      incident(`${month}-21`),
      // The month before: 1 claim in term (100 %); 2 days on time (100 %).
      claim(`${previous}-15`, true, true), openingDay(`${previous}-15`, true), openingDay(`${previous}-16`, true),
    ]);
    const mailer = new RecordingMailer();
    const { worker, taskQueue } = await ctx.worker(mailer);
    const first = report(month);
    const second = report(month);

    const { result, duplicate, state } = await worker.runUntil(async () => {
      const handle = await startReport(taskQueue, first);
      const { task } = await waitForTask(handle, 'analyse_indicators');
      expect(task).toMatchObject({ role: 'coordinator', status: 'open' });
      // Three goals were missed (claims in term twice — PM1.4.2 and PM1.3.2 — and days opened on time): improvements are required.
      await expect(completeTask(handle, task.id, coordinator, { analysis: 'Se revisaron los resultados.' })).rejects.toThrow(WorkflowUpdateFailedError);

      // The schedule fires again (or someone starts it by hand) for the same month.
      const again = await startReport(taskQueue, second);
      const duplicate = await again.result();
      await maybeRecordHistory('indicator-report-duplicate', again);

      await completeTask(handle, task.id, coordinator, {
        analysis: 'Un reclamo se respondió fuera del plazo de ley y un día se abrió tarde por falta de Internet.',
        improvementActions: ['Alertas de plazo a 10 y 3 días hábiles al responsable de reclamos', 'Enlace de Internet de respaldo con otro proveedor'],
      });
      const result = await handle.result();
      await maybeRecordHistory('indicator-report-issued', handle);
      return { result, duplicate, state: await handle.query(getStateQuery) };
    });

    // The report: met 1 (incidents) of the 4 indicators with a goal and a value → 25 %.
    expect(result).toMatchObject({ status: 'completed', result: { month, indicatorsMet: 1, indicatorsWithGoal: 4 } });
    expect([...(result.result!.notMet as string[])].sort()).toEqual(['claims_in_term', 'claims_timely', 'opened_on_time']);
    expect(duplicate).toMatchObject({ status: 'cancelled', result: { month, duplicateOf: first.meta.runId } });
    expect(duplicate.documents).toEqual([]);
    expect(duplicate.notifications).toEqual([]);
    expect(await ctx.models.Run.findById(second.meta.runId).lean()).toMatchObject({ status: 'cancelled', summary: expect.stringContaining(`duplicado: lo emite ${first.meta.runId}`) });

    // ONE numbered document, with the month's figures beside the month before's.
    const docs = await ctx.models.Document.find({ centerId: 'lima-norte', type: 'reporte_indicadores' }).lean();
    expect(docs.map((d) => d.runId)).toEqual([first.meta.runId]);
    expect(state.documents).toEqual([docs[0]._id]);
    expect(docs[0].reference).toMatch(/^REPORTE DE INDICADORES N° \d{3}-\d{4}-CMAC-LIMA-NORTE$/);
    const html = docs[0].html!;
    expect(html).toContain('Reporte mensual de indicadores — Centro MAC Lima Norte');
    for (const text of ['66,67 %', '75 %', '2,5 horas', '−33,33 p.p.', '−25 p.p.', '≥ 100 %', 'No cumple', 'Cumple', '25 %']) expect(html).toContain(text);

    // Exactly one email, to the coordinator and SSCS, with the report as HTML and PDF (the run
    // waited for the analysis while the duplicate ran: the coordinator may also get its reminder).
    expect(reportMails(mailer, COORDINATOR_MAIL)).toHaveLength(1);
    expect(reportMails(mailer, TEST_SSCS_EMAIL)).toHaveLength(1);
    const mail = reportMails(mailer, COORDINATOR_MAIL)[0];
    expect(mail.to).toEqual(expect.arrayContaining([COORDINATOR_MAIL, TEST_SSCS_EMAIL]));
    expect(mail.subject).toContain(docs[0].reference!);
    expect(mail.attachments.map((a) => a.filename)).toEqual([expect.stringMatching(/\.html$/), expect.stringMatching(/\.pdf$/)]);
    // (Table cells wrap their words over lines in the PDF's text.)
    const pdf = (await pdfToText(mail.attachments[1].content as Buffer)).replace(/\s+/g, ' ');
    for (const text of ['Lima Norte', '66,67 %', '75 %', '2,5 horas', 'No cumple']) expect(pdf).toContain(text);

    // The run feeds PE1.3.1's own indicator, in the period it ran in (this month).
    const now = await computeIndicators(ctx.models, { centerIds: ['lima-norte'], from: `${today.slice(0, 7)}-01`, to: today });
    const own = now.find((p) => p.code === 'PE1.3.1')!.indicators.find((i) => i.id === 'indicators_met');
    expect(own).toMatchObject({ numerator: 1, denominator: 4, value: 25 });
    expect(await ctx.models.IndicatorReport.findById(`lima-norte:${month}`).lean()).toMatchObject({ runId: first.meta.runId, status: 'issued', document: docs[0].reference });
  });

  test('when the schedule fires on 2027-01-01 (a holiday, before a weekend), then the run reports December 2026 and waits until Monday 2027-01-04 at 08:00 Lima to issue it', async () => {
    const now = await ctx.env.currentTimeMs();
    const fires = limaInstant('2027-01-01', '06:00').getTime();
    expect(now).toBeLessThan(fires);
    await ctx.env.sleep(fires - now);
    const mailer = new RecordingMailer();
    const { worker, taskQueue } = await ctx.worker(mailer);
    // As the schedule starts it: no run id, the workflow id Temporal gives the firing.
    const workflowId = 'PE1.3.1-lima-norte-2027-01-01T11:00:00Z';
    await worker.runUntil(async () => {
      const handle = await startReport(taskQueue, report(undefined, null), workflowId);
      // Friday (holiday), Saturday, Sunday… until Monday 07:59: listed, waiting, nothing issued.
      await ctx.env.sleep(limaInstant('2027-01-04', '07:59').getTime() - fires);
      const waiting = await handle.query(getStateQuery);
      expect(waiting).toMatchObject({ runId: workflowId, status: 'running', documents: [], tasks: [] });
      expect(await ctx.models.Run.findById(workflowId).lean()).toMatchObject({ code: 'PE1.3.1', status: 'running', summary: 'Reporte mensual de indicadores de diciembre de 2026' });
      expect(await ctx.models.Document.countDocuments({ runId: workflowId })).toBe(0);
      // 08:00 on the first business day: issued, and the analysis is open.
      await ctx.env.sleep('2 minutes');
      const { task, state } = await waitForTask(handle, 'analyse_indicators');
      expect(Date.parse(task.createdAt)).toBeGreaterThanOrEqual(limaInstant('2027-01-04', '08:00').getTime());
      expect(limaDate(new Date(task.createdAt))).toBe('2027-01-04');
      expect(state.documents).toHaveLength(1);
    });
    const doc = (await ctx.models.Document.findOne({ runId: workflowId }).lean())!;
    expect(doc.html).toContain('diciembre de 2026');
    expect(doc.html).toContain('4 de enero de 2027');
    expect(reportMails(mailer, COORDINATOR_MAIL)).toHaveLength(1);
  });
});
