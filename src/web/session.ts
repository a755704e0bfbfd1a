import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { doubleCsrf } from 'csrf-csrf';
import { signToken, verifyToken, type JwtScope } from '../api/auth';
import type { Actor } from '../shared/roles';

/**
 * Who is on the other side of a web page. Staff carry a session cookie holding a token signed with
 * the API's own secret and claims (sub, role, centers, entity, functions): a page and an API call
 * see the same identity, checked by the same code (src/api/auth.ts). The cookie is HttpOnly and
 * SameSite=Lax, Secure outside development; it lasts a working day.
 *
 * Every form (sign-in and the citizen's claim included) carries a CSRF token: csrf-csrf's
 * double-submit cookie, an HMAC of the token bound to the session (or, before sign-in, to a random
 * visitor id kept in its own cookie). A POST without it is refused with 403 before anything runs.
 */

export interface WebSessionOptions {
  jwtSecret: string;
  /** Secure cookies (HTTPS only). Off in development and tests, which serve plain HTTP. */
  secureCookies: boolean;
  /** How long a session lasts. */
  hours?: number;
  /** The tokens' issuer and audience (the API's). */
  jwtScope?: JwtScope;
}

declare module 'express-serve-static-core' {
  interface Request {
    /** The signed-in member of staff, when there is one. */
    staff?: Actor & { sid: string; name?: string };
  }
}

export interface WebSession {
  /** Reads the session cookie (never fails: no or a bad cookie is no session). */
  read: RequestHandler;
  /** Staff pages: without a session, to the sign-in page and back after it. */
  requireStaff: RequestHandler;
  /** Checks the CSRF token of every POST. */
  csrfProtection: RequestHandler;
  /** The token a page's forms carry. */
  csrfToken(req: Request, res: Response): string;
  signIn(res: Response, actor: Actor, name: string): void;
  signOut(res: Response): void;
}

export function createWebSession(opts: WebSessionOptions): WebSession {
  const prefix = opts.secureCookies ? '__Host-' : '';
  const SESSION = `${prefix}mac_session`;
  const VISITOR = `${prefix}mac_visitor`;
  const cookie = { httpOnly: true, sameSite: 'lax' as const, secure: opts.secureCookies, path: '/' };
  const maxAge = (opts.hours ?? 12) * 3_600_000;

  /** The visitor id of a browser without a session, given on its first page. */
  const visitorOf = (req: Request, res: Response): string => {
    const existing = (req.cookies as Record<string, string | undefined>)[VISITOR];
    if (existing && /^[0-9a-f-]{36}$/.test(existing)) return existing;
    const id = randomUUID();
    res.cookie(VISITOR, id, { ...cookie, maxAge });
    (req.cookies as Record<string, string>)[VISITOR] = id;
    return id;
  };

  const csrf = doubleCsrf({
    getSecret: () => opts.jwtSecret,
    getSessionIdentifier: (req) => req.staff?.sid ?? (req.cookies as Record<string, string | undefined>)[VISITOR] ?? '',
    cookieName: `${prefix}mac_csrf`,
    cookieOptions: { ...cookie, sameSite: 'strict' },
    getCsrfTokenFromRequest: (req) => ((req.body as Record<string, unknown> | undefined)?._csrf as string | undefined) ?? req.headers['x-csrf-token'],
  });

  return {
    read(req, _res, next) {
      const token = (req.cookies as Record<string, string | undefined>)[SESSION];
      if (token) {
        try {
          const claims = verifyToken(opts.jwtSecret, `Bearer ${token}`, opts.jwtScope);
          const { sid, name } = jwtPayload(token);
          // A bearer token of the API is not a session: only a sign-in issues one (with its sid).
          if (typeof sid === 'string' && sid) req.staff = { ...claims, sid, ...(typeof name === 'string' ? { name } : {}) };
        } catch {
          // An expired or foreign cookie is no session; the page asks to sign in again.
        }
      }
      next();
    },
    requireStaff(req, res, next) {
      if (req.staff) return next();
      const back = req.method === 'GET' ? req.originalUrl : '/app';
      res.redirect(303, `/app/ingresar?next=${encodeURIComponent(back)}`);
    },
    csrfProtection(req: Request, res: Response, next: NextFunction) {
      if (!req.staff) visitorOf(req, res);
      csrf.doubleCsrfProtection(req, res, next);
    },
    csrfToken(req, res) {
      if (!req.staff) visitorOf(req, res);
      return csrf.generateCsrfToken(req, res, { overwrite: false, validateOnReuse: false });
    },
    signIn(res, actor, name) {
      // The session's own id binds the CSRF token: signing in changes it (no token fixation).
      const token = signToken(opts.jwtSecret, actor, `${opts.hours ?? 12}h`, { sid: randomUUID(), name }, opts.jwtScope);
      res.cookie(SESSION, token, { ...cookie, maxAge });
      res.clearCookie(`${prefix}mac_csrf`, { path: '/' });
    },
    signOut(res) {
      res.clearCookie(SESSION, { path: '/' });
      res.clearCookie(`${prefix}mac_csrf`, { path: '/' });
    },
  };
}

/** The payload of a token already verified. */
function jwtPayload(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
}
