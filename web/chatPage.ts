import { escapeHtml } from '../services/consent/html';

/**
 * The local try-out page: the official Web Chat talking to the bot through the local Direct Line
 * channel, as one of the demo people. Scripts are only files from this server (the Web Chat bundle
 * and the small bootstrap below), and styles carry the page's nonce, which Web Chat passes to the
 * styles it injects.
 */

export interface ChatIdentity {
  aadObjectId: string;
  label: string;
}

/** The display name in a label such as "Adele Vance — Fabrikam Consulting, Incentives admin". */
export function displayName(identity: ChatIdentity): string {
  return identity.label.split(' — ')[0] ?? identity.label;
}

/**
 * Web Chat creates one style sheet without the nonce: an empty <style> that it fills through the
 * CSSOM (which CSP does not govern). The hash of the empty string allows exactly that empty element.
 */
const EMPTY_STYLE_HASH = "'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='";

/** The policy of the page; the nonce is new for every response. */
export function chatPageCsp(nonce: string): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    `style-src 'self' 'nonce-${nonce}' ${EMPTY_STYLE_HASH}`,
    "img-src 'self' data: blob:",
    "connect-src 'self'",
    "font-src 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    "base-uri 'none'",
  ].join('; ');
}

const STYLE = `
html, body { height: 100%; margin: 0; }
body { font-family: "Segoe UI", Arial, sans-serif; color: #1b1b1b; background: #f5f5f5; display: flex; flex-direction: column; }
header { background: #464775; color: #ffffff; padding: 0.5rem 1rem; display: flex; flex-wrap: wrap; gap: 0.5rem 1.5rem; align-items: center; }
h1 { font-size: 1.1rem; margin: 0; }
form { display: flex; gap: 0.5rem; align-items: center; }
label { font-weight: 600; }
select, button { font: inherit; padding: 0.25rem 0.5rem; border-radius: 4px; }
button { background: #ffffff; color: #1b1b1b; border: 2px solid #ffffff; cursor: pointer; }
select:focus, button:focus { outline: 3px solid #ffb900; outline-offset: 2px; }
#status { margin: 0; font-size: 0.9rem; }
#reload[hidden] { display: none; }
/* Cards as Teams draws them: words wrap whole (Web Chat breaks them anywhere), buttons in a row keep their titles on one line. */
.webchat__adaptive-card-renderer .ac-textBlock, .webchat__adaptive-card-renderer .ac-pushButton { overflow-wrap: break-word; word-break: normal; hyphens: manual; }
.webchat__adaptive-card-renderer .ac-pushButton > div { white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
/* The Teams styles size inputs for one line of text; a drop-down needs its own height. */
.webchat__adaptive-card-renderer select.ac-input { height: auto; min-height: 32px; padding-top: 4px; padding-bottom: 4px; }
main { flex: 1; min-height: 0; max-width: 56rem; width: 100%; margin: 0 auto; background: #ffffff; }
#webchat { height: 100%; }
`;

export function renderChatPage(options: { nonce: string; identities: readonly ChatIdentity[]; selected: ChatIdentity }): string {
  const { nonce, identities, selected } = options;
  const choices = identities
    .map((identity) => {
      const isSelected = identity.aadObjectId === selected.aadObjectId ? ' selected' : '';
      return `<option value="${escapeHtml(identity.aadObjectId)}" data-name="${escapeHtml(displayName(identity))}"${isSelected}>${escapeHtml(identity.label)}</option>`;
    })
    .join('\n');
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="robots" content="noindex">',
    '<title>MCI Engagement Assistant — local chat</title>',
    '<link rel="icon" href="data:,">',
    '<link rel="stylesheet" href="/chat/teams-cards.css">',
    `<style nonce="${escapeHtml(nonce)}">${STYLE}</style>`,
    '</head>',
    `<body data-nonce="${escapeHtml(nonce)}" data-user-id="${escapeHtml(selected.aadObjectId)}" data-user-name="${escapeHtml(displayName(selected))}">`,
    '<header>',
    '<h1>MCI Engagement Assistant</h1>',
    '<form method="get" action="/chat">',
    '<label for="user">You are</label>',
    `<select id="user" name="user">${choices}</select>`,
    '<button type="submit">Switch user</button>',
    '</form>',
    `<p id="status" role="status">Connecting as ${escapeHtml(displayName(selected))}…</p>`,
    '<button id="reload" type="button" hidden>Reload</button>',
    '</header>',
    '<main><div id="webchat"></div></main>',
    '<script src="/chat/webchat.js"></script>',
    '<script src="/chat/app.js"></script>',
    '</body>',
    '</html>',
  ].join('\n');
}

/**
 * The bootstrap: a conversation bound to the chosen person (POST /v3/directline/tokens/generate),
 * then Web Chat with a polling DirectLine on this server, drawing cards with Teams' host config.
 * Switching person reloads the page with `?user=`, which starts a new conversation. The channel
 * keeps conversations in memory, so after a bot restart the conversation is gone: the page says so
 * and offers to reload, rather than still claiming to chat.
 *
 * Card buttons stay Action.Submit here (Web Chat 4.18 draws no Action.Execute); the channel turns a
 * press on a card into the Universal Actions invoke and updates that card in place (bot/directLineCards.ts).
 */
export const CHAT_APP_SCRIPT = `(function () {
  'use strict';
  var body = document.body;
  var status = document.getElementById('status');
  var userId = body.dataset.userId;
  var userName = body.dataset.userName;
  var reload = document.getElementById('reload');
  reload.addEventListener('click', function () { window.location.reload(); });
  // Connection states of the DirectLine client: 2 online; 3 token expired, 4 failed to connect, 5 ended.
  var LOST = [3, 4, 5];
  var hostConfig = fetch('/chat/teams-host-config.json')
    .then(function (res) { return res.ok ? res.json() : undefined; })
    .catch(function () { return undefined; });
  var conversation = fetch('/v3/directline/tokens/generate', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ user: { id: userId, name: userName } })
  }).then(function (res) {
    if (!res.ok) throw new Error('the bot answered ' + res.status);
    return res.json();
  });
  Promise.all([conversation, hostConfig])
    .then(function (results) {
      var conversation = results[0];
      var directLine = window.WebChat.createDirectLine({
        token: conversation.token,
        domain: window.location.origin + '/v3/directline',
        webSocket: false,
        pollingInterval: 500
      });
      directLine.connectionStatus$.subscribe(function (state) {
        if (state === 2) {
          status.textContent = 'Chatting as ' + userName + '. Switching user starts a new conversation.';
        } else if (LOST.indexOf(state) !== -1 && reload.hidden) {
          status.textContent = 'The connection to the bot was lost (it was restarted, or this conversation expired). Reload the page to start a new conversation.';
          reload.hidden = false;
          directLine.end();
        }
      });
      window.WebChat.renderWebChat(
        {
          directLine: directLine,
          userID: userId,
          username: userName,
          locale: 'en-US',
          nonce: body.dataset.nonce,
          adaptiveCardsHostConfig: results[1],
          // About as wide as Teams draws a card in a chat.
          styleOptions: { hideUploadButton: true, bubbleMaxWidth: 560, bubbleMinWidth: 400 }
        },
        document.getElementById('webchat')
      );
    })
    .catch(function (error) {
      status.textContent = 'Could not start the chat (' + error.message + '). Is the bot running in local mode?';
    });
})();
`;
