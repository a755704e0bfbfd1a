import type { Request, Response, Router } from 'express';
import { canStart, findProcedure, listProcedures, type ProcedureDefinition } from '../catalog';
import { forbidden, HttpError, notFound } from '../api/errors';
import { assertCenter } from '../api/auth';
import { completeTask, inboxFilter, loadTaskFor } from '../api/tasks/service';
import { entityMaySee, getRun, listRuns, loadRun, runQuerySchema, startRun } from '../api/runs/service';
import { fetchTimeline, type TimelineEntry } from '../api/runs/history';
import { isTaskType, taskDataSchemas } from '../shared/tasks';
import { ROLE_TITLES, type Actor } from '../shared/roles';
import { OPENING_ITEMS, OPENING_ZONES } from '../domain/opening';
import { findCenter } from '../db/models';
import { documentFileName, documentPdf } from '../documents/store';
import { decodeForm, errorSummary, valueLabel, refusedFields, renderFields, spanishErrors, toJsonSchema, type FormBody, type FormContext } from './forms';
import { renderPage } from './views';
import type { WebContext } from './index';

const PAGE_SIZE = 20;

/** The signed-in member of staff (the route is behind `requireStaff`). */
const staffOf = (req: Request): Actor => req.staff!;

/** Runs an async page, passing its errors to the page error handler. */
const page =
  (fn: (req: Request, res: Response) => Promise<void>) =>
  (req: Request, res: Response, next: (err?: unknown) => void): void =>
    void fn(req, res).catch(next);

