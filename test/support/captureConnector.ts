import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface CapturedActivity {
  path: string;
  conversationId: string;
  body: Record<string, unknown>;
}

/**
 * Stands in for the Bot Framework channel (Teams, the Emulator): the bot posts its replies to the
 * activity's serviceUrl, which points here, on loopback.
 */
export class CaptureConnector {
  readonly activities: CapturedActivity[] = [];
  /** Teams' member lookup (`GET /v3/conversations/{id}/members/{userId}`): the member answered per user id; any other gets 404. */
  readonly members = new Map<string, Record<string, unknown>>();
  /** The user ids the bot looked up, in order. */
  readonly memberLookups: string[] = [];
  private server: http.Server | null = null;
  private waiters: { count: number; resolve: () => void }[] = [];

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

  /** Resolves once at least `count` activities have arrived, or rejects after `timeoutMs`. */
  waitFor(count: number, timeoutMs = 10_000): Promise<CapturedActivity[]> {
    if (this.activities.length >= count) return Promise.resolve(this.activities);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`expected ${count} activities, got ${this.activities.length}`)), timeoutMs);
      this.waiters.push({
        count,
        resolve: () => {
          clearTimeout(timer);
          resolve(this.activities);
        },
      });
    });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const memberMatch = /\/v3\/conversations\/[^/]+\/members\/([^/?]+)/.exec(req.url ?? '');
    if (req.method === 'GET' && memberMatch) {
      const userId = decodeURIComponent(memberMatch[1] ?? '');
      this.memberLookups.push(userId);
      const member = this.members.get(userId);
      res.writeHead(member ? 200 : 404, { 'content-type': 'application/json' });
      res.end(JSON.stringify(member ?? { error: { code: 'MemberNotFoundInConversation', message: 'The member was not found.' } }));
      return;
    }
    const match = /\/v3\/conversations\/([^/]+)\/activities/.exec(req.url ?? '');
    if (req.method === 'POST' && match) {
      this.activities.push({
        path: req.url ?? '',
        conversationId: decodeURIComponent(match[1] ?? ''),
        body: text ? (JSON.parse(text) as Record<string, unknown>) : {},
      });
      this.waiters = this.waiters.filter((w) => {
        if (this.activities.length < w.count) return true;
        w.resolve();
        return false;
      });
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ id: `captured-${this.activities.length}` }));
      return;
    }
    res.writeHead(404);
    res.end();
  }
}
