import { ConfigError, loadConfig } from '../../bot/config';

function problemsOf(env: NodeJS.ProcessEnv): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('configuration', () => {
  it('runs in local mode with defaults when nothing is set', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      port: 3978,
      dataDir: './data',
      databaseUrl: null,
      localMode: true,
      publicBaseUrl: 'http://localhost:3978',
      logLevel: 'info',
      schedulerIntervalMs: 5000,
      seedDemoData: true,
      referrals: { provider: 'local' },
      teamsRateLimitShare: 1,
    });
  });

  it('gives each delivering instance its share of the Teams rate limits', () => {
    expect(loadConfig({ TEAMS_DELIVERY_INSTANCES: '4' }).teamsRateLimitShare).toBe(0.25);
    expect(problemsOf({ TEAMS_DELIVERY_INSTANCES: '0' })).toEqual(['TEAMS_DELIVERY_INSTANCES: expected a whole number from 1 to 7 (got "0")']);
    // Eight instances could not each keep a whole send per second within Teams' 7 per second.
    expect(problemsOf({ TEAMS_DELIVERY_INSTANCES: '8' })).toEqual(['TEAMS_DELIVERY_INSTANCES: expected a whole number from 1 to 7 (got "8")']);
  });

  it('starts the embedded PostgreSQL on a free port unless EMBEDDED_PG_PORT names one', () => {
    expect(loadConfig({}).embeddedPgPort).toBeNull();
    expect(loadConfig({ EMBEDDED_PG_PORT: '55432' }).embeddedPgPort).toBe(55432);
    expect(problemsOf({ EMBEDDED_PG_PORT: '0' })).toEqual(['EMBEDDED_PG_PORT: expected a whole number from 1 to 65535 (or unset, for a free port) (got "0")']);
    expect(problemsOf({ EMBEDDED_PG_PORT: 'pg' })).toEqual(['EMBEDDED_PG_PORT: expected a whole number from 1 to 65535 (or unset, for a free port) (got "pg")']);
  });

  it('treats blank settings as unset', () => {
    expect(loadConfig({ PORT: '', MicrosoftAppId: '  ' }).localMode).toBe(true);
  });

  it('gives one line per bad setting, naming the setting and what is expected', () => {
    const problems = problemsOf({ PORT: 'abc', DATABASE_URL: 'mysql://db', LOG_LEVEL: 'loud', MicrosoftAppId: 'nope' });
    expect(problems).toEqual([
      'PORT: expected a whole number from 0 to 65535 (got "abc")',
      'DATABASE_URL: expected a PostgreSQL URL such as postgres://user:password@host:5432/database',
      "MicrosoftAppId: expected the bot's Microsoft App ID, a GUID (got \"nope\")",
      'LOG_LEVEL: expected one of fatal, error, warn, info, debug, trace, silent (got "loud")',
    ]);
  });

  it('rejects out-of-range ports', () => {
    expect(problemsOf({ PORT: '70000' })).toEqual(['PORT: expected a whole number from 0 to 65535 (got "70000")']);
  });

  it('requires the production settings once an app id is set, and never echoes secrets', () => {
    const problems = problemsOf({ MicrosoftAppId: '11111111-2222-3333-4444-555555555555', CONSENT_TOKEN_SECRET: 'short-secret' });
    expect(problems).toEqual([
      'CONSENT_TOKEN_SECRET: expected a random secret of at least 32 characters',
      "MicrosoftAppPassword: required when MicrosoftAppId is set (the bot's client secret)",
      'PUBLIC_BASE_URL: required in production mode: the https address customers open consent links on',
    ]);
    expect(problems.join('\n')).not.toContain('short-secret');
    const missing = problemsOf({ MicrosoftAppId: '11111111-2222-3333-4444-555555555555', MicrosoftAppType: 'SingleTenant' });
    expect(missing.map((line) => line.split(':')[0])).toEqual([
      'MicrosoftAppPassword',
      'MicrosoftAppTenantId',
      'CONSENT_TOKEN_SECRET',
      'PUBLIC_BASE_URL',
    ]);
  });

  it('accepts a complete production configuration', () => {
    const config = loadConfig({
      MicrosoftAppId: '11111111-2222-3333-4444-555555555555',
      MicrosoftAppPassword: 'secret',
      CONSENT_TOKEN_SECRET: 'x'.repeat(32),
      PUBLIC_BASE_URL: 'https://bot.example.com/',
      DATABASE_URL: 'postgres://u:p@127.0.0.1:5432/mci',
    });
    expect(config.localMode).toBe(false);
    expect(config.publicBaseUrl).toBe('https://bot.example.com');
    expect(config.databaseUrl).toBe('postgres://u:p@127.0.0.1:5432/mci');
  });
  it('listens on loopback by default; local mode on another address needs ALLOW_REMOTE_LOCAL_MODE=true', () => {
    expect(loadConfig({})).toMatchObject({ host: '127.0.0.1', localServiceOrigins: [] });
    expect(loadConfig({ HOST: '::1' }).host).toBe('::1');
    expect(problemsOf({ HOST: '0.0.0.0' })).toEqual([
      'HOST: local mode (no MicrosoftAppId) trusts whoever can reach it, so it listens on loopback only: use 127.0.0.1, or set ALLOW_REMOTE_LOCAL_MODE=true to listen on 0.0.0.0 anyway',
    ]);
    expect(loadConfig({ HOST: '0.0.0.0', ALLOW_REMOTE_LOCAL_MODE: 'true' }).host).toBe('0.0.0.0');
    expect(problemsOf({ ALLOW_REMOTE_LOCAL_MODE: 'yes' })).toEqual(['ALLOW_REMOTE_LOCAL_MODE: expected true or false (got "yes")']);
    expect(problemsOf({ HOST: 'bad host!' })).toEqual(['HOST: expected an address to listen on, such as 127.0.0.1, ::1 or 0.0.0.0 (got "bad host!")']);
    // Production mode authenticates every request, so any address is fine there.
    const production = {
      MicrosoftAppId: '11111111-2222-3333-4444-555555555555',
      MicrosoftAppPassword: 'secret',
      CONSENT_TOKEN_SECRET: 'x'.repeat(40),
      PUBLIC_BASE_URL: 'https://bot.example.com',
    };
    expect(loadConfig({ ...production, HOST: '0.0.0.0' }).host).toBe('0.0.0.0');
  });

  it('reads LOCAL_SERVICE_URLS as comma-separated origins', () => {
    expect(loadConfig({ LOCAL_SERVICE_URLS: 'http://192.168.1.20:5000, https://emulator.example.com/' }).localServiceOrigins).toEqual([
      'http://192.168.1.20:5000',
      'https://emulator.example.com',
    ]);
    expect(problemsOf({ LOCAL_SERVICE_URLS: 'http://ok.example.com,ftp://x,https://a.example.com/path' })).toEqual([
      'LOCAL_SERVICE_URLS: expected comma-separated http(s) origins such as http://192.168.1.20:5000',
    ]);
  });
});
