import { z } from 'zod';

/**
 * A cheap look at an Authorization header before botbuilder validates it: a token that cannot be a
 * Bot Framework token (not `Bearer` + three base64url parts, a header without RS256 or a key id, a
 * payload expired or for another audience or issuer) is refused here, so no forged or junk token
 * ever makes the bot fetch the OpenID metadata and signing keys. botbuilder still checks the
 * signature, issuer and audience in full afterwards; this only has to let every genuine token by.
 */

const BASE64URL = /^[A-Za-z0-9_-]+$/;
/** What botbuilder itself allows between the token's clock and ours. */
const CLOCK_TOLERANCE_SECONDS = 5 * 60;
/** The Bot Framework signs with RS256 only. */
const ALLOWED_ALGORITHMS = new Set(['RS256']);
/** Bot Framework channels (public and government clouds), and Entra ID v1 / v2 for the Emulator and skills. */
const PLAUSIBLE_ISSUERS = [
  /^https:\/\/api\.botframework\.(com|us)$/,
  /^https:\/\/sts\.windows\.net\/[0-9a-f-]{36}\/$/i,
  /^https:\/\/login\.microsoftonline\.(com|us)\/[0-9a-f-]{36}\/v2\.0$/i,
];

const Header = z.object({ alg: z.string(), kid: z.string().min(1) });
const Payload = z.object({ iss: z.string(), aud: z.union([z.string(), z.array(z.string())]), exp: z.number() });

/** Null when the header may hold a Bot Framework token for this app; otherwise why not (for the log). */
export function implausibleBotToken(authorization: string | undefined, appId: string, nowMs: number): string | null {
  if (!authorization) return 'no Authorization header';
  const match = /^Bearer ([^\s]{1,16384})$/.exec(authorization);
  if (!match?.[1]) return 'not a Bearer token';
  const parts = match[1].split('.');
  if (parts.length !== 3 || !parts.every((part) => BASE64URL.test(part))) return 'not a JWT (three base64url parts)';
  const header = Header.safeParse(decodeJson(parts[0] ?? ''));
  if (!header.success) return 'JWT header without alg and kid';
  if (!ALLOWED_ALGORITHMS.has(header.data.alg)) return `JWT algorithm ${header.data.alg.slice(0, 20)} not allowed`;
  const payload = Payload.safeParse(decodeJson(parts[1] ?? ''));
  if (!payload.success) return 'JWT payload without iss, aud and exp';
  const { iss, aud, exp } = payload.data;
  if (exp + CLOCK_TOLERANCE_SECONDS < nowMs / 1000) return 'JWT expired';
  const audiences = Array.isArray(aud) ? aud : [aud];
  if (!audiences.some((value) => value === appId || value === `api://${appId}`)) return 'JWT for another audience';
  if (!PLAUSIBLE_ISSUERS.some((issuer) => issuer.test(iss))) return 'JWT from an unknown issuer';
  return null;
}

function decodeJson(part: string): unknown {
  try {
    return JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
  } catch {
    return null;
  }
}
