/**
 * TRUST_PROXY (issue 13 hardening): the public rate limit counts per client. Without a trusted
 * proxy the client is the socket's address, so a forged X-Forwarded-For cannot buy more requests;
 * behind one configured proxy hop, each forwarded client has its own count.
 */
import supertest from 'supertest';
import pino from 'pino';
import { createApp } from '../../src/api/app';
import type { ApiDeps } from '../../src/api/deps';
import { parseConfig } from '../../src/config';
import { DEFAULT_SETTINGS } from '../../src/shared/settings';

/** The app with what the public claim route touches before the store (an invalid body is refused first). */
function app(trustProxy?: ApiDeps['trustProxy']) {
  const deps = {
    log: pino({ level: 'silent' }),
    clock: () => new Date(),
    jwtSecret: 'test-secret-that-is-long-enough-0123456789',
    searchAttributes: false,
    claimTerms: { remindBefore: [10, 3], escalateEvery: 5 },
    settings: DEFAULT_SETTINGS,
    publicRateLimit: 2,
    ...(trustProxy !== undefined ? { trustProxy } : {}),
  } as unknown as ApiDeps;
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
