/**
 * Activities under retries and concurrency, on the real document DB (FerretDB): Temporal may run
 * an activity again, even while an earlier attempt is still running (DESIGN §7).
 */
import fc from 'fast-check';
import { ApplicationFailure } from '@temporalio/common';
import { Client, Connection } from '@temporalio/client';
import { createActivities } from '../../src/activities';
import { loadTemplates } from '../../src/templates';
import { backfillTaskEntities, CENTER_CACHE_MS, claimNumber, findCenter, forgetCenter, type Models } from '../../src/db/models';
import { freshModels, RecordingMailer, TEST_SSCS_EMAIL, testEnv } from '../helpers/infra';

let models: Models;
beforeAll(async () => {
  models = await freshModels();
});
afterAll(async () => {
  await models?.connection.close();
});

const build = (mailer = new RecordingMailer()) => ({
  mailer,
  acts: createActivities({ models, mailer, templates: loadTemplates(), clock: () => new Date('2026-11-22T15:00:00Z'), mail: { from: 'mac@x.pe', sscsEmail: TEST_SSCS_EMAIL }, client: new Client({ connection: Connection.lazy({ address: testEnv.temporalAddress() }) }) }),
});
const docData = { citizen: { name: 'Ana' }, entity: null, message: 'Gracias', registeredAt: '2026-11-22T15:00:00Z' };

