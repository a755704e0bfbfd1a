/**
 * `npm run bench` (issue 8): the engine against Temporal itself, measured in the same run on
 * the same server. Starts its own embedded components on free loopback ports in a temp dir
 * (bench/stack.ts), the engine's worker, its API and a baseline worker as child processes, and
 * prints four tables of ratios plus what one claim costs in store operations and activities.
 * Not part of `npm test` or CI. Every loop is bounded in count and time; everything is on
 * 127.0.0.1. Progress goes to stderr, the report (markdown) to stdout and to `--out`.
 *
 *   npm run bench -- --claims 200 --open 1000          # a short run
 *   npm run bench -- --only 1,3 --register 200         # some tables only
 *
 * Options (each also from the environment as BENCH_<NAME>, e.g. BENCH_CLAIMS=200):
 *   --claims N        table 2: claims registered in one burst (default 1000)
 *   --open M          table 4: open claims at the second growth point (default 10000)
 *   --register R      table 1: registrations per measurement (API at 16, raw at 16, API at 32, at 64; default 400)
 *   --completions K   table 3: task completions each side, at --rate per second (default 600)
 *   --rate 20         table 3: completions per second
 *   --samples S       table 4: isolated claims per growth point (default 30); the per-claim counts use them
 *   --only 1,2,3,4    which tables (the per-claim counts always run)
 *   --phase-minutes T the time bound of every loop and every wait (default 30)
 *   --temporal-db memory|file  the dev server's SQLite in memory (default, as the tests) or in a
 *                     file (as `npm start`: measured 4–5× slower, and then Temporal caps both sides)
 *   --payload-codec on|off  the engine's worker and API seal payloads in history (default on, as
 *                     `npm start`) or not (off); the bench's own client never seals (it also
 *                     starts the no-op baseline, whose worker has no codec)
 *   --out FILE        also write the report there
 *   --keep            keep the temp dir (component logs, data)
 */
import os from 'node:os';
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { randomUUID } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { WorkflowIdReusePolicy } from '@temporalio/common';
import { findProcedure } from '../src/catalog';
import { parseConfig, settingsFromConfig } from '../src/config';
import { signToken } from '../src/api/auth';
import { connectModels, type Models } from '../src/db/models';
import { seedCenters } from '../src/db/seed';
import { CenterIdAttr, completeTaskUpdate, ProcedureCodeAttr, RunStatusAttr, type RunMeta } from '../src/shared/messages';
import type { Actor } from '../src/shared/roles';
import { TOOLS } from '../src/launcher/embedded';
import { closedLoop, fixedRate, http, median, percentile, until, type Timed } from './load';
import { BASELINE_TASK_QUEUE, ENGINE_TASK_QUEUE, cpuSeconds, rssBytes, startBenchStack, type BenchStack, type Child, type ChildStats } from './stack';

// ---------------------------------------------------------------------------------------------
// Options

const OPTION_DEFAULTS = { claims: 1000, open: 10_000, register: 400, completions: 600, rate: 20, samples: 30, 'phase-minutes': 30 } as const;
type NumericOption = keyof typeof OPTION_DEFAULTS;

function options() {
  const { values } = parseArgs({
    options: {
      ...Object.fromEntries(Object.keys(OPTION_DEFAULTS).map((k) => [k, { type: 'string' as const }])),
      only: { type: 'string' },
      out: { type: 'string' },
      'temporal-db': { type: 'string' },
      'payload-codec': { type: 'string' },
      keep: { type: 'boolean' },
    },
  });
  const env = (name: string) => process.env[`BENCH_${name.toUpperCase().replace(/-/g, '_')}`];
  const num = (name: NumericOption): number => {
    const raw = ((values as Record<string, unknown>)[name] as string | undefined) ?? env(name);
    const v = raw === undefined ? OPTION_DEFAULTS[name] : Number(raw);
    if (!Number.isFinite(v) || v <= 0) throw new Error(`--${name} must be a positive number, not ${raw}`);
    return v;
  };
  const only = new Set(((values.only as string | undefined) ?? env('only') ?? '1,2,3,4').split(',').map((s) => Number(s.trim())));
  for (const t of only) if (![1, 2, 3, 4].includes(t)) throw new Error(`--only takes tables 1 to 4, not ${t}`);
  return {
    claims: Math.floor(num('claims')),
    open: Math.floor(num('open')),
    register: Math.floor(num('register')),
    completions: Math.floor(num('completions')),
    rate: num('rate'),
    samples: Math.floor(num('samples')),
    phaseMs: num('phase-minutes') * 60_000,
    only,
    out: (values.out as string | undefined) ?? env('out'),
    temporalDb: temporalDb((values['temporal-db'] as string | undefined) ?? env('temporal-db') ?? 'memory'),
    payloadCodec: onOff('payload-codec', (values['payload-codec'] as string | undefined) ?? env('payload-codec') ?? 'on'),
    keep: Boolean(values.keep) || env('keep') === '1',
  };
}

function onOff(name: string, v: string): 'on' | 'off' {
  if (v !== 'on' && v !== 'off') throw new Error(`--${name} is on or off, not ${v}`);
  return v;
}

function temporalDb(v: string): 'file' | 'memory' {
  if (v !== 'file' && v !== 'memory') throw new Error(`--temporal-db is file or memory, not ${v}`);
  return v;
}

// ---------------------------------------------------------------------------------------------
// Report helpers

