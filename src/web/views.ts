import fs from 'node:fs';
import path from 'node:path';
import Handlebars from 'handlebars';
import type { Request, Response } from 'express';
import { fechaHora, fechaLarga } from '../templates';
import { ROLE_TITLES } from '../shared/roles';
import { valueLabel } from './forms';

/**
 * The web pages' Handlebars views (src/templates/web/<name>.hbs), each wrapped in layout.hbs. Their
 * own instance of Handlebars, so their helpers never reach the documents' templates. `{{x}}`
 * escapes; `{{{x}}}` is used only for HTML the server built and escaped itself (forms, charts).
 */
const dir = path.join(__dirname, '..', 'templates', 'web');
const hbs = Handlebars.create();

hbs.registerHelper('fechaHora', (v: unknown) => (v ? fechaHora(v as string) : '—'));
hbs.registerHelper('fechaLarga', (v: unknown) => (v ? fechaLarga(v as string) : '—'));
hbs.registerHelper('rol', (r: string) => (ROLE_TITLES as Record<string, string>)[r] ?? r);
hbs.registerHelper('valor', (v: unknown) => valueLabel(v));
hbs.registerHelper('enc', (v: unknown) => encodeURIComponent(String(v ?? '')));

for (const file of fs.readdirSync(path.join(dir, 'partials'))) {
  if (file.endsWith('.hbs')) hbs.registerPartial(file.slice(0, -4), fs.readFileSync(path.join(dir, 'partials', file), 'utf8'));
}

const compiled = new Map<string, HandlebarsTemplateDelegate>();
function view(name: string): HandlebarsTemplateDelegate {
  let t = compiled.get(name);
  if (!t) compiled.set(name, (t = hbs.compile(fs.readFileSync(path.join(dir, `${name}.hbs`), 'utf8'), { strict: false })));
  return t;
}

export interface PageData {
  title: string;
  [key: string]: unknown;
}

/** Views htmx asks for alone (a filtered table, a timeline): no layout around them. */
const FRAGMENTS = new Set(['inbox-table', 'timeline']);

/** Renders a page inside the layout: the staff's menu when signed in, the CSRF token for forms. */
export function renderPage(req: Request, res: Response, name: string, data: PageData, status = 200, csrfToken?: string): void {
  const common = { ...data, staff: req.staff, csrf: csrfToken, citizen: req.path.startsWith('/reclamos') };
  const body = view(name)(common);
  res.status(status).type('html').send(FRAGMENTS.has(name) ? body : view('layout')({ ...common, body }));
}
