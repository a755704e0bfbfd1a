import { z } from 'zod';
import type { Api } from '../route';
import { errorResponses, json } from '../route';
import type { ApiDeps } from '../deps';
import { isoDateSchema } from '../../shared/schemas';
import { computeIndicators } from '../../domain/indicators';
import { limaDate } from '../../calendar/businessCalendar';
import { assertCenter } from '../auth';

export function registerIndicators(api: Api, deps: ApiDeps): void {
  api.route({
    method: 'get',
    path: '/indicators',
    summary: 'Indicators of the Listado computed from real runs, per procedure, for a center (or all your centers) and period',
    tags: ['indicators'],
    query: z.object({ centerId: z.string().optional(), from: isoDateSchema.optional(), to: isoDateSchema.optional(), code: z.string().optional() }),
    responses: { 200: json(z.object({ scope: z.record(z.string(), z.unknown()), procedures: z.array(z.record(z.string(), z.unknown())) }), 'indicators'), ...errorResponses(400, 401, 403) },
    handler: async ({ query, actor }) => {
      if (query.centerId) assertCenter(actor, query.centerId);
      const centerIds = query.centerId ? [query.centerId] : actor.centers;
      const procedures = await computeIndicators(deps.models, { centerIds, from: query.from, to: query.to, today: limaDate(deps.clock()) });
      return {
        scope: { centers: centerIds, from: query.from ?? null, to: query.to ?? null },
        procedures: query.code ? procedures.filter((p) => p.code === query.code) : procedures,
      };
    },
  });
}
