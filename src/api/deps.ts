import type { Client } from '@temporalio/client';
import type { Logger } from 'pino';
import type { Models } from '../db/models';
import type { Mailer } from '../activities/mailer';

/** What the HTTP layer needs, built once by the launcher (or by tests) and passed to `createApp`. */
export interface ApiDeps {
  models: Models;
  temporal: Client;
  mailer: Mailer;
  log: Logger;
  clock: () => Date;
  jwtSecret: string;
  taskQueue: string;
  /** Set search attributes on new runs (the dev server and production have them registered). */
  searchAttributes: boolean;
  /** Links printed in /health and the API index (Temporal UI, mail inbox), when known. */
  links?: Record<string, string>;
}
