import { existsSync } from 'node:fs';
import { z } from 'zod';
import { DEFAULT_PARTNER_CENTER_REFERRALS_URL } from '../services/referrals';
import { isLoopbackHost } from './loopback';
import { KEY_VAULT_SECRET_NAME } from '../services/ports/keyVaultSecret';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
/** Used only in local mode when no secret is configured; production refuses to start without one. */
const LOCAL_CONSENT_SECRET = 'local-mode-consent-secret-not-for-production-use';

/** Settings whose values are never echoed back in an error message. */
const SECRET_SETTINGS = new Set([
  'MicrosoftAppPassword',
  'CONSENT_TOKEN_SECRET',
  'DATABASE_URL',
  'AZURE_CLIENT_SECRET',
  'AZURE_CLIENT_CERTIFICATE_PASSWORD',
  'PARTNER_CENTER_CLIENT_SECRET',
  'PARTNER_CENTER_REFRESH_TOKEN',
]);
const GRAPH_CREDENTIALS = ['client-secret', 'client-certificate', 'managed-identity'] as const;
const TENANT = /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[a-z0-9-]+(\.[a-z0-9-]+)+)$/i;

const blankToUndefined = (value: unknown): unknown => (typeof value === 'string' && value.trim() === '' ? undefined : value);
const optional = <T extends z.ZodType>(schema: T) => z.preprocess(blankToUndefined, schema.optional());

