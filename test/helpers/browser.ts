import fs from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { eventually, useStack, type Stack } from './stack';
import { ensureDemoUsers } from './web';
import { CHROMIUM_ARGS, chromiumExecutable } from '../../src/documents/pdf';
import { DEMO_PASSWORD } from '../../src/web/users';

/**
 * A real Chromium for the web pages: the executable the PDFs are printed with (@sparticuz/chromium,
 * installed by `npm ci`; nothing downloaded), driven by playwright-core. Each context is a person
 * with their own cookies; phones are 360 px wide.
 */
export async function launchBrowser(): Promise<Browser> {
  const { chromium } = await import('playwright-core');
  return chromium.launch({ executablePath: await chromiumExecutable(), headless: true, args: CHROMIUM_ARGS });
}

export interface BrowserSuite {
  stack: Stack;
  browser: Browser;
  /** Runs the file started, terminated after its tests. */
  started: string[];
}

/**
 * The whole engine (with its demo users) and a browser for a test file: started before its tests,
 * stopped after them, the runs it started terminated.
 */
export function useBrowserSuite(): BrowserSuite {
  const engine = useStack();
  const suite = { started: engine.started } as BrowserSuite;
  beforeAll(async () => {
    suite.stack = engine.stack;
    [suite.browser] = await Promise.all([launchBrowser(), ensureDemoUsers(engine.stack)]);
  });
  afterAll(async () => {
    await suite.browser?.close();
  });
  return suite;
}

export const PHONE = { width: 360, height: 780 };
export const DESKTOP = { width: 1280, height: 900 };

/** A person's browser: axe-core is injected by the test, so the page's CSP is bypassed for it alone. */
export function personContext(browser: Browser, viewport = DESKTOP): Promise<BrowserContext> {
  return browser.newContext({ viewport, locale: 'es-PE', timezoneId: 'America/Lima', bypassCSP: true });
}

/** Signs a page's person in (anyone signed in before in this context is signed out first). */
export async function signInPage(page: Page, baseUrl: string, username: string): Promise<void> {
  await page.context().clearCookies();
  await page.goto(`${baseUrl}/app/ingresar`);
  await page.getByLabel('Usuario').fill(username);
  await page.getByLabel('Contraseña').fill(DEMO_PASSWORD);
  await Promise.all([page.waitForURL(/\/app(\?|$|\/)/), page.getByRole('button', { name: 'Ingresar' }).click()]);
}

const AXE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

/** axe-core's serious and critical violations of the page as it is now (WCAG 2.1 A/AA rules). */
export async function seriousViolations(page: Page): Promise<{ id: string; impact: string | null; help: string; targets: string[] }[]> {
  await page.addScriptTag({ content: AXE });
  const result = await page.evaluate(async () => {
    const axe = (globalThis as unknown as { axe: { run: (ctx: unknown, opts: unknown) => Promise<{ violations: AxeViolation[] }> } }).axe;
    return axe.run((globalThis as unknown as { document: unknown }).document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] } });
  });
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.slice(0, 5).map((n) => n.target.join(' ')) }));
}

/** The page as it is now has no serious or critical axe-core violation (`what` names it in a failure). */
export async function expectAccessible(page: Page, what: string): Promise<void> {
  const violations = await seriousViolations(page);
  expect({ page: what, violations }).toEqual({ page: what, violations: [] });
}

/** Whether the page scrolls sideways (a layout that does not fit a phone). */
export function overflowsHorizontally(page: Page): Promise<boolean> {
  // Evaluated in the page (a string, as this project compiles without the DOM's types).
  return page.evaluate('document.documentElement.scrollWidth > window.innerWidth + 1') as Promise<boolean>;
}

/** Where the tests save their screenshots (git-ignored; docs/screenshots keeps the README's copies). */
export const SCREENSHOTS = path.join(__dirname, '..', '..', 'artifacts', 'screenshots');

/** Saves a screenshot under artifacts/screenshots. */
export async function screenshot(page: Page, name: string, fullPage = false): Promise<string> {
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  const file = path.join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path: file, fullPage });
  return file;
}

// Playwright's web-first assertions without @playwright/test: poll a locator until it holds.
export function see(loc: Locator) {
  const poll = async (what: string, check: () => Promise<boolean>) => {
    await eventually(async () => (await check().catch(() => false)) || undefined, what, 10_000);
  };
  return {
    toBeVisible: () => poll(`${loc} to be visible`, () => loc.isVisible()),
    toBeChecked: () => poll(`${loc} to be checked`, () => loc.isChecked()),
    toContainText: (text: string) => poll(`${loc} to contain "${text}"`, async () => ((await loc.textContent()) ?? '').includes(text)),
  };
}
