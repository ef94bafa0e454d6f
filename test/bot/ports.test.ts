import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ClientCertificateCredential, ClientSecretCredential, ManagedIdentityCredential } from '@azure/identity';
import pino from 'pino';
import { ConfigError, loadConfig } from '../../bot/config';
import { createCredential, createPorts } from '../../bot/ports';
import type { PrismaClient } from '../../services/db';
import { GraphEmailSender, LocalEmailSender } from '../../services/ports/email';
import { CatalogEligibilitySource } from '../../services/ports/eligibilitySource';
import { PartnerCenterReferralSync, localReferralSync } from '../../services/ports/partnerCenterReferrals';
import { DirectoryTenantResolver } from '../../services/ports/tenantResolver';

const logger = pino({ level: 'silent' });
const TENANT = '4f1c2b7e-8d3a-4e52-9b61-0c7d5e3a9f21';
const CLIENT = '11111111-2222-3333-4444-555555555555';
/** The ports only keep the client; nothing is queried in these tests. */
const prisma = {} as PrismaClient;

function problemsOf(env: NodeJS.ProcessEnv): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('email settings', () => {
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'mci-ports-'));
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('defaults to local email: .eml files, with the local tenant resolver and eligibility catalog', () => {
    const config = loadConfig({ DATA_DIR: dir });
    expect(config.email).toEqual({ provider: 'local' });
    const ports = createPorts(config, logger, prisma);
    expect(ports.email).toBeInstanceOf(LocalEmailSender);
    expect((ports.email as LocalEmailSender).mailDir).toBe(path.join(dir, 'mail'));
    expect(ports.tenants).toBeInstanceOf(DirectoryTenantResolver);
    expect(ports.eligibility).toBeInstanceOf(CatalogEligibilitySource);
    expect(ports.referrals).toBe(localReferralSync);
  });

  it('names each missing Graph setting on its own line', () => {
    expect(problemsOf({ EMAIL_PROVIDER: 'graph' })).toEqual([
      'GRAPH_SENDER: required when EMAIL_PROVIDER is graph (the mailbox consent emails are sent from)',
      'GRAPH_CREDENTIAL: required when EMAIL_PROVIDER is graph: one of client-secret, client-certificate, managed-identity',
    ]);
    expect(problemsOf({ EMAIL_PROVIDER: 'graph', GRAPH_SENDER: 'consent@fabrikam.example', GRAPH_CREDENTIAL: 'client-secret' })).toEqual([
      'AZURE_TENANT_ID: required when GRAPH_CREDENTIAL is client-secret',
      'AZURE_CLIENT_ID: required when GRAPH_CREDENTIAL is client-secret',
      'AZURE_CLIENT_SECRET: required when GRAPH_CREDENTIAL is client-secret',
    ]);
    expect(problemsOf({ EMAIL_PROVIDER: 'smtp', GRAPH_BASE_URL: 'ftp://graph', AZURE_CLIENT_CERTIFICATE_PATH: path.join(dir, 'missing.pem') })).toEqual([
      'EMAIL_PROVIDER: expected local (.eml files under DATA_DIR/mail) or graph (Microsoft Graph sendMail) (got "smtp")',
      'GRAPH_BASE_URL: expected an http(s) URL such as https://graph.microsoft.com/v1.0 (got "ftp://graph")',
      'AZURE_CLIENT_CERTIFICATE_PATH: expected the path of a readable PEM certificate file',
    ]);
  });

  it('never echoes the client secret', () => {
    const problems = problemsOf({ EMAIL_PROVIDER: 'graph', GRAPH_SENDER: 'not an address', AZURE_CLIENT_SECRET: 'super-secret-value', GRAPH_CREDENTIAL: 'managed-identity' });
    expect(problems.join('\n')).not.toContain('super-secret-value');
  });

  it('chooses Graph with a client secret, a certificate or a managed identity', async () => {
    const secret = loadConfig({
      EMAIL_PROVIDER: 'graph',
      GRAPH_SENDER: 'consent@fabrikam.example',
      GRAPH_BASE_URL: 'http://127.0.0.1:9/v1.0/',
      GRAPH_CREDENTIAL: 'client-secret',
      AZURE_TENANT_ID: TENANT,
      AZURE_CLIENT_ID: CLIENT,
      AZURE_CLIENT_SECRET: 'secret',
    });
    expect(secret.email).toEqual({
      provider: 'graph',
      sender: 'consent@fabrikam.example',
      baseUrl: 'http://127.0.0.1:9/v1.0',
      credential: { kind: 'client-secret', tenantId: TENANT, clientId: CLIENT, clientSecret: 'secret' },
    });
    expect(createPorts(secret, logger, prisma).email).toBeInstanceOf(GraphEmailSender);
    if (secret.email.provider !== 'graph') throw new Error('expected graph');
    expect(createCredential(secret.email.credential)).toBeInstanceOf(ClientSecretCredential);

    const pem = path.join(dir, 'app.pem');
    await writeFile(pem, 'not really a certificate');
    const certificate = loadConfig({
      EMAIL_PROVIDER: 'graph',
      GRAPH_SENDER: CLIENT,
      GRAPH_CREDENTIAL: 'client-certificate',
      AZURE_TENANT_ID: 'fabrikam.onmicrosoft.com',
      AZURE_CLIENT_ID: CLIENT,
      AZURE_CLIENT_CERTIFICATE_PATH: pem,
    });
    expect(certificate.email).toMatchObject({ baseUrl: 'https://graph.microsoft.com/v1.0', credential: { kind: 'client-certificate', certificatePath: pem, certificatePassword: null } });
    if (certificate.email.provider !== 'graph') throw new Error('expected graph');
    expect(createCredential(certificate.email.credential)).toBeInstanceOf(ClientCertificateCredential);

    const managed = loadConfig({ EMAIL_PROVIDER: 'graph', GRAPH_SENDER: 'consent@fabrikam.example', GRAPH_CREDENTIAL: 'managed-identity' });
    expect(managed.email).toMatchObject({ credential: { kind: 'managed-identity', clientId: null } });
    if (managed.email.provider !== 'graph') throw new Error('expected graph');
    expect(createCredential(managed.email.credential)).toBeInstanceOf(ManagedIdentityCredential);
    expect(createCredential({ kind: 'managed-identity', clientId: CLIENT })).toBeInstanceOf(ManagedIdentityCredential);
  });
});

