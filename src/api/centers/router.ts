import { z } from 'zod';
import type { Api } from '../route';
import { errorResponses, json } from '../route';
import type { ApiDeps } from '../deps';
import { forgetCenter, isDuplicateKey, type CenterRecord, type StaffMemberRecord } from '../../db/models';
import { centerHours, centerType, type CenterHours, type StaffingCheck } from '../../domain/centers';
import { checklistApplicabilitySchema, notApplicableItems, OPENING_ITEMS, type ChecklistApplicability } from '../../domain/opening';
import { seedAssets, serializeMember, staffingOf } from '../../staff/roster';
import { centerIdSchema, emailSchema, freeTextSchema, isoDateSchema } from '../../shared/schemas';
import { ensureOpeningSchedules, OpeningHoursError, openingScheduleId, openingScheduleSpec } from '../../schedules/opening';
import { assertCenter } from '../auth';
import { conflict, invalidField, notFound } from '../errors';
import { registerAuditDays } from './auditDays';
import { assetSchema, centerSchema, centerWithScheduleSchema, inductionSchema, staffMemberSchema, type CenterView } from './schemas';

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

function serialize(c: CenterRecord, staffing: StaffingCheck | undefined): CenterView {
  const type = centerType(c.dailyAttentions);
  return {
    id: c._id,
    name: `Centro MAC ${c.name}`,
    city: c.city,
    address: c.address ?? null,
    active: c.active,
    stage: c.stage ?? 'operating',
    type,
    dailyAttentions: c.dailyAttentions,
    modules: c.modules,
    operatingSince: c.operatingSince ?? null,
    adminEntity: c.adminEntity,
    participatingEntities: c.participatingEntities,
    hours: centerHours(c.hours as Partial<CenterHours> | undefined),
    checklist: checklistView(c.checklist as ChecklistApplicability | undefined),
    /** Cuadro 01's minimum for the type against the active roster (PA3.1.1 adds, PA3.1.4 ceases). */
    ...(staffing ? { staffing } : {}),
  };
}

/** The daily verification's items as they apply to the center (2.2.2 "según aplique"). */
function checklistView(applicability: ChecklistApplicability | undefined): CenterView['checklist'] {
  const na = notApplicableItems(applicability);
  return {
    configured: applicability !== undefined,
    topico: applicability?.topico ?? null,
    notApplicable: na,
    items: OPENING_ITEMS.map((i) => ({ id: i.id, label: i.label, zone: i.zoneName, applies: !na.includes(i.id) })),
  };
}

const entityBodySchema = z
  .object({ id: z.string().regex(/^[a-z0-9-]+$/, 'must be an entity id').max(60), name: freeTextSchema(200), email: emailSchema })
  .strict();

/** A new center, created by SSCS in its pre-operative stage (2.2.1): P2.2.1 then brings it into operation. */
const newCenterSchema = z
  .object({
    id: centerIdSchema,
    name: freeTextSchema(120).describe('Nombre, sin "Centro MAC" (p. ej. "Arequipa")'),
    city: freeTextSchema(120),
    address: freeTextSchema(200).optional(),
    dailyAttentions: z.number().int().min(1).max(100_000).describe('Atenciones diarias previstas: fija el tipo A/B/C (2.1.4)'),
    modules: z.number().int().min(1).max(500),
    pcmOwned: z.boolean().default(false),
    adminEntity: entityBodySchema.describe('Entidad Administradora'),
    participatingEntities: z.array(entityBodySchema).min(1).max(40),
    contacts: z
      .object({ coordinator: emailSchema, supervisor: emailSchema, tic_specialist: emailSchema, orientador: emailSchema.optional(), mac_express_advisor: emailSchema.optional() })
      .strict()
      .describe('Buzones del Equipo MAC'),
  })
  .strict()
  .refine((b) => new Set(b.participatingEntities.map((e) => e.id)).size === b.participatingEntities.length, { path: ['participatingEntities'], message: 'each entity once' });

