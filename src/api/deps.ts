import { Client, type Connection } from '@temporalio/client';
import type { Logger } from 'pino';
import type { Models } from '../db/models';
import type { Mailer } from '../activities/mailer';
import { settingsFromConfig, type Config } from '../config';
import type { EngineSettings } from '../shared/settings';
import type { JwtScope } from './auth';
import { engineDataConverter } from '../shared/payloadCodec';

/** What the HTTP layer needs, built once by the launcher (or by tests) and passed to `createApp`. */
export interface ApiDeps {
  models: Models;
  temporal: Client;
  mailer: Mailer;
  log: Logger;
  clock: () => Date;
  jwtSecret: string;
  /** The tokens' issuer and audience (JWT_ISSUER, JWT_AUDIENCE); default DEFAULT_JWT_SCOPE. */
  jwtScope?: JwtScope;
  taskQueue: string;
  /** Set search attributes on new runs (the dev server and production have them registered). */
  searchAttributes: boolean;
  /** Notices of a claim's legal term (CLAIM_REMINDER_DAYS, CLAIM_ESCALATION_EVERY). */
  claimTerms: { remindBefore: number[]; escalateEvery: number };
  /** Terms every new run receives (opening, maintenance, incidents). */
  settings: EngineSettings;
  /** Requests per 15 minutes and client address on the public routes. */
  publicRateLimit: number;
  /** express "trust proxy" (TRUST_PROXY): whose X-Forwarded-For gives the client address for rate limits. */
  trustProxy?: boolean | number | string;
  /** The Temporal UI's origin, the one browser origin allowed to call the codec endpoint (src/web/codec.ts). */
  temporalUiOrigin?: string;
  /** Web session cookies only over HTTPS (Secure, __Host- prefix): on unless NODE_ENV is development or test. */
  secureCookies?: boolean;
  /** Links printed in /health and the API index (Temporal UI, mail inbox), when known. */
  links?: Record<string, string>;
}

/** The production wiring of `ApiDeps` (standalone API and `npm start` alike). */
export function apiDepsFromConfig(
  config: Config,
  parts: { models: Models; connection: Connection; mailer: Mailer; log: Logger; links?: Record<string, string> },
): ApiDeps {
  return {
    models: parts.models,
    temporal: new Client({ connection: parts.connection, namespace: config.TEMPORAL_NAMESPACE, dataConverter: engineDataConverter(config.payloadKeys) }),
    mailer: parts.mailer,
    log: parts.log,
    clock: () => new Date(),
    jwtSecret: config.jwtSecret,
    jwtScope: { issuer: config.JWT_ISSUER, audience: config.JWT_AUDIENCE },
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    searchAttributes: true,
    claimTerms: { remindBefore: config.CLAIM_REMINDER_DAYS, escalateEvery: config.CLAIM_ESCALATION_EVERY },
    settings: settingsFromConfig(config),
    publicRateLimit: config.PUBLIC_RATE_LIMIT,
    secureCookies: config.WEB_SECURE_COOKIES ?? config.NODE_ENV === 'production',
    ...(config.TRUST_PROXY !== undefined ? { trustProxy: config.TRUST_PROXY } : {}),
    ...(config.TEMPORAL_UI_ORIGIN ? { temporalUiOrigin: config.TEMPORAL_UI_ORIGIN } : {}),
    ...(parts.links ? { links: parts.links } : {}),
  };
}
