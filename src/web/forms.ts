import Handlebars from 'handlebars';
import { z, type ZodType } from 'zod';
import { HttpError } from '../api/errors';
import { OCCURRENCE_TYPES, RISK_LEVELS } from '../catalog';
import { CLOSURE_CAUSES, STATUS_LABELS } from '../domain/opening';
import { INVOLVED_KINDS } from '../domain/conflicts';
import { INCIDENT_TYPES } from '../shared/settings';
import { nulPath } from '../shared/schemas';

/**
 * Forms generated from the schemas the API validates with (a task's data, a procedure's input):
 * the zod schema as JSON Schema gives the fields (an enum is a radio group or a select, a boolean a
 * checkbox, long text a textarea, a list of objects repeated rows, a fixed-key record a group per
 * key), and the posted form is decoded back into the JSON the same zod schema then validates — the
 * page never has rules of its own. Field names are dotted paths (`items.internet.status`), the
 * path zod's issues name, so an error lands next to its field.
 */

export type JsonSchema = {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  additionalProperties?: JsonSchema | boolean;
  propertyNames?: JsonSchema;
  description?: string;
  format?: string;
  pattern?: string;
  maxLength?: number;
  minItems?: number;
  minimum?: number;
  maximum?: number;
  default?: unknown;
};

export function toJsonSchema(schema: ZodType): JsonSchema {
  return z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
}

/** What a page knows beyond the schema: labels, keys of open records, groups (zones). */
export interface FormContext {
  /** A label for a field, by its dotted path and its key. */
  label?(path: string, key: string): string | undefined;
  /** The keys of a record without fixed keys (a step's figures, a center's entities). */
  recordKeys?(path: string): { key: string; label: string; schema?: JsonSchema }[] | undefined;
  /** Fixed keys shown in groups (the checklist's zones). */
  groups?(path: string): { label: string; keys: string[] }[] | undefined;
  /** Nothing is `required` here (a repeated row beyond the first ones the schema asks for). */
  optional?: boolean;
  /** The values a free string field takes here (the person's centers), shown as a select. */
  choices?(path: string): { value: string; label: string }[] | undefined;
}

const esc = (s: unknown) => Handlebars.escapeExpression(String(s ?? ''));
const idOf = (path: string) => `f-${path.replace(/[^a-zA-Z0-9_-]/g, '-')}`;

/**
 * Spanish words for the enum values the schemas use: the domain's own labels first (the manual's
 * words), then the generic ones; anything else is shown as it is.
 */
const VALUE_LABELS: Record<string, string> = {
  ...Object.fromEntries(Object.entries(CLOSURE_CAUSES).map(([k, v]) => [k, v.label])),
  ...INCIDENT_TYPES,
  ...OCCURRENCE_TYPES,
  ...RISK_LEVELS,
  ...INVOLVED_KINDS,
  ...STATUS_LABELS,
  observed: 'Observado',
  open: 'Pendiente',
  completed: 'Completada',
  cancelled: 'Cancelada',
  running: 'En curso',
  failed: 'Fallida',
  terminated: 'Terminada',
  timed_out: 'Vencida por tiempo',
  pending: 'Pendiente de envío',
  sent: 'Enviado',
  coordinator: 'Coordinador(a)',
  admin_entity: 'Entidad Administradora',
  sscs: 'SSCS',
  na: 'No aplica',
  done: 'Realizado',
  not_done: 'No realizado',
  accepted: 'Fundado',
  rejected: 'Infundado',
  approve: 'Aprobar',
  return: 'Devolver',
  satisfactory: 'Satisfactorio',
  not_satisfactory: 'No satisfactorio',
  minor: 'Leve',
  grave: 'Grave',
  true: 'Sí',
  false: 'No',
  in_person: 'Presencial',
  virtual: 'Virtual',
  dni: 'DNI',
  ce: 'Carné de extranjería',
  passport: 'Pasaporte',
  ruc: 'RUC',
};

