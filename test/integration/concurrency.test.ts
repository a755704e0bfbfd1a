/**
 * Many registrations at once (issue 8): the store makes concurrent writers wait, never fail, and
 * numbers are never shared. 64 claims arrive in one burst through the API, half of them with an
 * Idempotency-Key (each sent twice, concurrently); every one is acknowledged with its own Hoja de
 * reclamación number and gets exactly one constancia.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { eventually, startStack, type Stack } from '../helpers/stack';
import { uniqueId } from '../helpers/infra';

let stack: Stack;
let server: Server;
let base: string;
beforeAll(async () => {
  stack = await startStack();
  // A real listening socket on loopback, as clients reach the API (not one ephemeral server per request).
  server = stack.app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((r) => server?.close(r));
  await stack?.close();
});

const claimBody = (i: number) => ({
  centerId: 'lima-norte',
  citizen: { name: `Ciudadano ${i}`, documentType: 'DNI', documentNumber: String(40000000 + i), email: `${uniqueId(`c${i}`)}@ciudadano.pe` },
  ...(i % 2 ? { entityId: 'reniec' } : {}),
  description: 'Esperé tres horas y no me atendieron en el módulo.',
  request: 'Que se revise el sistema de turnos.',
});

test('when 64 claims are registered at once, then all are acknowledged (201) with distinct numbers, and each citizen gets one constancia', async () => {
  const staff = stack.auth('orientador', ['lima-norte']);
  const bodies = Array.from({ length: 64 }, (_, i) => claimBody(i));
  const send = async (i: number) => {
    const res = await fetch(`${base}/api/v1/procedures/PM1.4.2/runs`, {
      method: 'POST',
      headers: { ...staff, 'Content-Type': 'application/json', ...(i < 32 ? { 'Idempotency-Key': `rafaga-${i}` } : {}) },
      body: JSON.stringify(bodies[i]),
    });
    return { status: res.status, body: (await res.json()) as { runId: string } };
  };
  // The 32 keyed requests are each sent twice in the same burst: 96 requests in flight.
  const responses = await Promise.all([...bodies.map((_, i) => send(i)), ...bodies.slice(0, 32).map((_, i) => send(i))]);

  const statuses = responses.map((r) => r.status);
  expect(statuses.filter((s) => s >= 300)).toEqual([]);
  const numbers = responses.slice(0, 64).map((r) => r.body.runId as string);
  expect(new Set(numbers).size).toBe(64);
  numbers.forEach((n) => expect(n).toMatch(/^HR-lima-norte-\d{4}-\d{5}$/));
  // A key sent twice at once: one request created the run (201), the other found it (200).
  for (let i = 0; i < 32; i++) {
    expect(responses[64 + i].body.runId).toBe(numbers[i]);
    expect([responses[i].status, responses[64 + i].status].sort()).toEqual([200, 201]);
  }

  // Every claim reaches its constancia, once: one sent outbox entry and one document per claim.
  await eventually(async () => (await stack.models.Outbox.countDocuments({ status: 'sent' })) >= 64 || undefined, '64 constancias sent', 120_000);
  const sent = await stack.models.Outbox.find({ status: 'sent' }, { runId: 1, to: 1 }).lean();
  expect(sent.map((m) => m.runId).sort()).toEqual([...numbers].sort());
  expect(new Set(sent.map((m) => m.to[0])).size).toBe(64);
  const constancias = await stack.models.Document.find({ type: 'constancia_reclamo' }, { reference: 1 }).lean();
  expect(new Set(constancias.map((d) => d.reference)).size).toBe(64);
}, 180_000);
