/**
 * PM1.3.1 Supervisión de Centros MAC (manual 2.3): what each stage gathers, as the manual words
 * it, and the payload schemas built from those tables (workflow-safe: pure data and zod).
 *
 *   Gabinete (previo) ........ Cuadro N° 02, activities 1–7
 *   Visita de campo .......... Cuadro N° 03, activities 1–10, with the Ficha of Cuadro N° 04
 *   Posterior ................ Cuadro N° 05, activities 1–6
 *   Reportes por entidad ..... Cuadro N° 06, activities 1–3
 *
 * Labels are the manual's text (seed extraction, typos fixed only where the extraction broke a
 * word). docs/design/supervision-2.3.md lists every gap of the manual and the decision taken.
 */
import { z } from 'zod';
import { freeTextSchema, pattern, verdictWithText } from '../shared/schemas';
import { CRITICAL_ITEMS, type OpeningItemId } from './opening';

/*
 * Keys are the manual's numbers with "_" for "." ("4.1" → "4_1"): the document store refuses dotted
 * keys. These schemas also run inside workflow update validators, where the sandbox freezes module-level
 * objects: zod's `.regex()` resets its RegExp's lastIndex before testing and throws on a frozen one.
 * Patterns here are plain `test()` calls in refinements, which never write to the RegExp.
 */