/** Spanish labels of the keys that carry no description of their own. */
const KEY_LABELS: Record<string, string> = {
  outcome: 'Resultado',
  notes: 'Notas',
  figures: 'Cifras para los indicadores',
  shareWithEntity: 'Compartir con la entidad',
  note: 'Nota',
  verdict: 'Decisión',
  observations: 'Observaciones',
  observation: 'Observación',
  status: 'Estado',
  asset: 'Activo',
  items: 'Recursos por zona',
  decision: 'Decisión',
  centerId: 'Centro MAC',
  entityId: 'Entidad',
  subject: 'Asunto',
  citizen: 'Ciudadano(a)',
  name: 'Nombre',
  email: 'Correo electrónico',
  phone: 'Teléfono',
  documentType: 'Tipo de documento',
  documentNumber: 'Número de documento',
  description: 'Descripción',
  request: 'Pedido',
  category: 'Categoría',
  occurredAt: 'Fecha y hora',
  kind: 'Tipo',
  module: 'Módulo',
  position: 'Cargo',
  date: 'Fecha',
  entity: 'Entidad',
  severity: 'Gravedad',
  place: 'Lugar',
  involved: 'Personas involucradas',
  modality: 'Modalidad',
  lead: 'Responsable',
  members: 'Integrantes',
  from: 'Desde',
  to: 'Hasta',
  period: 'Periodo',
  reason: 'Motivo',
  result: 'Resultado',
  compliance: 'Cumplimiento',
  compliant: 'Conforme',
  recommendation: 'Recomendación',
  addressee: 'Destinatario',
  type: 'Tipo',
  source: 'Origen',
  hw: 'Hardware',
  sw: 'Software',
  covered: 'Impartido',
  services: 'Servicios',
  quality: 'Calidad',
  manual: 'Manual',
  leadership: 'Liderazgo',
  message: 'Mensaje',
  channels: 'Canales',
  cause: 'Causa',
  closedAt: 'Hora del cierre',
  actions: 'Acciones',
  solution: 'Solución',
  month: 'Mes',
  year: 'Año',
  profile: 'Perfil',
};

export const valueLabel = (v: unknown) => VALUE_LABELS[String(v)] ?? String(v);

function labelOf(ctx: FormContext, path: string, key: string, s: JsonSchema): string {
  const given = ctx.label?.(path, key);
  if (given) return given;
  if (KEY_LABELS[key]) return KEY_LABELS[key];
  // A short description is the manual's name of the field (e.g. "Módulo de Recepción").
  if (s.description && s.description.length <= 90) return s.description;
  return key.replace(/_/g, ' ').replace(/([a-z])([A-Z])/g, '$1 $2').replace(/^./, (c) => c.toUpperCase());
}

const typeOf = (s: JsonSchema): string | undefined => (Array.isArray(s.type) ? s.type.find((t) => t !== 'null') : s.type);
const isDate = (s: JsonSchema) => s.format === 'date' || s.pattern === '^\\d{4}-\\d{2}-\\d{2}$';
const isInstant = (s: JsonSchema) => s.format === 'date-time' || (s.pattern?.includes('T\\d{2}:\\d{2}') ?? false);
/** A variant of an `anyOf` told apart by a constant property (e.g. `outcome`, `kind`). */
function discriminator(variants: JsonSchema[]): string | undefined {
  const first = variants[0]?.properties;
  if (!first) return undefined;
  return Object.keys(first).find((k) => variants.every((v) => v.properties?.[k]?.const !== undefined));
}

function get(value: unknown, key: string): unknown {
  return value && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined;
}

export interface RenderOptions {
  values?: unknown;
  errors?: Record<string, string>;
  ctx?: FormContext;
}

