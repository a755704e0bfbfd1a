import { patched, sleep, workflowInfo } from '@temporalio/workflow';
import { acts, Run, withRun } from './run';
import type { OpeningClosure, OpeningDay, Recipient } from '../activities';
import type { RunMeta, RunState, TaskState } from '../shared/messages';
import type { EngineSettings } from '../shared/settings';
import type { TaskData } from '../shared/tasks';
import type { Actor } from '../shared/roles';
import { ROLE_TITLES } from '../shared/roles';
import { applicabilityMismatch, assessVerification, CLOSURE_CAUSES, CRITICAL_ITEMS, OPENING_ITEMS, OPENING_ZONES, STATUS_LABELS, UNSAFE, VIGILANCE, type ItemCheck, type OpeningItemId, type VerificationOutcome } from '../domain/opening';
import { ASSET_ROUTING_PATCH, MAINTENANCE_CODES, assetRef, maintenanceRef, startMaintenanceArgs } from './maintenance';
import { procedureFor, type openingInputSchema } from '../catalog';
import type { z } from 'zod';

export type OpeningInput = z.infer<typeof openingInputSchema>;

export interface DailyOpeningWorkflowInput {
  /** Without `runId` when a Schedule starts it: the run is then named by its workflow id. */
  meta: Omit<RunMeta, 'runId'> & { runId?: string };
  input: OpeningInput;
  settings: EngineSettings;
}

const HOUR = 3600_000;
const hoursBetween = (from: number, to: number) => Math.round((Math.max(0, to - from) / HOUR) * 100) / 100;
const DAY_OVER = 'Terminó el horario de atención del día';
/** 2.2.2: the coordinator tells the Entidad Administradora and SSCS-SGP; sent on their behalf, they get a copy. */
const OPENING_RECIPIENTS: Recipient[] = [{ kind: 'admin_entity' }, { kind: 'sscs' }, { kind: 'role', role: 'coordinator' }];
/**
 * Issue 11: the checklist's applicability, a numbered Formato 3 version for each change of the
 * day's state (restored, closed, reopened), and the closure during the day (2.1.2). Runs recorded
 * before it (test/histories/opening-*) keep their single Formato 3 and end once the center opens.
 */
export const DAY_STATES_PATCH = 'opening-day-states';

/**
 * P2.2.2 Apertura diaria del Centro MAC (2.2.2, with 2.1.2 "Apertura de la Atención"). Every day,
 * from the center's Schedule a little before its opening hour (or started through the API):
 *
 * 1. The supervisor or the coordinator verifies every item of the zones of 2.2.2 and counts the
 *    security agents present; late, it escalates every OPENING_ESCALATE_EVERY_HOURS.
 * 2. If Internet, Energía eléctrica or the Servicio de Vigilancia (no security agent, 2.1.2) is
 *    missing, the center does not open: Formato 3 goes by email to the Entidad Administradora and
 *    SSCS-SGP, SSCS records the communication to citizens, and the coordinator pursues the
 *    restoration (reminders, escalation Entidad Administradora → SSCS while closed). Restored, the
 *    failed items are verified again and the center opens; the hours closed are recorded. So too
 *    when the Coordinator finds unsafe conditions (`unsafeConditions`, 2.1.2: only the Coordinator
 *    decides), whose end is the Coordinator's decision rather than a re-verification.
 * 3. Otherwise the center opens at its hour, and each other item found missing or damaged starts a
 *    corrective maintenance run (PA2.2.3; PA1.1.4 for Servicios TIC). Items that do not apply to
 *    the center (2.2.2 "según aplique": no tópico, no Sistema de Citas…) are marked so, are shown as
 *    "No aplica" in Formato 3 and never open maintenance.
 * 4. Once open, until its closing hour, the center may have to close (2.1.2): Internet, power or
 *    security lost, or unsafe conditions (the Coordinator's decision). The closure is reported,
 *    Formato 3 goes to the Entidad Administradora and SSCS-SGP, SSCS records how citizens are told
 *    and which virtual channels serve them, the coordinator pursues the restoration, the resource is
 *    verified again and the center reopens; the hours closed count in the day's figures.
 *
 * Every change of the day's state (not opened, opened after restoration, closed, reopened) is a new
 * numbered version of the day's Formato 3, its section III saying what changed; a version that
 * reports a change goes by email at once, as an automatic step the document names, and the email
 * carries that version (the run's history shows which).
 *
 * One run per center and day: a second run for the same day (the schedule and a manual start)
 * ends at once, naming the first. At the day's closing hour whatever is still open is cancelled.
 */
