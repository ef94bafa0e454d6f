import type { TokenCredential } from '@azure/identity';
import { z } from 'zod';
import type { RefreshTokenStore } from './partnerCenterToken';

/**
 * One secret in Azure Key Vault, read and written through its REST API ("Get Secret",
 * GET {vault}/secrets/{name}?api-version=7.4; "Set Secret", PUT with `{"value": …}`, each write a new
 * version), with a bearer token for `https://vault.azure.net` from an @azure/identity credential
 * (the App Service's managed identity in production; it needs the "Key Vault Secrets Officer" role,
 * or get+set secret permissions, on that vault). It keeps the Partner Center refresh token: the
 * token rotates on every exchange and a new sign-in is needed when the newest one is lost, so every
 * instance writes the newest one back here and reads it here when it starts.
 */

export const KEY_VAULT_API_VERSION = '7.4';
export const KEY_VAULT_SCOPE = 'https://vault.azure.net/.default';
/** Key Vault's own rule for secret names. */
export const KEY_VAULT_SECRET_NAME = /^[0-9a-zA-Z-]{1,127}$/;
const TIMEOUT_MS = 30_000;

export interface KeyVaultSecretOptions {
  /** e.g. https://contoso-mci-bot.vault.azure.net */
  vaultUrl: string;
  secretName: string;
  credential: TokenCredential;
  timeoutMs?: number;
}

const SecretBundle = z.looseObject({ value: z.string() });
const KeyVaultError = z.looseObject({ error: z.looseObject({ code: z.string().optional(), message: z.string().optional() }) });

export class KeyVaultSecret implements RefreshTokenStore {
  private readonly url: string;

  constructor(private readonly options: KeyVaultSecretOptions) {
    if (!KEY_VAULT_SECRET_NAME.test(options.secretName)) throw new Error(`"${options.secretName}" is not a Key Vault secret name (letters, digits and dashes, at most 127).`);
    this.url = `${options.vaultUrl.replace(/\/+$/, '')}/secrets/${options.secretName}?api-version=${KEY_VAULT_API_VERSION}`;
  }

  /** The secret's current version, or null when the vault has no such secret (or only a disabled one). */
  async read(): Promise<string | null> {
    const response = await this.call('GET');
    if (response.status === 404) return null;
    const json = await this.json(response, 'read');
    const bundle = SecretBundle.safeParse(json);
    if (!bundle.success) throw new Error(`Key Vault answered the read of secret ${this.options.secretName} without a value.`);
    return bundle.data.value;
  }

  async write(value: string): Promise<void> {
    const response = await this.call('PUT', { value, contentType: 'Partner Center refresh token (rotated by the MCI bot)' });
    await this.json(response, 'write');
  }

  private async call(method: 'GET' | 'PUT', body?: object): Promise<Response> {
    const token = await this.options.credential.getToken(KEY_VAULT_SCOPE);
    if (!token) throw new Error('No access token for Key Vault from the configured credential.');
    return fetch(this.url, {
      method,
      headers: { authorization: `Bearer ${token.token}`, accept: 'application/json', ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
      signal: AbortSignal.timeout(this.options.timeoutMs ?? TIMEOUT_MS),
    });
  }

  private async json(response: Response, what: 'read' | 'write'): Promise<unknown> {
    const json: unknown = await response.json().catch(() => null);
    if (response.ok) return json;
    const error = KeyVaultError.safeParse(json);
    const detail = error.success ? [error.data.error.code, error.data.error.message].filter(Boolean).join(': ') : '';
    throw new Error(`Key Vault refused the ${what} of secret ${this.options.secretName} (${response.status}${detail ? ` ${detail}` : ''}).`);
  }
}