/** The fields of a form for `schema`, with values and errors in place. */
export function renderFields(schema: JsonSchema, opts: RenderOptions = {}): string {
  // A form that is one of several shapes (e.g. incorporated or not) starts with the choice.
  if (!schema.properties && (schema.anyOf ?? schema.oneOf)) return renderField(schema, '', '', opts.values, true, opts.errors ?? {}, opts.ctx ?? {});
  return renderObject(schema, '', opts.values, opts.errors ?? {}, opts.ctx ?? {});
}

function errorOf(errors: Record<string, string>, path: string): string {
  const e = errors[path];
  return e ? `<small class="field-error" id="${idOf(path)}-error" role="alert">${esc(e)}</small>` : '';
}

const describedBy = (errors: Record<string, string>, path: string, hint: boolean) =>
  [errors[path] ? `${idOf(path)}-error` : '', hint ? `${idOf(path)}-hint` : ''].filter(Boolean).join(' ');
const aria = (errors: Record<string, string>, path: string, hint: boolean) => {
  const by = describedBy(errors, path, hint);
  return `${errors[path] ? ' aria-invalid="true"' : ''}${by ? ` aria-describedby="${by}"` : ''}`;
};

function hintOf(path: string, s: JsonSchema, label: string): string {
  return s.description && s.description !== label ? `<small id="${idOf(path)}-hint">${esc(s.description)}</small>` : '';
}

function renderObject(s: JsonSchema, path: string, value: unknown, errors: Record<string, string>, ctx: FormContext): string {
  const required = new Set(s.required ?? []);
  const props = s.properties ?? {};
  const groups = ctx.groups?.(path);
  const field = (key: string) => renderField(props[key]!, path ? `${path}.${key}` : key, key, get(value, key), required.has(key), errors, ctx);
  if (groups) {
    // Only the groups with a field here (a re-verification asks for two items of one zone).
    return groups
      .map((g) => ({ ...g, keys: g.keys.filter((k) => props[k]) }))
      .filter((g) => g.keys.length)
      .map((g) => `<fieldset class="group"><legend>${esc(g.label)}</legend>${g.keys.map(field).join('')}</fieldset>`)
      .join('');
  }
  return Object.keys(props).map(field).join('');
}