const LISTEN_ADDRESS = /^[A-Za-z0-9.:-]+$/;
/** One http(s) origin (no path, query or fragment): what LOCAL_SERVICE_URLS lists, comma-separated. */
const isOrigin = (value: string): boolean => {
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.pathname === '/' && !url.search && !url.hash && !url.username;
  } catch {
    return false;
  }
};
const originList = (value: string): string[] =>
  value
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');

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
    HOST: z.preprocess(
      blankToUndefined,
      z.string().regex(LISTEN_ADDRESS, 'expected an address to listen on, such as 127.0.0.1, ::1 or 0.0.0.0').default('127.0.0.1'),
    ),
    ALLOW_REMOTE_LOCAL_MODE: z.preprocess(blankToUndefined, z.enum(['true', 'false'], { error: 'expected true or false' }).default('false')),
    LOCAL_SERVICE_URLS: optional(
      z.string().refine((value) => originList(value).every(isOrigin), 'expected comma-separated http(s) origins such as http://192.168.1.20:5000'),
    ),
    DATA_DIR: z.preprocess(blankToUndefined, z.string().default('./data')),
    DATABASE_URL: optional(
      z.string().regex(/^postgres(ql)?:\/\/\S+$/, 'expected a PostgreSQL URL such as postgres://user:password@host:5432/database'),
    ),
    DATABASE_POOL_SIZE: wholeNumber('DATABASE_POOL_SIZE', 1, 200, 10),
    EMBEDDED_PG_PORT: optional(
      z.coerce
        .number({ error: 'expected a whole number from 1 to 65535 (or unset, for a free port)' })
        .int('expected a whole number from 1 to 65535 (or unset, for a free port)')
        .min(1, 'expected a whole number from 1 to 65535 (or unset, for a free port)')
        .max(65535, 'expected a whole number from 1 to 65535 (or unset, for a free port)'),
    ),
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
    EMAIL_PROVIDER: z.preprocess(
      blankToUndefined,
      z.enum(['local', 'graph'], { error: 'expected local (.eml files under DATA_DIR/mail) or graph (Microsoft Graph sendMail)' }).default('local'),
    ),
    GRAPH_SENDER: optional(
      z.union([z.email(), z.string().regex(GUID)], { error: "expected the sending mailbox's address or Entra object id" }),
    ),
    GRAPH_BASE_URL: z.preprocess(
      blankToUndefined,
      z.url({ protocol: /^https?$/, error: 'expected an http(s) URL such as https://graph.microsoft.com/v1.0' }).default('https://graph.microsoft.com/v1.0'),
    ),
    GRAPH_CREDENTIAL: optional(z.enum(GRAPH_CREDENTIALS, { error: `expected one of ${GRAPH_CREDENTIALS.join(', ')}` })),
    AZURE_TENANT_ID: optional(z.string().regex(TENANT, 'expected the Entra tenant id (a GUID) or its domain')),
    AZURE_CLIENT_ID: optional(z.string().regex(GUID, "expected the app registration's (or managed identity's) client id, a GUID")),
    AZURE_CLIENT_SECRET: optional(z.string()),
    AZURE_CLIENT_CERTIFICATE_PATH: optional(z.string().refine((file) => existsSync(file), 'expected the path of a readable PEM certificate file')),
    AZURE_CLIENT_CERTIFICATE_PASSWORD: optional(z.string()),
    REFERRALS_PROVIDER: z.preprocess(
      blankToUndefined,
      z.enum(['local', 'partner-center'], { error: 'expected local (referrals kept in the database) or partner-center (Partner Center Referrals API)' }).default('local'),
    ),
    REFERRALS_API_BASE_URL: z.preprocess(
      blankToUndefined,
      z.url({ protocol: /^https?$/, error: 'expected an http(s) URL such as https://api.partner.microsoft.com' }).default('https://api.partner.microsoft.com'),
    ),
    // Partner Center's own MCI flow may create the claim's referral itself: by default it is linked, never duplicated.
    REFERRALS_MODE: z.preprocess(
      blankToUndefined,
      z.enum(['link', 'create'], { error: "expected link (find and link Partner Center's own referral, never create one) or create" }).default('link'),
    ),
    // The secure application model: the Entra app and a Partner Center user's refresh token (App+User).
    PARTNER_CENTER_AUTHORITY: z.preprocess(
      blankToUndefined,
      z.url({ protocol: /^https?$/, error: 'expected an http(s) URL such as https://login.microsoftonline.com' }).default('https://login.microsoftonline.com'),
    ),
    PARTNER_CENTER_TENANT_ID: optional(z.string().regex(TENANT, "expected the partner's Entra tenant id (a GUID) or its domain")),
    PARTNER_CENTER_CLIENT_ID: optional(z.string().regex(GUID, "expected the Entra app registration's client id, a GUID")),
    PARTNER_CENTER_CLIENT_SECRET: optional(z.string()),
    PARTNER_CENTER_REFRESH_TOKEN: optional(z.string()),
    // The rotated refresh token is written back here, so a restart or another instance never needs a new sign-in.
    PARTNER_CENTER_KEY_VAULT_URL: optional(z.url({ protocol: /^https?$/, error: 'expected the Key Vault URL, such as https://contoso-mci-bot.vault.azure.net' })),
    PARTNER_CENTER_REFRESH_TOKEN_SECRET: z.preprocess(
      blankToUndefined,
      z.string().regex(KEY_VAULT_SECRET_NAME, 'expected a Key Vault secret name: letters, digits and dashes, at most 127').default('partner-center-refresh-token'),
    ),
    KEY_VAULT_CREDENTIAL: z.preprocess(
      blankToUndefined,
      z.enum(GRAPH_CREDENTIALS, { error: `expected one of ${GRAPH_CREDENTIALS.join(', ')}` }).default('managed-identity'),
    ),
    // An MCI engagement is a services engagement: its co-sell referral is a Services co-sell referral,
    // for which Partner Center requires these three ("Create a referral"); the taxonomy changes each fiscal year.
    REFERRALS_PARTNER_ROLE: optional(z.string()),
    REFERRALS_SOLUTION_AREA: optional(z.string()),
    REFERRALS_SOLUTION_PLAY: optional(z.string()),
    REFERRALS_SOLUTION_ID: optional(z.string()),
    REFERRALS_CUSTOMER_SIZE: optional(z.string().regex(/^[0-9a-z]+$/i, 'expected a customer size as Partner Center spells it, such as 10to50employees')),
    // Microsoft documents the Referrals workspace, not an address per referral: `{referralId}` is optional.
    PARTNER_CENTER_REFERRALS_URL: z.preprocess(
      blankToUndefined,
      z
        .url({ protocol: /^https$/, error: 'expected an https URL such as https://partner.microsoft.com/dashboard/referrals/v2/leads, optionally with {referralId}' })
        .default(DEFAULT_PARTNER_CENTER_REFERRALS_URL),
    ),
    // At most 7: each instance keeps at least one send per second per conversation, and 7 is Teams' limit.
    TEAMS_DELIVERY_INSTANCES: wholeNumber('TEAMS_DELIVERY_INSTANCES', 1, 7, 1),
  })
  .superRefine((env, ctx) => {
    const requireSetting = (name: keyof typeof env, why: string) => {
      if (!env[name]) ctx.addIssue({ code: 'custom', path: [name], message: `required when ${why}` });
    };
    if (env.EMAIL_PROVIDER === 'graph') {
      requireSetting('GRAPH_SENDER', 'EMAIL_PROVIDER is graph (the mailbox consent emails are sent from)');
      requireSetting('GRAPH_CREDENTIAL', `EMAIL_PROVIDER is graph: one of ${GRAPH_CREDENTIALS.join(', ')}`);
    }
    if (env.REFERRALS_PROVIDER === 'partner-center') {
      // The Referrals API takes App+User tokens only (secure application model), not GRAPH_CREDENTIAL's app-only ones.
      const why = 'REFERRALS_PROVIDER is partner-center (App+User sign-in, see docs/deployment.md)';
      requireSetting('PARTNER_CENTER_TENANT_ID', why);
      requireSetting('PARTNER_CENTER_CLIENT_ID', why);
      requireSetting('PARTNER_CENTER_CLIENT_SECRET', why);
      if (!env.PARTNER_CENTER_KEY_VAULT_URL) requireSetting('PARTNER_CENTER_REFRESH_TOKEN', `${why} and no PARTNER_CENTER_KEY_VAULT_URL keeps it`);
      const coSell = 'REFERRALS_PROVIDER is partner-center (a Services co-sell referral needs it, as Partner Center spells it)';
      requireSetting('REFERRALS_PARTNER_ROLE', coSell);
      requireSetting('REFERRALS_SOLUTION_AREA', coSell);
      requireSetting('REFERRALS_SOLUTION_PLAY', coSell);
      if (env.PARTNER_CENTER_KEY_VAULT_URL && (env.KEY_VAULT_CREDENTIAL === 'client-secret' || env.KEY_VAULT_CREDENTIAL === 'client-certificate')) {
        requireSetting('AZURE_TENANT_ID', `KEY_VAULT_CREDENTIAL is ${env.KEY_VAULT_CREDENTIAL}`);
        requireSetting('AZURE_CLIENT_ID', `KEY_VAULT_CREDENTIAL is ${env.KEY_VAULT_CREDENTIAL}`);
        if (env.KEY_VAULT_CREDENTIAL === 'client-secret') requireSetting('AZURE_CLIENT_SECRET', 'KEY_VAULT_CREDENTIAL is client-secret');
        else requireSetting('AZURE_CLIENT_CERTIFICATE_PATH', 'KEY_VAULT_CREDENTIAL is client-certificate');
      }
      if (env.REFERRALS_MODE === 'create') {
        requireSetting('REFERRALS_SOLUTION_ID', "REFERRALS_MODE is create (the partner's solution id in Partner Center)");
        requireSetting('REFERRALS_CUSTOMER_SIZE', 'REFERRALS_MODE is create (customerProfile.size, such as 10to50employees)');
      }
    }
    if (env.EMAIL_PROVIDER === 'graph') {
      if (env.GRAPH_CREDENTIAL === 'client-secret' || env.GRAPH_CREDENTIAL === 'client-certificate') {
        requireSetting('AZURE_TENANT_ID', `GRAPH_CREDENTIAL is ${env.GRAPH_CREDENTIAL}`);
        requireSetting('AZURE_CLIENT_ID', `GRAPH_CREDENTIAL is ${env.GRAPH_CREDENTIAL}`);
      }
      if (env.GRAPH_CREDENTIAL === 'client-secret') requireSetting('AZURE_CLIENT_SECRET', 'GRAPH_CREDENTIAL is client-secret');
      if (env.GRAPH_CREDENTIAL === 'client-certificate') requireSetting('AZURE_CLIENT_CERTIFICATE_PATH', 'GRAPH_CREDENTIAL is client-certificate');
    }
    if (!env.MicrosoftAppId && LISTEN_ADDRESS.test(env.HOST) && !isLoopbackHost(env.HOST) && env.ALLOW_REMOTE_LOCAL_MODE !== 'true') {
      ctx.addIssue({
        code: 'custom',
        path: ['HOST'],
        message: `local mode (no MicrosoftAppId) trusts whoever can reach it, so it listens on loopback only: use 127.0.0.1, or set ALLOW_REMOTE_LOCAL_MODE=true to listen on ${env.HOST} anyway`,
      });
    }
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
  /** The address the server listens on; loopback unless set. */
  host: string;
  /** Local mode only: the http(s) origins besides loopback that replies may go to (LOCAL_SERVICE_URLS). */
  localServiceOrigins: string[];
  dataDir: string;
  databaseUrl: string | null;
  databasePoolSize: number;
  /** 127.0.0.1 port of the embedded PostgreSQL (used when databaseUrl is null); null picks a free one. */
  embeddedPgPort: number | null;
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
  email: EmailConfig;
  referrals: ReferralsConfig;
  /** Where Referrals admins open a referral in Partner Center (PARTNER_CENTER_REFERRALS_URL). */
  partnerCenterReferralsUrl: string;
  /** This instance's share of Teams' bot rate limits: 1 / the number of instances that deliver proactive messages. */
  teamsRateLimitShare: number;
}

/** How calls to Microsoft Graph or Key Vault authenticate (an @azure/identity credential). */
export type AzureCredentialConfig =
  | { kind: 'client-secret'; tenantId: string; clientId: string; clientSecret: string }
  | { kind: 'client-certificate'; tenantId: string; clientId: string; certificatePath: string; certificatePassword: string | null }
  /** A user-assigned identity when clientId is given, else the system-assigned one. */
  | { kind: 'managed-identity'; clientId: string | null };

export type EmailConfig =
  | { provider: 'local' }
  | { provider: 'graph'; sender: string; baseUrl: string; credential: AzureCredentialConfig };

export type ReferralsConfig =
  | { provider: 'local' }
  | {
      provider: 'partner-center';
      baseUrl: string;
      mode: 'link' | 'create';
      /** The secure application model's App+User sign-in. */
      auth: { authority: string; tenantId: string; clientId: string; clientSecret: string; refreshToken: string };
      /** Where the rotated refresh token is kept; null keeps it in memory only. */
      refreshTokenVault: { vaultUrl: string; secretName: string; credential: AzureCredentialConfig } | null;
      /** Set in create mode only. */
      createSettings: { solutionId: string; customerSize: string } | null;
      coSell: { partnerRole: string; solutionArea: string; solutionPlay: string };
    };

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
    host: e.HOST,
    localServiceOrigins: originList(e.LOCAL_SERVICE_URLS ?? '').map((item) => new URL(item).origin),
    dataDir: e.DATA_DIR,
    databaseUrl: e.DATABASE_URL ?? null,
    databasePoolSize: e.DATABASE_POOL_SIZE,
    embeddedPgPort: e.EMBEDDED_PG_PORT ?? null,
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
    email: emailConfig(e),
    referrals: referralsConfig(e),
    partnerCenterReferralsUrl: e.PARTNER_CENTER_REFERRALS_URL,
    teamsRateLimitShare: 1 / e.TEAMS_DELIVERY_INSTANCES,
  };
}