const started = Date.now();
const log = (m: string) => process.stderr.write(`[bench +${((Date.now() - started) / 1000).toFixed(0).padStart(4)}s] ${m}\n`);
const report: string[] = [];
const out = (line = '') => {
  report.push(line);
  process.stdout.write(`${line}\n`);
};
const table = (header: string[], rows: (string | number)[][]) => {
  out(`| ${header.join(' | ')} |`);
  out(`|${header.map(() => '---').join('|')}|`);
  for (const r of rows) out(`| ${r.join(' | ')} |`);
  out();
};
const f = (v: number, digits = 1) => (Number.isFinite(v) ? v.toFixed(digits) : '—');
const ratio = (a: number, b: number) => (Number.isFinite(a / b) && b > 0 ? `${(a / b).toFixed(2)}×` : '—');
const mb = (bytes: number | null) => (bytes === null ? '—' : `${(bytes / 1024 / 1024).toFixed(0)} MB`);
const statuses = (rs: Timed<unknown>[]) => {
  const by = new Map<string, number>();
  for (const r of rs) if (!r.ok) by.set(String(r.status ?? r.error ?? 'error').slice(0, 60), (by.get(String(r.status ?? r.error ?? 'error').slice(0, 60)) ?? 0) + 1);
  return [...by].map(([k, n]) => `${n}× ${k}`).join(', ');
};

// ---------------------------------------------------------------------------------------------
// The run

const CENTERS = ['lima-norte', 'callao', 'ventanilla', 'piura'];
/** Participating entities every seeded center has (src/db/seed.ts). */
const ENTITIES = ['reniec', 'sunarp', 'bn'];

async function main(): Promise<void> {
  const o = options();
  const config = parseConfig({ ...process.env, NODE_ENV: 'development' });
  const claimProcedure = findProcedure('PM1.4.2')!;
  const tag = randomUUID().slice(0, 6);
  const sign = (actor: Actor) => signToken(config.jwtSecret, actor, '24h');
  const orientador = sign({ sub: 'bench-orientador', role: 'orientador', centers: CENTERS });
  const sscs = sign({ sub: 'bench-sscs', role: 'sscs', centers: '*' });
  const entityActor = (entity: string): Actor => ({ sub: `bench-${entity}`, role: 'participant_entity', centers: CENTERS, entity });
  const entityTokens = Object.fromEntries(ENTITIES.map((e) => [e, sign(entityActor(e))]));

  let claimSeq = 0;
  /** A real claim body (PM1.4.2's input schema), over the four centers and three entities. */
  const claimBody = () => {
    const i = claimSeq++;
    return {
      centerId: CENTERS[i % CENTERS.length]!,
      citizen: { name: 'María Huamán Quispe', documentType: 'DNI', documentNumber: String(40_000_000 + i), email: `reclamo-${tag}-${i}@ciudadano.pe`, phone: '987654321' },
      entityId: ENTITIES[Math.floor(i / CENTERS.length) % ENTITIES.length]!,
      description: 'Me cobraron dos veces el trámite de duplicado de DNI en el módulo y no me dieron comprobante del segundo cobro.',
      request: 'Que se me devuelva el cobro duplicado y se revise el procedimiento de caja.',
    };
  };

  out(`# MAC process engine bench — ${new Date().toISOString()}`);
  out();
  const cpus = os.cpus();
  const version = (exe: string, args: string[]) => {
    try {
      return execFileSync(exe, args, { encoding: 'utf8', timeout: 10_000 }).split('\n')[0]!.trim();
    } catch {
      return 'unknown';
    }
  };
  table(
    ['machine', ''],
    [
      ['date', new Date().toISOString()],
      ['cores', `${cpus.length} × ${cpus[0]?.model ?? 'unknown'}`],
      ['memory', `${(os.totalmem() / 2 ** 30).toFixed(1)} GiB (free at start ${(os.freemem() / 2 ** 30).toFixed(1)} GiB)`],
      ['load average at start', os.loadavg().map((l) => l.toFixed(2)).join(' ')],
      ['os', `${os.type()} ${os.release()}`],
      ['node', process.version],
      ['temporal', version(path.join(TOOLS, 'bin', 'temporal'), ['--version'])],
      ['command', `npm run bench -- ${process.argv.slice(2).join(' ')}`.trim()],
      ['options', JSON.stringify({ ...o, only: [...o.only], phaseMs: undefined, phaseMinutes: o.phaseMs / 60_000 })],
    ],
  );

  log('starting embedded components and the engine (bundling workflows takes a while)');
  // The engine's processes (bench/engine.ts) read it from the environment they inherit.
  process.env.BENCH_PAYLOAD_CODEC = o.payloadCodec;
  const stack = await startBenchStack(log, o.temporalDb);
  const closeAll: (() => Promise<void>)[] = [];
  let interrupted = false;
  process.once('SIGINT', () => {
    interrupted = true;
    log('interrupted: stopping');
    void Promise.all(closeAll.map((c) => c().catch(() => undefined))).then(() => stack.close(o.keep).finally(() => process.exit(130)));
  });
  try {
    const models = await connectModels(stack.services.store.url, { embeddedPostgresUrl: stack.services.store.postgresUrl });
    closeAll.push(() => models.connection.close());
    await seedCenters(models);
    const connection = await Connection.connect({ address: stack.services.temporal.url });
    closeAll.push(() => connection.close());
    // Unsealed: the baseline worker has no codec, and this client starts its runs too.
    const client = new Client({ connection, namespace: 'default' });
    table(
      ['engine under test', ''],
      [
        ['document store', `${stack.services.store.name} (${stack.services.store.url})`],
        ['Temporal', `dev server ${stack.services.temporal.url}, ${o.temporalDb === 'file' ? 'SQLite file in the temp dir (as `npm start`)' : 'in-memory SQLite (as the tests)'}`],
        ['payload codec', o.payloadCodec === 'on' ? 'on: payloads sealed with AES-256-GCM in history (as `npm start`)' : 'off: payloads in clear (--payload-codec off)'],
        ['processes', `worker pid ${stack.worker.pid}, API pid ${stack.api.pid}, baseline worker pid ${stack.baseline.pid}: separate child processes (bench/engine.ts)`],
        ['worker RSS after start', mb(rssBytes(stack.worker.pid))],
      ],
    );

    const bench = new Bench(o, stack, models, client, {
      claimBody,
      orientador,
      sscs,
      entityTokens,
      entityActor,
      rawStart: async (i: number) => {
        const body = claimBody();
        const input = claimProcedure.inputSchema.parse(body) as { centerId: string };
        const runId = `HR-${input.centerId}-raw-${tag}-${i}`;
        const meta: RunMeta = { runId, code: claimProcedure.code, centerId: input.centerId, startedBy: { sub: 'bench-orientador', role: 'orientador' }, searchAttributes: true };
        await client.workflow.start(claimProcedure.workflowType, {
          taskQueue: ENGINE_TASK_QUEUE,
          workflowId: runId,
          workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
          args: [{ meta, input, settings: settingsFromConfig(config), terms: { ...claimProcedure.legalTerm!, remindBefore: config.CLAIM_REMINDER_DAYS, escalateEvery: config.CLAIM_ESCALATION_EVERY } }],
          typedSearchAttributes: [{ key: CenterIdAttr, value: input.centerId }, { key: ProcedureCodeAttr, value: claimProcedure.code }, { key: RunStatusAttr, value: 'running' }] as never,
        });
        return runId;
      },
      baselineStart: async (i: number) => {
        const body = claimBody();
        const input = claimProcedure.inputSchema.parse(body) as { centerId: string };
        const runId = `BL-${input.centerId}-${tag}-${i}`;
        const meta: RunMeta = { runId, code: claimProcedure.code, centerId: input.centerId, startedBy: { sub: 'bench-orientador', role: 'orientador' }, searchAttributes: true };
        await client.workflow.start('baselineClaimWorkflow', {
          taskQueue: BASELINE_TASK_QUEUE,
          workflowId: runId,
          args: [{ meta, input, settings: settingsFromConfig(config), terms: { ...claimProcedure.legalTerm!, remindBefore: config.CLAIM_REMINDER_DAYS, escalateEvery: config.CLAIM_ESCALATION_EVERY } }],
          typedSearchAttributes: [{ key: CenterIdAttr, value: input.centerId }, { key: ProcedureCodeAttr, value: claimProcedure.code }, { key: RunStatusAttr, value: 'running' }] as never,
        });
        return { runId, entityId: body.entityId };
      },
    });

    const empty = await bench.growthPoint(o.only.has(4) ? o.samples : Math.min(o.samples, 5), 'empty');
    await bench.perClaimCounts(empty);
    let t2: Awaited<ReturnType<Bench['table2']>> | undefined;
    if (o.only.has(1) && !interrupted) await bench.table1();
    if (o.only.has(2) && !interrupted) t2 = await bench.table2();
    if (o.only.has(3) && !interrupted) await bench.table3(t2);
    if (o.only.has(4) && !interrupted) await bench.table4(empty);
    out(`Total bench time: ${((Date.now() - started) / 60_000).toFixed(1)} min; load average at the end ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}. Component logs: ${stack.dir}/logs${o.keep ? '' : ' (removed; --keep to keep them)'}.`);
  } finally {
    if (!interrupted) {
      log('stopping');
      for (const c of closeAll.reverse()) await c().catch(() => undefined);
      await stack.close(o.keep);
    }
  }
  if (o.out) fs.writeFileSync(o.out, `${report.join('\n')}\n`);
}

