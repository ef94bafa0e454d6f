import type { Next, Request, Response, Server } from 'restify';
import { renderClaimLinkPage } from '../web/claimLinkPage';

/**
 * `GET /claims/:id`, a claim's link opened in a browser: a plain page saying to open it in Teams.
 * It is the same page for every id, known or not, so a link reveals nothing.
 */

const HEADERS: Record<string, string> = {
  'content-type': 'text/html; charset=utf-8',
  'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
};

export function registerClaimLinkRoutes(server: Server): void {
  const page = renderClaimLinkPage();
  server.get('/claims/:id', (_req: Request, res: Response, next: Next) => {
    res.writeHead(200, HEADERS);
    res.end(page);
    next();
  });
}
