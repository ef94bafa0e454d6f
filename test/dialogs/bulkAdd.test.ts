import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { MemoryStorage, UserState, type Activity } from 'botbuilder';
import { DialogTestClient } from 'botbuilder-testing';
import { TEAMS_FILE_DOWNLOAD } from '../../bot/fileTransfer';
import { CONFIRM_BULK_ADD_ACTION } from '../../cards/actions';
import { MainDialog } from '../../dialogs/mainDialog';
import { DEMO } from '../../prisma/demoData';
import type { Database } from '../../services/db';
import { FixedClock } from '../../services/shared/clock';
import { BULK_HEADER, csvFile, seedEligibleTpids, tpidRows } from '../support/bulkAddFiles';
import { adaptiveCardErrors } from '../support/cardSchema';
import { allText, dialogDeps, lastCard, submitData, type Reply } from '../support/dialogHarness';
import { createDemoDatabase } from '../support/testDatabase';

/**
 * Bulk add turn by turn through the main dialog: `bulk add`, a file sent as Teams sends one (a
 * download URL, here on loopback), the report, *Add N customers* and its second click.
 */
const NOW = new Date('2026-11-24T09:00:00.000Z');

const MIXED = [
  BULK_HEADER,
  ['bellowscollege.com', '', 'azure migrate', '', '', 'Ray Tanaka', 'ray@bellowscollege.com', ''],
  ['contoso.com', '', 'azure migrate', '', '', 'Ray', 'ray@contoso.com', ''],
  ['lakeshoreretail.com', '', 'azure migrate', '', '', 'Ray', 'ray@lakeshoreretail.com', ''],
];