export function registerStaffPages(r: Router, ctx: WebContext): void {
  const { deps, session } = ctx;
  const csrf = (req: Request, res: Response) => session.csrfToken(req, res);
  r.use('/app', session.requireStaff);

  // ---- Inbox ------------------------------------------------------------------------------
  r.get(
    '/app',
    page(async (req, res) => {
      const actor = staffOf(req);
      const q = req.query as Record<string, string | undefined>;
      const status = (['open', 'completed', 'cancelled'] as const).find((s) => s === q.status) ?? 'open';
      const centerId = q.centerId && (actor.centers === '*' || actor.centers.includes(q.centerId)) ? q.centerId : undefined;
      const code = q.code && findProcedure(q.code) ? q.code : undefined;
      const pageNo = Math.max(1, Math.min(1000, Number.parseInt(q.page ?? '1', 10) || 1));
      const filter = inboxFilter(actor, { centerId, role: actor.role, status });
      if (code) filter.code = code;
      const now = deps.clock();
      const { rows, total } = await inboxPage(deps.models.Task, filter, status, now, pageNo);
      const centers = actor.centers === '*' ? (await deps.models.Center.find({}, { _id: 1, name: 1 }).sort({ _id: 1 }).lean()).map((c) => ({ id: c._id, name: c.name })) : actor.centers.map((id) => ({ id, name: id }));
      const pages = Math.max(1, Math.ceil(total / PAGE_SIZE));
      const qs = (p: number) => new URLSearchParams({ ...(centerId ? { centerId } : {}), ...(code ? { code } : {}), status, page: String(p) }).toString();
      const data = {
        title: 'Bandeja de tareas',
        tasks: rows.map((t) => ({
          ...t,
          procedure: findProcedure(t.code)?.name ?? t.code,
          overdue: status === 'open' && t.dueAt && new Date(t.dueAt).getTime() < now.getTime(),
          href: `/app/tareas/${encodeURIComponent(t._id)}`,
        })),
        total,
        centers: centers.map((c) => ({ ...c, selected: c.id === centerId })),
        procedures: listProcedures().map((p) => ({ code: p.code, name: p.name, selected: p.code === code })),
        statuses: [
          { value: 'open', label: 'Pendientes', selected: status === 'open' },
          { value: 'completed', label: 'Completadas', selected: status === 'completed' },
          { value: 'cancelled', label: 'Canceladas', selected: status === 'cancelled' },
        ],
        pageNo,
        pages,
        prev: pageNo > 1 ? `/app?${qs(pageNo - 1)}` : undefined,
        next: pageNo < pages ? `/app?${qs(pageNo + 1)}` : undefined,
      };
      // htmx asks for the table alone when a filter changes.
      renderPage(req, res, req.get('hx-request') && req.get('hx-target') === 'inbox' ? 'inbox-table' : 'inbox', data, 200, csrf(req, res));
    }),
  );

  // ---- A task ---------------------------------------------------------------------------------
  const taskPage = async (req: Request, res: Response, posted?: { values: unknown; errors: Record<string, string>; message?: string }, status = 200) => {
    const actor = staffOf(req);
    const task = await loadTaskFor(deps, actor, String(req.params.taskId));
    const procedure = findProcedure(task.code);
    const run = await getRun(deps, task.runId, actor);
    const schema = isTaskType(task.type) ? toJsonSchema(taskDataSchemas[task.type]) : undefined;
    const formCtx = await formContextFor(ctx, task);
    const values = posted?.values ?? task.prefill ?? undefined;
    renderPage(
      req,
      res,
      'task',
      {
        title: task.title,
        task: { ...task, id: task._id, open: task.status === 'open', overdue: task.status === 'open' && task.dueAt && task.dueAt.getTime() < deps.clock().getTime() },
        procedure,
        run,
        form: schema && task.status === 'open' ? renderFields(schema, { values, errors: posted?.errors ?? {}, ctx: formCtx }) : undefined,
        errors: errorSummary(posted?.errors),
        message: posted?.message,
        completedData: task.status === 'completed' ? JSON.stringify(task.data, null, 2) : undefined,
        roleTitle: ROLE_TITLES[task.role as keyof typeof ROLE_TITLES] ?? task.role,
      },
      status,
      csrf(req, res),
    );
  };

  r.get('/app/tareas/:taskId', page((req, res) => taskPage(req, res)));
  r.post(
    '/app/tareas/:taskId',
    page(async (req, res) => {
      const actor = staffOf(req);
      const task = await loadTaskFor(deps, actor, String(req.params.taskId));
      if (!isTaskType(task.type)) throw new HttpError(409, 'unknown_task', `task ${task._id} has no form`);
      const formCtx = await formContextFor(ctx, task);
      const data = decodeForm(toJsonSchema(taskDataSchemas[task.type]), req.body as FormBody, formCtx);
      const invalid = spanishErrors(taskDataSchemas[task.type], data);
      if (invalid) return taskPage(req, res, { values: data, errors: invalid, message: 'Revise los campos marcados.' }, 400);
      try {
        await completeTask(deps, actor, task._id, data);
      } catch (err) {
        return taskPage(req, res, { values: data, errors: refusedFields(err, 'data'), message: 'Revise los campos marcados.' }, 400);
      }
      res.redirect(303, `/app/ejecuciones/${encodeURIComponent(task.runId)}?completada=${encodeURIComponent(task._id)}`);
    }),
  );

  // ---- Procedures: the catalog and the start form ---------------------------------------------
  r.get(
    '/app/procedimientos',
    page(async (req, res) => {
      const groups = new Map<string, { code: string; name: string; level2: Map<string, { code: string; name: string; procedures: unknown[] }> }>();
      for (const p of listProcedures()) {
        const g1 = groups.get(p.level1.code) ?? { ...p.level1, level2: new Map() };
        groups.set(p.level1.code, g1);
        const g2 = g1.level2.get(p.level2.code) ?? { ...p.level2, procedures: [] };
        g1.level2.set(p.level2.code, g2);
        g2.procedures.push(procedureView(p, staffOf(req)));
      }
      renderPage(req, res, 'procedures', { title: 'Procedimientos', groups: [...groups.values()].map((g) => ({ ...g, level2: [...g.level2.values()] })) }, 200, csrf(req, res));
    }),
  );

  const startPage = async (req: Request, res: Response, posted?: { values: unknown; errors: Record<string, string> }, status = 200) => {
    const p = findProcedure(String(req.params.code));
    if (!p) throw notFound(`procedimiento ${req.params.code}`);
    const actor = staffOf(req);
    const values = posted?.values ?? (actor.centers !== '*' && actor.centers.length === 1 ? { centerId: actor.centers[0] } : undefined);
    renderPage(
      req,
      res,
      'procedure',
      {
        title: `${p.code} ${p.name}`,
        procedure: procedureView(p, actor),
        form: p.executable ? renderFields(toJsonSchema(p.inputSchema), { values, errors: posted?.errors ?? {}, ctx: await startContext(ctx, actor) }) : undefined,
        errors: errorSummary(posted?.errors),
      },
      status,
      csrf(req, res),
    );
  };
  r.get('/app/procedimientos/:code', page((req, res) => startPage(req, res)));
  r.post(
    '/app/procedimientos/:code',
    page(async (req, res) => {
      const p = findProcedure(String(req.params.code));
      if (!p) throw notFound(`procedimiento ${req.params.code}`);
      const actor = staffOf(req);
      const body = decodeForm(toJsonSchema(p.inputSchema), req.body as FormBody, await startContext(ctx, actor));
      const invalid = spanishErrors(p.inputSchema, body);
      if (invalid) return startPage(req, res, { values: body, errors: invalid }, 400);
      try {
        // The form's own key: a double submit (or a retry after a lost answer) starts one run.
        const key = typeof (req.body as FormBody)._key === 'string' ? ((req.body as FormBody)._key as string) : undefined;
        const run = await startRun(deps, p, body, { kind: 'staff', actor }, key);
        res.redirect(303, `/app/ejecuciones/${encodeURIComponent(run.runId)}`);
      } catch (err) {
        return startPage(req, res, { values: body, errors: refusedFields(err, 'body') }, 400);
      }
    }),
  );

  // ---- Runs -----------------------------------------------------------------------------------
  r.get(
    '/app/ejecuciones',
    page(async (req, res) => {
      const q = runQuerySchema.safeParse({ ...req.query, limit: 50 });
      const query = q.success ? q.data : runQuerySchema.parse({ limit: 50 });
      const { runs } = await listRuns(deps, staffOf(req), query);
      renderPage(req, res, 'runs', { title: 'Ejecuciones', runs: runs.map((x) => ({ ...x, procedure: findProcedure(x.code)?.name ?? x.code, href: `/app/ejecuciones/${encodeURIComponent(x.runId)}` })) }, 200, csrf(req, res));
    }),
  );
  r.get(
    '/app/ejecuciones/:runId',
    page(async (req, res) => {
      const run = await getRun(deps, String(req.params.runId), staffOf(req));
      const p = findProcedure(run.code);
      renderPage(
        req,
        res,
        'run',
        {
          title: `${run.runId}`,
          run: {
            ...run,
            tasks: run.tasks.map((t) => ({ ...t, href: `/app/tareas/${encodeURIComponent(t.id)}`, roleTitle: ROLE_TITLES[t.role as keyof typeof ROLE_TITLES] ?? t.role })),
            documents: run.documents.map((d) => ({ ...d, pdf: `/app/documentos/${encodeURIComponent(d.id)}.pdf`, html: `/app/documentos/${encodeURIComponent(d.id)}` })),
          },
          procedure: p,
          completed: typeof req.query.completada === 'string',
          timelineUrl: `/app/ejecuciones/${encodeURIComponent(run.runId)}/historial`,
        },
        200,
        csrf(req, res),
      );
    }),
  );
  r.get(
    '/app/ejecuciones/:runId/historial',
    page(async (req, res) => {
      const runId = String(req.params.runId);
      await loadRun(deps, runId, staffOf(req));
      const entries = (await fetchTimeline(deps.temporal, runId)).map(spanishEntry);
      renderPage(req, res, req.get('hx-request') ? 'timeline' : 'timeline-page', { title: `Historial de ${runId}`, runId, entries }, 200, csrf(req, res));
    }),
  );

  // Documents through the same checks as the API's (the run's center and entity).
  r.get(
    '/app/documentos/:file',
    page(async (req, res) => {
      const file = String(req.params.file);
      const pdf = file.endsWith('.pdf');
      const id = pdf ? file.slice(0, -4) : file;
      const doc = await deps.models.Document.findById(id, { pdf: 0 }).lean();
      if (!doc || !doc.html) throw notFound(`documento ${id}`);
      const actor = staffOf(req);
      assertCenter(actor, doc.centerId);
      if (!(await entityMaySee(deps, actor, doc.runId))) throw forbidden(`el documento ${doc._id} no concierne a la entidad ${actor.entity}`);
      if (pdf) {
        res.type('application/pdf').set('content-disposition', `inline; filename="${documentFileName(doc, 'pdf')}"`).send(await documentPdf(deps.models, doc._id));
      } else {
        // The document's own HTML, with no script allowed to run in it.
        res.set('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'; img-src data:").type('html').send(doc.html);
      }
    }),
  );
}

/** Open tasks: the overdue first (the most recently due first), then the rest by due date. */
async function inboxPage(Task: WebContext['deps']['models']['Task'], filter: Record<string, unknown>, status: string, now: Date, pageNo: number) {
  const skip = (pageNo - 1) * PAGE_SIZE;
  if (status !== 'open') {
    const [rows, total] = await Promise.all([Task.find(filter).sort({ createdAt: -1 }).skip(skip).limit(PAGE_SIZE).lean(), Task.countDocuments(filter)]);
    return { rows, total };
  }
  const overdueFilter = { ...filter, dueAt: { $lt: now } };
  const onTimeFilter = { ...filter, $and: [{ $or: [{ dueAt: { $gte: now } }, { dueAt: null }] }] };
  const [overdueCount, onTimeCount] = await Promise.all([Task.countDocuments(overdueFilter), Task.countDocuments(onTimeFilter)]);
  const fromOverdue = skip < overdueCount ? await Task.find(overdueFilter).sort({ dueAt: -1 }).skip(skip).limit(PAGE_SIZE).lean() : [];
  const rest = PAGE_SIZE - fromOverdue.length;
  const fromOnTime = rest > 0 ? await Task.find(onTimeFilter).sort({ dueAt: 1 }).skip(Math.max(0, skip - overdueCount)).limit(rest).lean() : [];
  return { rows: [...fromOverdue, ...fromOnTime], total: overdueCount + onTimeCount };
}

function procedureView(p: ProcedureDefinition, actor: Actor) {
  return {
    code: p.code,
    name: p.name,
    objective: p.objective,
    owner: p.owner.map((r) => ROLE_TITLES[r]).join(', '),
    indicators: p.indicators.map((i) => i.name),
    manual: p.manual.join(', '),
    executable: p.executable,
    pending: p.pending,
    mayStart: p.executable && canStart(p, actor.role, actor.functions),
    href: `/app/procedimientos/${encodeURIComponent(p.code)}`,
  };
}

/** What a task's form knows beyond its schema: the checklist's zones and labels, a step's figures, a center's entities. */
async function formContextFor({ deps }: WebContext, task: { _id: string; type: string; code: string; runId: string; centerId: string }): Promise<FormContext> {
  const labels = new Map(OPENING_ITEMS.map((i) => [i.id as string, i.label]));
  const step = findProcedure(task.code)?.steps?.find((s) => task._id === `${task.runId}:${s.key}` || task._id.startsWith(`${task.runId}:${s.key}:`));
  const center = task.type === 'verify_preoperative_checklist' ? await findCenter(deps.models, task.centerId) : null;
  return {
    label: (path, key) => (path.startsWith('items.') && path.split('.').length === 2 ? labels.get(key) : undefined),
    groups: (path) =>
      path === 'items' && (task.type === 'verify_opening' || task.type === 'reverify_opening')
        ? OPENING_ZONES.map((z) => ({ label: z.name, keys: z.items.map(([id]) => id as string) }))
        : undefined,
    recordKeys: (path) => {
      if (path === 'figures' && step?.figures?.length) {
        return step.figures.map((f) => ({
          key: f.key,
          label: f.label,
          schema: f.kind === 'choice' ? { type: 'string', enum: Object.keys(f.options ?? {}) } : { type: 'number', minimum: 0 },
        }));
      }
      if (path === 'entityModules' && center) return center.participatingEntities.map((e) => ({ key: e.id, label: e.name }));
      return undefined;
    },
  };
}

/** The start form's context: the centers the person may start a run in, the entities of those centers. */
async function startContext({ deps }: WebContext, actor: Actor): Promise<FormContext> {
  const centers = await deps.models.Center.find(actor.centers === '*' ? {} : { _id: { $in: actor.centers } }, { _id: 1, name: 1, participatingEntities: 1 }).sort({ _id: 1 }).lean();
  const entities = new Map(centers.flatMap((c) => (c.participatingEntities ?? []).map((e) => [e.id, e.name] as const)));
  return {
    choices: (path) => {
      if (path === 'centerId') return centers.map((c) => ({ value: c._id, label: c.name }));
      if (path === 'entityId') return [...entities].map(([value, label]) => ({ value, label }));
      return undefined;
    },
  };
}

/** A timeline entry in Spanish: who, what, when (the API's entry stays in English for machines). */
function spanishEntry(e: TimelineEntry) {
  const who = e.actor === 'engine' ? 'El sistema' : `${e.actor.sub} (${(ROLE_TITLES as Record<string, string>)[e.actor.role] ?? e.actor.role})`;
  const d = (e.details ?? {}) as Record<string, unknown>;
  const what: Record<string, string> = {
    run_started: 'inició la ejecución',
    task_completed: `completó la tarea ${String(d.taskId ?? '')}`,
    term_computed: `calculó el plazo en días hábiles: vence el ${String(d.dueDate ?? '')}`,
    task_opened: `abrió una tarea para ${(ROLE_TITLES as Record<string, string>)[String(d.role)] ?? String(d.role ?? '')}, vence el ${String(d.dueDate ?? '')}`,
    document_generated: `generó el documento ${String(d.reference ?? '')}`,
    email_queued: 'dejó un correo en la bandeja de salida',
    escalation: `escaló la tarea vencida a ${valueLabel(d.level)}`,
    reminder: 'envió un recordatorio',
    email_sent: 'entregó un correo',
    run_recorded: 'registró el cierre de la ejecución',
    step_failed: 'registró un paso fallido (se reintenta)',
    run_closed: 'cerró la ejecución',
    signal: 'recibió un aviso (señal)',
  };
  return { at: e.at, who, what: what[e.kind] ?? e.kind, summary: e.summary, kind: e.kind };
}
