/**
 * P2.2.1 on the real stack (Temporal dev server with Schedules, FerretDB, MailDev), in real time:
 * a center created through the API runs its pre-operative stage to the end — the inauguration
 * agreed for today — and then has its daily opening schedule (2.2.2); before, it has none.
 */
import { ScheduleNotFoundError } from '@temporalio/client';
import { openingScheduleId } from '../../src/schedules/opening';
import { limaDate } from '../../src/calendar/businessCalendar';
import { eventually, startStack, type Stack } from '../helpers/stack';
import { checklist, enabled, marchaBlanca, NEW_CENTER } from '../helpers/newCenter';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  await stack.client.schedule.getHandle(openingScheduleId(NEW_CENTER.id)).delete().catch(() => undefined);
  await stack?.close();
});

async function complete(runId: string, type: string, auth: { Authorization: string }, data: unknown) {
  const taskId = await eventually(async () => {
    const res = await stack.http.get('/api/v1/tasks').query({ runId, status: 'open' }).set(auth);
    return (res.body.tasks as { id: string; type: string }[]).find((t) => t.type === type)?.id;
  }, `open ${type}`);
  const res = await stack.http.post(`/api/v1/tasks/${encodeURIComponent(taskId)}/complete`).set(auth).send({ data });
  expect(res.status).toBe(200);
}

test('when a new center runs P2.2.1 to the end, then it operates and its daily opening schedule exists; before, it had none', async () => {
  const sscs = stack.auth('sscs', '*', 'sscs-ana');
  expect((await stack.http.post('/api/v1/centers').set(sscs).send(NEW_CENTER)).status).toBe(201);
  await expect(stack.client.schedule.getHandle(openingScheduleId(NEW_CENTER.id)).describe()).rejects.toBeInstanceOf(ScheduleNotFoundError);

  const today = limaDate(new Date());
  const started = await stack.http.post('/api/v1/procedures/P2.2.1/runs').set(sscs).send({ centerId: NEW_CENTER.id, actaEntrega: { date: today, reference: 'Acta N° 002-2026-GRA' } });
  expect(started.status).toBe(201);
  const runId = started.body.runId as string;
  const admin = stack.auth('admin_entity', [NEW_CENTER.id], 'adm-arequipa');
  await complete(runId, 'verify_preoperative_checklist', admin, checklist());
  await complete(runId, 'enable_entity_modules', stack.auth('participant_entity', [NEW_CENTER.id], 'tec-reniec', 'reniec'), enabled);
  await complete(runId, 'enable_entity_modules', stack.auth('participant_entity', [NEW_CENTER.id], 'tec-sunarp', 'sunarp'), enabled);
  await complete(runId, 'run_marcha_blanca', sscs, marchaBlanca(today));
  await complete(runId, 'agree_inauguration', admin, { date: today, agreedWith: 'PCM y Gobierno Regional de Arequipa' });

  const run = await eventually(async () => {
    const res = await stack.http.get(`/api/v1/runs/${runId}`).set(sscs);
    return res.body.status === 'completed' ? res.body : undefined;
  }, 'P2.2.1 completed');
  expect(run.metrics).toMatchObject({ achieved: 1 });
  const schedule = await stack.client.schedule.getHandle(openingScheduleId(NEW_CENTER.id)).describe();
  expect(schedule.info.nextActionTimes.length).toBeGreaterThan(0);
  const center = await eventually(async () => {
    const res = await stack.http.get(`/api/v1/centers/${NEW_CENTER.id}`).set(sscs);
    return res.body.active ? res.body : undefined;
  }, 'the center active');
  expect(center).toMatchObject({ stage: 'operating', operatingSince: today });
});
