import { condition, sleep } from '@temporalio/workflow';
import { acts, limaDay, Run, withRun } from './run';
import type { SupervisionContext } from '../activities';
import type { RunMeta, RunState, TaskState } from '../shared/messages';
import type { EngineSettings } from '../shared/settings';
import type { Actor, SscsFunction } from '../shared/roles';
import { SSCS_FUNCTIONS } from '../shared/roles';
import type { TaskData } from '../shared/tasks';
import { ANSWER_LABELS, CONTRACT_ITEMS, FICHA_SECTIONS, fichaApplicabilityMismatch, PROTOCOL_ITEMS, REPORT_SECTIONS, REQUIREMENT_KINDS, type Observation } from '../domain/supervision';

export interface SupervisionInput {
  centerId: string;
  /** The field visit's date (Lima, YYYY-MM-DD). */
  visitDate: string;
  /** A visit of the Plan de Supervisión Anual (started by the plan's workflow)… */
  plan?: { year: number; visitId: string };
  /** …or an unscheduled one (2.3.3), started through the API with its reason. */
  unscheduled?: { category: 'coyuntural' | 'emergente'; reason: string };
}

export interface SupervisionWorkflowInput {
  meta: RunMeta;
  input: SupervisionInput;
  settings: EngineSettings;
}

export interface ObservationWorkflowInput {
  meta: RunMeta;
  input: {
    centerId: string;
    supervisionRunId: string;
    /** 1-based number of the observation in its Informe de Supervisión. */
    n: number;
    observation: Observation;
    /** The oficio or memorándum that derived it (Cuadro 05, 4). */
    derivedBy: string;
    pcmOwned: boolean;
    entityName?: string;
  };
  settings: EngineSettings;
}

const LEAD: SscsFunction[] = ['supervision_lead'];
const NOT_DELIVERED = 'Llegó la fecha de la visita sin esta información del gabinete (Cuadro 02): no remitida';
/** A task's data if it was completed (a task closed as not delivered has none). */
const given = (t: TaskState) => (t.status === 'completed' ? t.data : undefined);
const TEAM: SscsFunction[] = ['supervision_lead', 'supervision_team'];
const SUBSECRETARIO: SscsFunction[] = ['subsecretario'];

/**
 * PM1.3.1 Supervisión de Centros MAC (manual 2.3): one supervision of one center by SSCS, in the
 * manual's three stages, then each observation followed to its subsanación.
 *
 * - Gabinete (Cuadro 02, 2–7; 1 is the plan): the Subsecretario/a forms the Equipo Supervisor and
 *   sets the modality; the legal area, the center's coordinator and TIC specialist, SSCS's control
 *   panel and administrative coordinator supply what 4–7 ask, each a task due before the visit,
 *   reminded and escalated like every task of the engine, and awaited until the visit date only:
 *   what is missing then is closed as not delivered and named in the Informe.
 * - Visita de campo (Cuadro 03, 1–10 and the Ficha of Cuadro 04), from the visit date, by the team:
 *   the reviews of 1–8, the Ficha, the interviews of 9; then the closing meeting of 10 (acta signed,
 *   Informe Expositivo handed over) and the Informe Técnico expeditivo (Cuadro 05, 2).
 * - Posterior (Cuadro 05, 1–6): the Informe de Supervisión with its observations, approved by the
 *   Subsecretario/a; derived by oficio to the Entidad Administradora (by memorándum for PCM's own
 *   centers) and to each participating entity with observations; each observation its own run
 *   until SSCS's Coordinación de Centros MAC accepts its correction; Cuadro 06's report to every
 *   participating entity. The run completes when every observation run has ended (corrected, or
 *   counted as unresolved if it was ended otherwise).
 */
export async function supervisionWorkflow(args: SupervisionWorkflowInput): Promise<RunState> {
  return withRun(args.meta, (run) => supervisionRun(run, args));
}

