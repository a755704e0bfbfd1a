/**
 * The audit export of a run (GET /api/v1/runs/{runId}/audit) on the whole engine: SSCS saves a
 * claim's chained timeline, `npm run audit:verify` accepts it as saved, and names the entry a
 * later edit changed (issue 13, "Audit for SSCS").
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { verifyChain } from '../../src/audit/chain';
import { eventually, useStack } from '../helpers/stack';
import { ROOT } from '../helpers/infra';

const suite = useStack();

/** `npm run audit:verify <file>` as a person runs it (the script's command, without npm's banner). */
function auditVerify(file: string) {
  const script = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).scripts['audit:verify'] as string;
  const [cmd, ...args] = script.split(' ');
  return spawnSync(path.join(ROOT, 'node_modules', '.bin', cmd), [...args, file], { cwd: ROOT, encoding: 'utf8' });
}

test('SSCS exports a claim as a hash chain; the verifier accepts it as saved and names the entry edited later', async () => {
  const filed = await suite.stack.http.post('/api/v1/public/claims').send({
    centerId: 'piura',
    citizen: { name: 'Pedro Castillo Ruiz', documentType: 'DNI', documentNumber: '47001122', email: 'pedro.castillo@example.pe' },
    description: 'No había formularios en el módulo de orientación.',
    request: 'Que repongan los formularios.',
  });
  expect(filed.status).toBe(201);
  const number = filed.body.number as string;
  suite.started.push(number);
  await eventually(async () => (await suite.stack.models.Task.exists({ runId: number, type: 'investigate_claim' })) ?? undefined, 'the claim under way');

  const sscs = suite.stack.auth('sscs', '*', 'auditor-1');
  const res = await suite.stack.http.get(`/api/v1/runs/${encodeURIComponent(number)}/audit`).set(sscs);
  expect(res.status).toBe(200);
  expect(res.body).toMatchObject({ format: 'mac-audit-chain/1', runId: number, algorithm: 'SHA-256', canonicalization: 'RFC 8785' });
  expect(res.body.entries.length).toBeGreaterThan(3);
  expect(res.body.entries[0].entry.kind).toBe('run_started');
  expect(verifyChain(res.body)).toMatchObject({ ok: true, head: res.body.head });
  // Another center's coordinator gets nothing.
  expect((await suite.stack.http.get(`/api/v1/runs/${encodeURIComponent(number)}/audit`).set(suite.stack.auth('coordinator', ['callao']))).status).toBe(403);

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'audit-'));
  const saved = path.join(dir, 'export.json');
  fs.writeFileSync(saved, JSON.stringify(res.body, null, 2));
  const ok = auditVerify(saved);
  expect(ok.status).toBe(0);
  expect(ok.stdout).toContain(`OK ${number}`);

  // Someone rewrites who did the third entry, keeping its hash.
  const edited = JSON.parse(fs.readFileSync(saved, 'utf8'));
  edited.entries[2].entry.summary = `${edited.entries[2].entry.summary} (corregido)`;
  fs.writeFileSync(saved, JSON.stringify(edited));
  const bad = auditVerify(saved);
  expect(bad.status).toBe(1);
  expect(bad.stdout).toContain('first altered entry 3');
  fs.rmSync(dir, { recursive: true, force: true });
});
