/**
 * The bench's own engine: the embedded components of src/launcher/embedded.ts on free loopback
 * ports in a temp dir, and three child processes wired like `npm start` (bench/engine.ts):
 * the engine's worker, the API, and the baseline worker (a no-op workflow of the same shape on
 * its own task queue and bundle). Children, not threads: each process's RSS and CPU are its own.
 */
import { fork, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort, startDocumentStore, startMailDev, startTemporal, type DocumentStore, type EmbeddedService } from '../src/launcher/embedded';

/**
 * The document store under test, as `npm start` runs it: FerretDB on PostgreSQL, commits synced
 * to disk (`durable`). Its GIN indexes are created by the bench's own connection (bench/index.ts).
 */
export const startStore = async (o: { port: number; dataDir: string; logDir: string }): Promise<DocumentStore> =>
  startDocumentStore({ ...o, postgresPort: await freePort(), durable: true });

export const ENGINE_TASK_QUEUE = 'mac-engine';
export const BASELINE_TASK_QUEUE = 'bench-baseline';

export type Role = 'worker' | 'api' | 'baseline';

/** What a child answers to `stats`. */
export interface ChildStats {
  /** Store operations by `collection.method` (mongoose debug hook), since the child started. */
  ops: Record<string, number>;
  /** Emails handed to SMTP (worker) or no-op deliveries (baseline), by outbox key: [key, ms epoch]. */
  sent: [string, number][];
  heapUsed: number;
}

/** A child process of the bench, spoken to over IPC (request/answer by id). */
export class Child {
  private nextId = 0;
  private readonly pending = new Map<number, { resolve: (v: any) => void; reject: (e: Error) => void }>();
  readonly ready: Promise<{ port?: number }>;

  constructor(
    readonly role: Role,
    readonly proc: ChildProcess,
    readonly logFile: string,
  ) {
    this.ready = new Promise((resolve, reject) => {
      proc.on('message', (m: any) => {
        if (m?.type === 'ready') resolve(m);
        else if (m?.type === 'failed') reject(new Error(`${role} failed to start: ${m.error}; see ${logFile}`));
        else if (typeof m?.id === 'number') {
          const p = this.pending.get(m.id);
          this.pending.delete(m.id);
          if (m.error) p?.reject(new Error(m.error));
          else p?.resolve(m.data);
        }
      });
      proc.once('exit', (code, signal) => {
        const err = new Error(`${role} exited (${signal ?? code}); see ${logFile}`);
        reject(err);
        for (const p of this.pending.values()) p.reject(err);
        this.pending.clear();
      });
    });
    this.ready.catch(() => undefined);
  }

  get pid(): number {
    return this.proc.pid!;
  }