export async function dailyOpeningWorkflow(args: DailyOpeningWorkflowInput): Promise<RunState> {
  const meta: RunMeta = { ...args.meta, runId: args.meta.runId ?? workflowInfo().workflowId };
  return withRun(meta, (run) => dailyOpeningRun(run, args));
}

async function dailyOpeningRun(run: Run, { settings }: DailyOpeningWorkflowInput): Promise<RunState> {
  const meta = run.meta;
  const startedAt = new Date(workflowInfo().startTime).toISOString();
  const day = await acts.openingDay({ centerId: meta.centerId, at: startedAt });
  await run.begin(`Apertura del ${day.date}`);
  if (!day.hours || Date.now() >= Date.parse(day.scheduledCloseAt!)) {
    // The center does not open this day (its hours say so), or the day's hours are over.
    return run.finish('completed', {}, { date: day.date, opening: day.hours ? 'outside_hours' : 'no_opening_day' });
  }
  const openAt = Date.parse(day.scheduledOpenAt!);
  const closeAt = Date.parse(day.scheduledCloseAt!);
  const holder = await acts.claimOpening({ centerId: meta.centerId, date: day.date, runId: meta.runId, scheduledOpenAt: day.scheduledOpenAt!, scheduledCloseAt: day.scheduledCloseAt! });
  if (holder.runId !== meta.runId) return run.finish('cancelled', {}, { date: day.date, duplicateOf: holder.runId });

  // At closing, nothing of the day stays pending: open tasks, and any opened later, are cancelled.
  const dayOver = run.cutoffAt(closeAt, DAY_OVER);

  // The schedule fires at weekday times; on a weekday holiday the center opens later (DESIGN §5).
  const verifyFrom = openAt - settings.opening.verificationLeadMinutes * 60_000;
  if (Date.now() < verifyFrom) await sleep(verifyFrom - Date.now());

  const everyHours = settings.opening.escalateEveryHours;
  const dayStates = patched(DAY_STATES_PATCH);
  const notApplicable = dayStates ? (day.notApplicable ?? []) : [];
  const naLabels = OPENING_ITEMS.filter((i) => notApplicable.includes(i.id)).map((i) => i.label);
  const verification = await run.task({
    key: 'verify',
    type: 'verify_opening',
    title: `Verificación diaria del Centro MAC antes de la apertura de las ${day.hours.open} (2.2.2)${naLabels.length ? `; no aplican: ${naLabels.join(', ')}` : ''}`,
    role: 'supervisor',
    alsoRoles: ['coordinator'],
    dueAt: day.scheduledOpenAt!,
    remindBefore: [10],
    escalateEvery: everyHours,
    ...(notApplicable.length ? { prefill: { items: Object.fromEntries(notApplicable.map((id) => [id, { status: 'not_applicable' }])) } } : {}),
    ...(dayStates
      ? {
          check: (data: TaskData<'verify_opening'>, actor: Actor) =>
            data.unsafeConditions !== undefined && actor.role !== 'coordinator'
              ? 'unsafeConditions: the Coordinator decides not to open for unsafe conditions (2.1.2)'
              : applicabilityMismatch(data.items, notApplicable)?.message,
        }
      : {}),
  });
  if (verification.status !== 'completed') {
    // Nobody recorded the verification: whether the center opened is unknown, and it says so.
    await acts.updateOpening({ centerId: meta.centerId, date: day.date, set: { status: 'not_verified' } });
    return run.finish('completed', { days: 1, unverified: 1, openedOnTime: 0, notOpened: 0 }, { date: day.date, opening: 'not_verified' });
  }
  const checked = verification.data;
  const first = assessVerification(checked.items, checked.securityAgents, dayStates ? checked.unsafeConditions : undefined);
  const verifiedAt = verification.completedAt!;
  const formato3 = formato3Data(day, verification, first);
  const versions = new Formato3Versions(run, formato3);

  if (first.critical.length === 0) {
    // Opens at its hour: a verification done early waits for it; a late one opens the center late.
    if (Date.now() < openAt) await sleep(openAt - Date.now());
    const openedAt = new Date(Math.max(openAt, Date.parse(verifiedAt))).toISOString();
    const onTime = Date.parse(verifiedAt) <= openAt;
    const hoursClosed = hoursBetween(openAt, Date.parse(openedAt));
    await acts.updateOpening({ centerId: meta.centerId, date: day.date, set: { status: 'open', verifiedAt, openedAt, onTime, hoursClosed, findings: first.findings.map((f) => f.label) } });
    await versions.issue('open', { openedAt, events: [{ at: openedAt, label: 'Apertura del Centro MAC para la atención al ciudadano' }] });
    const maintenance = await correctiveRuns(run, day.date, first, settings);
    if (!dayStates) {
      return run.finish(
        'completed',
        { days: 1, openedOnTime: onTime ? 1 : 0, notOpened: 0, hoursClosed, findings: first.findings.length },
        { date: day.date, opening: 'opened', openedAt, onTime, findings: first.findings.map((f) => f.id), maintenance },
      );
    }
    const attended = await attendUntilClosing(run, { date: day.date, openedAt, closeAt: day.scheduledCloseAt!, hoursClosed, dayOver, settings, versions });
    return run.finish(
      'completed',
      { days: 1, openedOnTime: onTime ? 1 : 0, notOpened: 0, hoursClosed: attended.hoursClosed, findings: first.findings.length, closures: attended.closures.length, ...attended.metrics },
      { date: day.date, opening: 'opened', openedAt, onTime, findings: first.findings.map((f) => f.id), maintenance, hoursClosed: attended.hoursClosed, closures: attended.closures },
    );
  }

  // Not opened (2.2.2): Formato 3 to the Entidad Administradora and SSCS-SGP, once.
  const doc = await versions.issue('not_open', { sent: dayStates, events: [{ at: verifiedAt, label: `No apertura: falta ${first.critical.map((c) => c.label).join(', ')}` }] });
  await run.notify('not-opened', OPENING_RECIPIENTS, 'opening_not_opened', { date: day.date, scheduledOpenAt: day.scheduledOpenAt, critical: first.critical, document: doc }, [doc.id]);
  await acts.updateOpening({
    centerId: meta.centerId,
    date: day.date,
    set: { status: 'not_opened', verifiedAt, critical: first.critical.map((c) => c.label), findings: first.findings.map((f) => f.label) },
  });

  // Non-critical findings go to maintenance now, whether or when the center reopens.
  const maintenance = await correctiveRuns(run, day.date, first, settings);

  const communication = run.concurrently(run.task({
    key: 'communicate',
    type: 'record_citizen_communication',
    title: `Comunicar a la ciudadanía la no apertura del Centro MAC del ${day.date} y registrarla (2.2.2)`,
    role: 'sscs',
    dueAt: new Date(Date.parse(verifiedAt) + everyHours * HOUR).toISOString(),
    levels: [],
  }));

  const restoredAt = await restore(run, first.critical, { keyPrefix: '', dayOver, everyHours, strict: dayStates });
  let opened = restoredAt;

  if (opened) {
    // Restored before the opening hour, the center still opens at its hour, on time.
    if (Date.now() < openAt) await sleep(openAt - Date.now());
    opened = new Date(Math.max(openAt, Date.parse(opened))).toISOString();
    const onTime = Date.parse(opened) <= openAt;
    const hoursClosed = hoursBetween(openAt, Date.parse(opened));
    await acts.updateOpening({ centerId: meta.centerId, date: day.date, set: { status: 'open', openedAt: opened, onTime, hoursClosed } });
    // The version of Formato 3 that says it opened after all, sent with the notice (issue 11).
    const restoredDoc = dayStates
      ? await versions.issue('restored', {
          openedAt: opened,
          hoursClosed,
          hoursClosedText: hoursText(hoursClosed),
          sent: true,
          events: [{ at: restoredAt!, label: `Restablecido y verificado nuevamente: ${first.critical.map((c) => c.label).join(', ')}` }, { at: opened, label: 'Apertura del Centro MAC para la atención al ciudadano' }],
        })
      : undefined;
    await run.notify(
      'restored',
      OPENING_RECIPIENTS,
      'opening_restored',
      { date: day.date, openedAt: opened, hoursClosedText: hoursText(hoursClosed), critical: first.critical, ...(restoredDoc ? { document: restoredDoc } : {}) },
      restoredDoc ? [restoredDoc.id] : undefined,
    );
  }
  const onTime = opened !== undefined && Date.parse(opened) <= openAt;
  let hoursClosed = opened ? hoursBetween(openAt, Date.parse(opened)) : hoursBetween(openAt, closeAt);
  if (!opened) await acts.updateOpening({ centerId: meta.centerId, date: day.date, set: { status: 'closed_day', hoursClosed } });
  let closures: OpeningClosure[] = [];
  let closureMetrics: Record<string, number> = {};
  if (opened && dayStates) {
    const attended = await attendUntilClosing(run, { date: day.date, openedAt: opened, closeAt: day.scheduledCloseAt!, hoursClosed, dayOver, settings, versions });
    ({ hoursClosed, closures } = attended);
    closureMetrics = { closures: closures.length, ...attended.metrics };
  }
  const told = await communication;
  return run.finish(
    'completed',
    { days: 1, openedOnTime: onTime ? 1 : 0, notOpened: onTime ? 0 : 1, hoursClosed, findings: first.findings.length, citizensInformed: told.status === 'completed' ? 1 : 0, ...closureMetrics },
    { date: day.date, opening: onTime ? 'opened' : opened ? 'opened_late' : 'not_opened', onTime, openedAt: opened ?? null, hoursClosed, critical: first.critical.map((c) => c.id), maintenance, ...(dayStates ? { closures } : {}) },
  );
}