function renderField(s: JsonSchema, path: string, key: string, value: unknown, required: boolean, errors: Record<string, string>, ctx: FormContext): string {
  const label = labelOf(ctx, path, key, s);
  const hint = hintOf(path, s, label);
  const req = required && !ctx.optional ? ' <span class="req" aria-hidden="true">*</span>' : '';
  const reqAttr = required && !ctx.optional ? ' required' : '';
  const id = idOf(path);
  const variants = s.anyOf ?? s.oneOf;
  const type = typeOf(s);

  if (variants) {
    const disc = discriminator(variants);
    if (disc) {
      // One radio group for the variant; the fields of every variant, each saying when it applies.
      const chosen = get(value, disc);
      const discPath = path ? `${path}.${disc}` : disc;
      const radios = variants
        .map((v) => {
          const c = String(v.properties![disc]!.const);
          return `<label><input type="radio" name="${esc(discPath)}" value="${esc(c)}"${chosen === c ? ' checked' : ''}${reqAttr}> ${esc(valueLabel(c))}</label>`;
        })
        .join('');
      const seen = new Set<string>([disc]);
      const rest = variants
        .flatMap((v) =>
          Object.entries(v.properties ?? {})
            .filter(([k]) => !seen.has(k) && seen.add(k))
            .map(([k, ps]) => {
              const when = variants.filter((x) => x.properties?.[k]).map((x) => valueLabel(x.properties![disc]!.const)).join(' / ');
              return renderField({ ...ps, description: `${ps.description ? `${ps.description}. ` : ''}Si: ${when}` }, path ? `${path}.${k}` : k, k, get(value, k), false, errors, ctx);
            }),
        )
        .join('');
      const body = `<fieldset class="choice" id="${idOf(discPath)}"><legend>${esc(labelOf(ctx, discPath, disc, {}))}${req}</legend>${radios}${errorOf(errors, discPath)}</fieldset>${rest}`;
      return path && key ? `<fieldset class="group"><legend>${esc(label)}</legend>${body}${errorOf(errors, path)}</fieldset>` : body;
    }
    // A number or a word (a step's figure): one text input.
    return `<label for="${id}">${esc(label)}${req}</label><input id="${id}" name="${esc(path)}" value="${esc(value ?? '')}"${reqAttr}${aria(errors, path, !!hint)}>${hint}${errorOf(errors, path)}`;
  }

  if (type === 'object') {
    const fixed = s.propertyNames?.enum as string[] | undefined;
    const open = s.additionalProperties && typeof s.additionalProperties === 'object' ? s.additionalProperties : undefined;
    let inner: string;
    if (s.properties) inner = renderObject(s, path, value, errors, ctx);
    else if (open && (fixed || ctx.recordKeys?.(path))) {
      const keys = fixed ? fixed.map((k) => ({ key: k, label: labelOf(ctx, `${path}.${k}`, k, {}), schema: undefined })) : ctx.recordKeys!(path)!;
      inner = keys.map((k) => renderField({ ...(k.schema ?? open), description: undefined }, `${path}.${k.key}`, k.key, get(value, k.key), !!fixed, errors, { ...ctx, label: (p, kk) => (p === `${path}.${k.key}` && kk === k.key ? k.label : ctx.label?.(p, kk)) })).join('');
    } else {
      // A record whose keys nothing names: JSON, validated like any other field.
      inner = `<textarea id="${id}" name="${esc(path)}" data-json="1" rows="4"${aria(errors, path, true)}>${esc(value === undefined ? '' : JSON.stringify(value, null, 2))}</textarea><small id="${id}-hint">En formato JSON${s.description ? `: ${esc(s.description)}` : ''}</small>`;
      return `<label for="${id}">${esc(label)}${req}</label>${inner}${errorOf(errors, path)}`;
    }
    return `<fieldset class="group" id="${id}"><legend>${esc(label)}${req}</legend>${hint}${errorOf(errors, path)}${inner}</fieldset>`;
  }

  if (type === 'array' && s.items) {
    const items = s.items;
    const list = Array.isArray(value) ? value : [];
    if (items.enum) {
      const boxes = items.enum
        .map((o) => `<label><input type="checkbox" name="${esc(path)}" value="${esc(o)}"${list.includes(o) ? ' checked' : ''}> ${esc(valueLabel(o))}</label>`)
        .join('');
      return `<fieldset class="choice" id="${id}"><legend>${esc(label)}${req}</legend>${hint}${boxes}${errorOf(errors, path)}</fieldset>`;
    }
    if (typeOf(items) === 'object' || items.anyOf) {
      const rows = Math.max(list.length + 1, s.minItems ?? 1, 2);
      const fieldsets = Array.from({ length: rows }, (_, i) => {
        const rowPath = `${path}.${i}`;
        const rowCtx = i < (s.minItems ?? 0) ? ctx : { ...ctx, optional: true };
        const inner = items.anyOf ? renderField(items, rowPath, '', list[i], false, errors, rowCtx) : renderObject(items, rowPath, list[i], errors, rowCtx);
        return `<fieldset class="row"><legend>${esc(label)} ${i + 1}</legend>${errorOf(errors, rowPath)}${inner}</fieldset>`;
      }).join('');
      return `<div class="rows" id="${id}"><p class="rows-label">${esc(label)}${req}</p>${hint}${errorOf(errors, path)}${fieldsets}<small>Las filas vacías no se envían.</small></div>`;
    }
    // A list of words or numbers: one per line.
    return `<label for="${id}">${esc(label)}${req}</label><textarea id="${id}" name="${esc(path)}" data-lines="1" rows="3"${aria(errors, path, true)}>${esc(list.join('\n'))}</textarea><small id="${id}-hint">Uno por línea${s.description ? `. ${esc(s.description)}` : ''}</small>${errorOf(errors, path)}`;
  }

  if (s.enum) {
    const options = s.enum;
    if (options.length <= 5) {
      const radios = options
        .map((o) => `<label><input type="radio" name="${esc(path)}" value="${esc(o)}"${value === o ? ' checked' : ''}${reqAttr}> ${esc(valueLabel(o))}</label>`)
        .join('');
      return `<fieldset class="choice" id="${id}"${errors[path] ? ' aria-invalid="true"' : ''}><legend>${esc(label)}${req}</legend>${hint}${radios}${errorOf(errors, path)}</fieldset>`;
    }
    const opts = ['<option value="">— Elegir —</option>', ...options.map((o) => `<option value="${esc(o)}"${value === o ? ' selected' : ''}>${esc(valueLabel(o))}</option>`)].join('');
    return `<label for="${id}">${esc(label)}${req}</label><select id="${id}" name="${esc(path)}"${reqAttr}${aria(errors, path, !!hint)}>${opts}</select>${hint}${errorOf(errors, path)}`;
  }

  // A fact the person must confirm (`z.literal(true)`, "pruebas: passed"): a checkbox carrying it.
  if (s.const !== undefined) {
    return `<label for="${id}" class="check"><input type="checkbox" id="${id}" name="${esc(path)}" value="${esc(s.const)}"${value === s.const ? ' checked' : ''}${reqAttr}${aria(errors, path, !!hint)}> ${esc(label)}${req}</label>${hint}${errorOf(errors, path)}`;
  }

  if (type === 'boolean') {
    return `<label for="${id}" class="check"><input type="hidden" name="${esc(path)}" value="false"><input type="checkbox" id="${id}" name="${esc(path)}" value="true"${value === true ? ' checked' : ''}${aria(errors, path, !!hint)}> ${esc(label)}</label>${hint}${errorOf(errors, path)}`;
  }

  if (type === 'number' || type === 'integer') {
    const bounds = `${s.minimum !== undefined ? ` min="${s.minimum}"` : ''}${s.maximum !== undefined ? ` max="${s.maximum}"` : ''}`;
    return `<label for="${id}">${esc(label)}${req}</label><input type="number" inputmode="decimal" step="${type === 'integer' ? 1 : 'any'}"${bounds} id="${id}" name="${esc(path)}" value="${esc(value ?? '')}"${reqAttr}${aria(errors, path, !!hint)}>${hint}${errorOf(errors, path)}`;
  }

  // Strings: one of known values, a day, an instant (Lima time), long text, or a line.
  const choices = ctx.choices?.(path);
  if (choices) {
    const opts = ['<option value="">— Elegir —</option>', ...choices.map((o) => `<option value="${esc(o.value)}"${value === o.value ? ' selected' : ''}>${esc(o.label)}</option>`)].join('');
    return `<label for="${id}">${esc(label)}${req}</label><select id="${id}" name="${esc(path)}"${reqAttr}${aria(errors, path, !!hint)}>${opts}</select>${hint}${errorOf(errors, path)}`;
  }
  if (isDate(s)) {
    return `<label for="${id}">${esc(label)}${req}</label><input type="date" id="${id}" name="${esc(path)}" value="${esc(value ?? '')}"${reqAttr}${aria(errors, path, !!hint)}>${hint}${errorOf(errors, path)}`;
  }
  if (isInstant(s)) {
    const local = typeof value === 'string' ? limaLocal(value) : '';
    return `<label for="${id}">${esc(label)} (hora de Lima)${req}</label><input type="datetime-local" id="${id}" name="${esc(path)}" value="${esc(local)}"${reqAttr}${aria(errors, path, !!hint)}>${hint}${errorOf(errors, path)}`;
  }
  const long = (s.maxLength ?? 0) > 200;
  const lengthAttr = s.maxLength ? ` maxlength="${s.maxLength}"` : '';
  return long
    ? `<label for="${id}">${esc(label)}${req}</label><textarea id="${id}" name="${esc(path)}" rows="3"${lengthAttr}${reqAttr}${aria(errors, path, !!hint)}>${esc(value ?? '')}</textarea>${hint}${errorOf(errors, path)}`
    : `<label for="${id}">${esc(label)}${req}</label><input id="${id}" name="${esc(path)}" value="${esc(value ?? '')}"${lengthAttr}${reqAttr}${aria(errors, path, !!hint)}>${hint}${errorOf(errors, path)}`;
}

