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

/**
 * Teams' look for cards, as the card gallery (`npm run cards`) draws them: the Teams host config and
 * the Teams container styles of adaptivecards-designer (a development dependency, as /chat is a
 * local try-out; without it the page keeps Web Chat's own look).
 */
export function teamsCardFiles(): { hostConfig: string; stylesheet: string } {
  const designer = path.join(path.dirname(require.resolve('adaptivecards-designer')), '..');
  return {
    hostConfig: path.join(designer, 'lib', 'hostConfigs', 'microsoft-teams-light.json'),
    stylesheet: path.join(designer, 'dist', 'containers', 'teams-container-light.css'),
  };
}

function designerFiles(logger: Logger): { hostConfig: string; stylesheet: string } | null {
  try {
    return teamsCardFiles();
  } catch {
    logger.warn('adaptivecards-designer is not installed: /chat draws cards in Web Chat’s own style rather than Teams’');
    return null;
  }
}

const COMMON_HEADERS: Record<string, string> = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

export function registerChatRoutes(server: Server, localMode: boolean, logger: Logger, identities: readonly ChatIdentity[] = DEMO_IDENTITIES): boolean {
  if (!localMode) return false;
  const bundle = webChatBundlePath();
  const teams = designerFiles(logger);

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

  /** Sends a file from node_modules, or says it is missing. */
  const sendFile = async (res: Response, file: string | undefined, contentType: string): Promise<void> => {
    let handle;
    try {
      if (!file) throw new Error('not installed');
      handle = await open(file);
    } catch (error) {
      logger.error({ err: error, file }, 'a file of the chat page could not be read');
      res.send(file ? 500 : 404, { error: 'A file of the chat page is missing; run npm ci.' });
      return;
    }
    res.writeHead(200, { ...COMMON_HEADERS, 'content-type': contentType, 'cache-control': 'public, max-age=3600' });
    try {
      await pipeline(handle.createReadStream(), res);
    } catch (error) {
      logger.warn({ err: error, file }, 'a file of the chat page was not sent whole');
    }
  };

  server.get('/chat/webchat.js', async (_req: Request, res: Response) => sendFile(res, bundle, 'text/javascript; charset=utf-8'));
  server.get('/chat/teams-host-config.json', async (_req: Request, res: Response) => sendFile(res, teams?.hostConfig, 'application/json; charset=utf-8'));
  server.get('/chat/teams-cards.css', async (_req: Request, res: Response) => sendFile(res, teams?.stylesheet, 'text/css; charset=utf-8'));

  return true;
}
