import { ConfigError, DEV_JWT_SECRET, parseConfig, requireEndpoints } from '../../src/config';
import { centerType, staffingCheck } from '../../src/domain/centers';
import { applicabilityMismatch, assessVerification, checklistApplicabilitySchema, notApplicableItems, OPENING_ITEM_IDS } from '../../src/domain/opening';
import { FICHA_CHECKLIST_ITEMS, fichaApplicabilityMismatch } from '../../src/domain/supervision';
import { fechaLarga, htmlToText, loadTemplates } from '../../src/templates';

describe('configuration (one zod schema over the environment)', () => {
  test('when nothing is set, then the embedded defaults apply and the development secret is used', () => {
    const c = parseConfig({});
    expect(c).toMatchObject({ PORT: 3000, TEMPORAL_NAMESPACE: 'default', TEMPORAL_TASK_QUEUE: 'mac-engine', jwtSecret: DEV_JWT_SECRET });
    expect(Object.isFrozen(c)).toBe(true);
  });

  test('when variables are wrong, then the error names each of them', () => {
    expect(() => parseConfig({ PORT: 'eighty', MONGODB_URI: 'postgres://x', JWT_SECRET: 'short' })).toThrow(ConfigError);
    try {
      parseConfig({ PORT: 'eighty', MONGODB_URI: 'postgres://x', JWT_SECRET: 'short' });
    } catch (e) {
      expect((e as Error).message).toMatch(/PORT/);
      expect((e as Error).message).toMatch(/MONGODB_URI: must be a mongodb:\/\/ URI/);
      expect((e as Error).message).toMatch(/JWT_SECRET: must be at least 32 characters/);
    }
  });

  test('when the reconciliation interval is set, then runs are reconciled that often; 10 minutes by default; zero is refused', () => {
    expect(parseConfig({}).RECONCILE_RUNS_EVERY_MINUTES).toBe(10);
    expect(parseConfig({ RECONCILE_RUNS_EVERY_MINUTES: '30' }).RECONCILE_RUNS_EVERY_MINUTES).toBe(30);
    expect(() => parseConfig({ RECONCILE_RUNS_EVERY_MINUTES: '0' })).toThrow(/RECONCILE_RUNS_EVERY_MINUTES/);
  });

  test('when WORKFLOW_BUNDLE_PATH is unset, then the worker bundles at start; set, it is the pre-built file; empty, it is refused by name', () => {
    expect(parseConfig({}).WORKFLOW_BUNDLE_PATH).toBeUndefined();
    expect(parseConfig({ WORKFLOW_BUNDLE_PATH: 'dist/workflow-bundle.js' }).WORKFLOW_BUNDLE_PATH).toBe('dist/workflow-bundle.js');
    expect(() => parseConfig({ WORKFLOW_BUNDLE_PATH: ' ' })).toThrow(/WORKFLOW_BUNDLE_PATH: must be the path of a workflow bundle/);
  });

  test('when production runs without JWT_SECRET or endpoints, then it refuses to start', () => {
    expect(() => parseConfig({ NODE_ENV: 'production' })).toThrow(/JWT_SECRET: is required when NODE_ENV=production/);
    expect(() => requireEndpoints(parseConfig({ MONGODB_URI: 'mongodb://db/mac' }))).toThrow(/TEMPORAL_ADDRESS: is required[\s\S]*SMTP_URL: is required/);
  });
});

describe('center types and minimum staff (2.1.4, Cuadro 01)', () => {
  test.each([
    [0, 'A'], [699, 'A'], [700, 'B'], [2000, 'B'], [2001, 'C'], [5300, 'C'],
  ])('when a center has %i attentions a day, then it is type %s', (n, type) => {
    expect(centerType(n)).toBe(type);
  });

  test('when a type C center has one supervisor, then the staffing check fails on that role only', () => {
    const check = staffingCheck('C', { coordinator: 1, supervisor: 1, tic_specialist: 2, mac_express_advisor: 1, orientador: 3 });
    expect(check.ok).toBe(false);
    expect(check.roles.filter((r) => !r.ok).map((r) => r.role)).toEqual(['supervisor']);
  });
});