const hoursText = (hours: number) => hours.toFixed(1).replace('.', ',');

/**
 * The coordinator pursues the restoration of the failed critical resources with the Entidad
 * Administradora (reminders, escalation while closed), then they are verified again, until they
 * are back or the day ends. Returns when the last re-verification found them back, if it did.
 * A closure for unsafe conditions has nothing to re-verify: the coordinator's report that the
 * conditions are safe again is the reopening (2.1.2: the Coordinator decides).
 */
async function restore(
  run: Run,
  critical: { id: string; label: string }[],
  opts: { keyPrefix: string; dayOver: () => boolean; everyHours: number; strict: boolean },
): Promise<string | undefined> {
  let failing = critical;
  for (let round = 1; !opts.dayOver(); round++) {
    // Unsafe conditions are not re-verified: the Coordinator (the only holder of this task) decides.
    const unsafe = failing.some((c) => c.id === UNSAFE.id);
    const toVerify = failing.filter((c) => c.id !== UNSAFE.id);
    const missing = toVerify.map((c) => c.label).join(', ');
    const restoration = await run.task({
      key: `${opts.keyPrefix}restore-${round}`,
      type: 'report_restoration',
      title: !toVerify.length
        ? 'Reportar que las condiciones son seguras y decidir la apertura del Centro MAC (2.1.2)'
        : `Coordinar con la Entidad Administradora el restablecimiento de: ${missing}, y reportarlo (2.2.2)${unsafe ? '; decidir que las condiciones son seguras (2.1.2)' : ''}`,
      role: 'coordinator',
      dueAt: new Date(Date.now() + opts.everyHours * HOUR).toISOString(),
      remindBefore: [30],
      escalateEvery: opts.everyHours,
    });
    if (restoration.status !== 'completed') return undefined;
    if (toVerify.length === 0) return restoration.completedAt!;
    const expected = toVerify.map((c) => c.id);
    const reverification = await run.task({
      key: `${opts.keyPrefix}reverify-${round}`,
      type: 'reverify_opening',
      title: `Verificar nuevamente: ${missing} (2.2.2)`,
      role: 'supervisor',
      alsoRoles: ['coordinator'],
      dueAt: new Date(Date.now() + HOUR).toISOString(),
      escalateEvery: opts.everyHours,
      check: (data) => missingFromReverification(expected, data, opts.strict),
    });
    if (reverification.status !== 'completed') return undefined;
    const again = assessVerification(reverification.data.items as Partial<Record<OpeningItemId, ItemCheck>>, expected.includes(VIGILANCE.id) ? reverification.data.securityAgents : undefined);
    if (again.critical.length === 0) return reverification.completedAt!;
    failing = again.critical;
  }
  return undefined;
}

