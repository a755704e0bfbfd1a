/**
 * PE1.3.1 Gestión de indicadores: the monthly indicator report of a center (issue 11). Pure: the
 * month's bounds and labels, how an indicator's value reads in Spanish, its goal (meta) and the
 * rows of the report, from what `computeIndicators` returns for the month and the month before.
 *
 * `computeIndicators` may grow (new units, breakdowns, the runs behind a figure): only `code`,
 * `name`, `runs` and each indicator's `id`, `name`, `unit`, `value`, `numerator`, `denominator`
 * and `formula` are read here, and a unit this module does not know is shown by its name.
 */
import type { IndicatorGoal } from '../shared/settings';

/** Lima month names as Peru's public administration writes them ("setiembre"). */
const MONTHS = ['enero', 'febrero', 'marzo', 'abril', 'mayo', 'junio', 'julio', 'agosto', 'setiembre', 'octubre', 'noviembre', 'diciembre'];

const MONTH_RE = /^(\d{4})-(0[1-9]|1[0-2])$/;

function parts(month: string): [number, number] {
  const m = MONTH_RE.exec(month);
  if (!m) throw new RangeError(`not a month YYYY-MM: ${month}`);
  return [Number(m[1]), Number(m[2])];
}

const fmt = (y: number, m: number) => `${y}-${String(m).padStart(2, '0')}`;

/** The month `n` months after `month` (negative: before). */
export function shiftMonth(month: string, n: number): string {
  const [y, m] = parts(month);
  const i = y * 12 + (m - 1) + n;
  return fmt(Math.floor(i / 12), (i % 12) + 1);
}

/** First and last calendar day of a month, `YYYY-MM-DD` (Lima dates, as computeIndicators takes them). */
export function monthBounds(month: string): { from: string; to: string } {
  const [y, m] = parts(month);
  const last = new Date(Date.UTC(y, m, 0)).getUTCDate();
  return { from: `${month}-01`, to: `${month}-${String(last).padStart(2, '0')}` };
}

/** "diciembre de 2026". */
export function monthLabel(month: string): string {
  const [y, m] = parts(month);
  return `${MONTHS[m - 1]} de ${y}`;
}

/** A number as the report writes it: at most two decimals, decimal comma ("83,33"). */
export function formatNumber(n: number): string {
  const rounded = Math.round(n * 100) / 100;
  return String(Object.is(rounded, -0) ? 0 : rounded).replace('.', ',');
}

/** Spanish names of the units we know; any other is shown by its own name. */
const UNIT_SUFFIX: Record<string, (n: number) => string> = {
  percent: () => ' %',
  count: () => '',
  hours: (n) => (n === 1 ? ' hora' : ' horas'),
  per_hour: () => ' por hora',
  level: () => ' (nivel)',
};
const suffixOf = (unit: string | undefined, n: number) => (unit === undefined ? '' : (UNIT_SUFFIX[unit]?.(n) ?? ` ${unit.replace(/_/g, ' ')}`));

/** An indicator's value with its unit: "83,33 %", "3", "2,5 horas", "1,2 por hora"…; a dash without one. */
export function formatIndicatorValue(value: unknown, unit: string | undefined): string {
  if (value === null || value === undefined) return '—';
  if (typeof value !== 'number') return String(value);
  return `${formatNumber(value)}${suffixOf(unit, value)}`;
}

/** This month against the previous one: percentage points for a percentage, the unit otherwise. */
export function formatVariation(current: unknown, previous: unknown, unit: string | undefined): string {
  if (typeof current !== 'number' || typeof previous !== 'number') return '—';
  const d = Math.round((current - previous) * 100) / 100;
  const sign = d > 0 ? '+' : d < 0 ? '−' : '';
  const magnitude = formatNumber(Math.abs(d));
  if (unit === 'percent') return `${sign}${magnitude} p.p.`;
  return `${sign}${magnitude}${suffixOf(unit, Math.abs(d))}`;
}

/** "≥ 100 %", "≤ 4 horas". */
export function formatGoal(goal: IndicatorGoal, unit: string | undefined): string {
  return `${goal.direction === 'at_least' ? '≥' : '≤'} ${formatIndicatorValue(goal.target, unit)}`;
}

/** Whether a value met its goal; null when there is no value to judge (no runs that month). */
export function meetsGoal(value: unknown, goal: IndicatorGoal): boolean | null {
  if (typeof value !== 'number') return null;
  return goal.direction === 'at_least' ? value >= goal.target : value <= goal.target;
}

