import { z } from 'zod';
import type { Api } from '../route';
import { errorResponses, json } from '../route';
import type { ApiDeps } from '../deps';
import { addDays, parseDate } from '../../calendar/businessCalendar';
import { addNonWorkingDay, CalendarConflictError, loadCalendar } from '../../calendar/service';
import { conflict } from '../errors';
import { WorkflowNotFoundError } from '@temporalio/client';
import { calendarChangedSignal, type CalendarChange } from '../../shared/messages';

/**
 * Tells every open claim that a day was decreed non-working, so each re-plans its legal term
 * (DESIGN §5). A claim whose run has closed meanwhile is skipped. Returns how many were told.
 */
async function announceToRunningTerms(deps: ApiDeps, change: CalendarChange): Promise<number> {
  const open = await deps.models.Claim.find({ status: 'open' }, { _id: 1 }).lean();
  let told = 0;
  for (let i = 0; i < open.length; i += 20) {
    const batch = open.slice(i, i + 20).map((c) =>
      deps.temporal.workflow
        .getHandle(c._id)
        .signal(calendarChangedSignal, change)
        .then(
          () => void told++,
          (err) => {
            if (!(err instanceof WorkflowNotFoundError)) throw err;
          },
        ),
    );
    await Promise.all(batch);
  }
  return told;
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
    responses: { 200: json(z.object({ days: z.array(z.object({ date: z.string(), reason: z.string() })) }), 'decreed days'), ...errorResponses(401) },
    handler: async () => {
      const days = await deps.models.NonWorkingDay.find().sort({ _id: 1 }).lean();
      return { days: days.map((d) => ({ date: d._id, reason: d.reason, createdBy: d.createdBy, createdAt: d.createdAt })) };
    },
  });

  api.route({
    method: 'post',
    path: '/calendar/non-working-days',
    summary: 'Add a non-working day decreed for the public sector (SSCS only); new terms skip it and open claims move theirs',
    tags: ['calendar'],
    body: z.object({ date: realDate, reason: z.string().trim().min(3).max(300) }).strict(),
    roles: ['sscs'],
    status: 201,
    responses: {
      201: json(z.object({ date: z.string(), reason: z.string(), runsNotified: z.number() }), 'added; open claims re-plan their terms'),
      200: json(z.object({ date: z.string(), reason: z.string() }), 'it was already decreed'),
      ...errorResponses(400, 401, 403, 409),
    },
    handler: async ({ body, actor, res }) => {
      try {
        const out = await addNonWorkingDay(deps.models, { ...body, createdBy: actor.sub }, deps.clock());
        if (!out.created) {
          res.status(200).json({ date: out.date, reason: out.reason });
          return undefined;
        }
        const runsNotified = await announceToRunningTerms(deps, { date: out.date, reason: out.reason });
        res.status(201).json({ date: out.date, reason: out.reason, runsNotified });
        return undefined;
      } catch (err) {
        if (err instanceof CalendarConflictError) throw conflict('not_a_business_day', err.message);
        throw err;
      }
    },
  });
}
