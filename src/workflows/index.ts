/** Every workflow type the worker registers. The catalog's `workflowType` names one of these. */
export { procedureWorkflow } from './procedure';
export { congratulationWorkflow } from './congratulation';
export { claimWorkflow } from './claim';
export { dailyOpeningWorkflow } from './opening';
export { maintenanceWorkflow } from './maintenance';
export { conflictWorkflow } from './conflict';
export { incidentWorkflow } from './incident';
export { decreeWorkflow } from './decree';
export { reconcileRunsWorkflow } from './reconcile';
export { supervisionWorkflow, supervisionObservationWorkflow } from './supervision';
export { supervisionPlanWorkflow } from './supervisionPlan';
export { incorporationWorkflow, inductionWorkflow, cessationWorkflow } from './staff';
export { preventivePlanWorkflow, preventiveScheduleWorkflow, preventiveMaintenanceWorkflow } from './preventive';
export { preOperativeWorkflow } from './preoperative';
export { indicatorReportWorkflow } from './indicatorReport';
