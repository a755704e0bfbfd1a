import type { ErrorRequestHandler, RequestHandler } from 'express';
import { ZodError } from 'zod';
import type { Logger } from 'pino';
import { CalendarConflictError } from '../calendar/service';

/** An error that maps to one HTTP response: `{ error: { code, message, details? } }` (DESIGN §6). */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

export const badRequest = (message: string, details?: unknown) => new HttpError(400, 'invalid_input', message, details);
export const unauthorized = (message = 'a valid Bearer token is required') => new HttpError(401, 'unauthorized', message);
export const forbidden = (message: string) => new HttpError(403, 'forbidden', message);
export const notFound = (what: string) => new HttpError(404, 'not_found', `${what} not found`);
export const conflict = (code: string, message: string, details?: unknown) => new HttpError(409, code, message, details);

export interface FieldIssue {
  path: string;
  message: string;
  code: string;
}

/** Zod issues as `{ path, message, code }`, with `path` prefixed by where the input came from. */
export function zodIssues(err: ZodError, prefix?: string): FieldIssue[] {
  return err.issues.map((i) => ({
    path: [prefix, ...i.path.map(String)].filter(Boolean).join('.') || '(root)',
    message: i.message,
    code: i.code,
  }));
}

export function invalidInput(err: ZodError, prefix?: string): HttpError {
  const issues = zodIssues(err, prefix);
  return badRequest(`invalid input: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`, issues);
}

/** A 400 for one field the schema cannot judge alone (e.g. an id that must exist). */
export function invalidField(path: string, message: string): HttpError {
  return badRequest(`invalid input: ${path}: ${message}`, [{ path, message, code: 'custom' }]);
}

export const notFoundHandler: RequestHandler = (req, _res, next) => next(notFound(`route ${req.method} ${req.path}`));

/** Seconds a client should wait before retrying after a 503 (the `Retry-After` header). */
export const RETRY_AFTER_SECONDS = 5;

const UNAVAILABLE_NAMES = new Set([
  // Temporal: the frontend unreachable, overloaded or slow (gRPC UNAVAILABLE, RESOURCE_EXHAUSTED, DEADLINE_EXCEEDED…)
  'ServiceError',
  'TransportError',
  'WorkflowUpdateRPCTimeoutOrCancelledError',
  // The document store unreachable, or its connection pool saturated
  'MongoServerSelectionError',
  'MongoNetworkError',
  'MongoNetworkTimeoutError',
  'MongoNotConnectedError',
  'MongoPoolClearedError',
  'MongoWaitQueueTimeoutError',
  'MongoTopologyClosedError',
]);

/**
 * Errors of a component the API depends on (Temporal, the document store) that a later attempt
 * may not meet: 503 with Retry-After, never a 500. A store write that lost a conflict says so with
 * a retryable label.
 */
export function isUnavailable(err: unknown): boolean {
  const e = err as { name?: string; hasErrorLabel?: (label: string) => boolean; cause?: unknown };
  if (UNAVAILABLE_NAMES.has(e?.name ?? '')) return true;
  if (e?.hasErrorLabel?.('RetryableWriteError') || e?.hasErrorLabel?.('TransientTransactionError')) return true;
  return false;
}

/**
 * What express and its body parser refuse before any route runs (a path that does not decode, a
 * body that ends early or lies about its length): their own 4xx, as a 400 of ours.
 */
function isClientError(err: unknown): err is Error {
  const status = (err as { status?: unknown }).status;
  return err instanceof Error && typeof status === 'number' && status >= 400 && status < 500;
}

/** The one place errors become HTTP. A 500 says nothing internal; the log has the details. */
export function errorHandler(log: Logger): ErrorRequestHandler {
  return (err, req, res, _next) => {
    let e: HttpError;
    if (err instanceof HttpError) e = err;
    else if (err instanceof ZodError) e = invalidInput(err);
    else if (err instanceof CalendarConflictError) e = conflict('not_a_business_day', err.message);
    else if (err?.type === 'entity.parse.failed') e = badRequest('request body is not valid JSON');
    else if (err?.type === 'entity.too.large') e = new HttpError(413, 'payload_too_large', 'request body is too large');
    else if (err?.type === 'charset.unsupported' || err?.type === 'encoding.unsupported') e = new HttpError(415, 'unsupported_media_type', err.message);
    else if (isClientError(err)) e = badRequest((err as { expose?: boolean }).expose || err instanceof URIError ? err.message : 'the request could not be read');
    else if (isUnavailable(err)) {
      ((req as { log?: Logger }).log ?? log).warn({ err }, 'a component is unavailable');
      e = new HttpError(503, 'unavailable', 'the process engine is temporarily unavailable; retry (with the same Idempotency-Key) later');
    } else {
      ((req as { log?: Logger }).log ?? log).error({ err }, 'unhandled error');
      e = new HttpError(500, 'internal', 'internal error');
    }
    if (e.status === 503) res.set('Retry-After', String(RETRY_AFTER_SECONDS));
    res.status(e.status).json({ error: { code: e.code, message: e.message, ...(e.details === undefined ? {} : { details: e.details }) } });
  };
}
