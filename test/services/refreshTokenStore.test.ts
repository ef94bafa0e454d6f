import type { AccessToken, TokenCredential } from '@azure/identity';
import { FixedClock } from '../../services/shared/clock';
import { KEY_VAULT_SCOPE, KeyVaultSecret } from '../../services/ports/keyVaultSecret';
import { RefreshTokenGrant, RefreshTokenRejectedError, type RefreshTokenStore } from '../../services/ports/partnerCenterToken';
import { T0 } from '../support/fixtures';
import { StubKeyVault } from '../support/stubKeyVault';
import { StubTokenEndpoint } from '../support/stubPartnerCenter';

/**
 * The Partner Center refresh token survives a restart and is shared by instances: kept in Key Vault
 * (a stub on loopback enforcing the secrets REST contract), read at the first exchange, every rotated
 * token written back, and a token an operator stores after signing in again picked up without a restart.
 */

const SECRET = 'partner-center-refresh-token';
let vault: StubKeyVault;
let vaultUrl: string;
let tokens: StubTokenEndpoint;
let authority: string;
let clock: FixedClock;
const scopes: string[] = [];

/** Stands in for the managed identity: a token for whatever scope is asked. */
const credential: TokenCredential = {
  getToken: (scope: string | string[]): Promise<AccessToken> => {
    scopes.push(...(Array.isArray(scope) ? scope : [scope]));
    return Promise.resolve({ token: 'vault-access-token', expiresOnTimestamp: Date.now() + 3_600_000 });
  },
};

function store(secretName = SECRET): KeyVaultSecret {
  return new KeyVaultSecret({ vaultUrl, secretName, credential });
}

function grant(options: { refreshToken?: string; store?: RefreshTokenStore; errors?: unknown[] } = {}): RefreshTokenGrant {
  return new RefreshTokenGrant({
    authority,
    tenantId: 'partner.example',
    clientId: 'app-id',
    clientSecret: 'app-secret',
    refreshToken: options.refreshToken ?? 'configured-token',
    clock,
    ...(options.store ? { store: options.store } : {}),
    onStoreError: (error) => options.errors?.push(error),
  });
}

const used = () => tokens.requests.map((form) => form.get('refresh_token'));
const expireAccessToken = () => clock.set(new Date(clock.now().getTime() + 3_600_000));

beforeAll(async () => {
  vault = new StubKeyVault();
  vaultUrl = await vault.start();
  tokens = new StubTokenEndpoint();
  authority = await tokens.start();
});

afterAll(async () => {
  await vault.stop();
  await tokens.stop();
});

beforeEach(() => {
  clock = new FixedClock(T0);
  vault.versions.clear();
  vault.requests.length = 0;
  vault.forced.length = 0;
  tokens.reset();
  tokens.valid.add('configured-token');
  scopes.length = 0;
});

describe('the Key Vault secret client', () => {
  it('reads null before the secret exists, writes versions and reads the newest, with a vault token', async () => {
    const secret = store();
    expect(await secret.read()).toBeNull();
    await secret.write('first');
    await secret.write('second');
    expect(await secret.read()).toBe('second');
    expect(vault.versions.get(SECRET)).toEqual(['first', 'second']);
    expect(vault.requests.every((request) => request.authorized && request.name === SECRET)).toBe(true);
    expect(new Set(scopes)).toEqual(new Set([KEY_VAULT_SCOPE]));
  });

  it('names the secret and the status when the vault refuses, and refuses a name Key Vault would not take', async () => {
    vault.forced.push(503);
    await expect(store().read()).rejects.toThrow(`Key Vault refused the read of secret ${SECRET} (503 ServiceUnavailable: Try again.)`);
    expect(() => store('no_underscores')).toThrow('is not a Key Vault secret name');
  });
});

describe('the refresh token kept in Key Vault', () => {
  it('a restart starts from the newest rotated token, not the configured one', async () => {
    const first = grant({ store: store() });
    await first.getToken();
    // The configured token was used once, and the rotated one is in the vault.
    expect(used()).toEqual(['configured-token']);
    expect(vault.versions.get(SECRET)).toEqual(['refresh-1']);
    // Entra revokes the configured token (say 90 days later): a restarted bot must not need it.
    tokens.valid.delete('configured-token');
    const restarted = grant({ store: store() });
    await restarted.getToken();
    expect(used()).toEqual(['configured-token', 'refresh-1']);
    expect(vault.versions.get(SECRET)).toEqual(['refresh-1', 'refresh-2']);
  });

  it('two instances share the vault: each writes its newest token and the second starts from the first one’s', async () => {
    const a = grant({ store: store() });
    const b = grant({ store: store() });
    await a.getToken();
    await b.getToken();
    expect(used()).toEqual(['configured-token', 'refresh-1']);
    expect(vault.versions.get(SECRET)?.at(-1)).toBe('refresh-2');
  });

  it('picks up a token an operator stored after signing in again, without a restart', async () => {
    const running = grant({ store: store() });
    await running.getToken();
    // The sign-in is revoked; the operator signs in again and stores the new token in the vault.
    tokens.valid.clear();
    tokens.valid.add('new-sign-in');
    await store().write('new-sign-in');
    expireAccessToken();
    await expect(running.getToken()).resolves.toEqual(expect.any(String));
    expect(used().slice(-2)).toEqual(['refresh-1', 'new-sign-in']);
  });

  it('still says the sign-in needs renewing when the vault holds nothing newer', async () => {
    const running = grant({ store: store() });
    await running.getToken();
    tokens.valid.clear();
    expireAccessToken();
    await expect(running.getToken()).rejects.toBeInstanceOf(RefreshTokenRejectedError);
  });

  it('a failed write keeps the rotated token in memory, is reported, and is written on the next exchange', async () => {
    const errors: unknown[] = [];
    const running = grant({ store: store(), errors });
    // The read at start (404, no secret yet) passes; the write after the exchange fails.
    vault.forced.push(404, 503);
    await running.getToken();
    expect(errors).toHaveLength(1);
    expect(String(errors[0])).toContain('write');
    expect(vault.versions.get(SECRET)).toBeUndefined();
    expireAccessToken();
    await running.getToken();
    expect(used()).toEqual(['configured-token', 'refresh-1']);
    expect(vault.versions.get(SECRET)).toEqual(['refresh-2']);
  });

  it('without a store (local default) the rotated token is kept in memory only', async () => {
    const running = grant();
    await running.getToken();
    expireAccessToken();
    await running.getToken();
    expect(used()).toEqual(['configured-token', 'refresh-1']);
    expect(vault.requests).toHaveLength(0);
  });
});
