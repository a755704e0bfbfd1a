import { z } from 'zod';
import type { Api } from '../route';
import { errorResponses, json } from '../route';
import type { ApiDeps } from '../deps';
import { centerFilter } from '../auth';
import { CLAIM_STATUSES, termStanding } from './service';
import { RUN_STATUSES } from '../../shared/messages';

const claimSummary = z
  .object({
    number: z.string(),
    centerId: z.string(),
    entity: z.object({ id: z.string(), name: z.string() }).nullable(),
    status: z.enum(CLAIM_STATUSES),
    registeredAt: z.string(),
    dueDate: z.string(),
    overdue: z.boolean(),
    businessDaysLeft: z.number().nullable(),
    businessDaysOverdue: z.number().nullable(),
    escalations: z.array(z.object({ level: z.string(), at: z.string() })),
    decision: z.enum(['accepted', 'rejected']).nullable(),
    answeredAt: z.string().nullable(),
    inTerm: z.boolean().nullable(),
    /** A claim whose run ended without an answer (status closed): how it ended, when and why. */
    closedAs: z.enum(RUN_STATUSES).exclude(['running', 'completed']).nullable(),
    closedAt: z.string().nullable(),
    closeReason: z.string().nullable(),
  })
  .openapi('ClaimSummary');

/** PM1.4.2's view for staff: the Libro de Reclamaciones of your centers against the legal term. */
export function registerClaims(api: Api, deps: ApiDeps): void {
  api.route({
    method: 'get',
    path: '/claims',
    summary: 'Claims (PM1.4.2) with their due date and business days left or overdue',
    tags: ['claims'],
    // The Libro de Reclamaciones holds citizens' data of every entity: not for an entity's contact,
    // who gets the claims about their entity in the task inbox.
    roles: ['coordinator', 'supervisor', 'tic_specialist', 'orientador', 'mac_express_advisor', 'sscs', 'admin_entity'],
    query: z.object({
      centerId: z.string().optional(),
      status: z.enum(CLAIM_STATUSES).optional(),
      overdue: z.enum(['true', 'false']).optional().describe('true: open claims past their legal term'),
      limit: z.coerce.number().int().min(1).max(500).default(200),
    }),
    responses: { 200: json(z.object({ claims: z.array(claimSummary) }), 'claims, newest first'), ...errorResponses(400, 401, 403) },
    handler: async ({ query, actor }) => {
      const filter: Record<string, unknown> = centerFilter(actor, query.centerId);
      if (query.status) filter.status = query.status;
      if (query.overdue === 'true') Object.assign(filter, { status: 'open', dueAt: { $lt: deps.clock() } });
      if (query.overdue === 'false') filter.$or = [{ status: { $in: ['answered', 'closed'] } }, { dueAt: { $gte: deps.clock() } }];
      const claims = await deps.models.Claim.find(filter).sort({ registeredAt: -1 }).limit(query.limit).lean();
      const standing = await termStanding(deps, claims);
      return {
        claims: claims.map((c, i) => ({
          number: c._id,
          centerId: c.centerId,
          entity: c.entity?.id ? { id: c.entity.id, name: c.entity.name } : null,
          status: c.status,
          registeredAt: c.registeredAt,
          dueDate: c.dueDate,
          ...standing[i],
          escalations: c.escalations ?? [],
          decision: c.decision ?? null,
          answeredAt: c.answeredAt ?? null,
          inTerm: c.inTerm ?? null,
          closedAs: c.closedAs ?? null,
          closedAt: c.closedAt ?? null,
          closeReason: c.closeReason ?? null,
        })),
      };
    },
  });
}
