import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readBody, send } from './stubPartnerCenter';

/**
 * Azure Key Vault's secrets REST API on loopback (127.0.0.1 only), enforcing what the documentation
 * of "Get Secret" and "Set Secret" says a client must do: a bearer token (else 401 with a
 * WWW-Authenticate challenge, as the real vault answers), the `api-version` query parameter (else
 * 400), a valid secret name, a JSON body with a string `value` on PUT (else 400); GET answers the
 * newest version as `{ value, id, attributes }`, or 404 SecretNotFound. Every PUT makes a new version.
 */
export class StubKeyVault {
  /** Every version written, per secret name, oldest first. */
  readonly versions = new Map<string, string[]>();
  readonly requests: { method: string; name: string; authorized: boolean }[] = [];
  /** The next requests fail with this status (e.g. 503), one per entry. */
  readonly forced: number[] = [];
  private server: Server | null = null;
  private origin = '';

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      void readBody(req).then((text) => {
        const url = new URL(req.url ?? '/', 'http://127.0.0.1');
        const name = /^\/secrets\/([^/]+)\/?$/.exec(url.pathname)?.[1] ?? '';
        const authorized = /^Bearer \S+$/.test(req.headers.authorization ?? '');
        this.requests.push({ method: req.method ?? '', name, authorized });
        if (!authorized) {
          return send(res, 401, { error: { code: 'Unauthorized', message: 'AKV10000: Request is missing a Bearer or PoP token.' } }, { 'www-authenticate': 'Bearer authorization="https://login.microsoftonline.com/tenant", resource="https://vault.azure.net"' });
        }
        if (!url.searchParams.get('api-version')) return send(res, 400, { error: { code: 'BadParameter', message: 'The request URI contains an invalid api-version.' } });
        if (!/^[0-9a-zA-Z-]{1,127}$/.test(name)) return send(res, 400, { error: { code: 'BadParameter', message: 'The secret name is invalid.' } });
        const forced = this.forced.shift();
        if (forced !== undefined) return send(res, forced, { error: { code: 'ServiceUnavailable', message: 'Try again.' } });
        const versions = this.versions.get(name) ?? [];
        if (req.method === 'GET') {
          const value = versions.at(-1);
          if (value === undefined) return send(res, 404, { error: { code: 'SecretNotFound', message: `A secret with (name/id) ${name} was not found in this key vault.` } });
          return send(res, 200, { value, id: `${this.origin}/secrets/${name}/v${versions.length}`, attributes: { enabled: true } });
        }
        if (req.method === 'PUT') {
          let body: unknown;
          try {
            body = JSON.parse(text);
          } catch {
            return send(res, 400, { error: { code: 'BadParameter', message: 'The request body is not JSON.' } });
          }
          const value = typeof body === 'object' && body !== null ? (body as { value?: unknown }).value : undefined;
          if (typeof value !== 'string') return send(res, 400, { error: { code: 'BadParameter', message: 'Property value is required.' } });
          this.versions.set(name, [...versions, value]);
          return send(res, 200, { value, id: `${this.origin}/secrets/${name}/v${versions.length + 1}`, attributes: { enabled: true } });
        }
        return send(res, 405, { error: { code: 'MethodNotAllowed', message: 'Not supported.' } });
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    this.origin = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.origin;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }
}
