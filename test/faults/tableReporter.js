/**
 * Jest reporter of the fault suite: clears the rows the scenarios append (test/faults/harness.ts)
 * when the run starts, and prints them as one table when it ends (also saved beside them as
 * table.txt, which .ci/run prints again at its end). Plain CommonJS: jest loads reporters untransformed.
 */
const fs = require('node:fs');
const path = require('node:path');

const DIR = path.join(__dirname, '..', '..', 'artifacts', 'faults');
const ROWS = path.join(DIR, 'rows.jsonl');
const TABLE = path.join(DIR, 'table.txt');

function table(rows) {
  const head = ['scenario', 'runs', 'faults injected', 'lost', 'duplicated', 're-sent (same Message-ID)'];
  const body = rows.map((r) => [r.scenario, String(r.runs), String(r.faults), String(r.lost), String(r.duplicated), String(r.resent)]);
  const total = ['total', ...[1, 2, 3, 4, 5].map((i) => String(body.reduce((s, b) => s + Number(b[i]), 0)))];
  const all = [head, ...body, total];
  const widths = head.map((_, i) => Math.max(...all.map((r) => r[i].length)));
  const line = (r) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  const details = rows.map((r) => `  ${r.scenario} [${r.families.join(', ')}]: ${r.detail}`);
  const legend = [
    'lost: runs that did not finish, emails queued and never delivered. duplicated: an email sent again after its outbox recorded it sent, a document number given twice.',
    're-sent: the relay accepted one email twice with its one Message-ID (a worker killed between the relay\'s acceptance and the outbox record; SMTP has no idempotency).',
  ];
  return ['Fault table', line(head), rule, ...body.map(line), rule, line(total), '', ...legend, '', ...details].join('\n');
}

class FaultTableReporter {
  onRunStart() {
    fs.rmSync(ROWS, { force: true });
    fs.rmSync(TABLE, { force: true });
  }

  onRunComplete() {
    const rows = fs.existsSync(ROWS)
      ? fs.readFileSync(ROWS, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l))
      : [];
    const text = rows.length ? table(rows) : 'Fault table: no scenario recorded a row';
    fs.mkdirSync(DIR, { recursive: true });
    fs.writeFileSync(TABLE, `${text}\n`);
    process.stdout.write(`\n${text}\n`);
  }
}

module.exports = FaultTableReporter;
