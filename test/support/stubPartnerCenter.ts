import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * Partner Center on loopback (127.0.0.1 only), enforcing the Referrals API contract as Microsoft
 * documents it, so that a client that does not keep to it fails here rather than in production:
 * - App+User tokens only ("Referrals API authentication"; "Update a lead or opportunity": "supports
 *   only user access"): a token must carry delegated claims (`scp`, `upn`) and no app-only ones
 *   (`roles`, `idtyp: app`), else 401;
 * - POST /v1.0/engagements/referrals ("Create a referral"): type, customerProfile with name, an
 *   address with a country and a size, consent with consentToShareReferralWithMicrosoftSellers,
 *   details with dealValue, currency, closingDateTime and requirements.solutions, else 400;
 * - PATCH /{id} ("Update a lead or opportunity"): a JSON Patch array (RFC 6902) of `replace`/`add`
 *   only, else 400; an If-Match that is not the current eTag → 412; answered 204 unless
 *   `Prefer: return=representation`;
 * - PUT /{id} (full update): If-Match required (428 without it), 412 when stale;
 * - status/substatus pairs ("Referral resources"): New (Pending, Received), Active (Accepted),
 *   Closed (Won, Lost, Declined, Expired), else 400;
 * - a referral that invites Microsoft (inviteContext: co-sell; an MCI engagement is services) must
 *   carry partnerRole, solutionArea and solutionPlay, else 400;
 * - GET with $filter on externalReferenceId or customerProfile/name, and GET /{id}, each with eTag.
 * Each change gives the referral a new eTag. Written from the documentation, not from Microsoft's code.
 */

const ALLOWED_SUBSTATUS: Record<string, readonly string[]> = {
  New: ['Pending', 'Received'],
  Active: ['Accepted'],
  Closed: ['Won', 'Lost', 'Declined', 'Expired'],
};

export type StoredReferral = Record<string, unknown> & { id: string; eTag: string };

export interface StubRequest {
  method: string;
  path: string;
  ifMatch: string | undefined;
  body: unknown;
}

/** An unsigned JWT-shaped token carrying the given claims (the stub reads claims; it checks no signature). */
export function fakeJwt(claims: Record<string, unknown>): string {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part({ alg: 'none', typ: 'JWT' })}.${part(claims)}.`;
}

export const APP_USER_CLAIMS = { aud: 'https://api.partner.microsoft.com', scp: 'user_impersonation', upn: 'referrals.admin@partner.example', idtyp: 'user' };
export const APP_ONLY_CLAIMS = { aud: 'https://api.partner.microsoft.com', roles: ['Referrals.ReadWrite'], idtyp: 'app' };

function claimsOf(authorization: string | undefined): Record<string, unknown> | null {
  const token = /^Bearer (.+)$/.exec(authorization ?? '')?.[1];
  const payload = token?.split('.')[1];
  if (!payload) return null;
  try {
    const claims: unknown = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    return typeof claims === 'object' && claims !== null ? (claims as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** Why a token is not an App+User token for Partner Center, or null when it is one. */
export function appUserTokenProblem(authorization: string | undefined): string | null {
  const claims = claimsOf(authorization);
  if (!claims) return 'not a bearer JWT';
  if (claims.aud !== 'https://api.partner.microsoft.com') return 'audience is not Partner Center';
  if (claims.idtyp === 'app' || claims.roles !== undefined) return 'an app-only token; the Referrals API accepts only App+User tokens';
  if (typeof claims.scp !== 'string' || typeof claims.upn !== 'string') return 'no delegated user (scp, upn)';
  return null;
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const get = (value: unknown, path: string): unknown => path.split('.').reduce<unknown>((node, key) => (isObject(node) ? node[key] : undefined), value);

/** The documented required fields of a new referral that `body` lacks. */
export function missingCreateFields(body: unknown): string[] {
  const required = ['name', 'type', 'customerProfile.name', 'customerProfile.address.country', 'customerProfile.size', 'details.dealValue', 'details.currency', 'details.closingDateTime'];
  const missing = required.filter((path) => {
    const value = get(body, path);
    return value === undefined || value === null || value === '';
  });
  if (typeof get(body, 'consent.consentToShareReferralWithMicrosoftSellers') !== 'boolean') missing.push('consent.consentToShareReferralWithMicrosoftSellers');
  const solutions = get(body, 'details.requirements.solutions');
  if (!Array.isArray(solutions) || solutions.length === 0 || !solutions.every((item) => typeof get(item, 'id') === 'string')) missing.push('details.requirements.solutions');
  return missing;
}

/** A Services co-sell referral (Microsoft invited) needs partnerRole, solutionArea and solutionPlay ("Create a referral"). */
const SERVICES_CO_SELL_FIELDS = ['partnerRole', 'solutionArea', 'solutionPlay'] as const;

/** What in the referral breaks the documented rules: the status/substatus pair, or a co-sell field missing. */
function statusProblem(referral: Record<string, unknown>): string | null {
  if (referral.inviteContext !== undefined) {
    const missing = SERVICES_CO_SELL_FIELDS.filter((field) => typeof referral[field] !== 'string' || referral[field] === '');
    if (missing.length > 0) return `a Services co-sell referral needs ${missing.join(', ')}`;
  }
  const status = referral.status;
  const substatus = referral.substatus;
  if (status === undefined && substatus === undefined) return null;
  const allowed = typeof status === 'string' ? ALLOWED_SUBSTATUS[status] : undefined;
  if (!allowed) return `status ${String(status)} is not one of New, Active, Closed`;
  if (typeof substatus !== 'string' || !allowed.includes(substatus)) return `substatus ${String(substatus)} is not allowed with status ${String(status)} (${allowed.join(', ')})`;
  return null;
}

type PatchOp = { op: 'replace' | 'add'; path: string; value: unknown };

function patchProblem(body: unknown): string | null {
  if (!Array.isArray(body)) return 'the body is not a JSON Patch array';
  for (const item of body as unknown[]) {
    if (!isObject(item)) return 'a JSON Patch operation is not an object';
    if (item.op !== 'replace' && item.op !== 'add') return `op ${String(item.op)} is not supported (only replace and add)`;
    if (typeof item.path !== 'string' || !item.path.startsWith('/')) return 'a JSON Patch path must start with /';
    if (!('value' in item)) return 'a JSON Patch replace/add needs a value';
  }
  return null;
}

/** Applies replace/add to a copy (objects by key, `-` appends to an array). */
function applyPatch(referral: Record<string, unknown>, ops: PatchOp[]): Record<string, unknown> {
  const copy = structuredClone(referral);
  for (const { op, path, value } of ops) {
    const keys = path.slice(1).split('/').map((key) => key.replace(/~1/g, '/').replace(/~0/g, '~'));
    const last = keys.pop() ?? '';
    let node: unknown = copy;
    for (const key of keys) {
      if (isObject(node)) {
        if (node[key] === undefined && op === 'add') node[key] = {};
        node = node[key];
      } else node = undefined;
    }
    if (Array.isArray(node) && last === '-') node.push(value);
    else if (isObject(node)) node[last] = value;
    else throw new Error(`path ${path} does not exist`);
  }
  return copy;
}

export class StubPartnerCenter {
  readonly requests: StubRequest[] = [];
  readonly referrals = new Map<string, StoredReferral>();
  /** Answers to force for the next calls (of `method` only, when given), taken before the contract is applied. */
  readonly forced: { status: number; body?: unknown; headers?: Record<string, string>; method?: string }[] = [];
  private server: Server | null = null;
  private sequence = 0;

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      void readBody(req).then((text) => this.handle(req, text, res));
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }

  reset(): void {
    this.requests.length = 0;
    this.referrals.clear();
    this.forced.length = 0;
  }

  /** A referral Partner Center holds already (e.g. the one its own MCI flow created). */
  seed(referral: Record<string, unknown>): StoredReferral {
    const stored = { ...referral, id: (referral.id as string | undefined) ?? this.nextId(), eTag: this.nextEtag() } as StoredReferral;
    this.referrals.set(stored.id, stored);
    return stored;
  }

  /** Someone else changes the referral in Partner Center: its eTag moves on. */
  touch(id: string): void {
    const referral = this.referrals.get(id);
    if (referral) referral.eTag = this.nextEtag();
  }

  private nextId(): string {
    this.sequence += 1;
    return `pc-${this.sequence}`;
  }

  private nextEtag(): string {
    this.sequence += 1;
    return `"etag-${this.sequence}"`;
  }

  private handle(req: IncomingMessage, text: string, res: ServerResponse): void {
    const method = req.method ?? '';
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const ifMatch = typeof req.headers['if-match'] === 'string' ? req.headers['if-match'] : undefined;
    let body: unknown = null;
    try {
      body = text ? JSON.parse(text) : null;
    } catch {
      return send(res, 400, { code: 'InvalidJson', description: 'The body is not JSON.' });
    }
    this.requests.push({ method, path: `${url.pathname}${url.search}`, ifMatch, body });
    const index = this.forced.findIndex((answer) => answer.method === undefined || answer.method === method);
    const [forced] = index >= 0 ? this.forced.splice(index, 1) : [];
    if (forced) return send(res, forced.status, forced.body, forced.headers);
    const tokenProblem = appUserTokenProblem(req.headers.authorization);
    if (tokenProblem) return send(res, 401, { code: 'Unauthorized', description: tokenProblem });

    const base = '/v1.0/engagements/referrals';
    if (url.pathname === base && method === 'GET') return send(res, 200, { value: this.filter(url.searchParams.get('$filter') ?? '') });
    if (url.pathname === base && method === 'POST') return this.create(body, res);
    const id = url.pathname.startsWith(`${base}/`) ? decodeURIComponent(url.pathname.slice(base.length + 1)) : null;
    const referral = id ? this.referrals.get(id) : undefined;
    if (!id || !referral) return send(res, 404, { code: 'NotFound', description: 'No such referral.' });
    if (method === 'GET') return send(res, 200, referral, { etag: referral.eTag });
    if (method === 'PATCH') return this.patch(referral, body, ifMatch, req.headers.prefer === 'return=representation', res);
    if (method === 'PUT') return this.put(referral, body, ifMatch, res);
    return send(res, 405, { code: 'MethodNotAllowed' });
  }

  private filter(filter: string): StoredReferral[] {
    const all = [...this.referrals.values()];
    const byExternal = /^externalReferenceId eq '((?:[^']|'')*)'$/.exec(filter);
    if (byExternal) return all.filter((r) => r.externalReferenceId === byExternal[1]?.replace(/''/g, "'"));
    const byCustomer = /^customerProfile\/name eq '((?:[^']|'')*)'$/.exec(filter);
    if (byCustomer) return all.filter((r) => get(r, 'customerProfile.name') === byCustomer[1]?.replace(/''/g, "'"));
    return all;
  }

  private create(body: unknown, res: ServerResponse): void {
    const missing = missingCreateFields(body);
    if (missing.length > 0 || !isObject(body)) return send(res, 400, { code: 'InvalidInput', description: `Missing required fields: ${missing.join(', ')}` });
    const status = statusProblem(body);
    if (status) return send(res, 400, { code: 'InvalidInput', description: status });
    const stored = { status: 'New', substatus: 'Pending', ...body, id: this.nextId(), eTag: this.nextEtag() } as StoredReferral;
    this.referrals.set(stored.id, stored);
    send(res, 201, stored, { etag: stored.eTag });
  }

  private patch(referral: StoredReferral, body: unknown, ifMatch: string | undefined, representation: boolean, res: ServerResponse): void {
    const problem = patchProblem(body);
    if (problem) return send(res, 400, { code: 'InvalidInput', description: problem });
    if (ifMatch !== undefined && ifMatch !== referral.eTag) return send(res, 412, { code: 'PreconditionFailed', description: 'The referral was changed since it was read.' });
    let next: Record<string, unknown>;
    try {
      next = applyPatch(referral, body as PatchOp[]);
    } catch (error) {
      return send(res, 400, { code: 'InvalidInput', description: (error as Error).message });
    }
    const status = statusProblem(next);
    if (status) return send(res, 400, { code: 'InvalidInput', description: status });
    const stored = { ...next, id: referral.id, eTag: this.nextEtag() } as StoredReferral;
    this.referrals.set(referral.id, stored);
    if (representation) send(res, 200, stored, { etag: stored.eTag });
    else send(res, 204, undefined, { etag: stored.eTag });
  }

  private put(referral: StoredReferral, body: unknown, ifMatch: string | undefined, res: ServerResponse): void {
    if (ifMatch === undefined) return send(res, 428, { code: 'PreconditionRequired', description: 'A full update needs If-Match with the referral eTag.' });
    if (ifMatch !== referral.eTag) return send(res, 412, { code: 'PreconditionFailed', description: 'The referral was changed since it was read.' });
    if (!isObject(body)) return send(res, 400, { code: 'InvalidInput', description: 'A full update is a referral object.' });
    const status = statusProblem(body);
    if (status) return send(res, 400, { code: 'InvalidInput', description: status });
    const stored = { ...body, id: referral.id, eTag: this.nextEtag() } as StoredReferral;
    this.referrals.set(referral.id, stored);
    send(res, 200, stored, { etag: stored.eTag });
  }
}

/** A token endpoint on loopback for the refresh-token grant: App+User tokens, rotating refresh tokens. */
export class StubTokenEndpoint {
  readonly requests: URLSearchParams[] = [];
  /** The refresh tokens it accepts; each use issues a new one too (Entra keeps the used one valid until it expires or is revoked). */
  readonly valid = new Set<string>();
  expiresIn = 3600;
  claims: Record<string, unknown> = APP_USER_CLAIMS;
  private server: Server | null = null;
  private issued = 0;

  /** Forgets every request and token, and numbers new refresh tokens from refresh-1 again. */
  reset(): void {
    this.requests.length = 0;
    this.valid.clear();
    this.issued = 0;
  }

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      void readBody(req).then((text) => {
        const form = new URLSearchParams(text);
        this.requests.push(form);
        if (req.method !== 'POST' || !/^\/[^/]+\/oauth2\/v2\.0\/token$/.test(req.url ?? '')) return send(res, 404, { error: 'not_found' });
        const used = form.get('refresh_token') ?? '';
        if (form.get('grant_type') !== 'refresh_token' || !this.valid.has(used)) {
          return send(res, 400, { error: 'invalid_grant', error_description: 'AADSTS700082: The refresh token has expired due to inactivity.\r\nTrace ID: x' });
        }
        this.issued += 1;
        const next = `refresh-${this.issued}`;
        this.valid.add(next);
        send(res, 200, { token_type: 'Bearer', expires_in: this.expiresIn, access_token: fakeJwt({ ...this.claims, n: this.issued }), refresh_token: next });
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }
}

export function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers });
  res.end(body === undefined ? '' : JSON.stringify(body));
}

export async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
