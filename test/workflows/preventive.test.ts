/**
 * Preventive maintenance through the HTTP API on the time-skipping server: the annual plan
 * (PA2.2.1) formulated by the Supervisor (infrastructure) and the Especialista TIC (TIC) before its
 * deadline and approved by the coordinator; its programación starts each maintenance's run
 * (PA2.2.2 / PA1.1.3) ahead of its date, coordinated, executed with evidence and given conformity;
 * the indicators read the runs (PA1.1.4's share of correctives counts the preventive ones). The
 * overdue path: a plan formulated after its deadline (escalated, "no formulado en plazo") and a
 * scheduled maintenance not executed by its date (escalated up to SSCS).
 */
import { maybeRecordHistory, TEST_SSCS_EMAIL } from '../helpers/infra';
import { eventually } from '../helpers/stack';
import { useApiFlow } from '../helpers/apiFlow';

const flow = useApiFlow({ serverPerTest: true });
const T = {
  sscs: flow.token('sscs', 'sscs-ana'),
  coordinator: flow.token('coordinator', 'coord-callao', { centers: ['callao'] }),
  supervisor: flow.token('supervisor', 'sup-callao', { centers: ['callao'] }),
  tic: flow.token('tic_specialist', 'tic-callao', { centers: ['callao'] }),
};
const history = (runId: string) => flow.ctx.env.client.workflow.getHandle(runId);
const YEAR = 2027;
const indicator = async (code: string) =>
  (await flow.http.get('/api/v1/indicators').query({ centerId: 'callao', code }).set('Authorization', T.sscs)).body.procedures[0].indicators[0];

const infrastructurePart = { items: [{ assetKey: 'iluminacion', description: 'Revisión y cambio de luminarias', dates: [`${YEAR}-02-15`], contractor: 'Electro Lima SAC' }] };
const ticPart = {
  items: [
    { assetKey: 'aire-acondicionado', description: 'Limpieza de filtros y revisión de gas', dates: [`${YEAR}-02-10`, `${YEAR}-08-10`], contractor: 'Climatización SAC' },
    { assetKey: 'ups', description: 'Prueba de baterías de la UPS', dates: [`${YEAR}-03-01`] },
  ],
};

async function runOf(code: string, auth: string, after: Set<string> = new Set()): Promise<string> {
  return eventually(async () => {
    const res = await flow.http.get('/api/v1/runs').query({ code, centerId: 'callao' }).set('Authorization', auth);
    return (res.body.runs as { runId: string }[]).map((r) => r.runId).find((id) => !after.has(id));
  }, `a run of ${code}`);
}

test('when the plan is formulated in term and approved, then each scheduled maintenance starts ahead of its date, is executed on time, and the indicators count it', async () => {
  const planRun = await flow.start('PA2.2.1', T.supervisor, { centerId: 'callao', year: YEAR });
  // A date outside the plan's year is refused, naming it.
  const wrong = await flow.tryComplete(planRun, 'formulate_preventive_plan', T.supervisor, { items: [{ description: 'x', dates: ['2026-12-01'] }] });
  expect(wrong.status).toBe(400);
  expect(JSON.stringify(wrong.body)).toContain('items.0.dates (2026-12-01)');
  // Not a day of the calendar.
  const impossible = await flow.tryComplete(planRun, 'formulate_preventive_plan', T.supervisor, { items: [{ description: 'x', dates: [`${YEAR}-02-30`] }] });
  expect(impossible.status).toBe(400);
  expect(JSON.stringify(impossible.body)).toContain('data.items.0.dates.0');
  await flow.complete(planRun, 'formulate_preventive_plan', T.supervisor, infrastructurePart);
  await flow.complete(planRun, 'formulate_preventive_plan', T.tic, ticPart);
  await flow.complete(planRun, 'approve_preventive_plan', T.coordinator, { verdict: 'approved' });
  const plan = await flow.runStatus(planRun, T.coordinator, 'completed');
  expect(plan.metrics).toMatchObject({ closed: 1, onTime: 1 });
  expect(await indicator('PA2.2.1')).toMatchObject({ id: 'preventive_plan_on_time', numerator: 1, denominator: 1, value: 100 });
  // One plan per center and year.
  const again = await flow.http.post('/api/v1/procedures/PA2.2.1/runs').set('Authorization', T.supervisor).send({ centerId: 'callao', year: YEAR });
  expect(again.status).toBe(409);
  expect(again.body.error.message).toContain(planRun);

  // Nothing starts before its lead: the first maintenance (10 Feb) opens 5 business days before.
  expect((await flow.http.get('/api/v1/runs').query({ code: 'PA1.1.3' }).set('Authorization', T.sscs)).body.runs).toEqual([]);
  await flow.skipTo(new Date(`${YEAR}-02-03T14:00:00Z`));
  const ac = await runOf('PA1.1.3', T.tic);
  const acRun = await flow.run(ac, T.tic);
  expect(acRun.summary).toContain(`${YEAR}-02-10`);
  expect(acRun.summary).toContain('Equipos de aire acondicionado');
  await flow.complete(ac, 'coordinate_preventive', T.tic, { contractor: 'Climatización SAC', confirmedDate: `${YEAR}-02-10` });
  // An execution cannot be dated in the future.
  const early = await flow.tryComplete(ac, 'execute_preventive', T.tic, { executedOn: `${YEAR}-02-09`, work: 'x', evidence: 'y' });
  expect(early.status).toBe(400);
  expect(JSON.stringify(early.body)).toContain('executedOn');
  await flow.skipTo(new Date(`${YEAR}-02-09T20:00:00Z`));
  await flow.complete(ac, 'execute_preventive', T.tic, { executedOn: `${YEAR}-02-09`, work: 'Limpieza de filtros de 6 equipos; presión de gas conforme', evidence: 'Informe técnico N° 014-2027 y acta de conformidad' });
  await flow.complete(ac, 'confirm_preventive', T.supervisor, { verdict: 'conforme' });
  expect((await flow.runStatus(ac, T.tic, 'completed')).metrics).toMatchObject({ planned: 1, executed: 1, executedOnTime: 1, maintenance: 1, corrective: 0 });
  expect(await indicator('PA1.1.3')).toMatchObject({ id: 'tic_preventive_plan', numerator: 1, denominator: 1 });
  // PA1.1.4's share of correctives now has the preventive run in its total.
  expect(await indicator('PA1.1.4')).toMatchObject({ id: 'tic_corrective_share', numerator: 0, denominator: 1, value: 0 });

  await maybeRecordHistory('preventive-plan-on-time', history(planRun));
  await maybeRecordHistory('preventive-tic-executed', history(ac));
  await maybeRecordHistory('preventive-schedule', history(`${planRun}-programacion`));
});