/**
 * The center is open: until its closing hour the Coordinator (or the Supervisor, for a resource
 * lost) may report that it must close (2.1.2). Each closure: Formato 3 (a new version) to the
 * Entidad Administradora and SSCS-SGP, SSCS's communication to citizens with the virtual channels
 * that serve them, the restoration and re-verification, the reopening (another version). Returns
 * the day's hours closed (the late opening's plus every closure's) and the closures.
 */
async function attendUntilClosing(
  run: Run,
  ctx: { date: string; openedAt: string; closeAt: string; hoursClosed: number; dayOver: () => boolean; settings: EngineSettings; versions: Formato3Versions },
): Promise<{ hoursClosed: number; closures: OpeningClosure[]; metrics: Record<string, number> }> {
  const { date, dayOver } = ctx;
  const everyHours = ctx.settings.opening.escalateEveryHours;
  const centerId = run.meta.centerId;
  const closures: OpeningClosure[] = [];
  const communications: Promise<TaskState>[] = [];
  let hoursClosed = ctx.hoursClosed;
  let openSince = ctx.openedAt;
  for (let k = 1; !dayOver(); k++) {
    const since = openSince;
    const report = await run.task({
      key: `closure-${k}`,
      type: 'report_closure',
      title: 'Si el Centro MAC debe cerrar durante la atención (pérdida de Internet, energía eléctrica o vigilancia, o condiciones inseguras), reportarlo (2.1.2)',
      role: 'coordinator',
      alsoRoles: ['supervisor'],
      dueAt: ctx.closeAt,
      remindBefore: [],
      levels: [],
      check: (data, actor) => closureProblem(data, actor, since),
    });
    if (report.status !== 'completed') break;
    const cause = CLOSURE_CAUSES[report.data.cause];
    const closedAt = report.data.closedAt ? new Date(report.data.closedAt).toISOString() : report.completedAt!;
    const closure: OpeningClosure = { cause: report.data.cause, closedAt };
    closures.push(closure);
    await acts.updateOpening({ centerId, date, set: { status: 'closed', closures } });
    const closedDoc = await ctx.versions.issue('closed', {
      closure: { causeLabel: cause.label, description: report.data.description, closedAt, reportedBy: { sub: report.completedBy!.sub, roleTitle: ROLE_TITLES[report.completedBy!.role] } },
      sent: true,
      events: [{ at: closedAt, label: `Cierre del Centro MAC: ${cause.label}` }],
    });
    await run.notify(`closed-${k}`, OPENING_RECIPIENTS, 'opening_closed', { date, closedAt, cause: cause.label, description: report.data.description, document: closedDoc }, [closedDoc.id]);
    communications.push(
      run.concurrently(
        run.task({
          key: `closure-${k}-communicate`,
          type: 'record_citizen_communication',
          title: `Comunicar a la ciudadanía el cierre del Centro MAC (${cause.label}) y registrar los canales no presenciales que la atienden (2.1.2)`,
          role: 'sscs',
          dueAt: new Date(Date.parse(closedAt) + everyHours * HOUR).toISOString(),
          levels: [],
          check: (data) => (data.virtualChannels === undefined ? 'virtualChannels: state which virtual channels serve citizens while the center is closed (an empty list if none, 2.1.2)' : undefined),
        }),
      ),
    );
    const failing = [VIGILANCE, UNSAFE, ...OPENING_ITEMS].filter((i) => i.id === cause.verify).map((i) => ({ id: i.id, label: i.label }));
    const reopenedAt = await restore(run, failing, { keyPrefix: `closure-${k}-`, dayOver, everyHours, strict: true });
    const until = reopenedAt ?? ctx.closeAt;
    closure.hours = hoursBetween(Date.parse(closedAt), Date.parse(until));
    hoursClosed = Math.round((hoursClosed + closure.hours) * 100) / 100;
    if (!reopenedAt) {
      // Not back by the closing hour: the day ends closed.
      await acts.updateOpening({ centerId, date, set: { status: 'closed_day', hoursClosed, closures } });
      break;
    }
    closure.reopenedAt = reopenedAt;
    await acts.updateOpening({ centerId, date, set: { status: 'open', hoursClosed, closures } });
    const reopenedDoc = await ctx.versions.issue('reopened', {
      closure: { causeLabel: cause.label, description: report.data.description, closedAt, reopenedAt, hours: closure.hours, hoursText: hoursText(closure.hours) },
      hoursClosed,
      hoursClosedText: hoursText(hoursClosed),
      sent: true,
      events: [{ at: reopenedAt, label: `Reapertura del Centro MAC tras ${hoursText(closure.hours)} horas cerrado` }],
    });
    await run.notify(`reopened-${k}`, OPENING_RECIPIENTS, 'opening_reopened', { date, closedAt, reopenedAt, cause: cause.label, hoursText: hoursText(closure.hours), document: reopenedDoc }, [reopenedDoc.id]);
    openSince = reopenedAt;
  }
  const told = await Promise.all(communications);
  return { hoursClosed, closures, metrics: closures.length ? { closuresCommunicated: told.filter((t) => t.status === 'completed').length } : {} };
}