// ---------------------------------------------------------------------------------------------

interface Helpers {
  claimBody: () => Record<string, any>;
  orientador: string;
  sscs: string;
  entityTokens: Record<string, string>;
  entityActor: (entity: string) => Actor;
  rawStart: (i: number) => Promise<string>;
  baselineStart: (i: number) => Promise<{ runId: string; entityId: string }>;
}

interface GrowthPoint {
  label: string;
  openClaims: number;
  registrationMs: number[];
  constanciaMs: number[];
  claimsListMs: number[];
  failures: string[];
  workerRss: number | null;
  /** The worker's JS heap after a full GC: what RSS holds beyond it is native (the SDK's core) or freed but not returned. */
  workerHeap?: number | null;
  apiRss: number | null;
  baselineRss: number | null;
  runIds: string[];
  /** Store operations of the isolated claims, per process, by collection.method. */
  ops: { api: Record<string, number>; worker: Record<string, number> };
}

/** Keys each worker reported sent (SMTP for the engine, no-op delivery for the baseline), with counts and times. */
class SentLog {
  readonly first = new Map<string, number>();
  readonly count = new Map<string, number>();
  private since = 0;
  constructor(private readonly child: Child) {}
  async poll(): Promise<void> {
    const s = await this.child.stats(this.since);
    this.since += s.sent.length;
    for (const [key, at] of s.sent) {
      if (!this.first.has(key)) this.first.set(key, at);
      this.count.set(key, (this.count.get(key) ?? 0) + 1);
    }
  }
  missing(keys: Iterable<string>): number {
    let n = 0;
    for (const k of keys) if (!this.first.has(k)) n++;
    return n;
  }
}

/** Store operations per request between two `stats`, and how many were numbering inserts (sequence_claims). */
function opsPerOk(before: ChildStats, after: ChildStats, results: Timed<unknown>[]): string {
  const n = results.length || 1;
  const d = (k?: string) => Object.entries(after.ops).reduce((a, [key, v]) => a + (k === undefined || key === k ? v - (before.ops[key] ?? 0) : 0), 0);
  return `${f(d() / n)} (${f(d('sequence_claims.insertOne') / n)})`;
}

const PROCESSES = ['temporal', 'store', 'maildev', 'worker', 'api', 'baseline', 'bench'] as const;

class Bench {
  private readonly engineSent: SentLog;
  private readonly baselineSent: SentLog;
  /** Constancia keys of every claim the engine acknowledged so far (API and raw starts). */
  private readonly acknowledged = new Set<string>();

