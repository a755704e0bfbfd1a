/**
 * The baseline's activities: the names and order of the claim's (src/activities), each a no-op
 * that answers with a value of the same shape. `deliverEmail` also tells the bench it ran (the
 * baseline's stand-in for the outbox's `sent`), through `onDelivered`.
 */
import type { DocumentRef, TaskPlan } from '../../src/activities';

export function createBaselineActivities(onDelivered: (key: string) => void) {
  const activities = {
    async registerClaim(input: { entityId?: string; term: { openedAt: string; dueBusinessDays: number } }): Promise<{ entity: { id: string; name: string } | null; plan: TaskPlan }> {
      return { entity: input.entityId ? await activities.lookupEntity({ centerId: '', entityId: input.entityId }) : null, plan: await activities.planTask(input.term) };
    },
    async recordRun(_input: Record<string, unknown>): Promise<void> {},
    async lookupEntity(input: { centerId: string; entityId: string }): Promise<{ id: string; name: string } | null> {
      return { id: input.entityId, name: input.entityId.toUpperCase() };
    },
    async planTask(input: { openedAt: string; dueBusinessDays: number }): Promise<TaskPlan> {
      // A fixed plan the size of a claim's: due in six weeks, two reminders, three escalations.
      const at = (days: number) => new Date(Date.parse(input.openedAt) + days * 86_400_000).toISOString();
      return {
        openedOn: input.openedAt.slice(0, 10),
        dueDate: at(42).slice(0, 10),
        dueAt: at(42),
        timeline: [
          { kind: 'reminder', before: 10, at: at(28) },
          { kind: 'reminder', before: 3, at: at(38) },
          { kind: 'escalation', level: 'coordinator', at: at(42) },
          { kind: 'escalation', level: 'admin_entity', at: at(49) },
          { kind: 'escalation', level: 'sscs', at: at(56) },
        ],
      };
    },
    async openClaimRecord(_input: Record<string, unknown>): Promise<void> {},
    async renderDocument(input: { key: string; type: string } & Record<string, unknown>): Promise<DocumentRef> {
      return { id: input.key, reference: 'CONSTANCIA DE RECLAMO N° 001-2026-CMAC-BENCH', number: 1, type: input.type };
    },
    async queueEmail(input: { key: string } & Record<string, unknown>): Promise<{ key: string }> {
      return { key: input.key };
    },
    async deliverEmail(input: { key: string }): Promise<{ messageId: string; sentAt: string }> {
      onDelivered(input.key);
      return { messageId: `<${input.key}@bench>`, sentAt: new Date().toISOString() };
    },
    async recordTask(_input: Record<string, unknown>): Promise<void> {},
    async updateClaimRecord(_input: Record<string, unknown>): Promise<void> {},
    async closeRun(_input: Record<string, unknown>): Promise<void> {},
  };
  return activities;
}

export type BaselineActivities = ReturnType<typeof createBaselineActivities>;
