/** What a supervision's team records (PM1.3.1, manual 2.3, Cuadros 03–05), as tests build it. */
import { FICHA_ITEMS, VISIT_ITEMS } from '../../src/domain/supervision';

export const text = (s: string) => `${s} — registrado por el Equipo Supervisor.`;

/** The Ficha (Cuadro 04): SI to every item (NA where allowed), NO with its observation for those in `no`. */
export const fichaAnswers = (no: Record<string, string>) =>
  Object.fromEntries(FICHA_ITEMS.map((i) => [i.id, no[i.id] ? { answer: 'NO', observation: no[i.id] } : i.allowsNa ? { answer: 'NA' } : { answer: 'SI' }]));

/** Cuadro 03, 1–8: every item reviewed; 6.5 (inducciones) found not compliant. */
export const visitActivities = () =>
  Object.fromEntries(
    VISIT_ITEMS.map(({ id }) => [
      id,
      { reviewed: `Registros del ítem ${id}`, found: id === '6_5' ? 'Dos inducciones sin evaluación registrada' : 'Conforme', compliant: id !== '6_5' },
    ]),
  );

/** The Informe de Supervisión (Cuadro 05, 3) with its observations. */
export function supervisionReport(observations: unknown[]) {
  return {
    antecedentes: 'Supervisión programada en el Plan de Supervisión Anual.',
    objetivos: 'Verificar el funcionamiento del Centro MAC (2.3).',
    participantes: 'Equipo Supervisor de la SSCS y Equipo MAC.',
    situacionActual: 'Operación regular con observaciones.',
    analisis: { estrategico: 'ANS cumplidos en 4 de 5 entidades.', operativo: 'Equipos de atención inoperativos.' },
    resultados: { estrategico: 'Cumplimiento parcial.', operativo: 'Dos ítems de la Ficha con NO.' },
    propuestasMejora: 'Plan de reposición de equipos.',
    conclusiones: 'Se formulan observaciones con plazo de subsanación.',
    observations,
  };
}