  constructor(
    private readonly o: ReturnType<typeof options>,
    private readonly stack: BenchStack,
    private readonly models: Models,
    private readonly client: Client,
    private readonly h: Helpers,
  ) {
    this.engineSent = new SentLog(stack.worker);
    this.baselineSent = new SentLog(stack.baseline);
  }

  private deadline(): number {
    return Date.now() + this.o.phaseMs;
  }

  private pids(): Record<(typeof PROCESSES)[number], number> {
    const s = this.stack;
    return { temporal: s.services.temporal.child.pid!, store: s.services.store.child.pid!, maildev: s.services.mail.child.pid!, worker: s.worker.pid, api: s.api.pid, baseline: s.baseline.pid, bench: process.pid };
  }

  /** CPU seconds of each process between `begin()` and the call of what it returns. */
  private cpu(): () => { wallS: number; byProcess: Record<string, number> } {
    const pids = this.pids();
    const at = () => Object.fromEntries(PROCESSES.map((p) => [p, p === 'bench' ? (process.cpuUsage().user + process.cpuUsage().system) / 1e6 : (cpuSeconds(pids[p]) ?? NaN)]));
    const before = at();
    const t0 = performance.now();
    return () => {
      const after = at();
      return { wallS: (performance.now() - t0) / 1000, byProcess: Object.fromEntries(PROCESSES.map((p) => [p, after[p]! - before[p]!])) };
    };
  }

  private printCpu(title: string, c: { wallS: number; byProcess: Record<string, number> }) {
    const cores = os.cpus().length;
    out(`CPU during ${title} (${f(c.wallS)} s wall, ${cores} cores = ${f(c.wallS * cores)} core-seconds available):`);
    out();
    table(
      ['process', ...PROCESSES],
      [
        ['CPU s', ...PROCESSES.map((p) => f(c.byProcess[p]!))],
        ['% of one core', ...PROCESSES.map((p) => `${f((100 * c.byProcess[p]!) / c.wallS, 0)}%`)],
      ],
    );
  }

  /** Registers one claim through the API; the run id on success. */
  private async register(): Promise<{ ok: boolean; status: number; value?: string }> {
    const r = await http(`${this.stack.apiUrl}/api/v1/procedures/PM1.4.2/runs`, { method: 'POST', token: this.h.orientador, body: this.h.claimBody() });
    if (r.ok) this.acknowledged.add(`${r.value.runId}:constancia`);
    return { ok: r.ok, status: r.status, value: r.ok ? (r.value.runId as string) : undefined };
  }

  /** Waits until every acknowledged claim's constancia was handed to SMTP (bounded); returns the backlog left. */
  private async drain(what: string): Promise<number> {
    const deadline = this.deadline();
    await until(
      async () => {
        await this.engineSent.poll();
        return this.engineSent.missing(this.acknowledged) === 0;
      },
      deadline,
      500,
    );
    const left = this.engineSent.missing(this.acknowledged);
    if (left) log(`${what}: ${left} constancias still unsent after ${this.o.phaseMs / 60_000} min; going on`);
    return left;
  }

  /** Polls the outbox until `keys` are `sent` (bounded); their sentAt by key. */
  private async outboxSent(keys: string[], deadline: number): Promise<Map<string, Date>> {
    const sent = new Map<string, Date>();
    await until(
      async () => {
        const pending = keys.filter((k) => !sent.has(k));
        for (let i = 0; i < pending.length; i += 500) {
          const docs = await this.models.Outbox.find({ _id: { $in: pending.slice(i, i + 500) }, status: 'sent' }, { sentAt: 1 }).lean();
          for (const d of docs) sent.set(d._id, d.sentAt!);
        }
        return sent.size === keys.length;
      },
      deadline,
      100,
    );
    return sent;
  }

  private async getClaims(n: number): Promise<number[]> {
    const ms: number[] = [];
    for (let i = 0; i < n; i++) {
      const t0 = performance.now();
      const r = await http(`${this.stack.apiUrl}/api/v1/claims`, { token: this.h.sscs });
      if (!r.ok) throw new Error(`GET /api/v1/claims answered ${r.status}: ${JSON.stringify(r.value).slice(0, 200)}`);
      ms.push(performance.now() - t0);
    }
    return ms;
  }

  /**
   * A growth point: GET /claims ×10, then `samples` isolated claims, one at a time: registration
   * latency, and registration → outbox `sent` of its constancia (the worker otherwise idle).
   */
  async growthPoint(samples: number, label: string): Promise<GrowthPoint> {
    await this.drain(`before the ${label} growth point`);
    const openClaims = await this.models.Claim.countDocuments({ status: 'open' });
    log(`growth point "${label}": ${openClaims} open claims; GET /claims ×10, then ${samples} isolated claims`);
    const claimsListMs = await this.getClaims(10);
    const [api0, worker0] = await Promise.all([this.stack.api.stats(1e9), this.stack.worker.stats(1e9)]);
    const p: GrowthPoint = { label, openClaims, registrationMs: [], constanciaMs: [], claimsListMs, failures: [], workerRss: null, apiRss: null, baselineRss: null, runIds: [], ops: { api: {}, worker: {} } };
    const deadline = this.deadline();
    for (let i = 0; i < samples && Date.now() < deadline; i++) {
      const t0 = Date.now();
      const p0 = performance.now();
      const r = await this.register().catch((err: Error) => ({ ok: false, status: 0, value: err.message }));
      p.registrationMs.push(performance.now() - p0);
      if (!r.ok) {
        p.failures.push(String(r.status || r.value));
        continue;
      }
      const key = `${r.value}:constancia`;
      const sentAt = await this.outboxSent([key], Math.min(deadline, Date.now() + 300_000));
      if (!sentAt.has(key)) {
        p.failures.push(`constancia of ${r.value} not sent within 5 min`);
        continue;
      }
      p.runIds.push(r.value!);
      p.constanciaMs.push(sentAt.get(key)!.getTime() - t0);
    }
    // The last claim's first task is recorded right after its constancia: let it land before counting.
    await new Promise((r) => setTimeout(r, 1000));
    const [api1, worker1] = await Promise.all([this.stack.api.stats(1e9), this.stack.worker.stats(1e9)]);
    const diff = (a: Record<string, number>, b: Record<string, number>) => Object.fromEntries(Object.entries(b).map(([k, v]) => [k, v - (a[k] ?? 0)]).filter(([, v]) => (v as number) > 0));
    p.ops = { api: diff(api0.ops, api1.ops), worker: diff(worker0.ops, worker1.ops) };
    p.workerRss = rssBytes(this.stack.worker.pid);
    p.workerHeap = await this.stack.worker.heapAfterGc().catch(() => null);
    p.apiRss = rssBytes(this.stack.api.pid);
    p.baselineRss = rssBytes(this.stack.baseline.pid);
    log(`growth point "${label}": registration p50 ${f(median(p.registrationMs))} ms, constancia p50 ${f(median(p.constanciaMs))} ms, GET /claims p50 ${f(median(claimsListMs))} ms, worker RSS ${mb(p.workerRss)}, JS heap after GC ${mb(p.workerHeap ?? null)}`);
    return p;
  }

