/**
 * The embedded components of DESIGN §3, started as child processes on loopback: the Temporal dev
 * server, FerretDB (MongoDB wire protocol over SQLite) and MailDev (SMTP catcher with a web
 * inbox). `npm start` and the test global setup both use these; binaries come from scripts/setup.
 */
import { spawn, type ChildProcess } from 'node:child_process';
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

function stopper(child: ChildProcess, graceMs = 10_000): () => Promise<void> {
  return () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      child.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      child.kill('SIGTERM');
    });
}

function launch(name: string, command: string, args: string[], logDir: string): { child: ChildProcess; logFile: string } {
  if (!fs.existsSync(command)) {
    throw new Error(`${name}: ${command} is missing; run \`npm run setup\` (scripts/setup) first`);
  }
  fs.mkdirSync(logDir, { recursive: true });
  const logFile = path.join(logDir, `${name}.log`);
  const out = fs.openSync(logFile, 'a');
  // Own process group: a terminal's Ctrl-C reaches only the launcher, which stops children in order
  // (API, then worker drain, then the services the worker needs).
  const child = spawn(command, args, { stdio: ['ignore', out, out], cwd: ROOT, detached: true });
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

export async function startFerretDB(o: { port: number; dataDir: string; logDir: string }): Promise<EmbeddedService> {
  fs.mkdirSync(o.dataDir, { recursive: true });
  const { child, logFile } = launch('ferretdb', path.join(TOOLS, 'bin', 'ferretdb'), ['-listen', `127.0.0.1:${o.port}`, '-data', o.dataDir], o.logDir);
  await waitForPort('ferretdb', child, o.port, 30_000, logFile);
  return { name: 'ferretdb', url: `mongodb://127.0.0.1:${o.port}/mac`, child, stop: stopper(child) };
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