/**
 * A re-verification must cover every critical resource that failed, and only with a count for
 * vigilance; a critical resource always applies (`strict`: runs since issue 11 refuse "not_applicable").
 */
function missingFromReverification(expected: string[], data: TaskData<'reverify_opening'>, strict = false): string | undefined {
  const items = data.items as Record<string, ItemCheck | undefined>;
  const lacking = expected.filter((id) => (id === VIGILANCE.id ? data.securityAgents === undefined : items[id] === undefined));
  if (lacking.length) return `the re-verification must state: ${lacking.map((id) => (id === VIGILANCE.id ? 'securityAgents' : `items.${id}`)).join(', ')}`;
  const na = Object.entries(items).find(([, c]) => c?.status === 'not_applicable');
  if (strict && na) return `items.${na[0]} is critical and always applies (2.2.2): it cannot be marked not_applicable`;
  return undefined;
}

/** A closure is reported after the center opened (or reopened), not in the future; unsafe conditions are the Coordinator's call. */
function closureProblem(data: TaskData<'report_closure'>, actor: Actor, openSince: string): string | undefined {
  if (data.cause === 'condiciones_inseguras' && actor.role !== 'coordinator') return 'cause: the Coordinator decides to close for unsafe conditions (2.1.2)';
  if (data.closedAt !== undefined) {
    const at = Date.parse(data.closedAt);
    if (at > Date.now()) return 'closedAt: the closure cannot be in the future';
    if (at < Date.parse(openSince)) return `closedAt: the center was open only since ${openSince}`;
  }
  return undefined;
}