  /** What one claim costs, registration → constancia sent: store operations and Temporal activities. */
  async perClaimCounts(p: GrowthPoint): Promise<void> {
    const n = p.runIds.length;
    out(`## What one claim costs (registration → constancia sent)`);
    out();
    if (!n) {
      out(`No isolated claim completed (${p.failures.join('; ')}).`);
      out();
      return;
    }
    const keys = [...new Set([...Object.keys(p.ops.api), ...Object.keys(p.ops.worker)])].sort();
    const total = (o: Record<string, number>) => Object.values(o).reduce((a, b) => a + b, 0);
    out(`Store operations (mongoose calls, counted by its debug hook in each process; a cursor's extra batches not included), averaged over ${n} claims registered one at a time on an otherwise idle engine:`);
    out();
    table(
      ['collection.operation', 'API', 'worker'],
      [...keys.map((k) => [k, f((p.ops.api[k] ?? 0) / n), f((p.ops.worker[k] ?? 0) / n)]), ['**total**', `**${f(total(p.ops.api) / n)}**`, `**${f(total(p.ops.worker) / n)}**`]],
    );
    const runId = p.runIds[0]!;
    const history = await this.client.workflow.getHandle(runId).fetchHistory();
    const events = history.events ?? [];
    const scheduled = new Map<number, string>();
    let deliveredAt = -1;
    for (const e of events) {
      const id = Number(e.eventId);
      if (e.activityTaskScheduledEventAttributes) scheduled.set(id, e.activityTaskScheduledEventAttributes.activityType?.name ?? '?');
      if (e.activityTaskCompletedEventAttributes && scheduled.get(Number(e.activityTaskCompletedEventAttributes.scheduledEventId)) === 'deliverEmail' && deliveredAt < 0) deliveredAt = id;
    }
    const upTo = events.filter((e) => deliveredAt < 0 || Number(e.eventId) <= deliveredAt);
    const acts = [...scheduled].filter(([id]) => deliveredAt < 0 || id < deliveredAt).map(([, name]) => name);
    const count = (key: keyof (typeof events)[number]) => upTo.filter((e) => e[key]).length;
    out(`Temporal, from the history of ${runId} up to the completion of the constancia's deliverEmail:`);
    out();
    table(
      ['', ''],
      [
        ['activities', `${acts.length}: ${acts.join(' → ')}`],
        ['workflow tasks', count('workflowTaskCompletedEventAttributes')],
        ['timers started', count('timerStartedEventAttributes')],
        ['history events', upTo.length],
        ['whole history so far (claim waiting on its first task)', `${events.length} events`],
      ],
    );
  }