const entityIdSchema = pattern(/^[a-z0-9-]+$/, 'must be an entity id');
const dateSchema = pattern(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD');

export const SEMESTERS = [1, 2] as const;
export type Semester = (typeof SEMESTERS)[number];

/** The semester of a date (2.3.3: two visits a year; ours: one per semester, January–June, July–December). */
export const semesterOf = (date: string): Semester => (Number(date.slice(5, 7)) <= 6 ? 1 : 2);
/** The last day of a year's semester. */
export const semesterEnd = (year: number, s: Semester) => (s === 1 ? `${year}-06-30` : `${year}-12-31`);

// ---------------------------------------------------------------------------------------------
// Cuadro N° 02 — Gabinete

/** Cuadro 02 #4 "Solicitar al Área legal de la SSCS". */
export const LEGAL_ITEMS = {
  '4_1': 'Cláusulas de Adhesión y Acuerdos de Nivel de Servicio suscritos',
  '4_2': 'Contratos y/o Convenios suscritos',
} as const;

/** Cuadro 02 #6 "Requerir informes técnicos de situación actual … que contengan como mínimo". */
export const SITUATION_ITEMS = {
  '6_1': 'Evaluación de las Cláusulas de Adhesión y los ANS en el Centro MAC a su cargo, considerando los indicadores determinados, y en base a las fichas técnicas y formatos de información específica determinados',
  '6_2': 'Evaluación de la matriz de procesos y procedimientos, a nivel de cumplimiento de fichas técnicas, flujos, indicadores y formatos/plantillas',
  '6_3': 'Evaluación de planificación/cumplimiento de actividades, considerando la matriz de procesos',
  '6_4': 'Evaluación de la programación/ejecución presupuestal, en el marco del presupuesto referencial de la SSCS',
  '6_5': 'Evaluación de los requerimientos/ejecución de bienes y servicios programados',
} as const;

/** Cuadro 02 #7 "Requerir información Administrativa necesaria y pertinente sobre". */
export const ADMINISTRATIVE_ITEMS = {
  '7_1': 'Recursos Humanos, considerando los procedimientos de MPP',
  '7_2': 'Requerimientos y Contrataciones para el Centro MAC',
  '7_3': 'Información detallada del Control de Activos',
} as const;

const textItems = <K extends string>(labels: Record<K, string>, max = 4000) =>
  z.object(Object.fromEntries(Object.keys(labels).map((k) => [k, freeTextSchema(max).describe(labels[k as K])])) as Record<K, z.ZodString>).strict();

const minutes = z.number().min(0).max(24 * 60);
const percent = z.number().min(0).max(100);

export const gabineteSchemas = {
  /** Cuadro 02 #2 "Conformar el Equipo Supervisor de SSCS": the Responsable and the Profesionales designados (2.3.2). */
  form_supervision_team: z
    .object({
      lead: z.string().min(1).max(120).describe('sub del/la Responsable de Supervisión'),
      members: z.array(z.string().min(1).max(120)).min(1).max(10).describe('sub de los profesionales designados (Equipo Supervisor)'),
    })
    .strict(),
  /** Cuadro 02 #3: presencial (3.1 permisos, movilidad, pasajes, viáticos) or remota (3.2 enlace virtual). */
  define_supervision_modality: z
    .object({
      modality: z.enum(['presencial', 'remota']),
      logistics: freeTextSchema(2000).optional().describe('3.1: permisos, movilidad, pasajes, viáticos u otros administrativos gestionados'),
      link: pattern(/^https:\/\/\S+$/, 'must be an https:// link').optional().describe('3.2: enlace virtual (zoom, teams, meet, otros)'),
    })
    .strict()
    .refine((d) => d.modality !== 'presencial' || d.logistics !== undefined, { path: ['logistics'], message: 'logistics are required for a visit in person (Cuadro 02, 3.1)' })
    .refine((d) => d.modality !== 'remota' || d.link !== undefined, { path: ['link'], message: 'a virtual link is required for a remote visit (Cuadro 02, 3.2)' }),
  /** Cuadro 02 #4: the legal area's signed CA/ANS (4.1) and contracts/convenios (4.2). */
  supply_legal_documents: textItems(LEGAL_ITEMS),
  /** Cuadro 02 #5.1–5.3 from the Coordinador(a): attentions, appointments "de corresponder", ranking by entity. */
  supply_attention_figures: z
    .object({
      '5_1': z.number().int().min(0).describe('Cantidad de Atenciones del Centro MAC a supervisar'),
      '5_2': z.number().int().min(0).optional().describe('Cantidad de Citas del Centro MAC, de corresponder'),
      '5_3': z
        .array(z.object({ entityId: entityIdSchema, attentions: z.number().int().min(0) }).strict())
        .min(1)
        .max(40)
        .describe('Ranking de atención por Entidad participante'),
      period: z.object({ from: dateSchema, to: dateSchema }).strict().describe('Periodo que cubren las cifras'),
    })
    .strict(),
  /** Cuadro 02 #5.4–5.6 from the Especialista TI (the ticket system). */
  supply_ticket_figures: z
    .object({
      '5_4': percent.describe('Tasa de reactivación de turnos (%)'),
      '5_5': minutes.describe('Tiempo promedio de espera (minutos)'),
      '5_6': minutes.describe('Tiempo promedio de atención (minutos)'),
    })
    .strict(),
  /** Cuadro 02 #5 from the "profesional encargado del panel de control de la SSCS": the panel's own figures. */
  supply_control_panel_figures: z
    .object({
      '5_1': z.number().int().min(0).describe('Atenciones según el panel de control'),
      '5_5': minutes.describe('Tiempo promedio de espera según el panel (minutos)'),
      '5_6': minutes.describe('Tiempo promedio de atención según el panel (minutos)'),
      notes: freeTextSchema(2000).optional().describe('Diferencias con las cifras del centro'),
    })
    .strict(),
  /** Cuadro 02 #6: the coordinators' informe técnico de situación actual. */
  report_center_situation: textItems(SITUATION_ITEMS),
  /** Cuadro 02 #7: from SSCS's Coordinador(a) Administrativo. */
  supply_administrative_information: textItems(ADMINISTRATIVE_ITEMS),
} as const;

// ---------------------------------------------------------------------------------------------
// Cuadro N° 03 — Visita de campo

/** Cuadro 03 activities 1–8 and their sub-items, as the manual words them. */
export const VISIT_ACTIVITIES = [
  {
    n: 1,
    title: 'Presentación general al personal del Centro MAC y Asesores de Servicio, y reunión técnica con el Coordinador (a) y Supervisor (a)',
    items: {
      '1_1': 'Coordinaciones y consultas sobre la información recabada en gabinete',
      '1_2': 'Revisión de planeamiento y programación, presupuesto y ejecución',
      '1_3': 'Verificaciones (antes de la apertura): en base al check list operativo, y fechas aleatorias',
      '1_4': 'Verificación del cumplimiento del protocolo de verificación diaria (check list)',
      '1_5': 'Revisión del Libro de Reclamaciones',
    },
  },
  {
    n: 2,
    title: 'Reuniones de levantamiento de información específicas y seguimiento de actividades',
    items: {
      '2_1': 'Reunión técnica con Especialistas TIC',
      '2_2': 'Reunión técnica con Orientadores',
      '2_3': 'Reunión técnica con Asesores de Servicios (aleatorio)',
    },
  },
  {
    n: 3,
    title: 'Revisar/analizar con Coordinador/Supervisor los requerimientos de información y evaluación de los ANS',
    items: {
      '3_1': 'Registros de información del tablero de control',
      '3_2': 'Procesamiento de información de los indicadores (fichas técnicas, formatos de seguimiento)',
      '3_3': 'Informe de Evaluación correspondiente al Centro MAC',
    },
  },
  {
    n: 4,
    title: 'Revisar/analizar con Coordinador/Supervisor la matriz de procesos y procedimientos (MPP)',
    items: {
      '4_1': 'Seguimiento de cumplimiento de indicadores de matriz de procesos y procedimientos (MPP)',
      '4_2': 'Seguimiento de implementación de la MPP (actividades, indicadores, formatos y plantillas)',
      '4_3': 'Informe de Evaluación (semestral)',
    },
  },
  {
    n: 5,
    title: 'Revisar/analizar con el Coordinador/Supervisor la información administrativa (check list)',
    items: {
      '5_1': 'Registro de bienes y estado situacional (Control de activos)',
      '5_2': 'Registro de bienes/servicios requeridos y contratados (último año)',
      '5_3': 'Registro de mantenimientos operativos (último año)',
    },
  },
  {
    n: 6,
    title: 'Revisar/analizar con el Coordinador/Supervisor la información de Recursos Humanos (check list)',
    items: {
      '6_1': 'Registros de Asistencia (formatos de procedimientos)',
      '6_2': 'Registros de Licencias y vacaciones',
      '6_3': 'Registros de capacitaciones internas',
      '6_4': 'Registros de Capacitaciones PCM (PDP) (último año)',
      '6_5': 'Registro de Inducciones',
      '6_6': 'Registros de Evaluaciones de desempeño',
    },
  },
  {
    n: 7,
    title: 'Revisar/analizar con Especialista TIC del Centro MAC (últimos 3 meses, check list y MPP)',
    items: {
      '7_1': 'Registros de incidencias tecnológicas',
      '7_2': 'Registro de mantenimientos preventivos',
      '7_3': 'Registros de mantenimientos correctivos',
      '7_4': 'Registro de equipos y estado situacional',
    },
  },
  {
    n: 8,
    title: 'Revisar/analizar el cumplimiento de Contratos del Centro MAC',
    items: {
      '8_1': 'Cumplimiento y vigencia del Contrato de alquiler de local y/o Convenios de Cesión en uso de local; según corresponda',
      '8_2': 'Cumplimiento y vigencia del Contrato de limpieza',
      '8_3': 'Cumplimiento y vigencia del Contrato de vigilancia',
      '8_4': 'Cumplimiento y vigencia del Contrato de internet',
      '8_5': 'Cumplimiento y vigencia del Contrato de mantenimiento preventivo Eléctrico/HVAC',
      '8_6': 'Cumplimiento y vigencia del mantenimiento de infraestructura y estructura física',
      '8_7': 'Mantenimiento preventivo de los equipos de las entidades',
    },
  },
] as const;

type VisitItemId = keyof (typeof VISIT_ACTIVITIES)[number]['items'];
export const VISIT_ITEMS: { id: string; activity: number; label: string }[] = VISIT_ACTIVITIES.flatMap((a) => Object.entries(a.items).map(([id, label]) => ({ id, activity: a.n, label: label as string })));

/** What the team reviewed for a sub-item of Cuadro 03, and what it found. */
const reviewSchema = z
  .object({
    reviewed: freeTextSchema(2000).describe('Qué se revisó (registros, documentos, personas)'),
    found: freeTextSchema(2000).describe('Qué se encontró'),
    compliant: z.boolean().describe('Conforme'),
  })
  .strict();

// ---------------------------------------------------------------------------------------------
// Cuadro N° 04 — Ficha de supervisión operativa del Centro MAC

/** Items of the Ficha answered SI/NO with an observation; `na` items may be "no aplica" (the manual's own conditions). */
export const FICHA_SECTIONS = [
  { id: 'I.A.1', title: '1.- Antes de la apertura', items: [['1_1', '¿Cumple con la verificación del Centro MAC, en base al check list diario del Manual de Funcionamiento para los Centros MAC?']] },
  {
    id: 'I.A.2.1',
    title: '2.1.- Zona de Recepción',
    items: [
      ['2_1_a', 'Módulo de Recepción'],
      ['2_1_b', 'Ordenadores de Filas'],
      ['2_1_c', 'Sillas de orientadores'],
      ['2_1_d', 'Lector de código de barras'],
      ['2_1_e', 'Servicio de telefonía (anexos telefónicos)'],
      ['2_1_f', 'Insumos y materiales zona recepción'],
      ['2_1_g', 'Sillas de Ruedas (en caso no cuente con Zona de tópico)', 'na'],
    ],
  },
  {
    id: 'I.A.2.2',
    title: '2.2.- Zona de Atención',
    items: [
      ['2_2_a', 'Televisores en zona de atención'],
      ['2_2_b', 'Sillas de espera'],
      ['2_2_c', 'Sillas de asesores'],
      ['2_2_d', 'Sillas de atención al ciudadano'],
      ['2_2_e', 'Módulos de atención'],
      ['2_2_f', 'Computadoras de Asesores de Servicio'],
      ['2_2_g', 'Impresoras en zonas de atención'],
      ['2_2_h', 'Insumos y materiales zona atención'],
    ],
  },
  {
    id: 'I.A.2.3',
    title: '2.3.- Zona Administrativa',
    items: [
      ['2_3_a', 'Módulos de oficina'],
      ['2_3_b', 'Sillas de oficina'],
      ['2_3_c', 'Insumos y materiales para oficina'],
    ],
  },
  {
    id: 'I.A.2.4',
    title: '2.4.- Zona de Tópico',
    items: [
      ['2_4_a', 'Botiquín', 'na'],
      ['2_4_b', 'Silla de ruedas', 'na'],
    ],
  },
  {
    id: 'I.A.2.5',
    title: '2.5.- Generales',
    items: [
      ['2_5_a', 'Sistema de Iluminación'],
      ['2_5_b', 'Orden y Limpieza'],
      ['2_5_c', 'Señaléticas'],
      ['2_5_d', 'Equipos de Aire Acondicionado'],
      ['2_5_e', 'Servicios Higiénicos'],
      ['2_5_f', 'Comedor'],
      ['2_5_g', 'Servicio de agua potable'],
    ],
  },
  {
    id: 'I.A.2.6',
    title: '2.6.- Servicios TIC: Consultar al especialista TIC',
    items: [
      ['2_6_a', 'Internet'],
      ['2_6_b', 'Energía eléctrica'],
      ['2_6_c', 'Sistema de Turnos de atención ciudadana'],
      ['2_6_d', 'Sistema de Audio'],
      ['2_6_e', 'Sistema de Video Vigilancia'],
      ['2_6_f', 'Correo electrónico'],
      ['2_6_g', 'Active Directory'],
      ['2_6_h', 'File Server'],
      ['2_6_i', 'Antivirus'],
    ],
  },
  {
    // Numbered "2.6" a second time in the manual; kept as printed, with its own ids.
    id: 'I.A.2.7',
    title: '2.6.- Libro de Reclamaciones Virtual',
    items: [
      ['lrv_a', '¿El Centro MAC cuenta con la señalética del Libro de Reclamaciones Virtual (con código QR)?'],
      ['lrv_b', '¿Las entidades cuentan con la señalética del Libro de Reclamaciones Virtual en sus módulos de atención (con código QR)?'],
      ['lrv_c', '¿El Centro MAC cuenta con una computadora asignada para el registro en el Libro de Reclamaciones Virtual?'],
    ],
  },
  {
    id: 'I.A.3',
    title: '3.- Protocolo de atención del Centro MAC',
    items: [
      ['3_1', '¿Cumple con la ruta de atención al ciudadano?'],
      ['3_3', '¿Cumple con la limpieza general diaria en el Centro MAC?'],
      ['3_4', '¿Cumple con la limpieza permanente durante la atención/operación en el Centro MAC?'],
    ],
  },
] as const satisfies readonly { id: string; title: string; items: readonly (readonly [string, string] | readonly [string, string, 'na'])[] }[];

/**
 * The Ficha's 2.1–2.6 repeat the daily checklist of 2.2.2 (without its Sistema de Citas): each
 * item's checklist id, so that what does not apply to a center (2.2.2 "según aplique") is "No
 * aplica" in the Ficha too.
 */
export const FICHA_CHECKLIST_ITEMS: Record<string, OpeningItemId> = {
  '2_1_a': 'modulo_recepcion', '2_1_b': 'ordenadores_fila', '2_1_c': 'sillas_orientadores', '2_1_d': 'lector_codigo_barras', '2_1_e': 'telefonia', '2_1_f': 'insumos_recepcion', '2_1_g': 'sillas_ruedas_recepcion',
  '2_2_a': 'televisores', '2_2_b': 'sillas_espera', '2_2_c': 'sillas_asesores', '2_2_d': 'sillas_atencion', '2_2_e': 'modulos_atencion', '2_2_f': 'computadoras_asesores', '2_2_g': 'impresoras', '2_2_h': 'insumos_atencion',
  '2_3_a': 'modulos_oficina', '2_3_b': 'sillas_oficina', '2_3_c': 'insumos_oficina',
  '2_4_a': 'botiquin', '2_4_b': 'silla_ruedas_topico',
  '2_5_a': 'iluminacion', '2_5_b': 'orden_limpieza', '2_5_c': 'senaleticas', '2_5_d': 'aire_acondicionado', '2_5_e': 'servicios_higienicos', '2_5_f': 'comedor', '2_5_g': 'agua_potable',
  '2_6_a': 'internet', '2_6_b': 'energia_electrica', '2_6_c': 'sistema_turnos', '2_6_d': 'sistema_audio', '2_6_e': 'video_vigilancia', '2_6_f': 'correo', '2_6_g': 'active_directory', '2_6_h': 'file_server', '2_6_i': 'antivirus',
};

/** The Ficha items the manual itself makes conditional (tópico, wheelchairs): NA where a center's applicability is not set. */
const CONDITIONAL_FICHA_ITEMS = new Set<string>(FICHA_SECTIONS.flatMap((s) => s.items.filter((i) => i.length === 3).map((i) => i[0] as string)));

export const FICHA_ITEMS = FICHA_SECTIONS.flatMap((s) =>
  s.items.map((i) => {
    const id = i[0] as string;
    const item = FICHA_CHECKLIST_ITEMS[id];
    // `allowsNa`: the manual makes the item conditional (tópico, wheelchairs). `mayNotApply`: the
    // checklist item may not apply to a center (never Internet or power), so NA is a valid answer
    // there too — where it is right, the center's applicability says (fichaApplicabilityMismatch).
    return { id, label: i[1] as string, section: s.id, allowsNa: i.length === 3, mayNotApply: i.length === 3 || (item !== undefined && !CRITICAL_ITEMS.includes(item)) };
  }),
);

/**
 * The Ficha's answers against the center's applicability: its NA items (Ficha ids) are answered
 * NA, and only they — or, for a center whose applicability is not set, NA only on the items the
 * manual makes conditional. Returns the first mismatch.
 */
export function fichaApplicabilityMismatch(items: Record<string, { answer: string }>, notApplicable: readonly string[] | null): string | undefined {
  for (const { id } of FICHA_ITEMS) {
    const answer = items[id]?.answer;
    if (answer === undefined) continue;
    const na = notApplicable ? notApplicable.includes(id) : null;
    if (na === true && answer !== 'NA') return `items.${id} does not apply to this center (2.2.2 "según aplique"): answer NA`;
    if (answer === 'NA' && (na === false || (na === null && !CONDITIONAL_FICHA_ITEMS.has(id)))) return `items.${id} applies to this center: it cannot be answered NA`;
  }
  return undefined;
}

/** Ficha 3.2 "¿Cumple con los Protocolos de Atención establecidos para los asesores de servicios?", per entity (2.2.3). */
export const PROTOCOL_ITEMS = {
  greeting: 'Protocolo establecido para el saludo',
  service: 'Protocolo establecido durante el servicio',
  farewell: 'Protocolo establecido para la despedida de los ciudadanos',
} as const;

/** Ficha II.B "Cumplimiento de contratos del Centro MAC". */
export const CONTRACT_ITEMS = { rental: 'Cumplimiento de contrato de alquiler', cleaning: 'Cumplimiento de contrato de limpieza' } as const;

/** Ficha II.A "Requerimientos del Centro MAC" (up to four each). */
export const REQUIREMENT_KINDS = {
  operation: 'Requerimientos para la Operación',
  humanResources: 'Requerimiento de Recursos Humanos',
  communication: 'Requerimiento de Comunicación',
} as const;

export const ANSWER_LABELS = { SI: 'SI', NO: 'NO', NA: 'No aplica' } as const;

/** An answer of the Ficha: SI or NO (NA only where the manual makes the item conditional), an observation required for NO. */
const answerSchema = (allowsNa: boolean) =>
  z
    .object({ answer: allowsNa ? z.enum(['SI', 'NO', 'NA']) : z.enum(['SI', 'NO']), observation: freeTextSchema(1000).optional() })
    .strict()
    .refine((a) => a.answer !== 'NO' || a.observation !== undefined, { path: ['observation'], message: 'an observation is required when the answer is NO' });


export const fichaSchema = z
  .object({
    items: z.object(Object.fromEntries(FICHA_ITEMS.map((i) => [i.id, answerSchema(i.mayNotApply).describe(i.label)]))).strict(),
    /** 3.2, "Se sugiere considerar a las 23 entidades más demandadas": at most 23 entities. */
    protocols: z
      .array(z.object({ entityId: entityIdSchema, ...Object.fromEntries(Object.entries(PROTOCOL_ITEMS).map(([k, label]) => [k, answerSchema(false).describe(label)])) }).strict())
      .min(1)
      .max(23)
      .describe('3.2: protocolos de atención por entidad (hasta 23 entidades más demandadas)'),
    requirements: z
      .object(Object.fromEntries(Object.entries(REQUIREMENT_KINDS).map(([k, label]) => [k, z.array(freeTextSchema(500)).max(4).default([]).describe(label)])))
      .strict()
      .describe('II.A Requerimientos del Centro MAC'),
    contracts: z
      .object({
        rental: answerSchema(true).describe(CONTRACT_ITEMS.rental),
        cleaning: answerSchema(false).describe(CONTRACT_ITEMS.cleaning),
        others: z.array(z.object({ name: freeTextSchema(200), compliance: answerSchema(false) }).strict()).max(6).default([]).describe('3.- Otros'),
      })
      .strict()
      .describe('II.B Cumplimiento de contratos del Centro MAC'),
    comments: freeTextSchema(4000).optional().describe('III. Observaciones, comentarios o sugerencias adicionales'),
  })
  .strict();
export type Ficha = z.infer<typeof fichaSchema>;

export const visitSchemas = {
  /** Cuadro 03 #1–8: for each sub-item, what was reviewed and found. */
  record_visit_activities: z.object(Object.fromEntries(VISIT_ITEMS.map((i) => [i.id, reviewSchema.describe(i.label)])) as Record<VisitItemId, typeof reviewSchema>).strict(),
  /** Cuadro 04: the Ficha de supervisión operativa, in full. */
  record_operational_ficha: fichaSchema,
  /** Cuadro 03 #9: random interviews with Asesores de Servicios (entity and module, never names). */
  record_advisor_interviews: z
    .object({
      interviews: z
        .array(z.object({ entityId: entityIdSchema, module: freeTextSchema(60).optional(), notes: freeTextSchema(2000) }).strict())
        .min(1)
        .max(40),
    })
    .strict(),
  /** Cuadro 03 #10: closing meeting: summary, Informe Expositivo handed over, acta signed. */
  close_supervision_visit: z
    .object({
      summary: freeTextSchema(4000).describe('Resumen de la visita general'),
      participants: z
        .array(z.object({ name: freeTextSchema(120), position: freeTextSchema(200) }).strict())
        .min(2)
        .max(30)
        .describe('Participantes que firman el acta'),
      informeExpositivoDelivered: z.literal(true, 'the Informe Expositivo must be handed over at the closing meeting (Cuadro 03, 10)'),
      actaSigned: z.literal(true, 'the acta must be signed at the closing meeting (Cuadro 03, 10)'),
    })
    .strict(),
} as const;

// ---------------------------------------------------------------------------------------------
// Cuadro N° 05 — Posterior

/** Who must correct an observation (Cuadro 05 #4–5): the Entidad Administradora (or PCM), or a participating entity. */
export const observationAddresseeSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('admin_entity') }).strict(),
  z.object({ kind: z.literal('entity'), entityId: entityIdSchema }).strict(),
]);
export type ObservationAddressee = z.infer<typeof observationAddresseeSchema>;

