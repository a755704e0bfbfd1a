import { z } from 'zod';

/** Small building blocks shared by run inputs and task payloads (workflow-safe: pure zod). */
export const centerIdSchema = z
  .string()
  .regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'must be a center id such as "lima-norte"')
  .max(60);

export const isoDateSchema = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD');

export const personNameSchema = z.string().trim().min(2).max(120);
export const emailSchema = z.string().trim().toLowerCase().pipe(z.email());
export const freeTextSchema = (max: number) => z.string().trim().min(1).max(max);

/** The keys of a labels map as the non-empty tuple `z.enum` takes (e.g. incident types). */
export const keysOf = <K extends string>(labels: Record<K, unknown>) => Object.keys(labels) as [K, ...K[]];