  request<T>(cmd: string, args: Record<string, unknown> = {}, timeoutMs = 30_000): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`${this.role}: no answer to ${cmd} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, {
        resolve: (v) => (clearTimeout(timer), resolve(v)),
        reject: (e) => (clearTimeout(timer), reject(e)),
      });
      this.proc.send({ id, cmd, ...args });
    });
  }

  stats(since = 0): Promise<ChildStats> {
    return this.request<ChildStats>('stats', { since });
  }

  /** The process's JS heap in use (bytes) right after a full garbage collection: what it really holds. */
  heapAfterGc(): Promise<number> {
    return this.request<number>('heapAfterGc', {}, 60_000);
  }

  /** Drains the worker (or closes the API) and waits for the exit; SIGKILL after `graceMs`. */
  async stop(graceMs = 20_000): Promise<void> {
    if (this.proc.exitCode !== null || this.proc.signalCode !== null) return;
    const exited = new Promise<void>((r) => this.proc.once('exit', () => r()));
    const timer = setTimeout(() => this.proc.kill('SIGKILL'), graceMs);
    this.proc.send({ id: -1, cmd: 'stop' });
    await exited;
    clearTimeout(timer);
  }
}

export interface BenchStack {
  dir: string;
  services: { temporal: EmbeddedService; store: DocumentStore; mail: EmbeddedService };
  worker: Child;
  api: Child;
  baseline: Child;
  apiUrl: string;
  close(keep: boolean): Promise<void>;
}

/** Forks bench/engine.ts in `role`, with the engine's configuration in its environment (src/config.ts). */
const profiled = (role: Role): boolean => (process.env.BENCH_PROFILE ?? '').split(',').includes(role);

function forkEngine(role: Role, env: Record<string, string>, logDir: string): Child {
  const logFile = path.join(logDir, `${role}.log`);
  const out = fs.openSync(logFile, 'a');
  const proc = fork(path.join(__dirname, 'engine.ts'), [role], {
    // tsx's loader, as `npm start` runs TypeScript (tsx); the child gets no other flags of ours.
    // BENCH_PROFILE=api,worker: those children write V8 CPU profiles (.cpuprofile) to the logs.
    execArgv: ['--import', 'tsx', '--expose-gc', ...(profiled(role) ? ['--cpu-prof', `--cpu-prof-dir=${logDir}`] : [])],
    env: { ...process.env, ...env },
    stdio: ['ignore', out, out, 'ipc'],
  });
  fs.closeSync(out);
  return new Child(role, proc, logFile);
}

/** `temporalDb`: 'memory' (in-memory SQLite, as the tests) or 'file' (a SQLite file in the temp dir, as `npm start`). */
export async function startBenchStack(log: (m: string) => void, temporalDb: 'file' | 'memory' = 'memory'): Promise<BenchStack> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mac-bench-'));
  const logDir = path.join(dir, 'logs');
  log(`temp dir ${dir}`);
  const [temporal, store, mail] = await Promise.all([
    freePort().then((port) => startTemporal({ port, uiPort: null, dbFile: temporalDb === 'file' ? path.join(dir, 'temporal', 'temporal.db') : null, namespace: 'default', logDir })),
    freePort().then((port) => startStore({ port, dataDir: path.join(dir, 'store'), logDir })),
    Promise.all([freePort(), freePort()]).then(([smtpPort, webPort]) => startMailDev({ smtpPort, webPort, mailDir: path.join(dir, 'mail'), logDir })),
  ]);
  log(`temporal ${temporal.url}, store ${store.name} ${store.url}, smtp ${mail.url} (inbox ${mail.webUrl})`);
  const services = { temporal, store, mail };
  const apiPort = await freePort();
  const env = {
    NODE_ENV: 'development',
    TEMPORAL_ADDRESS: temporal.url,
    TEMPORAL_NAMESPACE: 'default',
    TEMPORAL_TASK_QUEUE: ENGINE_TASK_QUEUE,
    MONGODB_URI: store.url,
    SMTP_URL: mail.url,
    HOST: '127.0.0.1',
    PORT: String(apiPort),
    LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'info',
    BENCH_BASELINE_TASK_QUEUE: BASELINE_TASK_QUEUE,
  };
  fs.mkdirSync(logDir, { recursive: true });
  const worker = forkEngine('worker', env, logDir);
  const api = forkEngine('api', env, logDir);
  const baseline = forkEngine('baseline', env, logDir);
  const children = [worker, api, baseline];
  const killAll = () => {
    for (const c of children) c.proc.kill('SIGKILL');
    for (const s of Object.values(services)) [s.child, (s as Partial<DocumentStore>).postgres?.child].forEach((c) => c?.kill('SIGKILL'));
  };
  process.once('exit', killAll);
  try {
    await Promise.all(children.map((c) => c.ready));
  } catch (err) {
    await Promise.all(children.map((c) => c.stop(2_000).catch(() => undefined)));
    await Promise.all(Object.values(services).map((s) => s.stop()));
    throw err;
  }
  log(`worker pid ${worker.pid}, api pid ${api.pid} (http://127.0.0.1:${apiPort}), baseline worker pid ${baseline.pid}`);
  return {
    dir,
    services,
    worker,
    api,
    baseline,
    apiUrl: `http://127.0.0.1:${apiPort}`,
    async close(keep) {
      await Promise.all(children.map((c) => c.stop().catch(() => undefined)));
      await Promise.all(Object.values(services).map((s) => s.stop().catch(() => undefined)));
      process.removeListener('exit', killAll);
      if (!keep) fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Process facts from /proc (Linux): resident memory and CPU time of any pid.

const CLOCK_TICKS = 100;

export function rssBytes(pid: number): number | null {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : null;
  } catch {
    return null;
  }
}

/** User + system CPU seconds a process has used so far (its own threads; not its children). */
export function cpuSeconds(pid: number): number | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces) start at "state"; utime, stime are 14, 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
  } catch {
    return null;
  }
}
