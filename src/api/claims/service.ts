import { endOfLimaDay, limaDate } from '../../calendar/businessCalendar';
import { loadCalendar } from '../../calendar/service';
import type { ApiDeps } from '../deps';

/** open → answered; closed: the run ended without an answer (cancelled, terminated, failed, timed out). */
export const CLAIM_STATUSES = ['open', 'answered', 'closed'] as const;

/**
 * How a claim stands against its legal term today: business days left until the due date, or
 * business days overdue, counted on the business calendar (DESIGN §5).
 */
export async function termStanding(deps: ApiDeps, claims: { dueDate: string; status: string }[]) {
  const calendar = await loadCalendar(deps.models);
  const now = deps.clock();
  const today = limaDate(now);
  return claims.map((c) => {
    if (c.status !== 'open') return { overdue: false, businessDaysLeft: null, businessDaysOverdue: null };
    const overdue = now.getTime() > endOfLimaDay(c.dueDate).getTime();
    return overdue
      ? { overdue, businessDaysLeft: null, businessDaysOverdue: calendar.businessDaysBetween(c.dueDate, today) }
      : { overdue, businessDaysLeft: calendar.businessDaysBetween(today, c.dueDate), businessDaysOverdue: null };
  });
}
