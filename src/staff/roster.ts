import type { Models, StaffMemberRecord } from '../db/models';
import { tolerantUpsert } from '../db/models';
import { centerType, MINIMUM_STAFF, staffingCheck, type StaffingCheck } from '../domain/centers';
import { assetRegister } from '../domain/assets';

/**
 * A center's real staff (2.1.5) as the runs change it: PA3.1.1 adds a person, PA3.1.4 ceases one.
 * Every write is idempotent by the run that makes it, so an activity retried writes once.
 */

/** Active staff per profile. */
export async function rosterCounts(models: Models, centerIds: string[]): Promise<Map<string, Record<string, number>>> {
  const out = new Map<string, Record<string, number>>(centerIds.map((id) => [id, {}]));
  const members = await models.StaffMember.find({ centerId: { $in: centerIds }, status: 'active' }, { centerId: 1, profile: 1 }).lean();
  for (const m of members) {
    const counts = out.get(m.centerId) ?? {};
    counts[m.profile] = (counts[m.profile] ?? 0) + 1;
    out.set(m.centerId, counts);
  }
  return out;
}

/** Cuadro 01 against the active roster of each center. */
export async function staffingOf(models: Models, centers: { _id: string; dailyAttentions: number }[]): Promise<Map<string, StaffingCheck>> {
  const counts = await rosterCounts(models, centers.map((c) => c._id));
  return new Map(centers.map((c) => [c._id, staffingCheck(centerType(c.dailyAttentions), counts.get(c._id) ?? {})]));
}

export const staffMemberId = (runId: string) => `staff:${runId}`;

/** The person an incorporation run brought in (the same person however often it is retried). */
export async function addStaffMember(
  models: Models,
  input: { runId: string; centerId: string; name: string; profile: string; entityId?: string; joinedOn: string },
): Promise<string> {
  const _id = staffMemberId(input.runId);
  await tolerantUpsert(() =>
    models.StaffMember.updateOne(
      { _id },
      {
        $setOnInsert: {
          _id,
          centerId: input.centerId,
          name: input.name,
          profile: input.profile,
          ...(input.entityId ? { entityId: input.entityId } : {}),
          status: 'active',
          joinedOn: input.joinedOn,
          incorporationRunId: input.runId,
        },
      },
      { upsert: true },
    ),
  );
  return _id;
}

/** Ceases an active person; false when there is no such active person (ceased already by another run). */
export async function ceaseStaffMember(models: Models, input: { staffMemberId: string; runId: string; on: string }): Promise<boolean> {
  const res = await models.StaffMember.updateOne({ _id: input.staffMemberId, status: 'active' }, { $set: { status: 'ceased', ceasedOn: input.on, cessationRunId: input.runId } });
  if (res.modifiedCount === 1) return true;
  // A retry of the same cese finds it done.
  return (await models.StaffMember.exists({ _id: input.staffMemberId, cessationRunId: input.runId })) !== null;
}

/**
 * The seed's roster: each center at Cuadro 01's minimum for its type, except Callao (type C) with
 * two Orientadores of the three required, as the demo of a center below minimum. Names are
 * placeholders; a real deployment loads its staff through PA3.1.1. Idempotent.
 */
export async function seedRoster(models: Models, centers: { _id: string; dailyAttentions: number }[], short: Record<string, Record<string, number>> = {}): Promise<number> {
  let created = 0;
  for (const c of centers) {
    const minimum = MINIMUM_STAFF[centerType(c.dailyAttentions)];
    for (const [profile, n] of Object.entries(minimum)) {
      const count = short[c._id]?.[profile] ?? n!;
      for (let i = 1; i <= count; i++) {
        const _id = `seed:${c._id}:${profile}:${i}`;
        const res = await tolerantUpsert(() =>
          models.StaffMember.updateOne(
            { _id },
            { $setOnInsert: { _id, centerId: c._id, name: `${profile} ${i} (semilla)`, profile, status: 'active', joinedOn: '2024-01-01' } },
            { upsert: true },
          ),
        );
        created += res.upsertedCount;
      }
    }
  }
  return created;
}

/** The asset register of a center (src/domain/assets.ts), written once; changes made since stay. */
export async function seedAssets(models: Models, centerId: string, entityIds: string[]): Promise<number> {
  let created = 0;
  for (const a of assetRegister(centerId, entityIds)) {
    const { id, ...rest } = a;
    const res = await tolerantUpsert(() => models.Asset.updateOne({ _id: id }, { $setOnInsert: { _id: id, ...rest } }, { upsert: true }));
    created += res.upsertedCount;
  }
  return created;
}

export const serializeMember = (m: StaffMemberRecord) => ({
  id: m._id,
  name: m.name,
  profile: m.profile,
  entityId: m.entityId ?? null,
  status: m.status,
  joinedOn: m.joinedOn,
  ceasedOn: m.ceasedOn ?? null,
  incorporationRunId: m.incorporationRunId ?? null,
  cessationRunId: m.cessationRunId ?? null,
  induction: m.induction?.runId ? m.induction : null,
});
