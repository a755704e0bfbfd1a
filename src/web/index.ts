import path from 'node:path';
import express, { type NextFunction, type Request, type RequestHandler, type Response, type Router } from 'express';
import rateLimit from 'express-rate-limit';
import cookieParser from 'cookie-parser';
import type { ApiDeps } from '../api/deps';
import { HttpError, isUnavailable, notFound, RETRY_AFTER_SECONDS } from '../api/errors';
import { verifyToken } from '../api/auth';
import type { Actor } from '../shared/roles';
import { createWebSession, type WebSession } from './session';
import { authenticate } from './users';
import { renderPage } from './views';
import { registerStaffPages } from './staff';
import { registerDashboard } from './indicators';
import { registerCitizenPages } from './claims';
import { createCodecEndpoint } from './codec';

/**
 * The web pages (issue 12): staff at /app (inbox, tasks, procedures, runs, indicators), citizens at
 * /reclamos (the Hoja de reclamación and its tracking). Server-rendered Handlebars with htmx 2 and
 * Pico's classless CSS, vendored from npm and served from /assets: no build step, no CDN, and
 * every page works without JavaScript. Underneath are the API's own services (the service modules under src/api):
 * the same checks, the same validation, the same Temporal updates.
 */
export interface WebOptions {
  secureCookies: boolean;
}

export interface WebContext {
  deps: ApiDeps;
  session: WebSession;
}

/** Serves one vendored file. */
const vendored = (file: string): RequestHandler => (_req, res) => void res.sendFile(file, { maxAge: '1d', immutable: false });

export function createWeb(deps: ApiDeps, opts: WebOptions): Router {
  const router = express.Router();
  const session = createWebSession({ jwtSecret: deps.jwtSecret, secureCookies: opts.secureCookies, ...(deps.jwtScope ? { jwtScope: deps.jwtScope } : {}) });
  const ctx: WebContext = { deps, session };

  router.get('/assets/htmx.min.js', vendored(require.resolve('htmx.org/dist/htmx.min.js')));
  router.get('/assets/pico.classless.min.css', vendored(path.join(path.dirname(require.resolve('@picocss/pico/package.json')), 'css', 'pico.classless.min.css')));
  router.get('/assets/app.css', vendored(path.join(__dirname, 'assets', 'app.css')));
  router.use(createCodecEndpoint(deps, session, deps.temporalUiOrigin));

  const pages = express.Router();
  // Only the pages' paths: the API keeps its own JSON body, bearer tokens and errors.
  pages.use((req, _res, next) => next(/^\/(app|reclamos)(\/|$)/.test(req.path) ? undefined : 'router'));
  pages.use(cookieParser());
  pages.use(express.urlencoded({ extended: false, limit: '256kb', parameterLimit: 2000 }));
  pages.use(session.read);
  // Every POST of every page carries the CSRF token (sign-in and the citizen's claim included).
  pages.use((req, res, next) => (req.method === 'POST' ? session.csrfProtection(req, res, next) : next()));

  registerSignIn(pages, ctx);
  registerStaffPages(pages, ctx);
  registerDashboard(pages, ctx);
  registerCitizenPages(pages, ctx);
  pages.use((req, _res, next) => next(notFound(`la página ${req.path}`)));
  pages.use(pageErrors(ctx));
  router.use(pages);
  return router;
}