function referralsConfig(e: z.output<typeof EnvSchema>): ReferralsConfig {
  if (e.REFERRALS_PROVIDER === 'local') return { provider: 'local' };
  return {
    provider: 'partner-center',
    baseUrl: e.REFERRALS_API_BASE_URL.replace(/\/+$/, ''),
    mode: e.REFERRALS_MODE,
    auth: {
      authority: e.PARTNER_CENTER_AUTHORITY.replace(/\/+$/, ''),
      tenantId: e.PARTNER_CENTER_TENANT_ID ?? '',
      clientId: e.PARTNER_CENTER_CLIENT_ID ?? '',
      clientSecret: e.PARTNER_CENTER_CLIENT_SECRET ?? '',
      refreshToken: e.PARTNER_CENTER_REFRESH_TOKEN ?? '',
    },
    refreshTokenVault: e.PARTNER_CENTER_KEY_VAULT_URL
      ? { vaultUrl: e.PARTNER_CENTER_KEY_VAULT_URL.replace(/\/+$/, ''), secretName: e.PARTNER_CENTER_REFRESH_TOKEN_SECRET, credential: credentialConfig(e, e.KEY_VAULT_CREDENTIAL) }
      : null,
    createSettings: e.REFERRALS_MODE === 'create' ? { solutionId: e.REFERRALS_SOLUTION_ID ?? '', customerSize: e.REFERRALS_CUSTOMER_SIZE ?? '' } : null,
    coSell: { partnerRole: e.REFERRALS_PARTNER_ROLE ?? '', solutionArea: e.REFERRALS_SOLUTION_AREA ?? '', solutionPlay: e.REFERRALS_SOLUTION_PLAY ?? '' },
  };
}

