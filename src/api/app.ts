import { randomUUID } from 'node:crypto';
import express, { type Express } from 'express';
import helmet from 'helmet';
import { pinoHttp } from 'pino-http';
import swaggerUi from 'swagger-ui-express';
import { OpenApiGeneratorV31 } from '@asteasolutions/zod-to-openapi';
import type { ApiDeps } from './deps';
import { Api } from './route';
import { errorHandler, notFoundHandler } from './errors';
import { registerHealth } from './health/router';
import { registerProcedures } from './procedures/router';
import { registerRuns } from './runs/router';
import { registerTasks } from './tasks/router';
import { registerCenters } from './centers/router';
import { registerCalendar } from './calendar/router';
import { registerDocuments } from './documents/router';
import { registerIndicators } from './indicators/router';
import { registerClaims } from './claims/router';
import { registerPublic } from './public/router';
import { registerOpenings } from './openings/router';
import { registerSupervision } from './supervision/router';
import { createWeb } from '../web';

export const API_BASE = '/api/v1';

/** The express app, built apart from `listen` so supertest can drive it (STYLE: HTTP side). */
export function createApp(deps: ApiDeps): Express {
  const root = new Api('', deps.jwtSecret, deps.jwtScope);
  registerHealth(root, deps);
  const v1 = new Api(API_BASE, deps.jwtSecret, deps.jwtScope);
  for (const register of [registerProcedures, registerRuns, registerTasks, registerCenters, registerCalendar, registerDocuments, registerIndicators, registerClaims, registerOpenings, registerSupervision, registerPublic]) {
    register(v1, deps);
  }
  const openapi = new OpenApiGeneratorV31([...root.registry.definitions, ...v1.registry.definitions]).generateDocument({
    openapi: '3.1.0',
    info: {
      title: 'MAC process engine API',
      version: '1.0.0',
      description:
        'Procedures of the Manual de Funcionamiento de los Centros MAC as durable workflows. Authenticate with `Authorization: Bearer <JWT>` (claims sub, role, centers); `npm run token` mints a development token.',
    },
    servers: [{ url: '/' }],
  });

  const app = express();
  app.disable('x-powered-by');
  // Only a configured proxy's X-Forwarded-For names the client (rate limits count per client).
  if (deps.trustProxy !== undefined) app.set('trust proxy', deps.trustProxy);
  app.use(
    pinoHttp({
      logger: deps.log,
      genReqId: (req, res) => {
        const id = (req.headers['x-request-id'] as string | undefined) ?? randomUUID();
        res.setHeader('x-request-id', id);
        return id;
      },
      autoLogging: { ignore: (req) => req.url?.startsWith('/health') ?? false },
      serializers: {
        req: (req: { id: string; method: string; url: string }) => ({ id: req.id, method: req.method, url: req.url }),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      },
    }),
  );
  // The interactive docs need their inline scripts; everything else gets helmet's strict defaults.
  app.use('/api/docs', helmet({ contentSecurityPolicy: false }), swaggerUi.serve, swaggerUi.setup(openapi, { customSiteTitle: 'MAC process engine API' }));
  app.use(helmet());
  // The web pages (/app for staff, /reclamos for citizens, /assets): forms, not JSON (src/web).
  app.use(createWeb(deps, { secureCookies: deps.secureCookies ?? false }));
  app.use(express.json({ limit: '256kb' }));
  app.get(`${API_BASE}/openapi.json`, (_req, res) => void res.json(openapi));
  app.get('/', (_req, res) => void res.json({ name: 'MAC process engine', api: API_BASE, openapi: `${API_BASE}/openapi.json`, docs: '/api/docs', health: '/health', web: '/app', claims: '/reclamos', ...(deps.links ?? {}) }));
  app.use(root.router);
  app.use(API_BASE, v1.router);
  app.use(notFoundHandler);
  app.use(errorHandler(deps.log));
  return app;
}
