/**
 * The staff's web pages in a real browser (issue 12), on the whole engine (API + worker + Temporal
 * dev server + FerretDB + MailDev), in real time: a coordinator signs in on a phone, completes the
 * daily verification (2.2.2) with the electricity missing, and finds the center closed and its
 * Formato 3 in the run page. Every page visited passes axe-core with no serious or critical
 * violation; screenshots go to artifacts/screenshots.
 */
import { OPENING_ITEM_IDS } from '../../src/domain/opening';
import { eventually } from '../helpers/stack';
import { expectAccessible, overflowsHorizontally, personContext, PHONE, screenshot, see, signInPage, useBrowserSuite } from '../helpers/browser';
import { startOpeningToday } from '../helpers/opening';

const suite = useBrowserSuite();

test('a coordinator signs in on a phone, completes the daily verification with the electricity missing, and finds the closure and Formato 3 in the run page', async () => {
  const runId = await startOpeningToday(suite.stack, 'lima-norte');
  suite.started.push(runId);
  const context = await personContext(suite.browser, PHONE);
  const page = await context.newPage();
  // A script refused by the page's CSP (or failing) shows here: the pages run with helmet's defaults.
  const problems: string[] = [];
  // (A form refused with 400 is logged by Chromium as a failed load: that one is expected.)
  page.on('console', (m) => void (m.type() === 'error' && !/Failed to load resource: the server responded with a status of 4\d\d/.test(m.text()) && problems.push(m.text())));
  page.on('pageerror', (e) => void problems.push(e.message));
  try {
    // Without a session, the inbox sends to the sign-in page, and back after it.
    await page.goto(`${suite.stack.url}/app`);
    expect(new URL(page.url()).pathname).toBe('/app/ingresar');
    await expectAccessible(page, 'sign-in');
    await screenshot(page, 'sign-in-phone');
    await signInPage(page, suite.stack.url, 'coordinador.lima-norte');

    // The verification reaches the coordinator's inbox (the run records it in a moment).
    const link = await eventually(async () => {
      await page.goto(`${suite.stack.url}/app?centerId=lima-norte`);
      const l = page.getByRole('link', { name: /Verificación/ });
      return (await l.count()) > 0 ? l.first() : undefined;
    }, 'the verification in the inbox');
    await expectAccessible(page, 'inbox');
    expect(await overflowsHorizontally(page)).toBe(false);
    await screenshot(page, 'inbox-phone');

    await link.click();
    await page.waitForURL(/\/app\/tareas\//);
    expect(decodeURIComponent(page.url())).toContain(runId);
    // The checklist, zone by zone, fits the phone.
    await see(page.getByRole('group', { name: 'Zona de Recepción' })).toBeVisible();
    expect(await overflowsHorizontally(page)).toBe(false);
    await expectAccessible(page, 'verification form');

    for (const id of OPENING_ITEM_IDS) await page.locator(`input[name="items.${id}.status"][value="${id === 'energia_electrica' ? 'missing' : 'ok'}"]`).check();
    await page.getByLabel(/Agentes de seguridad/).fill('2');
    // The missing item without its observation: refused, the field named next to it.
    await page.getByRole('button', { name: 'Completar la tarea' }).click();
    await page.waitForLoadState();
    const fieldError = page.locator('#f-items-energia_electrica-observation-error');
    await see(fieldError).toBeVisible();
    await see(page.getByRole('alert').first()).toContainText('items.energia_electrica.observation');
    await screenshot(page, 'verification-error-phone');
    // What was entered is still there.
    await see(page.locator('input[name="items.energia_electrica.status"][value="missing"]')).toBeChecked();

    await page.locator('[name="items.energia_electrica.observation"]').fill('Corte de energía en el centro comercial');
    await screenshot(page, 'verification-checklist-phone', true);
    await Promise.all([page.waitForURL(/\/app\/ejecuciones\//), page.getByRole('button', { name: 'Completar la tarea' }).click()]);
    await see(page.getByRole('status')).toContainText('Tarea completada');

    // The closure: Formato 3 is issued and listed, the restoration opens, the timeline says who did what.
    await eventually(async () => {
      await page.reload();
      return (await page.getByText(/FORMATO 3|Formato 3|FORMATO_3/i).count()) > 0 && (await page.getByText(/restablecimiento|Restablecimiento/).count()) > 0;
    }, 'Formato 3 and the restoration task in the run page', 60_000);
    await see(page.locator('#timeline li').first()).toBeVisible();
    await see(page.locator('#timeline')).toContainText('completó la tarea');
    await see(page.locator('#timeline')).toContainText('coordinador.lima-norte');
    await expectAccessible(page, 'run page');
    await screenshot(page, 'run-closure-phone', true);

    const formato = page.getByRole('link', { name: 'HTML' }).first();
    const [doc] = await Promise.all([context.waitForEvent('page').catch(() => undefined), formato.click()]);
    const docPage = doc ?? page;
    await docPage.waitForLoadState();
    await see(docPage.locator('body')).toContainText('Corte de energía en el centro comercial');
    await see(docPage.locator('body')).toContainText('Energía eléctrica');
    expect(problems).toEqual([]);

    // Another center's task by URL: refused, on an accessible page.
    const callao = await suite.stack.models.Task.findOne({ centerId: { $ne: 'lima-norte' } }).lean();
    const other = callao ?? { _id: 'P2.2.2-callao-x:verify' };
    const res = await page.goto(`${suite.stack.url}/app/tareas/${encodeURIComponent(other._id)}`);
    expect([403, 404]).toContain(res!.status());
    await expectAccessible(page, 'error page');
  } finally {
    await context.close();
  }
});
