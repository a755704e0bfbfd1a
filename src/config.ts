import { createHash } from 'node:crypto';
import { parseCodecKeys, type CodecKey } from './shared/payloadCodec';
import { z } from 'zod';
import { DEFAULT_SETTINGS, DEFAULT_WORKER_TUNING, INCIDENT_TYPE_IDS, type EngineSettings, type IncidentType, type IndicatorGoal, type WorkerTuning } from './shared/settings';
import { listProcedures } from './catalog';

/** Development-only payload key (the development secret's own), refused in production like the secret. */
export const DEV_PAYLOAD_KEYS: CodecKey[] = [{ id: 'dev', key: createHash('sha256').update('mac-engine-development-payload-key-not-for-production').digest() }];

/** Development-only signing secret: `npm start` and `npm run token` use it when JWT_SECRET is unset. */
export const DEV_JWT_SECRET = 'mac-engine-development-secret-not-for-production';

const port = z.coerce.number().int().min(1).max(65535);

/**
 * Every setting of the engine, read from the environment once (DESIGN §3). Service endpoints are
 * optional: where one is unset, `npm start` starts the embedded component; the standalone worker
 * and API (docker compose) require them, see `requireEndpoints`.
 */
export const configSchema = z
  .object({
    NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
    HOST: z.string().min(1).default('127.0.0.1'),
    PORT: port.default(3000),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    DATA_DIR: z.string().min(1).default('data'),
    TEMPORAL_ADDRESS: z.string().min(1).optional(),
    TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
    TEMPORAL_TASK_QUEUE: z.string().min(1).default('mac-engine'),
    TEMPORAL_UI_PORT: port.default(8233),
    /** Ports of the embedded components `npm start` starts (ignored where TEMPORAL_ADDRESS, MONGODB_URI or SMTP_URL is set). */
    TEMPORAL_PORT: port.default(7233),
    MONGODB_PORT: port.default(27017),
    SMTP_PORT: port.default(1025),
    MONGODB_URI: z.string().regex(/^mongodb(\+srv)?:\/\//, 'must be a mongodb:// URI').optional(),
    SMTP_URL: z.string().regex(/^smtps?:\/\//, 'must be an smtp:// or smtps:// URL').optional(),
    MAIL_FROM: z.string().min(3).default('Centro MAC <no-responder@mac.gob.pe>'),
    MAIL_WEB_PORT: port.default(1080),
    SSCS_EMAIL: z.string().email().default('sscs@pcm.gob.pe'),
    JWT_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
    /** The `iss` every token must carry (and `npm run token` and the web sessions put in). */
    JWT_ISSUER: z.string().trim().min(1).default('mac-process-engine'),
    /** The `aud` every token must carry. */
    JWT_AUDIENCE: z.string().trim().min(1).default('mac-process-engine'),
    /** Reminders before a claim's legal term, in business days (issue: default 10 and 3). */
    CLAIM_REMINDER_DAYS: z
      .string()
      .regex(/^\d+(,\d+)*$/, 'must be business days separated by commas, e.g. 10,3')
      .default('10,3')
      .transform((v) => v.split(',').map(Number)),
    /** Business days between escalation levels once a claim's term has passed. */
    CLAIM_ESCALATION_EVERY: z.coerce.number().int().min(1).max(60).default(5),
    /** Minutes before the opening hour that the daily verification (2.2.2) starts. */
    OPENING_VERIFICATION_LEAD_MINUTES: z.coerce.number().int().min(0).max(180).default(DEFAULT_SETTINGS.opening.verificationLeadMinutes),
    /** Hours between escalation levels while a center stays closed or its verification is late. */
    OPENING_ESCALATE_EVERY_HOURS: z.coerce.number().int().min(1).max(24).default(DEFAULT_SETTINGS.opening.escalateEveryHours),
    /** Business days to get a corrective maintenance done (PA2.2.3, PA1.1.4). */
    MAINTENANCE_TERM_DAYS: z.coerce.number().int().min(1).max(60).default(DEFAULT_SETTINGS.maintenance.businessDays),
    /** Per incident type, business days for the entity to report a solution (ANS), e.g. "red=1,equipos=3". */
    INCIDENT_TERM_DAYS: z
      .string()
      .default('')
      .transform((v, ctx) => {
        const out: Partial<Record<IncidentType, number>> = {};
        for (const pair of v.split(',').map((p) => p.trim()).filter(Boolean)) {
          const [, type, days] = /^([a-z_]+)=(\d+)$/.exec(pair) ?? [];
          if (!type || !(INCIDENT_TYPE_IDS as string[]).includes(type) || type in out || Number(days) < 1 || Number(days) > 60) {
            ctx.addIssue({ code: 'custom', message: `"${pair}" must be <type>=<1..60>, each type once, with type one of ${INCIDENT_TYPE_IDS.join(', ')}` });
            return z.NEVER;
          }
          out[type as IncidentType] = Number(days);
        }
        return out;
      }),
    /** Business days before a planned supervision visit that its run (the gabinete, Cuadro 02) starts. */
    SUPERVISION_GABINETE_LEAD_DAYS: z.coerce.number().int().min(3).max(60).default(DEFAULT_SETTINGS.supervision.gabineteLeadDays),
    /** Business days to correct an observation of a supervision (Cuadro 05, 5–6), unless the Informe sets another. */
    SUPERVISION_OBSERVATION_DAYS: z.coerce.number().int().min(1).max(120).default(DEFAULT_SETTINGS.supervision.observationDays),
    /** Business days the Supervisor has to give a new person's induction (PA3.1.2). */
    INDUCTION_TERM_DAYS: z.coerce.number().int().min(1).max(60).default(DEFAULT_SETTINGS.staff.inductionDays),
    /** The day (MM-DD of the plan's year) the annual preventive maintenance plan is due (PA2.2.1). */
    PREVENTIVE_PLAN_DEADLINE: z
      .string()
      .regex(/^(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/, 'must be MM-DD')
      .default(DEFAULT_SETTINGS.preventive.planDeadline),
    /**
     * Goals of the indicators judged in the monthly report (PE1.3.1), over the defaults:
     * `<indicator id>>=<n>` (at least), `<id><=<n>` (at most) or `<id>=off` (no goal), e.g.
     * "opened_on_time>=95,hours_closed<=4,claims_timely=off"; ids as GET /indicators names them.
     */
    INDICATOR_GOALS: z
      .string()
      .default('')
      .transform((v, ctx) => {
        const ids = new Set(listProcedures().flatMap((p) => p.indicators.map((i) => i.id)));
        const out: Record<string, IndicatorGoal | null> = {};
        for (const pair of v.split(',').map((p) => p.trim()).filter(Boolean)) {
          const [, id, op, target] = /^([a-z0-9_]+)(>=|<=|=)(off|\d+(?:\.\d+)?)$/.exec(pair) ?? [];
          if (!id || !ids.has(id) || id in out || (op === '=') !== (target === 'off')) {
            ctx.addIssue({ code: 'custom', message: `"${pair}" must be <indicator id>>=<n>, <id><=<n> or <id>=off, each id once, with an indicator id of the catalog` });
            return z.NEVER;
          }
          out[id] = target === 'off' ? null : { target: Number(target), direction: op === '>=' ? 'at_least' : 'at_most' };
        }
        return out;
      }),
    /** Minutes between passes of the reconciliation of run records (the `reconcile-runs` Schedule). */
    RECONCILE_RUNS_EVERY_MINUTES: z.coerce.number().int().min(1).max(1440).default(10),
    /**
     * Days Temporal keeps a closed run's history (the embedded server's namespace; compose sets its
     * own with TEMPORAL_RETENTION). The run's record, documents and emails stay in the store; SSCS
     * saves an audit export (GET /runs/{id}/audit) before a history goes.
     */
    TEMPORAL_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(30),
    /** Requests per 15 minutes and address on the public (unauthenticated) claim routes. */
    PUBLIC_RATE_LIMIT: z.coerce.number().int().min(1).max(10_000).default(20),
    /**
     * Behind a reverse proxy: which hops to trust for the client address (express "trust proxy":
     * `true`, a number of hops, or addresses/subnets such as `loopback, 10.0.0.0/8`). Unset: the
     * socket's address, so a forged X-Forwarded-For cannot dodge the rate limits.
     */
    TRUST_PROXY: z
      .string()
      .trim()
      .min(1)
      .transform((v): boolean | number | string => (v === 'true' ? true : v === 'false' ? false : /^\d+$/.test(v) ? Number(v) : v))
      .optional(),
    /**
     * Keys that seal payloads in Temporal's history (AES-256-GCM, src/shared/payloadCodec.ts):
     * `id:base64key,…`, the first seals and all open (rotation: put the new key first, keep the old
     * ones until no history needs them). Required in production; development uses a fixed dev key.
     */
    PAYLOAD_KEYS: z
      .string()
      .transform((v, ctx) => {
        try {
          return parseCodecKeys(v);
        } catch (err) {
          ctx.addIssue({ code: 'custom', message: (err as Error).message });
          return z.NEVER;
        }
      })
      .optional(),
    /** The Temporal UI's origin (e.g. http://localhost:8080): it may call the codec endpoint /codec/decode with an SSCS session. */
    TEMPORAL_UI_ORIGIN: z.url().optional(),
    /** Web session cookies only over HTTPS (Secure, `__Host-` names). Default: on when NODE_ENV=production. */
    WEB_SECURE_COOKIES: z.enum(['true', 'false']).transform((v) => v === 'true').optional(),
    /** Seed the demo users of the web pages (one per role and center). Default: on with the embedded store outside production. */
    DEMO_USERS: z.enum(['true', 'false']).transform((v) => v === 'true').optional(),
    /** Workflow runs a worker keeps in memory (the rest are replayed from history when they wake). */
    WORKER_MAX_CACHED_WORKFLOWS: z.coerce.number().int().min(10).max(100_000).default(DEFAULT_WORKER_TUNING.maxCachedWorkflows),
    /** Activities a worker runs at once: more only queue up in the document store. */
    WORKER_MAX_CONCURRENT_ACTIVITIES: z.coerce.number().int().min(1).max(1_000).default(DEFAULT_WORKER_TUNING.maxConcurrentActivityTaskExecutions),
    /**
     * The pre-built workflow bundle the standalone worker runs (`npm run build:bundle` writes
     * dist/workflow-bundle.js; the image sets this to it). Unset: the worker bundles src/workflows
     * at start. A path with no bundle stops the worker (src/launcher/workflowBundle.ts).
     */
    WORKFLOW_BUNDLE_PATH: z.string().trim().min(1, 'must be the path of a workflow bundle (npm run build:bundle)').optional(),
  })
  .superRefine((env, ctx) => {
    if (env.NODE_ENV === 'production' && !env.JWT_SECRET) {
      ctx.addIssue({ code: 'custom', path: ['JWT_SECRET'], message: 'is required when NODE_ENV=production' });
    }
    if (env.NODE_ENV === 'production' && !env.PAYLOAD_KEYS) {
      ctx.addIssue({ code: 'custom', path: ['PAYLOAD_KEYS'], message: 'is required when NODE_ENV=production (citizens\' data is sealed in history): id:$(openssl rand -base64 32)' });
    }
  });

export type Config = Readonly<z.infer<typeof configSchema> & { jwtSecret: string; payloadKeys: CodecKey[] }>;

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Parses an environment into a frozen config; the error names every offending variable. */
export function parseConfig(env: NodeJS.ProcessEnv): Config {
  const parsed = configSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.') || '(environment)'}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  return Object.freeze({ ...parsed.data, jwtSecret: parsed.data.JWT_SECRET ?? DEV_JWT_SECRET, payloadKeys: parsed.data.PAYLOAD_KEYS ?? DEV_PAYLOAD_KEYS });
}

let cached: Config | undefined;

/** The process configuration, parsed from `process.env` on first use. */
export function getConfig(): Config {
  cached ??= parseConfig(process.env);
  return cached;
}

/** The tunable terms every new run receives (src/shared/settings.ts). */
export function settingsFromConfig(config: Config): EngineSettings {
  return {
    opening: { verificationLeadMinutes: config.OPENING_VERIFICATION_LEAD_MINUTES, escalateEveryHours: config.OPENING_ESCALATE_EVERY_HOURS },
    maintenance: { businessDays: config.MAINTENANCE_TERM_DAYS },
    staff: { ...DEFAULT_SETTINGS.staff, inductionDays: config.INDUCTION_TERM_DAYS },
    preventive: { ...DEFAULT_SETTINGS.preventive, planDeadline: config.PREVENTIVE_PLAN_DEADLINE },
    preOperative: { ...DEFAULT_SETTINGS.preOperative },
    supervision: { ...DEFAULT_SETTINGS.supervision, gabineteLeadDays: config.SUPERVISION_GABINETE_LEAD_DAYS, observationDays: config.SUPERVISION_OBSERVATION_DAYS },
    incidents: { termDays: { ...DEFAULT_SETTINGS.incidents.termDays, ...config.INCIDENT_TERM_DAYS } },
    indicators: { ...DEFAULT_SETTINGS.indicators, goals: indicatorGoals(config.INDICATOR_GOALS) },
  };
}

/** The default goals with INDICATOR_GOALS applied over them (`off` removes one). */
function indicatorGoals(overrides: Record<string, IndicatorGoal | null>): Record<string, IndicatorGoal> {
  const goals = { ...DEFAULT_SETTINGS.indicators.goals };
  for (const [id, goal] of Object.entries(overrides)) {
    if (goal) goals[id] = goal;
    else delete goals[id];
  }
  return goals;
}

export function workerTuningFromConfig(config: Config): WorkerTuning {
  return { maxCachedWorkflows: config.WORKER_MAX_CACHED_WORKFLOWS, maxConcurrentActivityTaskExecutions: config.WORKER_MAX_CONCURRENT_ACTIVITIES };
}

export interface Endpoints {
  temporalAddress: string;
  mongoUri: string;
  smtpUrl: string;
}

/** For processes that never start embedded services (standalone worker/API): all three must be set. */
export function requireEndpoints(config: Config): Endpoints {
  const missing = (['TEMPORAL_ADDRESS', 'MONGODB_URI', 'SMTP_URL'] as const).filter((k) => !config[k]);
  if (missing.length) {
    throw new ConfigError(`Invalid configuration:\n${missing.map((k) => `  ${k}: is required`).join('\n')}`);
  }
  return { temporalAddress: config.TEMPORAL_ADDRESS!, mongoUri: config.MONGODB_URI!, smtpUrl: config.SMTP_URL! };
}
