import Holidays from 'date-holidays';

/**
 * Peru's business-day calendar for legal terms (DESIGN §5): business days exclude Saturdays,
 * Sundays, the national holidays (from the maintained `date-holidays` data set: 16 a year since
 * 2024) and the non-working days decreed for the public sector, which are data added at run time.
 *
 * Dates are calendar dates, `YYYY-MM-DD`, with no time zone: a term is counted in days of Lima.
 */
export interface NonWorkingDay {
  date: string;
  reason: string;
}

export type DayKind = 'business' | 'weekend' | 'holiday' | 'decreed';

const holidays = new Holidays('PE');
const holidayCache = new Map<number, Map<string, string>>();

function nationalHolidays(year: number): Map<string, string> {
  let byDate = holidayCache.get(year);
  if (!byDate) {
    byDate = new Map();
    for (const h of holidays.getHolidays(year)) {
      if (h.type === 'public') byDate.set(h.date.slice(0, 10), h.name);
    }
    holidayCache.set(year, byDate);
  }
  return byDate;
}

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Parses `YYYY-MM-DD` into a UTC midnight; throws on anything that is not a real date. */
export function parseDate(date: string): Date {
  const m = DATE_RE.exec(date);
  const d = m ? new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))) : new Date(NaN);
  if (!m || Number.isNaN(d.getTime()) || formatDate(d) !== date) throw new RangeError(`not a date: ${date}`);
  return d;
}

export function formatDate(d: Date): string {
  return d.toISOString().slice(0, 10);
}

export function addDays(date: string, n: number): string {
  const d = parseDate(date);
  d.setUTCDate(d.getUTCDate() + n);
  return formatDate(d);
}

export class BusinessCalendar {
  private readonly decreed: Map<string, string>;

  constructor(nonWorkingDays: Iterable<NonWorkingDay> = []) {
    this.decreed = new Map([...nonWorkingDays].map((d) => [d.date, d.reason]));
  }

  /** Why `date` is or is not a business day. */
  kindOf(date: string): { kind: DayKind; reason?: string } {
    const d = parseDate(date);
    const dow = d.getUTCDay();
    if (dow === 0 || dow === 6) return { kind: 'weekend' };
    const holiday = nationalHolidays(d.getUTCFullYear()).get(date);
    if (holiday) return { kind: 'holiday', reason: holiday };
    const decreed = this.decreed.get(date);
    if (decreed) return { kind: 'decreed', reason: decreed };
    return { kind: 'business' };
  }

  isBusinessDay(date: string): boolean {
    return this.kindOf(date).kind === 'business';
  }

  /** The business day `n` business days before `date` (for reminders ahead of a term). */
  businessDaysBefore(date: string, n: number): string {
    let d = date;
    for (let left = n; left > 0; ) {
      d = addDays(d, -1);
      if (this.isBusinessDay(d)) left--;
    }
    return d;
  }

  /** The `n`-th business day after `from` (counting starts the day after, as legal terms do). */
  addBusinessDays(from: string, n: number): string {
    if (!Number.isInteger(n) || n < 0) throw new RangeError(`business days must be a whole number ≥ 0: ${n}`);
    let date = from;
    parseDate(from);
    for (let left = n; left > 0; ) {
      date = addDays(date, 1);
      if (this.isBusinessDay(date)) left--;
    }
    return date;
  }

  /** Business days in (from, to]: how many of the term's days have passed by `to`. */
  businessDaysBetween(from: string, to: string): number {
    if (to === from) return 0;
    if (to < from) return -this.businessDaysBetween(to, from);
    let count = 0;
    for (let date = addDays(from, 1); date <= to; date = addDays(date, 1)) {
      if (this.isBusinessDay(date)) count++;
    }
    return count;
  }
}

/** The day of the week of a calendar date: 0 for Sunday … 6 for Saturday. */
export function weekdayOf(date: string): number {
  return parseDate(date).getUTCDay();
}

/** Lima is UTC−5 all year (Peru keeps no daylight saving time). */
const LIMA_OFFSET_MS = 5 * 3600_000;

/** The Lima calendar date of an instant, `YYYY-MM-DD`. */
export function limaDate(instant: Date): string {
  return formatDate(new Date(instant.getTime() - LIMA_OFFSET_MS));
}

/** The Lima wall-clock time of an instant, `HH:MM`. */
export function limaTimeOfDay(instant: Date): string {
  return new Date(instant.getTime() - LIMA_OFFSET_MS).toISOString().slice(11, 16);
}

/** The instant of a Lima date and wall-clock time (`HH:MM`). */
export function limaInstant(date: string, time: string): Date {
  const [h, m] = time.split(':').map(Number);
  return new Date(parseDate(date).getTime() + (h * 60 + m) * 60_000 + LIMA_OFFSET_MS);
}

/** The instant a Lima calendar day ends (23:59:59.999): when a term that falls on it expires. */
export function endOfLimaDay(date: string): Date {
  return new Date(limaInstant(addDays(date, 1), '00:00').getTime() - 1);
}
