/**
 * Hardening found in review (issue 13), on the app without the store or Temporal (what is checked
 * happens before either): TRUST_PROXY decides who a client is for the rate limits; every token
 * must carry the configured issuer and audience.
 */
import supertest from 'supertest';
import { createApp } from '../../src/api/app';
import type { ApiDeps } from '../../src/api/deps';
import { parseConfig } from '../../src/config';
import jwt from 'jsonwebtoken';
import { signToken } from '../../src/api/auth';
import { JWT_SECRET, testApiDeps } from '../helpers/stack';

/** The app with what the public claim route touches before the store (an invalid body is refused first). */
const SECRET = JWT_SECRET;

function app(trustProxy?: ApiDeps['trustProxy'], jwtScope?: ApiDeps['jwtScope']) {
  const none = undefined as never;
  const deps = testApiDeps({ models: none, temporal: none, mailer: none, taskQueue: 'unused', publicRateLimit: 2, ...(trustProxy !== undefined ? { trustProxy } : {}), ...(jwtScope ? { jwtScope } : {}) });
  return supertest(createApp(deps));
}

const from = (http: ReturnType<typeof app>, client: string) => http.post('/api/v1/public/claims').set('X-Forwarded-For', client).send({});

test('without TRUST_PROXY, a forged X-Forwarded-For does not reset the count', async () => {
  const http = app();
  const statuses = [];
  for (const client of ['203.0.113.1', '203.0.113.2', '203.0.113.3']) statuses.push((await from(http, client)).status);
  expect(statuses).toEqual([400, 400, 429]);
});

test('with one trusted proxy hop, each forwarded client is counted on its own', async () => {
  const http = app(1);
  const statuses = [];
  for (const client of ['203.0.113.1', '203.0.113.1', '203.0.113.1', '203.0.113.2']) statuses.push((await from(http, client)).status);
  expect(statuses).toEqual([400, 400, 429, 400]);
});

test('TRUST_PROXY reads as express takes it: true/false, a number of hops, or addresses', () => {
  const read = (v: string) => parseConfig({ TRUST_PROXY: v } as NodeJS.ProcessEnv).TRUST_PROXY;
  expect([read('true'), read('false'), read('2'), read('loopback, 10.0.0.0/8')]).toEqual([true, false, 2, 'loopback, 10.0.0.0/8']);
});

describe('JWT issuer and audience', () => {
  const scope = { issuer: 'https://idp.pcm.gob.pe', audience: 'mac-engine-prod' };
  const claims = { sub: 'ana', role: 'sscs' as const, centers: '*' as const };
  const call = (token: string) => app(undefined, scope).get('/api/v1/procedures').set('Authorization', `Bearer ${token}`);

  test('a token with the configured issuer and audience is accepted', async () => {
    expect((await call(signToken(SECRET, claims, '1h', {}, scope))).status).toBe(200);
  });

  test('the same secret without them, or for another issuer or audience, is refused (401 naming the claim)', async () => {
    const bare = jwt.sign(claims, SECRET, { algorithm: 'HS256', expiresIn: '1h' });
    const otherAudience = signToken(SECRET, claims, '1h', {}, { ...scope, audience: 'another-system' });
    const otherIssuer = signToken(SECRET, claims, '1h', {}, { ...scope, issuer: 'https://elsewhere.example' });
    const answers = await Promise.all([bare, otherAudience, otherIssuer].map(async (t) => (await call(t)).body.error));
    expect(answers.map((e) => e.code)).toEqual(['unauthorized', 'unauthorized', 'unauthorized']);
    expect(answers[1].message).toMatch(/audience/);
    expect(answers[2].message).toMatch(/issuer/);
  });

  test('JWT_ISSUER and JWT_AUDIENCE have defaults and can be set', () => {
    expect(parseConfig({} as NodeJS.ProcessEnv)).toMatchObject({ JWT_ISSUER: 'mac-process-engine', JWT_AUDIENCE: 'mac-process-engine' });
    expect(parseConfig({ JWT_ISSUER: scope.issuer, JWT_AUDIENCE: scope.audience } as NodeJS.ProcessEnv)).toMatchObject({ JWT_ISSUER: scope.issuer, JWT_AUDIENCE: scope.audience });
  });
});