export const observationSchema = z
  .object({
    type: z.enum(['SE', 'SO']).describe('Supervisión estratégica u operativa (2.3)'),
    source: freeTextSchema(120).describe('Ítem de origen, p. ej. "Cuadro 04, 2.2.f"'),
    addressee: observationAddresseeSchema,
    description: freeTextSchema(2000),
    recommendation: freeTextSchema(2000),
    termBusinessDays: z.number().int().min(1).max(120).optional().describe('Plazo de subsanación en días hábiles (por defecto, el configurado)'),
  })
  .strict();
export type Observation = z.infer<typeof observationSchema>;

/** Cuadro 05 #3: the Informe de Supervisión, in the order of its schema. */
export const REPORT_SECTIONS = {
  antecedentes: 'Antecedentes',
  objetivos: 'Objetivos',
  participantes: 'Participantes',
  situacionActual: 'Situación Actual',
  analisis: 'Análisis de Visita de Campo (estratégico y operativo)',
  resultados: 'Resultados (estratégico y operativo)',
  aspectosCriticos: 'Aspectos críticos relevantes (si los hubiera)',
  propuestasMejora: 'Propuestas de Mejora',
  conclusiones: 'Conclusiones y Recomendaciones',
  anexos: 'Anexos',
} as const;

const strategicOperational = z.object({ estrategico: freeTextSchema(6000), operativo: freeTextSchema(6000) }).strict();

