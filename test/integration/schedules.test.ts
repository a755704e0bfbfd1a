/**
 * The daily opening schedules of P2.2.2 (DESIGN §5 "Opening hours") on the dev server of the global
 * setup, in real time: one schedule per active center firing `lead` minutes before opening, Lima
 * wall-clock time, converging on every start to the centers' hours and the settings.
 */
import { Client, Connection, ScheduleNotFoundError, type ScheduleDescription, type WorkflowExecutionInfo } from '@temporalio/client';
import type { Models } from '../../src/db/models';
import { limaDate, limaTimeOfDay, weekdayOf } from '../../src/calendar/businessCalendar';
import { ensureOpeningSchedules, openingScheduleId, openingScheduleSpec } from '../../src/schedules/opening';
import { DEFAULT_HOURS } from '../../src/domain/centers';
import { CenterIdAttr, ProcedureCodeAttr, RunStatusAttr } from '../../src/shared/messages';
import { DEFAULT_SETTINGS, type EngineSettings } from '../../src/shared/settings';
import { freshModels, freshNamespace, testEnv, uniqueId } from '../helpers/infra';

const CENTERS = ['callao', 'lima-norte', 'piura', 'ventanilla'];
const ids = (centers: string[]) => centers.map(openingScheduleId);

let connection: Connection;
let client: Client;
let models: Models;
const taskQueue = uniqueId('tq-opening');
const started: string[] = [];

const ensure = (settings: EngineSettings = DEFAULT_SETTINGS) => ensureOpeningSchedules(client, { models, taskQueue, searchAttributes: true, settings });
const describeSchedule = (centerId: string) => client.schedule.getHandle(openingScheduleId(centerId)).describe();

/** A firing as a clerk in Lima reads it (UTC−5 all year: Peru has no daylight saving time). */
function inLima(t: Date) {
  const date = limaDate(t);
  return {
    date,
    weekday: weekdayOf(date), // 0 Sunday … 6 Saturday
    time: `${limaTimeOfDay(t)}:${String(t.getUTCSeconds()).padStart(2, '0')}`,
  };
}

/** The next firings, checked against the expected Lima time of each kind of day (null: none). */
function expectFirings(d: ScheduleDescription, expected: { weekdays: string | null; saturday: string | null; sunday: string | null }) {
  const firings = d.info.nextActionTimes.map(inLima);
  expect(firings.length).toBeGreaterThanOrEqual(7);
  for (const f of firings) {
    const want = f.weekday === 0 ? expected.sunday : f.weekday === 6 ? expected.saturday : expected.weekdays;
    expect({ ...f, time: f.time }).toEqual({ ...f, time: `${want}:00` });
  }
  // At most one firing a day, and every kind of day that opens shows up in the coming week.
  expect(new Set(firings.map((f) => f.date)).size).toBe(firings.length);
  const kinds = new Set(firings.map((f) => (f.weekday === 0 ? 'sunday' : f.weekday === 6 ? 'saturday' : 'weekdays')));
  expect([...kinds].sort()).toEqual(Object.entries(expected).filter(([, v]) => v !== null).map(([k]) => k).sort());
}

beforeAll(async () => {
  connection = await Connection.connect({ address: testEnv.temporalAddress() });
  const namespace = await freshNamespace(connection);
  client = new Client({ connection, namespace });
  models = await freshModels();
});

afterAll(async () => {
  for (const workflowId of started) await client.workflow.getHandle(workflowId).terminate('test over').catch(() => undefined);
  await connection?.close();
  await models?.connection.close();
});

test('when the engine starts, then every active center gets its daily opening schedule, 30 minutes before opening in Lima', async () => {
  const result = await ensure();
  expect(result).toEqual({ created: ids(CENTERS), updated: [], removed: [], unchanged: [], invalid: [] });

  const d = await describeSchedule('lima-norte');
  expect(d.spec.timezone).toBe('America/Lima');
  expect(d.action).toMatchObject({ type: 'startWorkflow', workflowType: 'dailyOpeningWorkflow', workflowId: 'P2.2.2-lima-norte', taskQueue });
  expect(d.action.args).toEqual([
    {
      meta: { code: 'P2.2.2', centerId: 'lima-norte', startedBy: { sub: 'apertura-diaria-lima-norte', role: 'schedule' }, searchAttributes: true },
      input: { centerId: 'lima-norte' },
      settings: DEFAULT_SETTINGS,
    },
  ]);
  const attrs = d.action.typedSearchAttributes as { get: (k: unknown) => unknown };
  expect([attrs.get(CenterIdAttr), attrs.get(ProcedureCodeAttr), attrs.get(RunStatusAttr)]).toEqual(['lima-norte', 'P2.2.2', 'running']);
  expect(d.policies).toMatchObject({ overlap: 'ALLOW_ALL', catchupWindow: 6 * 60 * 60 * 1000 });
  expect(d.memo).toMatchObject({ centerId: 'lima-norte', procedure: 'P2.2.2' });
  expect(d.state).toMatchObject({ paused: false, note: expect.stringContaining('2.2.2') });
  expectFirings(d, { weekdays: '07:30', saturday: '09:30', sunday: '09:30' });
});

