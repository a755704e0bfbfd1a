import { z } from 'zod';
import { RUN_STATUSES } from '../../shared/messages';
import '../route';

/** What the run views answer (GET /runs, /runs/{id}, /runs/{id}/history): their serializers are typed by these. */

const instant = z.string().describe('ISO 8601 instant');

export const startedBySchema = z.object({ sub: z.string(), role: z.string().describe('a staff role, or citizen, schedule, run') });

export const runSummarySchema = z
  .object({
    runId: z.string(),
    code: z.string(),
    centerId: z.string(),
    workflowType: z.string(),
    status: z.enum(RUN_STATUSES),
    summary: z.string(),
    startedBy: startedBySchema.partial(),
    startedAt: instant,
    closedAt: instant.nullable(),
    closeReason: z.string().nullable().describe('Why it ended, when it did not complete (a failure, an operator\'s termination reason)'),
    metrics: z.record(z.string(), z.number()).describe("Figures the procedure's indicators add up"),
  })
  .openapi('RunSummary');

export const runTaskSchema = z
  .object({
    id: z.string(),
    runId: z.string(),
    code: z.string(),
    centerId: z.string(),
    type: z.string(),
    title: z.string(),
    role: z.string(),
    alsoRoles: z.array(z.string()).optional(),
    entityId: z.string().optional(),
    functions: z.array(z.string()).optional(),
    prefill: z.record(z.string(), z.unknown()).optional().describe("What the task's form starts from (its shape is the task type's)"),
    status: z.enum(['open', 'completed', 'cancelled']),
    createdAt: instant,
    dueAt: instant.nullable(),
    completedAt: instant.nullable(),
    completedBy: z.object({ sub: z.string(), role: z.string(), functions: z.array(z.string()).optional() }).partial().nullable(),
  })
  .openapi('RunTask');

const termSchema = z.object({
  registeredAt: instant,
  dueDate: z.string().describe('YYYY-MM-DD, Lima'),
  changes: z.array(z.record(z.string(), z.unknown())).describe('How decreed non-working days moved the term, with the reason'),
  overdue: z.boolean(),
  businessDaysLeft: z.number().nullable(),
  businessDaysOverdue: z.number().nullable(),
});

export const runDetailSchema = runSummarySchema
  .extend({
    execution: z.string().nullable().describe("Temporal's status of the execution (RUNNING, COMPLETED…); null if Temporal no longer has it"),
    term: termSchema.optional().describe('A run with a legal term (a claim): the term and where it stands today'),
    tasks: z.array(runTaskSchema),
    documents: z.array(z.object({ id: z.string(), type: z.string(), reference: z.string().nullable(), createdAt: instant, url: z.string() })),
    notifications: z.array(
      z.object({
        key: z.string(),
        to: z.array(z.string()),
        subject: z.string(),
        status: z.enum(['pending', 'sent', 'failed']),
        attempts: z.number(),
        lastError: z.string().nullable(),
        pdfError: z.string().optional(),
        createdAt: instant,
        sentAt: instant.nullable(),
      }),
    ),
    escalations: z.array(z.object({ taskId: z.string(), level: z.string(), at: instant })),
  })
  .openapi('Run');

export const timelineEntrySchema = z
  .object({
    eventId: z.number().int(),
    at: instant,
    kind: z.string(),
    actor: z.union([z.literal('engine'), z.object({ sub: z.string(), role: z.string() })]),
    summary: z.string(),
    details: z.record(z.string(), z.unknown()).optional(),
  })
  .openapi('TimelineEntry');

export type RunSummary = z.infer<typeof runSummarySchema>;
export type RunTask = z.infer<typeof runTaskSchema>;
export type RunDetail = z.infer<typeof runDetailSchema>;
