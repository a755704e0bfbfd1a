/**
 * `npm run audit:verify <file>` checks an audit export (GET /api/v1/runs/{runId}/audit) saved
 * earlier: prints "OK" with its entries and head, or names the first entry that was altered, and
 * exits 1.
 */
import fs from 'node:fs';
import { verifyChain } from '../audit/chain';

function main(): void {
  const file = process.argv[2];
  if (!file) {
    process.stderr.write('usage: npm run audit:verify <export.json>\n');
    process.exit(2);
  }
  let data: unknown;
  try {
    data = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    process.stderr.write(`${file}: cannot read it as JSON: ${(err as Error).message}\n`);
    process.exit(2);
  }
  const v = verifyChain(data);
  if (v.ok) {
    process.stdout.write(`OK ${v.runId}: ${v.entries} entries, head ${v.head}\n`);
    return;
  }
  process.stdout.write(`ALTERED ${v.runId ?? file}: ${v.firstAltered !== null ? `first altered entry ${v.firstAltered}: ` : ''}${v.reason}\n`);
  process.exit(1);
}

main();
