/**
 * The citizen's claim pages over HTTP (issue 12; PM1.4.2, Libro de Reclamaciones), on the whole
 * engine: the form refuses invalid input naming the field, a POST without its CSRF token or with
 * the honeypot filled registers nothing, the same form sent twice registers one claim, and the
 * tracking page says the same thing for an unknown number and for a wrong document.
 */
import { eventually, useStack } from '../helpers/stack';
import { csrfOf, webAgent } from '../helpers/web';

const suite = useStack();

const claimForm = (over: Record<string, string> = {}) => ({
  centerId: 'ventanilla',
  'citizen.name': 'María Flores Huamán',
  'citizen.documentType': 'DNI',
  'citizen.documentNumber': '45678901',
  'citizen.email': 'maria.flores@example.pe',
  description: 'El orientador me dio un turno equivocado y perdí la mañana.',
  request: 'Que se revise la orientación.',
  ...over,
});

/** The form's CSRF token and its idempotency key. */
async function openForm(agent: ReturnType<typeof webAgent>) {
  const page = await agent.get('/reclamos');
  expect(page.status).toBe(200);
  return { _csrf: /name="_csrf" value="([^"]+)"/.exec(page.text)![1], _key: /name="_key" value="([^"]+)"/.exec(page.text)![1] };
}

const claimsOf = (centerId: string) => suite.stack.models.Run.countDocuments({ code: 'PM1.4.2', centerId });

test('the form is the Hoja de reclamación generated from the public schema, with the honeypot out of sight', async () => {
  const page = await webAgent(suite.stack).get('/reclamos');
  expect(page.status).toBe(200);
  for (const name of ['centerId', 'citizen.name', 'citizen.documentType', 'citizen.documentNumber', 'citizen.email', 'citizen.phone', 'entityId', 'description', 'request']) {
    expect(page.text).toContain(`name="${name}"`);
  }
  expect(page.text).toMatch(/<div class="hp" aria-hidden="true">[\s\S]*name="sitio_web"[^>]*tabindex="-1"/);
});

test('invalid input is refused naming each field, with what was typed kept, and nothing registered', async () => {
  const agent = webAgent(suite.stack);
  const form = await openForm(agent);
  const before = await claimsOf('ventanilla');
  const res = await agent.post('/reclamos').type('form').send({ ...form, ...claimForm({ 'citizen.email': 'maria-at-example', description: '' }) });
  expect(res.status).toBe(400);
  expect(res.text).toContain('id="f-citizen-email-error"');
  expect(res.text).toContain('id="f-description-error"');
  expect(res.text).toContain('value="maria-at-example"');
  expect(await claimsOf('ventanilla')).toBe(before);
});

test('a field holding the NUL character is refused naming it, and nothing is registered', async () => {
  const agent = webAgent(suite.stack);
  const form = await openForm(agent);
  const before = await claimsOf('ventanilla');
  const res = await agent.post('/reclamos').type('form').send({ ...form, ...claimForm({ description: 'Me dieron un turno\u0000 equivocado.' }) });
  expect(res.status).toBe(400);
  expect(res.text).toContain('id="f-description-error"');
  expect(res.text).toContain('carácter nulo');
  expect(await claimsOf('ventanilla')).toBe(before);
});

test('a POST without the CSRF token registers nothing', async () => {
  const agent = webAgent(suite.stack);
  const { _key } = await openForm(agent);
  const before = await claimsOf('ventanilla');
  const res = await agent.post('/reclamos').type('form').send({ _key, ...claimForm() });
  expect(res.status).toBe(403);
  expect(await claimsOf('ventanilla')).toBe(before);
});

test('a filled honeypot registers nothing and does not say why', async () => {
  const agent = webAgent(suite.stack);
  const form = await openForm(agent);
  const before = await claimsOf('ventanilla');
  const res = await agent.post('/reclamos').type('form').send({ ...form, ...claimForm(), sitio_web: 'http://spam.example' });
  expect(res.status).toBe(400);
  expect(res.text).toContain('No pudimos registrar su reclamo');
  expect(res.text.toLowerCase()).not.toContain('honeypot');
  expect(await claimsOf('ventanilla')).toBe(before);
});

test('the same form sent twice registers one claim; tracking reveals nothing without the right document', async () => {
  const agent = webAgent(suite.stack);
  const form = await openForm(agent);
  const before = await claimsOf('ventanilla');
  const first = await agent.post('/reclamos').type('form').send({ ...form, ...claimForm() });
  const again = await agent.post('/reclamos').type('form').send({ ...form, ...claimForm() });
  expect([first.status, again.status]).toEqual([201, 200]);
  const number = /id="claim-number">([^<]+)</.exec(first.text)![1];
  suite.started.push(number);
  expect(/id="claim-number">([^<]+)</.exec(again.text)![1]).toBe(number);
  expect(await claimsOf('ventanilla')).toBe(before + 1);
  await eventually(async () => (await suite.stack.models.Claim.exists({ _id: number })) ?? undefined, 'the claim record');

  const _csrf = await csrfOf(agent, '/reclamos/seguimiento');
  const unknown = await agent.post('/reclamos/seguimiento').type('form').send({ _csrf, number: 'HR-ventanilla-2026-99999', documentNumber: '45678901' });
  const wrongDoc = await agent.post('/reclamos/seguimiento').type('form').send({ _csrf, number, documentNumber: '11111111' });
  expect([unknown.status, wrongDoc.status]).toEqual([404, 404]);
  const resultOf = (html: string) => /<p role="alert" id="track-result">([^<]+)</.exec(html)?.[1];
  expect(resultOf(unknown.text)).toBe('No encontramos un reclamo con ese número y número de documento.');
  expect(resultOf(wrongDoc.text)).toBe(resultOf(unknown.text));
  const missing = await agent.post('/reclamos/seguimiento').type('form').send({ _csrf, number, documentNumber: '' });
  expect(missing.status).toBe(400);
  expect(missing.text).toContain('id="t-doc-error"');
  const right = await agent.post('/reclamos/seguimiento').type('form').send({ _csrf, number, documentNumber: '45678901' });
  expect(right.status).toBe(200);
  expect(right.text).toContain('En trámite');
  expect(right.text).not.toContain('María');
  expect(right.text).not.toContain('maria.flores@example.pe');
});
