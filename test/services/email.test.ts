import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { FixedClock } from '../../services/shared/clock';
import {
  GraphEmailSender,
  LocalEmailSender,
  emailChannelHandler,
  encodeQuotedPrintable,
  messageIdFor,
  parseRetryAfter,
  type EmailMessage,
} from '../../services/ports/email';
import { decodeHeader, decodeQuotedPrintable, readEml } from '../support/eml';
import { FakeCredential, StubGraph } from '../support/stubGraph';

const LINK = 'https://consent.example/consent/AbCdEfGhIjKlMnOpQrStUvWxYz0123456789_-abcde';

function message(overrides: Partial<EmailMessage> = {}): EmailMessage {
  return {
    idempotencyKey: '5b1f0a52-6a0e-4c1e-9a55-3f7c2f0e9d11',
    to: { address: 'dana@customer.example', name: 'Dana Ünal' },
    replyTo: { address: 'pat@partner.example', name: 'Pat Partner' },
    subject: 'Fabrikam asks for your consent: Copilot – Accelerate',
    text: `Dear Dana,\n\nWhat you agree to: a long paragraph ${'that goes on and on '.repeat(8)}with ünïcödé.\n\nAccept or decline here: ${LINK}\n`,
    html: `<p>Dear Dana,</p><p><a href="${LINK}">Accept or decline</a></p>`,
    actionUrl: LINK,
    ...overrides,
  };
}

describe('LocalEmailSender', () => {
  let dataDir: string;
  const logged: { details: object; message: string }[] = [];
  const log = { info: (details: object, msg: string) => logged.push({ details, message: msg }) };

  beforeEach(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'mci-mail-'));
    logged.length = 0;
  });

  afterEach(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('writes an RFC 5322 .eml named after the idempotency key and logs the link', async () => {
    const sender = new LocalEmailSender({ dataDir, log, clock: new FixedClock(new Date('2026-03-02T09:00:00Z')) });
    expect(await sender.send(message())).toEqual({ ok: true });
    const file = path.join(dataDir, 'mail', '5b1f0a52-6a0e-4c1e-9a55-3f7c2f0e9d11.eml');
    const eml = await readEml(file);
    expect(eml.headers['message-id']).toBe('<5b1f0a52-6a0e-4c1e-9a55-3f7c2f0e9d11@mci-engagement-assistant>');
    expect(eml.headers['mime-version']).toBe('1.0');
    expect(eml.headers.date).toBe('Mon, 02 Mar 2026 09:00:00 +0000');
    expect(decodeHeader(eml.headers.subject ?? '')).toBe('Fabrikam asks for your consent: Copilot – Accelerate');
    expect(decodeHeader(eml.headers.to ?? '')).toBe('Dana Ünal <dana@customer.example>');
    expect(eml.headers['reply-to']).toBe('Pat Partner <pat@partner.example>');
    expect(eml.text).toBe(message().text);
    expect(eml.html).toBe(message().html);
    expect(logged).toEqual([{ message: 'email stored', details: expect.objectContaining({ link: LINK, file, to: 'dana@customer.example' }) as unknown }]);
  });

  it('does not log the link outside local mode', async () => {
    await new LocalEmailSender({ dataDir, log, logLinks: false }).send(message());
    expect(logged).toHaveLength(1);
    expect(JSON.stringify(logged)).not.toContain(LINK);
  });

  it('overwrites the same file on a retry instead of writing a second one', async () => {
    const sender = new LocalEmailSender({ dataDir, log });
    await sender.send(message({ subject: 'first try' }));
    await sender.send(message({ subject: 'second try' }));
    const files = await readdir(path.join(dataDir, 'mail'));
    expect(files).toEqual(['5b1f0a52-6a0e-4c1e-9a55-3f7c2f0e9d11.eml']);
    expect((await readEml(path.join(dataDir, 'mail', files[0] ?? ''))).headers.subject).toBe('second try');
  });

  it('is the EMAIL channel handler for outbox rows, and dead-letters a payload that is not an email', async () => {
    const handler = emailChannelHandler(new LocalEmailSender({ dataDir, log }));
    const row = {
      id: 'row-1',
      idempotencyKey: 'row-1',
      channel: 'EMAIL' as const,
      event: 'consent.requested',
      recipient: 'dana@customer.example',
      claimId: 'CLM-1',
      partnerId: 'P',
      attempt: 1,
      createdAt: new Date(),
    };
    const { to, subject, text, html, actionUrl } = { ...message(), to: 'dana@customer.example' };
    expect(await handler.send({ ...row, payload: { to, subject, text, html, actionUrl } })).toEqual({ ok: true });
    expect(await readdir(path.join(dataDir, 'mail'))).toEqual(['row-1.eml']);
    expect(await handler.send({ ...row, payload: { nothing: true } })).toMatchObject({ ok: false, retryable: false });
  });
});

describe('quoted-printable', () => {
  it('round-trips and keeps lines within 76 characters', () => {
    const text = `${'é'.repeat(60)} = ${'x'.repeat(200)}\nsecond line ends with a space \n${LINK}`;
    const encoded = encodeQuotedPrintable(text);
    expect(encoded.split('\r\n').every((line) => line.length <= 76)).toBe(true);
    expect(decodeQuotedPrintable(encoded)).toBe(text);
  });
});

describe('parseRetryAfter', () => {
  const now = new Date('2026-03-02T09:00:00Z');
  it('reads seconds and HTTP dates', () => {
    expect(parseRetryAfter('30', now)).toBe(30_000);
    expect(parseRetryAfter('Mon, 02 Mar 2026 09:01:00 GMT', now)).toBe(60_000);
    expect(parseRetryAfter(null, now)).toBeUndefined();
    expect(parseRetryAfter('soon', now)).toBeUndefined();
  });
});

