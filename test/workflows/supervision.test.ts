/**
 * PM1.3.1 Supervisión de Centros MAC (manual 2.3, Cuadros 02–06) through the HTTP API, on the
 * time-skipping server, over a whole year: the Plan de Supervisión Anual approved by the
 * Subsecretario/a starts each visit's run; Callao's supervision goes through gabinete (one task
 * late → reminded and escalated), the field visit with a Ficha that has NO items, both informes,
 * the oficios to the Entidad Administradora and to each participating entity with observations,
 * and its observations to their subsanación (one overdue → escalated); Lima Norte's (a PCM
 * center) derives by memorándum; Lima Norte's second-semester visit is missed and the plan
 * indicator says so at the year's end.
 */
import supertest from 'supertest';
import type { Worker } from '@temporalio/worker';
import { createApp } from '../../src/api/app';
import { signToken } from '../../src/api/auth';
import { BusinessCalendar, addDays, limaDate } from '../../src/calendar/businessCalendar';
import type { Actor, Role, SscsFunction } from '../../src/shared/roles';
import { onBusinessDay } from '../../src/supervision/plan';
import { maybeRecordHistory, RecordingMailer, TEST_SSCS_EMAIL, useWorkflowTestEnv } from '../helpers/infra';
import { eventually, JWT_SECRET, testApiDeps } from '../helpers/stack';
import { pdfToText } from '../helpers/pdf';
import { fichaAnswers as answers, supervisionReport as report, text, visitActivities } from '../helpers/supervision';

const ctx = useWorkflowTestEnv();
const mailer = new RecordingMailer();
let worker: Worker;
let running: Promise<void>;
let http: supertest.Agent;
/** The API's clock follows the time-skipping server's (updated after every skip). */
let now = new Date();

const token = (role: Role, sub: string, extra: Partial<Actor> = {}) => `Bearer ${signToken(JWT_SECRET, { sub, role, centers: '*', ...extra } as Actor)}`;
const sscs = (sub: string, ...functions: SscsFunction[]) => token('sscs', sub, { functions });
const T = {
  subsecretario: sscs('ss-rosa', 'subsecretario'),
  lead: sscs('lead-ana', 'supervision_lead'),
  member: sscs('team-luis', 'supervision_team'),
  legal: sscs('legal-eva', 'legal'),
  panel: sscs('panel-jorge', 'control_panel'),
  administration: sscs('adm-irma', 'administration'),
  macCoordination: sscs('mc-raul', 'mac_coordination'),
  coordinator: (c: string) => token('coordinator', `coord-${c}`, { centers: [c] }),
  tic: (c: string) => token('tic_specialist', `tic-${c}`, { centers: [c] }),
  admin: (c: string) => token('admin_entity', `adm-entity-${c}`, { centers: [c] }),
  entity: (c: string, entity: string) => token('participant_entity', `contact-${entity}`, { centers: [c], entity }),
};

const mark = (what: string) => process.env.SUPERVISION_TRACE && process.stderr.write(`[supervision ${new Date().toISOString()}] ${what} (server ${now.toISOString()})\n`);
async function skip(ms: number): Promise<void> {
  mark(`skip ${ms}`);
  await ctx.env.sleep(ms);
  now = new Date(await ctx.env.currentTimeMs());
}
const skipTo = async (instant: Date) => skip(Math.max(1, instant.getTime() - (await ctx.env.currentTimeMs())));

beforeAll(async () => {
  now = new Date(await ctx.env.currentTimeMs());
  const w = await ctx.worker(mailer);
  worker = w.worker;
  running = worker.run();
  const app = createApp(testApiDeps({ models: ctx.models, temporal: ctx.env.client, mailer, taskQueue: w.taskQueue, clock: () => now }));
  http = supertest.agent(app);
});

afterAll(async () => {
  worker?.shutdown();
  await running;
});

// ---- builders (STYLE: tests) ----------------------------------------------------------------

async function openTask(runId: string, type: string, auth: string): Promise<string> {
  return eventually(async () => {
    const res = await http.get('/api/v1/tasks').query({ runId, status: 'open' }).set('Authorization', auth);
    expect(res.status).toBe(200);
    return (res.body.tasks as { id: string; type: string }[]).find((t) => t.type === type)?.id;
  }, `open ${type} in ${runId}`);
}

