/**
 * PE1.3.1's monthly indicator report (issue 11), the pure part: how values read in Spanish, goals,
 * the month's rows, and the goals' configuration (INDICATOR_GOALS over the defaults).
 */
import { parseConfig, settingsFromConfig } from '../../src/config';
import { listProcedures } from '../../src/catalog';
import { DEFAULT_SETTINGS } from '../../src/shared/settings';
import { buildIndicatorReport, formatIndicatorValue, formatVariation, meetsGoal, monthBounds, monthLabel, shiftMonth, type ProcedureFigures } from '../../src/domain/indicatorReport';

describe('values of the report', () => {
  test.each([
    [83.3333, 'percent', '83,33 %'],
    [100, 'percent', '100 %'],
    [3, 'count', '3'],
    [2.5, 'hours', '2,5 horas'],
    [1, 'hours', '1 hora'],
    [1.2, 'per_hour', '1,2 por hora'],
    [null, 'percent', '—'],
  ])('when a value is %p in unit %s, then it reads "%s"', (value, unit, text) => {
    expect(formatIndicatorValue(value, unit)).toBe(text);
  });

  test('when this month is compared with the one before, then percentages vary in points, other units in the unit, and a missing value shows a dash', () => {
    expect(formatVariation(66.67, 100, 'percent')).toBe('−33,33 p.p.');
    expect(formatVariation(2.5, 0, 'hours')).toBe('+2,5 horas');
    expect(formatVariation(3, 3, 'count')).toBe('0');
    expect(formatVariation(50, null, 'percent')).toBe('—');
  });

  test('when goals are at least or at most, then a value meets them inclusively; without a value there is nothing to judge', () => {
    expect(meetsGoal(100, { target: 100, direction: 'at_least' })).toBe(true);
    expect(meetsGoal(99.99, { target: 100, direction: 'at_least' })).toBe(false);
    expect(meetsGoal(4, { target: 4, direction: 'at_most' })).toBe(true);
    expect(meetsGoal(null, { target: 4, direction: 'at_most' })).toBeNull();
  });

  test('when months are shifted and bounded, then years roll over and February has its days', () => {
    expect(shiftMonth('2027-01', -1)).toBe('2026-12');
    expect(shiftMonth('2026-12', 1)).toBe('2027-01');
    expect(monthBounds('2028-02')).toEqual({ from: '2028-02-01', to: '2028-02-29' });
    expect(monthLabel('2026-09')).toBe('setiembre de 2026');
  });
});

describe('rows of the report', () => {
  const current: ProcedureFigures[] = [
    { code: 'P2.2.2', name: 'Apertura diaria', runs: 4, indicators: [{ id: 'opened_on_time', name: '% días abiertos a tiempo', unit: 'percent', value: 75, numerator: 3, denominator: 4, formula: 'f' }] },
    // What computeIndicators may add (a breakdown, the runs behind a figure, a unit of its own) is tolerated.
    { code: 'PM1.3.3', name: 'Incidencias', runs: 1, indicators: [{ id: 'incidents_rate', name: 'Incidencias por hora', unit: 'per_hour', value: 0.5, numerator: 1, denominator: 2, formula: 'f', breakdown: [{ type: 'red', value: 1 }], runIds: ['x'] } as never] },
    { code: 'PE1.3.1', name: 'Gestión de indicadores', runs: 1, indicators: [{ id: 'indicators_met', name: '% Cumplimiento de indicadores', unit: 'percent', value: 0, numerator: 0, denominator: 1, formula: 'f' }] },
  ];
  const previous: ProcedureFigures[] = [{ code: 'P2.2.2', name: 'Apertura diaria', runs: 2, indicators: [{ id: 'opened_on_time', name: '% días abiertos a tiempo', unit: 'percent', value: 100, numerator: 2, denominator: 2, formula: 'f' }] }];

  test('when the month has figures, then each indicator shows its value, the month before, its variation and its goal; PE1.3.1 own indicator is shown but not judged', () => {
    const r = buildIndicatorReport({
      month: '2026-12',
      current,
      previous,
      goals: { opened_on_time: { target: 100, direction: 'at_least' }, incidents_rate: { target: 1, direction: 'at_most' }, indicators_met: { target: 90, direction: 'at_least' } },
      reportingCode: 'PE1.3.1',
    });
    expect(r).toMatchObject({ month: '2026-12', monthLabel: 'diciembre de 2026', previousMonthLabel: 'noviembre de 2026', period: { from: '2026-12-01', to: '2026-12-31' } });
    expect(r.procedures[0].indicators[0]).toMatchObject({ valueText: '75 %', previousText: '100 %', variationText: '−25 p.p.', goalText: '≥ 100 %', met: false, metText: 'No cumple', numerator: '3', denominator: '4' });
    expect(r.procedures[1].indicators[0]).toMatchObject({ valueText: '0,5 por hora', previousText: '—', variationText: '—', goalText: '≤ 1 por hora', met: true, judged: true });
    expect(r.procedures[2].indicators[0]).toMatchObject({ met: false, judged: false });
    expect(r.summary).toEqual({ indicatorsWithGoal: 2, indicatorsMet: 1, complianceText: '50 %', notMet: [{ code: 'P2.2.2', id: 'opened_on_time', name: '% días abiertos a tiempo' }] });
  });
});

describe('goals of the indicators (settings.indicators)', () => {
  test('when nothing is configured, then the defaults apply, and each names an indicator of the catalog', () => {
    const ids = new Set(listProcedures().flatMap((p) => p.indicators.map((i) => i.id)));
    expect(settingsFromConfig(parseConfig({})).indicators).toEqual(DEFAULT_SETTINGS.indicators);
    for (const id of Object.keys(DEFAULT_SETTINGS.indicators.goals)) expect(ids).toContain(id);
  });

  test('when INDICATOR_GOALS sets, changes and removes goals, then the settings carry them over the defaults', () => {
    const goals = settingsFromConfig(parseConfig({ INDICATOR_GOALS: 'opened_on_time>=95, hours_closed<=4,claims_timely=off' })).indicators.goals;
    expect(goals).toMatchObject({ opened_on_time: { target: 95, direction: 'at_least' }, hours_closed: { target: 4, direction: 'at_most' }, claims_in_term: { target: 100, direction: 'at_least' } });
    expect(goals).not.toHaveProperty('claims_timely');
  });

  test.each(['unknown_indicator>=1', 'opened_on_time=95', 'opened_on_time>=off', 'opened_on_time>=9,opened_on_time<=1'])('when INDICATOR_GOALS is "%s", then the configuration is refused naming it', (value) => {
    expect(() => parseConfig({ INDICATOR_GOALS: value })).toThrow(/INDICATOR_GOALS/);
  });
});
