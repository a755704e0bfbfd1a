import { CRITICAL_ITEMS, OPENING_ZONES, STATUS_LABELS, type ItemStatus, type OpeningItemId } from '../../src/domain/opening';
import { loadTemplates } from '../../src/templates';

/**
 * Formato 3 (verificación diaria, 2.2.2), Formato 17 (atención de incidencias, 2.2.4 / PM1.3.3)
 * and their emails, rendered from the Handlebars files alone: no database, no Temporal.
 */
const templates = loadTemplates();
const center = { id: 'lima-norte', name: 'Lima Norte', city: 'Lima', adminEntity: { id: 'pcm', name: 'Presidencia del Consejo de Ministros', email: 'mac@pcm.gob.pe' } };
const coordinator = { sub: 'u-coord-ln', roleTitle: 'Coordinador(a) del Centro MAC' };
const reniec = { id: 'reniec', name: 'Registro Nacional de Identificación y Estado Civil (RENIEC)' };

function zones(bad: Partial<Record<OpeningItemId, { status: ItemStatus; observation: string }>>) {
  return OPENING_ZONES.map((z) => ({
    name: z.name,
    items: z.items.map(([id, label]) => {
      const check = bad[id] ?? { status: 'ok' as ItemStatus, observation: undefined };
      return { label, statusLabel: STATUS_LABELS[check.status], ok: check.status === 'ok', critical: CRITICAL_ITEMS.includes(id), observation: check.observation };
    }),
  }));
}

function formato3(overrides: object) {
  return {
    center,
    runId: 'OPEN-LN-20261123',
    reference: 'FORMATO 3 N° 004-2026-CMAC-LIMA-NORTE',
    date: '2026-11-23',
    scheduledOpenAt: '2026-11-23T13:30:00Z',
    scheduledCloseAt: '2026-11-23T22:30:00Z',
    verifiedAt: '2026-11-23T13:05:00Z',
    verifiedBy: coordinator,
    securityAgents: 2,
    vigilance: { ok: true, agents: 2 },
    ...overrides,
  };
}

const notOpen = formato3({
  zones: zones({
    internet: { status: 'damaged', observation: 'Caída del enlace del proveedor desde las 07:40' },
    energia_electrica: { status: 'missing', observation: 'Corte de suministro en el centro comercial' },
    impresoras: { status: 'damaged', observation: 'Impresora del módulo 7 atascada' },
  }),
  decision: 'not_open',
  critical: [
    { label: 'Internet', observation: 'Caída del enlace del proveedor desde las 07:40' },
    { label: 'Energía eléctrica', observation: 'Corte de suministro en el centro comercial' },
  ],
  findings: [{ label: 'Impresoras en zonas de atención', zone: 'Zona de Atención', observation: 'Impresora del módulo 7 atascada' }],
});

const conflict = {
  kind: 'conflict' as const,
  occurredAt: '2026-11-23T16:10:00Z',
  registeredAt: '2026-11-23T16:55:00Z',
  place: 'Zona de Atención',
  module: 'Módulo 14',
  entity: reniec,
  severity: 'grave' as const,
  description: 'El ciudadano exigió ser atendido sin turno y lanzó <script>alert(1)</script> objetos contra el módulo.',
  involved: [
    { kindLabel: 'Ciudadano/a', name: 'Juan Pérez' },
    { kindLabel: 'Asesor/a de servicio', name: 'María Quispe' },
  ],
  attention: {
    securityPresent: true,
    actions: 'El supervisor conversó con el ciudadano con el acompañamiento del agente de seguridad.',
    outcome: 'El ciudadano fue atendido y se retiró con calma.',
    attendedBy: { sub: 'u-sup-ln', roleTitle: 'Supervisor(a) del Centro MAC' },
    attendedAt: '2026-11-23T16:30:00Z',
  },
  reportedBy: coordinator,
};

