import type { BusinessCalendar } from '../calendar/businessCalendar';
import { addDays, limaInstant } from '../calendar/businessCalendar';
import type { Models } from '../db/models';
import { SEMESTERS, semesterEnd, semesterOf, type Semester } from '../domain/supervision';

/**
 * The Plan de Supervisión Anual as data (2.3.3; Cuadro 02, 1). The plan workflow
 * (src/workflows/supervisionPlan.ts) reads it to start each planned visit's run; the API changes
 * it; the indicator PM1.3.1 is computed from it.
 */

/** A visit of the plan as stored (src/db/models.ts, supervision_plans). */
export interface PlanVisit {
  id: string;
  centerId: string;
  semester: number;
  date: string;
  cancelled?: { at?: Date; by?: string; reason?: string } | null;
  runId?: string | null;
  startedAt?: Date | null;
  executedOn?: string | null;
  changes?: { at: Date; by: string; from: string; to: string; reason: string }[] | null;
}

export interface SupervisionPlan {
  _id: string;
  year: number;
  status: 'draft' | 'approved' | string;
  visits: PlanVisit[];
  createdBy?: string | null;
  createdAt: Date;
  approvedBy?: string | null;
  approvedAt?: Date | null;
  rev: number;
}

export const planId = (year: number) => String(year);
export const planWorkflowId = (year: number) => `supervision-plan-${year}`;
export const visitId = (centerId: string, semester: Semester) => `${centerId}-${semester}`;

/** A date's first business day on or after it. */
export function onBusinessDay(calendar: BusinessCalendar, date: string): string {
  let d = date;
  while (!calendar.isBusinessDay(d)) d = addDays(d, 1);
  return d;
}

/**
 * Our default plan (the manual fixes no dates): each active center once per semester, centers
 * spread over the months so one team can do them — the i-th center in month 3+i%4 and 9+i%4,
 * on the first business day from the 15th.
 */
export function defaultPlanVisits(calendar: BusinessCalendar, year: number, centerIds: string[]): { centerId: string; semester: Semester; date: string }[] {
  return centerIds.flatMap((centerId, i) =>
    SEMESTERS.map((semester) => {
      const month = (semester === 1 ? 3 : 9) + (i % 4);
      return { centerId, semester, date: onBusinessDay(calendar, `${year}-${String(month).padStart(2, '0')}-15`) };
    }),
  );
}

/** The instant a planned visit's run starts: its gabinete, `leadDays` business days before the visit, at 08:00 Lima. */
export function visitRunStartsAt(calendar: BusinessCalendar, date: string, leadDays: number): Date {
  return limaInstant(calendar.businessDaysBefore(date, leadDays), '08:00');
}

/**
 * Changes a plan under its revision: read, change, write only if nobody wrote in between; else
 * again. `change` returns what to answer, or throws to refuse (nothing written).
 */
export async function changePlan<T>(models: Models, year: number, change: (plan: SupervisionPlan) => T): Promise<{ plan: SupervisionPlan; result: T }> {
  for (let attempt = 0; ; attempt++) {
    const plan = (await models.SupervisionPlan.findById(planId(year)).lean()) as SupervisionPlan | null;
    if (!plan) throw new PlanNotFoundError(year);
    const rev = plan.rev;
    const result = change(plan);
    const { _id, ...rest } = plan;
    const written = await models.SupervisionPlan.updateOne({ _id, rev }, { $set: { ...rest, rev: rev + 1 } });
    if (written.modifiedCount === 1) return { plan: { ...plan, rev: rev + 1 }, result };
    if (attempt > 20) throw new Error(`plan ${year} kept changing under this write`);
  }
}

export class PlanNotFoundError extends Error {
  override name = 'PlanNotFoundError';
  constructor(readonly year: number) {
    super(`there is no supervision plan for ${year}`);
  }
}

export type VisitStanding = 'planned' | 'started' | 'executed' | 'missed' | 'cancelled';

/** Where a planned visit stands on `today`: missed once its semester ended without the field visit. */
export function visitStanding(v: PlanVisit, year: number, today: string): VisitStanding {
  if (v.executedOn) return 'executed';
  if (v.cancelled?.at) return 'cancelled';
  if (today > semesterEnd(year, v.semester as Semester)) return 'missed';
  return v.runId ? 'started' : 'planned';
}

export interface ComplianceFigures {
  planned: number;
  executed: number;
  missed: number;
  /** % Cumplimiento del Plan de Supervisión Anual: executed / planned × 100 (null with nothing planned). */
  compliance: number | null;
}

const figures = (visits: { standing: VisitStanding }[]): ComplianceFigures => {
  // A visit cancelled with a recorded reason leaves the plan (docs/design/supervision-2.3.md, A3).
  const planned = visits.filter((v) => v.standing !== 'cancelled');
  const executed = planned.filter((v) => v.standing === 'executed').length;
  return {
    planned: planned.length,
    executed,
    missed: planned.filter((v) => v.standing === 'missed').length,
    compliance: planned.length ? Math.round((executed / planned.length) * 10000) / 100 : null,
  };
};

/**
 * PM1.3.1's indicator from the plan, per center and semester and for the year, over the visits
 * planned in the period [from, to] (dates of the visits), as they stand on `today`.
 */
export function planCompliance(plan: SupervisionPlan, today: string, scope: { centerIds: string[] | '*'; from?: string; to?: string } = { centerIds: '*' }) {
  const visits = plan.visits
    .filter((v) => (scope.centerIds === '*' || scope.centerIds.includes(v.centerId)) && (!scope.from || v.date >= scope.from) && (!scope.to || v.date <= scope.to))
    .map((v) => ({ ...v, standing: visitStanding(v, plan.year, today) }));
  const centers = [...new Set(visits.map((v) => v.centerId))].sort();
  return {
    year: plan.year,
    ...figures(visits),
    centers: centers.map((centerId) => {
      const own = visits.filter((v) => v.centerId === centerId);
      return {
        centerId,
        ...figures(own),
        semesters: SEMESTERS.map((semester) => ({ semester, ...figures(own.filter((v) => v.semester === semester)) })),
        missedVisits: own.filter((v) => v.standing === 'missed').map((v) => ({ id: v.id, semester: v.semester, date: v.date, runId: v.runId ?? null })),
      };
    }),
  };
}

export { semesterOf };
