/**
 * The forms the web pages generate from the API's schemas (src/web/forms.ts): every task type and
 * every procedure's input renders, an empty form's errors each land on a field of the form (so a
 * person sees every error next to what to fix), and a filled form decodes to data the same zod
 * schema accepts.
 */
import { listProcedures } from '../../src/catalog';
import { taskDataSchemas } from '../../src/shared/tasks';
import { OPENING_ITEM_IDS, OPENING_ZONES } from '../../src/domain/opening';
import { decodeForm, renderFields, toJsonSchema, type FormBody, type FormContext } from '../../src/web/forms';
import { zodIssues } from '../../src/api/errors';

const idOf = (path: string) => `f-${path.replace(/[^a-zA-Z0-9_-]/g, '-')}`;

/** Whether an error at `path` has a place in the form: the field itself or its nearest rendered parent. */
function placeOf(html: string, path: string): string | undefined {
  const parts = path.split('.');
  for (let n = parts.length; n > 0; n--) {
    const id = idOf(parts.slice(0, n).join('.'));
    if (html.includes(`id="${id}"`)) return id;
  }
  return undefined;
}

const schemas = [
  ...Object.entries(taskDataSchemas).map(([type, schema]) => ({ what: `task ${type}`, schema })),
  ...listProcedures()
    .filter((p) => p.executable)
    .map((p) => ({ what: `start ${p.code}`, schema: p.inputSchema })),
];

test.each(schemas)('$what: the form renders and every error of an empty submission lands on one of its fields', ({ schema }) => {
  const json = toJsonSchema(schema);
  const html = renderFields(json, {});
  const data = decodeForm(json, {});
  const result = schema.safeParse(data);
  if (result.success) return; // nothing required: nothing to place
  for (const issue of zodIssues(result.error)) {
    if (issue.path === '(root)') continue;
    expect({ path: issue.path, place: placeOf(html, issue.path) }).toEqual({ path: issue.path, place: expect.any(String) });
  }
});

test('the daily verification decodes from its form into the data its schema accepts, zone by zone', () => {
  const schema = taskDataSchemas.verify_opening;
  const json = toJsonSchema(schema);
  const ctx: FormContext = { groups: (p) => (p === 'items' ? OPENING_ZONES.map((z) => ({ label: z.name, keys: z.items.map(([id]) => id as string) })) : undefined) };
  const html = renderFields(json, { ctx });
  for (const z of OPENING_ZONES) expect(html).toContain(`<legend>${z.name}</legend>`);
  const body: FormBody = { securityAgents: '2', unsafeConditions: '' };
  for (const id of OPENING_ITEM_IDS) body[`items.${id}.status`] = id === 'internet' ? 'damaged' : 'ok';
  body['items.internet.observation'] = 'Sin enlace desde las 7:00';
  const data = decodeForm(json, body, ctx);
  const parsed = schema.safeParse(data);
  expect(parsed.success).toBe(true);
  expect(data).toMatchObject({ securityAgents: 2, items: { internet: { status: 'damaged', observation: 'Sin enlace desde las 7:00' }, energia_electrica: { status: 'ok' } } });
  expect(data).not.toHaveProperty('unsafeConditions');
});

test('types come back from the form: numbers, booleans, lists of rows (empty rows dropped), instants in Lima time', () => {
  const schema = listProcedures().find((p) => p.code === 'P2.2.4')!.inputSchema;
  const json = toJsonSchema(schema);
  const data = decodeForm(json, {
    centerId: 'callao',
    occurredAt: '2026-11-20T10:30',
    place: 'Zona de Atención',
    description: 'Un ciudadano levantó la voz.',
    'involved.0.kind': 'citizen',
    'involved.1.kind': '',
    'involved.1.name': '',
    'involved.2.kind': 'advisor',
    'involved.2.name': 'Luis Torres',
    severity: 'minor',
  });
  expect(data).toEqual({
    centerId: 'callao',
    occurredAt: '2026-11-20T10:30:00-05:00',
    place: 'Zona de Atención',
    description: 'Un ciudadano levantó la voz.',
    involved: [{ kind: 'citizen' }, { kind: 'advisor', name: 'Luis Torres' }],
    severity: 'minor',
  });
  expect(schema.safeParse(data).success).toBe(true);
  const ack = taskDataSchemas.acknowledge_congratulation;
  expect(decodeForm(toJsonSchema(ack), { shareWithEntity: ['false', 'true'] })).toEqual({ shareWithEntity: true });
  expect(decodeForm(toJsonSchema(ack), { shareWithEntity: 'false' })).toEqual({ shareWithEntity: false });
});

test('what a person typed is escaped in the form it comes back in', () => {
  const schema = taskDataSchemas.investigate_claim;
  const html = renderFields(toJsonSchema(schema), { values: { findings: '<script>alert(1)</script>' }, errors: { answer: 'Required <b>' } });
  expect(html).not.toContain('<script>');
  expect(html).toContain('&lt;script&gt;');
  expect(html).toContain('Required &lt;b&gt;');
});