test('when the plan is formulated after its deadline and a maintenance is not executed by its date, then both are escalated up to SSCS and the indicators say so', async () => {
  const planRun = await flow.start('PA2.2.1', T.coordinator, { centerId: 'callao', year: YEAR });
  await flow.openTask(planRun, 'formulate_preventive_plan', T.tic);
  await flow.complete(planRun, 'formulate_preventive_plan', T.supervisor, infrastructurePart);
  // The TIC part is not in by 31 January: reminded, then escalated the three levels.
  await flow.skipTo(new Date(`${YEAR}-02-08T15:00:00Z`));
  const late = await eventually(async () => {
    const r = await flow.run(planRun, T.sscs);
    return r.escalations.length === 3 ? r : undefined;
  }, 'the plan escalated three levels');
  expect(late.escalations.map((e: { level: string }) => e.level)).toEqual(['coordinator', 'admin_entity', 'sscs']);
  expect(flow.mailer.to('tic.callao@mac.gob.pe').filter((m) => m.subject.startsWith('Recordatorio') && m.subject.includes(planRun))).toHaveLength(2);
  await flow.complete(planRun, 'formulate_preventive_plan', T.tic, { items: [{ assetKey: 'ups', description: 'Prueba de baterías de la UPS', dates: [`${YEAR}-03-01`] }] });
  // Returned once: both parts are formulated again, then approved.
  await flow.complete(planRun, 'approve_preventive_plan', T.coordinator, { verdict: 'returned', observations: 'Falta el mantenimiento de los equipos de aire acondicionado' });
  await flow.complete(planRun, 'formulate_preventive_plan', T.supervisor, infrastructurePart);
  await flow.complete(planRun, 'formulate_preventive_plan', T.tic, ticPart);
  await flow.complete(planRun, 'approve_preventive_plan', T.coordinator, { verdict: 'approved' });
  expect((await flow.runStatus(planRun, T.coordinator, 'completed')).metrics).toMatchObject({ closed: 1, onTime: 0 });
  expect(await indicator('PA2.2.1')).toMatchObject({ numerator: 0, denominator: 1, value: 0 });

  // The lighting (15 Feb, the Supervisor's): coordinated, then not executed by its date.
  const lighting = await runOf('PA2.2.2', T.supervisor);
  await flow.complete(lighting, 'coordinate_preventive', T.supervisor, { contractor: 'Electro Lima SAC', confirmedDate: `${YEAR}-02-15` });
  await flow.openTask(lighting, 'execute_preventive', T.supervisor);
  await flow.skipTo(new Date(`${YEAR}-02-22T15:00:00Z`));
  const overdue = await eventually(async () => {
    const r = await flow.run(lighting, T.sscs);
    return r.escalations.length === 3 ? r : undefined;
  }, 'the maintenance escalated three levels');
  expect(overdue.escalations.map((e: { level: string }) => e.level)).toEqual(['coordinator', 'admin_entity', 'sscs']);
  await eventually(async () => flow.mailer.to(TEST_SSCS_EMAIL).find((m) => m.subject.startsWith('Escalamiento') && m.subject.includes(lighting)), 'the escalation to SSCS');
  await flow.complete(lighting, 'execute_preventive', T.supervisor, { executedOn: `${YEAR}-02-22`, work: 'Cambio de 14 luminarias', evidence: 'Acta de conformidad del 22/02' });
  await flow.complete(lighting, 'confirm_preventive', T.coordinator, { verdict: 'conforme' });
  expect((await flow.runStatus(lighting, T.supervisor, 'completed')).metrics).toMatchObject({ executed: 1, executedOnTime: 0 });
  expect(await indicator('PA2.2.2')).toMatchObject({ id: 'preventive_plan_execution', numerator: 1, denominator: 1 });

  await maybeRecordHistory('preventive-plan-late', history(planRun));
  await maybeRecordHistory('preventive-infrastructure-overdue', history(lighting));
});
