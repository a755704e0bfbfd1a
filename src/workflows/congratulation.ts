import type { z } from 'zod';
import type { congratulationInputSchema } from '../catalog';
import { acts, Run, withRun } from './run';
import type { RunMeta, RunState } from '../shared/messages';

export interface CongratulationWorkflowInput {
  meta: RunMeta;
  input: z.infer<typeof congratulationInputSchema>;
}

/** Business days the coordinator has to acknowledge a congratulation (ours: the manual sets none). */
export const ACKNOWLEDGE_TERM_BUSINESS_DAYS = 5;

/**
 * PM1.4.1 Recepción y difusión de felicitaciones (Cuadros 07–08, owner: Coordinador(a); glossary:
 * Libro de Felicitaciones). The congratulation is registered with a numbered constancia that is
 * emailed to the citizen; the coordinator acknowledges it and decides whether to share it with
 * the congratulated entity, which then receives an oficio by email.
 */
export async function congratulationWorkflow(args: CongratulationWorkflowInput): Promise<RunState> {
  return withRun(args.meta, (run) => congratulationRun(run, args));
}

async function congratulationRun(run: Run, { meta, input }: CongratulationWorkflowInput): Promise<RunState> {
  await run.begin(`Felicitación${input.entityId ? ` a ${input.entityId}` : ''}`, { received: 1 });
  const entity = input.entityId ? await acts.lookupEntity({ centerId: meta.centerId, entityId: input.entityId }) : null;
  const registeredAt = new Date().toISOString();
  const base = { citizen: input.citizen, entity, message: input.message, registeredAt };

  const constancia = await run.document('constancia', 'constancia_felicitacion', base);
  await run.notify('acknowledgement', [{ kind: 'address', email: input.citizen.email, name: input.citizen.name }], 'congratulation_ack', { ...base, document: constancia }, [constancia.id]);

  const review = await run.task({
    key: 'acknowledge',
    type: 'acknowledge_congratulation',
    title: 'Acusar la felicitación y decidir su difusión a la entidad',
    role: 'coordinator',
    dueBusinessDays: ACKNOWLEDGE_TERM_BUSINESS_DAYS,
    check: (data) => (data.shareWithEntity && !entity ? 'this congratulation names no participating entity to share it with' : undefined),
  });

  const shared = review.data.shareWithEntity && entity !== null;
  if (shared) {
    const oficio = await run.document('oficio', 'oficio_felicitacion', { ...base, note: review.data.note });
    await run.notify('entity', [{ kind: 'entity', entityId: entity.id }], 'congratulation_shared', { ...base, document: oficio }, [oficio.id]);
  }
  return run.finish('completed', { received: 1, attended: 1, shared: shared ? 1 : 0 }, { shared, constancia: constancia.reference });
}
