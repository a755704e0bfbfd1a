/**
 * In a real browser, on the whole engine (issue 12): a citizen files a claim on a phone, gets the
 * number and the legal due date at once, and tracks it; an orientador and a supervisor carry a
 * PM1.1.1 run to its end through the web forms (with the figures the Listado's indicator needs),
 * and SSCS opens the dashboard and finds that run's figures in the chart and the table. Every
 * page passes axe-core with no serious or critical violation.
 */
import type { Page } from 'playwright-core';
import { eventually } from '../helpers/stack';
import { DESKTOP, expectAccessible, overflowsHorizontally, personContext, PHONE, screenshot, see, signInPage, useBrowserSuite } from '../helpers/browser';

const suite = useBrowserSuite();

test('a citizen files a claim on a phone, sees the number and the legal due date at once, and tracks it', async () => {
  const context = await personContext(suite.browser, PHONE);
  const page = await context.newPage();
  try {
    await page.goto(`${suite.stack.url}/reclamos`);
    await expectAccessible(page, 'claim form');
    expect(await overflowsHorizontally(page)).toBe(false);
    await page.locator('#f-centerId').selectOption('callao');
    await page.locator('[name="citizen.name"]').fill('Juan Pérez Rojas');
    await page.locator('[name="citizen.documentType"][value="DNI"]').check();
    await page.locator('[name="citizen.documentNumber"]').fill('41234567');
    await page.locator('[name="citizen.email"]').fill('no-es-un-correo');
    await page.locator('#f-entityId').selectOption('sunat');
    await page.locator('[name="description"]').fill('Me cobraron dos veces la misma tasa en el módulo de SUNAT.');
    await page.locator('[name="request"]').fill('Que me devuelvan el cobro duplicado.');
    // A bad email: refused, named next to its field, nothing registered.
    await page.getByRole('button', { name: 'Registrar mi reclamo' }).click();
    await see(page.locator('#f-citizen-email-error')).toBeVisible();
    expect(await suite.stack.models.Run.countDocuments({ code: 'PM1.4.2' })).toBe(0);
    await expectAccessible(page, 'claim form with errors');
    await screenshot(page, 'claim-form-error-phone', true);

    await page.locator('[name="citizen.email"]').fill('juan.perez@example.pe');
    await page.getByRole('button', { name: 'Registrar mi reclamo' }).click();
    await see(page.locator('#claim-number')).toBeVisible();
    const number = (await page.locator('#claim-number').textContent())!.trim();
    suite.started.push(number);
    expect(number).toMatch(/^HR-callao-\d{4}-\d{5}$/);
    const shownDue = (await page.locator('#claim-due + small + .visually-hidden').textContent())!.trim();
    await expectAccessible(page, 'constancia');
    await screenshot(page, 'claim-constancia-phone', true);
    // The due date shown at once is the one the run records.
    const claim = await eventually(async () => (await suite.stack.models.Claim.findById(number).lean()) ?? undefined, 'the claim record');
    expect(shownDue).toBe(claim.dueDate);

    await page.getByRole('link', { name: /consultar el estado/ }).click();
    await page.waitForURL(/\/reclamos\/seguimiento/);
    await expect(await page.locator('#t-number').inputValue()).toBe(number);
    await page.locator('#t-doc').fill('00000000');
    await page.getByRole('button', { name: 'Consultar' }).click();
    await see(page.locator('#track-result')).toContainText('No encontramos');
    await page.locator('#t-doc').fill('41234567');
    await page.getByRole('button', { name: 'Consultar' }).click();
    await see(page.locator('#track-result')).toContainText('En trámite');
    await see(page.locator('#track-result')).toContainText(number);
    // Nothing of the citizen beyond the claim's state.
    expect(await page.locator('#track-result').textContent()).not.toContain('Juan');
    await expectAccessible(page, 'tracking');
    await screenshot(page, 'claim-tracking-phone', true);
  } finally {
    await context.close();
  }
});