const incident = {
  kind: 'incident' as const,
  occurredAt: '2026-11-23T15:00:00Z',
  registeredAt: '2026-11-23T15:20:00Z',
  module: 'Módulo 14',
  entity: reniec,
  incidentType: 'Sistema de la entidad inoperativo',
  description: 'El sistema de emisión de DNI no responde en el módulo.',
  involved: [],
  term: { businessDays: 2, dueDate: '2026-11-25' },
  reportedBy: coordinator,
  sourceRunId: 'CONFLICT-LN-0001',
};

describe('Formato 3: Verificación diaria de operaciones (PM1.3.1)', () => {
  test('when critical resources are missing, then it lists every zone and item, the missing resources, and that the center does not open', () => {
    const html = templates.document('formato_3', notOpen);
    expect(html).toContain('<h1>FORMATO 3 N° 004-2026-CMAC-LIMA-NORTE</h1>');
    expect(html).toContain('Verificación diaria de operaciones del Centro MAC');
    for (const z of OPENING_ZONES) {
      expect(html).toContain(`<h3 class="zona">${z.name}</h3>`);
      for (const [, label] of z.items) expect(html).toContain(`<td>${label}`);
    }
    expect(html).toContain('23 de noviembre de 2026');
    expect(html).toContain('08:30 – 17:30');
    expect(html).toContain('23/11/2026 08:05');
    expect(html).toMatch(/Internet <span class="critico-tag">\(crítico\)<\/span>/);
    expect(html).toMatch(/<li><strong>Internet<\/strong>: Caída del enlace del proveedor desde las 07:40<\/li>/);
    expect(html).toMatch(/<li><strong>Energía eléctrica<\/strong>: Corte de suministro en el centro comercial<\/li>/);
    expect(html).toContain('NO se podrá realizar la apertura del Centro MAC para la atención al ciudadano');
    expect(html).toContain('comunica a la entidad administradora (Presidencia del Consejo de Ministros) y a la SSCS-SGP');
    expect(html).toContain('2 agente(s) de seguridad presente(s)');
    expect(html).not.toContain('Se realiza la apertura');
    // the non-critical finding is still listed for corrective maintenance
    expect(html).toMatch(/mantenimiento correctivo[\s\S]*Impresora del módulo 7 atascada/);
  });

  test('when each item has its status, then rows not operative are marked NO and the rest SÍ', () => {
    const html = templates.document('formato_3', notOpen);
    const items = OPENING_ZONES.reduce((n, z) => n + z.items.length, 0);
    expect(html.match(/<span class="mark ok">SÍ<\/span>/g)).toHaveLength(items - 3 + 1); // + the vigilance row
    expect(html.match(/<span class="mark ko">NO<\/span>/g)).toHaveLength(3);
    expect(html).toContain('Dañado o inoperativo');
    expect(html).toContain('No cuenta / falta');
  });

  test('when only non-critical items fail, then the center opens and the findings go to corrective maintenance', () => {
    const html = templates.document('formato_3', formato3({
      zones: zones({ comedor: { status: 'damaged', observation: 'Microondas inoperativo' }, senaleticas: { status: 'missing', observation: 'Falta señalética de salida' } }),
      decision: 'open',
      critical: [],
      findings: [
        { label: 'Señaléticas', zone: 'Generales', observation: 'Falta señalética de salida' },
        { label: 'Comedor', zone: 'Generales', observation: 'Microondas inoperativo' },
      ],
      openedAt: '2026-11-23T13:30:00Z',
    }));
    expect(html).toContain('Se realiza la apertura del Centro MAC para la atención al ciudadano</strong> a las 08:30');
    expect(html).toMatch(/<td>Generales<\/td><td>Señaléticas<\/td><td class="obs">Falta señalética de salida<\/td>/);
    expect(html).toMatch(/<td>Generales<\/td><td>Comedor<\/td><td class="obs">Microondas inoperativo<\/td>/);
    expect(html).toContain('mantenimiento correctivo');
    expect(html).not.toContain('se podrá realizar la apertura');
    expect(html).not.toContain('Sin observaciones');
  });

  test('when nothing fails, then it says so', () => {
    const html = templates.document('formato_3', formato3({ zones: zones({}), decision: 'open', critical: [], findings: [] }));
    expect(html).toContain('Sin observaciones');
    expect(html).not.toContain('mantenimiento correctivo');
  });

  test('when the center opened after the restoration, then a new version replaces the first, its section III lists the changes of the day with their times, the hours closed and that it was sent', () => {
    const html = templates.document('formato_3', {
      ...notOpen,
      vigilance: { ok: false, agents: 0 },
      securityAgents: 0,
      decision: 'open',
      version: 2,
      state: 'restored',
      stateLabel: 'Apertura tras el restablecimiento',
      replaces: 'FORMATO 3 N° 001-2026-CMAC-LIMA-NORTE',
      sent: true,
      dayEvents: [
        { at: '2026-11-23T12:45:00Z', label: 'No apertura: falta Servicio de Vigilancia', version: 1 },
        { at: '2026-11-23T16:00:00Z', label: 'Restablecido y verificado nuevamente: Servicio de Vigilancia', version: 2 },
        { at: '2026-11-23T16:05:00Z', label: 'Apertura del Centro MAC para la atención al ciudadano', version: 2 },
      ],
      openedAt: '2026-11-23T16:05:00Z',
      hoursClosedText: '3,1',
      notes: 'Se coordinó con <b>PCM</b>',
    });
    expect(html).toContain('versión 2 del día: Apertura tras el restablecimiento');
    expect(html).toContain('reemplaza al FORMATO 3 N° 001-2026-CMAC-LIMA-NORTE');
    expect(html).toContain('III. Cambios del estado del día');
    expect(html).toContain('23/11/2026 11:00');
    expect(html).toContain('Restablecido y verificado nuevamente: Servicio de Vigilancia');
    expect(html).toContain('Se realiza la apertura del Centro MAC para la atención al ciudadano</strong> a las 11:05');
    expect(html).toContain('3,1 horas');
    expect(html).toContain('remitida por el sistema');
    expect(html).toContain('0 agente(s) de seguridad presente(s)');
    expect(html).toContain('Sin agentes de seguridad');
    expect(html).toContain('Se coordinó con &lt;b&gt;PCM&lt;/b&gt;');
  });
});

