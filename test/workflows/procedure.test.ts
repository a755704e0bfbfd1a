/**
 * The catalog-driven procedure workflow (DESIGN §4): the catalog's steps in order, each a human
 * task for its role with a term in business days; the outcomes feed the indicator.
 */
import { findProcedure } from '../../src/catalog';
import { completeTaskUpdate, getStateQuery } from '../../src/shared/messages';
import type { Role } from '../../src/shared/roles';
import { BusinessCalendar, limaDate } from '../../src/calendar/businessCalendar';
import { procedureWorkflow } from '../../src/workflows';
import { maybeRecordHistory, RecordingMailer, uniqueId, useWorkflowTestEnv } from '../helpers/infra';

const ctx = useWorkflowTestEnv();

test('when PE1.1.2 runs its three steps and one is not done, then every task had its role and term and the run is not achieved', async () => {
  const procedure = findProcedure('PE1.1.2')!;
  const mailer = new RecordingMailer();
  const runId = uniqueId('PE1.1.2-callao');
  const { worker, taskQueue } = await ctx.worker(mailer);
  const calendar = new BusinessCalendar();
  const seen: { role: Role; dueDate: string; opened: string }[] = [];
  const result = await worker.runUntil(async () => {
    const handle = await ctx.env.client.workflow.start(procedureWorkflow, {
      taskQueue,
      workflowId: runId,
      args: [{ meta: { runId, code: procedure.code, centerId: 'callao', startedBy: { sub: 'coord-callao', role: 'coordinator' }, searchAttributes: false }, input: { centerId: 'callao', subject: 'Plan de Operación 2027', period: '2027' }, steps: procedure.steps! }],
    });
    for (const [i, step] of procedure.steps!.entries()) {
      const task = await (async () => {
        for (;;) {
          const t = (await handle.query(getStateQuery)).tasks[i];
          if (t) return t;
          await new Promise((r) => setTimeout(r, 50));
        }
      })();
      seen.push({ role: task.role, dueDate: task.dueDate, opened: limaDate(new Date(task.createdAt)) });
      await handle.executeUpdate(completeTaskUpdate, {
        args: [{ taskId: task.id, actor: { sub: `${step.role}-1`, role: step.role, centers: ['callao'] }, data: { outcome: i === 2 ? 'not_done' : 'done', notes: 'registrado', ...(step.figures ? { figures: { planActivities: 12, planActivitiesExecuted: 9 } } : {}) } }],
      });
    }
    const out = await handle.result();
    await maybeRecordHistory('procedure-PE1.1.2', handle);
    return out;
  });

  expect(seen.map((s) => s.role)).toEqual(procedure.steps!.map((s) => s.role));
  seen.forEach((s, i) => expect(s.dueDate).toBe(calendar.addBusinessDays(s.opened, procedure.steps![i].dueBusinessDays)));
  expect(result).toMatchObject({ status: 'completed', result: { achieved: false } });
  expect(await ctx.models.Run.findById(runId).lean()).toMatchObject({ status: 'completed', metrics: { closed: 1, achieved: 0, notAchieved: 1, planActivities: 12, planActivitiesExecuted: 9 } });
  expect(mailer.sent).toHaveLength(0);
});