/** Lima has no daylight saving time: local time is UTC−5 all year. */
function limaLocal(iso: string): string {
  const t = Date.parse(iso);
  return Number.isNaN(t) ? '' : new Date(t - 5 * 3_600_000).toISOString().slice(0, 16);
}

// ---------------------------------------------------------------------------------------------
// Decoding a posted form

export type FormBody = Record<string, string | string[] | undefined>;

const first = (v: string | string[] | undefined): string | undefined => (Array.isArray(v) ? v[v.length - 1] : v);

/**
 * The JSON a posted form stands for, guided by the same schema: types restored (numbers,
 * booleans, lists), empty fields left out (so a missing required field is zod's error, at its
 * path). A value that is not what the field takes is kept as typed, for zod to refuse by name.
 */
export function decodeForm(schema: JsonSchema, body: FormBody, ctx: FormContext = {}): Record<string, unknown> {
  if (!schema.properties && (schema.anyOf ?? schema.oneOf)) return (decodeValue(schema, body, '', ctx) ?? {}) as Record<string, unknown>;
  return (decodeObject(schema, body, '', ctx) ?? {}) as Record<string, unknown>;
}

function decodeObject(s: JsonSchema, body: FormBody, path: string, ctx: FormContext): Record<string, unknown> | undefined {
  const out: Record<string, unknown> = {};
  for (const [key, ps] of Object.entries(s.properties ?? {})) {
    const v = decodeValue(ps, body, path ? `${path}.${key}` : key, ctx);
    if (v !== undefined) out[key] = v;
  }
  return Object.keys(out).length ? out : undefined;
}

