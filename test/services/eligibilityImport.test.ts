import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Database } from '../../services/db';
import { importEligibility, parseCsv, reportText } from '../../services/ports/eligibilityImport';
import { FixedClock } from '../../services/shared/clock';
import { Fixtures, T0, buildWorld, type World } from '../support/fixtures';
import { TEST_SERVER_ENV, createTestDatabase, withAdminClient } from '../support/testDatabase';

let db: Database;
let world: World;
let engagementName: string;
const clock = new FixedClock(T0);

beforeAll(async () => {
  db = await createTestDatabase();
  world = await buildWorld(new Fixtures(db));
  engagementName = (await db.prisma.engagement.findUniqueOrThrow({ where: { id: world.fixed } })).name;
});

afterAll(async () => {
  await db.close();
});

const entries = () => db.prisma.eligibilityEntry.findMany({ where: { engagementId: world.fixed }, orderBy: [{ idType: 'asc' }, { idValue: 'asc' }] });
const audits = () => db.prisma.auditEvent.count({ where: { action: 'eligibility.imported' } });

describe('npm run import -- eligibility: the eligibility lists a partner downloads from Partner Center', () => {
  it('reads quoted fields, CRLF and a BOM', () => {
    expect(parseCsv('\uFEFFa,"b, ""c""",d\r\n1,2,3\n')).toEqual([
      ['a', 'b, "c"', 'd'],
      ['1', '2', '3'],
    ]);
  });

  it('refuses a malformed file (a quote never closed) and changes nothing', async () => {
    const before = await entries();
    const report = await importEligibility(db, clock, 'Engagement,IdType,IdValue,Eligible\r\n"unclosed,TPID,1,yes\r\n');
    expect(report).toMatchObject({ ok: false, rows: 0, problems: [{ reason: 'The file is not valid CSV: a quoted field is not closed, or a quote is out of place.' }] });
    expect(await entries()).toEqual(before);
  });

  it('loads a good file in one go, audited; the same file again changes nothing', async () => {
    const csv = [
      'Engagement,IdType,IdValue,Eligible,Reason',
      `"${engagementName}",tpid,5550001,yes,`,
      `${world.fixed},DOMAIN,HTTPS://Contoso-Import.example/,no,"Already engaged, in FY26"`,
      '',
    ].join('\r\n');
    expect(await importEligibility(db, clock, csv)).toEqual({ ok: true, rows: 2, added: 2, changed: 0, unchanged: 0 });
    expect((await entries()).map((e) => [e.idType, e.idValue, e.eligible, e.reason])).toEqual(
      expect.arrayContaining([
        ['TPID', '5550001', true, null],
        ['DOMAIN', 'contoso-import.example', false, 'Already engaged, in FY26'],
      ]),
    );
    expect(await audits()).toBe(1);
    const again = await importEligibility(db, clock, csv);
    expect(again).toEqual({ ok: true, rows: 2, added: 0, changed: 0, unchanged: 2 });
    expect(reportText(again)).toBe('Eligibility imported: 2 rows, 0 added, 0 changed, 2 already as in the file.');
    expect(await audits()).toBe(1);
    expect(await importEligibility(db, clock, `engagement,idType,idValue,eligible\n${world.fixed},TPID,5550001,no\n`)).toMatchObject({ ok: true, changed: 1 });
  });

  it('refuses a file with any bad row, naming each line and why, and changes nothing', async () => {
    const before = await entries();
    const auditsBefore = await audits();
    const csv = [
      'engagement,idType,idValue,eligible,reason',
      `${world.fixed},TPID,5550002,yes,`,
      'No Such Engagement,TPID,5550003,yes,',
      `${world.fixed},PHONE,123,yes,`,
      `${world.fixed},TPID,abc,yes,`,
      `${world.fixed},TPID,5550004,maybe,`,
      `${world.fixed},TPID,5550002,no,`,
    ].join('\n');
    const report = await importEligibility(db, clock, csv);
    expect(report).toMatchObject({ ok: false, rows: 6 });
    expect(reportText(report).split('\n')).toEqual([
      'Nothing was imported: 5 row(s) need fixing.',
      'line 3: no engagement is called "No Such Engagement".',
      'line 4: idType must be one of DOMAIN, TENANT_ID, TPID, AZURE_SUBSCRIPTION_ID, MSX_OPPORTUNITY_ID.',
      expect.stringMatching(/^line 5: .*TPID.*\.$/) as unknown as string,
      'line 6: eligible must be yes or no.',
      'line 7: the same engagement and id as line 2.',
    ]);
    expect(await entries()).toEqual(before);
    expect(await audits()).toBe(auditsBefore);
    expect(await importEligibility(db, clock, 'engagement,idValue\nx,1\n')).toEqual({
      ok: false,
      rows: 1,
      problems: [{ line: 1, reason: 'The header row lacks the column(s) idtype, eligible; expected engagement, idtype, idvalue, eligible, reason.' }],
    });
  });
});

describe('the import command', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'mci-import-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const run = (args: string[], env: NodeJS.ProcessEnv) =>
    new Promise<{ code: number; out: string }>((resolve) => {
      execFile(path.resolve(__dirname, '../../node_modules/.bin/tsx'), ['prisma/import.ts', ...args], { cwd: path.resolve(__dirname, '../..'), env: { ...process.env, ...env } }, (error, stdout, stderr) => {
        resolve({ code: error ? Number(error.code ?? 1) : 0, out: `${stdout}${stderr}` });
      });
    });

  it('migrates DATABASE_URL, refuses a bad file there with exit 1 naming the line, and explains usage', async () => {
    const serverUrl = process.env[TEST_SERVER_ENV] ?? '';
    const name = `mci_import_${randomBytes(4).toString('hex')}`;
    await withAdminClient(serverUrl, (admin) => admin.query(`CREATE DATABASE ${name}`));
    const url = new URL(serverUrl);
    url.pathname = `/${name}`;
    try {
      const bad = path.join(dir, 'bad.csv');
      writeFileSync(bad, 'engagement,idType,idValue,eligible\nnobody,TPID,1,yes\n');
      const refused = await run(['eligibility', bad], { DATABASE_URL: url.toString() });
      expect(refused).toMatchObject({ code: 1 });
      expect(refused.out).toContain('line 2: no engagement is called "nobody".');
      expect(await run(['eligibility'], {})).toMatchObject({ code: 2, out: expect.stringContaining('Usage: npm run import -- eligibility <file.csv>   or   npm run import -- review <file.csv>') as unknown });
      writeFileSync(bad, 'claimId,outcome\nCLM-NOPE,COMPLETED\n');
      const review = await run(['review', bad], { DATABASE_URL: url.toString() });
      expect(review).toMatchObject({ code: 1, out: expect.stringContaining('line 2: no claim CLM-NOPE exists.') as unknown });
    } finally {
      await withAdminClient(serverUrl, (admin) => admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    }
  }, 60_000);
});
