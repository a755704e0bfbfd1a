/**
 * Peru's business-day calendar for legal terms (DESIGN §5: 30 business days counted from the day
 * after registration; weekends, the 16 national holidays and decreed days excluded).
 * Expected dates are counted by hand on the 2026–2027 calendar.
 */
import { BusinessCalendar, endOfLimaDay, limaDate, limaInstant, limaTimeOfDay, parseDate } from '../../src/calendar/businessCalendar';

const calendar = new BusinessCalendar();

describe('BusinessCalendar', () => {
  test.each([
    ['2026-01-01', 'holiday'], // Año Nuevo
    ['2026-04-02', 'holiday'], // Jueves Santo
    ['2026-04-03', 'holiday'], // Viernes Santo
    ['2026-05-01', 'holiday'],
    ['2026-06-07', 'weekend'], // Batalla de Arica falls on a Sunday in 2026
    ['2026-06-29', 'holiday'],
    ['2026-07-23', 'holiday'], // Día de la Fuerza Aérea (since 2024)
    ['2026-07-28', 'holiday'],
    ['2026-07-29', 'holiday'],
    ['2026-08-06', 'holiday'], // Batalla de Junín
    ['2026-08-30', 'weekend'],
    ['2026-10-08', 'holiday'],
    ['2026-11-01', 'weekend'],
    ['2026-12-08', 'holiday'],
    ['2026-12-09', 'holiday'], // Batalla de Ayacucho
    ['2026-12-25', 'holiday'],
    ['2027-03-25', 'holiday'], // Jueves Santo 2027
    ['2026-11-23', 'business'],
    ['2026-11-28', 'weekend'],
  ])('when the day is %s, then it is a %s day', (date, kind) => {
    expect(calendar.kindOf(date).kind).toBe(kind);
  });

  test('when a year is listed, then it has the 16 national holidays of DESIGN §5 on weekdays or weekends', () => {
    const year = 2027;
    const dates: string[] = [];
    for (let d = new Date(Date.UTC(year, 0, 1)); d.getUTCFullYear() === year; d.setUTCDate(d.getUTCDate() + 1)) {
      const iso = d.toISOString().slice(0, 10);
      const dow = d.getUTCDay();
      if (dow !== 0 && dow !== 6 && calendar.kindOf(iso).kind === 'holiday') dates.push(iso.slice(5));
    }
    // 2027 weekday holidays; 7 Jun is a Monday, 29 Jun a Tuesday, 30 Aug a Monday, 8 Oct a Friday.
    expect(dates).toEqual(['01-01', '03-25', '03-26', '06-07', '06-29', '07-23', '07-28', '07-29', '08-06', '08-30', '10-08', '11-01', '12-08', '12-09']);
  });

  test('when 30 business days are counted from Friday 4 December 2026, then the term ends on Thursday 21 January 2027', () => {
    expect(calendar.addBusinessDays('2026-12-04', 30)).toBe('2027-01-21');
  });

  test('when counting starts on a Friday, then the first business day is the next Monday', () => {
    expect(calendar.addBusinessDays('2026-11-27', 1)).toBe('2026-11-30');
    expect(calendar.addBusinessDays('2026-11-27', 0)).toBe('2026-11-27');
  });

  test('when a decreed non-working day falls inside a term, then the term moves by one business day', () => {
    const decreed = new BusinessCalendar([{ date: '2026-12-24', reason: 'D.S. día no laborable' }]);
    expect(decreed.kindOf('2026-12-24')).toEqual({ kind: 'decreed', reason: 'D.S. día no laborable' });
    expect(decreed.addBusinessDays('2026-12-04', 30)).toBe('2027-01-22');
  });

  test('when business days between two dates are asked, then weekends and holidays do not count', () => {
    expect(calendar.businessDaysBetween('2026-12-04', '2026-12-11')).toBe(3); // 7, 10, 11
    expect(calendar.businessDaysBetween('2026-12-11', '2026-12-04')).toBe(-3);
    expect(calendar.businessDaysBefore('2026-12-10', 1)).toBe('2026-12-07');
  });

  test('when a date is not real, then it is refused', () => {
    expect(() => parseDate('2026-02-30')).toThrow(RangeError);
    expect(() => calendar.addBusinessDays('2026-13-01', 1)).toThrow(RangeError);
    expect(() => calendar.addBusinessDays('2026-12-01', -1)).toThrow(RangeError);
  });

  test('when an instant is read in Lima (UTC−5), then the day changes at 05:00 UTC and a term ends at 23:59:59.999 Lima', () => {
    expect(limaDate(new Date('2026-12-05T04:59:59Z'))).toBe('2026-12-04');
    expect(limaDate(new Date('2026-12-05T05:00:00Z'))).toBe('2026-12-05');
    expect(endOfLimaDay('2027-01-21').toISOString()).toBe('2027-01-22T04:59:59.999Z');
    expect(limaInstant('2026-12-07', '08:00').toISOString()).toBe('2026-12-07T13:00:00.000Z');
    expect(limaTimeOfDay(new Date('2026-12-05T04:30:00Z'))).toBe('23:30');
  });
});
