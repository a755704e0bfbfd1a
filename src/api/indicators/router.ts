import { z } from 'zod';
import type { Api } from '../route';
import { errorResponses, json } from '../route';
import type { ApiDeps } from '../deps';
import { isoDateSchema } from '../../shared/schemas';
import { computeIndicators } from '../../domain/indicators';
import { limaDate } from '../../calendar/businessCalendar';
import { assertCenter } from '../auth';

const indicatorSchema = z
  .object({
    id: z.string(),
    name: z.string().describe('As the Listado de procedimientos e indicadores names it'),
    unit: z.enum(['percent', 'count', 'hours', 'per_hour', 'level']),
    value: z.number().nullable().describe('null when the denominator is 0 (nothing to measure yet)'),
    label: z.string().optional().describe('For a level: its name on the scale'),
    numerator: z.number(),
    denominator: z.number().nullable(),
    formula: z.string(),
    breakdown: z.array(z.object({ key: z.string(), label: z.string(), count: z.number() })).optional(),
    runs: z
      .object({ count: z.number(), ids: z.array(z.string()).describe('The first runs behind the figures (at most 50)'), href: z.string().describe('GET it to list them all') })
      .describe('The runs the figures come from: the evidence'),
  })
  .openapi('Indicator');

const procedureIndicatorsSchema = z.object({ code: z.string(), name: z.string(), runs: z.number(), indicators: z.array(indicatorSchema) }).openapi('ProcedureIndicators');

export function registerIndicators(api: Api, deps: ApiDeps): void {
  api.route({
    method: 'get',
    path: '/indicators',
    summary: 'Every indicator of the Listado for a center (or all your centers) and period, with numerator, denominator and the runs behind each',
    tags: ['indicators'],
    query: z
      .object({ centerId: z.string().optional(), from: isoDateSchema.optional(), to: isoDateSchema.optional(), code: z.string().optional() })
      .refine((q) => !q.from || !q.to || q.from <= q.to, { path: ['to'], message: 'must not be before from' }),
    responses: {
      200: json(
        z.object({
          scope: z.object({ centers: z.union([z.array(z.string()), z.literal('*')]), from: z.string().nullable(), to: z.string().nullable(), asOf: z.string() }),
          procedures: z.array(procedureIndicatorsSchema),
        }),
        'indicators',
      ),
      ...errorResponses(400, 401, 403),
    },
    handler: async ({ query, actor }) => {
      if (query.centerId) assertCenter(actor, query.centerId);
      const centerIds = query.centerId ? [query.centerId] : actor.centers;
      const asOf = limaDate(deps.clock());
      const procedures = await computeIndicators(deps.models, { centerIds, from: query.from, to: query.to, today: asOf });
      return {
        scope: { centers: centerIds, from: query.from ?? null, to: query.to ?? null, asOf },
        procedures: query.code ? procedures.filter((p) => p.code === query.code) : procedures,
      };
    },
  });
}
