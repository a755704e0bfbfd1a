/**
 * When a component is down, the API says so: /health names it (503) and requests answer 503,
 * not 500 (DESIGN §6). Temporal here is an address where nothing listens.
 */
import { Client, Connection } from '@temporalio/client';
import supertest from 'supertest';
import { createApp } from '../../src/api/app';
import { signToken } from '../../src/api/auth';
import { createSmtpMailer } from '../../src/activities/mailer';
import { freePort } from '../../src/launcher/embedded';
import type { Models } from '../../src/db/models';
import { freshModels, testEnv } from '../helpers/infra';
import { congratulationBody, JWT_SECRET, testApiDeps } from '../helpers/stack';

let models: Models;
let connection: Connection;
let http: supertest.Agent;

beforeAll(async () => {
  models = await freshModels();
  connection = Connection.lazy({ address: `127.0.0.1:${await freePort()}`, connectTimeout: 1000 });
  const app = createApp(testApiDeps({ models, temporal: new Client({ connection }), mailer: createSmtpMailer(testEnv.smtpUrl()), taskQueue: 'unused' }));
  http = supertest.agent(app);
});
afterAll(async () => {
  await connection?.close().catch(() => undefined);
  await models?.connection.close();
});

test('when Temporal is down, then /health is 503 naming it, and starting a run is a 503 that a retry with the same key can resume', async () => {
  const health = await http.get('/health');
  expect(health.status).toBe(503);
  expect(health.body.components).toMatchObject({ api: { ok: true }, temporal: { ok: false }, mongodb: { ok: true }, smtp: { ok: true } });
  // Not ready, but alive: an orchestrator takes it out of rotation without restarting it.
  expect((await http.get('/health/ready')).status).toBe(503);
  expect((await http.get('/health/live')).status).toBe(200);

  const auth = { Authorization: `Bearer ${signToken(JWT_SECRET, { sub: 'o-1', role: 'orientador', centers: ['piura'] })}` };
  const res = await http.post('/api/v1/procedures/PM1.4.1/runs').set(auth).set('Idempotency-Key', 'down-1').send(congratulationBody({ centerId: 'piura', entityId: undefined }));
  expect(res.status).toBe(503);
  expect(res.body.error.code).toBe('unavailable');
  expect(res.headers['retry-after']).toBe('5');
  // The key already holds its run number, so the retry will start that same run.
  expect(await models.Idempotency.findById('o-1:down-1').lean()).toMatchObject({ runId: expect.stringMatching(/^PM1\.4\.1-piura-\d{4}-00001$/) });
  expect(await models.Run.countDocuments()).toBe(0);
}, 60_000);
