/**
 * A decreed non-working day reaches every open claim through the HTTP API on the real stack
 * (DESIGN §5: "running terms must then move, with the reason recorded"), even when telling one
 * claim fails for a while, and a repeated POST of the same day moves no term twice.
 */
import { BusinessCalendar, limaDate } from '../../src/calendar/businessCalendar';
import { eventually, startStack, type Stack } from '../helpers/stack';
import { uniqueId } from '../helpers/infra';
import { withFaultySignals } from '../helpers/faults';

/** Signals to these claims fail (`n` more times, or until deleted). */
const faults = new Map<string, number>();
let stack: Stack;
beforeAll(async () => {
  stack = await startStack({
    activityDeps: (deps) => ({
      ...deps,
      client: withFaultySignals(deps.client, (id) => {
        const left = faults.get(id);
        if (left === undefined) return false;
        if (left <= 1) faults.delete(id);
        else faults.set(id, left - 1);
        return 'fail';
      }),
    }),
  });
});
afterAll(async () => {
  await stack?.close();
});

const enc = encodeURIComponent;
const calendar = new BusinessCalendar();
const sscs = () => stack.auth('sscs', '*', 'sscs.calendario');
const supervisor = () => stack.auth('supervisor', ['ventanilla'], 'supervisora.ventanilla');

const claims: string[] = [];
beforeAll(async () => {
  for (let i = 0; i < 3; i++) {
    const res = await stack.http
      .post('/api/v1/procedures/PM1.4.2/runs')
      .set(stack.auth('orientador', ['ventanilla']))
      .send({
        centerId: 'ventanilla',
        citizen: { name: 'Luis Rojas', documentType: 'DNI', documentNumber: String(40000000 + i), email: `${uniqueId('luis')}@ciudadano.pe` },
        description: 'No me entregaron la constancia del trámite.',
        request: 'Que me la entreguen.',
      });
    expect(res.status).toBe(201);
    claims.push(res.body.runId);
  }
});

/** The open claims as the Libro de Reclamaciones shows them, once every one is registered. */
const dueDates = () =>
  eventually(async () => {
    const list = (await stack.http.get('/api/v1/claims?centerId=ventanilla&status=open').set(supervisor())).body.claims as { number: string; dueDate: string }[];
    return list?.length === claims.length ? Object.fromEntries(list.map((c) => [c.number, c.dueDate])) : undefined;
  }, 'the claims to be registered');

const announcementOf = async (date: string) =>
  (await stack.http.get('/api/v1/calendar/non-working-days').set(supervisor())).body.days.find((d: { date: string }) => d.date === date)?.announcement;

const announced = (date: string) =>
  eventually(async () => {
    const a = await announcementOf(date);
    return a?.status === 'done' ? a : undefined;
  }, `the decree of ${date} to reach every open claim`, 60_000);

/** Each claim's term once it took in `date` (its run's state, as staff read it). */
const termsAfter = (date: string) =>
  Promise.all(
    claims.map((n) =>
      eventually(async () => {
        const run = (await stack.http.get(`/api/v1/runs/${enc(n)}`).set(supervisor())).body;
        return run.term?.changes?.some((c: { date: string }) => c.date === date) ? run.term : undefined;
      }, `the term of ${n} to take in ${date}`),
    ),
  );

test("when a day is decreed while telling one claim fails the first times, then after the retries every open claim has the new due date with the reason, and the history names who decreed it", async () => {
  const before = await dueDates();
  const today = limaDate(new Date());
  const date = calendar.addBusinessDays(today, 5);
  const reason = 'D.S. N° 151-2026-PCM: día no laborable para el sector público';
  faults.set(claims[1], 2);

  const res = await stack.http.post('/api/v1/calendar/non-working-days').set(sscs()).send({ date, reason });
  expect(res.status).toBe(201);
  expect(res.body).toMatchObject({ date, reason, announcement: { workflowId: `decreto-${date}` } });

  expect(await announced(date)).toEqual({ workflowId: `decreto-${date}`, status: 'done', reached: 3, skipped: 0, total: 3 });
  expect(faults.has(claims[1])).toBe(false);
  const terms = await termsAfter(date);
  const after = await dueDates();
  claims.forEach((n, i) => {
    expect(after[n]).toBe(calendar.addBusinessDays(before[n], 1));
    expect(terms[i].changes).toEqual([{ date, reason, previousDueDate: before[n], dueDate: after[n] }]);
  });
  const history = (await stack.http.get(`/api/v1/runs/${enc(claims[1])}/history`).set(stack.auth('sscs', '*'))).body.timeline;
  expect(history.filter((e: { kind: string }) => e.kind === 'signal').map((e: { actor: unknown; details: { input: unknown } }) => [e.actor, e.details.input])).toEqual([
    [{ sub: 'sscs.calendario', role: 'sscs' }, expect.objectContaining({ date, reason })],
  ]);
});

test('when the announcement is stopped halfway and SSCS posts the same day again, then it is 200, the announcement resumes, and no term moves twice', async () => {
  const before = await dueDates();
  const date = calendar.addBusinessDays(limaDate(new Date()), 7);
  const reason = 'D.S. N° 152-2026-PCM: día no laborable para el sector público';
  faults.set(claims[2], Number.MAX_SAFE_INTEGER);

  expect((await stack.http.post('/api/v1/calendar/non-working-days').set(sscs()).send({ date, reason })).status).toBe(201);
  // Telling the third claim keeps failing; an operator stops the announcement.
  await eventually(async () => (faults.get(claims[2]) ?? 0) < Number.MAX_SAFE_INTEGER - 1, 'the failures to repeat');
  await stack.client.workflow.getHandle(`decreto-${date}`).terminate('an operator stops an announcement stuck on one claim');
  faults.delete(claims[2]);
  expect(await announcementOf(date)).toMatchObject({ status: expect.stringMatching(/pending|announcing/) });
  const midway = await dueDates();
  expect(midway[claims[2]]).toBe(before[claims[2]]);

  const again = await stack.http.post('/api/v1/calendar/non-working-days').set(sscs()).send({ date, reason: 'otra vez, con otra redacción' });
  expect(again.status).toBe(200);
  expect(again.body).toMatchObject({ date, reason, announcement: { workflowId: `decreto-${date}` } });
  expect(await announced(date)).toMatchObject({ status: 'done', reached: 3, skipped: 0 });

  const terms = await termsAfter(date);
  const after = await dueDates();
  claims.forEach((n, i) => {
    expect(after[n]).toBe(calendar.addBusinessDays(before[n], 1));
    expect(terms[i].changes.filter((c: { date: string }) => c.date === date)).toEqual([{ date, reason, previousDueDate: before[n], dueDate: after[n] }]);
  });
  // Once done, another repeat changes nothing.
  const third = await stack.http.post('/api/v1/calendar/non-working-days').set(sscs()).send({ date, reason });
  expect(third.status).toBe(200);
  expect(third.body.announcement).toMatchObject({ status: 'done', reached: 3 });
});
