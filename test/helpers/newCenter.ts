/** A new center and the data of its pre-operative stage (P2.2.1, 2.2.1), as tests build them. */
import { PREOPERATIVE_ITEM_IDS, TRAINING_COMPONENT_IDS } from '../../src/domain/preoperative';

export const NEW_CENTER = {
  id: 'arequipa',
  name: 'Arequipa',
  city: 'Arequipa',
  address: 'Av. Porongoche 500',
  dailyAttentions: 1200,
  modules: 32,
  adminEntity: { id: 'gore-arequipa', name: 'Gobierno Regional de Arequipa', email: 'centromac@regionarequipa.gob.pe' },
  participatingEntities: [
    { id: 'reniec', name: 'Registro Nacional de Identificación y Estado Civil (RENIEC)', email: 'mac@reniec.gob.pe' },
    { id: 'sunarp', name: 'Superintendencia Nacional de los Registros Públicos (SUNARP)', email: 'mac@sunarp.gob.pe' },
  ],
  contacts: { coordinator: 'coordinacion.arequipa@mac.gob.pe', supervisor: 'supervision.arequipa@mac.gob.pe', tic_specialist: 'tic.arequipa@mac.gob.pe' },
};

export const checklist = (observed: Record<string, string> = {}) => ({
  items: Object.fromEntries(PREOPERATIVE_ITEM_IDS.map((id) => [id, observed[id] ? { hw: 'observed', sw: 'ok', observation: observed[id] } : { hw: 'ok', sw: id === 'i23_extintores' ? 'na' : 'ok' }])),
  entityModules: { reniec: { hw: 'ok', sw: 'ok' }, sunarp: { hw: 'ok', sw: 'ok' } },
});
export const enabled = { installation: true, links: true, credentials: true, internalTests: true, modules: 4 };
export const marchaBlanca = (date: string) => ({
  training: Object.fromEntries(TRAINING_COMPONENT_IDS.map((id) => [id, { date, participants: 24 }])),
  unitTests: 'passed',
  integralTests: 'passed',
  openingServices: [
    { entityId: 'reniec', services: ['Duplicado de DNI'] },
    { entityId: 'sunarp', services: ['Publicidad registral'] },
  ],
});