test('SSCS opens the dashboard and sees, in the chart and the table, the figures of a PM1.1.1 run done through the web forms', async () => {
  const staff = await personContext(suite.browser);
  const page = await staff.newPage();
  let runId: string;
  try {
    await signInPage(page, suite.stack.url, 'orientador.lima-norte');
    await page.goto(`${suite.stack.url}/app/procedimientos/PM1.1.1`);
    await page.locator('#f-centerId').selectOption('lima-norte');
    await page.locator('[name="subject"]').fill('Orientación de la semana');
    await Promise.all([page.waitForURL(/\/app\/ejecuciones\/PM1\.1\.1-/), page.getByRole('button', { name: 'Iniciar' }).click()]);
    runId = decodeURIComponent(new URL(page.url()).pathname.split('/').pop()!);
    suite.started.push(runId);

    // The orientador's step asks for the figures of the Listado's indicator.
    await openFirstTask(page, 'PM1.1.1', 'the orientador step in the inbox');
    await page.getByLabel('Realizado', { exact: true }).check();
    await page.locator('[name="figures.citizensReceived"]').fill('40');
    await page.locator('[name="figures.citizensOriented"]').fill('30');
    await expectAccessible(page, 'step with figures');
    await Promise.all([page.waitForURL(/\/app\/ejecuciones\//), page.getByRole('button', { name: 'Completar la tarea' }).click()]);

    await signInPage(page, suite.stack.url, 'supervisor.lima-norte');
    await openFirstTask(page, 'PM1.1.1', 'the supervisor step in the inbox');
    await page.getByLabel('Realizado', { exact: true }).check();
    await Promise.all([page.waitForURL(/\/app\/ejecuciones\//), page.getByRole('button', { name: 'Completar la tarea' }).click()]);
    await eventually(async () => (await suite.stack.models.Run.findById(runId).lean())?.status === 'completed' || undefined, 'the run completed');
  } finally {
    await staff.close();
  }

  const sscs = await personContext(suite.browser, DESKTOP);
  const board = await sscs.newPage();
  try {
    await signInPage(board, suite.stack.url, 'sscs');
    await board.goto(`${suite.stack.url}/app/indicadores?centerId=lima-norte`);
    const indicator = board.locator('article.indicator', { has: board.getByRole('heading', { name: /atendidos en el módulo de orientación/ }) });
    await see(indicator).toBeVisible();
    // The chart says the figure of the run (30 of 40 = 75 %), and the table its numerator and denominator.
    const label = await indicator.locator('svg[role="img"]').getAttribute('aria-label');
    expect(label).toMatch(/75 %/);
    await see(indicator.locator('table')).toContainText('30');
    await see(indicator.locator('table')).toContainText('40');
    await see(indicator.getByRole('link', { name: /1 ejecución/ })).toBeVisible();
    // The claims the other test filed are in the Libro de Reclamaciones chart (Callao is another center).
    await expectAccessible(board, 'dashboard');
    await indicator.scrollIntoViewIfNeeded();
    await screenshot(board, 'dashboard-indicator');
    await board.goto(`${suite.stack.url}/app/indicadores`);
    await see(board.locator('section[aria-labelledby="h-claims"] svg[role="img"]')).toBeVisible();
    expect(await board.locator('section[aria-labelledby="h-claims"] svg').getAttribute('aria-label')).toMatch(/Abiertos en plazo 1/);
    await screenshot(board, 'dashboard');
  } finally {
    await sscs.close();
  }
});

/** Opens the first task of a procedure in the signed-in person's inbox, once the run has recorded it. */
async function openFirstTask(page: Page, code: string, what: string): Promise<void> {
  const link = await eventually(async () => {
    await page.goto(`${suite.stack.url}/app?code=${code}`);
    const l = page.locator('ul.tasks a').first();
    return (await l.count()) > 0 ? l : undefined;
  }, what);
  await link.click();
  await page.waitForURL(/\/app\/tareas\//);
}