  /** Table 1: registrations/s through the API vs raw client.workflow.start, both at 16 in flight. */
  async table1(): Promise<void> {
    const R = this.o.register;
    log(`table 1: ${R} registrations through the API at 16 concurrent`);
    const backlogApi = await this.drain('before table 1 (API)');
    let cpu = this.cpu();
    let ops0 = await this.stack.api.stats(1e9);
    const api16 = await closedLoop(R, 16, this.deadline(), () => this.register());
    const cpuApi = cpu();
    const apiOps16 = opsPerOk(ops0, await this.stack.api.stats(1e9), api16.results);
    log(`table 1: API ${api16.results.filter((r) => r.ok).length}/${api16.results.length} ok in ${f(api16.elapsedMs / 1000)} s; draining`);
    const backlogRaw = await this.drain('before table 1 (raw)');
    log(`table 1: ${R} raw client.workflow.start at 16 concurrent`);
    cpu = this.cpu();
    const raw16 = await closedLoop(R, 16, this.deadline(), async (i) => {
      const runId = await this.h.rawStart(i);
      this.acknowledged.add(`${runId}:constancia`);
      return { ok: true };
    });
    const cpuRaw = cpu();
    const more: { c: number; r: Awaited<ReturnType<typeof closedLoop>>; backlog: number; ops: string }[] = [];
    for (const c of [32, 64]) {
      const backlog = await this.drain(`before table 1 (API at ${c})`);
      log(`table 1: ${R} registrations through the API at ${c} concurrent`);
      ops0 = await this.stack.api.stats(1e9);
      const r = await closedLoop(R, c, this.deadline(), () => this.register());
      more.push({ c, r, backlog, ops: opsPerOk(ops0, await this.stack.api.stats(1e9), r.results) });
    }
    const rate = (r: { results: Timed<unknown>[]; elapsedMs: number }) => r.results.filter((x) => x.ok).length / (r.elapsedMs / 1000);
    const okMs = (r: { results: Timed<unknown>[] }) => r.results.filter((x) => x.ok).map((x) => x.ms);
    const non2xx = (r: { results: Timed<unknown>[] }) => r.results.filter((x) => !x.ok).length;
    out(`## 1. Registrations through the API vs raw \`client.workflow.start\``);
    out();
    out(`\`POST /api/v1/procedures/PM1.4.2/runs\` with real claim bodies (four centers, three entities), against \`client.workflow.start('${findProcedure('PM1.4.2')!.workflowType}')\` with the same input on the same task queue (so the worker does the same work behind both). Before each measurement the worker is let finish the constancias of the claims before it.`);
    out();
    table(
      ['measure', 'API', 'raw Temporal', 'ratio', 'target'],
      [
        ['registrations/s at 16 concurrent', f(rate(api16)), f(rate(raw16)), ratio(rate(api16), rate(raw16)), '≥ 0.8×'],
        ['latency p50 / p99 at 16 (ms)', `${f(median(okMs(api16)))} / ${f(percentile(okMs(api16), 99))}`, `${f(median(okMs(raw16)))} / ${f(percentile(okMs(raw16), 99))}`, '', ''],
        ['requests (non-2xx) at 16', `${api16.results.length} (${non2xx(api16)}${non2xx(api16) ? `: ${statuses(api16.results)}` : ''})`, `${raw16.results.length} (${non2xx(raw16)}${non2xx(raw16) ? `: ${statuses(raw16.results)}` : ''})`, '', '0'],
        ...more.map(({ c, r }) => [
          `non-2xx at ${c} concurrent`,
          `${non2xx(r)} of ${r.results.length}${non2xx(r) ? ` (${statuses(r.results)})` : ''}; ${f(rate(r))} ok/s, p99 ${f(percentile(okMs(r), 99), 0)} ms`,
          '',
          '',
          '0',
        ]),
        [`API store operations per request at 16${more.map((m) => ` / ${m.c}`).join('')} (numbering inserts)`, [apiOps16, ...more.map((m) => m.ops)].join(' / '), '0', '', ''],
      ],
    );
    const cut = [api16, raw16, ...more.map((m) => m.r)].some((r) => r.cutByTime);
    const backlogs = [backlogApi, backlogRaw, ...more.map((m) => m.backlog)];
    if (cut || backlogs.some((b) => b > 0)) out(`Note: ${cut ? 'a loop was cut by the time bound; ' : ''}constancias still unsent at the start of each measurement (API 16, raw 16, API 32, API 64): ${backlogs.join(', ')}.`);
    out();
    this.printCpu('table 1, API at 16', cpuApi);
    this.printCpu('table 1, raw starts at 16', cpuRaw);
  }

  /** Table 2: N claims in one burst → all constancias sent, against the no-op baseline. */
  async table2(): Promise<{ engineRuns: { runId: string; entityId: string }[]; baselineRuns: { runId: string; entityId: string }[] }> {
    const N = this.o.claims;
    await this.drain('before table 2');
    log(`table 2: ${N} claims through the API in one burst (16 in flight), until every constancia is sent`);
    let cpu = this.cpu();
    const t0 = Date.now();
    const entities = new Map<string, string>();
    const burst = await closedLoop(N, 16, this.deadline(), async () => {
      const body = this.h.claimBody();
      const r = await http(`${this.stack.apiUrl}/api/v1/procedures/PM1.4.2/runs`, { method: 'POST', token: this.h.orientador, body });
      if (r.ok) {
        this.acknowledged.add(`${r.value.runId}:constancia`);
        entities.set(r.value.runId, body.entityId);
      }
      return { ok: r.ok, status: r.status, value: r.ok ? (r.value.runId as string) : undefined };
    });
    const burstS = (Date.now() - t0) / 1000;
    const runIds = burst.results.filter((r) => r.ok).map((r) => r.value as string);
    const keys = runIds.map((id) => `${id}:constancia`);
    log(`table 2: ${runIds.length}/${burst.results.length} acknowledged in ${f(burstS)} s; waiting for the constancias`);
    const deadline = this.deadline();
    await until(
      async () => {
        await this.engineSent.poll();
        return this.engineSent.missing(keys) === 0;
      },
      deadline,
      500,
    );
    const sentAt = await this.outboxSent(keys, Math.min(deadline, Date.now() + 60_000));
    const engineCpu = cpu();
    const lastSent = Math.max(...[...sentAt.values()].map((d) => d.getTime()));
    const engineRate = sentAt.size ? sentAt.size / ((lastSent - t0) / 1000) : NaN;
    const smtpTwice = keys.filter((k) => (this.engineSent.count.get(k) ?? 0) > 1).length;
    const mailCount = await this.mailDevCounts();
    const inboxTwice = [...mailCount.values()].filter((n) => n > 1).length;
    const inboxOfBurst = keys.length ? (await this.citizenEmails(runIds)).map((e) => mailCount.get(e) ?? 0) : [];
    const inboxMissing = inboxOfBurst.filter((n) => n === 0).length;

    log(`table 2: baseline: ${N} raw starts of the no-op workflow (16 in flight), until every no-op delivery ran`);
    cpu = this.cpu();
    const b0 = Date.now();
    const baselineRuns: { runId: string; entityId: string }[] = [];
    const bBurst = await closedLoop(N, 16, this.deadline(), async (i) => {
      baselineRuns.push(await this.h.baselineStart(i));
      return { ok: true };
    });
    const bKeys = baselineRuns.map((r) => `${r.runId}:constancia`);
    await until(
      async () => {
        await this.baselineSent.poll();
        return this.baselineSent.missing(bKeys) === 0;
      },
      this.deadline(),
      200,
    );
    const baselineCpu = cpu();
    const bDone = bKeys.filter((k) => this.baselineSent.first.has(k));
    const bLast = Math.max(...bDone.map((k) => this.baselineSent.first.get(k)!));
    const baselineRate = bDone.length ? bDone.length / ((bLast - b0) / 1000) : NaN;

    out(`## 2. End to end: ${N} claims in one burst → every constancia sent`);
    out();
    out(`Registered through the API, 16 in flight; the clock stops at the last outbox \`sentAt\`. Baseline: \`baselineClaimWorkflow\` (bench/baseline: the claim's activities in the same order, each a no-op) started raw at 16 in flight on its own task queue and worker process; its clock stops at the last no-op \`deliverEmail\`.`);
    out();
    table(
      ['measure', 'engine', 'baseline', 'ratio', 'target'],
      [
        ['claims/s, burst start → last constancia sent', f(engineRate, 2), f(baselineRate, 2), ratio(engineRate, baselineRate), '≥ 0.5×'],
        ['burst: requests acknowledged (2xx) / sent', `${runIds.length} / ${burst.results.length}${burst.results.length - runIds.length ? ` (${statuses(burst.results)})` : ''}`, `${bBurst.results.filter((r) => r.ok).length} / ${bBurst.results.length}`, '', `all ${N}`],
        ['time to acknowledge the burst (s)', f(burstS), f(bBurst.elapsedMs / 1000), '', ''],
        ['time to the last constancia (s)', f((lastSent - t0) / 1000), f((bLast - b0) / 1000), '', ''],
        ['acknowledged but constancia not `sent` (lost)', `${keys.length - sentAt.size}`, `${bKeys.length - bDone.length}`, '', '0'],
        ['emailed twice: SMTP sends per key > 1 / MailDev messages per citizen > 1', `${smtpTwice} / ${inboxOfBurst.filter((n) => n > 1).length}`, '', '', '0'],
        ['acknowledged with no message in MailDev', `${inboxMissing}`, '', '', '0'],
      ],
    );
    if (inboxTwice) out(`MailDev holds ${inboxTwice} addresses with more than one message across the whole run.`);
    if (burst.cutByTime || bBurst.cutByTime) out(`Note: a burst was cut by the time bound.`);
    out();
    this.printCpu('table 2, engine', engineCpu);
    this.printCpu('table 2, baseline', baselineCpu);
    return { engineRuns: runIds.map((runId) => ({ runId, entityId: entities.get(runId)! })), baselineRuns };
  }

