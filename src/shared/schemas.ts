import { z } from 'zod';

/** Small building blocks shared by run inputs and task payloads (workflow-safe: pure zod). */
export const centerIdSchema = z
  .string()
  .regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'must be a center id such as "lima-norte"')
  .max(60);

/** Whether `YYYY-MM-DD` names a day of the calendar (not 2025-02-30). */
export const isRealDate = (s: string): boolean => {
  const t = Date.parse(`${s}T00:00:00Z`);
  return !Number.isNaN(t) && new Date(t).toISOString().slice(0, 10) === s;
};

export const isoDateSchema = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD')
  .refine(isRealDate, 'must be a day of the calendar');

/**
 * A string checked by a pattern inside a refinement. Task schemas run in workflow update
 * validators, where the sandbox freezes module-level objects: zod's `.regex()` resets its RegExp's
 * lastIndex before testing and throws on a frozen one; a plain `test()` never writes to it.
 */
export const pattern = (re: RegExp, message: string) => z.string().max(500).refine((s) => re.test(s), message);
/** `isoDateSchema` for task schemas (see `pattern`). */
export const taskDateSchema = pattern(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD').refine(isRealDate, 'must be a day of the calendar');
/** An instant with its offset (ISO 8601, e.g. 2026-11-24T11:00:00-05:00), for task schemas (see `pattern`). */
export const taskInstantSchema = pattern(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/, 'must be an instant ISO 8601 with its offset').refine(
  (s) => isRealDate(s.slice(0, 10)) && !Number.isNaN(Date.parse(s)),
  'must be a real instant',
);

export const personNameSchema = z.string().trim().min(2).max(120);
export const emailSchema = z.string().trim().toLowerCase().pipe(z.email());
export const freeTextSchema = (max: number) => z.string().trim().min(1).max(max);

/** The keys of a labels map as the non-empty tuple `z.enum` takes (e.g. incident types). */
export const keysOf = <K extends string>(labels: Record<K, unknown>) => Object.keys(labels) as [K, ...K[]];

/**
 * A verdict that needs a text unless it is `accept` (conformity, approval, corrected): the text's
 * field is named by the procedure (`observations`, `comments`), and the error names that field.
 */
export const verdictWithText = <V extends [string, ...string[]], F extends string>(verdicts: V, accept: V[number], describe: string, field: F, fieldDescription: string) =>
  z
    .object({
      verdict: z.enum(verdicts).describe(describe),
      ...({ [field]: freeTextSchema(2000).optional().describe(fieldDescription) } as Record<F, z.ZodOptional<z.ZodString>>),
    })
    .strict()
    .refine((d) => (d as Record<string, unknown>).verdict === accept || (d as Record<string, unknown>)[field] !== undefined, {
      path: [field],
      message: `${field} are required unless the verdict is ${accept}`,
    });

/**
 * The path (keys from the root) of the first string, value or key, holding the NUL character
 * (U+0000): JSON, HTML forms and zod allow it, the document store cannot keep it (PostgreSQL
 * refuses it in jsonb), so every way in refuses it before it reaches a run that could never
 * record it. Undefined when there is none.
 */
export function nulPath(value: unknown, path: string[] = []): string[] | undefined {
  if (typeof value === 'string') return value.includes('\u0000') ? path : undefined;
  if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (k.includes('\u0000')) return [...path, k];
      const found = nulPath(v, [...path, k]);
      if (found) return found;
    }
  }
  return undefined;
}