describe('bulk add in the conversation (demo data)', () => {
  let db: Database;
  let server: Server;
  let base: string;
  const files = new Map<string, Buffer>();

  beforeAll(async () => {
    db = await createDemoDatabase(NOW);
    server = createServer((req, res) => {
      const body = files.get(req.url ?? '');
      // Not chained: restify (loaded by an e2e file earlier in the same worker) patches the core
      // ServerResponse.writeHead, and its version does not return the response.
      res.writeHead(body ? 200 : 404);
      res.end(body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    await db.close();
  });

  function conversation(): DialogTestClient {
    return new DialogTestClient('msteams', new MainDialog(dialogDeps(db, new FixedClock(NOW)), new UserState(new MemoryStorage())));
  }

  async function send(client: DialogTestClient, activity: Partial<Activity>, aadObjectId: string = DEMO.users.adminA): Promise<Reply[]> {
    const replies: Reply[] = [];
    let next = (await client.sendActivity({ type: 'message', from: { id: `teams-${aadObjectId}`, name: 'demo', aadObjectId }, ...activity })) as Partial<Activity> | undefined;
    while (next) {
      const card = next.attachments?.find((a) => a.contentType === 'application/vnd.microsoft.card.adaptive')?.content as Record<string, unknown> | undefined;
      if (card) expect(adaptiveCardErrors(card)).toEqual([]);
      replies.push({ text: next.text ?? '', card });
      next = client.getNextReply();
    }
    return replies;
  }

  /** The file as Teams attaches it in a personal chat. */
  function attach(name: string, bytes: Buffer, url = `/${files.size}/${name}`): Partial<Activity> {
    files.set(url, bytes);
    return { attachments: [{ contentType: TEAMS_FILE_DOWNLOAD, name, content: { downloadUrl: `${base}${url}`, uniqueId: 'x', fileType: name.split('.').pop() } }] };
  }

  it('bulk add: the columns, the limits and the template to download', async () => {
    const replies = await send(conversation(), { text: 'bulk add' });
    const text = allText(replies);
    expect(text).toContain('Bulk add from a spreadsheet');
    expect(text).toContain('At most 500 rows and 1 MB per file');
    expect(text).toMatch(/https:\/\/bot\.test\/files\/bulk-add\/template\?expires=\d+&sig=[\w-]+/);
  });

  it('a file sent: the report (nothing created), then Add N customers creates them once; a second click adds nothing', async () => {
    const client = conversation();
    const claimsBefore = await db.prisma.claim.count();
    const report = await send(client, attach('customers.csv', csvFile(MIXED)));
    const text = allText(report);
    expect(text).toContain('3 rows checked: 1 will be added, 1 must be claimed instead, 1 refused. Nothing has been created yet.');
    expect(text).toContain('Row 4, Customer ID \\"lakeshoreretail.com\\"');
    expect(text).toContain('Download the checked file');
    expect(await db.prisma.claim.count()).toBe(claimsBefore);

    const add = submitData(lastCard(report), (data) => data.action === CONFIRM_BULK_ADD_ACTION);
    const added = await send(client, { value: add });
    expect(allText(added)).toContain('Added from customers.csv');
    expect(allText(added)).toContain('1 customer added');
    expect(await db.prisma.claim.count()).toBe(claimsBefore + 1);

    const again = await send(client, { value: add });
    expect(allText(again)).toContain('This file was added already');
    expect(await db.prisma.claim.count()).toBe(claimsBefore + 1);
  });

  it('a long file gets a progress line while it is checked and while it is added', async () => {
    const tpids = await seedEligibleTpids(db, DEMO.engagements.security, 830_000_001, 60);
    const client = conversation();
    const report = await send(client, attach('long.csv', csvFile(tpidRows(tpids, 'security'))));
    // One line, updated in place as the rows go by.
    expect(report.filter((r) => r.text.startsWith('Checking long.csv')).map((r) => r.text)).toEqual(['Checking long.csv: 50 of 60 rows checked…']);
    expect(allText(report)).toContain('60 will be added');
    const added = await send(client, { value: submitData(lastCard(report), (data) => data.action === CONFIRM_BULK_ADD_ACTION) });
    expect(added.filter((r) => r.text.startsWith('Adding customers')).map((r) => r.text)).toEqual(['Adding customers: 50 of 60 added…']);
    expect(allText(added)).toContain('60 customers added');
  });

  it('a file that is not a spreadsheet, or cannot be fetched, is refused with a clear answer', async () => {
    const client = conversation();
    expect(allText(await send(client, attach('logo.png', Buffer.from([0x89, 0x50, 0x4e, 0x47]))))).toContain('logo.png is not a spreadsheet I can read. Send a .csv file or an Excel workbook (.xlsx)');
    expect(allText(await send(client, attach('gone.csv', Buffer.alloc(0), '/never-served')))).toContain('gone.csv is empty');
    files.delete('/never-served');
    expect(allText(await send(client, { attachments: [{ contentType: TEAMS_FILE_DOWNLOAD, name: 'far.csv', content: { downloadUrl: `${base}/missing` } }] }))).toContain('I could not read far.csv from the chat');
    // Local mode reads from this machine only.
    expect(allText(await send(client, { attachments: [{ contentType: TEAMS_FILE_DOWNLOAD, name: 'far.csv', content: { downloadUrl: 'https://example.com/far.csv' } }] }))).toContain('I could not read far.csv from the chat');
  });

  it('someone without a role is refused, and another partner cannot add a file it did not send', async () => {
    const client = conversation();
    const tpids = await seedEligibleTpids(db, DEMO.engagements.security, 840_000_001, 2);
    const file = csvFile(tpidRows(tpids, 'security'));
    const refused = await send(client, attach('mine.csv', file), DEMO.users.noRoleA);
    expect(allText(refused)).toContain('role');
    expect(allText(refused)).not.toContain('rows checked');
    const report = await send(client, attach('mine.csv', file));
    const add = submitData(lastCard(report), (data) => data.action === CONFIRM_BULK_ADD_ACTION);
    const claimsBefore = await db.prisma.claim.count();
    expect(allText(await send(client, { value: add }, DEMO.users.adminB))).toContain('not one you sent');
    expect(await db.prisma.claim.count()).toBe(claimsBefore);
  });
});
