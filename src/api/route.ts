import express, { type Request, type RequestHandler, type Response, type Router } from 'express';
import { z, type ZodType } from 'zod';
import { extendZodWithOpenApi, OpenAPIRegistry, type ResponseConfig } from '@asteasolutions/zod-to-openapi';
import type { Actor, Role } from '../shared/roles';
import { invalidInput } from './errors';
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

  route<P extends ZodType = z.ZodObject, Q extends ZodType = z.ZodObject, B extends ZodType = z.ZodUnknown>(spec: RouteSpec<P, Q, B>): void {
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
      responses: Object.fromEntries(Object.entries(spec.responses).map(([k, v]) => [k, v])),
    });
    const expressPath = spec.path.replace(/\{(\w+)\}/g, ':$1');
    this.router[spec.method](expressPath, ...(spec.middleware ?? []), async (req, res) => {
      const actor = auth ? verifyToken(this.jwtSecret, req.headers.authorization, this.jwtScope) : (undefined as unknown as Actor);
      if (spec.roles) assertRole(actor, spec.roles);
      const params = parse(spec.params, req.params, 'params');
      const query = parse(spec.query, req.query, 'query');
      const body = parse(spec.body, req.body ?? {}, 'body');
      const out = await spec.handler({ params, query, body, actor, req, res } as RouteContext<z.infer<P>, z.infer<Q>, z.infer<B>>);
      if (out !== undefined && !res.headersSent) res.status(spec.status ?? 200).json(out);
    });
  }
}

function parse<T extends ZodType>(schema: T | undefined, value: unknown, where: string): z.infer<T> {
  if (!schema) return value as z.infer<T>;
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
        description: { 400: 'invalid input (zod issues in details)', 401: 'missing or invalid token', 403: 'role or center not allowed', 404: 'not found', 409: 'conflict', 503: 'a component is down' }[c] ?? 'error',
        content: { 'application/json': { schema: errorResponseSchema } },
      },
    ]),
  );

export const json = (schema: ZodType, description: string): ResponseConfig => ({ description, content: { 'application/json': { schema } } });
