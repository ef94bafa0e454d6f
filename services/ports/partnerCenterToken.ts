import { z } from 'zod';
import { systemClock, type Clock } from '../shared/clock';

/**
 * App+User access tokens for the Partner Center Referrals API.
 *
 * The Referrals API accepts only App+User (delegated) tokens of a Partner Center user who holds a
 * Referrals role ("Referrals API authentication", learn.microsoft.com/partner-center/developer/
 * referral-api-authentication; "Update a lead or opportunity", .../patch-a-referral: "supports only
 * user access ... Referral Admin or Referral User"). Under Partner Center's secure application model
 * (.../enable-secure-app-model) an admin signs that user in once, with MFA, to the bot's Entra app; the
 * refresh token obtained then is kept as a secret, and the bot exchanges it for access tokens with the
 * OAuth 2.0 refresh-token grant (Microsoft identity platform, "Refresh the access token"). An app-only
 * token (client credentials, managed identity) is refused by the API, so none is asked for here.
 *
 * @azure/identity has no credential that starts from a stored refresh token, and @azure/msal-node's
 * refresh-token call is meant for migrating into its own cache and does instance discovery against the
 * authority; the grant itself is one form POST, so it is made here against a configurable authority
 * (tests point it at a stub on loopback).
 */

/** Delegated access to the Partner Center API, plus offline_access so a new refresh token comes back. */
export const PARTNER_CENTER_USER_SCOPE = 'https://api.partner.microsoft.com/.default offline_access';
export const DEFAULT_AUTHORITY = 'https://login.microsoftonline.com';
/** An access token is renewed this long before it expires, so a call never starts with one about to lapse. */
const RENEW_BEFORE_MS = 5 * 60_000;
const TIMEOUT_MS = 30_000;

export interface AccessTokenSource {
  /** A current access token; renews it when it is missing or about to expire. */
  getToken(): Promise<string>;
}

/** The refresh token was refused (revoked, expired after 90 days unused, the user lost the role): an operator must obtain a new one. */
export class RefreshTokenRejectedError extends Error {
  constructor(readonly detail: string) {
    super(`Partner Center sign-in needs renewing: the stored refresh token was refused (${detail}). An admin must obtain a new one (docs/deployment.md, "Referrals connection").`);
    this.name = 'RefreshTokenRejectedError';
  }
}

/**
 * Where the newest refresh token is kept between runs and shared between instances (Key Vault in
 * production, services/ports/keyVaultSecret.ts). Without one the configured token is used and each
 * rotated one is kept in memory only, so the sign-in must be redone within its 90 days.
 */
export interface RefreshTokenStore {
  /** The newest refresh token kept, or null when none is kept yet. */
  read(): Promise<string | null>;
  write(token: string): Promise<void>;
}

export interface RefreshTokenGrantOptions {
  /** e.g. https://login.microsoftonline.com */
  authority?: string;
  /** The partner's Entra tenant (GUID or domain). */
  tenantId: string;
  clientId: string;
  clientSecret: string;
  /** The refresh token of the Partner Center user with a Referrals role, used when the store keeps none. */
  refreshToken: string;
  store?: RefreshTokenStore;
  /** Told when the store cannot be read or written (the exchange goes on with the token in memory). */
  onStoreError?: (error: unknown, action: 'read' | 'write') => void;
  scope?: string;
  clock?: Clock;
  timeoutMs?: number;
}

const TokenAnswer = z.object({
  access_token: z.string().min(1),
  expires_in: z.coerce.number().positive(),
  refresh_token: z.string().min(1).optional(),
});
const TokenError = z.looseObject({ error: z.string(), error_description: z.string().optional() });

export class RefreshTokenGrant implements AccessTokenSource {
  private refreshToken: string;
  /** Whether the store has been read since start-up or since the last refusal. */
  private storeRead = false;
  /** A rotated token not yet written to the store (the write failed): written on the next exchange. */
  private unsaved = false;
  private current: { token: string; expiresAt: number } | null = null;
  private pending: Promise<string> | null = null;

  constructor(private readonly options: RefreshTokenGrantOptions) {
    this.refreshToken = options.refreshToken;
  }

  getToken(): Promise<string> {
    const now = (this.options.clock ?? systemClock).now().getTime();
    if (this.current && this.current.expiresAt - RENEW_BEFORE_MS > now) return Promise.resolve(this.current.token);
    // One exchange at a time: concurrent callers share it instead of each spending the refresh token.
    this.pending ??= this.exchange(now).finally(() => {
      this.pending = null;
    });
    return this.pending;
  }

  private async exchange(now: number): Promise<string> {
    if (!this.storeRead) await this.readStore();
    try {
      return await this.redeem(now);
    } catch (error) {
      // Refused: an operator may have signed in again and stored the new token, or another instance
      // rotated it; one more try with what the store holds now before anyone is told.
      if (!(error instanceof RefreshTokenRejectedError) || !this.options.store) throw error;
      const used = this.refreshToken;
      await this.readStore();
      if (this.refreshToken === used) throw error;
      return this.redeem(now);
    }
  }

  private async readStore(): Promise<void> {
    const { store } = this.options;
    this.storeRead = true;
    if (!store) return;
    try {
      const kept = await store.read();
      if (kept && !this.unsaved) this.refreshToken = kept;
    } catch (error) {
      this.options.onStoreError?.(error, 'read');
    }
  }

  private async redeem(now: number): Promise<string> {
    if (!this.refreshToken) throw new RefreshTokenRejectedError('no refresh token is configured or kept');
    const authority = (this.options.authority ?? DEFAULT_AUTHORITY).replace(/\/+$/, '');
    const response = await fetch(`${authority}/${encodeURIComponent(this.options.tenantId)}/oauth2/v2.0/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: new URLSearchParams({
        grant_type: 'refresh_token',
        client_id: this.options.clientId,
        client_secret: this.options.clientSecret,
        refresh_token: this.refreshToken,
        scope: this.options.scope ?? PARTNER_CENTER_USER_SCOPE,
      }).toString(),
      signal: AbortSignal.timeout(this.options.timeoutMs ?? TIMEOUT_MS),
    });
    const json: unknown = await response.json().catch(() => null);
    if (!response.ok) {
      const error = TokenError.safeParse(json);
      const detail = error.success ? `${error.data.error}${error.data.error_description ? `: ${error.data.error_description.split(/\r?\n/)[0]}` : ''}` : `HTTP ${response.status}`;
      // invalid_grant is the refresh token itself: retrying will not help until it is replaced.
      if (error.success && error.data.error === 'invalid_grant') throw new RefreshTokenRejectedError(detail);
      throw new Error(`The token endpoint answered ${response.status} (${detail}).`);
    }
    const answer = TokenAnswer.safeParse(json);
    if (!answer.success) throw new Error('The token endpoint answered without an access token.');
    // Refresh tokens rotate: the newest one is used for the next exchange, and kept for the next start.
    if (answer.data.refresh_token && answer.data.refresh_token !== this.refreshToken) {
      this.refreshToken = answer.data.refresh_token;
      this.unsaved = this.options.store !== undefined;
    }
    if (this.unsaved) await this.writeStore();
    this.current = { token: answer.data.access_token, expiresAt: now + answer.data.expires_in * 1000 };
    return this.current.token;
  }

  private async writeStore(): Promise<void> {
    const { store } = this.options;
    if (!store) return;
    try {
      await store.write(this.refreshToken);
      this.unsaved = false;
    } catch (error) {
      this.options.onStoreError?.(error, 'write');
    }
  }
}
