import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';

/**
 * PDFs of the engine's documents, printed by headless Chromium from the same HTML the document's
 * Handlebars template produced (one layout per document, never a second copy of it).
 *
 * The browser is the one the npm package @sparticuz/chromium ships (brotli-packed inside the
 * package, so `npm ci` installs it from the registry and nothing is downloaded at run time),
 * driven by playwright-core with that explicit executable. The package unpacks into
 * `os.tmpdir()`; two versions unpacked into one shared /tmp break each other, so it unpacks here
 * into a directory of its own per version (`CHROMIUM_DIR`), atomically, once per machine.
 *
 * One browser per process, started on first use and shared by every document, with a few pages
 * kept open and reused; pages are printed a few at a time. The document is static HTML:
 * JavaScript is off, and no request leaves the page.
 */

const PRINTING_AT_ONCE = 2;

let browser: Promise<Browser> | undefined;
let current: Browser | undefined;
/** Pages ready to print, one per printing slot: reusing a page prints a claim's constancia in
 * about 30 ms where a fresh page (or context) per document took about 140 ms (bench/pdf.ts). */
let idle: Page[] = [];
let printing = 0;
const queue: (() => void)[] = [];
/** A page that takes longer than this to load or print is given up (the slot is freed). */
const PRINT_TIMEOUT_MS = 30_000;

function chromiumPackageDir(): string {
  // The package's exports hide package.json; its main file sits at build/cjs/index.cjs.
  return path.resolve(path.dirname(require.resolve('@sparticuz/chromium')), '..', '..');
}

function chromiumVersion(): string {
  return (JSON.parse(fs.readFileSync(path.join(chromiumPackageDir(), 'package.json'), 'utf8')) as { version: string }).version;
}

/** Where this version's browser is (or will be) unpacked. */
export function chromiumDir(): string {
  return process.env.CHROMIUM_DIR ?? path.join(os.tmpdir(), `mac-engine-chromium-${chromiumVersion()}`);
}

/** The unpacked browser's executable, unpacking it first if needed. */
export async function chromiumExecutable(): Promise<string> {
  const dir = chromiumDir();
  const bin = path.join(dir, 'chromium');
  if (fs.existsSync(bin)) return bin;
  // Unpacked into a directory of this process's own, then renamed into place: two processes
  // starting together (the API and the worker, jest's workers) never read a half-written browser.
  const staging = `${dir}.${process.pid}.partial`;
  fs.rmSync(staging, { recursive: true, force: true });
  fs.mkdirSync(staging, { recursive: true });
  const saved = process.env.TMPDIR;
  process.env.TMPDIR = staging;
  try {
    const { default: chromium } = await import('@sparticuz/chromium');
    await chromium.executablePath(path.join(chromiumPackageDir(), 'bin'));
  } finally {
    if (saved === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = saved;
  }
  try {
    fs.renameSync(staging, dir);
  } catch (err) {
    // Another process got there first: its copy is as good as ours.
    if (!fs.existsSync(bin)) throw err;
    fs.rmSync(staging, { recursive: true, force: true });
  }
  return bin;
}

let context: Promise<BrowserContext> | undefined;

/** How the browser starts (here and in the browser tests, test/helpers/browser.ts). */
export const CHROMIUM_ARGS = ['--disable-gpu', '--no-zygote', '--font-render-hinting=none'];

async function launch(): Promise<Browser> {
  const { chromium } = await import('playwright-core');
  const executablePath = await chromiumExecutable();
  const b = await chromium.launch({ executablePath, headless: true, args: CHROMIUM_ARGS });
  b.on('disconnected', () => {
    // Forget this browser only if it is still the shared one (not one closed and replaced already).
    if (current !== b) return;
    browser = undefined;
    context = undefined;
    idle = [];
  });
  current = b;
  return b;
}

function sharedBrowser(): Promise<Browser> {
  browser ??= launch().catch((err: unknown) => {
    browser = undefined;
    throw err;
  });
  return browser;
}

/** The context every page lives in: no JavaScript, offline, every request refused. */
function sharedContext(): Promise<BrowserContext> {
  context ??= sharedBrowser()
    .then(async (b) => {
      const c = await b.newContext({ javaScriptEnabled: false, offline: true });
      await c.route('**/*', (route) => route.abort());
      return c;
    })
    .catch((err: unknown) => {
      context = undefined;
      throw err;
    });
  return context;
}

async function withPage<T>(work: (page: Page) => Promise<T>): Promise<T> {
  while (printing >= PRINTING_AT_ONCE) await new Promise<void>((resolve) => queue.push(resolve));
  printing += 1;
  let page: Page | undefined;
  try {
    page = idle.pop() ?? (await (await sharedContext()).newPage());
    page.setDefaultTimeout(PRINT_TIMEOUT_MS);
    const result = await work(page);
    idle.push(page);
    return result;
  } catch (err) {
    // A page that failed (timed out, crashed) is not reused.
    await page?.close().catch(() => undefined);
    throw err;
  } finally {
    printing -= 1;
    queue.shift()?.();
  }
}

/** An A4 PDF of a complete HTML document. */
export function htmlToPdf(html: string): Promise<Buffer> {
  return withPage(async (page) => {
    await page.setContent(html, { waitUntil: 'load', timeout: PRINT_TIMEOUT_MS });
    return page.pdf({ format: 'A4', printBackground: true, margin: { top: '2cm', bottom: '2cm', left: '2.2cm', right: '2.2cm' } });
  });
}

/** Stops the shared browser (worker shutdown, end of a test file). */
export async function closePdfRenderer(): Promise<void> {
  const b = browser;
  browser = undefined;
  context = undefined;
  idle = [];
  if (b) await (await b.catch(() => undefined))?.close();
}
