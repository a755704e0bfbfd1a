import type { Role } from './roles';

/**
 * A non-working day decreed for the public sector (DESIGN §5) and its announcement to every open
 * claim: one run per date, so the announcement is started once and a repeated POST of the same
 * date finds it (or restarts one that was terminated).
 */
export const decreeWorkflowId = (date: string): string => `decreto-${date}`;

/** Who decreed the day, or asked for its announcement (the route is SSCS's only). */
export interface DecreeActor {
  sub: string;
  role: Role;
}

/** The decree as the run's start names it, so its history alone answers what, why and who. */
export interface DecreeInput {
  /** The Lima date decreed non-working, `YYYY-MM-DD`. */
  date: string;
  /** The legal instrument and its reason, as SSCS wrote it (e.g. "D.S. N° 123-2026-PCM"). */
  reason: string;
  decreedBy: DecreeActor;
  decreedAt: string;
  /** Who asked for this announcement, when not who decreed the day (a repeated POST restarting it). */
  requestedBy?: DecreeActor;
  /** Claims told per batch: progress is saved after each one (default 100). */
  batchSize?: number;
  /** Signals in flight at once (default 10). */
  concurrency?: number;
}

/** How far an announcement got; kept on the decreed day (`non_working_days.announcement`). */
export interface AnnouncementProgress {
  /** Claims are told in `_id` order: every open claim up to and including `after` was told. */
  after?: string;
  /** Open claims that received the decree. */
  reached: number;
  /** Claims whose run had closed meanwhile (nothing left to move). */
  skipped: number;
  /** Open claims when the announcement began. */
  total: number | null;
}

export type AnnouncementStatus = 'pending' | 'announcing' | 'done';

export interface DecreeResult {
  date: string;
  reason: string;
  reached: number;
  skipped: number;
  total: number | null;
}