test('when a center overrides its hours, then the next start updates only its schedule, and a further start changes nothing', async () => {
  await ensure();
  await models.Center.updateOne({ _id: 'callao' }, { $set: { hours: { weekdays: { open: '09:00', close: '18:00' }, saturday: null } } });

  expect(await ensure()).toEqual({ created: [], updated: ids(['callao']), removed: [], unchanged: ids(['lima-norte', 'piura', 'ventanilla']), invalid: [] });
  const d = await describeSchedule('callao');
  expectFirings(d, { weekdays: '08:30', saturday: null, sunday: '09:30' });
  expectFirings(await describeSchedule('lima-norte'), { weekdays: '07:30', saturday: '09:30', sunday: '09:30' });

  expect(await ensure()).toEqual({ created: [], updated: [], removed: [], unchanged: ids(CENTERS), invalid: [] });
  const again = await describeSchedule('callao');
  expect(again.info.nextActionTimes).toEqual(d.info.nextActionTimes);
  expect(again.action.args).toEqual(d.action.args);
});

test('when the verification lead changes, then every schedule fires at the new time and passes the new settings', async () => {
  await models.Center.updateOne({ _id: 'callao' }, { $unset: { hours: 1 } });
  const settings: EngineSettings = { ...DEFAULT_SETTINGS, opening: { ...DEFAULT_SETTINGS.opening, verificationLeadMinutes: 45 } };
  try {
    const result = await ensure(settings);
    expect(result).toMatchObject({ created: [], removed: [], unchanged: [] });
    expect(result.updated).toEqual(ids(CENTERS));
    const d = await describeSchedule('piura');
    expectFirings(d, { weekdays: '07:15', saturday: '09:15', sunday: '09:15' });
    expect(d.action.args).toMatchObject([{ settings: { opening: { verificationLeadMinutes: 45 } } }]);
  } finally {
    await ensure();
  }
});

test('when an operator paused a schedule, then converging it keeps it paused', async () => {
  await ensure();
  await client.schedule.getHandle(openingScheduleId('piura')).pause('Centro en remodelación');
  await models.Center.updateOne({ _id: 'piura' }, { $set: { hours: { sundayAndHolidays: null } } });
  try {
    expect((await ensure()).updated).toEqual(ids(['piura']));
    const d = await describeSchedule('piura');
    expect(d.state).toMatchObject({ paused: true, note: 'Centro en remodelación' });
    expectFirings(d, { weekdays: '07:30', saturday: '09:30', sunday: null });
  } finally {
    await models.Center.updateOne({ _id: 'piura' }, { $unset: { hours: 1 } });
    await client.schedule.getHandle(openingScheduleId('piura')).unpause();
    await ensure();
  }
});

test('when a center is deactivated, then its schedule is removed, and reactivating it brings it back', async () => {
  await ensure();
  await models.Center.updateOne({ _id: 'ventanilla' }, { $set: { active: false } });

  expect(await ensure()).toEqual({ created: [], updated: [], removed: ids(['ventanilla']), unchanged: ids(['callao', 'lima-norte', 'piura']), invalid: [] });
  await expect(describeSchedule('ventanilla')).rejects.toBeInstanceOf(ScheduleNotFoundError);
  expect((await ensure()).removed).toEqual([]);

  await models.Center.updateOne({ _id: 'ventanilla' }, { $set: { active: true } });
  expect((await ensure()).created).toEqual(ids(['ventanilla']));
  expectFirings(await describeSchedule('ventanilla'), { weekdays: '07:30', saturday: '09:30', sunday: '09:30' });
});

