/**
 * What printing one document to PDF costs (src/documents/pdf.ts), on demand:
 *
 *   npx tsx bench/pdf.ts [N]        # N documents each way (default 40)
 *
 * Baseline, in the same run and browser: a fresh context and page per document, as the first
 * version of the printer did. Engine: `htmlToPdf`, one at a time and two at a time. The document
 * is a claim's constancia, the one document every claim prints. Prints a markdown table.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { chromium } from 'playwright-core';
import { chromiumDir, chromiumExecutable, closePdfRenderer, htmlToPdf } from '../src/documents/pdf';
import { loadTemplates } from '../src/templates';

const N = Number(process.argv[2] ?? 40);
const html = loadTemplates().document('constancia_reclamo', {
  reference: 'CONSTANCIA DE RECLAMO N° 001-2026-CMAC-LIMA-NORTE',
  date: '2026-11-23',
  runId: 'HR-lima-norte-2026-00001',
  center: { id: 'lima-norte', name: 'Lima Norte', city: 'Lima', adminEntity: { name: 'Presidencia del Consejo de Ministros (PCM)' } },
  citizen: { name: 'Juan Pérez', documentType: 'DNI', documentNumber: '45678912', email: 'juan@ciudadano.pe' },
  description: 'Esperé tres horas y no me atendieron en el módulo.',
  request: 'Que se me atienda y se revise el sistema de turnos.',
  registeredAt: '2026-11-23T15:00:00Z',
  dueDate: '2027-01-07',
});

async function timed(label: string, work: () => Promise<unknown>): Promise<{ label: string; ms: number }> {
  const t = process.hrtime.bigint();
  await work();
  return { label, ms: Number(process.hrtime.bigint() - t) / 1e6 / N };
}

async function main(): Promise<void> {
  await htmlToPdf(html); // unpack and start the browser outside the measurement
  const browser = await chromium.launch({ executablePath: await chromiumExecutable(), headless: true, args: ['--disable-gpu', '--no-zygote'] });
  const baseline = await timed('baseline: a fresh context and page per document', async () => {
    for (let i = 0; i < N; i++) {
      const context = await browser.newContext({ javaScriptEnabled: false, offline: true });
      const page = await context.newPage();
      await page.setContent(html, { waitUntil: 'load' });
      await page.pdf({ format: 'A4', printBackground: true });
      await context.close();
    }
  });
  await browser.close();
  const one = await timed('htmlToPdf, one at a time', async () => {
    for (let i = 0; i < N; i++) await htmlToPdf(html);
  });
  const two = await timed(`htmlToPdf, all ${N} asked at once (2 print)`, () => Promise.all(Array.from({ length: N }, () => htmlToPdf(html))));
  const memory = browserMemory();
  await closePdfRenderer();
  process.stdout.write(`| ${N} constancias | ms per document | vs baseline |\n|---|---|---|\n`);
  for (const r of [baseline, one, two]) process.stdout.write(`| ${r.label} | ${r.ms.toFixed(1)} | ${(baseline.ms / r.ms).toFixed(2)}× faster |\n`);
  process.stdout.write(`\nThe shared browser after ${2 * N} documents: ${memory.count} processes, ${memory.pssMb} MB PSS in all (${memory.rssMb} MB summing their RSS).\n`);
}

/**
 * Memory of every process running the unpacked Chromium (the shared browser and its helpers): RSS
 * summed (counts shared pages once per process, so it overstates) and PSS summed (shared pages
 * split between the processes sharing them: what the browser really adds).
 */
function browserMemory(): { count: number; rssMb: number; pssMb: number } {
  const rows = execFileSync('ps', ['-eo', 'pid=,rss=,args='], { encoding: 'utf8' })
    .split('\n')
    .filter((line) => line.includes(chromiumDir()))
    .map((line) => line.trim().split(/\s+/));
  const pss = (pid: string) => {
    try {
      return Number(/^Pss:\s+(\d+)/m.exec(fs.readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'))?.[1] ?? 0);
    } catch {
      return 0;
    }
  };
  const mb = (kb: number) => Math.round(kb / 1024);
  return { count: rows.length, rssMb: mb(rows.reduce((sum, [, rss]) => sum + Number(rss), 0)), pssMb: mb(rows.reduce((sum, [pid]) => sum + pss(pid), 0)) };
}

void main();
