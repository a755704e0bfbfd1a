import { z } from 'zod';
import type { Api } from '../route';
import { errorResponses, json } from '../route';
import type { ApiDeps } from '../deps';
import { forgetCenter, type CenterRecord } from '../../db/models';
import { centerHours, centerType, staffingCheck, type CenterHours } from '../../domain/centers';
import { ensureOpeningSchedules, OpeningHoursError, openingScheduleId, openingScheduleSpec } from '../../schedules/opening';
import { assertCenter } from '../auth';
import { invalidField, notFound } from '../errors';

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a Lima time HH:MM');
const dayHoursSchema = z
  .object({ open: hhmm, close: hhmm })
  .strict()
  .nullable()
  .describe('null: the center does not open that day');

/**
 * A center's own opening hours (DESIGN §5: per-center override); day groups left out keep theirs.
 * Their order and the verification lead are checked by the schedule itself (`openingScheduleSpec`).
 */
const hoursBodySchema = z
  .object({ weekdays: dayHoursSchema.optional(), saturday: dayHoursSchema.optional(), sundayAndHolidays: dayHoursSchema.optional() })
  .strict()
  .refine((b) => Object.keys(b).length > 0, { message: 'give at least one of weekdays, saturday, sundayAndHolidays' });

const anyObject = z.record(z.string(), z.unknown());

function serialize(c: CenterRecord) {
  const type = centerType(c.dailyAttentions);
  return {
    id: c._id,
    name: `Centro MAC ${c.name}`,
    city: c.city,
    address: c.address ?? null,
    active: c.active,
    type,
    dailyAttentions: c.dailyAttentions,
    modules: c.modules,
    operatingSince: c.operatingSince ?? null,
    adminEntity: c.adminEntity,
    participatingEntities: c.participatingEntities,
    hours: centerHours(c.hours as Partial<CenterHours> | undefined),
    staffing: staffingCheck(type, c.staff ?? {}),
  };
}

export function registerCenters(api: Api, deps: ApiDeps): void {
  api.route({
    method: 'get',
    path: '/centers',
    summary: 'Centers your token covers, with type A/B/C (2.1.4) and the staffing check of Cuadro 01',
    tags: ['centers'],
    responses: { 200: json(z.object({ centers: z.array(anyObject) }), 'centers'), ...errorResponses(401) },
    handler: async ({ actor }) => {
      const filter = actor.centers === '*' ? {} : { _id: { $in: actor.centers } };
      const centers = await deps.models.Center.find(filter).sort({ _id: 1 }).lean<CenterRecord[]>();
      return { centers: centers.map(serialize) };
    },
  });

  api.route({
    method: 'get',
    path: '/centers/{centerId}',
    summary: 'One center',
    tags: ['centers'],
    params: z.object({ centerId: z.string().min(1).openapi({ example: 'lima-norte' }) }),
    responses: { 200: json(anyObject, 'the center'), ...errorResponses(401, 403, 404) },
    handler: async ({ params, actor }) => {
      assertCenter(actor, params.centerId);
      const c = await deps.models.Center.findById(params.centerId).lean<CenterRecord>();
      if (!c) throw notFound(`center ${params.centerId}`);
      return serialize(c);
    },
  });

  api.route({
    method: 'put',
    path: '/centers/{centerId}/hours',
    summary: "Set a center's opening hours (Lima time); its daily opening schedule (2.2.2) follows at once",
    tags: ['centers'],
    roles: ['coordinator', 'admin_entity', 'sscs'],
    params: z.object({ centerId: z.string().min(1).openapi({ example: 'lima-norte' }) }),
    body: hoursBodySchema,
    responses: { 200: json(anyObject, 'the center with its hours and next daily openings'), ...errorResponses(400, 401, 403, 404, 503) },
    handler: async ({ params, body, actor }) => {
      assertCenter(actor, params.centerId);
      const c = await deps.models.Center.findById(params.centerId).lean<CenterRecord>();
      if (!c) throw notFound(`center ${params.centerId}`);
      const hours = { ...((c.hours as Partial<CenterHours> | undefined) ?? {}), ...body };
      // The schedule's own check (e.g. the verification must start the same day), before saving.
      try {
        openingScheduleSpec(centerHours(hours), deps.settings.opening.verificationLeadMinutes);
      } catch (err) {
        if (err instanceof OpeningHoursError) throw invalidField(`body.${err.path}`, err.message);
        throw err;
      }
      // One day group at a time: two changes of different groups at once both stay.
      await deps.models.Center.updateOne({ _id: c._id }, { $set: Object.fromEntries(Object.entries(body).map(([group, h]) => [`hours.${group}`, h])) });
      forgetCenter(deps.models, c._id);
      await ensureOpeningSchedules(deps.temporal, { models: deps.models, taskQueue: deps.taskQueue, searchAttributes: deps.searchAttributes, settings: deps.settings, log: deps.log });
      const next = await deps.temporal.schedule
        .getHandle(openingScheduleId(c._id))
        .describe()
        .then((d) => d.info.nextActionTimes.slice(0, 5).map((t) => t.toISOString()))
        .catch(() => []);
      return { ...serialize({ ...c, hours }), dailyOpening: { scheduleId: openingScheduleId(c._id), nextVerifications: next } };
    },
  });
}
