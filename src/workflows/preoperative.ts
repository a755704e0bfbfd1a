import { sleep } from '@temporalio/workflow';
import type { z } from 'zod';
import { acts, limaDay, Run, withRun } from './run';
import type { RunMeta, RunState } from '../shared/messages';
import type { EngineSettings } from '../shared/settings';
import type { preOperativeInputSchema } from '../catalog';
import { preoperativeObservations } from '../domain/preoperative';

export interface PreOperativeWorkflowInput {
  meta: RunMeta;
  input: z.infer<typeof preOperativeInputSchema>;
  settings: EngineSettings;
}

/**
 * P2.2.1 Etapa pre-operativa de un nuevo Centro MAC (2.2.1): from the Acta de Entrega del Inmueble
 * Acondicionado to the end of the marcha blanca; then the inauguration, and the center operates.
 *
 * 1. Revisión de condiciones operativas: the Entidad Administradora's team fills the 35-item Check
 *    List de Verificación (HW, SW, observations; 28–30 one line per participating entity's
 *    modules) with SSCS's technical assistance (SSCS may fill it too); observed lines are solved
 *    and the list verified again.
 * 2. Habilitación de módulos: SSCS convokes each participating entity's technical staff, who
 *    install, enable links and credentials and test internally — a task per entity, in parallel.
 * 3. Pruebas operativas (marcha blanca): the training in its four components, unit tests and
 *    integral tests with the Asesores de Servicio, and the services to open with.
 * 4. The inauguration agreed between PCM and the Entidad Administradora. On its date the center
 *    becomes active and its daily opening (2.2.2) is scheduled; before, it has none and cannot be
 *    opened.
 * Every step has its term in business days, reminders and escalation (Entidad Administradora →
 * SSCS).
 */
export async function preOperativeWorkflow(args: PreOperativeWorkflowInput): Promise<RunState> {
  return withRun(args.meta, (run) => preOperativeRun(run, args));
}

async function preOperativeRun(run: Run, { meta, input, settings }: PreOperativeWorkflowInput): Promise<RunState> {
  const center = await acts.centerFacts({ centerId: meta.centerId });
  if (!center || center.stage !== 'pre_operative') {
    await run.begin(`Etapa pre-operativa de ${meta.centerId}`);
    return run.finish('cancelled', { closed: 0 }, { reason: `${meta.centerId} is not a center in its pre-operative stage` });
  }
  const entityIds = center.entities.map((e) => e.id);
  await run.begin(`Etapa pre-operativa del Centro MAC ${center.name} (Acta de Entrega ${input.actaEntrega.reference}, ${input.actaEntrega.date})`, {}, `preoperative:${center.id}`);
  const terms = settings.preOperative;

  // 1. Revisión de condiciones operativas (Check List de Verificación).
  let rounds = 0;
  for (;;) {
    rounds += 1;
    const list = await run.task({
      key: `checklist-${rounds}`,
      type: 'verify_preoperative_checklist',
      title: `${rounds > 1 ? 'Verificar nuevamente' : 'Verificar'} las condiciones operativas del Centro MAC ${center.name} (Check List de Verificación, 2.2.1)`,
      role: 'admin_entity',
      alsoRoles: ['sscs'],
      dueBusinessDays: terms.checklistDays,
      check: (data) => {
        const given = Object.keys(data.entityModules);
        const missing = entityIds.filter((id) => !given.includes(id));
        const unknown = given.filter((id) => !entityIds.includes(id));
        if (missing.length) return `entityModules must have the modules of every participating entity (items 28–30): missing ${missing.map((id) => `entityModules.${id}`).join(', ')}`;
        if (unknown.length) return `entityModules.${unknown[0]} is not a participating entity of ${center.id}`;
        return undefined;
      },
    });
    const observed = preoperativeObservations(list.data);
    if (!observed.length) break;
    await run.task({
      key: `solve-${rounds}`,
      type: 'solve_preoperative_observations',
      title: `Levantar las observaciones del Check List: ${observed.map((o) => `${o.line} ${o.label}`).join('; ')}`,
      role: 'admin_entity',
      dueBusinessDays: terms.checklistDays,
    });
  }

  // 2. Habilitación de módulos de entidades participantes: SSCS convokes each one.
  await Promise.all(
    center.entities.map((entity) =>
      run.task({
        key: `enable-${entity.id}`,
        type: 'enable_entity_modules',
        title: `Habilitar los módulos de ${entity.name} en el Centro MAC ${center.name}: instalaciones, enlaces, claves y credenciales, pruebas internas`,
        role: 'participant_entity',
        entityId: entity.id,
        dueBusinessDays: terms.enablementDays,
        levels: ['admin_entity', 'sscs'],
        onOpen: (task) => run.notify(`convocation-${entity.id}`, [{ kind: 'entity', entityId: entity.id }], 'preoperative_convocation', { entity, dueDate: task.dueDate }),
      }),
    ),
  );

  // 3. Pruebas operativas (marcha blanca).
  const marcha = await run.task({
    key: 'marcha-blanca',
    type: 'run_marcha_blanca',
    title: `Marcha blanca del Centro MAC ${center.name}: capacitación, pruebas unitarias e integrales, servicios de inauguración`,
    role: 'sscs',
    alsoRoles: ['admin_entity'],
    dueBusinessDays: terms.marchaBlancaDays,
    check: (data) => {
      const unknown = data.openingServices.find((s) => !entityIds.includes(s.entityId));
      return unknown ? `openingServices: ${unknown.entityId} is not a participating entity of ${center.id}` : undefined;
    },
  });

  // 4. The inauguration, agreed between PCM and the Entidad Administradora.
  const inauguration = await run.task({
    key: 'inauguration',
    type: 'agree_inauguration',
    title: `Acordar la inauguración del Centro MAC ${center.name} entre la PCM y la Entidad Administradora`,
    role: 'sscs',
    alsoRoles: ['admin_entity'],
    dueBusinessDays: terms.inaugurationDays,
    check: (data) => (data.date < limaDay() ? `date: the inauguration cannot be before today (${limaDay()})` : undefined),
  });
  const operatingSince = inauguration.data.date;
  const wait = Date.parse(`${operatingSince}T00:00:00-05:00`) - Date.now();
  if (wait > 0) await sleep(wait);
  const { scheduleId } = await acts.activateCenter({ centerId: center.id, runId: meta.runId, operatingSince });
  await run.notify('operating', [{ kind: 'admin_entity' }, { kind: 'sscs' }], 'center_operating', {
    operatingSince,
    agreedWith: inauguration.data.agreedWith,
    openingServices: marcha.data.openingServices,
  });
  return run.finish('completed', { closed: 1, achieved: 1 }, { operatingSince, checklistRounds: rounds, openingScheduleId: scheduleId, openingServices: marcha.data.openingServices });
}
