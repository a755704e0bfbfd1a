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
  /** PM1.4.2: the responsible investigates the claim and proposes the answer. */
  investigate_claim: z
    .object({
      findings: freeTextSchema(4000).describe('Hechos verificados en la investigación'),
      decision: z.enum(['accepted', 'rejected']).describe('accepted: el reclamo es fundado; rejected: infundado'),
      answer: freeTextSchema(4000).describe('Texto de la respuesta al ciudadano'),
    })
    .strict(),
  /** PM1.4.2: the supervisor (owner of PM1.4.2) approves the proposed answer or returns it. */
  review_claim_answer: z
    .object({
      verdict: z.enum(['approve', 'return']),
      observations: freeTextSchema(2000).optional().describe('Obligatorias al devolver la propuesta'),
    })
    .strict()
    .refine((d) => d.verdict === 'approve' || d.observations !== undefined, { path: ['observations'], message: 'observations are required to return the proposal' }),
} as const;

export type TaskType = keyof typeof taskDataSchemas;
export type TaskData<T extends TaskType> = z.infer<(typeof taskDataSchemas)[T]>;

export function isTaskType(value: string): value is TaskType {
  return Object.prototype.hasOwnProperty.call(taskDataSchemas, value);
}