test('when 30 documents of one type and center are numbered at once, then they get 1..30 with no gap and no number twice', async () => {
  const { acts } = build();
  const refs = await Promise.all(
    Array.from({ length: 30 }, (_, i) =>
      acts.renderDocument({ key: `RUN-${i}:constancia`, runId: `RUN-${i}`, centerId: 'callao', type: 'constancia_felicitacion', data: docData }),
    ),
  );
  expect(refs.map((r) => r.number).sort((a, b) => a - b)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
  expect(new Set(refs.map((r) => r.reference)).size).toBe(30);
  const oficio = await acts.renderDocument({ key: 'RUN-0:oficio', runId: 'RUN-0', centerId: 'callao', type: 'oficio_felicitacion', data: { ...docData, entity: { name: 'RENIEC' } } });
  expect(oficio.reference).toBe('OFICIO N° 001-2026-CMAC-CALLAO');
});

test('when one document is rendered by two overlapping attempts and a later retry, then all three return the same number', async () => {
  const { acts } = build();
  const input = { key: 'RUN-X:constancia', runId: 'RUN-X', centerId: 'piura', type: 'constancia_felicitacion' as const, data: docData };
  const [a, b] = await Promise.all([acts.renderDocument(input), acts.renderDocument(input)]);
  const c = await acts.renderDocument(input);
  expect(new Set([a.reference, b.reference, c.reference]).size).toBe(1);
  expect(await models.Document.countDocuments({ runId: 'RUN-X' })).toBe(1);
  const next = await acts.renderDocument({ ...input, key: 'RUN-Y:constancia', runId: 'RUN-Y' });
  expect(next.number).toBe(a.number + 1);
});

test('when an owner claims a number again, then it keeps its number and the sequence goes on after it', async () => {
  const now = new Date();
  const first = (await claimNumber(models, 'test-seq', 'owner-a', now)).n;
  expect((await claimNumber(models, 'test-seq', 'owner-a', now)).n).toBe(first);
  expect((await claimNumber(models, 'test-seq', 'owner-b', now)).n).toBe(first + 1);
});

test('when two processes claim numbers in one sequence at once, then together they get 1..N with no gap and no number twice, and the counter ends at N', async () => {
  // A second copy of the module is a second process: its own lanes and memory of what it claimed.
  let other!: typeof import('../../src/db/models');
  jest.isolateModules(() => {
    other = require('../../src/db/models');
  });
  const otherModels = other.createModels(models.connection);
  const now = new Date();
  const scope = 'test-two-processes';
  const claims = await Promise.all(
    Array.from({ length: 40 }, (_, i) => (i % 2 ? claimNumber(models, scope, `a-${i}`, now, { fresh: true }) : other.claimNumber(otherModels, scope, `b-${i}`, now, { fresh: true }))),
  );
  expect(claims.map((c) => c.n).sort((a, b) => a - b)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
  // Then one after another, alternating: each starts where the other stopped.
  const more = [];
  for (let i = 0; i < 6; i++) more.push((await (i % 2 ? claimNumber(models, scope, `c-${i}`, now) : other.claimNumber(otherModels, scope, `d-${i}`, now))).n);
  expect(more).toEqual([41, 42, 43, 44, 45, 46]);
  expect((await models.Counter.findById(scope).lean())?.seq).toBe(46);
});

test('property (fast-check): whatever the mix of two processes, concurrency and retries, distinct owners get 1..K with no gap and no number twice, and a retry gets its first number', async () => {
  let other!: typeof import('../../src/db/models');
  jest.isolateModules(() => {
    other = require('../../src/db/models');
  });
  const otherModels = other.createModels(models.connection);
  const now = new Date();
  let round = 0;
  // Each run: batches claimed at once, each claim by one of the two processes, owners drawn from a
  // small pool so that some are retries of an owner already served.
  const claim = fc.record({ process: fc.boolean(), owner: fc.integer({ min: 0, max: 14 }) });
  await fc.assert(
    fc.asyncProperty(fc.array(fc.array(claim, { minLength: 1, maxLength: 8 }), { minLength: 1, maxLength: 4 }), async (batches) => {
      const scope = `prop-${round++}-${Date.now()}`;
      const first = new Map<number, number>();
      for (const batch of batches) {
        const got = await Promise.all(batch.map((c) => (c.process ? claimNumber(models, scope, `${scope}-o${c.owner}`, now) : other.claimNumber(otherModels, scope, `${scope}-o${c.owner}`, now))));
        batch.forEach((c, i) => {
          if (first.has(c.owner)) expect(got[i].n).toBe(first.get(c.owner));
          else first.set(c.owner, got[i].n);
        });
      }
      // Every owner holds exactly one number (a retry racing its first attempt included), and together 1..K.
      const held = await models.SequenceClaim.find({ scope }, { n: 1, owner: 1 }).lean();
      const owners = new Set(batches.flat().map((c) => `${scope}-o${c.owner}`));
      expect(held.map((h) => h.n).sort((a, b) => a - b)).toEqual(Array.from({ length: owners.size }, (_, i) => i + 1));
      expect(new Set(held.map((h) => h.owner))).toEqual(owners);
    }),
    { numRuns: 12 },
  );
});

test('when a center changes, then this process sees it at once if it made the change, and within CENTER_CACHE_MS if another did', async () => {
  const name = async () => (await findCenter(models, 'piura'))?.name;
  const original = await name();
  try {
    await models.Center.updateOne({ _id: 'piura' }, { $set: { name: 'Centro MAC Piura (sede temporal)' } });
    expect(await name()).toBe(original); // another process's change, not seen yet
    const now = Date.now();
    const later = jest.spyOn(Date, 'now').mockReturnValue(now + CENTER_CACHE_MS + 1);
    try {
      expect(await name()).toBe('Centro MAC Piura (sede temporal)');
    } finally {
      later.mockRestore();
    }
    await models.Center.updateOne({ _id: 'piura' }, { $set: { name: original } });
    forgetCenter(models, 'piura'); // this process's own change
    expect(await name()).toBe(original);
  } finally {
    await models.Center.updateOne({ _id: 'piura' }, { $set: { name: original } });
    forgetCenter(models, 'piura');
  }
});

test('when delivery is retried after it succeeded, then the email is not sent again', async () => {
  const { acts, mailer } = build();
  await acts.queueEmail({ key: 'RUN-M:ack', runId: 'RUN-M', centerId: 'piura', to: [{ kind: 'address', email: 'ana@correo.pe' }], template: 'congratulation_ack', data: { ...docData, document: { reference: 'X' } } });
  await acts.queueEmail({ key: 'RUN-M:ack', runId: 'RUN-M', centerId: 'piura', to: [{ kind: 'address', email: 'otra@correo.pe' }], template: 'congratulation_ack', data: docData });
  const first = await acts.deliverEmail({ key: 'RUN-M:ack' });
  const again = await acts.deliverEmail({ key: 'RUN-M:ack' });
  expect(again).toEqual(first);
  expect(mailer.sent).toHaveLength(1);
  expect(mailer.sent[0].to).toEqual(['ana@correo.pe']);
});

test('when SMTP rejects an address for good (5xx), then the outbox marks it failed and delivery is not retried', async () => {
  const mailer = new RecordingMailer();
  mailer.send = async () => {
    throw Object.assign(new Error('550 5.1.1 mailbox unavailable'), { responseCode: 550 });
  };
  const { acts } = build(mailer);
  await acts.queueEmail({ key: 'RUN-R:ack', runId: 'RUN-R', centerId: 'piura', to: [{ kind: 'address', email: 'nadie@dominio-inexistente.pe' }], template: 'congratulation_ack', data: { ...docData, document: { reference: 'X' } } });
  const err = await acts.deliverEmail({ key: 'RUN-R:ack' }).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(ApplicationFailure);
  expect(err).toMatchObject({ type: 'MailRejected', nonRetryable: true });
  expect(await models.Outbox.findById('RUN-R:ack').lean()).toMatchObject({ status: 'failed', lastError: expect.stringContaining('550') });
});

test('when an inbox write from an older attempt lands after a newer one, then the newer state stays', async () => {
  const { acts } = build();
  const task = { id: 'RUN-T:step', type: 'procedure_step' as const, title: 't', role: 'supervisor' as const, status: 'open' as const, createdAt: '2026-11-22T15:00:00Z', dueAt: '2026-11-30T04:59:59.999Z', dueDate: '2026-11-29', events: [], rev: 1 };
  await acts.recordTask({ runId: 'RUN-T', code: 'PE1.3.1', centerId: 'piura', task: { ...task, status: 'completed', completedAt: '2026-11-23T15:00:00Z', completedBy: { sub: 's', role: 'supervisor' }, data: { outcome: 'done' }, rev: 2 } });
  await acts.recordTask({ runId: 'RUN-T', code: 'PE1.3.1', centerId: 'piura', task });
  expect(await models.Task.findById('RUN-T:step').lean()).toMatchObject({ status: 'completed', rev: 2 });
});

test('when claim tasks for an entity were recorded before tasks named their entity, then the start-up backfill names it from the claim, once', async () => {
  const now = new Date();
  await models.Claim.create({ _id: 'HR-callao-2026-09999', centerId: 'callao', entity: { id: 'sunat', name: 'SUNAT' }, registeredAt: now, dueDate: '2027-01-05', dueAt: now, status: 'open' });
  await models.Task.create({ _id: 'HR-callao-2026-09999:investigate-1', runId: 'HR-callao-2026-09999', code: 'PM1.4.2', centerId: 'callao', type: 'investigate_claim', title: 'Investigar', role: 'participant_entity', status: 'open', createdAt: now });
  await models.Task.create({ _id: 'HR-callao-2026-09999:review-1', runId: 'HR-callao-2026-09999', code: 'PM1.4.2', centerId: 'callao', type: 'review_claim_answer', title: 'Revisar', role: 'supervisor', status: 'open', createdAt: now });
  expect(await backfillTaskEntities(models)).toBe(1);
  expect(await backfillTaskEntities(models)).toBe(0);
  expect((await models.Task.findById('HR-callao-2026-09999:investigate-1').lean())?.entityId).toBe('sunat');
  expect((await models.Task.findById('HR-callao-2026-09999:review-1').lean())?.entityId).toBeUndefined();
});