export const posteriorSchemas = {
  /** Cuadro 05 #2: the Informe Técnico expeditivo, at the end of the visit. */
  write_expeditious_report: z
    .object({
      antecedentes: freeTextSchema(4000),
      aspectosObservados: freeTextSchema(6000),
      accionesInmediatas: freeTextSchema(4000).describe('Acciones correctivas in situ'),
      conclusiones: freeTextSchema(4000),
    })
    .strict(),
  /** Cuadro 05 #3: the Informe de Supervisión to SSCS, with its observations. */
  write_supervision_report: z
    .object({
      antecedentes: freeTextSchema(4000),
      objetivos: freeTextSchema(4000),
      participantes: freeTextSchema(4000),
      situacionActual: freeTextSchema(6000),
      analisis: strategicOperational,
      resultados: strategicOperational,
      aspectosCriticos: freeTextSchema(4000).optional(),
      propuestasMejora: freeTextSchema(4000),
      conclusiones: freeTextSchema(6000),
      anexos: z.array(freeTextSchema(300)).max(20).default([]),
      observations: z.array(observationSchema).max(60).default([]),
    })
    .strict(),
  /** Cuadro 05 #3–4: the Subsecretario/a approves the Informe before its derivation, or returns it. */
  review_supervision_report: verdictWithText(['approve', 'return'], 'approve', 'Aprobar o devolver el Informe', 'comments', 'Obligatorios al devolver el informe'),
  /** Cuadro 05 #6: the informe técnico of the actions taken on an observation. */
  report_observation_correction: z
    .object({
      actions: freeTextSchema(4000).describe('Acciones ejecutadas'),
      reference: freeTextSchema(200).describe('Documento con que se envía: oficio de la entidad o informe técnico'),
    })
    .strict(),
  /** Cuadro 05 #5: SSCS's Coordinación de Centros MAC checks the correction. */
  verify_observation_correction: verdictWithText(['corrected', 'not_corrected'], 'corrected', 'Subsanada o no', 'comments', 'Obligatorios si no se da por subsanada'),
  /** Cuadro 06 #1–2: consolidation and content of the reports for participating entities. */
  coordinate_entity_reports: z
    .object({ content: freeTextSchema(4000).describe('Contenido acordado de los reportes (Cuadro 06, 2)') })
    .strict(),
} as const;

/** An unscheduled visit (2.3.3: "visitas no programadas, derivadas de situaciones coyunturales y/o emergentes"). */
export const unscheduledSchema = z
  .object({ category: z.enum(['coyuntural', 'emergente']), reason: freeTextSchema(2000) })
  .strict()
  .describe('Motivo de la visita no programada (2.3.3)');