async function supervisionRun(run: Run, { input, settings }: SupervisionWorkflowInput): Promise<RunState> {
  const cfg = settings.supervision;
  const ctx = await acts.supervisionContext({ centerId: input.centerId, visitDate: input.visitDate, openedAt: new Date().toISOString(), dueBefore: cfg.gabineteDueBefore });
  const kind = input.plan ? `programada (Plan ${input.plan.year}, ${input.plan.visitId})` : `no programada (${input.unscheduled?.category}: ${input.unscheduled?.reason})`;
  await run.begin(`Supervisión ${kind} del Centro MAC ${ctx.center.name}, visita del ${input.visitDate}`, {}, input.plan ? `plan:${input.plan.year}:${input.plan.visitId}` : undefined);
  const gab = { dueOn: ctx.gabineteDue, remindBefore: [2], escalateEvery: cfg.escalateEvery };

  // ---- Gabinete (Cuadro 02) -------------------------------------------------------------------
  const team = await run.task({ key: 'c02-2-team', type: 'form_supervision_team', title: 'Conformar el Equipo Supervisor de SSCS (Cuadro 02, 2)', role: 'sscs', functions: SUBSECRETARIO, ...gab });
  const members = [team.data.lead, ...team.data.members];
  /** Cuadro 03 and 05 are the Equipo Supervisor's: only its members record them. */
  const onTeam = (_: unknown, actor: Actor) => (members.includes(actor.sub) ? undefined : `only the Equipo Supervisor of this supervision (${members.join(', ')}) may record it (Cuadro 02, 2)`);
  const onlyLead = (_: unknown, actor: Actor) => (actor.sub === team.data.lead ? undefined : `only the Responsable de Supervisión (${team.data.lead}) may record it`);
  const modality = await run.task({ key: 'c02-3-modality', type: 'define_supervision_modality', title: 'Definir modalidad de supervisión presencial o remota (Cuadro 02, 3)', role: 'sscs', functions: SUBSECRETARIO, ...gab });
  // The information of 4–7 is awaited until the visit date, no longer: a center (or an SSCS area)
  // that does not answer must not stop its own supervision. What is still open then is closed as
  // not delivered, and the Informe says so.
  const visitStarts = Date.parse(`${input.visitDate}T08:00:00-05:00`);
  let gathered = false;
  const information = run.concurrently(Promise.all([
    run.task({ key: 'c02-4-legal', type: 'supply_legal_documents', title: 'Remitir CA, ANS y contratos/convenios suscritos del Centro MAC (Cuadro 02, 4.1–4.2)', role: 'sscs', functions: ['legal'], ...gab }),
    run.task({ key: 'c02-5-attention', type: 'supply_attention_figures', title: 'Remitir atenciones, citas y ranking por entidad (Cuadro 02, 5.1–5.3)', role: 'coordinator', alsoRoles: ['supervisor'], ...gab }),
    run.task({ key: 'c02-5-tickets', type: 'supply_ticket_figures', title: 'Remitir reactivación de turnos y tiempos promedio de espera y atención (Cuadro 02, 5.4–5.6)', role: 'tic_specialist', ...gab }),
    run.task({ key: 'c02-5-panel', type: 'supply_control_panel_figures', title: 'Remitir las cifras del panel de control de la SSCS (Cuadro 02, 5)', role: 'sscs', functions: ['control_panel'], ...gab }),
    run.task({ key: 'c02-6-situation', type: 'report_center_situation', title: 'Remitir el informe técnico de situación actual (Cuadro 02, 6.1–6.5)', role: 'coordinator', alsoRoles: ['supervisor'], ...gab }),
    run.task({ key: 'c02-7-admin', type: 'supply_administrative_information', title: 'Remitir la información administrativa (Cuadro 02, 7.1–7.3)', role: 'sscs', functions: ['administration'], ...gab }),
  ]).then((tasks) => ((gathered = true), tasks)));
  if (!(await condition(() => gathered, Math.max(1, visitStarts - Date.now())))) {
    for (const t of run.state.tasks.filter((x) => x.status === 'open' && x.id.startsWith(`${run.meta.runId}:c02-`))) await run.cancel(t, NOT_DELIVERED);
  }
  const [legal, attention, tickets, panel, situation, administrative] = (await information).map(given) as [
    TaskData<'supply_legal_documents'> | undefined,
    TaskData<'supply_attention_figures'> | undefined,
    TaskData<'supply_ticket_figures'> | undefined,
    TaskData<'supply_control_panel_figures'> | undefined,
    TaskData<'report_center_situation'> | undefined,
    TaskData<'supply_administrative_information'> | undefined,
  ];
  const missing = (await information).filter((t) => t.status !== 'completed').map((t) => t.title);

  // ---- Visita de campo (Cuadro 03, Ficha of Cuadro 04) ----------------------------------------
  if (Date.now() < visitStarts) await sleep(visitStarts - Date.now());
  const onVisit = { dueOn: input.visitDate, remindBefore: [], escalateEvery: cfg.escalateEvery };
  const [activities, ficha, interviews] = await Promise.all([
    run.task({ key: 'c03-1-8', type: 'record_visit_activities', title: 'Registrar las reuniones y revisiones de la visita (Cuadro 03, 1–8)', role: 'sscs', functions: TEAM, check: onTeam, ...onVisit }),
    run.task({
      key: 'c04-ficha',
      type: 'record_operational_ficha',
      title: 'Registrar la Ficha de supervisión operativa (Cuadro 04)',
      role: 'sscs',
      functions: TEAM,
      // What does not apply to the center is "No aplica" in the Ficha too (2.2.2 "según aplique").
      ...(ctx.fichaNotApplicable?.length ? { prefill: { items: Object.fromEntries(ctx.fichaNotApplicable.map((id) => [id, { answer: 'NA' }])) } } : {}),
      check: (data, actor) => onTeam(data, actor) ?? (ctx.fichaNotApplicable === undefined ? undefined : fichaApplicabilityMismatch(data.items as Record<string, { answer: string }>, ctx.fichaNotApplicable)),
      ...onVisit,
    }),
    run.task({ key: 'c03-9-interviews', type: 'record_advisor_interviews', title: 'Registrar las entrevistas aleatorias a Asesores de Servicios (Cuadro 03, 9)', role: 'sscs', functions: TEAM, check: onTeam, ...onVisit }),
  ]);
  const entityNames = Object.fromEntries(ctx.center.entities.map((e) => [e.id, e.name]));
  const fichaDoc = await run.document('ficha', 'ficha_supervision', fichaData(ficha.data, input.visitDate, entityNames, modality.data.modality));
  const closing = await run.task({ key: 'c03-10-closing', type: 'close_supervision_visit', title: 'Reunión de cierre: resumen, entrega del Informe Expositivo y firma del acta (Cuadro 03, 10)', role: 'sscs', functions: LEAD, check: onlyLead, ...onVisit });
  // The Lima date (UTC−5 all year, no daylight saving) of the closing meeting.
  const executedOn = limaDay(closing.completedAt!);
  const noItems = fichaNoItems(ficha.data);
  const acta = await run.document('acta', 'acta_supervision', {
    visitDate: input.visitDate,
    modality: modality.data.modality,
    kind,
    team: members,
    lead: team.data.lead,
    ...closing.data,
    ficha: fichaDoc.reference,
    noItems,
  });
  if (input.plan) await acts.markPlanVisitExecuted({ year: input.plan.year, visitId: input.plan.visitId, on: executedOn });

  // ---- Posterior (Cuadro 05) ------------------------------------------------------------------
  const expeditious = await run.task({ key: 'c05-2-expeditious', type: 'write_expeditious_report', title: 'Elaborar y entregar el Informe Técnico expeditivo (Cuadro 05, 2)', role: 'sscs', functions: TEAM, check: onTeam, dueBusinessDays: 1, escalateEvery: cfg.escalateEvery });
  const expDoc = await run.document('informe-expeditivo', 'informe_tecnico_expeditivo', { visitDate: input.visitDate, ...expeditious.data, acta: acta.reference, lead: team.data.lead });
  await run.notify('informe-expeditivo', [{ kind: 'role', role: 'coordinator' }, { kind: 'sscs' }], 'supervision_expeditious', { visitDate: input.visitDate, document: expDoc }, [expDoc.id, acta.id]);

  // Cuadro 05, 1: what the gabinete and the visit gathered, consolidated for the Informe's annex.
  const consolidated = {
    gabinete: { legal, attention, tickets, panel, situation, administrative, missing },
    visit: { activities: activities.data, interviews: interviews.data.interviews.length, noItems: noItems.length },
  };
  let returned: string | undefined;
  let report: TaskState & { data: TaskData<'write_supervision_report'> };
  let approval: TaskState & { data: TaskData<'review_supervision_report'> };
  for (let round = 1; ; round++) {
    report = await run.task({
      key: `c05-3-report-${round}`,
      type: 'write_supervision_report',
      title: returned ? `Corregir el Informe de Supervisión: ${returned}` : 'Elaborar y entregar el Informe de Supervisión a la SSCS (Cuadro 05, 3)',
      role: 'sscs',
      functions: TEAM,
      check: (data: TaskData<'write_supervision_report'>, actor) => onTeam(data, actor) ?? unknownAddressee(data.observations, ctx),
      dueBusinessDays: cfg.reportDays,
      escalateEvery: cfg.escalateEvery,
    });
    approval = await run.task({ key: `c05-3-review-${round}`, type: 'review_supervision_report', title: 'Aprobar el Informe de Supervisión para su derivación (Cuadro 05, 3–4)', role: 'sscs', functions: SUBSECRETARIO, dueBusinessDays: cfg.reviewDays, escalateEvery: cfg.escalateEvery });
    if (approval.data.verdict === 'approve') break;
    returned = approval.data.comments;
  }
  const observations = report.data.observations;
  const informe = await run.document('informe-supervision', 'informe_supervision', {
    visitDate: input.visitDate,
    kind,
    sections: Object.entries(REPORT_SECTIONS).map(([k, title]) => ({ title, value: sectionText(report.data, k as keyof typeof REPORT_SECTIONS) })),
    observations: observations.map((o, i) => ({ n: i + 1, ...o, addresseeName: addresseeName(o, ctx) })),
    consolidated: {
      attentions: attention?.['5_1'] ?? 'no remitido',
      appointments: attention?.['5_2'],
      waitMinutes: tickets?.['5_5'] ?? 'no remitido',
      attentionMinutes: tickets?.['5_6'] ?? 'no remitido',
      reactivation: tickets?.['5_4'] ?? 'no remitido',
      panelAttentions: panel?.['5_1'] ?? 'no remitido',
      gabineteMissing: missing,
      noItems: consolidated.visit.noItems,
      interviews: consolidated.visit.interviews,
    },
    acta: acta.reference,
    ficha: fichaDoc.reference,
    approvedBy: approval.completedBy!.sub,
  });

  // Cuadro 05, 4: the derivation. The Entidad Administradora always gets the Informe (by memorándum
  // to the coordinator of a PCM center, 4c); each participating entity with observations gets its oficio.
  const signer = { sub: approval.completedBy!.sub, title: SSCS_FUNCTIONS.subsecretario };
  const derivations: { addressee: Observation['addressee']; ref: string }[] = [];
  const adminObs = observations.map((o, i) => ({ n: i + 1, ...o })).filter((o) => o.addressee.kind === 'admin_entity');
  const adminDoc = await run.document('derivacion-admin', ctx.center.pcmOwned ? 'memorandum_supervision' : 'oficio_supervision', {
    addressee: ctx.center.pcmOwned ? { name: `Coordinador(a) del Centro MAC ${ctx.center.name}`, office: 'Presidencia del Consejo de Ministros — Centros MAC de PCM' } : { name: ctx.center.adminEntity.name, office: `Entidad Administradora del Centro MAC ${ctx.center.name}` },
    subject: `Derivación del Informe de Supervisión del Centro MAC ${ctx.center.name} para subsanar observaciones y aplicar recomendaciones`,
    informe: informe.reference,
    visitDate: input.visitDate,
    observations: adminObs,
    signer,
  });
  derivations.push({ addressee: { kind: 'admin_entity' }, ref: adminDoc.reference });
  await run.notify('derivacion-admin', ctx.center.pcmOwned ? [{ kind: 'role', role: 'coordinator' }, { kind: 'admin_entity' }] : [{ kind: 'admin_entity' }, { kind: 'role', role: 'coordinator' }], 'supervision_derivation', { document: adminDoc, informe, visitDate: input.visitDate, observations: adminObs.length }, [adminDoc.id, informe.id]);
  for (const entityId of [...new Set(observations.flatMap((o) => (o.addressee.kind === 'entity' ? [o.addressee.entityId] : [])))]) {
    const own = observations.map((o, i) => ({ n: i + 1, ...o })).filter((o) => o.addressee.kind === 'entity' && o.addressee.entityId === entityId);
    const doc = await run.document(`derivacion-${entityId}`, 'oficio_supervision', {
      addressee: { name: entityNames[entityId], office: `Entidad Participante del Centro MAC ${ctx.center.name}` },
      subject: `Derivación de observaciones de la supervisión del Centro MAC ${ctx.center.name} a ${entityNames[entityId]}`,
      informe: informe.reference,
      visitDate: input.visitDate,
      observations: own,
      signer,
    });
    derivations.push({ addressee: { kind: 'entity', entityId }, ref: doc.reference });
    await run.notify(`derivacion-${entityId}`, [{ kind: 'entity', entityId }, { kind: 'role', role: 'coordinator' }], 'supervision_derivation', { document: doc, informe, visitDate: input.visitDate, observations: own.length }, [doc.id, informe.id]);
  }

  // Cuadro 05, 5–6: every observation its own run, to its subsanación.
  const children = [];
  for (const [i, o] of observations.entries()) {
    const derivedBy = derivations.find((d) => d.addressee.kind === o.addressee.kind && (d.addressee.kind !== 'entity' || (o.addressee.kind === 'entity' && d.addressee.entityId === o.addressee.entityId)))!.ref;
    children.push(
      await run.spawnChild(`observation-${i + 1}`, run.meta.code, 'supervisionObservationWorkflow', {
        input: { centerId: input.centerId, supervisionRunId: run.meta.runId, n: i + 1, observation: o, derivedBy, pcmOwned: ctx.center.pcmOwned, ...(o.addressee.kind === 'entity' ? { entityName: entityNames[o.addressee.entityId] } : {}) },
        settings,
      }),
    );
  }

  // Cuadro 06: a report for every participating entity of the center, sent to it.
  const reports = await run.task({ key: 'c06-reports', type: 'coordinate_entity_reports', title: 'Consolidar y coordinar los reportes para Entidades Participantes (Cuadro 06, 1–2)', role: 'sscs', functions: ['mac_coordination'], dueBusinessDays: cfg.entityReportsDays, escalateEvery: cfg.escalateEvery });
  for (const e of ctx.center.entities) {
    const protocol = ficha.data.protocols.find((p) => p.entityId === e.id);
    const doc = await run.document(`reporte-${e.id}`, 'reporte_entidad_supervision', {
      entity: e,
      visitDate: input.visitDate,
      informe: informe.reference,
      content: reports.data.content,
      observations: observations.map((o, i) => ({ n: i + 1, ...o })).filter((o) => o.addressee.kind === 'entity' && o.addressee.entityId === e.id),
      protocol: protocol ? Object.entries(PROTOCOL_ITEMS).map(([k, label]) => ({ label, ...((protocol as Record<string, unknown>)[k] as { answer: string; observation?: string }) })) : null,
      interviews: interviews.data.interviews.filter((x) => x.entityId === e.id).length,
      ranking: attention?.['5_3'].find((r) => r.entityId === e.id)?.attentions ?? null,
    });
    await run.notify(`reporte-${e.id}`, [{ kind: 'entity', entityId: e.id }], 'supervision_entity_report', { document: doc, entity: e, visitDate: input.visitDate }, [doc.id]);
  }

  // An observation run that ended without its correction (terminated, failed) is counted as such,
  // not a reason to fail the supervision it came from.
  const results = await Promise.allSettled(children.map((c) => c.handle.result()));
  const overdue = results.filter((r) => r.status === 'fulfilled' && (r.value.result as { overdue?: boolean } | undefined)?.overdue).length;
  const unresolved = results.filter((r) => r.status === 'rejected' || r.value.status !== 'completed').length;
  return run.finish(
    'completed',
    {
      closed: 1,
      achieved: unresolved === 0 && missing.length === 0 ? 1 : 0,
      planned: input.plan ? 1 : 0,
      unscheduled: input.plan ? 0 : 1,
      executed: 1,
      observations: observations.length,
      observationsOverdue: overdue,
      observationsUnresolved: unresolved,
      gabineteMissing: missing.length,
    },
    {
      visitDate: input.visitDate,
      executedOn,
      modality: modality.data.modality,
      noItems: noItems.length,
      documents: { ficha: fichaDoc.reference, acta: acta.reference, expeditious: expDoc.reference, informe: informe.reference, derivations: derivations.map((d) => d.ref) },
      observationRuns: children.map((c) => c.runId),
    },
  );
}