type Formato3State = 'open' | 'not_open' | 'restored' | 'closed' | 'reopened';
const FORMATO3_STATE_LABELS: Record<Formato3State, string> = {
  open: 'Apertura',
  not_open: 'No apertura',
  restored: 'Apertura tras el restablecimiento',
  closed: 'Cierre durante la atención',
  reopened: 'Reapertura',
};

/**
 * The day's Formato 3, one numbered version per change of its state (issue 11). Each version
 * repeats the verification (I, II) and, in section III, the day so far: every change with its time,
 * which version this is and which it replaces, and whether it was sent. The first keeps the key it
 * always had (`formato-3`), so a retry or a replay finds the same document.
 */
class Formato3Versions {
  private version = 0;
  private previous: string | undefined;
  private readonly events: { at: string; label: string; version: number }[] = [];

  constructor(
    private readonly run: Run,
    private readonly base: ReturnType<typeof formato3Data>,
  ) {}

  async issue(state: Formato3State, extra: { events?: { at: string; label: string }[]; sent?: boolean } & Record<string, unknown>) {
    this.version += 1;
    const { events = [], sent = false, ...rest } = extra;
    this.events.push(...events.map((e) => ({ ...e, version: this.version })));
    const decision = state === 'not_open' ? 'not_open' : state === 'closed' ? 'closed' : 'open';
    const doc = await this.run.document(this.version === 1 ? 'formato-3' : `formato-3-v${this.version}`, 'formato_3', {
      ...this.base,
      ...rest,
      decision,
      version: this.version,
      state,
      stateLabel: FORMATO3_STATE_LABELS[state],
      ...(this.previous ? { replaces: this.previous } : {}),
      sent,
      dayEvents: this.version > 1 ? [...this.events] : undefined,
    });
    this.previous = doc.reference;
    return doc;
  }
}

