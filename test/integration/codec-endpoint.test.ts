/**
 * The Temporal UI's codec endpoint (issue 13): a sealed payload opens only for a browser signed
 * in as SSCS, and only the configured UI origin may call it from a browser.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import supertest from 'supertest';
import { createApp } from '../../src/api/app';
import { signToken } from '../../src/api/auth';
import { AesGcmPayloadCodec, parseCodecKeys } from '../../src/shared/payloadCodec';
import { JWT_SECRET, testApiDeps } from '../helpers/stack';
import { Client, Connection } from '@temporalio/client';
import { testEnv } from '../helpers/infra';
import type { Actor } from '../../src/shared/roles';

const keys = parseCodecKeys(`k1:${randomBytes(32).toString('base64')}`);
const UI = 'http://localhost:8080';
let connection: Connection;
let http: supertest.Agent;

beforeAll(async () => {
  connection = await Connection.connect({ address: testEnv.temporalAddress() });
  const temporal = new Client({ connection, dataConverter: { payloadCodecs: [new AesGcmPayloadCodec(keys)] } });
  const none = undefined as never;
  http = supertest.agent(createApp(testApiDeps({ models: none, mailer: none, taskQueue: 'unused', temporal, temporalUiOrigin: UI })));
});

afterAll(async () => {
  await connection?.close();
});

const session = (actor: Actor) => `mac_session=${signToken(JWT_SECRET, actor, '1h', { sid: randomUUID(), name: actor.sub })}`;

async function sealedBody() {
  const [p] = await new AesGcmPayloadCodec(keys).encode([{ metadata: { encoding: Buffer.from('json/plain') }, data: Buffer.from('{"documentNumber":"48765432"}') }]);
  return { payloads: [{ metadata: Object.fromEntries(Object.entries(p.metadata!).map(([k, v]) => [k, Buffer.from(v!).toString('base64')])), data: Buffer.from(p.data!).toString('base64') }] };
}

test('SSCS signed in to the web pages sees a sealed payload in clear; nobody else does', async () => {
  const body = await sealedBody();
  const sscs = await http.post('/codec/decode').set('Origin', UI).set('Cookie', session({ sub: 'auditora', role: 'sscs', centers: '*' })).send(body);
  expect(sscs.status).toBe(200);
  expect(Buffer.from(sscs.body.payloads[0].data, 'base64').toString()).toBe('{"documentNumber":"48765432"}');
  expect(Buffer.from(sscs.body.payloads[0].metadata.encoding, 'base64').toString()).toBe('json/plain');
  expect(sscs.headers['access-control-allow-origin']).toBe(UI);
  expect(sscs.headers['cache-control']).toBe('no-store');

  const anonymous = await http.post('/codec/decode').set('Origin', UI).send(body);
  expect(anonymous.status).toBe(401);
  const coordinator = await http.post('/codec/decode').set('Origin', UI).set('Cookie', session({ sub: 'coord', role: 'coordinator', centers: ['callao'] })).send(body);
  expect(coordinator.status).toBe(403);
  // An API bearer token is not a session.
  const bearer = await http.post('/codec/decode').set('Authorization', `Bearer ${signToken(JWT_SECRET, { sub: 'x', role: 'sscs', centers: '*' })}`).send(body);
  expect(bearer.status).toBe(401);
});

test('only the Temporal UI origin gets the CORS answer', async () => {
  const pre = await http.options('/codec/decode').set('Origin', UI).set('Access-Control-Request-Method', 'POST');
  expect(pre.status).toBe(204);
  expect(pre.headers).toMatchObject({ 'access-control-allow-origin': UI, 'access-control-allow-credentials': 'true' });
  const other = await http.options('/codec/decode').set('Origin', 'https://evil.example').set('Access-Control-Request-Method', 'POST');
  expect(other.headers['access-control-allow-origin']).toBeUndefined();
});
