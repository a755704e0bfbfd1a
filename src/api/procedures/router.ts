import { z } from 'zod';
import { findProcedure, listProcedures, type ProcedureDefinition } from '../../catalog';
import type { Api } from '../route';
import { errorResponses, json } from '../route';
import { notFound } from '../errors';
import type { ApiDeps } from '../deps';
import { startRun } from '../runs/service';
import { RUN_STATUSES } from '../../shared/messages';

const codeParams = z.object({ code: z.string().min(1).openapi({ example: 'PM1.4.1' }) });

const procedureSchema = z
  .object({
    code: z.string(),
    name: z.string(),
    level1: z.object({ code: z.string(), name: z.string() }),
    level2: z.object({ code: z.string(), name: z.string() }),
    objective: z.string(),
    owner: z.array(z.string()),
    ownerFromManual: z.boolean(),
    starters: z.array(z.string()),
    indicators: z.array(z.object({ id: z.string(), name: z.string(), formula: z.string() })),
    workflowType: z.string(),
    executable: z.boolean(),
    pending: z.string().optional(),
    steps: z
      .array(
        z.object({
          key: z.string(),
          title: z.string(),
          role: z.string(),
          dueBusinessDays: z.number(),
          figures: z
            .array(z.object({ key: z.string(), label: z.string(), kind: z.enum(['count', 'hours', 'choice']), options: z.record(z.string(), z.string()).optional(), scale: z.boolean().optional() }))
            .optional()
            .describe("What the step's task must report in data.figures for the procedure's indicators"),
        }),
      )
      .optional(),
    manual: z.array(z.string()),
    inputSchema: z.record(z.string(), z.unknown()).describe('JSON Schema of the body that starts a run'),
  })
  .openapi('Procedure');

const startedRunSchema = z
  .object({ runId: z.string(), code: z.string(), centerId: z.string(), status: z.enum(RUN_STATUSES), startedAt: z.string() })
  .openapi('StartedRun');

function serialize(p: ProcedureDefinition) {
  return {
    code: p.code,
    name: p.name,
    level1: p.level1,
    level2: p.level2,
    objective: p.objective,
    owner: p.owner,
    ownerFromManual: p.ownerFromManual,
    starters: ['sscs', ...p.starters.filter((r) => r !== 'sscs')],
    indicators: p.indicators.map(({ id, name, formula }) => ({ id, name, formula })),
    workflowType: p.workflowType,
    executable: p.executable,
    ...(p.pending ? { pending: p.pending } : {}),
    ...(p.steps ? { steps: p.steps } : {}),
    manual: p.manual,
    inputSchema: z.toJSONSchema(p.inputSchema, { io: 'input' }),
  };
}

export function registerProcedures(api: Api, deps: ApiDeps): void {
  api.route({
    method: 'get',
    path: '/procedures',
    summary: 'The process catalog: every procedure of the process matrix (DESIGN §4)',
    tags: ['procedures'],
    responses: { 200: json(z.object({ procedures: z.array(procedureSchema) }), 'the catalog'), ...errorResponses(401) },
    handler: async () => ({ procedures: listProcedures().map(serialize) }),
  });

  api.route({
    method: 'get',
    path: '/procedures/{code}',
    summary: 'One procedure of the catalog',
    tags: ['procedures'],
    params: codeParams,
    responses: { 200: json(procedureSchema, 'the procedure'), ...errorResponses(401, 404) },
    handler: async ({ params }) => {
      const p = findProcedure(params.code);
      if (!p) throw notFound(`procedure ${params.code}`);
      return serialize(p);
    },
  });

  const idempotencyHeader = z.object({ 'idempotency-key': z.string().min(1).max(200).optional() });
  const runResponses = {
    201: json(startedRunSchema, 'the run started'),
    200: json(startedRunSchema, 'replay of an Idempotency-Key: the run the first request started'),
    ...errorResponses(400, 401, 403, 409),
  };
  // Each procedure's own door, documented with its input schema from the catalog (served by the
  // generic route below): clients and fuzzers see what each procedure's body must be.
  for (const p of listProcedures()) {
    api.document({
      method: 'post',
      path: `/procedures/${p.code}/runs`,
      summary: `Start a run of ${p.code} (${p.name})${p.executable ? '' : ' — not executable yet: 409'}`,
      tags: ['runs'],
      headers: idempotencyHeader,
      body: p.inputSchema,
      bodyDescription: `the input of ${p.code}, as its inputSchema (GET /procedures/${p.code})`,
      responses: runResponses,
    });
  }

  api.route({
    method: 'post',
    path: '/procedures/{code}/runs',
    summary: "Start a run of a procedure; the body follows the procedure's inputSchema. Idempotency-Key honoured.",
    tags: ['runs'],
    params: codeParams,
    headers: idempotencyHeader,
    body: z.record(z.string(), z.unknown()),
    bodyDescription: "the run's input, validated by the procedure's `inputSchema` (GET /procedures/{code}; each procedure's own path above shows it)",
    status: 201,
    responses: { ...runResponses, ...errorResponses(404) },
    handler: async ({ params, body, actor, req, res }) => {
      const p = findProcedure(params.code);
      if (!p) throw notFound(`procedure ${params.code}`);
      const key = req.header('idempotency-key');
      const { created, ...run } = await startRun(deps, p, body, { kind: 'staff', actor }, key);
      res
        .status(created ? 201 : 200)
        .location(`/api/v1/runs/${encodeURIComponent(run.runId)}`)
        .json(run satisfies z.infer<typeof startedRunSchema>);
      return undefined;
    },
  });
}
