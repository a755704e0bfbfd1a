import { z } from 'zod';
import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError } from '@temporalio/client';
import { WorkflowIdReusePolicy } from '@temporalio/common';
import type { Api } from '../route';
import { errorResponses, json } from '../route';
import type { ApiDeps } from '../deps';
import type { Actor, SscsFunction } from '../../shared/roles';
import { centerIdSchema, freeTextSchema, isoDateSchema } from '../../shared/schemas';
import { limaDate } from '../../calendar/businessCalendar';
import { loadCalendar } from '../../calendar/service';
import { semesterOf, SEMESTERS } from '../../domain/supervision';
import type { CenterRecord } from '../../db/models';
import { changePlan, defaultPlanVisits, planCompliance, planId, planWorkflowId, PlanNotFoundError, visitId, visitStanding, type SupervisionPlan } from '../../supervision/plan';
import { planChangedSignal } from '../../shared/messages';
import type { SupervisionPlanWorkflowInput } from '../../workflows/supervisionPlan';
import { badRequest, conflict, forbidden, invalidField, notFound } from '../errors';
import { canAccessCenter } from '../auth';
import { planIndicatorSchema, planViewSchema, type PlanView } from './schemas';

const iso = (d: Date | string | null | undefined): string | null => (d ? new Date(d).toISOString() : null);

const yearSchema = z.coerce.number().int().min(2020).max(2100);

const plannedVisitSchema = z
  .object({
    centerId: centerIdSchema,
    date: isoDateSchema.describe('Fecha de la visita de campo'),
  })
  .strict();

const createPlanSchema = z
  .object({
    year: z.number().int().min(2020).max(2100),
    visits: z
      .array(plannedVisitSchema)
      .min(1)
      .max(400)
      .optional()
      .describe('Visitas del plan; si falta, dos por cada Centro MAC activo, una por semestre (2.3.3)'),
  })
  .strict();

const changeVisitSchema = z
  .object({
    date: isoDateSchema.optional().describe('Nueva fecha de la visita'),
    cancel: z.literal(true).optional().describe('Retirar la visita del plan'),
    reason: freeTextSchema(1000).describe('Motivo del cambio (p. ej. decisión de la alta dirección, Cuadro 02, 1)'),
  })
  .strict()
  .refine((b) => (b.date === undefined) !== (b.cancel === undefined), { path: ['date'], message: 'give either a new date or cancel: true' });

/** An SSCS member holding one of `functions` (token claim `functions`). */
function assertFunction(actor: Actor, functions: SscsFunction[]): void {
  if (actor.role !== 'sscs' || !functions.some((f) => actor.functions?.includes(f))) {
    throw forbidden(`only an SSCS member holding ${functions.join(' or ')} may do this (token claims role sscs and functions)`);
  }
}

/**
 * The Plan de Supervisión Anual (2.3.3; Cuadro 02, 1) and PM1.3.1's indicator. SSCS drafts the
 * plan (the Responsable de Supervisión plans, 2.3.1) and the Subsecretario/a approves it; from
 * then on the plan's workflow starts each visit's run on its date. Center staff see their centers'
 * visits only.
 */
