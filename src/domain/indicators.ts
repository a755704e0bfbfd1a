import type { Models } from '../db/models';
import { listProcedures, type IndicatorDefinition } from '../catalog';
import { endOfLimaDay, limaDate, limaInstant } from '../calendar/businessCalendar';
import { planCompliance, type SupervisionPlan } from '../supervision/plan';

/** At most this many run ids are listed behind a figure; `runs.href` lists them all. */
export const RUNS_LISTED = 50;

export interface IndicatorValue {
  id: string;
  name: string;
  unit: 'percent' | 'count' | 'hours' | 'per_hour' | 'level';
  value: number | null;
  /** For a `level`: the level's name on its scale. */
  label?: string;
  numerator: number;
  denominator: number | null;
  formula: string;
  /** A count by type (occurrences by type, reviews by risk level). */
  breakdown?: { key: string; label: string; count: number }[];
  /** The runs the figures come from: how many, the first ones, and where to list them all. */
  runs: { count: number; ids: string[]; href: string };
}

export interface ProcedureIndicators {
  code: string;
  name: string;
  runs: number;
  indicators: IndicatorValue[];
}

interface Scope {
  centerIds: string[] | '*';
  from?: string;
  to?: string;
  /** The day the figures are read on (Lima): claims past their term count as out of term from the day after it. */
  today?: string;
}

interface CodeFigures {
  runs: number;
  ids: string[];
  sums: Record<string, number>;
  max: Record<string, number>;
}

/**
 * Every indicator of the catalog (Listado de procedimientos e indicadores, 2.4.2) computed for a
 * scope, each as its definition says: a percentage of two figures the runs recorded, a count, a
 * sum of hours, a rate per hour, the highest level of a scale; from the runs' metrics (summed over
 * the runs registered in the period), or from the Libro de Reclamaciones, the roster or the Plan de
 * Supervisión Anual. Each value names its numerator, denominator and the runs behind it.
 */
export async function computeIndicators(models: Models, scope: Scope): Promise<ProcedureIndicators[]> {
  const match: Record<string, unknown> = centerMatch(scope);
  if (scope.from || scope.to) {
    match.startedAt = {
      ...(scope.from ? { $gte: limaInstant(scope.from, '00:00') } : {}),
      ...(scope.to ? { $lte: endOfLimaDay(scope.to) } : {}),
    };
  }
  const procedures = listProcedures();
  // Summed while streaming rather than with $group: FerretDB v1 resolves no dotted paths
  // (`$metrics.x`) in aggregation expressions; only `code` and `metrics` are read per run.
  const byCode = new Map<string, CodeFigures>();
  for await (const run of models.Run.find(match, { code: 1, metrics: 1 }).sort({ startedAt: 1 }).lean().cursor()) {
    const f = byCode.get(run.code) ?? { runs: 0, ids: [], sums: {}, max: {} };
    f.runs += 1;
    if (f.ids.length < RUNS_LISTED) f.ids.push(run._id);
    for (const [k, raw] of Object.entries((run.metrics ?? {}) as Record<string, number>)) {
      const v = Number(raw);
      f.sums[k] = (f.sums[k] ?? 0) + v;
      f.max[k] = Math.max(f.max[k] ?? Number.NEGATIVE_INFINITY, v);
    }
    byCode.set(run.code, f);
  }
  const [plan, claims, roster] = await Promise.all([supervisionPlanFigures(models, scope), claimFigures(models, scope), rosterFigures(models, scope)]);
  const href = (codes: string[]) => {
    const q = new URLSearchParams();
    for (const c of codes) q.append('code', c);
    if (scope.centerIds !== '*' && scope.centerIds.length === 1) q.set('centerId', scope.centerIds[0]);
    if (scope.from) q.set('from', scope.from);
    if (scope.to) q.set('to', scope.to);
    return `/api/v1/runs?${q.toString()}`;
  };
  return procedures.map((p) => {
    const codesOf = (i: IndicatorDefinition) => [i.from ?? p.code].flat();
    const sumOf = (codes: string[], k: string) => codes.reduce((sum, code) => sum + (byCode.get(code)?.sums[k] ?? 0), 0);
    const maxOf = (codes: string[], k: string) => codes.reduce((m, code) => Math.max(m, byCode.get(code)?.max[k] ?? Number.NEGATIVE_INFINITY), Number.NEGATIVE_INFINITY);
    const runsOf = (codes: string[]) => ({
      count: codes.reduce((n, c) => n + (byCode.get(c)?.runs ?? 0), 0),
      ids: codes.flatMap((c) => byCode.get(c)?.ids ?? []).slice(0, RUNS_LISTED),
      href: href(codes),
    });
    return {
      code: p.code,
      name: p.name,
      runs: byCode.get(p.code)?.runs ?? 0,
      indicators: p.indicators.map((i): IndicatorValue => {
        const codes = codesOf(i);
        let numerator: number;
        let denominator: number | null;
        let runs = runsOf(codes);
        if (i.source === 'supervision_plan') {
          numerator = plan[i.numerator as keyof typeof plan] as number;
          denominator = plan[i.denominator as keyof typeof plan] as number;
          runs = { count: plan.runIds.length, ids: plan.runIds.slice(0, RUNS_LISTED), href: href([p.code]) };
        } else if (i.source === 'claims') {
          numerator = claims.answeredInTerm;
          denominator = claims.answeredOrOverdue;
          runs = { count: claims.ids.length, ids: claims.ids.slice(0, RUNS_LISTED), href: href([codesOfClaims()]) };
        } else {
          numerator = i.aggregate === 'max' ? maxOf(codes, i.numerator) : sumOf(codes, i.numerator);
          denominator = i.source === 'roster' ? roster : i.denominator ? sumOf(codes, i.denominator) : null;
        }
        const unit = i.unit ?? (denominator === null ? 'count' : 'percent');
        const empty = !Number.isFinite(numerator);
        if (empty) numerator = 0;
        const value =
          unit === 'level'
            ? empty ? null : numerator
            : denominator === null
              ? round(numerator)
              : denominator === 0
                ? null
                : unit === 'per_hour' ? round(numerator / denominator) : round((numerator / denominator) * 100);
        return {
          id: i.id,
          name: i.name,
          unit,
          value,
          ...(unit === 'level' && value !== null && i.scale ? { label: i.scale[value] } : {}),
          numerator,
          denominator,
          formula: i.formula,
          ...(i.breakdown ? { breakdown: Object.entries(i.breakdown.labels).map(([key, label]) => ({ key, label, count: sumOf(codes, `${i.breakdown!.prefix}__${key}`) })) } : {}),
          runs,
        };
      }),
    };
  });
}

