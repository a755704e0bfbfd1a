/**
 * The audit export's hash chain (src/audit/chain.ts), property-tested with fast-check: an export
 * verifies as made, and any single change — an entry's content, an entry removed, inserted or
 * moved, a hash or the head rewritten — fails verification naming the first entry that no longer
 * matches.
 */
import fc from 'fast-check';
import { canonicalJson, exportChain, verifyChain, type AuditExport } from '../../src/audit/chain';

const json = fc.jsonValue({ maxDepth: 3 });
const entry = fc.record({ eventId: fc.nat(), at: fc.date({ noInvalidDate: true }).map((d) => d.toISOString()), kind: fc.string({ minLength: 1, maxLength: 12 }), details: fc.dictionary(fc.string({ maxLength: 8 }), json, { maxKeys: 4 }) });
const entries = fc.array(entry, { minLength: 1, maxLength: 25 });
const clone = (x: AuditExport) => JSON.parse(JSON.stringify(x)) as AuditExport;

test('canonical JSON is RFC 8785: sorted members, no whitespace, ES number forms', () => {
  expect(canonicalJson({ b: 1, a: [1e21, 0.000001, 'é', { d: null, c: true }] })).toBe('{"a":[1e+21,0.000001,"é",{"c":true,"d":null}],"b":1}');
});

test('an export verifies as made, whatever its entries and their key order', () => {
  fc.assert(
    fc.property(entries, (es) => {
      const x = exportChain('PM1.4.2-callao-2026-00001', es, new Date(0));
      const shuffled = { ...x, entries: x.entries.map((l) => ({ ...l, entry: Object.fromEntries(Object.entries(l.entry).reverse()) })) };
      expect(verifyChain(x)).toEqual({ ok: true, runId: x.runId, entries: es.length, head: x.head });
      expect(verifyChain(shuffled).ok).toBe(true);
    }),
  );
});

test("any change to one entry's content is found at that entry", () => {
  fc.assert(
    fc.property(entries, fc.nat(), json, (es, k, value) => {
      const x = clone(exportChain('run-1', es, new Date(0)));
      const i = k % es.length;
      const before = canonicalJson(x.entries[i].entry);
      x.entries[i].entry.details = { ...(x.entries[i].entry.details as object), tampered: value };
      fc.pre(canonicalJson(x.entries[i].entry) !== before);
      expect(verifyChain(x)).toMatchObject({ ok: false, firstAltered: i + 1 });
    }),
  );
});

test('an entry removed, inserted or moved, a hash or the head rewritten: verification fails at the first entry that no longer matches', () => {
  fc.assert(
    fc.property(entries, fc.nat(), fc.constantFrom('remove', 'insert', 'swap', 'hash', 'head', 'truncate', 'other-run'), (es, k, change) => {
      const x = clone(exportChain('run-1', es, new Date(0)));
      const i = k % es.length;
      let expected: number | null = i + 1;
      switch (change) {
        case 'remove':
          x.entries.splice(i, 1);
          expected = i === es.length - 1 ? es.length : i + 1;
          break;
        case 'insert':
          x.entries.splice(i, 0, clone(x).entries[i]);
          expected = i + 2;
          break;
        case 'swap':
          fc.pre(es.length > 1 && i < es.length - 1);
          [x.entries[i], x.entries[i + 1]] = [x.entries[i + 1], x.entries[i]];
          break;
        case 'hash':
          x.entries[i].hash = x.entries[i].hash.replace(/^./, (c) => (c === '0' ? '1' : '0'));
          break;
        case 'head':
          x.head = x.head.replace(/^./, (c) => (c === '0' ? '1' : '0'));
          expected = es.length + 1;
          break;
        case 'truncate':
          x.entries.length = i;
          expected = i + 1;
          break;
        case 'other-run':
          x.runId = 'run-2';
          expected = 1;
          break;
      }
      expect(verifyChain(x)).toMatchObject({ ok: false, firstAltered: expected });
    }),
  );
});

test('what is not an export is refused as such', () => {
  expect(verifyChain({ format: 'x' })).toMatchObject({ ok: false, firstAltered: null });
});
