import express, { type Router } from 'express';
import cookieParser from 'cookie-parser';
import type { Payload } from '@temporalio/common';
import type { ApiDeps } from '../api/deps';
import type { WebSession } from './session';

/**
 * The Temporal UI's codec endpoint (issue 13): the UI shows a sealed payload (src/shared/
 * payloadCodec.ts) in clear only by asking here, from the browser of someone signed in to the
 * engine's web pages as SSCS. Without that session it gets 401; another role, 403. Only the UI's
 * own origin (TEMPORAL_UI_ORIGIN) may call it from a browser (CORS with credentials); nothing is
 * written, so there is nothing for CSRF to forge, and the answer is never cached.
 *
 * The UI posts `{ payloads: [{ metadata: { key: base64 }, data: base64 }] }` to `<endpoint>/decode`
 * (TEMPORAL_CODEC_ENDPOINT=<api>/codec, TEMPORAL_CODEC_INCLUDE_CREDENTIALS=true).
 */
interface JsonPayload {
  metadata?: Record<string, string>;
  data?: string;
}

const toPayload = (p: JsonPayload): Payload => ({
  metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(String(v), 'base64')])),
  data: Buffer.from(p.data ?? '', 'base64'),
});
const toJson = (p: Payload): JsonPayload => ({
  metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v ?? new Uint8Array()).toString('base64')])),
  data: Buffer.from(p.data ?? new Uint8Array()).toString('base64'),
});

export function createCodecEndpoint(deps: ApiDeps, session: WebSession, uiOrigin: string | undefined): Router {
  const router = express.Router();
  router.use('/codec', (req, res, next) => {
    const origin = req.get('origin');
    if (origin && uiOrigin && origin === uiOrigin) {
      res.set({ 'Access-Control-Allow-Origin': origin, 'Access-Control-Allow-Credentials': 'true', 'Access-Control-Allow-Headers': 'content-type, x-namespace', 'Access-Control-Allow-Methods': 'POST', Vary: 'Origin' });
    }
    res.set('Cache-Control', 'no-store');
    if (req.method === 'OPTIONS') return void res.status(204).end();
    next();
  });
  router.post('/codec/decode', cookieParser(), express.json({ limit: '4mb' }), session.read, async (req, res, next) => {
    try {
      if (!req.staff) return void res.status(401).json({ error: { code: 'unauthorized', message: 'sign in to the web pages (/app) as SSCS to see sealed payloads' } });
      if (req.staff.role !== 'sscs') return void res.status(403).json({ error: { code: 'forbidden', message: 'only SSCS sees sealed payloads in clear' } });
      const body = req.body as { payloads?: JsonPayload[] };
      if (!Array.isArray(body?.payloads)) return void res.status(400).json({ error: { code: 'invalid_input', message: 'body.payloads must be an array' } });
      let payloads = body.payloads.map(toPayload);
      for (const codec of [...deps.temporal.options.loadedDataConverter.payloadCodecs].reverse()) payloads = await codec.decode(payloads);
      req.log?.info({ sub: req.staff.sub, payloads: payloads.length, namespace: req.get('x-namespace') }, 'sealed payloads opened for the Temporal UI');
      res.json({ payloads: payloads.map(toJson) });
    } catch (err) {
      next(err);
    }
  });
  return router;
}
