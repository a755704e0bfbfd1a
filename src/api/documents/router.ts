import { z } from 'zod';
import type { Api } from '../route';
import { errorResponses } from '../route';
import type { ApiDeps } from '../deps';
import { assertCenter } from '../auth';
import { forbidden, notFound } from '../errors';
import { entityMaySee } from '../runs/service';
import { documentFileName, documentPdf } from '../../documents/store';

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
          'application/json': { schema: z.record(z.string(), z.unknown()) },
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
        const { html: _html, _id, ...meta } = doc;
        return { id: _id, ...meta, pdf: `${req.baseUrl}${req.path}` };
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
