/**
 * Rules every task payload schema must keep, because of where its data goes (DESIGN §7):
 * - it is stored whole in the inbox (`tasks.data`), and the document store refuses keys with "."
 *   (a task keyed "4.1" once made recordTask retry for ever);
 * - it runs inside workflow update validators, where the sandbox freezes module-level objects and
 *   zod's `.regex()` throws writing `lastIndex` on its frozen RegExp (use `refine` with `test()`).
 */
import { z } from 'zod';
import { taskDataSchemas } from '../../src/shared/tasks';

function walk(node: unknown, path: string, found: { dotted: string[]; patterns: string[] }): void {
  if (!node || typeof node !== 'object') return;
  const n = node as Record<string, unknown>;
  if (typeof n.pattern === 'string') found.patterns.push(path);
  for (const [key, child] of Object.entries((n.properties ?? {}) as Record<string, unknown>)) {
    if (key.includes('.')) found.dotted.push(`${path}.${key}`);
    walk(child, `${path}.${key}`, found);
  }
  for (const k of ['items', 'additionalProperties']) walk(n[k], `${path}[]`, found);
  for (const k of ['anyOf', 'oneOf', 'allOf']) for (const [i, c] of ((n[k] ?? []) as unknown[]).entries()) walk(c, `${path}|${i}`, found);
}

test('when every task schema is read, then no key has a "." and no string is checked with a regex pattern', () => {
  const found = { dotted: [] as string[], patterns: [] as string[] };
  for (const [type, schema] of Object.entries(taskDataSchemas)) walk(z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }), type, found);
  expect(found).toEqual({ dotted: [], patterns: [] });
  expect(Object.keys(taskDataSchemas).length).toBeGreaterThan(30);
});
