import { z } from 'zod';
import { freeTextSchema, taskDateSchema } from '../shared/schemas';

/**
 * The annual preventive maintenance plan of a center (PA2.2.1; executed by PA2.2.2 for the
 * infrastructure and PA1.1.3 for TIC). Workflow-safe: plain data and zod.
 */

/** At most this many scheduled maintenances per plan: each is a run of its own (child runs). */
export const MAX_PLAN_OCCURRENCES = 400;

export const preventivePlanItemSchema = z
  .object({
    assetKey: z.string().max(80).optional().describe('Activo del registro del centro (clave), si corresponde'),
    description: freeTextSchema(300).describe('Qué se mantiene y en qué consiste el mantenimiento'),
    dates: z.array(taskDateSchema).min(1).max(24).describe('Fechas programadas en el año del plan'),
    contractor: freeTextSchema(200).optional().describe('Contratista o proveedor a cargo'),
  })
  .strict();
export type PreventivePlanItem = z.infer<typeof preventivePlanItemSchema>;

/** The Supervisor's (infrastructure) or the Especialista TIC's (TIC) part of the plan. */
export const formulatePreventivePlanSchema = z
  .object({
    items: z.array(preventivePlanItemSchema).min(1).max(100).describe('Ítems del plan con sus fechas'),
    notes: freeTextSchema(2000).optional(),
  })
  .strict();

/** The execution record of one scheduled maintenance (PA2.2.2 / PA1.1.3). */
export const coordinatePreventiveSchema = z
  .object({
    contractor: freeTextSchema(200).describe('Contratista o responsable de la ejecución'),
    confirmedDate: taskDateSchema.describe('Fecha confirmada con el contratista'),
    notes: freeTextSchema(1000).optional(),
  })
  .strict();

export const executePreventiveSchema = z
  .object({
    executedOn: taskDateSchema.describe('Fecha de ejecución'),
    work: freeTextSchema(2000).describe('Trabajos realizados'),
    evidence: freeTextSchema(1000).describe('Evidencia: informe técnico, acta de conformidad, fotos (referencias)'),
  })
  .strict();

/** The occurrences of a plan: one per item and date, in date order. */
export function planOccurrences(items: PreventivePlanItem[]): { item: PreventivePlanItem; date: string; index: number }[] {
  return items
    .flatMap((item, i) => [...new Set(item.dates)].map((date) => ({ item, date, i })))
    .sort((a, b) => a.date.localeCompare(b.date) || a.i - b.i)
    .map(({ item, date }, index) => ({ item, date, index }));
}