describe('Formato 17: Atención de Incidencias (PM1.3.3)', () => {
  const doc = (data: object) => templates.document('formato_17', { center, runId: 'CONFLICT-LN-0001', reference: 'FORMATO 17 N° 012-2026-CMAC-LIMA-NORTE', date: '2026-11-23', ...data });

  test('when a grave conflict is recorded, then it shows the severity, the security presence, the attention and the communication to the Entidad Administradora and SSCS-SGP', () => {
    const html = doc(conflict);
    expect(html).toContain('<h1>FORMATO 17 N° 012-2026-CMAC-LIMA-NORTE</h1>');
    expect(html).toContain('Conflicto grave con ciudadano/a — manejo de conflictos (numeral 2.2.4)');
    expect(html).toContain('Grave: situación de mayor gravedad y complejidad');
    expect(html).toMatch(/Acompañamiento físico del servicio de vigilancia\/agente de seguridad<\/th><td><strong>Sí<\/strong>/);
    expect(html).toContain('23/11/2026 11:10');
    expect(html).toContain('Zona de Atención — Módulo 14');
    expect(html).toContain(reniec.name);
    expect(html).toContain('<li>Ciudadano/a: Juan Pérez</li>');
    expect(html).toContain('El ciudadano fue atendido y se retiró con calma.');
    expect(html).toContain('Supervisor(a) del Centro MAC (u-sup-ln)');
    expect(html).toContain('se comunica inmediatamente a la Entidad Administradora (Presidencia del Consejo de Ministros) y a la SSCS-SGP');
    expect(html).not.toContain('días hábiles');
  });

  test('when the citizen text carries HTML, then it arrives as text', () => {
    const html = doc(conflict);
    expect(html).not.toContain('<script>');
    expect(html).toContain('lanzó &lt;script&gt;alert(1)&lt;/script&gt; objetos');
  });

  test('when security was not present, then it says No', () => {
    const html = doc({ ...conflict, attention: { ...conflict.attention, securityPresent: false } });
    expect(html).toMatch(/agente de seguridad<\/th><td><strong>No<\/strong>/);
  });

  test('when an incident of a participating entity is recorded, then it shows the type, the term for the solution and that it goes to the entity', () => {
    const html = doc(incident);
    expect(html).toContain('Incidencia en el servicio de entidad participante — PM1.3.3');
    expect(html).toContain('<tr><th>Tipo de incidencia</th><td colspan="3">Sistema de la entidad inoperativo</td></tr>');
    expect(html).toContain('<strong>2 días hábiles</strong>, hasta el <strong>25 de noviembre de 2026</strong>');
    expect(html).toContain('(vi) resolver con la diligencia debida las incidencias');
    expect(html).toContain('CONFLICT-LN-0001');
    expect(html).toContain(`se comunica a la entidad participante ${reniec.name}`);
    expect(html).toContain('No se registraron personas involucradas.');
    expect(html).not.toContain('Gravedad');
    expect(html).not.toContain('Acompañamiento físico');
    expect(html).toContain('con copia a la Entidad Administradora (Presidencia del Consejo de Ministros) y a la SSCS-SGP');
  });

  test('when an incident of the center itself is recorded (no entity, issue 11), then the Coordinador(a) has the term and the Supervisor(a) verifies, copied to the Entidad Administradora and SSCS-SGP', () => {
    const html = doc({ ...incident, entity: null, incidentType: 'Otra incidencia que afecte el normal funcionamiento' });
    expect(html).toContain('Incidencia del Centro MAC (personal, operación, seguridad u otra) — PM1.3.3');
    expect(html).toContain('<th>Entidad participante</th><td>No corresponde</td>');
    expect(html).toContain('El/la Coordinador(a) del Centro MAC debe gestionar la solución de la incidencia e informarla en un plazo de <strong>2 días hábiles</strong>');
    expect(html).toContain('el/la Supervisor(a) del Centro MAC verifica la solución');
    expect(html).toContain('se comunica al/a la Coordinador(a) del Centro MAC, con copia a la Entidad Administradora (Presidencia del Consejo de Ministros) y a la SSCS-SGP');
    expect(html).not.toContain('(vi) resolver');
  });
});

