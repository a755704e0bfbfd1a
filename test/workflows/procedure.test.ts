/**
 * The catalog-driven procedure workflow (DESIGN §4): the catalog's steps in order, each a human
 * task for its role with a term in business days; the outcomes feed the indicator.
 */
import { Worker } from '@temporalio/worker';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { createActivities } from '../../src/activities';
import { loadTemplates } from '../../src/templates';
import type { Models } from '../../src/db/models';
import { findProcedure } from '../../src/catalog';
import { completeTaskUpdate, getStateQuery } from '../../src/shared/messages';
import type { Role } from '../../src/shared/roles';
import { BusinessCalendar, limaDate } from '../../src/calendar/businessCalendar';
import { procedureWorkflow } from '../../src/workflows';
import { createTimeSkippingEnv, freshModels, maybeRecordHistory, RecordingMailer, testEnv, uniqueId } from '../helpers/infra';

let env: TestWorkflowEnvironment;
let models: Models;
beforeAll(async () => {
  [env, models] = await Promise.all([createTimeSkippingEnv(), freshModels()]);
});
afterAll(async () => {
  await env?.teardown();
  await models?.connection.close();
});

test('when PE1.1.2 runs its three steps and one is not done, then every task had its role and term and the run is not achieved', async () => {
  const procedure = findProcedure('PE1.1.2')!;
  const mailer = new RecordingMailer();
  const taskQueue = uniqueId('tq');
  const runId = uniqueId('PE1.1.2-callao');
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle: testEnv.workflowBundle(),
    activities: createActivities({ models, mailer, templates: loadTemplates(), clock: () => new Date(), mail: { from: 'mac@x.pe', sscsEmail: 'sscs@pcm.gob.pe' } }),
  });
  const calendar = new BusinessCalendar();
  const seen: { role: Role; dueDate: string; opened: string }[] = [];
  const result = await worker.runUntil(async () => {
    const handle = await env.client.workflow.start(procedureWorkflow, {
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
        args: [{ taskId: task.id, actor: { sub: `${step.role}-1`, role: step.role, centers: ['callao'] }, data: { outcome: i === 2 ? 'not_done' : 'done', notes: 'registrado' } }],
      });
    }
    const out = await handle.result();
    await maybeRecordHistory('procedure-PE1.1.2', handle);
    return out;
  });

  expect(seen.map((s) => s.role)).toEqual(procedure.steps!.map((s) => s.role));
  seen.forEach((s, i) => expect(s.dueDate).toBe(calendar.addBusinessDays(s.opened, procedure.steps![i].dueBusinessDays)));
  expect(result).toMatchObject({ status: 'completed', result: { achieved: false } });
  expect(await models.Run.findById(runId).lean()).toMatchObject({ status: 'completed', metrics: { closed: 1, achieved: 0, notAchieved: 1 } });
  expect(mailer.sent).toHaveLength(0);
});
