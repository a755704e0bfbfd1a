import type { Models } from '../db/models';
import { listProcedures } from '../catalog';
import { endOfLimaDay, limaDate, limaInstant } from '../calendar/businessCalendar';
import { planCompliance, type SupervisionPlan } from '../supervision/plan';

export interface IndicatorValue {
  id: string;
  name: string;
  unit: 'percent' | 'count' | 'hours';
  value: number | null;
  numerator: number;
  denominator: number | null;
  formula: string;
}

export interface ProcedureIndicators {
  code: string;
  name: string;
  runs: number;
  indicators: IndicatorValue[];
}

/**
 * The catalog's indicators (Listado de procedimientos e indicadores) computed from real runs:
 * each run records 0/1 figures under `metrics` and the catalog names which figure is the
 * numerator and which the denominator. Runs count in the period they were registered in.
 */
export async function computeIndicators(
  models: Models,
  scope: { centerIds: string[] | '*'; from?: string; to?: string; today?: string },
): Promise<ProcedureIndicators[]> {
  const match: Record<string, unknown> = {};
  if (scope.centerIds !== '*') match.centerId = { $in: scope.centerIds };
  if (scope.from || scope.to) {
    match.startedAt = {
      ...(scope.from ? { $gte: limaInstant(scope.from, '00:00') } : {}),
      ...(scope.to ? { $lte: endOfLimaDay(scope.to) } : {}),
    };
  }
  const procedures = listProcedures();
  // Summed while streaming rather than with $group: FerretDB v1 resolves no dotted paths
  // (`$metrics.x`) in aggregation expressions, and only `code` and `metrics` are read per run.
  const byCode = new Map<string, Record<string, number>>();
  for await (const run of models.Run.find(match, { code: 1, metrics: 1 }).lean().cursor()) {
    const sums = byCode.get(run.code) ?? { runs: 0 };
    sums.runs += 1;
    for (const [k, v] of Object.entries((run.metrics ?? {}) as Record<string, number>)) sums[k] = (sums[k] ?? 0) + Number(v);
    byCode.set(run.code, sums);
  }
  const planFigures = await supervisionPlanFigures(models, scope);
  return procedures.map((p) => {
    const sumOf = (codes: string | string[], k: string) => [codes].flat().reduce((sum, code) => sum + (byCode.get(code)?.[k] ?? 0), 0);
    return {
      code: p.code,
      name: p.name,
      runs: sumOf(p.code, 'runs'),
      indicators: p.indicators.map((i) => {
        const fromPlan = i.source === 'supervision_plan';
        const numerator = fromPlan ? planFigures[i.numerator as keyof typeof planFigures] : sumOf(i.from ?? p.code, i.numerator);
        const denominator = fromPlan ? planFigures[i.denominator as keyof typeof planFigures] : i.denominator ? sumOf(i.from ?? p.code, i.denominator) : null;
        const value = denominator === null ? Math.round(numerator * 100) / 100 : denominator === 0 ? null : Math.round((numerator / denominator) * 10000) / 100;
        return { id: i.id, name: i.name, unit: i.unit ?? (denominator === null ? 'count' : 'percent'), value, numerator, denominator, formula: i.formula };
      }),
    };
  });
}

/**
 * PM1.3.1's figures from the Plan de Supervisión Anual: the visits planned in the period (by their
 * date) and how many were executed, over the plans of the years the period touches.
 */
async function supervisionPlanFigures(models: Models, scope: { centerIds: string[] | '*'; from?: string; to?: string; today?: string }) {
  const years = scope.from || scope.to ? { year: { ...(scope.from ? { $gte: Number(scope.from.slice(0, 4)) } : {}), ...(scope.to ? { $lte: Number(scope.to.slice(0, 4)) } : {}) } } : {};
  const plans = (await models.SupervisionPlan.find({ status: 'approved', ...years }).lean()) as SupervisionPlan[];
  const today = scope.today ?? limaDate(new Date());
  const totals = { planned: 0, executed: 0, missed: 0 };
  for (const plan of plans) {
    const c = planCompliance(plan, today, scope);
    totals.planned += c.planned;
    totals.executed += c.executed;
    totals.missed += c.missed;
  }
  return totals;
}
