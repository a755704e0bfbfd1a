/** The process catalog (DESIGN §4; manual 2.4.1 Cuadros 07–08 and the Listado of 2.4.2). */
import { canStart, congratulationInputSchema, findProcedure, listProcedures, procedureRunInputSchema } from '../../src/catalog';
import { ROLES } from '../../src/shared/roles';

describe('process catalog', () => {
  const all = listProcedures();

  test('when listed, then it holds 39 procedures with unique codes and known roles', () => {
    expect(all).toHaveLength(39);
    expect(new Set(all.map((p) => p.code)).size).toBe(39);
    for (const p of all) {
      for (const r of [...p.owner, ...p.starters]) expect(ROLES).toContain(r);
      for (const s of p.steps ?? []) expect(ROLES).toContain(s.role);
    }
  });

  test('when a procedure runs on the catalog-driven workflow, then it has steps with positive terms; pending ones say why', () => {
    for (const p of all) {
      if (p.executable && p.workflowType === 'procedureWorkflow') {
        expect(p.steps?.length).toBeGreaterThan(0);
        for (const s of p.steps!) expect(s.dueBusinessDays).toBeGreaterThan(0);
      }
      if (!p.executable) expect(p.pending).toBeTruthy();
    }
  });

  test('when owners come from Cuadro 08, then they are the manual’s (PM3.1.x read as PA3.1.x)', () => {
    expect(findProcedure('PM1.4.2')).toMatchObject({ owner: ['supervisor'], ownerFromManual: true });
    expect(findProcedure('PA3.1.1')).toMatchObject({ owner: ['coordinator'], ownerFromManual: true });
    expect(findProcedure('PA3.1.5')).toMatchObject({ owner: ['supervisor'], ownerFromManual: true });
    expect(findProcedure('PE1.1.1')).toMatchObject({ ownerFromManual: false });
  });

  test('when the PM1.4.2 indicators are read, then they are the Listado’s four', () => {
    expect(findProcedure('PM1.4.2')!.indicators.map((i) => i.name)).toEqual([
      'N° reclamos registrados',
      '% reclamos atendidos en el plazo de ley',
      '% de reclamos aceptados',
      '% de reclamos rechazados',
    ]);
  });

  test('when roles start procedures, then SSCS may start any and others only what the catalog lists', () => {
    const pm141 = findProcedure('PM1.4.1')!;
    expect(canStart(pm141, 'orientador')).toBe(true);
    expect(canStart(pm141, 'participant_entity')).toBe(false);
    expect(canStart(findProcedure('PE1.1.1')!, 'coordinator')).toBe(false);
    expect(canStart(findProcedure('PE1.1.1')!, 'sscs')).toBe(true);
    // PM1.3.1 (2.3.1): SSCS's Subsecretario/a or Responsable de Supervisión, nobody at the center.
    const pm131 = findProcedure('PM1.3.1')!;
    expect(canStart(pm131, 'sscs')).toBe(false);
    expect(canStart(pm131, 'sscs', ['legal'])).toBe(false);
    expect(canStart(pm131, 'sscs', ['supervision_lead'])).toBe(true);
    expect(canStart(pm131, 'supervisor')).toBe(false);
  });

  test('when inputs are validated, then unknown fields and bad centers are refused', () => {
    expect(procedureRunInputSchema.safeParse({ centerId: 'lima-norte', subject: 'Plan 2027', period: '2027' }).success).toBe(true);
    expect(procedureRunInputSchema.safeParse({ centerId: 'Lima Norte', subject: 'x' }).success).toBe(false);
    expect(procedureRunInputSchema.safeParse({ centerId: 'piura', subject: 'x', extra: 1 }).success).toBe(false);
    const ok = congratulationInputSchema.safeParse({ centerId: 'piura', citizen: { name: 'Ana Pérez', email: ' ANA@Correo.PE ' }, message: 'Gracias por todo' });
    expect(ok.success && ok.data.citizen.email).toBe('ana@correo.pe');
  });
});
