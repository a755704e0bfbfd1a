import type { Role } from '../shared/roles';

/** Center types by daily attentions (2.1.4): A < 700, B 700–2,000, C > 2,000. */
export type CenterType = 'A' | 'B' | 'C';

export function centerType(dailyAttentions: number): CenterType {
  if (dailyAttentions < 700) return 'A';
  if (dailyAttentions <= 2000) return 'B';
  return 'C';
}

/** Minimum staff per type (Cuadro 01). Orientador in type C is "03-04": the minimum is 3. */
export const MINIMUM_STAFF: Record<CenterType, Partial<Record<Role, number>>> = {
  A: { coordinator: 1, supervisor: 1, tic_specialist: 1, mac_express_advisor: 1, orientador: 1 },
  B: { coordinator: 1, supervisor: 1, tic_specialist: 2, mac_express_advisor: 1, orientador: 2 },
  C: { coordinator: 1, supervisor: 2, tic_specialist: 2, mac_express_advisor: 1, orientador: 3 },
};

export interface StaffingCheck {
  ok: boolean;
  roles: { role: Role; minimum: number; assigned: number; ok: boolean }[];
  /** What the center lacks to reach the minimum of its type, profile by profile. */
  missing: { role: Role; missing: number }[];
}

/** Cuadro 01 against the active staff per profile (the real roster, src/staff/roster.ts). */
export function staffingCheck(type: CenterType, staff: Record<string, number>): StaffingCheck {
  const roles = Object.entries(MINIMUM_STAFF[type]).map(([role, minimum]) => {
    const assigned = staff[role] ?? 0;
    return { role: role as Role, minimum: minimum!, assigned, ok: assigned >= minimum! };
  });
  return { ok: roles.every((r) => r.ok), roles, missing: roles.filter((r) => !r.ok).map((r) => ({ role: r.role, missing: r.minimum - r.assigned })) };
}

/** One day's opening hours, Lima wall-clock `HH:MM`; `null` where the center does not open that day. */
export interface DayHours {
  open: string;
  close: string;
}

export interface CenterHours {
  weekdays: DayHours | null;
  saturday: DayHours | null;
  sundayAndHolidays: DayHours | null;
}

/** Opening hours of the in-person centers (presentation 2015), America/Lima; per-center override. */
export const DEFAULT_HOURS: CenterHours = {
  weekdays: { open: '08:00', close: '20:00' },
  saturday: { open: '10:00', close: '18:00' },
  sundayAndHolidays: { open: '10:00', close: '14:00' },
};

/** A center's hours: its override where it sets a day group, the defaults elsewhere. */
export function centerHours(override: Partial<CenterHours> | null | undefined): CenterHours {
  return { ...DEFAULT_HOURS, ...(override ?? {}) };
}

/**
 * The hours of one day: holidays (and decreed non-working days) keep Sunday hours whatever the
 * weekday. `weekday` is 0 for Sunday … 6 for Saturday (`weekdayOf` of the calendar).
 */
export function hoursOn(hours: CenterHours, weekday: number, holiday: boolean): DayHours | null {
  if (holiday || weekday === 0) return hours.sundayAndHolidays;
  if (weekday === 6) return hours.saturday;
  return hours.weekdays;
}
