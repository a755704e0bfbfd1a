import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import { z } from 'zod';

/**
 * A run's audit trail for SSCS as a hash chain (issue 13): entry i's hash is
 * SHA-256(hash of entry i−1 ‖ "\n" ‖ the entry's canonical JSON, RFC 8785 / JCS), the first
 * entry chained to a run-specific genesis. An export carries every entry with the hash it had;
 * verifying recomputes them in order, so a changed, removed, inserted or reordered entry (or a
 * changed hash) is found, and the first entry that no longer matches is named.
 */

export const AUDIT_FORMAT = 'mac-audit-chain/1';

const sha256 = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');

/** RFC 8785 canonical JSON (the library refuses what JSON cannot carry). */
export function canonicalJson(value: unknown): string {
  const out = canonicalize(value);
  if (out === undefined) throw new Error('not representable as JSON');
  return out;
}

/** The hash before the first entry: ties the chain to its run (an export cannot be moved to another). */
export const genesisHash = (runId: string) => sha256(`${AUDIT_FORMAT}\n${runId}`);

export const linkHash = (prevHash: string, entry: unknown) => sha256(`${prevHash}\n${canonicalJson(entry)}`);

const hex64 = z.string().regex(/^[0-9a-f]{64}$/);

export const auditExportSchema = z.object({
    format: z.literal(AUDIT_FORMAT),
    runId: z.string().min(1),
    exportedAt: z.string(),
    algorithm: z.literal('SHA-256'),
    canonicalization: z.literal('RFC 8785'),
    entries: z.array(z.object({ seq: z.number().int().min(1), prevHash: hex64, hash: hex64, entry: z.record(z.string(), z.unknown()) })),
    head: hex64,
  });

export type AuditExport = z.infer<typeof auditExportSchema>;

export function exportChain(runId: string, entries: object[], exportedAt: Date): AuditExport {
  let prev = genesisHash(runId);
  // As JSON carries them (no undefined members): what is hashed is exactly what is exported.
  const plain = JSON.parse(JSON.stringify(entries)) as Record<string, unknown>[];
  const chained = plain.map((entry, i) => {
    const hash = linkHash(prev, entry);
    const link = { seq: i + 1, prevHash: prev, hash, entry };
    prev = hash;
    return link;
  });
  return { format: AUDIT_FORMAT, runId, exportedAt: exportedAt.toISOString(), algorithm: 'SHA-256', canonicalization: 'RFC 8785', entries: chained, head: prev };
}

export type Verdict =
  | { ok: true; runId: string; entries: number; head: string }
  | { ok: false; runId?: string; firstAltered: number | null; reason: string };

/** Recomputes the chain; names the first entry (by its position, 1-based) that does not match. */
export function verifyChain(data: unknown): Verdict {
  const parsed = auditExportSchema.safeParse(data);
  if (!parsed.success) return { ok: false, firstAltered: null, reason: `not an audit export: ${parsed.error.issues[0]?.path.join('.')}: ${parsed.error.issues[0]?.message}` };
  const x = parsed.data;
  let prev = genesisHash(x.runId);
  for (const [i, link] of x.entries.entries()) {
    const position = i + 1;
    if (link.seq !== position) return { ok: false, runId: x.runId, firstAltered: position, reason: `entry ${position} says it is entry ${link.seq}: an entry was removed, inserted or moved` };
    if (link.prevHash !== prev) return { ok: false, runId: x.runId, firstAltered: position, reason: `entry ${position} does not follow the entry before it` };
    const hash = linkHash(prev, link.entry);
    if (hash !== link.hash) return { ok: false, runId: x.runId, firstAltered: position, reason: `entry ${position} was altered: its content no longer gives its hash` };
    prev = hash;
  }
  // Entries cut from the end leave a chain that holds together but stops short of its head.
  if (prev !== x.head) return { ok: false, runId: x.runId, firstAltered: x.entries.length + 1, reason: `the head is not the hash of entry ${x.entries.length}: entries after it were removed, or the head was changed` };
  return { ok: true, runId: x.runId, entries: x.entries.length, head: prev };
}