/**
 * One observation of an Informe de Supervisión to its subsanación (Cuadro 05, 5–6): the party it is
 * addressed to — the participating entity's contact, the Entidad Administradora, or for PCM's own
 * centers the coordinator ("c. Gestionar con la PCM") — sends the informe técnico of its actions
 * within the term (reminded, then escalated Coordinador → Entidad Administradora → SSCS as every
 * task of the engine); SSCS's Coordinación de Centros MAC accepts it or sends it back.
 */
export async function supervisionObservationWorkflow(args: ObservationWorkflowInput): Promise<RunState> {
  return withRun(args.meta, (run) => observationRun(run, args));
}

async function observationRun(run: Run, { input, settings }: ObservationWorkflowInput): Promise<RunState> {
  const o = input.observation;
  await run.begin(`Observación ${input.n} de la supervisión ${input.supervisionRunId}: ${o.description.slice(0, 120)}`, {}, `supervision:${input.supervisionRunId}`);
  const responsible =
    o.addressee.kind === 'entity'
      ? ({ role: 'participant_entity', entityId: o.addressee.entityId } as const)
      : input.pcmOwned
        ? ({ role: 'coordinator' } as const)
        : ({ role: 'admin_entity' } as const);
  let comments: string | undefined;
  let overdue = false;
  let rounds = 0;
  for (;;) {
    rounds += 1;
    const correction = await run.task({
      key: `correct-${rounds}`,
      type: 'report_observation_correction',
      title: comments ? `Subsanar nuevamente la observación ${input.n} (${input.derivedBy}): ${comments}` : `Subsanar la observación ${input.n} (${input.derivedBy}) y enviar el informe técnico (Cuadro 05, 5–6)`,
      ...responsible,
      dueBusinessDays: o.termBusinessDays ?? settings.supervision.observationDays,
      remindBefore: [3, 1],
      escalateEvery: settings.supervision.escalateEvery,
    });
    if (correction.events.some((e) => e.kind === 'escalation')) overdue = true;
    const verification = await run.task({
      key: `verify-${rounds}`,
      type: 'verify_observation_correction',
      title: `Verificar la subsanación de la observación ${input.n} (Cuadro 05, 5)`,
      role: 'sscs',
      functions: ['mac_coordination'],
      dueBusinessDays: settings.supervision.verificationDays,
    });
    if (verification.data.verdict === 'corrected') break;
    comments = verification.data.comments;
  }
  return run.finish('completed', { observations: 1, corrected: 1, overdue: overdue ? 1 : 0, rounds }, { n: input.n, corrected: true, overdue, rounds });
}