  private async citizenEmails(runIds: string[]): Promise<string[]> {
    const claims = await this.models.Claim.find({ _id: { $in: runIds } }, { 'citizen.email': 1 }).lean();
    return claims.map((c) => (c.citizen?.email ?? '').toLowerCase());
  }

  /** Messages per recipient address in MailDev (its REST API, on loopback). */
  private async mailDevCounts(): Promise<Map<string, number>> {
    const url = new URL('/email', this.stack.services.mail.webUrl);
    if (url.hostname !== '127.0.0.1') throw new Error('MailDev must be on 127.0.0.1');
    const res = await fetch(url, { signal: AbortSignal.timeout(120_000) });
    const mails = (await res.json()) as { to: { address: string }[] }[];
    const count = new Map<string, number>();
    for (const m of mails) for (const t of m.to) count.set(t.address.toLowerCase(), (count.get(t.address.toLowerCase()) ?? 0) + 1);
    return count;
  }

  /** Table 3: task completion latency through the API at a fixed rate vs a raw executeUpdate round trip. */
  async table3(t2?: { engineRuns: { runId: string; entityId: string }[]; baselineRuns: { runId: string; entityId: string }[] }): Promise<void> {
    const K = this.o.completions;
    let engineRuns = t2?.engineRuns ?? [];
    let baselineRuns = t2?.baselineRuns ?? [];
    if (engineRuns.length < K) {
      const more = K - engineRuns.length;
      log(`table 3: registering ${more} claims and starting ${more} baseline runs for their tasks`);
      const r = await closedLoop(more, 16, this.deadline(), async () => {
        const body = this.h.claimBody();
        const res = await http(`${this.stack.apiUrl}/api/v1/procedures/PM1.4.2/runs`, { method: 'POST', token: this.h.orientador, body });
        if (res.ok) {
          this.acknowledged.add(`${res.value.runId}:constancia`);
          engineRuns.push({ runId: res.value.runId, entityId: body.entityId });
        }
        return { ok: res.ok, status: res.status };
      });
      void r;
    }
    if (baselineRuns.length < K) {
      const from = baselineRuns.length;
      await closedLoop(K - from, 16, this.deadline(), async (i) => {
        baselineRuns.push(await this.h.baselineStart(1_000_000 + from + i));
        return { ok: true };
      });
    }
    await this.drain('before table 3');
    // A baseline run's first task is open once its constancia's no-op delivery ran (the same
    // workflow task schedules both): wait for that, as the engine's tasks wait in the inbox.
    const baselineKeys = baselineRuns.slice(0, K).map((r) => `${r.runId}:constancia`);
    await until(
      async () => {
        await this.baselineSent.poll();
        return this.baselineSent.missing(baselineKeys) === 0;
      },
      this.deadline(),
      200,
    );
    baselineRuns = baselineRuns.filter((r) => this.baselineSent.first.has(`${r.runId}:constancia`));
    // Tasks the inbox shows open (the API looks a task up there before its update).
    const taskIds = engineRuns.map((r) => `${r.runId}:investigate-1`);
    const open = new Set<string>();
    for (let i = 0; i < taskIds.length; i += 500) {
      for (const t of await this.models.Task.find({ _id: { $in: taskIds.slice(i, i + 500) }, status: 'open' }, { _id: 1 }).lean()) open.add(t._id);
    }
    engineRuns = engineRuns.filter((r) => open.has(`${r.runId}:investigate-1`)).slice(0, K);
    baselineRuns = baselineRuns.slice(0, K);
    const data = { findings: 'Se verificó el doble cobro en el sistema de caja del módulo.', decision: 'accepted', answer: 'Se procederá a la devolución del cobro duplicado en un plazo de cinco días hábiles.' };

    log(`table 3: ${engineRuns.length} completions through the API at ${this.o.rate}/s`);
    let cpu = this.cpu();
    const api = await fixedRate(engineRuns.length, this.o.rate, this.deadline(), 500, async (i) => {
      const run = engineRuns[i]!;
      const r = await http(`${this.stack.apiUrl}/api/v1/tasks/${encodeURIComponent(`${run.runId}:investigate-1`)}/complete`, { method: 'POST', token: this.h.entityTokens[run.entityId]!, body: { data } });
      return { ok: r.ok, status: r.status };
    });
    const apiCpu = cpu();
    log(`table 3: ${baselineRuns.length} raw executeUpdate on the baseline at ${this.o.rate}/s`);
    cpu = this.cpu();
    const raw = await fixedRate(baselineRuns.length, this.o.rate, this.deadline(), 500, async (i) => {
      const run = baselineRuns[i]!;
      const taskId = `${run.runId}:investigate-1`;
      await this.client.workflow.getHandle(run.runId).executeUpdate(completeTaskUpdate, { updateId: `complete:${taskId}`, args: [{ taskId, actor: this.h.entityActor(run.entityId), data }] });
      return { ok: true };
    });
    const rawCpu = cpu();
    const ms = (r: { results: Timed<unknown>[] }) => r.results.filter((x) => x.ok).map((x) => x.ms);
    out(`## 3. Task completion latency at ${this.o.rate}/s`);
    out();
    out(`\`POST /api/v1/tasks/{id}/complete\` of claims' first task (investigate_claim, by the entity's contact), one every ${f(1000 / this.o.rate, 0)} ms whatever the answers (open loop), against \`executeUpdate(completeTask)\` on baseline runs at the same rate.`);
    out();
    table(
      ['measure', 'API', 'raw executeUpdate', 'ratio', 'target'],
      [
        ['p50 (ms)', f(median(ms(api))), f(median(ms(raw))), ratio(median(ms(api)), median(ms(raw))), ''],
        ['p99 (ms)', f(percentile(ms(api), 99)), f(percentile(ms(raw), 99)), ratio(percentile(ms(api), 99), percentile(ms(raw), 99)), 'API ≤ 100 ms'],
        ['max (ms)', f(Math.max(...ms(api))), f(Math.max(...ms(raw))), '', ''],
        ['completions ok / made', `${ms(api).length} / ${api.results.length}${api.results.length - ms(api).length ? ` (${statuses(api.results)})` : ''}`, `${ms(raw).length} / ${raw.results.length}${raw.results.length - ms(raw).length ? ` (${statuses(raw.results)})` : ''}`, '', ''],
        ['not made (too many in flight)', api.skipped, raw.skipped, '', '0'],
      ],
    );
    this.printCpu('table 3, API', apiCpu);
    this.printCpu('table 3, raw updates', rawCpu);
  }

