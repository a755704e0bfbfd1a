import { z } from 'zod';
import type { Api } from '../route';
import { errorResponses, json } from '../route';
import type { ApiDeps } from '../deps';
import type { CenterRecord } from '../../db/models';
import { centerType, DEFAULT_HOURS, staffingCheck } from '../../domain/centers';
import { assertCenter } from '../auth';
import { notFound } from '../errors';

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
    hours: c.hours ?? DEFAULT_HOURS,
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
}
