import { z } from 'zod';
import type { Api } from '../route';
import { errorResponses, json } from '../route';
import type { ApiDeps } from '../deps';
import { centerFilter } from '../auth';
import { isoDateSchema } from '../../shared/schemas';
import { OPENING_STATUSES } from '../../db/models';

const openingSummary = z
  .object({
    centerId: z.string(),
    date: z.string(),
    runId: z.string(),
    status: z
      .enum(OPENING_STATUSES)
      .describe('not_verified: nobody recorded the verification that day; closed: closed after opening, until it reopens (2.1.2); interrupted: the run holding the day ended before finishing it (a new run for the day takes it over)'),
    scheduledOpenAt: z.string(),
    openedAt: z.string().nullable(),
    onTime: z.boolean().nullable(),
    hoursClosed: z.number().nullable(),
    critical: z.array(z.string()).describe('Recursos críticos que faltaron (Internet, Energía eléctrica, Servicio de Vigilancia)'),
    findings: z.array(z.string()).describe('Otros recursos observados (mantenimiento correctivo)'),
    maintenanceRuns: z.array(z.string()),
    closures: z
      .array(z.object({ cause: z.string(), closedAt: z.string(), reopenedAt: z.string().nullable(), hours: z.number().nullable() }))
      .describe('Cierres durante la atención (2.1.2): causa, hora de cierre y de reapertura, horas cerrado'),
  })
  .openapi('OpeningSummary');

/** P2.2.2's view for the center's staff, SSCS and the Entidad Administradora: each center's opening day by day (2.2.2). */
export function registerOpenings(api: Api, deps: ApiDeps): void {
  api.route({
    method: 'get',
    path: '/openings',
    summary: 'Daily openings (P2.2.2) of your centers: verified, open, not opened, hours closed',
    tags: ['openings'],
    roles: ['coordinator', 'supervisor', 'tic_specialist', 'sscs', 'admin_entity'],
    query: z.object({
      centerId: z.string().optional(),
      from: isoDateSchema.optional(),
      to: isoDateSchema.optional(),
      status: z.enum(OPENING_STATUSES).optional(),
      limit: z.coerce.number().int().min(1).max(500).default(100),
    }),
    responses: { 200: json(z.object({ openings: z.array(openingSummary) }), 'openings, newest day first'), ...errorResponses(400, 401, 403) },
    handler: async ({ query, actor }) => {
      const filter: Record<string, unknown> = centerFilter(actor, query.centerId);
      if (query.status) filter.status = query.status;
      if (query.from || query.to) filter.date = { ...(query.from ? { $gte: query.from } : {}), ...(query.to ? { $lte: query.to } : {}) };
      const openings = await deps.models.Opening.find(filter).sort({ date: -1, centerId: 1 }).limit(query.limit).lean();
      return {
        openings: openings.map((o) => ({
          centerId: o.centerId,
          date: o.date,
          runId: o.runId,
          status: o.status as z.infer<typeof openingSummary>['status'],
          scheduledOpenAt: o.scheduledOpenAt.toISOString(),
          openedAt: o.openedAt?.toISOString() ?? null,
          onTime: o.onTime ?? null,
          hoursClosed: o.hoursClosed ?? null,
          critical: o.critical ?? [],
          findings: o.findings ?? [],
          maintenanceRuns: o.maintenanceRuns ?? [],
          closures: ((o.closures ?? []) as { cause: string; closedAt: string; reopenedAt?: string; hours?: number }[]).map((c) => ({
            cause: c.cause,
            closedAt: c.closedAt,
            reopenedAt: c.reopenedAt ?? null,
            hours: c.hours ?? null,
          })),
        })),
      };
    },
  });
}
