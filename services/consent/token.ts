import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { ConsentSettings } from '../shared/context';

/**
 * The consent token: 256 random bits, base64url. The database keeps only its HMAC-SHA256 under
 * CONSENT_TOKEN_SECRET, so a database leak alone does not reveal a working link.
 */

const TOKEN_BYTES = 32;
const TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;

export function newConsentToken(): string {
  return randomBytes(TOKEN_BYTES).toString('base64url');
}

/** Whether a string can be a consent token at all; anything else is refused before any lookup. */
export function isWellFormedToken(token: string): boolean {
  return TOKEN_SHAPE.test(token);
}

/** What ConsentRequest.tokenHash holds for a token. */
export function hashConsentToken(secret: string, token: string): string {
  return createHmac('sha256', secret).update(`consent-token:${token}`).digest('hex');
}

/** The link the consent email carries. */
export function consentLink(settings: ConsentSettings, token: string): string {
  return `${settings.publicBaseUrl}/consent/${token}`;
}


/** Compares two token hashes in constant time. */
export function sameHash(a: string, b: string): boolean {
  const left = Buffer.from(a, 'utf8');
  const right = Buffer.from(b, 'utf8');
  return left.length === right.length && timingSafeEqual(left, right);
}
