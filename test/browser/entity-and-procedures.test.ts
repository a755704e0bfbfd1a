/**
 * In a real browser, on the whole engine (issue 12): an entity's contact answers a claim about
 * their entity from the inbox (PM1.4.2: the entity investigates, the supervisor reviews), and an
 * orientador starts a conflict (P2.2.4) from the catalog with the form generated from its input
 * schema. Every page visited passes axe-core with no serious or critical violation.
 */
import { eventually } from '../helpers/stack';
import { expectAccessible, overflowsHorizontally, personContext, PHONE, screenshot, see, signInPage, useBrowserSuite } from '../helpers/browser';

const suite = useBrowserSuite();

test("SUNARP's contact answers a claim about SUNARP from the inbox, and the supervisor's review opens", async () => {
  const filed = await suite.stack.http.post('/api/v1/public/claims').send({
    centerId: 'lima-norte',
    citizen: { name: 'Rosa Quispe Mamani', documentType: 'DNI', documentNumber: '40112233', email: 'rosa.quispe@example.pe' },
    entityId: 'sunarp',
    description: 'Esperé dos horas en el módulo de SUNARP y no me atendieron.',
    request: 'Que se revise la atención del módulo.',
  });
  expect(filed.status).toBe(201);
  const number = filed.body.number as string;
  suite.started.push(number);
  const task = await eventually(async () => (await suite.stack.models.Task.findOne({ runId: number, type: 'investigate_claim', status: 'open' }).lean()) ?? undefined, 'the investigation task');
  expect(task.entityId).toBe('sunarp');

  const context = await personContext(suite.browser);
  const page = await context.newPage();
  try {
    await signInPage(page, suite.stack.url, 'sunarp.lima-norte');
    await page.goto(`${suite.stack.url}/app`);
    const link = page.getByRole('link', { name: 'Investigar el reclamo y proponer la respuesta' });
    await see(link).toBeVisible();
    await expectAccessible(page, 'entity inbox');
    await link.click();
    await page.waitForURL(/\/app\/tareas\//);
    await expectAccessible(page, 'claim task');
    // Refused first: no decision, the field named next to it.
    await page.getByLabel('Hechos verificados en la investigación').fill('El módulo 4 estuvo sin sistema de 10:00 a 12:00 por una caída del servicio registral.');
    await page.getByRole('button', { name: 'Completar la tarea' }).click();
    await see(page.locator('#f-decision-error')).toBeVisible();
    await see(page.locator('#f-answer-error')).toBeVisible();
    await page.getByLabel('Fundado', { exact: true }).check();
    await page.getByLabel('Texto de la respuesta al ciudadano').fill('Señora Quispe: su reclamo es fundado. Reforzamos el módulo y le ofrecemos atención preferente.');
    await screenshot(page, 'entity-answers-claim', true);
    await Promise.all([page.waitForURL(/\/app\/ejecuciones\//), page.getByRole('button', { name: 'Completar la tarea' }).click()]);
    await see(page.getByRole('status')).toContainText('Tarea completada');
    await expectAccessible(page, 'claim run (entity)');

    const done = (await suite.stack.models.Task.findById(task._id).lean())!;
    expect(done.status).toBe('completed');
    expect(done.completedBy).toMatchObject({ sub: 'sunarp.lima-norte', role: 'participant_entity' });
    expect(done.data).toMatchObject({ decision: 'accepted' });
    await eventually(async () => (await suite.stack.models.Task.exists({ runId: number, type: 'review_claim_answer', status: 'open' })) ?? undefined, "the supervisor's review");
  } finally {
    await context.close();
  }
});

test('an orientador starts a conflict from the catalog with the generated form, on a phone', async () => {
  const context = await personContext(suite.browser, PHONE);
  const page = await context.newPage();
  try {
    await signInPage(page, suite.stack.url, 'orientador.callao');
    await page.goto(`${suite.stack.url}/app/procedimientos`);
    await expectAccessible(page, 'catalog');
    expect(await overflowsHorizontally(page)).toBe(false);
    await page.getByRole('link', { name: /P2\.2\.4/ }).click();
    await page.waitForURL(/\/app\/procedimientos\/P2\.2\.4$/);
    await expectAccessible(page, 'start form');
    expect(await overflowsHorizontally(page)).toBe(false);

    await page.locator('#f-centerId').selectOption('callao');
    await page.locator('#f-occurredAt').fill('2026-11-20T10:30');
    await page.locator('#f-place').fill('Zona de Atención, módulo 2');
    await page.locator('#f-description').fill('Un ciudadano levantó la voz al asesor por la demora.');
    await page.locator('[name="involved.0.kind"]').first().check();
    await page.getByLabel('Leve').check();
    await Promise.all([page.waitForURL(/\/app\/ejecuciones\/P2\.2\.4-/), page.getByRole('button', { name: 'Iniciar' }).click()]);
    const runId = decodeURIComponent(new URL(page.url()).pathname.split('/').pop()!);
    suite.started.push(runId);
    const run = (await suite.stack.models.Run.findById(runId).lean())!;
    expect(run).toMatchObject({ code: 'P2.2.4', centerId: 'callao', startedBy: { sub: 'orientador.callao', role: 'orientador' } });
    await see(page.locator('h1')).toContainText(runId);
    await expectAccessible(page, 'new run');
    await screenshot(page, 'conflict-started-phone', true);

    await page.goto(`${suite.stack.url}/app/ejecuciones`);
    await see(page.getByRole('link', { name: runId })).toBeVisible();
    await expectAccessible(page, 'runs list');
    await page.goto(`${suite.stack.url}/app/ejecuciones/${encodeURIComponent(runId)}/historial`);
    await see(page.locator('.timeline')).toContainText('orientador.callao');
    await expectAccessible(page, 'timeline page');
  } finally {
    await context.close();
  }
});
