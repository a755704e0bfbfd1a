import { patched, sleep, workflowInfo } from '@temporalio/workflow';
import { acts, Run, withRun } from './run';
import type { OpeningDay, Recipient } from '../activities';
import type { RunMeta, RunState, TaskState } from '../shared/messages';
import type { EngineSettings } from '../shared/settings';
import type { TaskData } from '../shared/tasks';
import { ROLE_TITLES } from '../shared/roles';
import { assessVerification, CRITICAL_ITEMS, OPENING_ZONES, STATUS_LABELS, VIGILANCE, type ItemCheck, type OpeningItemId, type VerificationOutcome } from '../domain/opening';
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
 * P2.2.2 Apertura diaria del Centro MAC (2.2.2, with 2.1.2 "Apertura de la Atención"). Every day,
 * from the center's Schedule a little before its opening hour (or started through the API):
 *
 * 1. The supervisor or the coordinator verifies every item of the zones of 2.2.2 and counts the
 *    security agents present; late, it escalates every OPENING_ESCALATE_EVERY_HOURS.
 * 2. If Internet, Energía eléctrica or the Servicio de Vigilancia (no security agent, 2.1.2) is
 *    missing, the center does not open: Formato 3 goes by email to the Entidad Administradora and
 *    SSCS-SGP, SSCS records the communication to citizens, and the coordinator pursues the
 *    restoration (reminders, escalation Entidad Administradora → SSCS while closed). Restored, the
 *    failed items are verified again and the center opens; the hours closed are recorded.
 * 3. Otherwise the center opens at its hour, and each other item found missing or damaged starts a
 *    corrective maintenance run (PA2.2.3; PA1.1.4 for Servicios TIC).
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
  const verification = await run.task({
    key: 'verify',
    type: 'verify_opening',
    title: `Verificación diaria del Centro MAC antes de la apertura de las ${day.hours.open} (2.2.2)`,
    role: 'supervisor',
    alsoRoles: ['coordinator'],
    dueAt: day.scheduledOpenAt!,
    remindBefore: [10],
    escalateEvery: everyHours,
  });
  if (verification.status !== 'completed') {
    // Nobody recorded the verification: whether the center opened is unknown, and it says so.
    await acts.updateOpening({ centerId: meta.centerId, date: day.date, set: { status: 'not_verified' } });
    return run.finish('completed', { days: 1, unverified: 1, openedOnTime: 0, notOpened: 0 }, { date: day.date, opening: 'not_verified' });
  }
  const checked = verification.data;
  const first = assessVerification(checked.items, checked.securityAgents);
  const verifiedAt = verification.completedAt!;
  const formato3 = formato3Data(day, verification, first);

  if (first.critical.length === 0) {
    // Opens at its hour: a verification done early waits for it; a late one opens the center late.
    if (Date.now() < openAt) await sleep(openAt - Date.now());
    const openedAt = new Date(Math.max(openAt, Date.parse(verifiedAt))).toISOString();
    const onTime = Date.parse(verifiedAt) <= openAt;
    const hoursClosed = hoursBetween(openAt, Date.parse(openedAt));
    await acts.updateOpening({ centerId: meta.centerId, date: day.date, set: { status: 'open', verifiedAt, openedAt, onTime, hoursClosed, findings: first.findings.map((f) => f.label) } });
    await run.document('formato-3', 'formato_3', { ...formato3, decision: 'open', openedAt });
    const maintenance = await correctiveRuns(run, day.date, first, settings);
    return run.finish(
      'completed',
      { days: 1, openedOnTime: onTime ? 1 : 0, notOpened: 0, hoursClosed, findings: first.findings.length },
      { date: day.date, opening: 'opened', openedAt, onTime, findings: first.findings.map((f) => f.id), maintenance },
    );
  }

  // Not opened (2.2.2): Formato 3 to the Entidad Administradora and SSCS-SGP, once.
  const doc = await run.document('formato-3', 'formato_3', { ...formato3, decision: 'not_open' });
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

  let failing = first.critical;
  let opened: string | undefined;
  for (let round = 1; !dayOver() && !opened; round++) {
    const missing = failing.map((c) => c.label).join(', ');
    const restoration = await run.task({
      key: `restore-${round}`,
      type: 'report_restoration',
      title: `Coordinar con la Entidad Administradora el restablecimiento de: ${missing}, y reportarlo (2.2.2)`,
      role: 'coordinator',
      dueAt: new Date(Date.now() + everyHours * HOUR).toISOString(),
      remindBefore: [30],
      escalateEvery: everyHours,
    });
    if (restoration.status !== 'completed') break;
    const expected = failing.map((c) => c.id);
    const reverification = await run.task({
      key: `reverify-${round}`,
      type: 'reverify_opening',
      title: `Verificar nuevamente: ${missing} (2.2.2)`,
      role: 'supervisor',
      alsoRoles: ['coordinator'],
      dueAt: new Date(Date.now() + HOUR).toISOString(),
      escalateEvery: everyHours,
      check: (data) => missingFromReverification(expected, data),
    });
    if (reverification.status !== 'completed') break;
    const again = assessVerification(reverification.data.items as Partial<Record<OpeningItemId, ItemCheck>>, expected.includes(VIGILANCE.id) ? reverification.data.securityAgents : undefined);
    if (again.critical.length === 0) opened = reverification.completedAt!;
    else failing = again.critical;
  }

  if (opened) {
    // Restored before the opening hour, the center still opens at its hour, on time.
    if (Date.now() < openAt) await sleep(openAt - Date.now());
    opened = new Date(Math.max(openAt, Date.parse(opened))).toISOString();
    const onTime = Date.parse(opened) <= openAt;
    const hoursClosed = hoursBetween(openAt, Date.parse(opened));
    await acts.updateOpening({ centerId: meta.centerId, date: day.date, set: { status: 'open', openedAt: opened, onTime, hoursClosed } });
    await run.notify('restored', OPENING_RECIPIENTS, 'opening_restored', {
      date: day.date,
      openedAt: opened,
      hoursClosedText: hoursClosed.toFixed(1).replace('.', ','),
      critical: first.critical,
    });
  }
  const onTime = opened !== undefined && Date.parse(opened) <= openAt;
  const hoursClosed = opened ? hoursBetween(openAt, Date.parse(opened)) : hoursBetween(openAt, closeAt);
  if (!opened) await acts.updateOpening({ centerId: meta.centerId, date: day.date, set: { status: 'closed_day', hoursClosed } });
  const told = await communication;
  return run.finish(
    'completed',
    { days: 1, openedOnTime: onTime ? 1 : 0, notOpened: onTime ? 0 : 1, hoursClosed, findings: first.findings.length, citizensInformed: told.status === 'completed' ? 1 : 0 },
    { date: day.date, opening: onTime ? 'opened' : opened ? 'opened_late' : 'not_opened', onTime, openedAt: opened ?? null, hoursClosed, critical: first.critical.map((c) => c.id), maintenance },
  );
}

/** A re-verification must cover every critical resource that failed, and only with a count for vigilance. */
function missingFromReverification(expected: string[], data: TaskData<'reverify_opening'>): string | undefined {
  const items = data.items as Record<string, ItemCheck | undefined>;
  const lacking = expected.filter((id) => (id === VIGILANCE.id ? data.securityAgents === undefined : items[id] === undefined));
  if (lacking.length) return `the re-verification must state: ${lacking.map((id) => (id === VIGILANCE.id ? 'securityAgents' : `items.${id}`)).join(', ')}`;
  return undefined;
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
        critical: CRITICAL_ITEMS.includes(id as OpeningItemId),
        observation: items[id].observation,
      })),
    })),
    critical: outcome.critical,
    findings: outcome.findings,
    notes: verification.data.notes,
  };
}
