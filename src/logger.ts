import pino, { type Logger } from 'pino';

/** Structured logs (pino). Never log citizens' personal data beyond ids (DESIGN §7). */
export function createLogger(level: string = process.env.LOG_LEVEL ?? 'info'): Logger {
  return pino({
    level,
    base: { service: 'mac-engine' },
    redact: { paths: ['req.headers.authorization', '*.citizen', '*.email', '*.documentNumber'], censor: '[redacted]' },
  });
}

export type { Logger };
