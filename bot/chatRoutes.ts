import { randomBytes } from 'node:crypto';
import { open } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Next, Request, Response, Server } from 'restify';
import { DEMO_IDENTITIES } from '../prisma/demoData';
import { CHAT_APP_SCRIPT, chatPageCsp, renderChatPage, type ChatIdentity } from '../web/chatPage';
import type { Logger } from './logger';

/**
 * The local try-out page (`GET /chat`) and its two scripts: the official Web Chat bundle, served
 * from node_modules (no CDN: the page works without internet), and the bootstrap. Local mode only,
 * like the Direct Line channel it talks to.
 */

/** botframework-webchat's package exports hide dist/, so the bundle is found next to its main entry (lib/index.js). */
export function webChatBundlePath(): string {
  return path.join(path.dirname(require.resolve('botframework-webchat')), '..', 'dist', 'webchat.js');
}

const COMMON_HEADERS: Record<string, string> = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

export function registerChatRoutes(server: Server, localMode: boolean, logger: Logger, identities: readonly ChatIdentity[] = DEMO_IDENTITIES): boolean {
  if (!localMode) return false;
  const bundle = webChatBundlePath();

  server.get('/chat', (req: Request, res: Response, next: Next) => {
    const wanted = new URL(req.url ?? '', 'http://local').searchParams.get('user')?.trim().toLowerCase();
    const selected = identities.find((identity) => identity.aadObjectId === wanted) ?? identities[0];
    if (!selected) {
      res.send(500, { error: 'No demo identities to chat as.' });
      next();
      return;
    }
    const nonce = randomBytes(18).toString('base64');
    res.writeHead(200, {
      ...COMMON_HEADERS,
      'content-type': 'text/html; charset=utf-8',
      'content-security-policy': chatPageCsp(nonce),
      'x-frame-options': 'DENY',
      'cache-control': 'no-store',
    });
    res.end(renderChatPage({ nonce, identities, selected }));
    next();
  });

  server.get('/chat/app.js', (_req: Request, res: Response, next: Next) => {
    res.writeHead(200, { ...COMMON_HEADERS, 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'no-cache' });
    res.end(CHAT_APP_SCRIPT);
    next();
  });

  server.get('/chat/webchat.js', async (_req: Request, res: Response) => {
    let file;
    try {
      file = await open(bundle);
    } catch (error) {
      logger.error({ err: error, bundle }, 'the Web Chat bundle could not be read');
      res.send(500, { error: 'The Web Chat bundle is missing; run npm ci.' });
      return;
    }
    res.writeHead(200, { ...COMMON_HEADERS, 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'public, max-age=3600' });
    try {
      await pipeline(file.createReadStream(), res);
    } catch (error) {
      logger.warn({ err: error }, 'the Web Chat bundle was not sent whole');
    }
  });

  return true;
}
