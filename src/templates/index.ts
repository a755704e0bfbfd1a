import fs from 'node:fs';
import path from 'node:path';
import Handlebars from 'handlebars';
import { limaDate, limaTimeOfDay } from '../calendar/businessCalendar';

/**
 * Spanish documents and emails from the Handlebars files beside this module (DESIGN §2).
 * `{{value}}` is HTML-escaped, so citizen-supplied text always arrives as text.
 *
 *   documents/<type>.hbs            a document body, wrapped in partials/document.hbs
 *   email/<name>.subject.hbs        an email's subject (one line)
 *   email/<name>.html.hbs           its body, wrapped in partials/email.hbs
 */
export interface RenderedEmail {
  subject: string;
  html: string;
  text: string;
}

export interface Templates {
  email(name: string, data: object): RenderedEmail;
  document(type: string, data: object): string;
}

const MONTHS = ['enero', 'febrero', 'marzo', 'abril', 'mayo', 'junio', 'julio', 'agosto', 'setiembre', 'octubre', 'noviembre', 'diciembre'];

/** "22 de noviembre de 2026" for a `YYYY-MM-DD` date or an instant (read in Lima, UTC−5). */
export function fechaLarga(value: string | Date): string {
  const iso = typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value) ? value : limaDate(new Date(value));
  const [y, m, d] = iso.split('-').map(Number);
  return `${d} de ${MONTHS[m - 1]} de ${y}`;
}

/** "22/11/2026 14:05" in Lima time. */
export function fechaHora(value: string | Date): string {
  const instant = new Date(value);
  const [y, m, d] = limaDate(instant).split('-');
  return `${d}/${m}/${y} ${limaTimeOfDay(instant)}`;
}

/** Plain-text alternative of an HTML email: tags dropped, entities decoded, blank runs folded. */
export function htmlToText(html: string): string {
  return html
    .replace(/<(style|head)[\s\S]*?<\/\1>/gi, '')
    .replace(/<br\s*\/?>|<\/(p|div|h[1-6]|li|tr)>/gi, '\n')
    .replace(/<[^>]+>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#x27;|&#39;/g, "'")
    .replace(/&#x3D;/g, '=')
    .replace(/&#x60;/g, '`')
    .replace(/&nbsp;/g, ' ')
    .replace(/&amp;/g, '&')
    .replace(/[ \t]+\n/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

export function loadTemplates(dir: string = __dirname): Templates {
  const hb = Handlebars.create();
  hb.registerHelper('fecha', (v: string | Date) => (v ? fechaLarga(v) : ''));
  hb.registerHelper('fechaHora', (v: string | Date) => (v ? fechaHora(v) : ''));
  hb.registerHelper('hora', (v: string | Date) => (v ? limaTimeOfDay(new Date(v)) : ''));
  hb.registerHelper('eq', (a: unknown, b: unknown) => a === b);
  for (const file of fs.readdirSync(path.join(dir, 'partials'))) {
    hb.registerPartial(path.basename(file, '.hbs'), fs.readFileSync(path.join(dir, 'partials', file), 'utf8'));
  }
  const cache = new Map<string, Handlebars.TemplateDelegate>();
  const compiled = (rel: string) => {
    let t = cache.get(rel);
    if (!t) {
      const file = path.join(dir, rel);
      if (!fs.existsSync(file)) throw new TemplateNotFoundError(rel);
      t = hb.compile(fs.readFileSync(file, 'utf8'), { strict: false });
      cache.set(rel, t);
    }
    return t;
  };
  return {
    email(name, data) {
      const subject = compiled(`email/${name}.subject.hbs`)(data).replace(/\s+/g, ' ').trim();
      const body = compiled(`email/${name}.html.hbs`)(data);
      const html = hb.partials.email ? compiledPartial(hb, 'email')({ ...data, subject, body: new hb.SafeString(body) }) : body;
      return { subject, html, text: htmlToText(body) };
    },
    document(type, data) {
      const body = compiled(`documents/${type}.hbs`)(data);
      return compiledPartial(hb, 'document')({ ...data, body: new hb.SafeString(body) });
    },
  };
}

function compiledPartial(hb: typeof Handlebars, name: string): Handlebars.TemplateDelegate {
  const p = hb.partials[name];
  return typeof p === 'function' ? p : hb.compile(p);
}

export class TemplateNotFoundError extends Error {
  override name = 'TemplateNotFoundError';
  constructor(rel: string) {
    super(`template not found: ${rel}`);
  }
}
