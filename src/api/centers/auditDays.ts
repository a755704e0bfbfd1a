import { z } from 'zod';
import type { Api } from '../route';
import { errorResponses, json } from '../route';
import type { ApiDeps } from '../deps';
import { assertCenter } from '../auth';
import { notFound } from '../errors';
import { checkCenterMonth, temporalTimelineReader } from '../../audit/centerHistories';
import { CENTER_AUDIT_FORMAT } from '../../audit/centerChain';

const hex64 = z.string().regex(/^[0-9a-f]{64}$/);
const runHeads = z.object({ head: hex64, entries: z.number().int() });

const dayCheckSchema = z.object({
  date: z.string(),
  recordedHead: hex64.describe('The head the report recorded for the day'),
  recomputedHead: hex64.describe('The head the histories give now, chained from the recomputed day before'),
  status: z.enum(['verified', 'verified_in_part', 'differs']).describe('verified_in_part: some runs of the day were taken as recorded (their histories are gone)'),
  runs: z.number().int(),
  notRechecked: z.array(z.string()),
  differences: z.array(
    z.object({
      runId: z.string(),
      change: z.enum(['altered', 'missing', 'added']).describe('altered: other entries that day; missing: recorded, absent now; added: not recorded'),
      recorded: runHeads.optional(),
      recomputed: runHeads.optional(),
    }),
  ),
  recordInconsistent: z.boolean().describe('The recorded day does not give its own recorded head: the stored record was edited'),
});

const chainStartSchema = z.union([
  z.object({ kind: z.literal('previous_report'), month: z.string(), document: z.string().nullable(), head: hex64, linked: z.boolean() }),
  z.object({ kind: z.literal('genesis'), head: hex64, linked: z.boolean() }),
]);

export const auditDaysResponseSchema = z
  .object({
    format: z.literal(CENTER_AUDIT_FORMAT),
    centerId: z.string(),
    month: z.string(),
    ok: z.boolean().describe('Every day matches and the month still chains from the earlier report'),
    firstDifferingDay: z.string().nullable(),
    summary: z.string(),
    report: z.object({ runId: z.string(), document: z.string().nullable(), recordedAt: z.string() }),
    startsFrom: chainStartSchema,
    recordedHead: hex64,
    recomputedHead: hex64,
    runsRead: z.number().int(),
    notRechecked: z.number().int(),
    days: z.array(dayCheckSchema),
  })
  .openapi('CenterAuditDays');

/**
 * `GET /centers/{centerId}/audit-days?month=YYYY-MM` (issue 13): SSCS (or the center's
 * coordinator) checks a past month of the center's audit chain against what its indicator report
 * recorded, recomputed from the histories Temporal still holds; the first day that differs is named.
 */
export function registerAuditDays(api: Api, deps: ApiDeps): void {
  api.route({
    method: 'get',
    path: '/centers/{centerId}/audit-days',
    summary: "Check a past month of the center's audit chain: every day's head recomputed from the histories still held against the head its monthly indicator report recorded; names the first day that differs",
    tags: ['centers', 'audit'],
    roles: ['sscs', 'coordinator'],
    params: z.object({ centerId: z.string().min(1).openapi({ example: 'lima-norte' }) }),
    query: z.object({ month: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'must be a month YYYY-MM').openapi({ example: '2026-11' }) }),
    responses: {
      200: json(auditDaysResponseSchema, 'the month checked day by day'),
      ...errorResponses(400, 401, 403, 404, 503),
    },
    handler: async ({ params, query, actor }) => {
      assertCenter(actor, params.centerId);
      const verdict = await checkCenterMonth(deps.models, temporalTimelineReader(deps.temporal), params.centerId, query.month);
      if (!verdict) throw notFound(`the audit chain recorded by the indicator report of ${params.centerId} for ${query.month}`);
      return { format: CENTER_AUDIT_FORMAT, ...verdict };
    },
  });
}