function decodeValue(s: JsonSchema, body: FormBody, path: string, ctx: FormContext): unknown {
  const variants = s.anyOf ?? s.oneOf;
  if (variants) {
    const disc = discriminator(variants);
    if (disc) {
      const chosen = first(body[path ? `${path}.${disc}` : disc]);
      const variant = variants.find((v) => String(v.properties![disc]!.const) === chosen);
      if (!variant) return chosen ? { [disc]: chosen } : undefined;
      return decodeObject(variant, body, path, ctx);
    }
    const raw = first(body[path])?.trim();
    if (!raw) return undefined;
    return variants.some((v) => typeOf(v) === 'number' || typeOf(v) === 'integer') && /^-?\d+(\.\d+)?$/.test(raw) ? Number(raw) : raw;
  }
  const type = typeOf(s);
  if (type === 'object') {
    if (s.properties) return decodeObject(s, body, path, ctx);
    const open = s.additionalProperties && typeof s.additionalProperties === 'object' ? s.additionalProperties : undefined;
    const fixed = s.propertyNames?.enum as string[] | undefined;
    const keys = fixed ?? ctx.recordKeys?.(path)?.map((k) => k.key);
    if (open && keys) {
      const out: Record<string, unknown> = {};
      for (const k of keys) {
        const schemaOf = ctx.recordKeys?.(path)?.find((x) => x.key === k)?.schema ?? open;
        const v = decodeValue(schemaOf, body, `${path}.${k}`, ctx);
        if (v !== undefined) out[k] = v;
      }
      return Object.keys(out).length ? out : undefined;
    }
    const raw = first(body[path])?.trim();
    if (!raw) return undefined;
    try {
      return JSON.parse(raw) as unknown;
    } catch {
      return raw;
    }
  }
  if (type === 'array' && s.items) {
    const items = s.items;
    if (items.enum) {
      const v = body[path];
      const list = (Array.isArray(v) ? v : v ? [v] : []).filter(Boolean);
      return list.length ? list : undefined;
    }
    if (typeOf(items) === 'object' || items.anyOf) {
      const rows: unknown[] = [];
      for (let i = 0; i < 200; i++) {
        const prefix = `${path}.${i}.`;
        if (!Object.keys(body).some((k) => k.startsWith(prefix) || k === `${path}.${i}`)) break;
        const row = decodeValue(items, body, `${path}.${i}`, ctx);
        if (row !== undefined) rows.push(row);
      }
      return rows.length ? rows : undefined;
    }
    const raw = first(body[path]);
    const lines = (raw ?? '').split(/\r?\n/).map((l) => l.trim()).filter(Boolean);
    if (!lines.length) return undefined;
    return typeOf(items) === 'number' || typeOf(items) === 'integer' ? lines.map((l) => (/^-?\d+(\.\d+)?$/.test(l) ? Number(l) : l)) : lines;
  }
  if (s.const !== undefined) return first(body[path]) === undefined ? undefined : s.const;
  const raw = first(body[path]);
  if (type === 'boolean') {
    if (raw === undefined) return undefined;
    return raw === 'true' || raw === 'on';
  }
  const text = raw?.trim();
  if (!text) return undefined;
  if (type === 'number' || type === 'integer') return /^-?\d+(\.\d+)?$/.test(text) ? Number(text) : text;
  if (isInstant(s) && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(text)) return `${text}:00-05:00`;
  return text;
}