describe('GraphEmailSender against a stub Graph on loopback', () => {
  const graph = new StubGraph();
  const credential = new FakeCredential();
  let sender: GraphEmailSender;

  beforeAll(async () => {
    const baseUrl = await graph.start();
    sender = new GraphEmailSender({ sender: 'consent@fabrikam.example', credential, baseUrl, clock: new FixedClock(new Date('2026-03-02T09:00:00Z')) });
  });

  afterAll(async () => {
    await graph.stop();
  });

  beforeEach(() => {
    graph.requests.length = 0;
    graph.responses.length = 0;
    credential.fail = false;
  });

  it('sends with POST /users/{sender}/sendMail, a bearer token for Graph and a stable Message-ID', async () => {
    graph.responses.push({ status: 202 });
    expect(await sender.send(message())).toEqual({ ok: true });
    expect(credential.scopes.at(-1)).toBe('https://graph.microsoft.com/.default');
    const [request] = graph.requests;
    expect(request?.path).toBe('/v1.0/users/consent%40fabrikam.example/sendMail');
    expect(request?.authorization).toBe('Bearer fake-graph-token');
    expect(request?.body).toEqual({
      message: {
        subject: message().subject,
        body: { contentType: 'HTML', content: message().html },
        toRecipients: [{ emailAddress: { address: 'dana@customer.example', name: 'Dana Ünal' } }],
        replyTo: [{ emailAddress: { address: 'pat@partner.example', name: 'Pat Partner' } }],
        internetMessageId: '<5b1f0a52-6a0e-4c1e-9a55-3f7c2f0e9d11@mci-engagement-assistant>',
        internetMessageHeaders: [{ name: 'X-MCI-Idempotency-Key', value: '5b1f0a52-6a0e-4c1e-9a55-3f7c2f0e9d11' }],
      },
      saveToSentItems: true,
    });
  });

  it('reports 429 as retryable after the Retry-After it was given', async () => {
    graph.responses.push({ status: 429, headers: { 'retry-after': '17' }, body: { error: { code: 'ApplicationThrottled', message: 'Too many requests' } } });
    expect(await sender.send(message())).toEqual({
      ok: false,
      retryable: true,
      retryAfterMs: 17_000,
      reason: 'Microsoft Graph answered 429: ApplicationThrottled — Too many requests',
    });
  });

  it('reports 500 as retryable', async () => {
    graph.responses.push({ status: 500, body: { error: { code: 'InternalServerError', message: 'Something broke' } } });
    expect(await sender.send(message())).toEqual({ ok: false, retryable: true, reason: 'Microsoft Graph answered 500: InternalServerError — Something broke' });
  });

  it('reports 400 as permanent', async () => {
    graph.responses.push({ status: 400, body: { error: { code: 'ErrorInvalidRecipients', message: 'At least one recipient is not valid.' } } });
    expect(await sender.send(message())).toEqual({
      ok: false,
      retryable: false,
      reason: 'Microsoft Graph answered 400: ErrorInvalidRecipients — At least one recipient is not valid.',
    });
  });

  it('reports a credential failure as retryable without calling Graph', async () => {
    credential.fail = true;
    expect(await sender.send(message())).toMatchObject({ ok: false, retryable: true, reason: expect.stringContaining('access token') as unknown });
    expect(graph.requests).toHaveLength(0);
  });

  it('reports an unreachable Graph as retryable', async () => {
    const offline = new GraphEmailSender({ sender: 'consent@fabrikam.example', credential, baseUrl: 'http://127.0.0.1:1/v1.0' });
    expect(await offline.send(message())).toMatchObject({ ok: false, retryable: true, reason: expect.stringContaining('could not be reached') as unknown });
  });
});

describe('the Message-ID of an outbox email', () => {
  const graph = new StubGraph();
  let dataDir: string;

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'mci-mail-id-'));
  });

  afterAll(async () => {
    await graph.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('is derived from the outbox id, the same in the .eml and in Graph, and on every attempt', async () => {
    const baseUrl = await graph.start();
    const local = emailChannelHandler(new LocalEmailSender({ dataDir, log: { info: () => undefined } }));
    const remote = emailChannelHandler(new GraphEmailSender({ sender: 'consent@fabrikam.example', credential: new FakeCredential(), baseUrl }));
    const outboxId = 'c0ffee00-1111-4222-8333-444455556666';
    const { to, subject, text, html } = { ...message(), to: 'dana@customer.example' };
    const row = { id: outboxId, idempotencyKey: outboxId, channel: 'EMAIL' as const, event: 'consent.requested', recipient: to, claimId: null, partnerId: null, createdAt: new Date(), payload: { to, subject, text, html } };
    const expected = `<${outboxId}@mci-engagement-assistant>`;
    expect(messageIdFor(outboxId)).toBe(expected);
    for (const attempt of [1, 2]) {
      expect(await local.send({ ...row, attempt })).toEqual({ ok: true });
      expect((await readEml(path.join(dataDir, 'mail', `${outboxId}.eml`))).headers['message-id']).toBe(expected);
      graph.responses.push({ status: 202 });
      expect(await remote.send({ ...row, attempt })).toEqual({ ok: true });
    }
    const sent = graph.requests.map((request) => (request.body as { message: { internetMessageId: string } }).message.internetMessageId);
    expect(sent).toEqual([expected, expected]);
  });
});