export function registerSupervision(api: Api, deps: ApiDeps): void {
  const today = () => limaDate(deps.clock());

  async function loadPlan(year: number): Promise<SupervisionPlan> {
    const plan = (await deps.models.SupervisionPlan.findById(planId(year)).lean()) as SupervisionPlan | null;
    if (!plan) throw notFound(`supervision plan ${year}`);
    return plan;
  }

  function view(plan: SupervisionPlan, actor: Actor): PlanView {
    const mine = plan.visits.filter((v) => canAccessCenter(actor, v.centerId));
    const seen = { ...plan, visits: mine };
    return {
      year: plan.year,
      status: plan.status,
      createdBy: plan.createdBy ?? null,
      approvedBy: plan.approvedBy ?? null,
      approvedAt: iso(plan.approvedAt),
      visits: mine.map((v) => ({
        id: v.id,
        centerId: v.centerId,
        semester: v.semester,
        date: v.date,
        standing: visitStanding(v, plan.year, today()),
        runId: v.runId ?? null,
        executedOn: v.executedOn ?? null,
        cancelled: v.cancelled?.at ? { ...v.cancelled, at: iso(v.cancelled.at)! } : null,
        changes: (v.changes ?? []).map((c) => ({ at: iso(c.at)!, by: c.by, from: c.from, to: c.to, reason: c.reason })),
      })),
      compliance: planCompliance(seen, today()),
    };
  }

  /** `changePlan`, with a plan that does not exist answered 404. */
  async function change<T>(year: number, fn: (plan: SupervisionPlan) => T) {
    try {
      return await changePlan(deps.models, year, fn);
    } catch (err) {
      if (err instanceof PlanNotFoundError) throw notFound(`supervision plan ${year}`);
      throw err;
    }
  }

  /** Starts the plan's workflow, or tells the running one the plan changed. */
  async function wakePlan(plan: SupervisionPlan): Promise<void> {
    const input: SupervisionPlanWorkflowInput = { year: plan.year, settings: deps.settings, searchAttributes: deps.searchAttributes, approvedBy: plan.approvedBy ?? 'sscs' };
    try {
      await deps.temporal.workflow.getHandle(planWorkflowId(plan.year)).signal(planChangedSignal);
      return;
    } catch (err) {
      if (!(err instanceof WorkflowNotFoundError)) throw err;
    }
    // Not running (it ended when every visit had its run; a visit added or moved later needs it again).
    try {
      await deps.temporal.workflow.start('supervisionPlanWorkflow', {
        taskQueue: deps.taskQueue,
        workflowId: planWorkflowId(plan.year),
        workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE,
        args: [input],
      });
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    }
  }

  api.route({
    method: 'post',
    path: '/supervision/plans',
    summary: 'Draft the Plan de Supervisión Anual of a year (2.3.3: two visits a year to each Centro MAC, one per semester)',
    tags: ['supervision'],
    roles: ['sscs'],
    body: createPlanSchema,
    status: 201,
    responses: { 201: json(planViewSchema, 'the draft plan'), ...errorResponses(400, 401, 403, 409) },
    handler: async ({ body, actor }) => {
      assertFunction(actor, ['subsecretario', 'supervision_lead']);
      const centers = await deps.models.Center.find({ active: true }, { _id: 1 }).sort({ _id: 1 }).lean<CenterRecord[]>();
      const active = new Set(centers.map((c) => c._id));
      const calendar = await loadCalendar(deps.models);
      const wanted = body.visits ?? defaultPlanVisits(calendar, body.year, [...active]);
      const seen = new Set<string>();
      const visits = wanted.map((v, i) => {
        if (!active.has(v.centerId)) throw invalidField(`body.visits.${i}.centerId`, `unknown or inactive center ${v.centerId}`);
        if (!v.date.startsWith(`${body.year}-`)) throw invalidField(`body.visits.${i}.date`, `must be a date of ${body.year}`);
        if (!calendar.isBusinessDay(v.date)) throw invalidField(`body.visits.${i}.date`, `${v.date} is not a business day`);
        const semester = semesterOf(v.date);
        const id = visitId(v.centerId, semester);
        if (seen.has(id)) throw invalidField(`body.visits.${i}.date`, `${v.centerId} already has a visit in semester ${semester}: one per semester (2.3.3)`);
        seen.add(id);
        return { id, centerId: v.centerId, semester, date: v.date };
      });
      const plan = { _id: planId(body.year), year: body.year, status: 'draft', visits, createdBy: actor.sub, createdAt: deps.clock(), rev: 1 };
      try {
        await deps.models.SupervisionPlan.create(plan);
      } catch (err) {
        if ((err as { code?: number }).code === 11000) throw conflict('plan_exists', `there is already a supervision plan for ${body.year}`);
        throw err;
      }
      return view(plan as unknown as SupervisionPlan, actor);
    },
  });

  api.route({
    method: 'get',
    path: '/supervision/plans/{year}',
    summary: 'A Plan de Supervisión Anual: its visits, where each stands (planned, started, executed, missed, cancelled) and the plan compliance',
    tags: ['supervision'],
    params: z.object({ year: yearSchema }),
    responses: { 200: json(planViewSchema, 'the plan'), ...errorResponses(401, 404) },
    handler: async ({ params, actor }) => view(await loadPlan(params.year), actor),
  });

  api.route({
    method: 'post',
    path: '/supervision/plans/{year}/approval',
    summary: 'Approve the plan (Cuadro 02, 1: "Aprobar cronograma de Supervisión"): from then on each visit starts its run on its date',
    tags: ['supervision'],
    roles: ['sscs'],
    params: z.object({ year: yearSchema }),
    responses: { 200: json(planViewSchema, 'the approved plan'), ...errorResponses(401, 403, 404, 409, 503) },
    handler: async ({ params, actor }) => {
      assertFunction(actor, ['subsecretario']);
      // Approving an approved plan changes nothing, but makes sure its workflow runs: a first
      // approval that answered 503 (Temporal down after the plan was saved) is completed by its retry.
      const { plan } = await change(params.year, (p) => {
        if (p.status !== 'approved') Object.assign(p, { status: 'approved', approvedBy: actor.sub, approvedAt: deps.clock() });
      });
      await wakePlan(plan);
      return view(plan, actor);
    },
  });

  api.route({
    method: 'put',
    path: '/supervision/plans/{year}/visits/{visitId}',
    summary: "Move a planned visit to another date, or cancel it, with the reason (recorded in the visit's changes)",
    tags: ['supervision'],
    roles: ['sscs'],
    params: z.object({ year: yearSchema, visitId: z.string().min(1).max(80) }),
    body: changeVisitSchema,
    responses: { 200: json(planViewSchema, 'the plan'), ...errorResponses(400, 401, 403, 404, 409, 503) },
    handler: async ({ params, body, actor }) => {
      assertFunction(actor, ['subsecretario', 'supervision_lead']);
      const approved = (await loadPlan(params.year)).status === 'approved';
      // Once approved (Cuadro 02, 1), the plan changes by the Subsecretario/a's decision only.
      if (approved) assertFunction(actor, ['subsecretario']);
      if (body.date) {
        if (!body.date.startsWith(`${params.year}-`)) throw invalidField('body.date', `must be a date of ${params.year}`);
        if (!(await loadCalendar(deps.models)).isBusinessDay(body.date)) throw invalidField('body.date', `${body.date} is not a business day`);
        if (body.date < today()) throw invalidField('body.date', 'must not be in the past');
      }
      const { plan } = await change(params.year, (p) => {
        const v = p.visits.find((x) => x.id === params.visitId);
        if (!v) throw notFound(`visit ${params.visitId} of plan ${params.year}`);
        if (v.runId) throw conflict('visit_started', `visit ${v.id} already started as run ${v.runId}; cancel that run instead`);
        if (v.cancelled?.at) throw conflict('visit_cancelled', `visit ${v.id} was cancelled`);
        // A visit whose date passed is executed or missed: changing it now would rewrite the indicator.
        if (v.date < today()) throw conflict('visit_past', `visit ${v.id} was due on ${v.date}; a past visit cannot be moved or cancelled`);
        if (body.date && semesterOf(body.date) !== v.semester) throw badRequest(`invalid input: body.date: the visit belongs to semester ${v.semester} (2.3.3)`, [{ path: 'body.date', message: `must be in semester ${v.semester}`, code: 'custom' }]);
        const at = deps.clock();
        v.changes = [...(v.changes ?? []), { at, by: actor.sub, from: v.date, to: body.date ?? 'cancelada', reason: body.reason }];
        if (body.date) v.date = body.date;
        else v.cancelled = { at, by: actor.sub, reason: body.reason };
      });
      if (plan.status === 'approved') await wakePlan(plan);
      return view(plan, actor);
    },
  });

  api.route({
    method: 'get',
    path: '/supervision/indicators',
    summary: 'PM1.3.1: % Cumplimiento del Plan de Supervisión Anual per center and semester (with the missed visits), and the open and overdue observations per center',
    tags: ['supervision', 'indicators'],
    query: z.object({ year: yearSchema, centerId: z.string().optional() }),
    responses: { 200: json(planIndicatorSchema, 'the indicator'), ...errorResponses(400, 401, 403, 404) },
    handler: async ({ query, actor }) => {
      if (query.centerId && !canAccessCenter(actor, query.centerId)) throw forbidden(`your token does not give access to center ${query.centerId}`);
      const centerIds = query.centerId ? [query.centerId] : actor.centers;
      const plan = await loadPlan(query.year);
      const now = deps.clock();
      // An observation is open while its run runs (correction sent but not yet accepted included);
      // overdue while its correction is awaited past its term.
      const where = query.centerId ? { centerId: query.centerId } : {};
      const [running, late] = await Promise.all([
        deps.models.Run.find({ code: 'PM1.3.1', workflowType: 'supervisionObservationWorkflow', status: 'running', ...where }, { centerId: 1 }).lean(),
        deps.models.Task.find({ code: 'PM1.3.1', type: 'report_observation_correction', status: 'open', dueAt: { $lt: now }, ...where }, { centerId: 1 }).lean(),
      ]);
      const observations = new Map<string, { open: number; overdue: number }>();
      const tally = (centerId: string, k: 'open' | 'overdue') => {
        if (!canAccessCenter(actor, centerId)) return;
        const o = observations.get(centerId) ?? { open: 0, overdue: 0 };
        o[k] += 1;
        observations.set(centerId, o);
      };
      running.forEach((r) => tally(r.centerId, 'open'));
      late.forEach((t) => tally(t.centerId, 'overdue'));
      const compliance = planCompliance(plan, today(), { centerIds });
      return {
        indicator: '% Cumplimiento del Plan de Supervisión Anual',
        formula: 'visitas con la visita de campo ejecutada (acta firmada) / visitas programadas en el Plan × 100',
        semesters: [...SEMESTERS],
        ...compliance,
        centers: compliance.centers.map((c) => ({ ...c, observations: observations.get(c.centerId) ?? { open: 0, overdue: 0 } })),
      } satisfies z.infer<typeof planIndicatorSchema>;
    },
  });
}
