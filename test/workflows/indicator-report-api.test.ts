/**
 * PE1.3.1's monthly indicator report started through the generic HTTP API on the time-skipping
 * server (issue 11: "startable by SSCS and the coordinator"): who may start it, the month it may
 * name, one report per center and month whoever starts it, and the document where it appears.
 */
import { shiftMonth } from '../../src/domain/indicatorReport';
import { limaDate } from '../../src/calendar/businessCalendar';
import { useApiFlow } from '../helpers/apiFlow';

const flow = useApiFlow({ serverPerTest: true });
const T = {
  sscs: flow.token('sscs', 'sscs-ana'),
  coordinator: flow.token('coordinator', 'coord-ln', { centers: ['lima-norte'] }),
  supervisor: flow.token('supervisor', 'sup-ln', { centers: ['lima-norte'] }),
};

test('when the coordinator starts the report of a past month and SSCS starts it again, then one report is issued, the second run is cancelled naming the first, and the report is at /documents/{id} as HTML and PDF; a supervisor may not start it and a future month is refused naming body.month', async () => {
  // Two months back: its first business day has passed whatever day the test runs.
  const month = shiftMonth(limaDate(flow.now).slice(0, 7), -2);
  const denied = await flow.http.post('/api/v1/procedures/PE1.3.1/runs').set('Authorization', T.supervisor).send({ centerId: 'lima-norte', month });
  expect(denied.status).toBe(403);
  const future = await flow.http.post('/api/v1/procedures/PE1.3.1/runs').set('Authorization', T.coordinator).send({ centerId: 'lima-norte', month: shiftMonth(limaDate(new Date()).slice(0, 7), 1) });
  expect(future.status).toBe(400);
  expect(future.body.error.details).toEqual([expect.objectContaining({ path: 'body.month' })]);

  const first = await flow.start('PE1.3.1', T.coordinator, { centerId: 'lima-norte', month });
  const task = await flow.openTask(first, 'analyse_indicators', T.coordinator);
  expect(task).toBeTruthy();
  const second = await flow.start('PE1.3.1', T.sscs, { centerId: 'lima-norte', month });
  const cancelled = await flow.runStatus(second, T.sscs, 'cancelled');
  expect(cancelled).toMatchObject({ code: 'PE1.3.1', status: 'cancelled', summary: expect.stringContaining(`duplicado: lo emite ${first}`) });
  expect((await flow.run(second, T.sscs)).documents).toEqual([]);

  const run = await flow.run(first, T.coordinator);
  expect(run.documents).toHaveLength(1);
  const documentId = run.documents[0].id as string;
  expect(run.documents[0]).toMatchObject({ type: 'reporte_indicadores', reference: expect.stringMatching(/^REPORTE DE INDICADORES N° /) });
  const html = await flow.http.get(`/api/v1/documents/${encodeURIComponent(documentId)}`).set('Authorization', T.coordinator).set('Accept', 'text/html');
  expect(html.status).toBe(200);
  expect(html.text).toContain('Reporte mensual de indicadores — Centro MAC Lima Norte');
  const pdf = await flow.http.get(`/api/v1/documents/${encodeURIComponent(documentId)}`).set('Authorization', T.sscs).set('Accept', 'application/pdf').buffer(true);
  expect(pdf.status).toBe(200);
  expect(pdf.headers['content-type']).toContain('application/pdf');
  expect(await flow.ctx.models.Document.countDocuments({ centerId: 'lima-norte', type: 'reporte_indicadores' })).toBe(1);

  await flow.complete(first, 'analyse_indicators', T.coordinator, { analysis: 'Sin ejecuciones en el mes: no hay indicadores con meta que juzgar.' });
  await flow.runStatus(first, T.coordinator, 'completed');
});
