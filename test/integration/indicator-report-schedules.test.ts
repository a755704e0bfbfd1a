/**
 * The monthly indicator report schedules of PE1.3.1 (issue 11) on the dev server of the global
 * setup: one per operating center, firing on day 1 of each month at 06:00 Lima (the run then waits
 * for the first business day), converged on every start of the engine.
 */
import { Client, Connection, ScheduleNotFoundError } from '@temporalio/client';
import type { Models } from '../../src/db/models';
import { limaDate, limaTimeOfDay } from '../../src/calendar/businessCalendar';
import { ensureIndicatorReportSchedules, indicatorReportScheduleId } from '../../src/schedules/indicatorReport';
import { CenterIdAttr, ProcedureCodeAttr, RunStatusAttr } from '../../src/shared/messages';
import { DEFAULT_SETTINGS, type EngineSettings } from '../../src/shared/settings';
import { freshModels, freshNamespace, testEnv, uniqueId } from '../helpers/infra';

const CENTERS = ['callao', 'lima-norte', 'piura', 'ventanilla'];
const ids = (centers: string[]) => centers.map(indicatorReportScheduleId);

let connection: Connection;
let client: Client;
let models: Models;
const taskQueue = uniqueId('tq-report');

const ensure = (settings: EngineSettings = DEFAULT_SETTINGS) => ensureIndicatorReportSchedules(client, { models, taskQueue, searchAttributes: true, settings });

beforeAll(async () => {
  connection = await Connection.connect({ address: testEnv.temporalAddress() });
  client = new Client({ connection, namespace: await freshNamespace(connection) });
  models = await freshModels();
});

afterAll(async () => {
  await connection?.close();
  await models?.connection.close();
});

test('when the engine starts, then every operating center gets its monthly indicator report schedule, on day 1 of each month at 06:00 Lima, starting PE1.3.1 without a month', async () => {
  expect(await ensure()).toEqual({ created: ids(CENTERS), updated: [], removed: [], unchanged: [] });

  const d = await client.schedule.getHandle(indicatorReportScheduleId('lima-norte')).describe();
  expect(d.spec.timezone).toBe('America/Lima');
  expect(d.action).toMatchObject({ type: 'startWorkflow', workflowType: 'indicatorReportWorkflow', workflowId: 'PE1.3.1-lima-norte', taskQueue });
  expect(d.action.args).toEqual([
    { meta: { code: 'PE1.3.1', centerId: 'lima-norte', startedBy: { sub: 'reporte-indicadores-lima-norte', role: 'schedule' }, searchAttributes: true }, input: { centerId: 'lima-norte' }, settings: DEFAULT_SETTINGS },
  ]);
  const attrs = d.action.typedSearchAttributes as { get: (k: unknown) => unknown };
  expect([attrs.get(CenterIdAttr), attrs.get(ProcedureCodeAttr), attrs.get(RunStatusAttr)]).toEqual(['lima-norte', 'PE1.3.1', 'running']);
  expect(d.policies).toMatchObject({ overlap: 'ALLOW_ALL', catchupWindow: 7 * 24 * 3600_000 });
  // The next firings: day 1 of consecutive months, 06:00 in Lima.
  const firings = d.info.nextActionTimes.map((t) => ({ day: limaDate(t).slice(8), time: limaTimeOfDay(t), month: limaDate(t).slice(0, 7) }));
  expect(firings.length).toBeGreaterThanOrEqual(3);
  for (const f of firings) expect(f).toMatchObject({ day: '01', time: '06:00' });
  expect(new Set(firings.map((f) => f.month)).size).toBe(firings.length);
});

test('when the engine starts again with the same settings, then nothing changes; with new goals, the schedules carry them', async () => {
  expect(await ensure()).toEqual({ created: [], updated: [], removed: [], unchanged: ids(CENTERS) });
  const settings: EngineSettings = { ...DEFAULT_SETTINGS, indicators: { ...DEFAULT_SETTINGS.indicators, goals: { opened_on_time: { target: 95, direction: 'at_least' } } } };
  expect(await ensure(settings)).toEqual({ created: [], updated: ids(CENTERS), removed: [], unchanged: [] });
  const d = await client.schedule.getHandle(indicatorReportScheduleId('piura')).describe();
  expect((d.action.args as [{ settings: EngineSettings }])[0].settings.indicators.goals).toEqual({ opened_on_time: { target: 95, direction: 'at_least' } });
});

test('when a center stops operating, then its schedule is removed and the others stay', async () => {
  await models.Center.updateOne({ _id: 'piura' }, { $set: { active: false } });
  expect(await ensure()).toMatchObject({ removed: [indicatorReportScheduleId('piura')], created: [] });
  await expect(client.schedule.getHandle(indicatorReportScheduleId('piura')).describe()).rejects.toThrow(ScheduleNotFoundError);
  await expect(client.schedule.getHandle(indicatorReportScheduleId('callao')).describe()).resolves.toBeDefined();
});
