import { z } from 'zod';
import type { Api } from '../route';
import { json } from '../route';
import type { ApiDeps } from '../deps';

const TIMEOUT_MS = 3000;

async function probe(check: () => Promise<unknown>): Promise<{ ok: boolean; error?: string }> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([check(), new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer in ${TIMEOUT_MS} ms`)), TIMEOUT_MS)))]);
    return { ok: true };
  } catch (err) {
    return { ok: false, error: (err as Error).message };
  } finally {
    clearTimeout(timer);
  }
}

const componentSchema = z.object({ ok: z.boolean(), error: z.string().optional() });
const healthSchema = z.object({ status: z.enum(['ok', 'degraded']), components: z.record(z.string(), componentSchema) }).openapi('Health');

/**
 * Liveness and readiness (DESIGN §6), apart: `/health/live` says the process answers (restart it
 * if not); `/health/ready` (and `/health`, as before) says whether it can serve, i.e. whether
 * Temporal, the document store and SMTP answer (take it out of rotation while not, but do not
 * restart it: it recovers by itself when they are back).
 */
export function registerHealth(api: Api, deps: ApiDeps): void {
  api.route({
    method: 'get',
    path: '/health/live',
    summary: 'Liveness: the API process answers (no auth, no component checked)',
    tags: ['health'],
    auth: false,
    responses: { 200: json(z.object({ status: z.literal('ok') }).openapi('Liveness'), 'the process is alive') },
    handler: async () => ({ status: 'ok' as const }),
  });

  const ready = async ({ res }: { res: import('express').Response }) => {
    const [temporal, mongodb, smtp] = await Promise.all([
      probe(() => deps.temporal.workflowService.getSystemInfo({})),
      probe(() => deps.models.connection.db!.admin().ping()),
      probe(() => deps.mailer.verify()),
    ]);
    const components = { api: { ok: true }, temporal, mongodb, smtp };
    const ok = Object.values(components).every((c) => c.ok);
    res.status(ok ? 200 : 503).json({ status: ok ? 'ok' : 'degraded', components, ...(deps.links ? { links: deps.links } : {}) });
    return undefined;
  };
  for (const path of ['/health/ready', '/health']) {
    api.route({
      method: 'get',
      path,
      summary: `Readiness${path === '/health' ? ' (same as /health/ready)' : ''}: API, Temporal, MongoDB and SMTP (no auth); 503 if any is down`,
      tags: ['health'],
      auth: false,
      responses: { 200: json(healthSchema, 'every component is ok'), 503: json(healthSchema, 'some component is down') },
      handler: ready,
    });
  }
}
