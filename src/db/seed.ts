import type { Models } from './models';
import { seedAssets, seedRoster } from '../staff/roster';

/**
 * The four centers of the 2015 presentation (seed 003): daily attentions, entities and modules
 * as published, with their administering entities (DESIGN §5). Contacts are role mailboxes.
 * Seeding is idempotent: existing centers keep any change made since.
 */
const entity = (id: string, name: string) => ({ id, name, email: `mac@${id}.gob.pe` });

const ENTITIES = {
  reniec: entity('reniec', 'Registro Nacional de Identificación y Estado Civil (RENIEC)'),
  sunarp: entity('sunarp', 'Superintendencia Nacional de los Registros Públicos (SUNARP)'),
  sunat: entity('sunat', 'Superintendencia Nacional de Aduanas y de Administración Tributaria (SUNAT)'),
  migraciones: entity('migraciones', 'Superintendencia Nacional de Migraciones'),
  essalud: entity('essalud', 'Seguro Social de Salud (EsSalud)'),
  bn: entity('bn', 'Banco de la Nación'),
  sis: entity('sis', 'Seguro Integral de Salud (SIS)'),
  indecopi: entity('indecopi', 'Instituto Nacional de Defensa de la Competencia y de la Protección de la Propiedad Intelectual (INDECOPI)'),
};

const mailbox = (slug: string) => ({
  coordinator: `coordinacion.${slug}@mac.gob.pe`,
  supervisor: `supervision.${slug}@mac.gob.pe`,
  tic_specialist: `tic.${slug}@mac.gob.pe`,
  orientador: `orientacion.${slug}@mac.gob.pe`,
  mac_express_advisor: `macexpress.${slug}@mac.gob.pe`,
});

export const SEED_CENTERS = [
  {
    _id: 'lima-norte', name: 'Lima Norte', city: 'Independencia, Lima', address: 'C.C. Plaza Lima Norte',
    dailyAttentions: 5300, modules: 63, entityCount: 21, operatingSince: '2010-11-29', pcmOwned: true,
    adminEntity: { id: 'pcm', name: 'Presidencia del Consejo de Ministros (PCM)', email: 'mac.administracion@pcm.gob.pe' },
    participatingEntities: [ENTITIES.reniec, ENTITIES.sunarp, ENTITIES.sunat, ENTITIES.migraciones, ENTITIES.essalud, ENTITIES.bn, ENTITIES.indecopi],
    contacts: mailbox('limanorte'),
  },
  {
    _id: 'callao', name: 'Callao', city: 'Callao', address: 'Mall Aventura Plaza',
    dailyAttentions: 2500, modules: 29, entityCount: 10, operatingSince: '2012-08-26', pcmOwned: false,
    adminEntity: { id: 'gore-callao', name: 'Gobierno Regional del Callao', email: 'centromac@regioncallao.gob.pe' },
    participatingEntities: [ENTITIES.reniec, ENTITIES.sunarp, ENTITIES.sunat, ENTITIES.essalud, ENTITIES.bn],
    contacts: mailbox('callao'),
  },
  {
    _id: 'ventanilla', name: 'Ventanilla', city: 'Ventanilla, Callao', address: 'Edificio Municipal',
    dailyAttentions: 1500, modules: 27, entityCount: 8, operatingSince: undefined, pcmOwned: false,
    adminEntity: { id: 'muni-ventanilla', name: 'Municipalidad Distrital de Ventanilla', email: 'centromac@muniventanilla.gob.pe' },
    participatingEntities: [ENTITIES.reniec, ENTITIES.sunarp, ENTITIES.sis, ENTITIES.bn],
    contacts: mailbox('ventanilla'),
  },
  {
    _id: 'piura', name: 'Piura', city: 'Piura', address: undefined,
    dailyAttentions: 500, modules: 30, entityCount: 14, operatingSince: undefined, pcmOwned: false,
    adminEntity: { id: 'gore-piura', name: 'Gobierno Regional de Piura', email: 'centromac@regionpiura.gob.pe' },
    participatingEntities: [ENTITIES.reniec, ENTITIES.sunarp, ENTITIES.sunat, ENTITIES.migraciones, ENTITIES.bn],
    contacts: mailbox('piura'),
  },
];

/** Callao (type C) has two Orientadores of the three Cuadro 01 asks: the demo of a center below minimum. */
const SEED_SHORT_STAFF = { callao: { orientador: 2 } };

export async function seedCenters(models: Models): Promise<number> {
  let created = 0;
  for (const { entityCount: _published, ...c } of SEED_CENTERS) {
    const res = await models.Center.updateOne({ _id: c._id }, { $setOnInsert: { ...c, active: true, stage: 'operating' } }, { upsert: true });
    created += res.upsertedCount;
    // A roster and an asset register for a seeded center that has none (a store from before them);
    // one that has them keeps its own.
    if (!(await models.StaffMember.exists({ centerId: c._id }))) await seedRoster(models, [c], SEED_SHORT_STAFF);
    if (!(await models.Asset.exists({ centerId: c._id }))) await seedAssets(models, c._id, c.participatingEntities.map((e) => e.id));
  }
  return created;
}
