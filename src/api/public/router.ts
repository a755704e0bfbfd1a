import { z } from 'zod';
import rateLimit from 'express-rate-limit';
import type { RequestHandler } from 'express';
import type { Api } from '../route';
import { errorResponses, json } from '../route';
import type { ApiDeps } from '../deps';
import { findProcedure } from '../../catalog';
import { startRun } from '../runs/service';
import { CLAIM_STATUSES, trackClaim } from '../claims/service';

/** The claims procedure of the catalog, which the public routes serve. */
const CLAIMS = 'PM1.4.2';

/** The public routes' rate limit per address (the citizens' web pages share it: src/web/claims.ts). */
export function limiter(deps: ApiDeps): RequestHandler {
  return rateLimit({
    windowMs: 15 * 60 * 1000,
    limit: deps.publicRateLimit,
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    // A client's X-Forwarded-For counts only through a configured proxy (TRUST_PROXY); without one it is ignored, on purpose.
    validate: { xForwardedForHeader: false },
    handler: (_req, res) =>
      void res.status(429).json({ error: { code: 'rate_limited', message: 'too many requests from this address; try again in a few minutes' } }),
  });
}

const registeredClaim = z
  .object({ number: z.string(), status: z.literal('open'), registeredAt: z.string(), trackingUrl: z.string() })
  .openapi('RegisteredClaim');

const tracking = z
  .object({
    number: z.string(),
    status: z.enum(CLAIM_STATUSES),
    registeredAt: z.string(),
    dueDate: z.string(),
    overdue: z.boolean(),
    /** When a claim closed without an answer (status closed); the reason is for staff only. */
    closedAt: z.string().nullable(),
    // answeredAt and inTerm are recorded with the answer; null only for a record written without them.
    answer: z.object({ decision: z.enum(['accepted', 'rejected']), text: z.string(), answeredAt: z.string().nullable(), inTerm: z.boolean().nullable() }).nullable(),
  })
  .openapi('ClaimTracking');

/**
 * The citizen's door to the Libro de Reclamaciones (glossary): file a claim and follow it, without
 * an account. Rate-limited per address; tracking needs the document number and reveals nothing
 * — not even whether a number exists — to anyone without it.
 */
export function registerPublic(api: Api, deps: ApiDeps): void {
  const limit = limiter(deps);
  const procedure = findProcedure(CLAIMS)!;

  api.route({
    method: 'post',
    path: '/public/claims',
    summary: 'File a claim (Libro de Reclamaciones) as a citizen; no token. Rate-limited; Idempotency-Key honoured.',
    tags: ['public'],
    auth: false,
    middleware: [limit],
    headers: z.object({ 'idempotency-key': z.string().min(1).max(200).optional() }),
    body: procedure.inputSchema,
    bodyDescription: "the claim, as PM1.4.2's inputSchema (GET /api/v1/procedures/PM1.4.2)",
    responses: {
      201: json(registeredClaim, 'the claim is registered; the constancia is emailed'),
      200: json(registeredClaim, 'replay of an Idempotency-Key: the claim the first request registered'),
      ...errorResponses(400, 409, 429),
    },
    handler: async ({ body, req, res }) => {
      const run = await startRun(deps, procedure, body, { kind: 'public' }, req.header('idempotency-key'));
      res.status(run.created ? 201 : 200).json({
        number: run.runId,
        status: 'open',
        registeredAt: run.startedAt,
        trackingUrl: `/api/v1/public/claims/${encodeURIComponent(run.runId)}?documentNumber=…`,
      } satisfies z.infer<typeof registeredClaim>);
      return undefined;
    },
  });

  api.route({
    method: 'get',
    path: '/public/claims/{number}',
    summary: 'Follow a claim with its number and the document number of who filed it; no token. Rate-limited.',
    tags: ['public'],
    auth: false,
    middleware: [limit],
    params: z.object({ number: z.string().min(1).max(80) }),
    query: z.object({ documentNumber: z.string().trim().min(1).max(20) }),
    responses: { 200: json(tracking, 'the claim'), ...errorResponses(400, 404, 429) },
    handler: async ({ params, query }) => {
      // businessDaysLeft is the web page's: the API's tracking schema stays as published.
      const { businessDaysLeft: _left, ...claim } = await trackClaim(deps, params.number, query.documentNumber);
      return claim;
    },
  });
}
