import { z } from 'zod';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { WorkflowIdReusePolicy } from '@temporalio/common';
import type { Api } from '../route';
import { errorResponses, json } from '../route';
import type { ApiDeps } from '../deps';
import { addDays, parseDate } from '../../calendar/businessCalendar';
import { decreeableDay, loadCalendar, saveNonWorkingDay } from '../../calendar/service';
import { decreeWorkflowId, type AnnouncementStatus, type DecreeInput } from '../../shared/decree';
import type { decreeWorkflow } from '../../workflows/decree';

/**
 * Starts the announcement of a decreed day to every open claim (src/workflows/decree.ts), once
 * per date: returns false when it exists already, running or finished. One that failed or was
 * terminated is started again, and resumes where it stopped.
 */
async function startAnnouncement(deps: ApiDeps, input: DecreeInput): Promise<boolean> {
  try {
    await deps.temporal.workflow.start<typeof decreeWorkflow>('decreeWorkflow', {
      taskQueue: deps.taskQueue,
      workflowId: decreeWorkflowId(input.date),
      workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE_FAILED_ONLY,
      args: [input],
    });
    return true;
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError) return false;
    throw err;
  }
}

const announcementView = z
  .object({
    workflowId: z.string(),
    status: z.enum(['pending', 'announcing', 'done']).describe('pending: not begun yet; announcing: telling the open claims; done: every open claim was told'),
    reached: z.number().describe('open claims told so far'),
    skipped: z.number().describe('claims whose run had closed meanwhile'),
    total: z.number().nullable().describe('open claims when the announcement began'),
  })
  .openapi('DecreeAnnouncement');

type DayRecord = { _id: string; announcement?: { status: string; reached: number; skipped: number; total?: number | null } | null };

function announcementOf(day: DayRecord): z.infer<typeof announcementView> {
  const a = day.announcement;
  return { workflowId: decreeWorkflowId(day._id), status: (a?.status ?? 'pending') as AnnouncementStatus, reached: a?.reached ?? 0, skipped: a?.skipped ?? 0, total: a?.total ?? null };
}

const realDate = z.string().refine((d) => {
  try {
    parseDate(d);
    return true;
  } catch {
    return false;
  }
}, 'must be a real calendar date YYYY-MM-DD');

export function registerCalendar(api: Api, deps: ApiDeps): void {
  api.route({
    method: 'get',
    path: '/calendar/business-days',
    summary: 'The N-th business day after a date (legal terms count from the day after), and the days skipped',
    tags: ['calendar'],
    query: z.object({ from: realDate.openapi({ example: '2026-12-04' }), days: z.coerce.number().int().min(0).max(400).openapi({ example: 30 }) }),
    responses: {
      200: json(
        z.object({ from: z.string(), days: z.number(), date: z.string(), skipped: z.array(z.object({ date: z.string(), kind: z.string(), reason: z.string().optional() })) }),
        'the date',
      ),
      ...errorResponses(400, 401),
    },
    handler: async ({ query }) => {
      const calendar = await loadCalendar(deps.models);
      const date = calendar.addBusinessDays(query.from, query.days);
      const skipped = [];
      for (let d = addDays(query.from, 1); d <= date; d = addDays(d, 1)) {
        const k = calendar.kindOf(d);
        if (k.kind !== 'business') skipped.push({ date: d, ...k });
      }
      return { from: query.from, days: query.days, date, skipped };
    },
  });

  api.route({
    method: 'get',
    path: '/calendar/non-working-days',
    summary: 'Non-working days decreed for the public sector (besides weekends and national holidays)',
    tags: ['calendar'],
    responses: {
      200: json(
        z.object({
          days: z.array(
            z.object({
              date: z.string(),
              reason: z.string(),
              createdBy: z.string().optional(),
              createdAt: z.string(),
              announcement: announcementView.nullable().describe('how far the open claims were told (null: decreed before announcements were recorded)'),
            }),
          ),
        }),
        'decreed days',
      ),
      ...errorResponses(401),
    },
    handler: async () => {
      const days = await deps.models.NonWorkingDay.find().sort({ _id: 1 }).lean();
      return { days: days.map((d) => ({ date: d._id, reason: d.reason, createdBy: d.createdBy, createdAt: d.createdAt, announcement: d.announcement ? announcementOf(d) : null })) };
    },
  });

  api.route({
    method: 'post',
    path: '/calendar/non-working-days',
    summary: 'Add a non-working day decreed for the public sector (SSCS only); new terms skip it and every open claim is told to move its own',
    tags: ['calendar'],
    body: z.object({ date: realDate, reason: z.string().trim().min(3).max(300) }).strict(),
    roles: ['sscs'],
    status: 201,
    responses: {
      201: json(z.object({ date: z.string(), reason: z.string(), announcement: announcementView }), 'decreed; the open claims are being told (progress in GET)'),
      200: json(
        z.object({ date: z.string(), reason: z.string(), announcement: announcementView }),
        'it was already decreed (the reason stands as first given); its announcement exists, or was started again',
      ),
      ...errorResponses(400, 401, 403, 409),
    },
    handler: async ({ body, actor, res }) => {
      const requestedBy = { sub: actor.sub, role: actor.role };
      // A weekend or a national holiday: 409 (CalendarConflictError).
      const existing = await decreeableDay(deps.models, body.date);
      if (existing) {
        // A repeat (or a retry after a failure halfway): the announcement must exist or have finished.
        await startAnnouncement(deps, {
          date: existing._id,
          reason: existing.reason,
          decreedBy: { sub: existing.createdBy ?? requestedBy.sub, role: 'sscs' },
          decreedAt: existing.createdAt.toISOString(),
          requestedBy,
        });
        res.status(200).json({ date: existing._id, reason: existing.reason, announcement: announcementOf(existing) });
        return undefined;
      }
      const decreedAt = deps.clock();
      // The announcement first, then the day: if this request dies in between, the run saves the
      // day itself; the other way round, a day could stay decreed with nobody told.
      const started = await startAnnouncement(deps, { date: body.date, reason: body.reason, decreedBy: requestedBy, decreedAt: decreedAt.toISOString() });
      await saveNonWorkingDay(deps.models, { date: body.date, reason: body.reason, createdBy: requestedBy.sub, createdAt: decreedAt });
      const day = (await deps.models.NonWorkingDay.findById(body.date).lean())!;
      // Two requests racing for a new date: one started the announcement (201), the other did not (200).
      res.status(started ? 201 : 200).json({ date: day._id, reason: day.reason, announcement: announcementOf(day) });
      return undefined;
    },
  });
}