function emailConfig(e: z.output<typeof EnvSchema>): EmailConfig {
  if (e.EMAIL_PROVIDER === 'local') return { provider: 'local' };
  return { provider: 'graph', sender: e.GRAPH_SENDER ?? '', baseUrl: e.GRAPH_BASE_URL.replace(/\/+$/, ''), credential: credentialConfig(e, e.GRAPH_CREDENTIAL) };
}

/** An @azure/identity credential of the bot's Entra app or managed identity (AZURE_*), for Graph or Key Vault. */
function credentialConfig(e: z.output<typeof EnvSchema>, kind: (typeof GRAPH_CREDENTIALS)[number] | undefined): AzureCredentialConfig {
  const tenantId = e.AZURE_TENANT_ID ?? '';
  const clientId = e.AZURE_CLIENT_ID ?? '';
  let credential: AzureCredentialConfig;
  switch (kind) {
    case 'client-secret':
      credential = { kind: 'client-secret', tenantId, clientId, clientSecret: e.AZURE_CLIENT_SECRET ?? '' };
      break;
    case 'client-certificate':
      credential = {
        kind: 'client-certificate',
        tenantId,
        clientId,
        certificatePath: e.AZURE_CLIENT_CERTIFICATE_PATH ?? '',
        certificatePassword: e.AZURE_CLIENT_CERTIFICATE_PASSWORD ?? null,
      };
      break;
    default:
      credential = { kind: 'managed-identity', clientId: e.AZURE_CLIENT_ID ?? null };
  }
  return credential;
}
