import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AccessToken, TokenCredential } from '@azure/identity';

export interface StubRequest {
  path: string;
  authorization: string | undefined;
  body: unknown;
}

/** A stand-in for Microsoft Graph on loopback: answers each request with the next queued response. */
export class StubGraph {
  readonly requests: StubRequest[] = [];
  readonly responses: { status: number; headers?: Record<string, string>; body?: unknown }[] = [];
  private server: Server | null = null;

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      void readBody(req).then((body) => {
        this.requests.push({ path: req.url ?? '', authorization: req.headers.authorization, body: JSON.parse(body || 'null') as unknown });
        const next = this.responses.shift() ?? { status: 202 };
        res.writeHead(next.status, { 'content-type': 'application/json', ...next.headers });
        res.end(next.body === undefined ? '' : JSON.stringify(next.body));
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/v1.0`;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** A TokenCredential that never calls Entra. */
export class FakeCredential implements TokenCredential {
  readonly scopes: (string | string[])[] = [];
  fail = false;

  getToken(scopes: string | string[]): Promise<AccessToken | null> {
    this.scopes.push(scopes);
    if (this.fail) return Promise.reject(new Error('AADSTS7000215: Invalid client secret provided.'));
    return Promise.resolve({ token: 'fake-graph-token', expiresOnTimestamp: Date.now() + 3_600_000 });
  }
}