const centerParams = z.object({ centerId: z.string().min(1).openapi({ example: 'lima-norte' }) });

export function registerCenters(api: Api, deps: ApiDeps): void {
  // The center's audit chain, day by day, checked against its monthly report (issue 13).
  registerAuditDays(api, deps);
  api.route({
    method: 'get',
    path: '/centers',
    summary: 'Centers your token covers, with type A/B/C (2.1.4) and the staffing check of Cuadro 01 against the real roster; `belowMinimum=true` lists only those short of it',
    tags: ['centers'],
    query: z.object({ belowMinimum: z.enum(['true', 'false']).optional().describe('Solo los centros por debajo de la dotación mínima (Cuadro 01)') }),
    responses: { 200: json(z.object({ centers: z.array(centerSchema) }), 'centers'), ...errorResponses(400, 401) },
    handler: async ({ actor, query }) => {
      const filter = actor.centers === '*' ? {} : { _id: { $in: actor.centers } };
      const centers = await deps.models.Center.find(filter).sort({ _id: 1 }).lean<CenterRecord[]>();
      const staffing = await staffingOf(deps.models, centers);
      const listed = query.belowMinimum === 'true' ? centers.filter((c) => c.active && !staffing.get(c._id)?.ok) : centers;
      return { centers: listed.map((c) => serialize(c, staffing.get(c._id))) };
    },
  });

  api.route({
    method: 'get',
    path: '/centers/{centerId}',
    summary: 'One center',
    tags: ['centers'],
    params: z.object({ centerId: z.string().min(1).openapi({ example: 'lima-norte' }) }),
    responses: { 200: json(centerSchema, 'the center'), ...errorResponses(401, 403, 404) },
    handler: async ({ params, actor }) => {
      assertCenter(actor, params.centerId);
      const c = await deps.models.Center.findById(params.centerId).lean<CenterRecord>();
      if (!c) throw notFound(`center ${params.centerId}`);
      return serialize(c, (await staffingOf(deps.models, [c])).get(c._id));
    },
  });

  api.route({
    method: 'post',
    path: '/centers',
    summary: 'Create a new center in its pre-operative stage (2.2.1): inactive, no daily opening, its asset register seeded; start P2.2.1 on it',
    tags: ['centers'],
    roles: ['sscs'],
    status: 201,
    body: newCenterSchema,
    responses: { 201: json(centerSchema, 'the new center'), ...errorResponses(400, 401, 403, 409) },
    handler: async ({ body }) => {
      const { id, ...rest } = body;
      const doc = { _id: id, ...rest, active: false, stage: 'pre_operative' as const };
      if (await deps.models.Center.exists({ _id: id })) throw conflict('center_exists', `center ${id} already exists`);
      // The register first (idempotent): a center never exists without it.
      await seedAssets(deps.models, id, body.participatingEntities.map((e) => e.id));
      try {
        await deps.models.Center.create(doc);
      } catch (err) {
        if (isDuplicateKey(err)) throw conflict('center_exists', `center ${id} already exists`);
        throw err;
      }
      forgetCenter(deps.models, id);
      const c = await deps.models.Center.findById(id).lean<CenterRecord>();
      return serialize(c!, (await staffingOf(deps.models, [c!])).get(id));
    },
  });

  api.route({
    method: 'get',
    path: '/centers/{centerId}/staff',
    summary: "The center's staff (2.1.5): who joined through PA3.1.1, who ceased through PA3.1.4, each one's induction",
    tags: ['centers'],
    params: centerParams,
    query: z.object({ status: z.enum(['active', 'ceased', 'all']).default('active') }),
    responses: { 200: json(z.object({ staff: z.array(staffMemberSchema) }), 'the roster'), ...errorResponses(400, 401, 403, 404) },
    handler: async ({ params, query, actor }) => {
      assertCenter(actor, params.centerId);
      const filter = { centerId: params.centerId, ...(query.status === 'all' ? {} : { status: query.status }) };
      const staff = await deps.models.StaffMember.find(filter).sort({ _id: 1 }).lean<StaffMemberRecord[]>();
      return { staff: staff.map(serializeMember) satisfies z.infer<typeof staffMemberSchema>[] };
    },
  });

  api.route({
    method: 'get',
    path: '/centers/{centerId}/inductions',
    summary: 'Registro de Inducciones (Cuadro 03, 6.5): every person who joined since `from`, with their induction (PA3.1.2) and its result',
    tags: ['centers'],
    params: centerParams,
    query: z.object({ from: isoDateSchema.optional(), to: isoDateSchema.optional() }),
    responses: { 200: json(z.object({ inductions: z.array(inductionSchema) }), 'the register'), ...errorResponses(400, 401, 403, 404) },
    handler: async ({ params, query, actor }) => {
      assertCenter(actor, params.centerId);
      const joined = { ...(query.from ? { $gte: query.from } : {}), ...(query.to ? { $lte: query.to } : {}) };
      const staff = await deps.models.StaffMember.find({ centerId: params.centerId, ...(query.from || query.to ? { joinedOn: joined } : {}) })
        .sort({ joinedOn: 1, _id: 1 })
        .lean<StaffMemberRecord[]>();
      return {
        inductions: staff.map((m) => ({
          staffMemberId: m._id,
          name: m.name,
          profile: m.profile,
          entityId: m.entityId ?? null,
          joinedOn: m.joinedOn,
          runId: m.induction?.runId ?? null,
          status: m.induction?.status ?? 'none',
          result: m.induction?.result ?? null,
          rounds: m.induction?.rounds ?? 0,
          closedOn: m.induction?.closedOn ?? null,
        })) satisfies z.infer<typeof inductionSchema>[],
      };
    },
  });

  api.route({
    method: 'get',
    path: '/centers/{centerId}/assets',
    summary: "The center's asset register: owner (the center or an entity) and who services each asset (2.1.5)",
    tags: ['centers'],
    params: centerParams,
    responses: { 200: json(z.object({ assets: z.array(assetSchema) }), 'the register'), ...errorResponses(401, 403, 404) },
    handler: async ({ params, actor }) => {
      assertCenter(actor, params.centerId);
      const assets = await deps.models.Asset.find({ centerId: params.centerId }).sort({ _id: 1 }).lean();
      return { assets: assets.map(({ _id, ...a }) => ({ id: _id, ...a })) as z.infer<typeof assetSchema>[] };
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
    responses: { 200: json(centerWithScheduleSchema, 'the center with its hours and next daily openings'), ...errorResponses(400, 401, 403, 404, 503) },
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
      return { ...serialize({ ...c, hours }, (await staffingOf(deps.models, [c])).get(c._id)), dailyOpening: { scheduleId: openingScheduleId(c._id), nextVerifications: next } };
    },
  });

  api.route({
    method: 'put',
    path: '/centers/{centerId}/checklist',
    summary: 'Set which items of the daily verification apply to a center (2.2.2 "según aplique"): its tópico, and the others that do not apply',
    tags: ['centers'],
    roles: ['coordinator', 'sscs'],
    params: z.object({ centerId: z.string().min(1).openapi({ example: 'lima-norte' }) }),
    body: checklistApplicabilitySchema,
    responses: { 200: json(centerSchema, 'the center with its checklist'), ...errorResponses(400, 401, 403, 404) },
    handler: async ({ params, body, actor }) => {
      assertCenter(actor, params.centerId);
      const c = await deps.models.Center.findById(params.centerId).lean<CenterRecord>();
      if (!c) throw notFound(`center ${params.centerId}`);
      // Read at each day's start: a verification already open keeps the list it opened with.
      const checklist = { topico: body.topico, notApplicable: [...body.notApplicable].sort() };
      await deps.models.Center.updateOne({ _id: c._id }, { $set: { checklist } });
      forgetCenter(deps.models, c._id);
      return serialize({ ...c, checklist }, (await staffingOf(deps.models, [c])).get(c._id));
    },
  });
}
