import type { Request, Response, Router } from 'express';
import { computeIndicators, type IndicatorValue, type ProcedureIndicators } from '../domain/indicators';
import { assertCenter } from '../api/auth';
import { invalidField } from '../api/errors';
import { endOfLimaDay, limaDate, limaInstant } from '../calendar/businessCalendar';
import { categoryChartSvg, monthlyChartSvg } from './charts';
import { renderPage } from './views';
import type { WebContext } from './index';

/**
 * The indicators dashboard (PE1.3.1 Gestión de indicadores; the Listado de procedimientos e
 * indicadores, 2.4.2): every indicator of the catalog per center and month, with its numerator,
 * denominator and the runs behind it, charted month by month; the Libro de Reclamaciones by term
 * state, the openings on time and the supervision plan's progress above. The figures come from
 * `computeIndicators`, the same computation as GET /api/v1/indicators.
 */

const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;
const MAX_MONTHS = 24;

function addMonths(month: string, n: number): string {
  const [y, m] = month.split('-').map(Number);
  const d = new Date(Date.UTC(y, m - 1 + n, 1));
  return `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
}

function lastDay(month: string): string {
  const [y, m] = month.split('-').map(Number);
  return new Date(Date.UTC(y, m, 0)).toISOString().slice(0, 10);
}

const UNITS: Record<IndicatorValue['unit'], string> = { percent: '%', count: 'cantidad', hours: 'horas', per_hour: 'por hora', level: 'nivel' };

function shown(i: IndicatorValue): string {
  if (i.value === null) return '—';
  const v = Number.isInteger(i.value) ? String(i.value) : i.value.toFixed(2);
  return i.unit === 'percent' ? `${v} %` : i.unit === 'hours' ? `${v} h` : i.unit === 'level' && i.label ? `${v} (${i.label})` : v;
}

/** `/api/v1/runs?…` as the web page listing the same runs. */
const webRuns = (href: string) => href.replace(/^\/api\/v1\/runs/, '/app/ejecuciones');

export function registerDashboard(r: Router, { deps, session }: WebContext): void {
  r.get('/app/indicadores', (req: Request, res: Response, next: (err?: unknown) => void) => {
    void (async () => {
      const actor = req.staff!;
      const q = req.query as Record<string, string | undefined>;
      const current = limaDate(deps.clock()).slice(0, 7);
      const to = q.to || current;
      const from = q.from || addMonths(to, -5);
      if (!MONTH.test(from)) throw invalidField('from', 'debe ser un mes AAAA-MM');
      if (!MONTH.test(to)) throw invalidField('to', 'debe ser un mes AAAA-MM');
      if (from > to) throw invalidField('to', 'no puede ser anterior a «desde»');
      const months: string[] = [];
      for (let m = from; m <= to && months.length <= MAX_MONTHS; m = addMonths(m, 1)) months.push(m);
      if (months.length > MAX_MONTHS) throw invalidField('from', `el periodo puede tener a lo sumo ${MAX_MONTHS} meses`);

      // One center, or every center of the person (SSCS: all).
      const centerId = q.centerId || undefined;
      if (centerId) assertCenter(actor, centerId);
      const centerIds = centerId ? [centerId] : actor.centers;
      const today = limaDate(deps.clock());
      const periodTo = lastDay(to) < today ? lastDay(to) : today;

      // Month by month, and the whole period (the totals and the summaries).
      const [perMonth, total] = await Promise.all([
        Promise.all(months.map((m) => computeIndicators(deps.models, { centerIds, from: `${m}-01`, to: lastDay(m), today }))),
        computeIndicators(deps.models, { centerIds, from: `${from}-01`, to: periodTo, today }),
      ]);

      const procedures = total.map((p: ProcedureIndicators, pi) => ({
        code: p.code,
        name: p.name,
        runs: p.runs,
        indicators: p.indicators.map((ind, ii) => {
          const monthly = perMonth.map((mp) => mp[pi]!.indicators[ii]!);
          const hasData = monthly.some((x) => x.value !== null && (x.value !== 0 || x.numerator !== 0 || (x.denominator ?? 0) !== 0));
          return {
            id: ind.id,
            name: ind.name,
            unit: UNITS[ind.unit],
            formula: ind.formula,
            total: { shown: shown(ind), numerator: ind.numerator, denominator: ind.denominator, runs: ind.runs.count, href: webRuns(ind.runs.href) },
            months: monthly.map((x, mi) => ({ month: months[mi], shown: shown(x), numerator: x.numerator, denominator: x.denominator })),
            chart: hasData
              ? monthlyChartSvg({ title: ind.name, months, unit: ind.unit, series: [{ name: ind.name, values: monthly.map((x) => (x.value === null ? null : Math.round(x.value * 100) / 100)) }] })
              : undefined,
          };
        }),
      }));

      // The Libro de Reclamaciones of the period by where each claim stands against its term.
      const centersMatch = centerIds === '*' ? {} : centerIds.length === 1 ? { centerId: centerIds[0] } : { centerId: { $in: centerIds } };
      const claims = await deps.models.Claim.find({ ...centersMatch, registeredAt: { $gte: limaInstant(`${from}-01`, '00:00'), $lte: endOfLimaDay(periodTo) } }, { status: 1, dueAt: 1, inTerm: 1 }).lean();
      const now = deps.clock().getTime();
      const claimStates = [
        { label: 'Abiertos en plazo', count: claims.filter((c) => c.status === 'open' && c.dueAt.getTime() >= now).length },
        { label: 'Abiertos vencidos', count: claims.filter((c) => c.status === 'open' && c.dueAt.getTime() < now).length },
        { label: 'Respondidos en plazo', count: claims.filter((c) => c.status === 'answered' && c.inTerm === true).length },
        { label: 'Respondidos fuera de plazo', count: claims.filter((c) => c.status === 'answered' && c.inTerm !== true).length },
        { label: 'Cerrados sin respuesta', count: claims.filter((c) => c.status === 'closed').length },
      ];

      const find = (code: string, id: string) => procedures.find((p) => p.code === code)?.indicators.find((i) => i.id === id);
      const opening = ['opened_on_time', 'not_opened', 'hours_closed', 'closures'].map((id) => find('P2.2.2', id)).filter(Boolean);
      const plan = procedures.flatMap((p) => p.indicators.filter((i) => i.id === 'supervision_plan'));

      const centers = actor.centers === '*' ? await deps.models.Center.find({}, { _id: 1, name: 1 }).sort({ _id: 1 }).lean() : actor.centers.map((id) => ({ _id: id, name: id }));
      renderPage(
        req,
        res,
        'indicators',
        {
          title: 'Indicadores',
          from,
          to,
          months,
          centers: centers.map((c) => ({ id: c._id, name: c.name, selected: c._id === centerId })),
          scope: centerId ?? (actor.centers === '*' ? 'todos los centros' : actor.centers.join(', ')),
          procedures: procedures.filter((p) => p.indicators.length),
          claims: { total: claims.length, states: claimStates, chart: categoryChartSvg({ title: 'Reclamos por estado del plazo legal', categories: claimStates }) },
          opening,
          plan,
        },
        200,
        session.csrfToken(req, res),
      );
    })().catch(next);
  });
}