// ---------------------------------------------------------------------------------------------

function unknownAddressee(observations: Observation[], ctx: SupervisionContext): string | undefined {
  const ids = new Set(ctx.center.entities.map((e) => e.id));
  const bad = observations.findIndex((o) => o.addressee.kind === 'entity' && !ids.has(o.addressee.entityId));
  return bad < 0 ? undefined : `observations.${bad}.addressee.entityId is not a participating entity of ${ctx.center.id}`;
}

function addresseeName(o: Observation, ctx: SupervisionContext): string {
  if (o.addressee.kind === 'entity') {
    const id = o.addressee.entityId;
    return ctx.center.entities.find((e) => e.id === id)?.name ?? id;
  }
  return ctx.center.pcmOwned ? 'Presidencia del Consejo de Ministros (Centro MAC de PCM)' : ctx.center.adminEntity.name;
}

function sectionText(report: TaskData<'write_supervision_report'>, k: keyof typeof REPORT_SECTIONS): string {
  const v = report[k];
  if (v === undefined) return '—';
  if (Array.isArray(v)) return v.length ? v.join('; ') : '—';
  if (typeof v === 'object') return `Estratégico: ${(v as { estrategico: string }).estrategico}\nOperativo: ${(v as { operativo: string }).operativo}`;
  return v;
}

