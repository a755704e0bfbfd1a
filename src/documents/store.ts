import type { Models } from '../db/models';
import { htmlToPdf } from './pdf';

/**
 * The PDF of a stored document: printed from its HTML the first time anyone asks (an email that
 * carries it, a download), then kept beside the HTML. Two first requests at once print it twice
 * but store it once; both copies come from the same HTML, so either is the document.
 */
export async function documentPdf(models: Models, id: string): Promise<Buffer | null> {
  const doc = await models.Document.findById(id, { html: 1, pdf: 1 }).lean();
  if (!doc?.html) return null;
  // Read back `lean()`, a stored PDF is a BSON Binary, whose bytes are its `buffer`.
  if (doc.pdf) return Buffer.isBuffer(doc.pdf) ? doc.pdf : Buffer.from((doc.pdf as unknown as { buffer: Uint8Array }).buffer);
  const pdf = await htmlToPdf(doc.html);
  await models.Document.updateOne({ _id: id, pdf: { $exists: false } }, { $set: { pdf } });
  return pdf;
}

/** A document's file name: its reference without accents, anything but letters, digits and dashes folded to "_". */
export function documentFileName(doc: { _id: string; reference?: string | null }, ext: 'html' | 'pdf'): string {
  return `${(doc.reference ?? doc._id).normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/[^A-Za-z0-9-]+/g, '_')}.${ext}`;
}
