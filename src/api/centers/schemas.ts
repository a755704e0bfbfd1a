import { z } from 'zod';
import { ROLES } from '../../shared/roles';
import '../route';

/** What the center views answer (GET /centers…, and the center after a change): their serializers are typed by these. */

const entitySchema = z.object({ id: z.string(), name: z.string(), email: z.string() }).openapi('Entity');
const dayHours = z.object({ open: z.string(), close: z.string() }).nullable().describe('Lima time HH:MM; null: closed that day');

export const staffingSchema = z
  .object({
    ok: z.boolean(),
    roles: z.array(z.object({ role: z.enum(ROLES), minimum: z.number(), assigned: z.number(), ok: z.boolean() })),
    missing: z.array(z.object({ role: z.enum(ROLES), missing: z.number() })).describe('What the center lacks to reach the minimum of its type, profile by profile'),
  })
  .describe("Cuadro 01's minimum for the type against the active roster")
  .openapi('StaffingCheck');

export const centerSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    city: z.string(),
    address: z.string().nullable(),
    active: z.boolean(),
    stage: z.enum(['pre_operative', 'operating']),
    type: z.enum(['A', 'B', 'C']).describe('2.1.4: A < 700 attentions a day, B 700–2,000, C > 2,000'),
    dailyAttentions: z.number(),
    modules: z.number(),
    operatingSince: z.string().nullable(),
    adminEntity: entitySchema,
    participatingEntities: z.array(entitySchema),
    hours: z.object({ weekdays: dayHours, saturday: dayHours, sundayAndHolidays: dayHours }),
    checklist: z.object({
      configured: z.boolean(),
      topico: z.boolean().nullable(),
      notApplicable: z.array(z.string()),
      items: z.array(z.object({ id: z.string(), label: z.string(), zone: z.string(), applies: z.boolean() })),
    }),
    staffing: staffingSchema.optional(),
  })
  .openapi('Center');

export const centerWithScheduleSchema = centerSchema
  .extend({ dailyOpening: z.object({ scheduleId: z.string(), nextVerifications: z.array(z.string()) }) })
  .openapi('CenterWithSchedule');

export const staffMemberSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    profile: z.string(),
    entityId: z.string().nullable(),
    status: z.enum(['active', 'ceased']),
    joinedOn: z.string(),
    ceasedOn: z.string().nullable(),
    incorporationRunId: z.string().nullable(),
    cessationRunId: z.string().nullable(),
    induction: z
      .object({ runId: z.string(), status: z.string(), result: z.string(), rounds: z.number(), startedOn: z.string(), closedOn: z.string() })
      .partial()
      .nullable(),
  })
  .openapi('StaffMember');

export const inductionSchema = z
  .object({
    staffMemberId: z.string(),
    name: z.string(),
    profile: z.string(),
    entityId: z.string().nullable(),
    joinedOn: z.string(),
    runId: z.string().nullable(),
    status: z.string().describe('none: no induction run yet'),
    result: z.string().nullable(),
    rounds: z.number(),
    closedOn: z.string().nullable(),
  })
  .openapi('Induction');

export const assetSchema = z
  .object({
    id: z.string(),
    centerId: z.string(),
    key: z.string(),
    name: z.string(),
    location: z.string(),
    domain: z.string(),
    item: z.string().optional(),
    preoperativeItem: z.number().optional(),
    owner: z.object({ kind: z.string(), entityId: z.string().optional() }),
    servicer: z.string(),
    contract: z.object({ contractor: z.string(), reference: z.string() }).partial().optional(),
  })
  .openapi('Asset');

export type CenterView = z.infer<typeof centerSchema>;