  /** Table 4: fills the store to M open claims through the API, then measures the growth point again. */
  async table4(empty: GrowthPoint): Promise<void> {
    const M = this.o.open;
    await this.drain('before filling for table 4');
    const have = await this.models.Claim.countDocuments({ status: 'open' });
    const need = Math.max(0, M - have);
    log(`table 4: ${have} open claims; registering ${need} more through the API (16 in flight)`);
    let done = 0;
    const progress = setInterval(() => log(`table 4: ${done}/${need} registered`), 30_000);
    const fill = await closedLoop(need, 16, this.deadline(), async () => {
      const r = await this.register().catch((err: Error) => ({ ok: false, status: 0, value: err.message }));
      done++;
      return r;
    }).finally(() => clearInterval(progress));
    log(`table 4: fill: ${fill.results.filter((r) => r.ok).length}/${fill.results.length} acknowledged in ${f(fill.elapsedMs / 1000)} s`);
    const full = await this.growthPoint(this.o.samples, `filled to ${M} open`);
    out(`## 4. Growth: empty store vs ${full.openClaims} open claims`);
    out();
    out(`Each point: \`GET /api/v1/claims\` (SSCS, all centers, default limit 200) ten times, then ${this.o.samples} claims registered one at a time, each waited for until its constancia is \`sent\` (an otherwise idle engine). The open claims were created through the same API (16 in flight; ${fill.results.filter((r) => !r.ok).length} of ${fill.results.length} fill requests failed${fill.cutByTime ? ', cut by the time bound' : ''}).`);
    out();
    table(
      ['measure', `at ${empty.openClaims} open claims`, `at ${full.openClaims} open claims`, 'ratio', 'target'],
      [
        ['registration p50 (ms)', f(median(empty.registrationMs)), f(median(full.registrationMs)), ratio(median(full.registrationMs), median(empty.registrationMs)), '≤ 1.3×'],
        ['constancia p50, registration → outbox sent (ms)', f(median(empty.constanciaMs)), f(median(full.constanciaMs)), ratio(median(full.constanciaMs), median(empty.constanciaMs)), '≤ 1.3×'],
        ['GET /api/v1/claims p50 (ms)', f(median(empty.claimsListMs)), f(median(full.claimsListMs)), ratio(median(full.claimsListMs), median(empty.claimsListMs)), ''],
        ['worker RSS', mb(empty.workerRss), mb(full.workerRss), '', '< 500 MB'],
        ['worker JS heap after a full GC', mb(empty.workerHeap ?? null), mb(full.workerHeap ?? null), '', ''],
        ['baseline worker RSS (same SDK defaults, no-op activities)', mb(empty.baselineRss), mb(full.baselineRss), '', ''],
        ['API RSS', mb(empty.apiRss), mb(full.apiRss), '', ''],
        ['isolated claims that failed', empty.failures.length ? `${empty.failures.length}: ${empty.failures.slice(0, 3).join('; ')}` : '0', full.failures.length ? `${full.failures.length}: ${full.failures.slice(0, 3).join('; ')}` : '0', '', '0'],
      ],
    );
  }
}

main().catch((err) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
  process.exit(1);
});