/**
 * A refusal of the API's services (a 400 whose details are zod issues, or one field's check) as
 * `{ path: message }` for the page, without the `data.`/`body.` prefix the API adds, the first one
 * per field. Anything but a 400 is thrown on, for the page's error handler.
 */
export function refusedFields(err: unknown, strip: 'data' | 'body'): Record<string, string> {
  if (!(err instanceof HttpError) || err.status !== 400) throw err;
  const details = (err.details as { path: string; message: string }[] | undefined) ?? [{ path: strip, message: err.message }];
  const out: Record<string, string> = {};
  for (const d of details) {
    const path = d.path.startsWith(`${strip}.`) ? d.path.slice(strip.length + 1) : d.path === strip ? '' : d.path;
    out[path] ??= d.message;
  }
  return out;
}

const es = z.locales.es();

/**
 * The same schema's verdict on the data with zod's messages in Spanish (a person reads them; the
 * API keeps its English ones). The messages the schemas write themselves (the manual's rules) stay
 * as written. Undefined when the data is valid.
 */
export function spanishErrors(schema: ZodType, data: unknown): Record<string, string> | undefined {
  // As the API refuses it (src/api/route.ts): a form is another way in.
  const nul = nulPath(data);
  if (nul) return { [nul.join('.')]: 'No puede contener el carácter nulo (U+0000)' };
  const r = schema.safeParse(data, { error: es.localeError });
  if (r.success) return undefined;
  const out: Record<string, string> = {};
  for (const i of r.error.issues) {
    const path = i.path.map(String).join('.');
    out[path] ??= i.code === 'invalid_type' && /indefinido/.test(i.message) ? 'Este campo es obligatorio' : i.message;
  }
  return out;
}

/** The errors of a form as the summary above it lists them, each linking to its field. */
export function errorSummary(errors: Record<string, string> | undefined): { path: string; message: string; anchor: string }[] | undefined {
  return errors ? Object.entries(errors).map(([path, message]) => ({ path: path || '(formulario)', message, anchor: `#${idOf(path)}` })) : undefined;
}