test('when steps are left overdue, then the escalation ladder starts above the assignee: a coordinator step reaches the Entidad Administradora and SSCS, an SSCS step gets only its reminder', async () => {
  const procedure = findProcedure('PE1.1.1')!; // coordinator (10 business days), then SSCS (20)
  const mailer = new RecordingMailer();
  const runId = uniqueId('PE1.1.1-piura');
  const { worker, taskQueue } = await ctx.worker(mailer);
  const events = await worker.runUntil(async () => {
    const handle = await ctx.env.client.workflow.start(procedureWorkflow, {
      taskQueue,
      workflowId: runId,
      args: [{ meta: { runId, code: procedure.code, centerId: 'piura', startedBy: { sub: 'sscs-1', role: 'sscs' }, searchAttributes: false }, input: { centerId: 'piura', subject: 'Lineamientos 2027' }, steps: procedure.steps! }],
    });
    const kinds: string[][] = [];
    for (const [i, step] of procedure.steps!.entries()) {
      for (;;) {
        if ((await handle.query(getStateQuery)).tasks[i]) break;
        await new Promise((r) => setTimeout(r, 50));
      }
      await ctx.env.sleep('60 days');
      const task = (await handle.query(getStateQuery)).tasks[i];
      kinds.push(task.events.map((e) => e.kind + (e.level ? `:${e.level}` : '')));
      const figures = step.figures ? { figures: { guidelinesScheduled: 3, guidelinesUpdated: 3 } } : {};
      await handle.executeUpdate(completeTaskUpdate, { args: [{ taskId: task.id, actor: { sub: `${step.role}-1`, role: step.role, centers: '*' }, data: { outcome: 'done', ...figures } }] });
    }
    await handle.result();
    return kinds;
  });
  expect(events).toEqual([['reminder', 'escalation:admin_entity', 'escalation:sscs'], ['reminder']]);
  expect(mailer.to('centromac@regionpiura.gob.pe').map((m) => m.subject)).toEqual([expect.stringMatching(/^Escalamiento: «Remitir propuestas/)]);
  expect(mailer.to('sscs@pcm.gob.pe').map((m) => m.subject.split(':')[0])).toEqual(['Escalamiento', 'Recordatorio']);
});

test('when a step reports the figures of its indicator (PA1.1.1, the risk level found; PM1.2.1, turns and hours), then a missing or wrong figure is refused naming it and the run records them as metrics', async () => {
  const mailer = new RecordingMailer();
  const { worker, taskQueue } = await ctx.worker(mailer);
  const run = async (code: string, figures: Record<string, Record<string, number | string>>, wrong: Record<string, number | string>, message: string) => {
    const procedure = findProcedure(code)!;
    const runId = uniqueId(`${code}-callao`);
    const handle = await ctx.env.client.workflow.start(procedureWorkflow, {
      taskQueue,
      workflowId: runId,
      args: [{ meta: { runId, code, centerId: 'callao', startedBy: { sub: 'coord-callao', role: 'coordinator' }, searchAttributes: false }, input: { centerId: 'callao', subject: 'Cifras del periodo' }, steps: procedure.steps! }],
    });
    let refused = '';
    for (const [i, step] of procedure.steps!.entries()) {
      let task;
      while (!(task = (await handle.query(getStateQuery)).tasks[i])) await new Promise((r) => setTimeout(r, 50));
      const actor = { sub: `${step.role}-1`, role: step.role, centers: ['callao'] };
      if (step.figures) {
        refused = await handle.executeUpdate(completeTaskUpdate, { args: [{ taskId: task.id, actor, data: { outcome: 'done', figures: wrong } }] }).then(() => 'accepted', (e: Error & { cause?: { message?: string } }) => e.cause?.message ?? e.message);
      }
      await handle.executeUpdate(completeTaskUpdate, { args: [{ taskId: task.id, actor, data: { outcome: 'done', ...(figures[step.key] ? { figures: figures[step.key] } : {}) } }] });
    }
    await handle.result();
    expect(refused).toContain(message);
    return (await ctx.models.Run.findById(runId).lean())!.metrics;
  };
  await worker.runUntil(async () => {
    expect(await run('PA1.1.1', { backup_and_scan: { riskLevel: 'alto' } }, { riskLevel: 'muy alto' }, 'figures.riskLevel must be one of ninguno, bajo, medio, alto, critico')).toMatchObject({ riskLevel: 3, riskLevel__alto: 1 });
    expect(await run('PM1.2.1', { service_report: { turnsAttended: 412, attentionHours: 9.5 } }, { turnsAttended: 412 }, 'figures.attentionHours is required')).toMatchObject({ turnsAttended: 412, attentionHours: 9.5 });
  });
});
