/**
 * Every indicator of the Listado de procedimientos e indicadores (2.4.2), each computed from runs
 * built here as the workflows record them (metrics, the Libro de Reclamaciones, the roster, the
 * Plan de Supervisión Anual), one center per case so no case sees another's runs (issue 11).
 */
import fs from 'node:fs';
import path from 'node:path';
import { listProcedures } from '../../src/catalog';
import { computeIndicators, type IndicatorValue } from '../../src/domain/indicators';
import type { Models } from '../../src/db/models';
import { freshModels, ROOT } from '../helpers/infra';

let models: Models;
beforeAll(async () => {
  models = await freshModels();
});
afterAll(async () => {
  await models?.connection.close();
});

const FROM = '2026-03-01';
const TO = '2026-03-31';
const TODAY = '2026-11-23';
const IN_PERIOD = new Date('2026-03-10T15:00:00Z');

type Metrics = Record<string, number>;
interface Case {
  /** code → the metrics of each run of it */
  runs?: Record<string, Metrics[]>;
  setup?: (centerId: string) => Promise<void>;
  expect: Partial<IndicatorValue> & { value: number | null };
}

/** The Libro de Reclamaciones of the period: answered in term, answered late, unanswered past its term, unanswered within it. */
async function claims(centerId: string) {
  const claim = (n: number, set: Record<string, unknown>) =>
    models.Claim.create({ _id: `${centerId}-HR-${n}`, centerId, registeredAt: IN_PERIOD, dueDate: '2026-04-22', dueAt: new Date('2026-04-23T04:59:59Z'), status: 'open', ...set });
  await claim(1, { status: 'answered', inTerm: true, answeredAt: new Date('2026-04-01T15:00:00Z') });
  await claim(2, { status: 'answered', inTerm: false, answeredAt: new Date('2026-05-01T15:00:00Z') });
  await claim(3, {}); // never answered: out of term since 2026-04-23
  await claim(4, { registeredAt: new Date('2026-02-10T15:00:00Z'), status: 'answered', inTerm: false }); // another period
}