describe('referral settings', () => {
  it('keeps referrals in the database unless Partner Center is chosen', () => {
    expect(loadConfig({}).referrals).toEqual({ provider: 'local' });
    expect(problemsOf({ REFERRALS_PROVIDER: 'crm', REFERRALS_API_BASE_URL: 'ftp://pc' })).toEqual([
      'REFERRALS_PROVIDER: expected local (referrals kept in the database) or partner-center (Partner Center Referrals API) (got "crm")',
      'REFERRALS_API_BASE_URL: expected an http(s) URL such as https://api.partner.microsoft.com (got "ftp://pc")',
    ]);
  });

  it('needs the App+User sign-in settings for Partner Center, not an app-only credential, and links by default', () => {
    const coSellWhy = 'required when REFERRALS_PROVIDER is partner-center (a Services co-sell referral needs it, as Partner Center spells it)';
    expect(problemsOf({ REFERRALS_PROVIDER: 'partner-center' })).toEqual([
      'PARTNER_CENTER_TENANT_ID: required when REFERRALS_PROVIDER is partner-center (App+User sign-in, see docs/deployment.md)',
      'PARTNER_CENTER_CLIENT_ID: required when REFERRALS_PROVIDER is partner-center (App+User sign-in, see docs/deployment.md)',
      'PARTNER_CENTER_CLIENT_SECRET: required when REFERRALS_PROVIDER is partner-center (App+User sign-in, see docs/deployment.md)',
      'PARTNER_CENTER_REFRESH_TOKEN: required when REFERRALS_PROVIDER is partner-center (App+User sign-in, see docs/deployment.md) and no PARTNER_CENTER_KEY_VAULT_URL keeps it',
      `REFERRALS_PARTNER_ROLE: ${coSellWhy}`,
      `REFERRALS_SOLUTION_AREA: ${coSellWhy}`,
      `REFERRALS_SOLUTION_PLAY: ${coSellWhy}`,
    ]);
    const coSell = { REFERRALS_PARTNER_ROLE: 'ServicesPartner', REFERRALS_SOLUTION_AREA: 'CloudAndAIPlatforms', REFERRALS_SOLUTION_PLAY: 'MigrateAndModernizeYourEstate' };
    const signIn = { PARTNER_CENTER_TENANT_ID: TENANT, PARTNER_CENTER_CLIENT_ID: CLIENT, PARTNER_CENTER_CLIENT_SECRET: 'secret', PARTNER_CENTER_REFRESH_TOKEN: 'refresh-secret', ...coSell };
    expect(problemsOf({ REFERRALS_PROVIDER: 'partner-center', REFERRALS_MODE: 'create', ...signIn })).toEqual([
      "REFERRALS_SOLUTION_ID: required when REFERRALS_MODE is create (the partner's solution id in Partner Center)",
      'REFERRALS_CUSTOMER_SIZE: required when REFERRALS_MODE is create (customerProfile.size, such as 10to50employees)',
    ]);
    // Secrets are never echoed back.
    expect(problemsOf({ REFERRALS_MODE: 'always', PARTNER_CENTER_REFRESH_TOKEN: 'x' })).toEqual([
      "REFERRALS_MODE: expected link (find and link Partner Center's own referral, never create one) or create (got \"always\")",
    ]);
    const config = loadConfig({ REFERRALS_PROVIDER: 'partner-center', REFERRALS_API_BASE_URL: 'http://127.0.0.1:9/', ...signIn });
    expect(config.referrals).toEqual({
      provider: 'partner-center',
      baseUrl: 'http://127.0.0.1:9',
      mode: 'link',
      auth: { authority: 'https://login.microsoftonline.com', tenantId: TENANT, clientId: CLIENT, clientSecret: 'secret', refreshToken: 'refresh-secret' },
      refreshTokenVault: null,
      createSettings: null,
      coSell: { partnerRole: 'ServicesPartner', solutionArea: 'CloudAndAIPlatforms', solutionPlay: 'MigrateAndModernizeYourEstate' },
    });
    expect(config.email).toEqual({ provider: 'local' });
    expect(createPorts(config, logger, prisma).referrals).toBeInstanceOf(PartnerCenterReferralSync);
    const create = loadConfig({ REFERRALS_PROVIDER: 'partner-center', REFERRALS_MODE: 'create', REFERRALS_SOLUTION_ID: 'sol-1', REFERRALS_CUSTOMER_SIZE: '10to50employees', ...signIn });
    expect(create.referrals).toMatchObject({ mode: 'create', createSettings: { solutionId: 'sol-1', customerSize: '10to50employees' } });
    expect(createPorts(create, logger, prisma).referrals).toBeInstanceOf(PartnerCenterReferralSync);
  });

  it('keeps the rotated refresh token in Key Vault when a vault is named, so the configured token becomes optional', () => {
    const coSell = { REFERRALS_PARTNER_ROLE: 'ServicesPartner', REFERRALS_SOLUTION_AREA: 'CloudAndAIPlatforms', REFERRALS_SOLUTION_PLAY: 'MigrateAndModernizeYourEstate' };
    const base = { REFERRALS_PROVIDER: 'partner-center', PARTNER_CENTER_TENANT_ID: TENANT, PARTNER_CENTER_CLIENT_ID: CLIENT, PARTNER_CENTER_CLIENT_SECRET: 'secret', ...coSell };
    const config = loadConfig({ ...base, PARTNER_CENTER_KEY_VAULT_URL: 'https://contoso-mci-bot.vault.azure.net/' });
    expect(config.referrals).toMatchObject({
      auth: { refreshToken: '' },
      refreshTokenVault: { vaultUrl: 'https://contoso-mci-bot.vault.azure.net', secretName: 'partner-center-refresh-token', credential: { kind: 'managed-identity', clientId: null } },
    });
    expect(createPorts(config, logger, prisma).referrals).toBeInstanceOf(PartnerCenterReferralSync);
    expect(problemsOf({ ...base, PARTNER_CENTER_KEY_VAULT_URL: 'https://v.vault.azure.net', PARTNER_CENTER_REFRESH_TOKEN_SECRET: 'bad_name', KEY_VAULT_CREDENTIAL: 'client-secret' })).toEqual([
      'PARTNER_CENTER_REFRESH_TOKEN_SECRET: expected a Key Vault secret name: letters, digits and dashes, at most 127 (got "bad_name")',
      'AZURE_TENANT_ID: required when KEY_VAULT_CREDENTIAL is client-secret',
      'AZURE_CLIENT_ID: required when KEY_VAULT_CREDENTIAL is client-secret',
      'AZURE_CLIENT_SECRET: required when KEY_VAULT_CREDENTIAL is client-secret',
    ]);
  });
});