describe('templates (Spanish documents and emails)', () => {
  const templates = loadTemplates();
  const center = { id: 'piura', name: 'Piura', city: 'Piura', adminEntity: { id: 'gore-piura', name: 'Gobierno Regional de Piura', email: 'x@y.pe' } };

  test('when citizen text carries HTML, then documents and emails show it as text', () => {
    const data = { center, runId: 'R-1', reference: 'CONSTANCIA N° 001-2026-CMAC-PIURA', date: '2026-11-22', registeredAt: '2026-11-22T15:00:00Z', citizen: { name: '<b>Ana</b>' }, message: '<script>alert(1)</script>', entity: null, document: { reference: 'CONSTANCIA N° 001-2026-CMAC-PIURA' } };
    const html = templates.document('constancia_felicitacion', data);
    expect(html).not.toContain('<script>');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('22 de noviembre de 2026');
    const mail = templates.email('congratulation_ack', data);
    expect(mail.html).not.toContain('<b>Ana</b>');
    expect(mail.text).toContain('<script>alert(1)</script>');
    expect(mail.subject).toBe('Centro MAC Piura: hemos recibido su felicitación N° R-1');
  });

  test('when dates are written, then they read as the manual writes them', () => {
    expect(fechaLarga('2026-09-01')).toBe('1 de setiembre de 2026');
    expect(fechaLarga(new Date('2027-01-01T03:00:00Z'))).toBe('31 de diciembre de 2026');
    expect(htmlToText('<p>Hola &amp; adiós</p><p>fin</p>')).toBe('Hola & adiós\nfin');
  });
});

describe('what of the daily checklist applies to a center (2.2.2 "según aplique")', () => {
  test('when a center has no tópico, then its botiquín and wheelchair do not apply and the reception wheelchairs do; with a tópico, the reverse; unset, everything applies', () => {
    expect(notApplicableItems({ topico: false, notApplicable: ['sistema_citas'] })).toEqual(['botiquin', 'silla_ruedas_topico', 'sistema_citas']);
    expect(notApplicableItems({ topico: true, notApplicable: [] })).toEqual(['sillas_ruedas_recepcion']);
    expect(notApplicableItems(undefined)).toEqual([]);
  });

  test('when Internet or power is declared not applicable, or a tópico item is listed instead of setting topico, then the schema names the entry', () => {
    const bad = checklistApplicabilitySchema.safeParse({ topico: true, notApplicable: ['comedor', 'energia_electrica', 'botiquin', 'comedor'] });
    expect(bad.success).toBe(false);
    expect(bad.error!.issues.map((i) => [i.path.join('.'), i.message.split(':')[0]])).toEqual([
      ['notApplicable.1', 'energia_electrica is critical'],
      ['notApplicable.2', 'botiquin follows topico'],
      ['notApplicable.3', 'comedor is listed twice'],
    ]);
  });

  test('when a verification marks an item against the center applicability, then the mismatch names the item; not applicable items are never findings', () => {
    const na = ['botiquin'];
    expect(applicabilityMismatch({ botiquin: { status: 'missing' } }, na)).toMatchObject({ path: 'items.botiquin' });
    expect(applicabilityMismatch({ televisores: { status: 'not_applicable' } }, na)).toMatchObject({ path: 'items.televisores' });
    expect(applicabilityMismatch({ botiquin: { status: 'not_applicable' }, televisores: { status: 'ok' } }, na)).toBeUndefined();
    expect(assessVerification({ botiquin: { status: 'not_applicable' } }, 1)).toEqual({ critical: [], findings: [] });
  });

  test('when the Ficha of supervision answers NA, then it must match the center: only its not-applicable items, or the manual conditional ones while unset', () => {
    expect(fichaApplicabilityMismatch({ '2_4_a': { answer: 'SI' } }, ['2_4_a'])).toContain('items.2_4_a does not apply');
    expect(fichaApplicabilityMismatch({ '2_5_f': { answer: 'NA' } }, ['2_4_a'])).toContain('items.2_5_f applies');
    expect(fichaApplicabilityMismatch({ '2_5_f': { answer: 'NA' } }, ['2_5_f'])).toBeUndefined();
    expect(fichaApplicabilityMismatch({ '2_4_a': { answer: 'NA' } }, null)).toBeUndefined();
    expect(fichaApplicabilityMismatch({ '2_5_f': { answer: 'NA' } }, null)).toContain('items.2_5_f applies');
    // Every Ficha item of 2.1–2.6 is a checklist item, in the same order as the manual prints both.
    expect(Object.values(FICHA_CHECKLIST_ITEMS)).toEqual(OPENING_ITEM_IDS.filter((id) => id !== 'sistema_citas'));
  });
});
