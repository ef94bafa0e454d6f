import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface TeamsActivity {
  conversationId: string;
  body: Record<string, unknown>;
  at: number;
}

/** A scripted answer to the next send to a conversation. */
export interface ScriptedAnswer {
  status: number;
  /** Retry-After, in seconds. */
  retryAfterSeconds?: number;
  /** Teams' reason code in the error body, e.g. BotNotInConversationRoster. */
  code?: string;
}

const CONVERSATION_LIMITS = [
  { windowMs: 1_000, max: 7 },
  { windowMs: 2_000, max: 8 },
  { windowMs: 30_000, max: 60 },
  { windowMs: 60 * 60_000, max: 1800 },
] as const;

/** Per app per tenant: this connector serves one app, so every request of a tenant counts. */
const TENANT_LIMITS = [{ windowMs: 1_000, max: 50 }] as const;

export interface TeamsConnectorOptions {
  /** Milliseconds the limits are measured in; wall time unless a test runs on simulated time. */
  now?: () => number;
}

/**
 * Stands in for Teams on loopback, for proactive messages: records every activity it accepts,
 * answers scripted failures (429 with Retry-After, 403 with a reason code, 404, 500) on demand, and
 * enforces Teams' per-conversation bot limits and the per-app-per-tenant limit (the tenant read from
 * the activity's conversation), recording a violation (and answering 429) for any request beyond them.
 */
export class TeamsCaptureConnector {
  readonly activities: TeamsActivity[] = [];
  readonly violations: string[] = [];
  /** Every request received, accepted or not: what the limits count. */
  readonly requests: { conversationId: string; tenantId: string; at: number; status: number }[] = [];
  private readonly scripts = new Map<string, ScriptedAnswer[]>();
  private server: http.Server | null = null;
  private readonly now: () => number;

  constructor(options: TeamsConnectorOptions = {}) {
    this.now = options.now ?? (() => performance.now());
  }

  async start(): Promise<string> {
    this.server = http.createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    const { port } = this.server.address() as AddressInfo;
    return `http://127.0.0.1:${port}/`;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** The next sends to the conversation get these answers, in order, before it accepts again. */
  script(conversationId: string, ...answers: ScriptedAnswer[]): void {
    this.scripts.set(conversationId, [...(this.scripts.get(conversationId) ?? []), ...answers]);
  }

  /** Drops the answers not used yet (the Bot Framework client retries some failures in-process, so tests script more than they need). */
  clearScript(conversationId: string): void {
    this.scripts.delete(conversationId);
  }

  to(conversationId: string): TeamsActivity[] {
    return this.activities.filter((activity) => activity.conversationId === conversationId);
  }

  private violation(conversationId: string, tenantId: string, now: number): string | null {
    const earlier = this.requests.filter((r) => r.conversationId === conversationId);
    for (const limit of CONVERSATION_LIMITS) {
      const inWindow = earlier.filter((r) => r.at > now - limit.windowMs).length;
      if (inWindow + 1 > limit.max) return `${conversationId}: more than ${limit.max} requests in ${limit.windowMs} ms`;
    }
    for (const limit of TENANT_LIMITS) {
      const inWindow = this.requests.filter((r) => r.tenantId === tenantId && r.at > now - limit.windowMs).length;
      if (inWindow + 1 > limit.max) return `tenant ${tenantId || '(none)'}: more than ${limit.max} requests in ${limit.windowMs} ms`;
    }
    return null;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const match = /\/v3\/conversations\/([^/]+)\/activities/.exec(req.url ?? '');
    if (req.method !== 'POST' || !match) {
      res.writeHead(404);
      res.end();
      return;
    }
    const conversationId = decodeURIComponent(match[1] ?? '');
    const body = text ? (JSON.parse(text) as Record<string, unknown>) : {};
    const tenantId = tenantOf(body);
    const now = this.now();
    const over = this.violation(conversationId, tenantId, now);
    const scripted = over ? undefined : this.scripts.get(conversationId)?.shift();
    const status = over ? 429 : (scripted?.status ?? 200);
    this.requests.push({ conversationId, tenantId, at: now, status });
    if (over) {
      this.violations.push(over);
      res.writeHead(429, { 'content-type': 'application/json', 'retry-after': '1' });
      res.end(JSON.stringify({ error: { code: 'TooManyRequests', message: 'Too many requests' } }));
      return;
    }
    if (scripted) {
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (scripted.retryAfterSeconds !== undefined) headers['retry-after'] = String(scripted.retryAfterSeconds);
      res.writeHead(scripted.status, headers);
      res.end(JSON.stringify({ error: { code: scripted.code ?? `Status${scripted.status}`, message: `Scripted ${scripted.status}` } }));
      return;
    }
    this.activities.push({ conversationId, body, at: now });
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ id: `teams-${this.activities.length}` }));
  }
}

/** The tenant an activity is sent in: its conversation's tenantId, or Teams' channelData.tenant.id. */
function tenantOf(body: Record<string, unknown>): string {
  const conversation = body.conversation as { tenantId?: unknown } | undefined;
  const channelData = body.channelData as { tenant?: { id?: unknown } } | undefined;
  const tenant = conversation?.tenantId ?? channelData?.tenant?.id;
  return typeof tenant === 'string' ? tenant : '';
}