async function complete(runId: string, type: string, auth: string, data: unknown): Promise<void> {
  mark(`complete ${type}`);
  const id = await openTask(runId, type, auth);
  const res = await http.post(`/api/v1/tasks/${encodeURIComponent(id)}/complete`).set('Authorization', auth).send({ data });
  if (res.status !== 200) throw new Error(`${type}: ${res.status} ${JSON.stringify(res.body)}`);
}

async function runOfVisit(year: number, visitId: string): Promise<string> {
  return eventually(async () => {
    const res = await http.get(`/api/v1/supervision/plans/${year}`).set('Authorization', T.lead);
    return (res.body.visits as { id: string; runId: string | null }[]).find((v) => v.id === visitId)?.runId ?? undefined;
  }, `the run of visit ${visitId}`);
}

const run = (runId: string) => http.get(`/api/v1/runs/${encodeURIComponent(runId)}`).set('Authorization', T.lead);

async function pdfText(documentId: string, auth: string): Promise<string> {
  const res = await http
    .get(`/api/v1/documents/${encodeURIComponent(documentId)}`)
    .set('Authorization', auth)
    .set('Accept', 'application/pdf')
    .buffer(true)
    .parse((r, done) => {
      const chunks: Buffer[] = [];
      r.on('data', (c: Buffer) => chunks.push(c));
      r.on('end', () => done(null, Buffer.concat(chunks)));
    });
  expect(res.status).toBe(200);
  expect(res.headers['content-type']).toMatch(/^application\/pdf/);
  return (await pdfToText(res.body as Buffer)).replace(/\s+/g, " ");
}

/** The gabinete (Cuadro 02, 2–7), all but `leave` completed at once. */
async function formTeam(runId: string): Promise<void> {
  await complete(runId, 'form_supervision_team', T.subsecretario, { lead: 'lead-ana', members: ['team-luis'] });
  await complete(runId, 'define_supervision_modality', T.subsecretario, { modality: 'presencial', logistics: 'Movilidad y viáticos aprobados; permiso de ingreso coordinado' });
}

async function gabinete(runId: string, center: string, leave?: string, teamFormed = false): Promise<void> {
  if (!teamFormed) await formTeam(runId);
  const steps: [string, string, unknown][] = [
    ['supply_legal_documents', T.legal, { '4_1': 'CA y ANS vigentes de 5 entidades', '4_2': 'Contratos de limpieza, vigilancia e internet' }],
    ['supply_attention_figures', T.coordinator(center), { '5_1': 41250, '5_3': [{ entityId: 'reniec', attentions: 15200 }, { entityId: 'sunarp', attentions: 9100 }], period: { from: '2026-01-01', to: '2026-02-28' } }],
    ['supply_ticket_figures', T.tic(center), { '5_4': 3.2, '5_5': 18, '5_6': 11 }],
    ['supply_control_panel_figures', T.panel, { '5_1': 41190, '5_5': 19, '5_6': 11 }],
    ['report_center_situation', T.coordinator(center), { '6_1': text('CA/ANS'), '6_2': text('MPP'), '6_3': text('Plan'), '6_4': text('Presupuesto'), '6_5': text('Bienes y servicios') }],
    ['supply_administrative_information', T.administration, { '7_1': text('RRHH'), '7_2': text('Contrataciones'), '7_3': text('Activos') }],
  ];
  for (const [type, auth, data] of steps) if (type !== leave) await complete(runId, type, auth, data);
}

/** The field visit (Cuadro 03, 1–10 and the Ficha of Cuadro 04) and the Informe Técnico expeditivo. */
async function fieldVisit(runId: string, protocolEntity: string): Promise<void> {
  await complete(runId, 'record_visit_activities', T.member, visitActivities());
  await complete(runId, 'record_operational_ficha', T.member, {
    items: answers({ '2_2_f': 'Tres computadoras de asesores sin funcionar', 'lrv_b': 'Dos módulos sin señalética QR <b>urgente</b>' }),
    protocols: [{ entityId: protocolEntity, greeting: { answer: 'SI' }, service: { answer: 'NO', observation: 'No se informa el tiempo de espera' }, farewell: { answer: 'SI' } }],
    requirements: { operation: ['Reposición de 3 computadoras'], humanResources: [], communication: [] },
    contracts: { rental: { answer: 'SI' }, cleaning: { answer: 'SI' }, others: [] },
    comments: 'Visita sin incidentes.',
  });
  await complete(runId, 'record_advisor_interviews', T.lead, { interviews: [{ entityId: protocolEntity, module: 'M-07', notes: 'Conoce el protocolo; pide capacitación.' }] });
  await complete(runId, 'close_supervision_visit', T.lead, {
    summary: 'Se revisó la operación del Centro MAC y se entregó el Informe Expositivo.',
    participants: [{ name: 'Ana Torres', position: 'Responsable de Supervisión, SSCS' }, { name: 'Carlos Ruiz', position: 'Coordinador del Centro MAC' }],
    informeExpositivoDelivered: true,
    actaSigned: true,
  });
  await complete(runId, 'write_expeditious_report', T.lead, { antecedentes: 'Plan de Supervisión Anual', aspectosObservados: 'Equipos inoperativos', accionesInmediatas: 'Reubicación de asesores', conclusiones: 'Subsanar en plazo' });
}

