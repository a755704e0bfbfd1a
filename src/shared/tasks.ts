import { z } from 'zod';
import { freeTextSchema } from './schemas';

/**
 * The payload each kind of human task accepts (DESIGN §7). Workflows validate completions with
 * these inside their update validators; the API validates with the same schemas first, so a bad
 * completion gets a 400 naming the field and never reaches Temporal history.
 */
export const taskDataSchemas = {
  /** A step of a catalog-driven procedure: was its work done? */
  procedure_step: z
    .object({
      outcome: z.enum(['done', 'not_done']),
      notes: freeTextSchema(4000).optional(),
    })
    .strict(),
  /** PM1.4.1: the coordinator acknowledges a congratulation and decides whether to share it. */
  acknowledge_congratulation: z
    .object({
      shareWithEntity: z.boolean(),
      note: freeTextSchema(2000).optional(),
    })
    .strict(),
} as const;

export type TaskType = keyof typeof taskDataSchemas;
export type TaskData<T extends TaskType> = z.infer<(typeof taskDataSchemas)[T]>;

export function isTaskType(value: string): value is TaskType {
  return Object.prototype.hasOwnProperty.call(taskDataSchemas, value);
}
