import { z } from 'zod';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
/** Used only in local mode when no secret is configured; production refuses to start without one. */
const LOCAL_CONSENT_SECRET = 'local-mode-consent-secret-not-for-production-use';

/** Settings whose values are never echoed back in an error message. */
const SECRET_SETTINGS = new Set(['MicrosoftAppPassword', 'CONSENT_TOKEN_SECRET', 'DATABASE_URL']);

const blankToUndefined = (value: unknown): unknown => (typeof value === 'string' && value.trim() === '' ? undefined : value);
const optional = <T extends z.ZodType>(schema: T) => z.preprocess(blankToUndefined, schema.optional());

const wholeNumber = (name: string, min: number, max: number, fallback: number) =>
  z.preprocess(
    blankToUndefined,
    z.coerce
      .number({ error: `expected a whole number from ${min} to ${max}` })
      .int(`expected a whole number from ${min} to ${max}`)
      .min(min, `expected a whole number from ${min} to ${max}`)
      .max(max, `expected a whole number from ${min} to ${max}`)
      .default(fallback),
  ).describe(name);

const EnvSchema = z
  .object({
    PORT: wholeNumber('PORT', 0, 65535, 3978),
    DATA_DIR: z.preprocess(blankToUndefined, z.string().default('./data')),
    DATABASE_URL: optional(
      z.string().regex(/^postgres(ql)?:\/\/\S+$/, 'expected a PostgreSQL URL such as postgres://user:password@host:5432/database'),
    ),
    DATABASE_POOL_SIZE: wholeNumber('DATABASE_POOL_SIZE', 1, 200, 10),
    MicrosoftAppId: optional(z.string().regex(GUID, 'expected the bot\'s Microsoft App ID, a GUID')),
    MicrosoftAppPassword: optional(z.string()),
    MicrosoftAppType: z.preprocess(
      blankToUndefined,
      z.enum(['MultiTenant', 'SingleTenant', 'UserAssignedMSI'], { error: 'expected MultiTenant, SingleTenant or UserAssignedMSI' }).default('MultiTenant'),
    ),
    MicrosoftAppTenantId: optional(z.string().regex(GUID, 'expected the Entra tenant id, a GUID')),
    PUBLIC_BASE_URL: optional(z.url({ protocol: /^https?$/, error: 'expected an http(s) URL such as https://bot.example.com' })),
    CONSENT_TOKEN_SECRET: optional(z.string().min(32, 'expected a random secret of at least 32 characters')),
    LOG_LEVEL: z.preprocess(
      blankToUndefined,
      z.enum(LOG_LEVELS, { error: `expected one of ${LOG_LEVELS.join(', ')}` }).default('info'),
    ),
    SCHEDULER_INTERVAL_SECONDS: wholeNumber('SCHEDULER_INTERVAL_SECONDS', 1, 3600, 5),
    SEED_DEMO_DATA: z.preprocess(
      blankToUndefined,
      z.enum(['auto', 'never'], { error: 'expected auto (seed an empty embedded database) or never' }).default('auto'),
    ),
  })
  .superRefine((env, ctx) => {
    if (!env.MicrosoftAppId) return;
    if (env.MicrosoftAppType !== 'UserAssignedMSI' && !env.MicrosoftAppPassword) {
      ctx.addIssue({ code: 'custom', path: ['MicrosoftAppPassword'], message: 'required when MicrosoftAppId is set (the bot\'s client secret)' });
    }
    if (env.MicrosoftAppType !== 'MultiTenant' && !env.MicrosoftAppTenantId) {
      ctx.addIssue({ code: 'custom', path: ['MicrosoftAppTenantId'], message: `required when MicrosoftAppType is ${env.MicrosoftAppType}` });
    }
    if (!env.CONSENT_TOKEN_SECRET) {
      ctx.addIssue({ code: 'custom', path: ['CONSENT_TOKEN_SECRET'], message: 'required in production mode (MicrosoftAppId is set): a random secret of at least 32 characters' });
    }
    if (!env.PUBLIC_BASE_URL) {
      ctx.addIssue({ code: 'custom', path: ['PUBLIC_BASE_URL'], message: 'required in production mode: the https address customers open consent links on' });
    }
  });

export interface Config {
  port: number;
  dataDir: string;
  databaseUrl: string | null;
  databasePoolSize: number;
  /** Local mode: no app id, no auth, replies go to the activity's serviceUrl (Bot Framework Emulator). */
  localMode: boolean;
  microsoftApp: {
    appId: string;
    password: string;
    type: 'MultiTenant' | 'SingleTenant' | 'UserAssignedMSI';
    tenantId: string;
  };
  publicBaseUrl: string;
  consentTokenSecret: string;
  logLevel: (typeof LOG_LEVELS)[number];
  schedulerIntervalMs: number;
  seedDemoData: boolean;
}

/** Bad configuration: one line per bad setting, naming it and what is expected. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Reads every setting once, at start-up. Throws ConfigError listing every bad setting. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const name = issue.path.join('.') || 'configuration';
      const value = env[name];
      const given = typeof value === 'string' && !SECRET_SETTINGS.has(name) ? ` (got "${value}")` : '';
      return `${name}: ${issue.message}${issue.code === 'custom' ? '' : given}`;
    });
    throw new ConfigError(problems);
  }
  const e = parsed.data;
  return {
    port: e.PORT,
    dataDir: e.DATA_DIR,
    databaseUrl: e.DATABASE_URL ?? null,
    databasePoolSize: e.DATABASE_POOL_SIZE,
    localMode: !e.MicrosoftAppId,
    microsoftApp: {
      appId: e.MicrosoftAppId ?? '',
      password: e.MicrosoftAppPassword ?? '',
      type: e.MicrosoftAppType,
      tenantId: e.MicrosoftAppTenantId ?? '',
    },
    publicBaseUrl: (e.PUBLIC_BASE_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, ''),
    consentTokenSecret: e.CONSENT_TOKEN_SECRET ?? LOCAL_CONSENT_SECRET,
    logLevel: e.LOG_LEVEL,
    schedulerIntervalMs: e.SCHEDULER_INTERVAL_SECONDS * 1000,
    seedDemoData: e.SEED_DEMO_DATA === 'auto',
  };
}
