import type { ActivityDeps } from './index';
import { findCenter, forgetCenter, type StaffMemberRecord } from '../db/models';
import { loadCalendar } from '../calendar/service';
import { addStaffMember, ceaseStaffMember } from '../staff/roster';
import { ensureOpeningSchedules, openingScheduleId } from '../schedules/opening';
import { ensureIndicatorReportSchedules } from '../schedules/indicatorReport';
import type { AssetInfo } from '../domain/assets';
import type { StaffMemberInfo, StaffProfile } from '../domain/staff';

export interface CenterFacts {
  id: string;
  name: string;
  stage: 'pre_operative' | 'operating';
  adminEntity: { id: string; name: string };
  entities: { id: string; name: string }[];
}

/**
 * The activities of the center's own life: its staff (PA3.1.1, PA3.1.2, PA3.1.4), its asset
 * register (PA2.2.3, PA1.1.4, PA2.2.1) and its start of operations (P2.2.1). Store reads and
 * writes happen here, never in workflow code; each write is idempotent by the run that makes it.
 */
export function createCenterActivities(deps: ActivityDeps) {
  const { models } = deps;
  return {
    async centerFacts(input: { centerId: string }): Promise<CenterFacts | null> {
      const c = await findCenter(models, input.centerId);
      if (!c) return null;
      return {
        id: c._id,
        name: c.name,
        stage: c.stage ?? 'operating',
        adminEntity: { id: c.adminEntity.id, name: c.adminEntity.name },
        entities: c.participatingEntities.map((e) => ({ id: e.id, name: e.name })),
      };
    },

    async staffMember(input: { staffMemberId: string; centerId: string }): Promise<(StaffMemberInfo & { status: string }) | null> {
      const m = (await models.StaffMember.findOne({ _id: input.staffMemberId, centerId: input.centerId }).lean()) as StaffMemberRecord | null;
      if (!m) return null;
      return { id: m._id, centerId: m.centerId, name: m.name, profile: m.profile as StaffProfile, status: m.status, ...(m.entityId ? { entityId: m.entityId } : {}) };
    },

    async addStaffMember(input: { runId: string; centerId: string; name: string; profile: string; entityId?: string; joinedOn: string }): Promise<string> {
      return addStaffMember(models, input);
    },

    async ceaseStaffMember(input: { staffMemberId: string; runId: string; on: string }): Promise<boolean> {
      return ceaseStaffMember(models, input);
    },

    /** The induction's state on the person: the Registro de Inducciones reads it. */
    async recordInduction(input: { staffMemberId: string; runId: string; status: 'in_progress' | 'completed'; result?: string; rounds?: number; on: string }): Promise<void> {
      const set: Record<string, unknown> = { 'induction.runId': input.runId, 'induction.status': input.status, ...(input.rounds !== undefined ? { 'induction.rounds': input.rounds } : {}) };
      if (input.status === 'in_progress') set['induction.startedOn'] = input.on;
      else Object.assign(set, { 'induction.closedOn': input.on, 'induction.result': input.result });
      // This run's induction, or the person's first, or a new one once the previous closed: an
      // induction still in progress is not taken over by another run.
      await models.StaffMember.updateOne(
        { _id: input.staffMemberId, $or: [{ 'induction.runId': { $exists: false } }, { 'induction.runId': input.runId }, { 'induction.status': 'completed' }] },
        { $set: set },
      );
    },

    /**
     * The asset a finding or a plan item names: by its key in the center's register, else the
     * center's asset for the checklist item (2.2.2). Null when the register has neither.
     */
    async resolveAsset(input: { centerId: string; assetKey?: string; itemId?: string }): Promise<AssetInfo | null> {
      const doc = input.assetKey
        ? await models.Asset.findById(`${input.centerId}:${input.assetKey}`).lean()
        : input.itemId
          ? await models.Asset.findOne({ centerId: input.centerId, item: input.itemId, 'owner.kind': 'center' }).sort({ _id: 1 }).lean()
          : null;
      if (!doc) return null;
      // As stored: `owner.entityId` only for an entity's equipment, `contract` only when it has one.
      const { _id, owner, contract, ...rest } = doc as unknown as Omit<AssetInfo, 'id' | 'owner'> & { _id: string; owner: { kind: string; entityId?: string } };
      return {
        ...rest,
        id: _id,
        owner: owner.kind === 'entity' && owner.entityId ? { kind: 'entity', entityId: owner.entityId } : { kind: 'center' },
        ...(contract?.contractor ? { contract } : {}),
      };
    },

    /** `days` business days before `date` (a plan item's lead), as a Lima date. */
    async businessDaysBefore(input: { date: string; days: number }): Promise<string> {
      const calendar = await loadCalendar(models);
      return calendar.businessDaysBefore(input.date, input.days);
    },

    /**
     * P2.2.1's end: the center operates from `operatingSince` and its daily opening schedule
     * (2.2.2) exists. Returns the schedule's id, or null where this worker manages no schedules
     * (the time-skipping test server has none).
     */
    async activateCenter(input: { centerId: string; runId: string; operatingSince: string }): Promise<{ scheduleId: string | null }> {
      // Once: a second pre-operative run of the same center cannot move its start of operations.
      await models.Center.updateOne({ _id: input.centerId, stage: 'pre_operative' }, { $set: { active: true, stage: 'operating', operatingSince: input.operatingSince } });
      forgetCenter(models, input.centerId);
      if (!deps.openingSchedules) return { scheduleId: null };
      await ensureOpeningSchedules(deps.client, { models, ...deps.openingSchedules });
      // …and its monthly indicator report (PE1.3.1) from the next month on.
      await ensureIndicatorReportSchedules(deps.client, { models, ...deps.openingSchedules });
      return { scheduleId: openingScheduleId(input.centerId) };
    },
  };
}
