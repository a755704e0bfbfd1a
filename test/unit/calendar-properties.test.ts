/**
 * The business calendar's properties (DESIGN §5), checked by fast-check over random days of
 * 2024–2032 and terms up to 60 business days, on Peru's holidays (date-holidays) with decreed
 * non-working days: every legal term of the engine is counted here.
 */
import fc from 'fast-check';
import { addDays, BusinessCalendar } from '../../src/calendar/businessCalendar';

const day = fc.date({ min: new Date('2024-01-01T00:00:00Z'), max: new Date('2032-12-31T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10));
const term = fc.integer({ min: 1, max: 60 });
const calendar = new BusinessCalendar();

test('adding N business days lands on a business day, and counting back from it gives N', () => {
  fc.assert(
    fc.property(day, term, (from, n) => {
      const due = calendar.addBusinessDays(from, n);
      expect(calendar.isBusinessDay(due)).toBe(true);
      expect(calendar.businessDaysBetween(from, due)).toBe(n);
      // The day before the due date is still inside the term: one business day short.
      expect(calendar.businessDaysBetween(from, addDays(due, -1))).toBe(n - 1);
    }),
  );
});

test('from a business day, N business days back from the due date is that day', () => {
  fc.assert(
    fc.property(day, term, (from, n) => {
      fc.pre(calendar.isBusinessDay(from));
      expect(calendar.businessDaysBefore(calendar.addBusinessDays(from, n), n)).toBe(from);
    }),
  );
});

test('a decreed non-working day inside a term moves its due date by exactly one business day; one outside it moves nothing', () => {
  fc.assert(
    fc.property(day, term, fc.nat(), fc.integer({ min: 1, max: 30 }), (from, n, pick, after) => {
      const due = calendar.addBusinessDays(from, n);
      // A business day of the term, (from, due]: the k-th of its n business days.
      const inside = calendar.addBusinessDays(from, (pick % n) + 1);
      const decreed = new BusinessCalendar([{ date: inside, reason: 'Día no laborable (decreto)' }]);
      expect(decreed.addBusinessDays(from, n)).toBe(calendar.addBusinessDays(from, n + 1));
      expect(decreed.businessDaysBetween(from, decreed.addBusinessDays(from, n))).toBe(n);
      // A decreed day after the due date (or on a day that was not a business day) changes nothing.
      const outside = new BusinessCalendar([{ date: addDays(due, after), reason: 'Día no laborable (decreto)' }]);
      expect(outside.addBusinessDays(from, n)).toBe(due);
    }),
  );
});

test('a day to itself is zero business days (a claim on its due date: its standing used to overflow the stack)', () => {
  expect(calendar.businessDaysBetween('2026-11-24', '2026-11-24')).toBe(0);
  expect(calendar.businessDaysBetween('2026-11-28', '2026-11-28')).toBe(0);
});
