import { endOfLimaDay, limaDate } from '../../calendar/businessCalendar';
import { loadCalendar } from '../../calendar/service';
import type { ApiDeps } from '../deps';
import { HttpError } from '../errors';

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

/**
 * A claim as its citizen follows it: found only with its number and the document number of who
 * filed it, and the same answer whether the number does not exist or the document does not match
 * (the public API and the tracking page both ask here).
 */
export async function trackClaim(deps: ApiDeps, number: string, documentNumber: string) {
  const claim = await deps.models.Claim.findById(number).lean();
  if (!claim || claim.citizen?.documentNumber?.toUpperCase() !== documentNumber.trim().toUpperCase()) {
    throw new HttpError(404, 'not_found', 'no claim matches this number and document number');
  }
  const [standing] = await termStanding(deps, [claim]);
  return {
    number: claim._id,
    status: claim.status as (typeof CLAIM_STATUSES)[number],
    registeredAt: claim.registeredAt,
    dueDate: claim.dueDate,
    overdue: standing.overdue,
    businessDaysLeft: standing.businessDaysLeft,
    closedAt: claim.status === 'closed' ? (claim.closedAt ?? null) : null,
    answer: claim.status === 'answered' ? { decision: claim.decision as 'accepted' | 'rejected', text: claim.answer ?? '', answeredAt: claim.answeredAt ?? null, inTerm: claim.inTerm ?? null } : null,
  };
}