/** Errors of a page as a page in Spanish (the API's errors are JSON; these are for people). */
function pageErrors(ctx: WebContext) {
  return (err: unknown, req: Request, res: Response, _next: NextFunction) => {
    const e = err as HttpError & { code?: string };
    // csrf-csrf's refusal: a form without (or with a stale) token.
    if (e?.code === 'EBADCSRFTOKEN' || (e as { name?: string })?.name === 'ForbiddenError') {
      return renderPage(req, res, 'error', { title: 'Formulario vencido', message: 'El formulario no tiene un token de seguridad válido (CSRF). Vuelva a cargar la página e inténtelo de nuevo.' }, 403, ctx.session.csrfToken(req, res));
    }
    if (e instanceof HttpError && e.status < 500) {
      const titles: Record<number, string> = { 400: 'Datos no válidos', 403: 'Sin acceso', 404: 'No encontrado', 409: 'No se puede realizar' };
      return renderPage(req, res, 'error', { title: titles[e.status] ?? 'Error', message: e.message, code: e.code }, e.status, ctx.session.csrfToken(req, res));
    }
    // A component down (Temporal, the store) is a 503 to retry; anything else a 500 that says
    // nothing internal (the log has it), as the API's errors do.
    const unavailable = (e instanceof HttpError && e.status === 503) || isUnavailable(err);
    (req.log ?? ctx.deps.log)[unavailable ? 'warn' : 'error']({ err }, unavailable ? 'a component is unavailable' : 'unhandled error in a page');
    if (unavailable) res.set('Retry-After', String(RETRY_AFTER_SECONDS));
    renderPage(
      req,
      res,
      'error',
      unavailable
        ? { title: 'Servicio no disponible', message: 'El sistema no está disponible en este momento. Inténtelo de nuevo en unos minutos; lo que envió puede reenviarse sin duplicarse.' }
        : { title: 'Error', message: 'Ocurrió un error interno. Inténtelo de nuevo; si persiste, comuníquelo a la mesa de ayuda.' },
      unavailable ? 503 : 500,
    );
  };
}

function registerSignIn(r: Router, { deps, session }: WebContext): void {
  // Ten tries per 15 minutes and address: enough for people, too few to guess passwords.
  const limiter = rateLimit({ windowMs: 15 * 60_000, limit: Math.max(10, Math.min(deps.publicRateLimit, 100)), standardHeaders: 'draft-7', legacyHeaders: false, validate: { xForwardedForHeader: false } });
  const safeNext = (v: unknown) => (typeof v === 'string' && /^\/(app|reclamos)(\/|$|\?)/.test(v) ? v : '/app');

  r.get('/app/ingresar', (req, res) => {
    if (req.staff) return res.redirect(303, safeNext(req.query.next));
    renderPage(req, res, 'sign-in', { title: 'Ingresar', next: safeNext(req.query.next) }, 200, session.csrfToken(req, res));
  });
  r.post('/app/ingresar', limiter, async (req, res) => {
    const body = req.body as Record<string, string | undefined>;
    const username = (body.username ?? '').trim();
    const errors: Record<string, string> = {};
    if (!username) errors.username = 'Ingrese su usuario';
    if (!body.password) errors.password = 'Ingrese su contraseña';
    const user = Object.keys(errors).length ? undefined : await authenticate(deps.models, username, body.password!);
    if (!user) {
      if (!Object.keys(errors).length) errors.password = 'Usuario o contraseña incorrectos';
      return renderPage(req, res, 'sign-in', { title: 'Ingresar', next: safeNext(body.next), username, errors }, 400, session.csrfToken(req, res));
    }
    session.signIn(res, user.actor, user.name);
    res.redirect(303, safeNext(body.next));
  });
  // The institution's own identity: a token its identity provider (or `npm run token`) signed with
  // the API's secret and claims. Verified exactly as an API bearer token is, then a session.
  r.post('/app/ingresar/token', limiter, (req, res) => {
    const body = req.body as Record<string, string | undefined>;
    let actor: Actor;
    try {
      actor = verifyToken(deps.jwtSecret, `Bearer ${(body.token ?? '').trim()}`, deps.jwtScope);
    } catch (err) {
      const message = err instanceof HttpError ? err.message : 'token no válido';
      return renderPage(req, res, 'sign-in', { title: 'Ingresar', next: safeNext(body.next), errors: { token: `Token no válido: ${message}` } }, 400, session.csrfToken(req, res));
    }
    session.signIn(res, actor, actor.sub);
    res.redirect(303, safeNext(body.next));
  });
  r.post('/app/salir', (_req, res) => {
    session.signOut(res);
    res.redirect(303, '/app/ingresar');
  });
}
