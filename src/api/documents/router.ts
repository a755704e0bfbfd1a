import { z } from 'zod';
import type { Api } from '../route';
import { errorResponses } from '../route';
import type { ApiDeps } from '../deps';
import { assertCenter } from '../auth';
import { forbidden, notFound } from '../errors';
import { entityMaySee } from '../runs/service';
import { documentFileName, documentPdf } from '../../documents/store';

const documentMetaSchema = z
  .object({
    id: z.string(),
    runId: z.string(),
    centerId: z.string(),
    type: z.string(),
    year: z.number(),
    number: z.number().optional(),
    reference: z.string().optional().describe('e.g. CONSTANCIA N° 012-2026-CMAC-LIMA-NORTE'),
    title: z.string().optional(),
    createdAt: z.string(),
    pdf: z.string().describe('where its PDF is (Accept: application/pdf)'),
  })
  .openapi('DocumentMeta');

export function registerDocuments(api: Api, deps: ApiDeps): void {
  api.route({
    method: 'get',
    path: '/documents/{documentId}',
    summary: 'A generated document: printable HTML, its PDF with Accept: application/pdf, or its metadata with Accept: application/json',
    tags: ['documents'],
    params: z.object({ documentId: z.string().min(1) }),
    responses: {
      200: {
        description: 'the document',
        content: {
          'text/html': { schema: z.string() },
          'application/pdf': { schema: z.string().meta({ format: 'binary' }) },
          'application/json': { schema: documentMetaSchema },
        },
      },
      ...errorResponses(401, 403, 404),
    },
    handler: async ({ params, actor, req, res }) => {
      const doc = await deps.models.Document.findById(params.documentId, { pdf: 0 }).lean();
      if (!doc || !doc.html) throw notFound(`document ${params.documentId}`);
      assertCenter(actor, doc.centerId);
      if (!(await entityMaySee(deps, actor, doc.runId))) throw forbidden(`document ${doc._id} does not concern entity ${actor.entity}`);
      const wanted = req.accepts(['text/html', 'application/pdf', 'application/json']);
      if (wanted === 'application/json') {
        return {
          id: doc._id,
          runId: doc.runId,
          centerId: doc.centerId,
          type: doc.type,
          year: doc.year,
          ...(doc.number == null ? {} : { number: doc.number }),
          ...(doc.reference ? { reference: doc.reference } : {}),
          ...(doc.title ? { title: doc.title } : {}),
          createdAt: new Date(doc.createdAt).toISOString(),
          pdf: `${req.baseUrl}${req.path}`,
        } satisfies z.infer<typeof documentMetaSchema>;
      }
      if (wanted === 'application/pdf') {
        const pdf = await documentPdf(deps.models, doc._id);
        res.type('application/pdf').setHeader('Content-Disposition', `inline; filename="${documentFileName(doc, 'pdf')}"`);
        res.send(pdf);
        return undefined;
      }
      res.type('html').send(doc.html);
      return undefined;
    },
  });
}
