import { z } from 'zod';
import type { Api } from '../route';
import { errorResponses } from '../route';
import type { ApiDeps } from '../deps';
import { assertCenter } from '../auth';
import { forbidden, notFound } from '../errors';
import { entityMaySee } from '../runs/service';

export function registerDocuments(api: Api, deps: ApiDeps): void {
  api.route({
    method: 'get',
    path: '/documents/{documentId}',
    summary: 'A generated document: printable HTML, or its metadata with Accept: application/json',
    tags: ['documents'],
    params: z.object({ documentId: z.string().min(1) }),
    responses: {
      200: { description: 'the document', content: { 'text/html': { schema: z.string() }, 'application/json': { schema: z.record(z.string(), z.unknown()) } } },
      ...errorResponses(401, 403, 404),
    },
    handler: async ({ params, actor, req, res }) => {
      const doc = await deps.models.Document.findById(params.documentId).lean();
      if (!doc || !doc.html) throw notFound(`document ${params.documentId}`);
      assertCenter(actor, doc.centerId);
      if (!(await entityMaySee(deps, actor, doc.runId))) throw forbidden(`document ${doc._id} does not concern entity ${actor.entity}`);
      if (req.accepts(['text/html', 'application/json']) === 'application/json') {
        const { html: _html, _id, ...meta } = doc;
        return { id: _id, ...meta };
      }
      res.type('html').send(doc.html);
      return undefined;
    },
  });
}
