import { randomUUID } from 'node:crypto';
import type { Request, Response, Router } from 'express';
import { findProcedure } from '../catalog';
import { HttpError } from '../api/errors';
import { startRun } from '../api/runs/service';
import { trackClaim } from '../api/claims/service';
import { limiter } from '../api/public/router';
import { loadCalendar } from '../calendar/service';
import { limaDate } from '../calendar/businessCalendar';
import { decodeForm, errorSummary, refusedFields, renderFields, spanishErrors, toJsonSchema, type FormBody, type FormContext } from './forms';
import { renderPage } from './views';
import type { WebContext } from './index';

/**
 * The citizen's pages of the Libro de Reclamaciones (PM1.4.2): the Hoja de reclamación, the
 * constancia with the number and the legal due date at once, and the tracking of a claim by its
 * number and the document number of who filed it. The same schema, rules, rate limit and run as
 * the public API (POST /api/v1/public/claims); no account, no CAPTCHA: a honeypot field that
 * people never see keeps simple bots out.
 */
const CLAIMS = 'PM1.4.2';
/** The field only bots fill: off-screen for people, hidden from screen readers. */
const HONEYPOT = 'sitio_web';

const STATUS_ES: Record<string, string> = { open: 'En trámite', answered: 'Respondido', closed: 'Cerrado sin respuesta' };

export function registerCitizenPages(r: Router, { deps, session }: WebContext): void {
  const procedure = findProcedure(CLAIMS)!;
  const schema = toJsonSchema(procedure.inputSchema);
  const limit = limiter(deps);
  const csrf = (req: Request, res: Response) => session.csrfToken(req, res);

  /** The centers that attend today, and the entities of each, as the form's choices. */
  const formContext = async (): Promise<FormContext> => {
    const centers = await deps.models.Center.find({ active: true }, { _id: 1, name: 1, participatingEntities: 1 }).sort({ name: 1 }).lean();
    const entities = new Map(centers.flatMap((c) => (c.participatingEntities ?? []).map((e) => [e.id, e.name] as const)));
    return {
      choices: (path) =>
        path === 'centerId'
          ? centers.map((c) => ({ value: c._id, label: `Centro MAC ${c.name}` }))
          : path === 'entityId'
            ? [...entities].sort((a, b) => a[1].localeCompare(b[1])).map(([value, label]) => ({ value, label }))
            : undefined,
      label: (path) =>
        ({ centerId: 'Centro MAC donde ocurrió', entityId: 'Entidad reclamada (déjelo vacío si el reclamo es sobre el Centro MAC)', citizen: 'Sus datos' })[path],
    };
  };

  const formPage = async (req: Request, res: Response, posted?: { values: unknown; errors: Record<string, string>; key: string; message?: string }, status = 200) => {
    renderPage(
      req,
      res,
      'citizen-claim',
      {
        title: 'Hoja de reclamación',
        form: renderFields(schema, { values: posted?.values, errors: posted?.errors ?? {}, ctx: await formContext() }),
        key: posted?.key ?? randomUUID(),
        honeypot: HONEYPOT,
        message: posted?.message,
        errors: errorSummary(posted?.errors),
        termDays: procedure.legalTerm?.businessDays,
      },
      status,
      csrf(req, res),
    );
  };

  r.get('/reclamos', (req, res, next) => void formPage(req, res).catch(next));

  r.post('/reclamos', limit, (req, res, next) => {
    void (async () => {
      const body = req.body as FormBody;
      const key = typeof body._key === 'string' && /^[0-9a-f-]{36}$/.test(body._key) ? body._key : randomUUID();
      const ctx = await formContext();
      const values = decodeForm(schema, body, ctx);
      if (typeof body[HONEYPOT] === 'string' && body[HONEYPOT].trim() !== '') {
        // A bot filled what people cannot see: nothing is registered, and the answer does not say why.
        req.log?.info({ honeypot: true }, 'claim form refused');
        return formPage(req, res, { values, errors: {}, key: randomUUID(), message: 'No pudimos registrar su reclamo. Revise los datos e inténtelo de nuevo.' }, 400);
      }
      const invalid = spanishErrors(procedure.inputSchema, values);
      if (invalid) return formPage(req, res, { values, errors: invalid, key, message: 'Revise los campos marcados.' }, 400);
      let run;
      try {
        // The form's own key: a double submit or a reload registers one claim.
        run = await startRun(deps, procedure, values, { kind: 'public' }, `web:${key}`);
      } catch (err) {
        return formPage(req, res, { values, errors: refusedFields(err, 'body'), key, message: 'Revise los campos marcados.' }, 400);
      }
      // The due date at once, as the run computes it: business days from the run's start (Lima).
      const started = new Date((await deps.temporal.workflow.getHandle(run.runId).describe()).startTime);
      const calendar = await loadCalendar(deps.models);
      const businessDays = procedure.legalTerm!.businessDays;
      renderPage(
        req,
        res,
        'citizen-constancia',
        { title: 'Constancia de reclamo', number: run.runId, registeredAt: started.toISOString(), dueDate: calendar.addBusinessDays(limaDate(started), businessDays), businessDays, replay: !run.created },
        run.created ? 201 : 200,
        csrf(req, res),
      );
    })().catch(next);
  });

  const trackPage = (req: Request, res: Response, data: Record<string, unknown> = {}, status = 200) =>
    renderPage(req, res, 'citizen-tracking', { title: 'Seguimiento de reclamo', ...data }, status, csrf(req, res));

  r.get('/reclamos/seguimiento', (req, res) => trackPage(req, res, { number: typeof req.query.numero === 'string' ? req.query.numero : '' }));

  // A POST, so the document number never travels in a URL (nor in the access log).
  r.post('/reclamos/seguimiento', limit, (req, res, next) => {
    void (async () => {
      const body = req.body as Record<string, string | undefined>;
      const number = (body.number ?? '').trim();
      const documentNumber = (body.documentNumber ?? '').trim();
      const errors: Record<string, string> = {};
      if (!number) errors.number = 'Ingrese el número de su reclamo';
      if (!documentNumber) errors.documentNumber = 'Ingrese su número de documento';
      if (number.length > 80) errors.number = 'El número no es válido';
      if (documentNumber.length > 20) errors.documentNumber = 'El número de documento no es válido';
      if (Object.keys(errors).length) return trackPage(req, res, { number, errors }, 400);
      try {
        const claim = await trackClaim(deps, number, documentNumber);
        trackPage(req, res, {
          number,
          claim: {
            ...claim,
            statusLabel: STATUS_ES[claim.status] ?? claim.status,
            answer: claim.answer ? { ...claim.answer, decisionLabel: claim.answer.decision === 'accepted' ? 'Fundado' : 'Infundado' } : null,
          },
        });
      } catch (err) {
        if (err instanceof HttpError && err.status === 404) return trackPage(req, res, { number, notFound: true }, 404);
        throw err;
      }
    })().catch(next);
  });
}