const CASES: Record<string, Case> = {
  guidelines_updated: { runs: { 'PE1.1.1': [{ guidelinesScheduled: 4, guidelinesUpdated: 3 }] }, expect: { numerator: 3, denominator: 4, value: 75 } },
  operation_plan_execution: { runs: { 'PE1.1.2': [{ planActivities: 10, planActivitiesExecuted: 8 }, { planActivities: 10, planActivitiesExecuted: 10 }] }, expect: { numerator: 18, denominator: 20, value: 90 } },
  scheduled_activities: { runs: { 'PE1.1.3': [{ activitiesScheduled: 5, activitiesDone: 4 }] }, expect: { numerator: 4, denominator: 5, value: 80 } },
  occurrences: {
    runs: { 'PE1.2.1': [{ closed: 1, occurrenceType__red: 1 }, { closed: 1, occurrenceType__red: 1 }, { closed: 1, occurrenceType__personal: 1 }] },
    expect: { unit: 'count', numerator: 3, value: 3 },
  },
  information_requests: { runs: { 'PE1.2.2': [{ closed: 1, achieved: 1 }, { closed: 1, achieved: 0 }] }, expect: { numerator: 1, denominator: 2, value: 50 } },
  indicators_met: { runs: { 'PE1.3.1': [{ reports: 1, indicatorsMet: 3, indicatorsWithGoal: 4 }] }, expect: { numerator: 3, denominator: 4, value: 75 } },
  procedures_improved: { runs: { 'PE1.3.2': [{ closed: 1, achieved: 1 }] }, expect: { numerator: 1, denominator: 1, value: 100 } },
  surveyed_users: { runs: { 'PE1.3.3': [{ closed: 1, citizensSurveyed: 120, citizensAttended: 2400 }] }, expect: { numerator: 120, denominator: 2400, value: 5 } },
  competency_plan: { runs: { 'PE1.4.1': [{ closed: 1, achieved: 0 }] }, expect: { numerator: 0, denominator: 1, value: 0 } },
  integration_activities: { runs: { 'PE1.4.2': [{ closed: 1, achieved: 1 }, { closed: 1, achieved: 0 }] }, expect: { numerator: 1, denominator: 2, value: 50 } },
  soft_skills: { runs: { 'PE1.4.3': [{ closed: 1, achieved: 1 }] }, expect: { numerator: 1, denominator: 1, value: 100 } },
  oriented_citizens: { runs: { 'PM1.1.1': [{ citizensReceived: 800, citizensOriented: 200 }] }, expect: { numerator: 200, denominator: 800, value: 25 } },
  tickets_per_hour: { runs: { 'PM1.2.1': [{ turnsAttended: 450, attentionHours: 9 }, { turnsAttended: 300, attentionHours: 6 }] }, expect: { unit: 'per_hour', numerator: 750, denominator: 15, value: 50 } },
  new_services: { runs: { 'PM1.2.2': [{ closed: 1, achieved: 1 }] }, expect: { numerator: 1, denominator: 1, value: 100 } },
  supervision_plan: {
    setup: async (centerId) => {
      await models.SupervisionPlan.create({
        _id: `plan-${centerId}`,
        year: 2026,
        status: 'approved',
        rev: 1,
        createdAt: new Date('2026-01-05T15:00:00Z'),
        visits: [
          { id: `${centerId}-1`, centerId, semester: 1, date: '2026-03-12', runId: `${centerId}-SUP-1`, executedOn: '2026-03-12' },
          { id: `${centerId}-2`, centerId, semester: 1, date: '2026-03-26', runId: `${centerId}-SUP-2` },
          { id: `${centerId}-3`, centerId, semester: 1, date: '2026-03-27', cancelled: { at: new Date('2026-03-01T15:00:00Z'), by: 'sscs', reason: 'Emergencia' } },
        ],
      });
    },
    expect: { numerator: 1, denominator: 2, value: 50, runs: expect.objectContaining({ ids: ['ind-supervision-plan-SUP-1', 'ind-supervision-plan-SUP-2'] }) },
  },
  supervision_unscheduled: { runs: { 'PM1.3.1': [{ unscheduled: 1 }, { unscheduled: 0 }] }, expect: { numerator: 1, value: 1 } },
  ans_compliance: { runs: { 'PM1.3.2': [{ commitmentsControlled: 20, commitmentsMet: 18 }] }, expect: { numerator: 18, denominator: 20, value: 90 } },
  module_occupancy: { runs: { 'PM1.3.2': [{ modulesAvailable: 40, modulesOccupied: 30 }] }, expect: { numerator: 30, denominator: 40, value: 75 } },
  punctuality: { runs: { 'PM1.3.2': [{ advisorsControlled: 25, advisorsPunctual: 20 }] }, expect: { numerator: 20, denominator: 25, value: 80 } },
  claims_timely: { setup: claims, expect: { numerator: 1, denominator: 3, value: 33.33, runs: expect.objectContaining({ ids: ['ind-claims-timely-HR-1', 'ind-claims-timely-HR-2', 'ind-claims-timely-HR-3'] }) } },
  incidents_resolved: { runs: { 'PM1.3.3': [{ registered: 1, resolvedSatisfactorily: 1 }, { registered: 1, resolvedSatisfactorily: 0, reopened: 1 }] }, expect: { numerator: 1, denominator: 2, value: 50 } },
  incidents_reopened: { runs: { 'PM1.3.3': [{ registered: 1, reopened: 1 }, { registered: 1, reopened: 0 }] }, expect: { numerator: 1, value: 1 } },
  incidents_escalated: { runs: { 'PM1.3.3': [{ registered: 1, escalated: 1 }, { registered: 1, escalated: 1 }] }, expect: { numerator: 2, value: 2 } },
  congratulations_received: { runs: { 'PM1.4.1': [{ received: 1, attended: 1 }, { received: 1, attended: 0 }] }, expect: { numerator: 1, denominator: 2, value: 50 } },
  congratulations_count: { runs: { 'PM1.4.1': [{ received: 1 }, { received: 1 }, { received: 1 }] }, expect: { numerator: 3, value: 3 } },
  congratulations_shared: { runs: { 'PM1.4.1': [{ received: 1, shared: 1 }, { received: 1, shared: 0 }] }, expect: { numerator: 1, value: 1 } },
  claims_registered: { runs: { 'PM1.4.2': [{ registered: 1 }, { registered: 1 }] }, expect: { numerator: 2, value: 2 } },
  claims_in_term: { setup: claims, expect: { numerator: 1, denominator: 3, value: 33.33, runs: expect.objectContaining({ ids: ['ind-claims-in-term-HR-1', 'ind-claims-in-term-HR-2', 'ind-claims-in-term-HR-3'] }) } },
  claims_accepted: { runs: { 'PM1.4.2': [{ answered: 1, accepted: 1 }, { answered: 1, rejected: 1 }, { answered: 1, accepted: 1 }] }, expect: { numerator: 2, denominator: 3, value: 66.67 } },
  claims_rejected: { runs: { 'PM1.4.2': [{ answered: 1, accepted: 1 }, { answered: 1, rejected: 1 }] }, expect: { numerator: 1, denominator: 2, value: 50 } },
  vulnerability_risk: { runs: { 'PA1.1.1': [{ riskLevel: 2, riskLevel__medio: 1 }, { riskLevel: 3, riskLevel__alto: 1 }, { riskLevel: 1, riskLevel__bajo: 1 }] }, expect: { unit: 'level', numerator: 3, value: 3, label: 'Alto' } },
  network_requests: { runs: { 'PA1.1.2': [{ closed: 1, achieved: 1 }, { closed: 1, achieved: 1 }] }, expect: { numerator: 2, denominator: 2, value: 100 } },
  tic_preventive_plan: { runs: { 'PA1.1.3': [{ planned: 1, executedOnTime: 1 }, { planned: 1, executedOnTime: 0 }] }, expect: { numerator: 1, denominator: 2, value: 50 } },
  tic_corrective_share: { runs: { 'PA1.1.4': [{ corrective: 1, maintenance: 1 }], 'PA1.1.3': [{ maintenance: 1 }, { maintenance: 1 }, { maintenance: 1 }] }, expect: { numerator: 1, denominator: 4, value: 25 } },
  support_requests: { runs: { 'PA1.1.5': [{ closed: 1, achieved: 0 }, { closed: 1, achieved: 1 }] }, expect: { numerator: 1, denominator: 2, value: 50 } },
  procurement_schedule: { runs: { 'PA2.1.1': [{ closed: 1, achieved: 1 }] }, expect: { numerator: 1, denominator: 1, value: 100 } },
  assets_retired: { runs: { 'PA2.1.2': [{ closed: 1, assetsRetired: 3 }, { closed: 1, assetsRetired: 2 }] }, expect: { unit: 'count', numerator: 5, value: 5 } },
  preventive_plan_on_time: { runs: { 'PA2.2.1': [{ closed: 1, onTime: 1 }, { closed: 1, onTime: 0 }] }, expect: { numerator: 1, denominator: 2, value: 50 } },
  preventive_plan_execution: { runs: { 'PA2.2.2': [{ planned: 1, executed: 1 }, { planned: 1, executed: 1 }, { planned: 1, executed: 0 }, { planned: 1, executed: 1 }] }, expect: { numerator: 3, denominator: 4, value: 75 } },
  corrective_attended: { runs: { 'PA2.2.3': [{ achieved: 1 }, { achieved: 1 }, { achieved: 0 }] }, expect: { numerator: 2, value: 2 } },
  staff_incorporated: { runs: { 'PA3.1.1': [{ closed: 1, achieved: 1 }, { closed: 1, achieved: 0 }] }, expect: { numerator: 1, denominator: 2, value: 50 } },
  inductions_completed: { runs: { 'PA3.1.2': [{ closed: 1, satisfactory: 1 }, { closed: 1, satisfactory: 1 }, { closed: 1, satisfactory: 0 }, { closed: 1, satisfactory: 1 }] }, expect: { numerator: 3, denominator: 4, value: 75 } },
  shift_compliance: { runs: { 'PA3.1.3': [{ shiftsProgrammed: 60, shiftsFulfilled: 57 }] }, expect: { numerator: 57, denominator: 60, value: 95 } },
  staff_ceased: {
    runs: { 'PA3.1.4': [{ closed: 1, achieved: 1 }] },
    setup: async (centerId) => {
      const member = (n: number, joinedOn: string, ceasedOn?: string) =>
        models.StaffMember.create({ _id: `${centerId}-p${n}`, centerId, name: `Persona ${n}`, profile: 'orientador', status: ceasedOn ? 'ceased' : 'active', joinedOn, ...(ceasedOn ? { ceasedOn } : {}) });
      for (let n = 1; n <= 9; n++) await member(n, '2025-06-01');
      await member(10, '2025-06-01', '2026-03-15'); // ceased in the period: on the roster of the period
      await member(11, '2025-06-01', '2026-01-10'); // ceased before it
      await member(12, '2026-04-02'); // joined after it
    },
    expect: { numerator: 1, denominator: 10, value: 10 },
  },
  absences: { runs: { 'PA3.1.5': [{ staffControlled: 20, staffWithAbsences: 3 }] }, expect: { numerator: 3, denominator: 20, value: 15 } },
  training_completed: { runs: { 'PA3.1.6': [{ staffTrained: 10, staffPassed: 9 }] }, expect: { numerator: 9, denominator: 10, value: 90 } },
  staff_approval: { runs: { 'PA3.1.7': [{ userResponses: 50, userApprovals: 45 }] }, expect: { numerator: 45, denominator: 50, value: 90 } },
  preoperative_ready: { runs: { 'P2.2.1': [{ closed: 1, achieved: 1 }] }, expect: { numerator: 1, denominator: 1, value: 100 } },
  opened_on_time: { runs: { 'P2.2.2': [{ days: 1, openedOnTime: 1 }, { days: 1, openedOnTime: 0, notOpened: 1 }] }, expect: { numerator: 1, denominator: 2, value: 50 } },
  not_opened: { runs: { 'P2.2.2': [{ days: 1, notOpened: 1 }, { days: 1, notOpened: 0 }] }, expect: { numerator: 1, value: 1 } },
  hours_closed: { runs: { 'P2.2.2': [{ days: 1, hoursClosed: 2 }, { days: 1, hoursClosed: 3.5 }] }, expect: { unit: 'hours', numerator: 5.5, value: 5.5 } },
  closures: { runs: { 'P2.2.2': [{ days: 1, closures: 1 }, { days: 1, closures: 2 }] }, expect: { numerator: 3, value: 3 } },
  conflicts: { runs: { 'P2.2.4': [{ closed: 1, escalated: 1 }, { closed: 1, escalated: 0 }] }, expect: { numerator: 2, value: 2 } },
  conflicts_escalated: { runs: { 'P2.2.4': [{ closed: 1, escalated: 1 }, { closed: 1, escalated: 0 }, { closed: 1, escalated: 0 }, { closed: 1, escalated: 1 }] }, expect: { numerator: 2, denominator: 4, value: 50 } },
};

