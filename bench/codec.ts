/**
 * `npm run bench:codec` (issue 13): what sealing payloads costs (src/shared/payloadCodec.ts,
 * AES-256-GCM), measured against the same payloads converted without it, in the same run. For
 * payloads of the shapes the engine writes to history, each side converts a value to its payload
 * and back (what a client, a worker or an activity does for every argument and result); the
 * sealed side also encodes and decodes it. Rounds alternate the two sides so a busy machine slows
 * both alike; the report is the median round's time per payload and the ratio sealed / plain.
 * CPU only: no component is started.
 *
 *   npm run bench:codec                    # 20 rounds of 2,000 conversions per payload
 *   npm run bench:codec -- --rounds 40 --per-round 5000
 */
import { parseArgs } from 'node:util';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import { DEV_PAYLOAD_KEYS } from '../src/config';
import { AesGcmPayloadCodec } from '../src/shared/payloadCodec';
import { DEFAULT_SETTINGS } from '../src/shared/settings';
import type { RunMeta } from '../src/shared/messages';

const { values: opts } = parseArgs({
  options: { rounds: { type: 'string', default: process.env.BENCH_ROUNDS ?? '20' }, 'per-round': { type: 'string', default: process.env.BENCH_PER_ROUND ?? '2000' } },
});
const rounds = Number(opts.rounds);
const perRound = Number(opts['per-round']);
if (!(rounds >= 3 && perRound >= 100)) throw new Error('--rounds must be ≥ 3 and --per-round ≥ 100');

const meta: RunMeta = { runId: 'HR-lima-norte-2026-00042', code: 'PM1.4.2', centerId: 'lima-norte', startedBy: { sub: 'ciudadano', role: 'citizen' }, searchAttributes: true };
const citizen = { name: 'María Flores Huamán', documentType: 'DNI', documentNumber: '45678901', email: 'maria.flores@example.pe', phone: '987654321' };
/** Payloads of the shapes the engine writes: a start, an activity's argument, an update, a run's end. */
const PAYLOADS: { name: string; value: unknown }[] = [
  {
    name: "a claim's workflow input (meta, Hoja de reclamación, settings)",
    value: { meta, input: { centerId: 'lima-norte', citizen, entityId: 'reniec', description: 'Esperé tres horas y no me atendieron en el módulo.'.repeat(4), request: 'Que se me atienda y se revise el sistema de turnos.' }, settings: DEFAULT_SETTINGS },
  },
  {
    name: "an email's outbox entry (an activity argument)",
    value: { key: `${meta.runId}:constancia`, runId: meta.runId, template: 'claim_received', to: [{ email: citizen.email, name: citizen.name }], data: { number: meta.runId, citizen, dueDate: '2027-01-18' }, attachments: [`${meta.runId}:constancia`] },
  },
  {
    name: 'a task completion (update)',
    value: { taskId: `${meta.runId}:investigate`, actor: { sub: 'sup-ln', role: 'supervisor', centers: ['lima-norte'] }, data: { findings: 'Se verificó la demora en el módulo.', decision: 'accepted', answer: 'Se reprogramó su atención y se reforzó el módulo.'.repeat(3) } },
  },
  {
    name: "a run's end state (12 tasks, 8 notifications)",
    value: {
      status: 'completed',
      tasks: Array.from({ length: 12 }, (_, i) => ({ id: `${meta.runId}:t${i}`, type: 'investigate_claim', title: 'Investigar el reclamo y proponer la respuesta', role: 'supervisor', status: 'completed', dueDate: '2027-01-18', completedAt: '2026-12-04T15:00:00.000Z', data: { findings: 'Conforme', decision: 'accepted' } })),
      notifications: Array.from({ length: 8 }, (_, i) => ({ key: `${meta.runId}:n${i}`, status: 'sent', attempts: 1, subject: `Reclamo ${meta.runId}: aviso ${i}` })),
      metrics: { closed: 1, inTerm: 1 },
    },
  },
];

const codec = new AesGcmPayloadCodec(DEV_PAYLOAD_KEYS);

async function plain(value: unknown): Promise<void> {
  const p = defaultPayloadConverter.toPayload(value) as Payload;
  defaultPayloadConverter.fromPayload(p);
}
async function sealed(value: unknown): Promise<void> {
  const p = defaultPayloadConverter.toPayload(value) as Payload;
  const [s] = await codec.encode([p]);
  const [o] = await codec.decode([s!]);
  defaultPayloadConverter.fromPayload(o!);
}

async function round(side: (v: unknown) => Promise<void>, value: unknown): Promise<number> {
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < perRound; i++) await side(value);
  return Number(process.hrtime.bigint() - t0) / 1e3 / perRound;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main(): Promise<void> {
  const lines = [
    `Payload codec (AES-256-GCM) vs the same payloads unsealed: ${rounds} alternating rounds of ${perRound} conversions each, median round (Node ${process.version}).`,
    '',
    '| payload | bytes plain | bytes sealed | µs plain | µs sealed | sealed / plain | µs the codec adds |',
    '|---|---:|---:|---:|---:|---:|---:|',
  ];
  for (const { name, value } of PAYLOADS) {
    // Warm both sides up before measuring.
    await round(plain, value);
    await round(sealed, value);
    const a: number[] = [];
    const b: number[] = [];
    for (let r = 0; r < rounds; r++) {
      if (r % 2 === 0) {
        a.push(await round(plain, value));
        b.push(await round(sealed, value));
      } else {
        b.push(await round(sealed, value));
        a.push(await round(plain, value));
      }
    }
    const p = defaultPayloadConverter.toPayload(value) as Payload;
    const [s] = await codec.encode([p]);
    const [ma, mb] = [median(a), median(b)];
    lines.push(`| ${name} | ${p.data!.length} | ${s!.data!.length} | ${ma.toFixed(1)} | ${mb.toFixed(1)} | ${(mb / ma).toFixed(2)} | ${(mb - ma).toFixed(1)} |`);
    process.stderr.write(`[bench:codec] ${name}: done\n`);
  }
  process.stdout.write(`${lines.join('\n')}\n`);
}

void main().catch((err) => {
  process.stderr.write(`${(err as Error).stack}\n`);
  process.exit(1);
});