describe('emails of the opening and the incidents', () => {
  const base = { center, runId: 'OPEN-LN-20261123' };

  test('when the center does not open, then the email to the Entidad Administradora and SSCS-SGP names the day, the missing resources and the Formato 3', () => {
    const mail = templates.email('opening_not_opened', {
      ...base,
      date: '2026-11-23',
      scheduledOpenAt: '2026-11-23T13:30:00Z',
      critical: [{ label: 'Internet', observation: 'Caída del enlace' }, { label: 'Servicio de Vigilancia' }],
      document: { reference: 'FORMATO 3 N° 004-2026-CMAC-LIMA-NORTE' },
      attachments: ['FORMATO 3 N° 004-2026-CMAC-LIMA-NORTE'],
    });
    expect(mail.subject).toBe('Centro MAC Lima Norte: no apertura del 23 de noviembre de 2026 — FORMATO 3 N° 004-2026-CMAC-LIMA-NORTE');
    expect(mail.text).toContain('Presidencia del Consejo de Ministros — Entidad Administradora del Centro MAC Lima Norte');
    expect(mail.text).toContain('Subsecretaría de Calidad de Servicios de la Secretaría de Gestión Pública (SSCS-SGP)');
    expect(mail.text).toContain('antes del horario de apertura (08:30)');
    expect(mail.text).toContain('Internet: Caída del enlace');
    expect(mail.text).toContain('Servicio de Vigilancia');
    expect(mail.text).toContain('no se podrá realizar la apertura del Centro MAC para la atención al ciudadano');
    expect(mail.text).toContain('realizar las coordinaciones de comunicación al ciudadano');
    expect(mail.text).toContain('en el más breve plazo');
    expect(mail.text).toContain('Se adjunta el FORMATO 3 N° 004-2026-CMAC-LIMA-NORTE');
    expect(mail.html).toContain('<title>Centro MAC Lima Norte: no apertura');
  });

  test('when the center opens after the restoration, then the subject gives the hour and the restored resources', () => {
    const mail = templates.email('opening_restored', {
      ...base,
      date: '2026-11-23',
      openedAt: '2026-11-23T16:05:00Z',
      hoursClosedText: '2,6',
      critical: [{ label: 'Internet' }, { label: 'Energía eléctrica' }, { label: 'Servicio de Vigilancia' }],
      attachments: [],
    });
    expect(mail.subject).toBe('Centro MAC Lima Norte: apertura a las 11:05 del 23 de noviembre de 2026 tras restablecerse Internet, Energía eléctrica y Servicio de Vigilancia');
    expect(mail.text).toContain('apertura para la atención al ciudadano a las 11:05 del 23 de noviembre de 2026');
    expect(mail.text).toContain('sin atención al ciudadano durante 2,6 horas');
    expect(mail.text).toContain('SSCS-SGP');
  });

  test('when a grave conflict is attended, then the email communicates it immediately with the Formato 17', () => {
    const mail = templates.email('conflict_grave', { ...base, runId: 'CONFLICT-LN-0001', conflict, document: { reference: 'FORMATO 17 N° 012-2026-CMAC-LIMA-NORTE' }, attachments: ['FORMATO 17 N° 012-2026-CMAC-LIMA-NORTE'] });
    expect(mail.subject).toBe('Centro MAC Lima Norte: conflicto grave atendido — FORMATO 17 N° 012-2026-CMAC-LIMA-NORTE');
    expect(mail.text).toContain('se comunica inmediatamente');
    expect(mail.text).toContain('numeral 2.2.4');
    expect(mail.text).toContain('ocurrida el 23/11/2026 11:10');
    expect(mail.text).toContain('Acompañamiento físico del servicio de vigilancia/agente de seguridad: Sí');
    expect(mail.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(mail.html).not.toContain('<script>');
    expect(mail.text).toContain('Se adjunta el FORMATO 17 N° 012-2026-CMAC-LIMA-NORTE');
  });

  test('when an incident is notified to the participating entity, then it asks for the solution within the term and cites its duty (vi)', () => {
    const mail = templates.email('incident_notice', {
      ...base,
      runId: 'INCIDENT-LN-0003',
      incident,
      term: incident.term,
      document: { reference: 'FORMATO 17 N° 013-2026-CMAC-LIMA-NORTE' },
      attachments: ['FORMATO 17 N° 013-2026-CMAC-LIMA-NORTE'],
    });
    expect(mail.subject).toBe(`Centro MAC Lima Norte: incidencia en el servicio de ${reniec.name} — FORMATO 17 N° 013-2026-CMAC-LIMA-NORTE — informar solución hasta el 25 de noviembre de 2026`);
    expect(mail.text).toContain(`${reniec.name} — Entidad participante del Centro MAC Lima Norte`);
    expect(mail.text).toContain('Tipo de incidencia: Sistema de la entidad inoperativo');
    expect(mail.text).toContain('«(vi) resolver con la diligencia debida las incidencias y problemas que se generen durante la prestación de los servicios»');
    expect(mail.text).toContain('informar la solución a través del sistema de procesos de los Centros MAC (expediente INCIDENT-LN-0003) en un plazo de 2 días hábiles, hasta el 25 de noviembre de 2026');
    expect(mail.text).toContain('Se adjunta el FORMATO 17 N° 013-2026-CMAC-LIMA-NORTE');
  });

  test('when an incident of the center itself is notified (issue 11), then it goes to the Coordinador(a) with the copies, cites the Coordinator\'s duty and names the conflict it came from', () => {
    const own = { ...incident, entity: null, sourceRunId: 'P2.2.4-lima-norte-2026-00001' };
    const mail = templates.email('incident_notice', { ...base, runId: 'INCIDENT-LN-0004', incident: own, term: own.term, document: { reference: 'FORMATO 17 N° 012-2026-CMAC-LIMA-NORTE' } });
    expect(mail.subject).toBe('Centro MAC Lima Norte: incidencia del Centro MAC — FORMATO 17 N° 012-2026-CMAC-LIMA-NORTE — informar solución hasta el 25 de noviembre de 2026');
    expect(mail.text).toContain('Coordinador(a) del Centro MAC Lima Norte');
    expect(mail.text).toContain('Con copia: Presidencia del Consejo de Ministros — Entidad Administradora');
    expect(mail.text).toContain('«la solución a las incidencias de operación»');
    expect(mail.text).toContain('expediente de origen P2.2.4-lima-norte-2026-00001');
    expect(mail.text).toContain('Entidad Administradora → SSCS-SGP');
    expect(mail.text).not.toContain('Coordinador(a) del Centro MAC → Entidad Administradora');
    const escalation = templates.email('incident_escalation', { ...taskData, incident: own });
    expect(escalation.subject).toBe('Escalamiento: incidencia en el Centro MAC Lima Norte sin solución al vencer el plazo el 25 de noviembre de 2026 (INCIDENT-LN-0003)');
    expect(escalation.text).toContain('la incidencia del propio Centro MAC');
  });

  const taskData = {
    ...base,
    runId: 'INCIDENT-LN-0003',
    task: { title: 'Informar la solución de la incidencia', dueDate: '2026-11-25' },
    procedure: { code: 'PM1.3.3', name: 'Atención de incidencias' },
    roleTitle: 'Entidad participante',
    levelTitle: 'Entidad Administradora',
    recipientTitle: 'Representante de la Entidad Administradora',
    incident,
  };

  test('when the entity does not solve the incident in time, then the escalation names the entity, the type, the module and the level', () => {
    const mail = templates.email('incident_escalation', taskData);
    expect(mail.subject).toBe(`Escalamiento: incidencia de ${reniec.name} en el Centro MAC Lima Norte sin solución al vencer el plazo el 25 de noviembre de 2026 (INCIDENT-LN-0003)`);
    expect(mail.text).toContain('Estimado(a) Representante de la Entidad Administradora:');
    expect(mail.text).toContain(`${reniec.name} (Sistema de la entidad inoperativo, Módulo 14) del Centro MAC Lima Norte`);
    expect(mail.text).toContain('no fue solucionada dentro del plazo de 2 días hábiles, vencido el 25 de noviembre de 2026');
    expect(mail.text).toContain('Nivel actual: Entidad Administradora');
    expect(mail.text).toContain('Se solicita intervenir');
  });

  test('when the term is near, then the reminder goes to the entity with the due date', () => {
    const mail = templates.email('incident_reminder', taskData);
    expect(mail.subject).toBe(`Recordatorio: la solución de la incidencia de ${reniec.name} en el Centro MAC Lima Norte vence el 25 de noviembre de 2026 (INCIDENT-LN-0003)`);
    expect(mail.text).toContain('«Sistema de la entidad inoperativo» registrada el 23/11/2026 10:00 (Módulo 14)');
    expect(mail.text).toContain('vence el 25 de noviembre de 2026');
    expect(mail.text).toContain('«Informar la solución de la incidencia»');
  });
});
