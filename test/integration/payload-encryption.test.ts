/**
 * Citizens' personal data sealed in Temporal history (issue 13): with PAYLOAD_KEYS, the client
 * and the worker seal every payload (AES-256-GCM, the key id in each), so the history the server
 * stores — what the Temporal UI or a database dump shows — carries no name, document number,
 * email or phone; the engine itself reads it all back (the run goes on, the audit timeline opens).
 */
import { randomBytes } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { AesGcmPayloadCodec, parseCodecKeys, SEALED_ENCODING } from '../../src/shared/payloadCodec';
import { eventually, useStack } from '../helpers/stack';
import { testEnv } from '../helpers/infra';

const keys = parseCodecKeys(`k2:${randomBytes(32).toString('base64')},k1:${randomBytes(32).toString('base64')}`);
const suite = useStack({ payloadKeys: keys });

test('a claim filed with keys leaves no personal data in the stored history, and the engine still reads it', async () => {
  const citizen = { name: 'Rosa Elvira Mamani Quispe', documentType: 'DNI', documentNumber: '48765432', email: 'rosa.mamani@example.pe', phone: '987654321' };
  const filed = await suite.stack.http.post('/api/v1/public/claims').send({ centerId: 'callao', citizen, entityId: 'sunat', description: 'Cobro duplicado en SUNAT.', request: 'Devolución.' });
  expect(filed.status).toBe(201);
  const number = filed.body.number as string;
  suite.started.push(number);
  // The worker opened the sealed input: the run went on to the entity's investigation.
  await eventually(async () => (await suite.stack.models.Task.exists({ runId: number, type: 'investigate_claim' })) ?? undefined, 'the investigation task');

  // The history as the server stores it, read by a client without the keys.
  const connection = await Connection.connect({ address: testEnv.temporalAddress() });
  try {
    const raw = await new Client({ connection, namespace: suite.stack.namespace }).workflow.getHandle(number).fetchHistory();
    const bytes = Buffer.from(temporal.api.history.v1.History.encode(raw).finish()).toString('latin1');
    for (const secret of [citizen.name, citizen.documentNumber, citizen.email, citizen.phone, 'Mamani']) expect(bytes).not.toContain(secret);
    const input = raw.events![0].workflowExecutionStartedEventAttributes!.input!.payloads![0];
    expect(Buffer.from(input.metadata!.encoding!).toString()).toBe(SEALED_ENCODING);
    expect(Buffer.from(input.metadata!['encryption-key-id']!).toString()).toBe('k2');
  } finally {
    await connection.close();
  }

  // The engine opens it: the audit timeline reads the history through the same keys.
  const audit = await suite.stack.http.get(`/api/v1/runs/${encodeURIComponent(number)}/audit`).set(suite.stack.auth('sscs', '*'));
  expect(audit.status).toBe(200);
  expect(audit.body.entries[0].entry).toMatchObject({ kind: 'run_started', summary: expect.stringContaining(number) });
});

test('keys rotate: a payload sealed with an older key opens while that key is listed, and not once it is dropped', async () => {
  const [k2, k1] = keys;
  const old = new AesGcmPayloadCodec([k1]);
  const [sealed] = await old.encode([{ metadata: { encoding: new TextEncoder().encode('json/plain') }, data: new TextEncoder().encode('{"documentNumber":"48765432"}') }]);
  const [opened] = await new AesGcmPayloadCodec([k2, k1]).decode([sealed]);
  expect(Buffer.from(opened.data!).toString()).toBe('{"documentNumber":"48765432"}');
  await expect(new AesGcmPayloadCodec([k2]).decode([sealed])).rejects.toThrow('"k1"');
  // A sealed payload altered by one bit does not open (GCM authenticates it).
  const tampered = { ...sealed, data: Buffer.from(sealed.data!).map((b, i) => (i === 20 ? b ^ 1 : b)) };
  await expect(new AesGcmPayloadCodec([k2, k1]).decode([tampered])).rejects.toThrow();
  // What was never sealed (histories from before encryption) passes through.
  const plain = { metadata: { encoding: new TextEncoder().encode('json/plain') }, data: new TextEncoder().encode('1') };
  expect(await new AesGcmPayloadCodec([k2]).decode([plain])).toEqual([plain]);
});