type Answer = { answer: string; observation?: string };

/** The Ficha's items answered NO, with their section (for the acta and the Informe). */
function fichaNoItems(f: TaskData<'record_operational_ficha'>): { item: string; observation?: string }[] {
  const items = f.items as Record<string, Answer>;
  const no = FICHA_SECTIONS.flatMap((s) => s.items.filter(([id]) => items[id]?.answer === 'NO').map(([id, label]) => ({ item: `${id} ${label}`, observation: items[id].observation })));
  for (const p of f.protocols) {
    for (const [k, label] of Object.entries(PROTOCOL_ITEMS)) {
      const a = (p as Record<string, unknown>)[k] as Answer;
      if (a.answer === 'NO') no.push({ item: `3.2 ${p.entityId}: ${label}`, observation: a.observation });
    }
  }
  for (const [k, label] of Object.entries(CONTRACT_ITEMS)) {
    const a = f.contracts[k as keyof typeof CONTRACT_ITEMS] as Answer;
    if (a.answer === 'NO') no.push({ item: `II.B ${label}`, observation: a.observation });
  }
  return no;
}

/** The data of the Ficha document: every section and item as the manual prints it. */
function fichaData(f: TaskData<'record_operational_ficha'>, visitDate: string, entityNames: Record<string, string>, modality: string) {
  const items = f.items as Record<string, Answer>;
  const row = (label: string, a: Answer) => ({ label, answer: ANSWER_LABELS[a.answer as keyof typeof ANSWER_LABELS], no: a.answer === 'NO', observation: a.observation });
  return {
    visitDate,
    modality,
    sections: FICHA_SECTIONS.map((s) => ({ title: s.title, items: s.items.map(([id, label]) => row(label, items[id])) })),
    protocols: f.protocols.map((p, i) => ({
      n: i + 1,
      entity: entityNames[p.entityId] ?? p.entityId,
      items: Object.entries(PROTOCOL_ITEMS).map(([k, label]) => row(label, (p as Record<string, unknown>)[k] as Answer)),
    })),
    requirements: Object.entries(REQUIREMENT_KINDS).map(([k, label]) => ({ label, items: ((f.requirements as Record<string, string[]>)[k] ?? []).map((text, i) => ({ n: i + 1, text })) })),
    contracts: [
      row(CONTRACT_ITEMS.rental, f.contracts.rental),
      row(CONTRACT_ITEMS.cleaning, f.contracts.cleaning),
      ...f.contracts.others.map((o) => row(o.name, o.compliance)),
    ],
    comments: f.comments,
    noItems: fichaNoItems(f),
  };
}