/**
 * One corrective maintenance run per non-critical finding, unless one for that item (or asset) is
 * still running: a TV broken for a week is one maintenance. The procedure is the one of the
 * asset's domain in the register (PA1.1.4 for TIC equipment such as air conditioning, PA2.2.3 for
 * the infrastructure, 2.1.5); runs that started before the register went by the checklist zone.
 */
async function correctiveRuns(run: Run, date: string, outcome: VerificationOutcome, settings: EngineSettings): Promise<string[]> {
  const ids: string[] = [];
  const byAsset = patched(ASSET_ROUTING_PATCH);
  for (const f of outcome.findings) {
    const asset = byAsset ? await acts.resolveAsset({ centerId: run.meta.centerId, assetKey: f.asset, itemId: f.id }) : null;
    const procedure = procedureFor('corrective_maintenance', asset?.domain ?? (f.tic ? 'tic' : 'infrastructure'));
    const named = asset && f.asset ? asset : null;
    // One at a time per asset: a maintenance of the item's asset started by hand (by its key) counts too.
    const refs = named ? [assetRef(named.id)] : [maintenanceRef(f.id), ...(asset ? [assetRef(asset.id)] : [])];
    const running = await acts.findOpenRun({ codes: MAINTENANCE_CODES, centerId: run.meta.centerId, ref: refs });
    ids.push(
      running ??
        (await run.spawn(named ? `maintenance-${f.id}-${named.key}` : `maintenance-${f.id}`, procedure.code, procedure.workflowType, startMaintenanceArgs(run.meta.centerId, settings, {
          asset: `${f.label} (${f.zone})`,
          description: `${STATUS_LABELS[f.status]}${f.observation ? `: ${f.observation}` : ''}. Hallado en la verificación diaria (2.2.2).`,
          itemId: f.id,
          ...(named ? { assetId: named.key } : {}),
          sourceRunId: run.meta.runId,
        }))),
    );
  }
  if (ids.length) await acts.updateOpening({ centerId: run.meta.centerId, date, set: { maintenanceRuns: ids } });
  return ids;
}

/** The data of Formato 3: every zone and item as verified, the vigilance, the decision. */
function formato3Data(day: OpeningDay, verification: TaskState & { data: TaskData<'verify_opening'> }, outcome: VerificationOutcome) {
  const items = verification.data.items as Record<string, ItemCheck>;
  return {
    date: day.date,
    scheduledOpenAt: day.scheduledOpenAt,
    scheduledCloseAt: day.scheduledCloseAt,
    verifiedAt: verification.completedAt,
    verifiedBy: { sub: verification.completedBy!.sub, roleTitle: ROLE_TITLES[verification.completedBy!.role] },
    securityAgents: verification.data.securityAgents,
    vigilance: { ok: verification.data.securityAgents >= 1, agents: verification.data.securityAgents },
    zones: OPENING_ZONES.map((z) => ({
      name: z.name,
      items: z.items.map(([id, label]) => ({
        label,
        statusLabel: STATUS_LABELS[items[id].status],
        ok: items[id].status === 'ok',
        notApplicable: items[id].status === 'not_applicable',
        critical: CRITICAL_ITEMS.includes(id as OpeningItemId),
        observation: items[id].observation,
      })),
    })),
    critical: outcome.critical,
    findings: outcome.findings,
    notes: verification.data.notes,
  };
}
