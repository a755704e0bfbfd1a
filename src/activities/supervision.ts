import { ApplicationFailure } from '@temporalio/common';
import { notApplicableItems, type ChecklistApplicability } from '../domain/opening';
import { FICHA_CHECKLIST_ITEMS } from '../domain/supervision';
import type { ActivityDeps } from './index';
import { findCenter } from '../db/models';
import { loadCalendar } from '../calendar/service';
import { limaDate } from '../calendar/businessCalendar';
import { changePlan, planId, visitRunStartsAt, type SupervisionPlan } from '../supervision/plan';

export interface PlannedVisit {
  visitId: string;
  centerId: string;
  date: string;
  /** When its run starts (the gabinete ahead of the visit). */
  startAt: string;
}

export interface SupervisionContext {
  center: { id: string; name: string; pcmOwned: boolean; adminEntity: { id: string; name: string }; entities: { id: string; name: string }[] };
  /** The Ficha items that do not apply to the center (2.2.2 "según aplique"); null while its applicability is not set. */
  fichaNotApplicable?: string[] | null;
  /** The gabinete's due date: `dueBefore` business days before the visit, never before the next business day. */
  gabineteDue: string;
}

/** The activities of PM1.3.1 (2.3) and of its plan: the plan is read and marked here, never in workflow code. */
export function createSupervisionActivities(deps: ActivityDeps) {
  const { models } = deps;
  return {
    /** The next visit of an approved plan whose run has not started (earliest start first), or null. */
    async nextPlanVisit(input: { year: number; leadDays: number }): Promise<PlannedVisit | null> {
      const plan = (await models.SupervisionPlan.findById(planId(input.year)).lean()) as SupervisionPlan | null;
      if (!plan || plan.status !== 'approved') return null;
      const calendar = await loadCalendar(models);
      const pending = plan.visits
        .filter((v) => !v.runId && !v.cancelled?.at)
        .map((v) => ({ visitId: v.id, centerId: v.centerId, date: v.date, startAt: visitRunStartsAt(calendar, v.date, input.leadDays).toISOString() }))
        .sort((a, b) => a.startAt.localeCompare(b.startAt) || a.visitId.localeCompare(b.visitId));
      return pending[0] ?? null;
    },

    /**
     * Claims a planned visit for the run about to carry it out, before that run starts: from then
     * on the API refuses to move or cancel it (it answers: cancel the run). Refused (false) when
     * the visit changed since the plan's workflow read it: cancelled, moved, or claimed by another
     * run. A retry of the same claim finds it done and answers true.
     */
    async claimPlanVisit(input: { year: number; visitId: string; date: string; runId: string; at: string }): Promise<boolean> {
      const { result } = await changePlan(models, input.year, (plan) => {
        const v = plan.visits.find((x) => x.id === input.visitId);
        if (!v || v.cancelled?.at || v.date !== input.date) return false;
        if (v.runId) return v.runId === input.runId;
        Object.assign(v, { runId: input.runId, startedAt: new Date(input.at) });
        return true;
      });
      return result;
    },

    /** The field visit of a planned visit was executed: its closing acta signed (Cuadro 03, 10). */
    async markPlanVisitExecuted(input: { year: number; visitId: string; on: string }): Promise<void> {
      await changePlan(models, input.year, (plan) => {
        const v = plan.visits.find((x) => x.id === input.visitId);
        if (v && !v.executedOn) v.executedOn = input.on;
      });
    },

    /** What a supervision run needs of its center, and its gabinete's due date on the business calendar. */
    async supervisionContext(input: { centerId: string; visitDate: string; openedAt: string; dueBefore: number }): Promise<SupervisionContext> {
      const c = await findCenter(models, input.centerId);
      if (!c) throw ApplicationFailure.nonRetryable(`center ${input.centerId} does not exist`, 'CenterNotFound');
      const calendar = await loadCalendar(models);
      const earliest = calendar.addBusinessDays(limaDate(new Date(input.openedAt)), 1);
      const wanted = calendar.businessDaysBefore(input.visitDate, input.dueBefore);
      const gabineteDue = wanted >= earliest ? wanted : earliest < input.visitDate ? earliest : input.visitDate;
      return {
        center: {
          id: c._id,
          name: c.name,
          pcmOwned: c.pcmOwned,
          adminEntity: { id: c.adminEntity.id, name: c.adminEntity.name },
          entities: c.participatingEntities.map((e) => ({ id: e.id, name: e.name })),
        },
        gabineteDue,
        fichaNotApplicable: c.checklist ? fichaIdsOf(notApplicableItems(c.checklist as ChecklistApplicability)) : null,
      };
    },
  };
}

/** The Ficha ids of these checklist items. */
function fichaIdsOf(items: string[]): string[] {
  return Object.entries(FICHA_CHECKLIST_ITEMS).filter(([, item]) => items.includes(item)).map(([id]) => id);
}
