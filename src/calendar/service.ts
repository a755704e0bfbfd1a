import { tolerantUpsert, type Models } from '../db/models';
import { BusinessCalendar, parseDate } from './businessCalendar';

/** The calendar as data: national holidays plus the decreed days stored in the database. */
export async function loadCalendar(models: Models): Promise<BusinessCalendar> {
  const days = await models.NonWorkingDay.find().lean();
  return new BusinessCalendar(days.map((d) => ({ date: d._id, reason: d.reason })));
}

export class CalendarConflictError extends Error {
  override name = 'CalendarConflictError';
}

/**
 * Whether a day may be decreed non-working (DESIGN §5): it must be a day that would otherwise be a
 * business day — declaring a Sunday or a national holiday changes no term and is refused. Throws
 * CalendarConflictError for those; returns the stored day if it was decreed already, else null.
 */
export async function decreeableDay(models: Models, date: string) {
  parseDate(date);
  const existing = await models.NonWorkingDay.findById(date).lean();
  if (existing) return existing;
  const kind = (await loadCalendar(models)).kindOf(date);
  if (kind.kind !== 'business') {
    throw new CalendarConflictError(`${date} is already not a business day (${kind.kind}${kind.reason ? `: ${kind.reason}` : ''})`);
  }
  return null;
}

/**
 * Adds a decreed day to the calendar, once: the API and the decree run both call it, whoever
 * comes first writes it (with its announcement pending) and the other changes nothing.
 */
export async function saveNonWorkingDay(models: Models, day: { date: string; reason: string; createdBy: string; createdAt: Date }): Promise<void> {
  await tolerantUpsert(() =>
    models.NonWorkingDay.updateOne(
      { _id: day.date },
      {
        $setOnInsert: {
          reason: day.reason,
          createdBy: day.createdBy,
          createdAt: day.createdAt,
          announcement: { status: 'pending', reached: 0, skipped: 0, total: null },
        },
      },
      { upsert: true },
    ),
  );
}
