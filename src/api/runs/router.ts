import { z } from 'zod';
import type { Api } from '../route';
import { errorResponses, json } from '../route';
import type { ApiDeps } from '../deps';
import { getRun, listRuns, loadRun, runQuerySchema } from './service';
import { fetchTimeline } from './history';
import { auditExportSchema, exportChain } from '../../audit/chain';
import { runDetailSchema, runSummarySchema, timelineEntrySchema } from './schemas';

const runParams = z.object({ runId: z.string().min(1).openapi({ example: 'PM1.4.1-lima-norte-2026-00001' }) });

export function registerRuns(api: Api, deps: ApiDeps): void {
  api.route({
    method: 'get',
    path: '/runs',
    summary: 'List runs of the centers your token covers',
    tags: ['runs'],
    query: runQuerySchema,
    responses: { 200: json(z.object({ runs: z.array(runSummarySchema) }), 'runs, newest first'), ...errorResponses(400, 401, 403) },
    handler: ({ query, actor }) => listRuns(deps, actor, query),
  });

  api.route({
    method: 'get',
    path: '/runs/{runId}',
    summary: 'Current state of a run: status, tasks, documents, notifications, escalations',
    tags: ['runs'],
    params: runParams,
    responses: { 200: json(runDetailSchema, 'the run'), ...errorResponses(401, 403, 404, 409) },
    handler: ({ params, actor }) => getRun(deps, params.runId, actor),
  });

  api.route({
    method: 'get',
    path: '/runs/{runId}/history',
    summary: 'Audit timeline of a run from its Temporal history: who did what when',
    tags: ['runs'],
    params: runParams,
    responses: { 200: json(z.object({ runId: z.string(), timeline: z.array(timelineEntrySchema) }), 'the timeline'), ...errorResponses(401, 403, 404, 409) },
    handler: async ({ params, actor }) => {
      await loadRun(deps, params.runId, actor);
      return { runId: params.runId, timeline: await fetchTimeline(deps.temporal, params.runId) };
    },
  });

  api.route({
    method: 'get',
    path: '/runs/{runId}/audit',
    summary: "The run's audit timeline as a hash chain (RFC 8785 canonical JSON, SHA-256): save it, and `npm run audit:verify <file>` later shows whether any entry was altered",
    tags: ['runs'],
    params: runParams,
    responses: { 200: json(auditExportSchema, 'the chained export'), ...errorResponses(401, 403, 404, 409) },
    handler: async ({ params, actor }) => {
      await loadRun(deps, params.runId, actor);
      return exportChain(params.runId, await fetchTimeline(deps.temporal, params.runId), deps.clock());
    },
  });
}
