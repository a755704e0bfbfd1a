import express, { type Request, type RequestHandler, type Response, type Router } from 'express';
import { z, type ZodType } from 'zod';
import { extendZodWithOpenApi, OpenAPIRegistry, type ResponseConfig } from '@asteasolutions/zod-to-openapi';
import type { Actor, Role } from '../shared/roles';
import { nulPath } from '../shared/schemas';
import { badRequest, HttpError, invalidField, invalidInput } from './errors';
import { assertRole, verifyToken, type JwtScope } from './auth';

extendZodWithOpenApi(z);

type Method = 'get' | 'post' | 'put' | 'delete';

export interface RouteContext<P, Q, B> {
  params: P;
  query: Q;
  body: B;
  /** The authenticated caller; routes declared `auth: false` get none. */
  actor: Actor;
  req: Request;
  res: Response;
}

export interface RouteSpec<P extends ZodType, Q extends ZodType, B extends ZodType> {
  method: Method;
  /** OpenAPI style, e.g. `/runs/{runId}`; the express path is derived. */
  path: string;
  summary: string;
  tags: string[];
  auth?: boolean;
  /** Roles allowed to call it, checked before any input is parsed (401, then 403, then 400). */
  roles?: readonly Role[];
  params?: P;
  query?: Q;
  body?: B;
  bodyDescription?: string;
  headers?: z.ZodObject;
  /** Run before authentication and parsing (e.g. rate limiting). */
  middleware?: RequestHandler[];
  responses: Record<number, ResponseConfig>;
  /** Returns the JSON to send (status from `status` or 200), or undefined when it wrote the response itself. */
  handler: (ctx: RouteContext<z.infer<P>, z.infer<Q>, z.infer<B>>) => Promise<unknown>;
  status?: number;
}

/** What the OpenAPI document says of a route (its spec without the handler). */
type DocumentedRoute = Omit<RouteSpec<ZodType, ZodType, ZodType>, 'handler' | 'middleware'>;

/**
 * Declares a route once: the express handler receives the *parsed* params, query and body, and
 * the OpenAPI document is generated from the same schemas (STYLE: HTTP side).
 */
export class Api {
  readonly registry = new OpenAPIRegistry();
  readonly router: Router = express.Router();

  constructor(
    private readonly basePath: string,
    private readonly jwtSecret: string,
    private readonly jwtScope?: JwtScope,
  ) {
    this.registry.registerComponent('securitySchemes', 'bearer', { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' });
  }

  /**
   * Only the OpenAPI side of a route: a concrete path that a declared route serves, described with
   * its own schemas (e.g. each procedure's run input on the generic `/procedures/{code}/runs`).
   */
  document(spec: DocumentedRoute): void {
    const auth = spec.auth ?? true;
    this.registry.registerPath({
      method: spec.method,
      path: this.basePath + spec.path,
      summary: spec.summary,
      tags: spec.tags,
      ...(auth ? { security: [{ bearer: [] }] } : {}),
      request: {
        ...(spec.params ? { params: spec.params as never } : {}),
        ...(spec.query ? { query: spec.query as never } : {}),
        ...(spec.headers ? { headers: spec.headers } : {}),
        ...(spec.body ? { body: { description: spec.bodyDescription, content: { 'application/json': { schema: spec.body } }, required: true } } : {}),
      },
      responses: { ...implicitResponses(spec, auth), ...spec.responses },
    });
  }

  route<P extends ZodType = z.ZodObject, Q extends ZodType = z.ZodObject, B extends ZodType = z.ZodUnknown>(spec: RouteSpec<P, Q, B>): void {
    const auth = spec.auth ?? true;
    this.document(spec);
    const expressPath = spec.path.replace(/\{(\w+)\}/g, ':$1');
    this.router[spec.method](expressPath, ...(spec.middleware ?? []), async (req, res) => {
      const actor = auth ? verifyToken(this.jwtSecret, req.headers.authorization, this.jwtScope) : (undefined as unknown as Actor);
      if (spec.roles) assertRole(actor, spec.roles);
      const params = parse(spec.params, req.params, 'params');
      const query = parse(spec.query, req.query, 'query');
      if (spec.headers) parse(spec.headers, req.headers, 'headers');
      const body = spec.body ? parse(spec.body, jsonBody(req), 'body') : req.body ?? {};
      const out = await spec.handler({ params, query, body, actor, req, res } as RouteContext<z.infer<P>, z.infer<Q>, z.infer<B>>);
      if (out !== undefined && !res.headersSent) res.status(spec.status ?? 200).json(out);
    });
  }
}

/**
 * The JSON body of a route that declares one: anything else but JSON is a 415, no body at all a
 * 400 (express.json leaves `req.body` unset in both cases).
 */
function jsonBody(req: Request): unknown {
  const sent = req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;
  if (sent && !req.is('application/json')) throw new HttpError(415, 'unsupported_media_type', 'the body must be JSON (Content-Type: application/json)');
  if (req.body === undefined) throw badRequest('invalid input: body: a JSON body is required', [{ path: 'body', message: 'a JSON body is required', code: 'invalid_type' }]);
  return req.body;
}

/**
 * The statuses every route of its kind may answer, whatever its handler does: 400 for input it
 * parses, 401 without a valid token, 403 for a role not allowed, 404 for a path naming nothing, 413/415 for a body too large or
 * not JSON, 503 when Temporal or the document store is down. A route's own `responses` add to them.
 */
function implicitResponses(spec: DocumentedRoute, auth: boolean): Record<number, ResponseConfig> {
  return errorResponses(
    ...(spec.params || spec.query || spec.body || spec.headers ? [400] : []),
    ...(auth ? [401] : []),
    ...(spec.roles ? [403] : []),
    ...(spec.params ? [404] : []),
    ...(spec.body ? [413, 415] : []),
    503,
  );
}

function parse<T extends ZodType>(schema: T | undefined, value: unknown, where: string): z.infer<T> {
  if (!schema) return value as z.infer<T>;
  const nul = nulPath(value);
  if (nul) throw invalidField([where, ...nul].join('.'), 'must not contain the NUL character (U+0000)');
  const r = schema.safeParse(value);
  if (!r.success) throw invalidInput(r.error, where);
  return r.data;
}

export const errorResponseSchema = z
  .object({
    error: z.object({
      code: z.string(),
      message: z.string(),
      details: z.array(z.object({ path: z.string(), message: z.string(), code: z.string() })).optional(),
    }),
  })
  .openapi('Error');

export const errorResponses = (...codes: number[]): Record<number, ResponseConfig> =>
  Object.fromEntries(
    codes.map((c) => [
      c,
      {
        description:
          {
            400: 'invalid input (zod issues in details)',
            401: 'missing or invalid token',
            403: 'role or center not allowed',
            404: 'not found',
            409: 'conflict',
            413: 'request body too large',
            415: 'request body is not JSON',
            429: 'too many requests from this address',
            503: 'a component is down (Retry-After)',
          }[c] ?? 'error',
        content: { 'application/json': { schema: errorResponseSchema } },
      },
    ]),
  );

export const json = (schema: ZodType, description: string): ResponseConfig => ({ description, content: { 'application/json': { schema } } });
