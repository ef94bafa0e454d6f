import { buildServices } from '../../bot/composition';
import { DEMO } from '../../prisma/demoData';
import type { AppServices } from '../../services';
import type { BulkAddReport, CheckedRow } from '../../services/bulkAdd';
import type { Database } from '../../services/db';
import type { Caller, PartnerCaller } from '../../services/directory';
import { FixedClock } from '../../services/shared/clock';
import { BULK_HEADER, csvFile, seedEligibleTpids, tpidRows, xlsxFile } from '../support/bulkAddFiles';
import { createDemoDatabase } from '../support/testDatabase';

/** Bulk add against the real database on the demo data: the report creates nothing, the add creates each row once. */
const NOW = new Date('2026-11-24T09:00:00.000Z');
const CONSENT = { tokenSecret: 't'.repeat(40), publicBaseUrl: 'https://bot.test' };

const contact = ['Ray Tanaka', 'ray@bellowscollege.com'];

/** A file with a row of every kind (header is row 1). */
const MIXED = [
  BULK_HEADER,
  ['bellowscollege.com', '', 'azure migrate', '', '', ...contact, ''], // 2: added
  ['contoso.com', '', 'azure migrate', '', '', 'Ray', 'ray@contoso.com', ''], // 3: known, claim instead
  ['lakeshoreretail.com', '', 'azure migrate', '', '', 'Ray', 'ray@lakeshoreretail.com', ''], // 4: ineligible
  ['9d8a42de-8e45-4354-a9f5-46c055145f5c', '', 'copilot', '', '', 'Ray', 'ray@contoso.com', ''], // 5: GUID without its type
  ['7-DYRWTGWT6Q', '', 'azure innovate', 'Datum innovate', '', 'Ray', 'ray@adatum.com', '10'], // 6: added, VARIABLE
  ['53677083', 'tpid', 'security', '', '', 'Ray', 'not-an-email', ''], // 7: bad contact email
  ['BELLOWSCOLLEGE.COM', 'Domain', 'Azure Migrate and Modernize', '', '', ...contact, ''], // 8: same as row 2
  ['93624013', '', 'azure migrate', '', '', 'Ray', 'ray@alpineskihouse.com', '5'], // 9: hours on a FIXED engagement
  ['53677083', '', 'no such engagement', '', '', 'Ray', 'ray@firstup.com', ''], // 10: unknown engagement
  ['', '', '', '', '', '', '', ''], // empty: skipped
];