test('when a center opens no day of the week, then it has no schedule', async () => {
  await ensure();
  await models.Center.updateOne({ _id: 'piura' }, { $set: { hours: { weekdays: null, saturday: null, sundayAndHolidays: null } } });
  try {
    expect((await ensure()).removed).toEqual(ids(['piura']));
    await expect(describeSchedule('piura')).rejects.toBeInstanceOf(ScheduleNotFoundError);
  } finally {
    await models.Center.updateOne({ _id: 'piura' }, { $unset: { hours: 1 } });
    expect((await ensure()).created).toEqual(ids(['piura']));
  }
});

test('when a center has invalid hours, then the others still converge and the error names that center', async () => {
  await ensure();
  await models.Center.updateOne({ _id: 'lima-norte' }, { $set: { hours: { weekdays: { open: '8:00', close: '20:00' } } } });
  await models.Center.updateOne({ _id: 'callao' }, { $set: { hours: { saturday: { open: '09:00', close: '13:00' } } } });
  try {
    const { invalid } = await ensure();
    expect(invalid).toEqual([expect.stringMatching(/^lima-norte: hours\.weekdays\.open must be a time HH:MM/)]);
    expectFirings(await describeSchedule('callao'), { weekdays: '07:30', saturday: '08:30', sunday: '09:30' });
    // The invalid center keeps the schedule it had.
    expectFirings(await describeSchedule('lima-norte'), { weekdays: '07:30', saturday: '09:30', sunday: '09:30' });
  } finally {
    await models.Center.updateMany({ _id: { $in: ['lima-norte', 'callao'] } }, { $unset: { hours: 1 } });
    await ensure();
  }
});

test('when the schedule is triggered, then a dailyOpeningWorkflow run starts whose id is the center and the scheduled time', async () => {
  await ensure();
  const before = Date.now();
  await client.schedule.getHandle(openingScheduleId('lima-norte')).trigger();

  let run: WorkflowExecutionInfo | undefined;
  for (const deadline = Date.now() + 10_000; !run && Date.now() < deadline; await new Promise((r) => setTimeout(r, 250))) {
    for await (const w of client.workflow.list({ query: "WorkflowType='dailyOpeningWorkflow'" })) {
      if (w.workflowId.startsWith('P2.2.2-lima-norte-')) run = w;
    }
  }
  expect(run).toBeDefined();
  started.push(run!.workflowId);
  expect(run!.workflowId).toMatch(/^P2\.2\.2-lima-norte-\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  const scheduledAt = Date.parse(run!.workflowId.slice('P2.2.2-lima-norte-'.length));
  expect(scheduledAt).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000);
  expect(scheduledAt).toBeLessThanOrEqual(Date.now());
  expect(run!.status.name).toBe('RUNNING');
  expect(run!.taskQueue).toBe(taskQueue);
  expect(run!.typedSearchAttributes.get(CenterIdAttr)).toBe('lima-norte');
  expect(run!.typedSearchAttributes.get(ProcedureCodeAttr)).toBe('P2.2.2');

  // The schedule records the action it took.
  const d = await describeSchedule('lima-norte');
  expect(d.info.recentActions.map((a) => a.action.workflow.workflowId)).toContain(run!.workflowId);
});

describe('openingScheduleSpec', () => {
  test('when a day group has no hours, then it has no firing; when a time or the lead is invalid, then it throws', () => {
    expect(openingScheduleSpec({ ...DEFAULT_HOURS, saturday: null, sundayAndHolidays: null }, 0)).toEqual({
      timezone: 'America/Lima',
      calendars: [{ dayOfWeek: { start: 'MONDAY', end: 'FRIDAY' }, hour: 8, minute: 0, comment: expect.any(String) }],
    });
    expect(openingScheduleSpec({ ...DEFAULT_HOURS, weekdays: { open: '08:15', close: '17:00' } }, 180).calendars?.[0]).toMatchObject({ hour: 5, minute: 15 });
    expect(() => openingScheduleSpec({ ...DEFAULT_HOURS, weekdays: { open: '24:00', close: '20:00' } }, 30)).toThrow(/weekdays\.open/);
    expect(() => openingScheduleSpec({ ...DEFAULT_HOURS, saturday: { open: '10:00', close: '9:00' } }, 30)).toThrow(/saturday\.close/);
    expect(() => openingScheduleSpec(DEFAULT_HOURS, 181)).toThrow(/lead/);
    expect(() => openingScheduleSpec(DEFAULT_HOURS, -1)).toThrow(/lead/);
    expect(() => openingScheduleSpec(DEFAULT_HOURS, 2.5)).toThrow(/lead/);
    expect(() => openingScheduleSpec({ ...DEFAULT_HOURS, weekdays: { open: '01:00', close: '09:00' } }, 90)).toThrow(/day/);
  });
});
