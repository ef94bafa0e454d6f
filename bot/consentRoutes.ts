import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Request, Response, Server } from 'restify';
import { z } from 'zod';
import { hashConsentToken, isWellFormedToken, type Consent, type ConsentProblem, type ConsentSettings } from '../services/consent';
import type { Clock } from '../services/shared';
import { renderConsentForm, renderConsentProblem, renderConsentRecorded } from '../web/consentPage';
import type { Logger } from './logger';

/**
 * The customer's consent page: `GET /consent/:token` shows the request with Accept and Decline,
 * `POST /consent/:token` records the answer.
 *
 * Cross-site request forgery: the form carries a token that is an HMAC (CONSENT_TOKEN_SECRET) of
 * the consent token's hash and an expiry, so it cannot be made without the secret, only works for
 * its own consent link, and only for a short while. A POST whose Origin (or, without one, Referer)
 * names another host is refused as well. Browsers send `Origin: null` from a page with
 * `Referrer-Policy: no-referrer`, so a null origin is left to the form token.
 */

export interface ConsentRouteDeps {
  consent: Consent;
  clock: Clock;
  settings: ConsentSettings;
  logger: Logger;
}

/** How long a shown form can be submitted. */
export const FORM_TOKEN_TTL_MS = 60 * 60 * 1000;

const SECURITY_HEADERS: Record<string, string> = {
  'content-type': 'text/html; charset=utf-8',
  'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
};

const PROBLEM_STATUS: Record<ConsentProblem, number> = { malformed: 400, unknown: 404, answered: 410, expired: 410, closed: 410 };

const AnswerForm = z.object({ answer: z.enum(['accept', 'decline']), csrf: z.string().min(1).max(200) });

export function registerConsentRoutes(server: Server, deps: ConsentRouteDeps): void {
  server.get('/consent/:token', async (req: Request, res: Response) => {
    const token = tokenParam(req);
    const result = await deps.consent.pageView(token);
    if (!result.ok) {
      sendPage(res, PROBLEM_STATUS[result.problem], renderConsentProblem(result.problem, result.message, 'opened'));
      return;
    }
    const csrfToken = issueFormToken(deps.settings.tokenSecret, token, deps.clock.now());
    sendPage(res, 200, renderConsentForm(result.view, { action: `/consent/${token}`, csrfToken }));
  });

  server.post('/consent/:token', async (req: Request, res: Response) => {
    const token = tokenParam(req);
    if (!isWellFormedToken(token)) {
      sendPage(res, 400, renderConsentProblem('malformed', 'The link is incomplete or damaged. Open the link from the email again.', 'answered'));
      return;
    }
    const form = AnswerForm.safeParse(req.body);
    const csrfField = bodyField(req.body, 'csrf');
    const csrf = typeof csrfField === 'string' ? csrfField : '';
    if (!sameSite(req, deps.settings.publicBaseUrl) || !verifyFormToken(deps.settings.tokenSecret, token, csrf, deps.clock.now())) {
      deps.logger.warn({ origin: req.header('origin'), referer: req.header('referer') ? 'present' : 'absent' }, 'consent answer refused: no valid form token');
      sendPage(res, 403, renderConsentProblem('forbidden', 'The answer did not come from the consent page, or the page was open too long. Open the link from the email again and answer there.', 'answered'));
      return;
    }
    if (!form.success) {
      sendPage(res, 400, renderConsentProblem('invalid', 'Choose Accept or Decline on the consent page.', 'answered'));
      return;
    }
    const result = await deps.consent.answer({
      token,
      answer: form.data.answer === 'accept' ? 'ACCEPTED' : 'DECLINED',
    });
    if (!result.ok) {
      sendPage(res, PROBLEM_STATUS[result.problem], renderConsentProblem(result.problem, result.message, 'answered'));
      return;
    }
    deps.logger.info({ claimId: result.claim.id, response: result.response }, 'consent answered');
    sendPage(res, 200, renderConsentRecorded(result.view, result.response));
  });
}

function tokenParam(req: Request): string {
  const params: unknown = req.params;
  const token = bodyField(params, 'token');
  return typeof token === 'string' ? token : '';
}

function bodyField(body: unknown, name: string): unknown {
  return typeof body === 'object' && body !== null && name in body ? (body as Record<string, unknown>)[name] : undefined;
}

function sendPage(res: Response, status: number, html: string): void {
  res.writeHead(status, SECURITY_HEADERS);
  res.end(html);
}

/** A form token for one consent token: `<expiry ms>.<HMAC of the consent token's hash and the expiry>`. */
export function issueFormToken(secret: string, consentToken: string, now: Date): string {
  const expires = now.getTime() + FORM_TOKEN_TTL_MS;
  return `${expires}.${formMac(secret, consentToken, expires)}`;
}

export function verifyFormToken(secret: string, consentToken: string, formToken: string, now: Date): boolean {
  const match = /^(\d{1,15})\.([A-Za-z0-9_-]{43})$/.exec(formToken);
  if (!match?.[1] || !match[2]) return false;
  const expires = Number(match[1]);
  if (now.getTime() > expires || expires - now.getTime() > FORM_TOKEN_TTL_MS) return false;
  const expected = Buffer.from(formMac(secret, consentToken, expires), 'utf8');
  const given = Buffer.from(match[2], 'utf8');
  return expected.length === given.length && timingSafeEqual(expected, given);
}

function formMac(secret: string, consentToken: string, expires: number): string {
  return createHmac('sha256', secret).update(`consent-form:${hashConsentToken(secret, consentToken)}:${expires}`).digest('base64url');
}

/** False when Origin, or without it Referer, names a host other than the public one or the one asked. */
function sameSite(req: Request, publicBaseUrl: string): boolean {
  const allowed = new Set([hostOf(publicBaseUrl), req.header('host')?.toLowerCase()].filter((host): host is string => Boolean(host)));
  const origin = req.header('origin');
  if (origin && origin !== 'null') return allowed.has(hostOf(origin) ?? '');
  const referer = req.header('referer');
  if (referer) return allowed.has(hostOf(referer) ?? '');
  return true;
}

function hostOf(url: string): string | null {
  try {
    return new URL(url).host.toLowerCase();
  } catch {
    return null;
  }
}
