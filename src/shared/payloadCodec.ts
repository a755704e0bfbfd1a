import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { DataConverter, Payload, PayloadCodec } from '@temporalio/common';
import { temporal } from '@temporalio/proto';

/**
 * Citizens' personal data (names, document numbers, emails, phones) never reaches Temporal's
 * history in clear (issue 13): every payload the engine writes — workflow input, activity
 * arguments and results, updates, queries, memos — is sealed with AES-256-GCM before it leaves the
 * process, and opened on the way back. Each sealed payload names its key (`encryption-key-id`),
 * so keys rotate: the first key of PAYLOAD_KEYS seals, every listed key opens. A payload that is
 * not sealed (a history recorded before encryption, a replay test) passes through as it is.
 *
 * This runs outside the workflow sandbox (client and worker data converters), so workflow code and
 * its determinism are untouched.
 */

export const SEALED_ENCODING = 'binary/encrypted';
const KEY_ID = 'encryption-key-id';
const IV_BYTES = 12;
const TAG_BYTES = 16;

export interface CodecKey {
  id: string;
  key: Buffer;
}

/** `id:base64key,id:base64key` (each key 32 bytes): the first seals. Throws naming what is wrong. */
export function parseCodecKeys(spec: string): CodecKey[] {
  const keys = spec
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)
    .map((part) => {
      const [id, b64] = part.split(':');
      if (!id || !b64 || !/^[A-Za-z0-9._-]{1,40}$/.test(id)) throw new Error(`"${part.slice(0, 12)}…" must be <key id>:<base64 key>`);
      const key = Buffer.from(b64, 'base64');
      if (key.length !== 32) throw new Error(`key ${id} must be 32 bytes (base64 of 32 random bytes: openssl rand -base64 32)`);
      return { id, key };
    });
  if (!keys.length) throw new Error('at least one key is needed');
  if (new Set(keys.map((k) => k.id)).size !== keys.length) throw new Error('key ids must be distinct');
  return keys;
}

const utf8 = (s: string) => new TextEncoder().encode(s);
const text = (b?: Uint8Array | null) => (b ? Buffer.from(b).toString('utf8') : undefined);

export class AesGcmPayloadCodec implements PayloadCodec {
  private readonly byId: Map<string, Buffer>;
  private readonly sealing: CodecKey;

  constructor(keys: CodecKey[]) {
    if (!keys.length) throw new Error('AesGcmPayloadCodec needs a key');
    this.sealing = keys[0];
    this.byId = new Map(keys.map((k) => [k.id, k.key]));
  }

  async encode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((p) => {
      const plain = temporal.api.common.v1.Payload.encode(p as temporal.api.common.v1.IPayload).finish();
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', this.sealing.key, iv);
      // The key id is authenticated too: a payload cannot be relabelled to another key.
      cipher.setAAD(Buffer.from(this.sealing.id));
      const sealed = Buffer.concat([iv, cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
      return { metadata: { encoding: utf8(SEALED_ENCODING), [KEY_ID]: utf8(this.sealing.id) }, data: sealed };
    });
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((p) => {
      if (text(p.metadata?.encoding) !== SEALED_ENCODING) return p;
      const id = text(p.metadata?.[KEY_ID]) ?? '';
      const key = this.byId.get(id);
      if (!key) throw new Error(`payload sealed with key "${id}", which PAYLOAD_KEYS does not list`);
      const data = Buffer.from(p.data ?? new Uint8Array());
      const decipher = createDecipheriv('aes-256-gcm', key, data.subarray(0, IV_BYTES));
      decipher.setAAD(Buffer.from(id));
      decipher.setAuthTag(data.subarray(data.length - TAG_BYTES));
      const plain = Buffer.concat([decipher.update(data.subarray(IV_BYTES, data.length - TAG_BYTES)), decipher.final()]);
      return temporal.api.common.v1.Payload.decode(plain) as Payload;
    });
  }
}

/** The data converter of every client and worker of the engine: sealed when keys are given. */
export function engineDataConverter(keys: CodecKey[] | undefined): DataConverter | undefined {
  return keys?.length ? { payloadCodecs: [new AesGcmPayloadCodec(keys)] } : undefined;
}
