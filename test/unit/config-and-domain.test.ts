import { ConfigError, DEV_JWT_SECRET, parseConfig, requireEndpoints } from '../../src/config';
import { centerType, staffingCheck } from '../../src/domain/centers';
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