/** The procedure whose runs are the Libro de Reclamaciones' claims (the one with a legal term). */
function codesOfClaims(): string {
  return listProcedures().find((p) => p.legalTerm)!.code;
}

const round = (n: number) => Math.round(n * 100) / 100;

/**
 * The scope's centers as a filter: one center as an equality, which the embedded store pushes down
 * to its index (src/db/embeddedIndexes.ts); `$in` it evaluates in memory.
 */
function centerMatch(scope: Scope): Record<string, unknown> {
  if (scope.centerIds === '*') return {};
  return scope.centerIds.length === 1 ? { centerId: scope.centerIds[0] } : { centerId: { $in: scope.centerIds } };
}

/**
 * The claims registered in the period (Libro de Reclamaciones): answered in term, and answered or
 * past their term — a claim still unanswered counts as out of term from the day after its due date
 * (D.S. N° 007-2020-PCM: 30 business days), so a claim left unanswered lowers the rate.
 */
async function claimFigures(models: Models, scope: Scope): Promise<{ answeredInTerm: number; answeredOrOverdue: number; ids: string[] }> {
  const today = scope.today ?? limaDate(new Date());
  const base: Record<string, unknown> = centerMatch(scope);
  if (scope.from || scope.to) {
    base.registeredAt = { ...(scope.from ? { $gte: limaInstant(scope.from, '00:00') } : {}), ...(scope.to ? { $lte: endOfLimaDay(scope.to) } : {}) };
  }
  const ids: string[] = [];
  let answeredInTerm = 0;
  let answeredOrOverdue = 0;
  const counted = { $or: [{ status: 'answered' }, { status: 'open', dueDate: { $lt: today } }] };
  for await (const c of models.Claim.find({ ...base, ...counted }, { _id: 1, status: 1, inTerm: 1 }).sort({ registeredAt: 1 }).lean().cursor()) {
    answeredOrOverdue += 1;
    if (c.status === 'answered' && c.inTerm) answeredInTerm += 1;
    ids.push(c._id);
  }
  return { answeredInTerm, answeredOrOverdue, ids };
}

/** The center's staff in the period: active at its end (joined by then), or ceased within it. */
async function rosterFigures(models: Models, scope: Scope): Promise<number> {
  const filter: Record<string, unknown> = centerMatch(scope);
  const to = scope.to ?? scope.today ?? limaDate(new Date());
  const members = await models.StaffMember.find({ ...filter, joinedOn: { $lte: to } }, { ceasedOn: 1 }).lean();
  return members.filter((m) => !m.ceasedOn || m.ceasedOn >= (scope.from ?? '0000-00-00')).length;
}

/**
 * PM1.3.1's figures from the Plan de Supervisión Anual: the visits planned in the period (by their
 * date) and how many were executed, over the plans of the years the period touches.
 */
async function supervisionPlanFigures(models: Models, scope: Scope) {
  const years = scope.from || scope.to ? { year: { ...(scope.from ? { $gte: Number(scope.from.slice(0, 4)) } : {}), ...(scope.to ? { $lte: Number(scope.to.slice(0, 4)) } : {}) } } : {};
  const plans = (await models.SupervisionPlan.find({ status: 'approved', ...years }).lean()) as SupervisionPlan[];
  const today = scope.today ?? limaDate(new Date());
  const totals = { planned: 0, executed: 0, missed: 0, runIds: [] as string[] };
  for (const plan of plans) {
    const c = planCompliance(plan, today, scope);
    totals.planned += c.planned;
    totals.executed += c.executed;
    totals.missed += c.missed;
  }
  totals.runIds = plans.flatMap((plan) => plan.visits.filter((v) => v.runId && (scope.centerIds === '*' || scope.centerIds.includes(v.centerId)) && (!scope.from || v.date >= scope.from) && (!scope.to || v.date <= scope.to)).map((v) => v.runId!));
  return totals;
}