describe('bulk add (services, demo data)', () => {
  let db: Database;
  let services: AppServices;
  let adminA: PartnerCaller;
  let adminB: PartnerCaller;
  let noRoleA: Caller;

  const partnerUser = (caller: Caller): PartnerCaller => {
    if (caller.kind !== 'partnerUser') throw new Error(`expected a partner user, got ${caller.kind}`);
    return caller;
  };
  const counts = async () => ({
    claims: await db.prisma.claim.count(),
    customers: await db.prisma.customer.count(),
    audits: await db.prisma.auditEvent.count(),
  });
  const report = async (name: string, bytes: Buffer, caller: Caller = adminA): Promise<BulkAddReport> => {
    const checked = await services.bulkAdd.check(caller, { name, bytes });
    if (!checked.ok) throw new Error(checked.message);
    return checked.report;
  };
  const byRow = (rows: readonly CheckedRow[], row: number) => rows.find((r) => r.row === row);

  beforeAll(async () => {
    db = await createDemoDatabase(NOW);
    services = buildServices({ db, clock: new FixedClock(NOW), consent: CONSENT });
    adminA = partnerUser(await services.directory.findCaller(DEMO.users.adminA));
    adminB = partnerUser(await services.directory.findCaller(DEMO.users.adminB));
    noRoleA = await services.directory.findCaller(DEMO.users.noRoleA);
  });
  afterAll(() => db.close());

  it('checks every row with the rules of Add customer and creates nothing: added, claim instead, refused with row, column and value', async () => {
    const before = await counts();
    const checked = await report('customers.csv', csvFile(MIXED));
    expect(await counts()).toEqual(before);
    expect([checked.toAdd, checked.toClaim, checked.refused]).toEqual([2, 1, 6]);
    expect(byRow(checked.rows, 2)).toMatchObject({ kind: 'add', engagementName: 'Azure Migrate and Modernize', input: { customerId: { type: 'DOMAIN', value: 'bellowscollege.com' }, locationId: DEMO.locations.seattle } });
    expect(byRow(checked.rows, 3)).toMatchObject({ kind: 'claim', customerName: 'Contoso Ltd', engagementName: 'Azure Migrate and Modernize' });
    expect(byRow(checked.rows, 4)).toMatchObject({ kind: 'refused', column: 'Customer ID', value: 'lakeshoreretail.com', reason: expect.stringContaining('consumption') as unknown });
    expect(byRow(checked.rows, 5)).toMatchObject({ kind: 'refused', column: 'ID type', value: '', reason: expect.stringContaining('tenant ID or an Azure subscription ID') as unknown });
    expect(byRow(checked.rows, 6)).toMatchObject({ kind: 'add', input: { customerId: { type: 'MSX_OPPORTUNITY_ID' }, hours: '10', friendlyName: 'Datum innovate' } });
    expect(byRow(checked.rows, 7)).toMatchObject({ kind: 'refused', column: 'Customer contact email', value: 'not-an-email' });
    expect(byRow(checked.rows, 8)).toMatchObject({ kind: 'refused', column: 'Customer ID', reason: expect.stringContaining('Row 2 already adds this customer') as unknown });
    expect(byRow(checked.rows, 9)).toMatchObject({ kind: 'refused', column: 'Hours', value: '5', reason: expect.stringContaining('only given for variable pay') as unknown });
    expect(byRow(checked.rows, 10)).toMatchObject({ kind: 'refused', column: 'Engagement', value: 'no such engagement' });
    expect(checked.rows.map((r) => r.row)).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });

  it('offers a corrected file: every row as read, with its result and what to fix', async () => {
    const checked = await report('customers.csv', csvFile(MIXED));
    const corrected = await services.bulkAdd.correctedFile(checked.fileId, adminA);
    expect(corrected?.fileName).toBe('customers-checked.csv');
    const lines = corrected?.text.replace(/^\uFEFF/, '').split('\r\n') ?? [];
    expect(lines[0]).toContain('Customer ID,ID type,Engagement');
    expect(lines[1]).toMatch(/^bellowscollege\.com,domain,Azure Migrate and Modernize,Bellows College – Azure Migrate and Modernize,4105567,/);
    expect(lines[1]).toContain('will be added');
    expect(lines[6]).toMatch(/refused,"Customer contact email: /);
    // Someone else's file is not theirs to download.
    expect(await services.bulkAdd.correctedFile(checked.fileId, adminB)).toBeNull();
  });

  it('adds the rows that will be added, each claim its own transaction and audit event; a second click adds nothing', async () => {
    const checked = await report('customers.xlsx', await xlsxFile(MIXED));
    expect([checked.toAdd, checked.toClaim, checked.refused]).toEqual([2, 1, 6]);
    const before = await counts();
    const outcome = await services.bulkAdd.add(adminA, checked.fileId);
    if (outcome.kind !== 'added') throw new Error(outcome.kind);
    expect(outcome.result.added.map((a) => a.row)).toEqual([2, 6]);
    expect(outcome.result.failed).toEqual([]);
    expect(outcome.result.skipped).toBe(7);
    const claimIds = outcome.result.added.flatMap((a) => a.claims.map((c) => c.id));
    const audits = await db.prisma.auditEvent.findMany({ where: { claimId: { in: claimIds } } });
    expect(audits.map((a) => a.action).sort()).toEqual(['claim.added', 'claim.added']);
    expect(new Set(audits.map((a) => a.claimId)).size).toBe(2);
    const after = await counts();
    expect(after.claims - before.claims).toBe(2);

    // Double click, and a second instance racing: nothing more.
    const [again, race] = await Promise.all([services.bulkAdd.add(adminA, checked.fileId), services.bulkAdd.add(adminA, checked.fileId)]);
    expect(again.kind).toBe('alreadyAdded');
    expect(race.kind).toBe('alreadyAdded');
    expect(await counts()).toEqual(after);
    // The same file sent and added again: Add customer refuses the rows already added (an open claim of yours).
    const resent = await report('customers.xlsx', await xlsxFile(MIXED));
    expect(resent.toAdd).toBe(0);
    expect(byRow(resent.rows, 2)).toMatchObject({ kind: 'refused', reason: expect.stringContaining('already has an open claim of yours') as unknown });
  });

  it('two clicks at once add each row once', async () => {
    const tpids = await seedEligibleTpids(db, DEMO.engagements.security, 810_000_001, 5);
    const checked = await report('race.csv', csvFile(tpidRows(tpids, 'security')));
    expect(checked.toAdd).toBe(5);
    const before = await counts();
    const outcomes = await Promise.all([services.bulkAdd.add(adminA, checked.fileId), services.bulkAdd.add(adminA, checked.fileId)]);
    expect(outcomes.map((o) => o.kind).sort()).toEqual(['added', 'inProgress']);
    expect((await counts()).claims - before.claims).toBe(5);
  });

  it('a user of another partner (or of none) can neither add nor download a file, and nothing changes', async () => {
    const tpids = await seedEligibleTpids(db, DEMO.engagements.security, 820_000_001, 2);
    const checked = await report('mine.csv', csvFile(tpidRows(tpids, 'security')));
    const before = await counts();
    await expect(services.bulkAdd.add(adminB, checked.fileId)).rejects.toThrow('not one you sent');
    await expect(services.bulkAdd.add(noRoleA, checked.fileId)).rejects.toThrow();
    await expect(services.bulkAdd.check(noRoleA, { name: 'mine.csv', bytes: csvFile(tpidRows(tpids, 'security')) })).rejects.toThrow();
    await expect(services.bulkAdd.add(adminA, 'not-a-uuid')).rejects.toThrow('not one you sent');
    expect(await counts()).toEqual(before);
  });

  it('partner B checks the same ids against its own data: Contoso is new to partner B, so it is added, not claimed', async () => {
    const checked = await report('b.csv', csvFile([BULK_HEADER, ['contoso.com', '', 'azure migrate', '', '', 'Ray', 'ray@contoso.com', '']]), adminB);
    expect(checked.rows[0]?.kind).not.toBe('claim');
  });

  describe('a file that cannot be read gets a clear answer and changes nothing', () => {
    const refusedWith = async (name: string, bytes: Buffer, pattern: RegExp) => {
      const before = await counts();
      const files = await db.prisma.bulkAddFile.count();
      const checked = await services.bulkAdd.check(adminA, { name, bytes });
      expect(checked).toEqual({ ok: false, message: expect.stringMatching(pattern) as unknown });
      expect(await counts()).toEqual(before);
      expect(await db.prisma.bulkAddFile.count()).toBe(files);
    };

    it('empty', () => refusedWith('empty.csv', Buffer.alloc(0), /empty\.csv is empty/));
    it('a header and no rows', () => refusedWith('header.csv', csvFile([BULK_HEADER]), /no customers in it/));
    it('malformed CSV', () => refusedWith('bad.csv', Buffer.from('Customer ID,Engagement\n"contoso.com,security\n'), /is not a valid CSV/));
    it('without the required columns', () => refusedWith('cols.csv', csvFile([['Customer', 'Name'], ['contoso.com', 'x']]), /lacks the column\(s\) Engagement/));
    it('more than 500 rows', async () => {
      const rows = [BULK_HEADER, ...Array.from({ length: 501 }, (_, i) => [String(900_000_000 + i), '', 'security', '', '', 'A', 'a@example.com', ''])];
      await refusedWith('long.csv', csvFile(rows), /more than 500 rows/);
      await refusedWith('long.xlsx', await xlsxFile(rows), /more than 500 rows/);
    });
    it('over 1 MB', () => refusedWith('big.csv', Buffer.alloc(1024 * 1024 + 1, 'a'), /at most 1 MB/));
    it('a picture', () => refusedWith('logo.png', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), /not a spreadsheet I can read/));
    it('a picture renamed .csv', () => refusedWith('logo.csv', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0x0a, 0x1a, 0x0a]), /not a text file/));
    it('a CSV renamed .xlsx', () => refusedWith('plain.xlsx', csvFile(MIXED), /not an Excel workbook/));
    it('a Word document renamed .xlsx', async () => {
      // A .docx is a zip package like an .xlsx, with a document instead of worksheets.
      const docx = await xlsxFile([['x']]);
      const JSZip = (await import('jszip')).default;
      const zip = await JSZip.loadAsync(docx);
      for (const name of Object.keys(zip.files)) if (name.startsWith('xl/')) zip.remove(name);
      zip.file('word/document.xml', '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"/>');
      await refusedWith('letter.xlsx', await zip.generateAsync({ type: 'nodebuffer' }), /not an Excel workbook|no worksheet/);
    });
  });
});