const ALL = listProcedures().flatMap((p) => p.indicators.map((i) => ({ code: p.code, ...i })));

async function build(centerId: string, c: Case): Promise<string[]> {
  const ids: string[] = [];
  for (const [code, runs] of Object.entries(c.runs ?? {})) {
    for (const [n, metrics] of runs.entries()) {
      const _id = `${code}-${centerId}-${n}`;
      await models.Run.create({ _id, code, centerId, workflowType: 'procedureWorkflow', status: 'completed', summary: 'caso', startedBy: { sub: 'test', role: 'coordinator' }, startedAt: IN_PERIOD, metrics });
      ids.push(_id);
    }
    // A run of the month before, which the period leaves out.
    await models.Run.create({ _id: `${code}-${centerId}-feb`, code, centerId, workflowType: 'procedureWorkflow', status: 'completed', summary: 'otro mes', startedBy: { sub: 'test', role: 'coordinator' }, startedAt: new Date('2026-02-10T15:00:00Z'), metrics: runs[0] });
  }
  await c.setup?.(centerId);
  return ids;
}

describe('every indicator of the Listado, from runs built here', () => {
  test('when the catalog is read, then every indicator has its case here, and every indicator line of the Listado (2.4.2) is one of the catalog', () => {
    expect(ALL.map((i) => i.id).filter((id) => !CASES[id])).toEqual([]);
    expect(Object.keys(CASES).filter((id) => !ALL.some((i) => i.id === id))).toEqual([]);
    const manual = fs.readFileSync(path.join(ROOT, '..', 'shared', 'seeds', '000_254f700edabc49e0.txt'), 'utf8');
    const start = manual.lastIndexOf('LISTADO DE PROCEDIMIENTOS E INDICADORES');
    const listado = manual.slice(start, manual.indexOf('GLOSARIO DE TERMINOS', start));
    // The extraction drops or repeats small words ("Plan de Operación los Centros MAC"): compared without them.
    const norm = (s: string) => s.toLowerCase().replace(/[•.]/g, ' ').replace(/(^|\s)(de|los|la|del)(?=\s)/g, ' ').replace(/\s+/g, ' ').trim();
    const names = listado
      .split('\n')
      .map((l) => l.split('\t').pop()!.trim())
      .filter((l) => /^(%|n°|número|nivel|plan )/i.test(l.replace(/^•\s*/, '')));
    const catalog = ALL.map((i) => norm(i.name));
    expect(names).toHaveLength(42);
    expect(names.filter((n) => !catalog.includes(norm(n)))).toEqual([]);
  });

  test.each(ALL.map((i) => [`${i.code} ${i.id}`, i.code, i.id] as const))('when %s is computed for a center and March, then numerator, denominator, value and the runs behind it are those of the runs built', async (_name, code, id) => {
    const centerId = `ind-${id.replace(/_/g, '-')}`;
    const c = CASES[id];
    const ids = await build(centerId, c);
    const procedures = await computeIndicators(models, { centerIds: [centerId], from: FROM, to: TO, today: TODAY });
    const indicator = procedures.find((p) => p.code === code)!.indicators.find((i) => i.id === id)!;
    expect(indicator).toMatchObject(c.expect);
    // The runs behind it: the period's own (not February's), and a link that lists them.
    if (c.runs) expect([...indicator.runs.ids].sort()).toEqual([...ids].sort());
    expect(indicator.runs.count).toBe(indicator.runs.ids.length);
    expect(indicator.runs.href).toContain(`centerId=${centerId}`);
    expect(indicator.runs.href).toContain('from=2026-03-01&to=2026-03-31');
  });

  test('when PE1.2.1 occurrences are counted, then they are broken down by type; PA1.1.1 by risk level', async () => {
    await build('ind-breakdown', { runs: CASES.occurrences.runs, expect: { value: 3 } });
    await build('ind-breakdown', { runs: CASES.vulnerability_risk.runs, expect: { value: 3 } });
    const procedures = await computeIndicators(models, { centerIds: ['ind-breakdown'], from: FROM, to: TO, today: TODAY });
    const byType = procedures.find((p) => p.code === 'PE1.2.1')!.indicators[0].breakdown!;
    expect(byType.filter((b) => b.count > 0)).toEqual([
      { key: 'personal', label: 'Personal', count: 1 },
      { key: 'red', label: 'Red', count: 2 },
    ]);
    expect(byType.reduce((n, b) => n + b.count, 0)).toBe(3);
    const risk = procedures.find((p) => p.code === 'PA1.1.1')!.indicators[0];
    expect(risk.breakdown!.map((b) => [b.key, b.count])).toEqual([['ninguno', 0], ['bajo', 1], ['medio', 1], ['alto', 1], ['critico', 0]]);
  });

  test('when a claim is still unanswered, then it counts as out of term only from the day after its due date, lowering "% reclamos atendidos en el plazo de ley"', async () => {
    const centerId = 'ind-boundary';
    await models.Claim.create({ _id: `${centerId}-HR-1`, centerId, registeredAt: IN_PERIOD, dueDate: '2026-04-22', dueAt: new Date('2026-04-23T04:59:59Z'), status: 'answered', inTerm: true });
    await models.Claim.create({ _id: `${centerId}-HR-2`, centerId, registeredAt: IN_PERIOD, dueDate: '2026-04-22', dueAt: new Date('2026-04-23T04:59:59Z'), status: 'open' });
    const inTerm = async (today: string) =>
      (await computeIndicators(models, { centerIds: [centerId], from: FROM, to: TO, today })).find((p) => p.code === 'PM1.4.2')!.indicators.find((i) => i.id === 'claims_in_term')!;
    // On its due date it may still be answered in term: not counted yet.
    expect(await inTerm('2026-04-22')).toMatchObject({ numerator: 1, denominator: 1, value: 100, runs: { ids: [`${centerId}-HR-1`] } });
    // From the next day it is out of term.
    expect(await inTerm('2026-04-23')).toMatchObject({ numerator: 1, denominator: 2, value: 50, runs: { ids: [`${centerId}-HR-1`, `${centerId}-HR-2`] } });
  });
});