// ---------------------------------------------------------------------------------------------

test('a year of the Plan de Supervisión Anual through the API: two supervisions to the end, every observation corrected, one missed visit in the indicator', async () => {
  const calendar = new BusinessCalendar();
  const year = Number(limaDate(now).slice(0, 4)) + 1;
  const callaoDate = onBusinessDay(calendar, `${year}-03-16`);
  const limaDate1 = onBusinessDay(calendar, `${year}-05-18`);
  const limaDate2 = onBusinessDay(calendar, `${year}-10-15`);
  const callaoDate2 = onBusinessDay(calendar, `${year}-09-15`);

  // ---- Plan (Cuadro 02, 1): drafted by the Responsable, approved by the Subsecretario/a ----
  // Two visits in one semester: refused, naming the field (2.3.3: one per semester).
  const bad = await http.post('/api/v1/supervision/plans').set('Authorization', T.lead).send({ year, visits: [{ centerId: 'callao', date: callaoDate }, { centerId: 'callao', date: limaDate1 }] });
  expect(bad.status).toBe(400);
  expect(JSON.stringify(bad.body)).toContain('body.visits.1.date');
  const draft = await http
    .post('/api/v1/supervision/plans')
    .set('Authorization', T.lead)
    .send({ year, visits: [{ centerId: 'callao', date: callaoDate }, { centerId: 'callao', date: callaoDate2 }, { centerId: 'lima-norte', date: limaDate1 }, { centerId: 'lima-norte', date: limaDate2 }] });
  expect(draft.status).toBe(201);
  expect(draft.body.visits.map((v: { id: string; semester: number }) => `${v.id}:${v.semester}`)).toEqual(['callao-1:1', 'callao-2:2', 'lima-norte-1:1', 'lima-norte-2:2']);
  expect((await http.post(`/api/v1/supervision/plans/${year}/approval`).set('Authorization', T.lead)).status).toBe(403);
  const approved = await http.post(`/api/v1/supervision/plans/${year}/approval`).set('Authorization', T.subsecretario);
  expect(approved.status).toBe(200);
  expect(approved.body).toMatchObject({ status: 'approved', approvedBy: 'ss-rosa' });
  // Callao's second visit leaves the plan with its reason (2.3.3: plan changes are SSCS's, with a reason).
  const cancelled = await http.put(`/api/v1/supervision/plans/${year}/visits/callao-2`).set('Authorization', T.subsecretario).send({ cancel: true, reason: 'Decisión de la alta dirección: visita no programada realizada en agosto' });
  expect(cancelled.status).toBe(200);

  // ---- Callao: its run starts with the gabinete, 15 business days before the visit ----
  await skipTo(new Date(`${calendar.businessDaysBefore(callaoDate, 15)}T13:05:00Z`));
  const callao = await runOfVisit(year, 'callao-1');
  // A task goes to the function the Cuadro names: the control panel cannot answer for the legal area.
  await formTeam(callao);
  const legalTask = await openTask(callao, 'supply_legal_documents', T.legal);
  const wrong = await http.post(`/api/v1/tasks/${encodeURIComponent(legalTask)}/complete`).set('Authorization', T.panel).send({ data: { '4_1': 'x', '4_2': 'y' } });
  expect(wrong.status).toBe(403);
  expect(wrong.body.error.message).toContain('legal');
  // The coordinator's situation report (Cuadro 02, 6) is left late.
  await gabinete(callao, 'callao', 'report_center_situation', true);
  const gabineteDue = calendar.businessDaysBefore(callaoDate, 2);
  await skipTo(new Date(`${addDays(gabineteDue, 1)}T14:00:00Z`));
  const late = await eventually(async () => {
    const r = await run(callao);
    const t = (r.body.tasks as { type: string; id: string }[]).find((x) => x.type === 'report_center_situation');
    return r.body.escalations.some((e: { taskId: string; level: string }) => e.taskId === t?.id && e.level === 'admin_entity') ? r.body : undefined;
  }, 'the late situation report escalated to the Entidad Administradora');
  expect(late.notifications.map((n: { subject: string }) => n.subject).join('\n')).toMatch(/Recordatorio/i);
  await complete(callao, 'report_center_situation', T.coordinator('callao'), { '6_1': text('CA/ANS'), '6_2': text('MPP'), '6_3': text('Plan'), '6_4': text('Presupuesto'), '6_5': text('Bienes y servicios') });

  // ---- Visita de campo on the visit date ----
  await skipTo(new Date(`${callaoDate}T13:30:00Z`));
  await fieldVisit(callao, 'sunarp');
  const afterVisit = await http.get(`/api/v1/supervision/plans/${year}`).set('Authorization', T.lead);
  expect(afterVisit.body.visits.find((v: { id: string }) => v.id === 'callao-1')).toMatchObject({ standing: 'executed', runId: callao });

  // ---- Posterior: the Informe de Supervisión, returned once, then approved ----
  const observations = [
    { type: 'SO', source: 'Cuadro 04, 2.2.f', addressee: { kind: 'admin_entity' }, description: 'Computadoras de asesores inoperativas', recommendation: 'Reponer los equipos', termBusinessDays: 10 },
    { type: 'SO', source: 'Cuadro 04, 3.2', addressee: { kind: 'entity', entityId: 'sunarp' }, description: 'Asesores no informan el tiempo de espera <script>', recommendation: 'Reforzar el protocolo de 2.2.3', termBusinessDays: 5 },
  ];
  await complete(callao, 'write_supervision_report', T.lead, report(observations));
  await complete(callao, 'review_supervision_report', T.subsecretario, { verdict: 'return', comments: 'Precisar los plazos' });
  await complete(callao, 'write_supervision_report', T.member, report(observations));
  await complete(callao, 'review_supervision_report', T.subsecretario, { verdict: 'approve' });
  await complete(callao, 'coordinate_entity_reports', T.macCoordination, { content: 'Resultados de la supervisión por entidad' });

  const derived = await eventually(async () => {
    const r = await run(callao);
    return r.body.documents.length >= 11 ? r.body : undefined; // ficha, acta, expeditivo, informe, 2 oficios, 5 entity reports
  }, 'the derivation documents');
  const types = derived.documents.map((d: { type: string }) => d.type);
  expect(types.filter((t: string) => t === 'oficio_supervision')).toHaveLength(2);
  expect(types).not.toContain('memorandum_supervision');
  expect(types.filter((t: string) => t === 'reporte_entidad_supervision')).toHaveLength(5); // Cuadro 06: every participating entity of Callao
  const oficioAdmin = derived.documents.find((d: { id: string }) => d.id.endsWith(':derivacion-admin'));
  const oficioSunarp = derived.documents.find((d: { id: string }) => d.id.endsWith(':derivacion-sunarp'));
  // (Numbered in the year of the worker's clock, which the time-skipping server does not move.)
  expect(oficioAdmin.reference).toMatch(/^OFICIO N° \d{3}-\d{4}-PCM\/SGP\/SSCS$/);

  // The PDFs parse back with the number, the addressee and the subject; supplied text stays text.
  const adminPdf = await pdfText(oficioAdmin.id, T.lead);
  expect(adminPdf).toContain(oficioAdmin.reference);
  expect(adminPdf).toContain('Gobierno Regional del Callao');
  expect(adminPdf).toMatch(/Asunto:\s*Derivación del Informe de Supervisión del Centro MAC/);
  expect(adminPdf).toMatch(/Subsecretaría de Calidad de Servicios \(SSCS-SGP\).*Lima, \d{1,2} de \w+ de \d{4}/); // SSCS's letterhead, not the center's
  const sunarpPdf = await pdfText(oficioSunarp.id, T.lead);
  expect(sunarpPdf).toContain(oficioSunarp.reference);
  expect(sunarpPdf).toContain('SUNARP');
  expect(sunarpPdf).toContain('no informan el tiempo de espera <script>');
  const fichaPdf = await pdfText(derived.documents.find((d: { type: string }) => d.type === 'ficha_supervision').id, T.lead);
  expect(fichaPdf).toContain('Dos módulos sin señalética QR <b>urgente</b>');

  // Each oficio went by email with its PDF, to its addressee.
  const toAdmin = await eventually(async () => mailer.to('centromac@regioncallao.gob.pe').find((m) => m.subject.startsWith(oficioAdmin.reference)), 'the oficio to the Entidad Administradora');
  expect(toAdmin.attachments.map((a) => a.filename)).toEqual(expect.arrayContaining([expect.stringMatching(/^OFICIO_N_\d{3}-\d{4}-PCM_SGP_SSCS\.pdf$/), expect.stringMatching(/^INFORME_N_.*\.pdf$/)]));

  // ---- Subsanación (Cuadro 05, 5–6): the admin entity's in term; SUNARP's overdue, escalated ----
  const obsRuns: string[] = await eventually(async () => {
    const r = await http.get('/api/v1/runs').query({ code: 'PM1.3.1', centerId: 'callao' }).set('Authorization', T.lead);
    const ids = (r.body.runs as { runId: string; workflowType: string }[]).filter((x) => x.workflowType === 'supervisionObservationWorkflow').map((x) => x.runId);
    return ids.length === 2 ? ids : undefined;
  }, 'two observation runs');
  const [adminObs, sunarpObs] = await Promise.all(
    obsRuns.map(async (id) => ((await run(id)).body.tasks[0].role === 'admin_entity' ? ['admin', id] : ['sunarp', id])),
  ).then((pairs) => [pairs.find((p) => p[0] === 'admin')![1], pairs.find((p) => p[0] === 'sunarp')![1]]);
  await complete(adminObs, 'report_observation_correction', T.admin('callao'), { actions: 'Se repusieron 3 computadoras', reference: 'Oficio N° 045-2027-GRC' });
  await complete(adminObs, 'verify_observation_correction', T.macCoordination, { verdict: 'corrected' });

  await eventually(async () => {
    const r = await http.get('/api/v1/supervision/indicators').query({ year, centerId: 'callao' }).set('Authorization', T.lead);
    return r.body.centers[0].observations.open === 1 && r.body.centers[0].observations.overdue === 0 ? true : undefined;
  }, 'one open observation, none overdue');
  await skip(20 * 86_400_000); // SUNARP's 5 business days pass, then 5 more (coordinator → Entidad Administradora)
  const overdue = await eventually(async () => {
    const r = await http.get('/api/v1/supervision/indicators').query({ year, centerId: 'callao' }).set('Authorization', T.lead);
    return r.body.centers[0].observations.overdue === 1 ? r.body : undefined;
  }, 'the overdue observation');
  expect(overdue.centers[0].observations).toEqual({ open: 1, overdue: 1 });
  const escalated = (await run(sunarpObs)).body;
  expect(escalated.escalations.map((e: { level: string }) => e.level)).toEqual(expect.arrayContaining(['coordinator', 'admin_entity']));
  await complete(sunarpObs, 'report_observation_correction', T.entity('callao', 'sunarp'), { actions: 'Capacitación en protocolo de atención', reference: 'Oficio N° 120-2027-SUNARP' });
  await complete(sunarpObs, 'verify_observation_correction', T.macCoordination, { verdict: 'not_corrected', comments: 'Adjuntar la lista de asistentes' });
  await complete(sunarpObs, 'report_observation_correction', T.entity('callao', 'sunarp'), { actions: 'Se adjunta lista de asistentes', reference: 'Oficio N° 131-2027-SUNARP' });
  await complete(sunarpObs, 'verify_observation_correction', T.macCoordination, { verdict: 'corrected' });

  const done = await eventually(async () => {
    const r = await run(callao);
    return r.body.status === 'completed' ? r.body : undefined;
  }, 'the Callao supervision completed');
  expect(done.metrics).toMatchObject({ planned: 1, executed: 1, achieved: 1, observations: 2, observationsOverdue: 1, observationsUnresolved: 0, gabineteMissing: 0 });
  // The history names who did each step, with the SSCS function they acted in.
  const approval = done.tasks.filter((t: { type: string }) => t.type === 'review_supervision_report').pop();
  expect(approval.completedBy).toMatchObject({ sub: 'ss-rosa', role: 'sscs' });

  // ---- Lima Norte (a PCM center): derived by memorándum ----
  await skipTo(new Date(`${calendar.businessDaysBefore(limaDate1, 15)}T13:05:00Z`));
  const lima = await runOfVisit(year, 'lima-norte-1');
  // The TIC specialist never sends the figures of 5.4–5.6: on the visit date they are closed as
  // not delivered and the visit goes ahead (the center cannot stop its own supervision).
  await gabinete(lima, 'lima-norte', 'supply_ticket_figures');
  await skipTo(new Date(`${limaDate1}T13:30:00Z`));
  await fieldVisit(lima, 'reniec');
  const notDelivered = (await run(lima)).body.tasks.find((t: { type: string }) => t.type === 'supply_ticket_figures');
  expect(notDelivered).toMatchObject({ status: 'cancelled' });
  await complete(lima, 'write_supervision_report', T.lead, report([{ type: 'SE', source: 'Cuadro 03, 6.5', addressee: { kind: 'admin_entity' }, description: 'Inducciones sin evaluación', recommendation: 'Registrar la evaluación' }]));
  await complete(lima, 'review_supervision_report', T.subsecretario, { verdict: 'approve' });
  await complete(lima, 'coordinate_entity_reports', T.macCoordination, { content: 'Resultados por entidad' });
  const memo = await eventually(async () => (await run(lima)).body.documents.find((d: { type: string }) => d.type === 'memorandum_supervision'), 'the memorándum');
  expect(memo.reference).toMatch(/^MEMORÁNDUM N° \d{3}-\d{4}-PCM\/SGP\/SSCS$/);
  expect(await pdfText(memo.id, T.lead)).toContain('Coordinador(a) del Centro MAC Lima Norte');
  const limaInforme = (await run(lima)).body.documents.find((d: { type: string }) => d.type === 'informe_supervision');
  expect(await pdfText(limaInforme.id, T.lead)).toMatch(/no remitida antes de la visita Remitir reactivación de turnos/);
  const [limaObs] = await eventually(async () => {
    const r = await http.get('/api/v1/runs').query({ code: 'PM1.3.1', centerId: 'lima-norte' }).set('Authorization', T.lead);
    const ids = (r.body.runs as { runId: string; workflowType: string }[]).filter((x) => x.workflowType === 'supervisionObservationWorkflow').map((x) => x.runId);
    return ids.length === 1 ? ids : undefined;
  }, 'the Lima Norte observation run');
  // "c. Gestionar con la PCM": the coordinator of the PCM center answers for it.
  await complete(limaObs, 'report_observation_correction', T.coordinator('lima-norte'), { actions: 'Evaluaciones registradas', reference: 'Informe técnico N° 012-2027' });
  await complete(limaObs, 'verify_observation_correction', T.macCoordination, { verdict: 'corrected' });
  await eventually(async () => ((await run(lima)).body.status === 'completed' ? true : undefined), 'the Lima Norte supervision completed');

  // ---- Year end: Lima Norte's second visit was never carried out ----
  await skipTo(new Date(`${year + 1}-01-04T15:00:00Z`));
  const indicator = await http.get('/api/v1/supervision/indicators').query({ year }).set('Authorization', T.subsecretario);
  expect(indicator.status).toBe(200);
  const byCenter = Object.fromEntries(indicator.body.centers.map((c: { centerId: string }) => [c.centerId, c]));
  expect(byCenter.callao).toMatchObject({ planned: 1, executed: 1, compliance: 100 });
  expect(byCenter['lima-norte']).toMatchObject({ planned: 2, executed: 1, missed: 1, compliance: 50 });
  expect(byCenter['lima-norte'].semesters).toEqual([
    { semester: 1, planned: 1, executed: 1, missed: 0, compliance: 100 },
    { semester: 2, planned: 1, executed: 0, missed: 1, compliance: 0 },
  ]);
  expect(byCenter['lima-norte'].missedVisits).toEqual([expect.objectContaining({ id: 'lima-norte-2', semester: 2, date: limaDate2 })]);
  expect(indicator.body).toMatchObject({ planned: 3, executed: 2, missed: 1, compliance: 66.67 });
  // The Listado's indicator reads the same plan.
  const listado = await http.get('/api/v1/indicators').query({ code: 'PM1.3.1', from: `${year}-01-01`, to: `${year}-12-31` }).set('Authorization', T.subsecretario);
  expect(listado.body.procedures[0].indicators[0]).toMatchObject({ id: 'supervision_plan', numerator: 2, denominator: 3, value: 66.67 });

  await maybeRecordHistory('supervision-completed', ctx.env.client.workflow.getHandle(callao));
  await maybeRecordHistory('supervision-observation-overdue', ctx.env.client.workflow.getHandle(sunarpObs));
  await maybeRecordHistory('supervision-plan-year', ctx.env.client.workflow.getHandle(`supervision-plan-${year}`));
  expect(mailer.to(TEST_SSCS_EMAIL).length).toBeGreaterThan(0);
}, 600_000);
