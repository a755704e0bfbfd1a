/**
 * PM1.3.1 (manual 2.3): the Ficha of Cuadro 04 as a schema, and the plan's indicator
 * (% Cumplimiento del Plan de Supervisión Anual) from the visits as they stand.
 */
import { BusinessCalendar } from '../../src/calendar/businessCalendar';
import { FICHA_ITEMS, fichaSchema } from '../../src/domain/supervision';
import { defaultPlanVisits, planCompliance, visitStanding, type SupervisionPlan } from '../../src/supervision/plan';

const allYes = () => Object.fromEntries(FICHA_ITEMS.map((i) => [i.id, { answer: 'SI' }]));
const ficha = (items: Record<string, unknown>) => ({
  items,
  protocols: [{ entityId: 'reniec', greeting: { answer: 'SI' }, service: { answer: 'SI' }, farewell: { answer: 'SI' } }],
  requirements: {},
  contracts: { rental: { answer: 'NA' }, cleaning: { answer: 'SI' } },
});

describe('Ficha de supervisión operativa (Cuadro 04)', () => {
  test('when every item is answered, then the Ficha is accepted with its 43 items', () => {
    // I.A: 1.1 (1) + zones 2.1–2.5 (7+8+3+2+7) + Servicios TIC (9) + Libro de Reclamaciones Virtual (3) + 3.1, 3.3, 3.4 (3).
    expect(FICHA_ITEMS).toHaveLength(43);
    expect(fichaSchema.safeParse(ficha(allYes())).success).toBe(true);
  });

  test('when an item is NO without an observation, then the error names that item', () => {
    const r = fichaSchema.safeParse(ficha({ ...allYes(), '2_2_f': { answer: 'NO' } }));
    expect(r.success).toBe(false);
    expect(r.error!.issues.map((i) => i.path.join('.'))).toEqual(['items.2_2_f.observation']);
  });

  test('when "no aplica" is given to an item the manual does not make conditional, then it is refused; the tópico items accept it', () => {
    expect(fichaSchema.safeParse(ficha({ ...allYes(), '2_6_a': { answer: 'NA' } })).success).toBe(false);
    expect(fichaSchema.safeParse(ficha({ ...allYes(), '2_4_a': { answer: 'NA' }, '2_4_b': { answer: 'NA' } })).success).toBe(true);
  });

  test('when an item is missing or more than 23 entities are evaluated, then the Ficha is refused', () => {
    const { '3_4': _omitted, ...lacking } = allYes();
    expect(fichaSchema.safeParse(ficha(lacking)).success).toBe(false);
    const many = { ...ficha(allYes()), protocols: Array.from({ length: 24 }, () => ficha(allYes()).protocols[0]) };
    expect(fichaSchema.safeParse(many).success).toBe(false);
  });
});

describe('Plan de Supervisión Anual (2.3.3) and its indicator', () => {
  const plan = (visits: Partial<SupervisionPlan['visits'][number]>[]): SupervisionPlan => ({
    _id: '2027',
    year: 2027,
    status: 'approved',
    createdAt: new Date(),
    rev: 1,
    visits: visits.map((v) => ({ id: `${v.centerId}-${v.semester}`, centerId: 'callao', semester: 1, date: '2027-03-16', ...v })) as SupervisionPlan['visits'],
  });

  test('when the default plan is drawn, then each center gets one visit per semester, on business days', () => {
    const calendar = new BusinessCalendar();
    const visits = defaultPlanVisits(calendar, 2027, ['callao', 'lima-norte']);
    expect(visits.map((v) => `${v.centerId}:${v.semester}`)).toEqual(['callao:1', 'callao:2', 'lima-norte:1', 'lima-norte:2']);
    for (const v of visits) {
      expect(calendar.isBusinessDay(v.date)).toBe(true);
      expect(Number(v.date.slice(5, 7)) <= 6).toBe(v.semester === 1);
    }
  });

  test('when a semester ends without the field visit, then the visit is missed; executed and cancelled visits keep their standing', () => {
    const [executed, started, cancelled] = plan([
      { centerId: 'callao', semester: 1, executedOn: '2027-03-16', runId: 'r1' },
      { centerId: 'callao', semester: 2, date: '2027-09-15', runId: 'r2' },
      { centerId: 'piura', semester: 2, date: '2027-09-20', cancelled: { at: new Date(), by: 'ss', reason: 'alta dirección' } },
    ]).visits;
    expect(visitStanding(executed, 2027, '2028-01-04')).toBe('executed');
    expect(visitStanding(started, 2027, '2027-12-31')).toBe('started');
    expect(visitStanding(started, 2027, '2028-01-01')).toBe('missed');
    expect(visitStanding(cancelled, 2027, '2028-01-04')).toBe('cancelled');
  });

  test('when one of a center’s two visits is missed, then its compliance is 50 % and the missed semester 0 %; a cancelled visit leaves the plan', () => {
    const p = plan([
      { centerId: 'lima-norte', semester: 1, date: '2027-05-18', executedOn: '2027-05-18' },
      { centerId: 'lima-norte', semester: 2, date: '2027-10-15', runId: 'r2' },
      { centerId: 'callao', semester: 1, date: '2027-03-16', executedOn: '2027-03-16' },
      { centerId: 'callao', semester: 2, date: '2027-09-15', cancelled: { at: new Date(), by: 'ss', reason: 'alta dirección' } },
    ]);
    const c = planCompliance(p, '2028-01-04');
    expect(c).toMatchObject({ planned: 3, executed: 2, missed: 1, compliance: 66.67 });
    const lima = c.centers.find((x) => x.centerId === 'lima-norte')!;
    expect(lima).toMatchObject({ planned: 2, executed: 1, missed: 1, compliance: 50 });
    expect(lima.semesters.map((s) => s.compliance)).toEqual([100, 0]);
    expect(planCompliance(p, '2028-01-04', { centerIds: ['callao'] })).toMatchObject({ planned: 1, executed: 1, compliance: 100 });
    expect(planCompliance(p, '2028-01-04', { centerIds: '*', from: '2027-07-01', to: '2027-12-31' })).toMatchObject({ planned: 1, executed: 0, compliance: 0 });
  });
});
