import pino from 'pino';
import { startApp, type RunningApp } from '../../bot/app';
import { loadConfig } from '../../bot/config';
import { CARD_ACTIVITY_KEY } from '../../bot/directLineCards';
import { CONFIRM_BULK_ADD_ACTION } from '../../cards/actions';
import { DEMO } from '../../prisma/demoData';
import type { Database } from '../../services/db';
import { cardOf } from '../support/activities';
import { BULK_HEADER, csvFile, seedEligibleTpids, tpidRows, xlsxFile } from '../support/bulkAddFiles';
import { adaptiveCardErrors } from '../support/cardSchema';
import { requestJson } from '../support/requestJson';
import { createDemoDatabase } from '../support/testDatabase';

/**
 * Bulk add through the real HTTP server on loopback, as Web Chat does it: a file uploaded to the
 * local Direct Line channel (multipart), the report card, its checked file downloaded from the
 * signed link, and *Add N customers* pressed on the card (an invoke whose answer replaces the card).
 */
const logger = pino({ level: 'silent' });

type Activity = Record<string, unknown> & { id: string; type: string; from: { role?: string }; text?: string };

describe('bulk add through the real server (local mode, Web Chat upload)', () => {
  let app: RunningApp | undefined;
  let db: Database;
  let session: { conversationId: string; token: string };

  const url = (path: string) => {
    if (!app) throw new Error('app not started');
    return `${app.url}${path}`;
  };
  const activities = async (): Promise<Activity[]> => {
    const page = await requestJson(url(`/v3/directline/conversations/${session.conversationId}/activities`), { token: session.token });
    return page.body.activities as Activity[];
  };
  /** Polls like Web Chat until a bot activity matches; bounded. */
  const waitFor = async (predicate: (activity: Activity) => boolean): Promise<Activity> => {
    for (let attempt = 0; attempt < 600; attempt += 1) {
      const found = (await activities()).filter((a) => a.from.role === 'bot').findLast(predicate);
      if (found) return found;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error('the expected activity never arrived');
  };
  const cardText = (activity: Activity) => JSON.stringify(cardOf(activity) ?? {});

  /** Web Chat's upload: an `activity` part and a `file` part. */
  const upload = (name: string, bytes: Buffer, type: string) => {
    const form = new FormData();
    form.append('activity', new Blob([JSON.stringify({ type: 'message', attachments: [{ contentType: type, name }] })], { type: 'application/vnd.microsoft.activity' }));
    form.append('file', new Blob([new Uint8Array(bytes)], { type }), name);
    return fetch(url(`/v3/directline/conversations/${session.conversationId}/upload?userId=${DEMO.users.adminA}`), { method: 'POST', headers: { authorization: `Bearer ${session.token}` }, body: form });
  };

  /** The report card's *Add* button pressed: Web Chat posts its data, tagged with the card's activity. */
  const pressAdd = async (report: Activity) => {
    const card = cardOf(report) ?? {};
    const actions = (card.actions ?? []) as { data?: Record<string, unknown> }[];
    const data = actions.map((a) => a.data).find((d) => d?.action === CONFIRM_BULK_ADD_ACTION);
    if (!data) throw new Error(`no Add button on ${JSON.stringify(card)}`);
    expect(data[CARD_ACTIVITY_KEY]).toBe(report.id);
    const posted = await requestJson(url(`/v3/directline/conversations/${session.conversationId}/activities`), { method: 'POST', token: session.token, body: { type: 'message', value: data } });
    expect(posted.status).toBe(200);
  };

  beforeAll(async () => {
    db = await createDemoDatabase();
    app = await startApp(loadConfig({ PORT: '0', SCHEDULER_INTERVAL_SECONDS: '3600' }), { logger, db, host: '127.0.0.1' });
    const generated = await requestJson(url('/v3/directline/tokens/generate'), { method: 'POST', body: { user: { id: DEMO.users.adminA, name: 'Adele Vance' } } });
    session = { conversationId: String(generated.body.conversationId), token: String(generated.body.token) };
    await requestJson(url('/v3/directline/conversations'), { method: 'POST', token: session.token, body: {} });
    await waitFor((a) => cardText(a).includes('MCI Engagement Assistant'));
  });
  afterAll(async () => {
    await app?.stop();
  });

  it('a CSV uploaded: the report, the checked file from its signed link, Add pressed once and twice', async () => {
    const tpids = await seedEligibleTpids(db, DEMO.engagements.security, 850_000_001, 3);
    const rows = [...tpidRows(tpids, 'security'), ['contoso.com', '', 'azure migrate', '', '', 'Ray', 'ray@contoso.com', '']];
    const claimsBefore = await db.prisma.claim.count();
    const posted = await upload('customers.csv', csvFile(rows), 'text/csv');
    expect(posted.status).toBe(200);

    const report = await waitFor((a) => cardText(a).includes('Bulk add: customers.csv'));
    expect(adaptiveCardErrors(cardOf(report) ?? {})).toEqual([]);
    expect(cardText(report)).toContain('4 rows checked: 3 will be added, 1 must be claimed instead, 0 refused.');
    expect(await db.prisma.claim.count()).toBe(claimsBefore);

    // The checked file, from the link on the card (pointed at this server's real port).
    const link = /\((http[^)]+\/files\/bulk-add\/[^)]+)\)/.exec(cardText(report))?.[1];
    if (!link) throw new Error('no download link');
    const address = new URL(link);
    const download = await fetch(url(`${address.pathname}${address.search}`));
    expect(download.status).toBe(200);
    expect(download.headers.get('content-type')).toContain('text/csv');
    const checked = await download.text();
    expect(checked).toContain(`${tpids[0]},tpid,Security`);
    expect(checked).toContain('claim instead');
    // A tampered or foreign link opens nothing.
    // The signature's first character changed (to one it is not), so the link is always a tampered one.
    const tampered = address.search.replace(/sig=(.)/, (_match, first: string) => `sig=${first === 'A' ? 'B' : 'A'}`);
    expect((await fetch(url(`${address.pathname}${tampered}`))).status).toBe(403);

    await pressAdd(report);
    const added = await waitFor((a) => a.id === report.id && cardText(a).includes('Added from customers.csv'));
    expect(cardText(added)).toContain('3 customers added');
    expect(await db.prisma.claim.count()).toBe(claimsBefore + 3);

    await pressAdd(report);
    await waitFor((a) => a.id === report.id && cardText(a).includes('This file was added already'));
    expect(await db.prisma.claim.count()).toBe(claimsBefore + 3);
  });

  it('an .xlsx uploaded is checked and added the same way', async () => {
    const tpids = await seedEligibleTpids(db, DEMO.engagements.security, 860_000_001, 2);
    const claimsBefore = await db.prisma.claim.count();
    expect((await upload('customers.xlsx', await xlsxFile(tpidRows(tpids, 'security')), 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')).status).toBe(200);
    const report = await waitFor((a) => cardText(a).includes('Bulk add: customers.xlsx'));
    expect(cardText(report)).toContain('2 rows checked: 2 will be added');
    await pressAdd(report);
    await waitFor((a) => a.id === report.id && cardText(a).includes('Added from customers.xlsx'));
    expect(await db.prisma.claim.count()).toBe(claimsBefore + 2);
  });

  it('a file over the limit, or not a spreadsheet, gets a clear answer and changes nothing', async () => {
    const files = await db.prisma.bulkAddFile.count();
    await upload('big.csv', Buffer.alloc(1024 * 1024 + 10, 'a'), 'text/csv');
    const big = await waitFor((a) => typeof a.text === 'string' && a.text.includes('big.csv'));
    expect(big.text).toContain('a bulk add file can be at most 1 MB');
    await upload('letter.xlsx', csvFile([BULK_HEADER]), 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    const letter = await waitFor((a) => typeof a.text === 'string' && a.text.includes('letter.xlsx'));
    expect(letter.text).toContain('is not an Excel workbook (.xlsx), whatever its name says');
    expect(await db.prisma.bulkAddFile.count()).toBe(files);
    // Past what the channel takes at all, the upload itself is refused.
    expect((await upload('huge.csv', Buffer.alloc(3 * 1024 * 1024, 'a'), 'text/csv')).status).toBe(413);
  });
});
