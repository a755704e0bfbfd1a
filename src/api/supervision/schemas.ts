import { z } from 'zod';
import '../route';

/** What the supervision plan's routes answer: `view` and the indicator are typed by these. */

const figures = {
  planned: z.number(),
  executed: z.number(),
  missed: z.number(),
  compliance: z.number().nullable().describe('% Cumplimiento: executed / planned × 100 (null with nothing planned)'),
};

const complianceSchema = z.object({
  year: z.number(),
  ...figures,
  centers: z.array(
    z.object({
      centerId: z.string(),
      ...figures,
      semesters: z.array(z.object({ semester: z.number(), ...figures })),
      missedVisits: z.array(z.object({ id: z.string(), semester: z.number(), date: z.string(), runId: z.string().nullable() })),
    }),
  ),
});

export const planViewSchema = z
  .object({
    year: z.number(),
    status: z.string().describe('draft, then approved'),
    createdBy: z.string().nullable(),
    approvedBy: z.string().nullable(),
    approvedAt: z.string().nullable(),
    visits: z.array(
      z.object({
        id: z.string(),
        centerId: z.string(),
        semester: z.number(),
        date: z.string(),
        standing: z.enum(['planned', 'started', 'executed', 'missed', 'cancelled']),
        runId: z.string().nullable(),
        executedOn: z.string().nullable(),
        cancelled: z.object({ at: z.string(), by: z.string(), reason: z.string() }).partial().nullable(),
        changes: z.array(z.object({ at: z.string(), by: z.string(), from: z.string(), to: z.string(), reason: z.string() })),
      }),
    ),
    compliance: complianceSchema,
  })
  .openapi('SupervisionPlan');

export const planIndicatorSchema = complianceSchema
  .extend({
    indicator: z.string(),
    formula: z.string(),
    semesters: z.array(z.number()),
    centers: z.array(complianceSchema.shape.centers.element.extend({ observations: z.object({ open: z.number(), overdue: z.number() }) })),
  })
  .openapi('SupervisionPlanIndicator');

export type PlanView = z.infer<typeof planViewSchema>;