/** What the report reads of `computeIndicators` (extra fields are ignored). */
export interface IndicatorFigure {
  id: string;
  name: string;
  unit?: string;
  value: unknown;
  numerator?: unknown;
  denominator?: unknown;
  formula?: string;
}
export interface ProcedureFigures {
  code: string;
  name: string;
  runs?: number;
  indicators: IndicatorFigure[];
}

export interface IndicatorReportRow {
  id: string;
  name: string;
  formula: string;
  unit: string | null;
  numerator: string;
  denominator: string;
  value: number | null;
  previousValue: number | null;
  valueText: string;
  previousText: string;
  variationText: string;
  goalText: string;
  /** true / false against its goal; null without a goal or without a value. */
  met: boolean | null;
  metText: string;
  /** Counted in PE1.3.1's own indicator (it has a goal and a value, and is not PE1.3.1's own). */
  judged: boolean;
}

export interface IndicatorReport {
  month: string;
  monthLabel: string;
  previousMonth: string;
  previousMonthLabel: string;
  period: { from: string; to: string };
  procedures: { code: string; name: string; runs: number; previousRuns: number; indicators: IndicatorReportRow[] }[];
  /** PE1.3.1's "% Cumplimiento de indicadores": indicators that met their goal over those judged. */
  summary: { indicatorsWithGoal: number; indicatorsMet: number; complianceText: string; notMet: { code: string; id: string; name: string }[] };
}

const figureText = (v: unknown) => (typeof v === 'number' ? formatNumber(v) : v === null || v === undefined ? '—' : String(v));
const numeric = (v: unknown) => (typeof v === 'number' ? v : null);

/**
 * The report's rows: every indicator of every procedure for the month, beside its value the month
 * before, its variation, its goal and whether it met it. `reportingCode` (PE1.3.1 itself) is shown
 * but never judged: its own indicator is made of these judgements.
 */
export function buildIndicatorReport(o: {
  month: string;
  current: ProcedureFigures[];
  previous: ProcedureFigures[];
  goals: Record<string, IndicatorGoal>;
  reportingCode: string;
}): IndicatorReport {
  const previousMonth = shiftMonth(o.month, -1);
  const before = new Map(o.previous.map((p) => [p.code, p]));
  const notMet: IndicatorReport['summary']['notMet'] = [];
  let indicatorsWithGoal = 0;
  let indicatorsMet = 0;
  const procedures = o.current.map((p) => {
    const prev = before.get(p.code);
    const indicators = p.indicators.map((i): IndicatorReportRow => {
      const prevValue = prev?.indicators.find((x) => x.id === i.id)?.value ?? null;
      const unit = i.unit ?? null;
      const goal = o.goals[i.id];
      const met = goal ? meetsGoal(i.value, goal) : null;
      const judged = met !== null && p.code !== o.reportingCode;
      if (judged) {
        indicatorsWithGoal += 1;
        if (met) indicatorsMet += 1;
        else notMet.push({ code: p.code, id: i.id, name: i.name });
      }
      return {
        id: i.id,
        name: i.name,
        formula: i.formula ?? '',
        unit,
        numerator: figureText(i.numerator),
        denominator: figureText(i.denominator),
        value: numeric(i.value),
        previousValue: numeric(prevValue),
        valueText: formatIndicatorValue(i.value, i.unit),
        previousText: formatIndicatorValue(prevValue, i.unit),
        variationText: formatVariation(i.value, prevValue, i.unit),
        goalText: goal ? formatGoal(goal, i.unit) : 'Sin meta',
        met,
        metText: !goal ? '—' : met === null ? 'Sin dato' : met ? 'Cumple' : 'No cumple',
        judged,
      };
    });
    return { code: p.code, name: p.name, runs: p.runs ?? 0, previousRuns: prev?.runs ?? 0, indicators };
  });
  const compliance = indicatorsWithGoal === 0 ? null : Math.round((indicatorsMet / indicatorsWithGoal) * 10000) / 100;
  return {
    month: o.month,
    monthLabel: monthLabel(o.month),
    previousMonth,
    previousMonthLabel: monthLabel(previousMonth),
    period: monthBounds(o.month),
    procedures,
    summary: { indicatorsWithGoal, indicatorsMet, complianceText: formatIndicatorValue(compliance, 'percent'), notMet },
  };
}
