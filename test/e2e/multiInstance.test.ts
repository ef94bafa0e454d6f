import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import path from 'node:path';
import { Client } from 'pg';
import { DEMO } from '../../prisma/demoData';
import { openDatabase, type Database } from '../../services/db/database';
import { applyMigrations } from '../../services/db/migrations';
import { seedDemoData } from '../../prisma/demoData';
import { DEADLINE_EVENTS } from '../../services/claims/deadlines';
import { CaptureConnector } from '../support/captureConnector';
import { cardOf, messageActivity, postActivity } from '../support/activities';
import { submitActions } from '../support/cardActions';

const ROOT = path.resolve(__dirname, '../..');
const TSX = path.join(ROOT, 'node_modules/.bin/tsx');
const SERVER_URL = process.env.TEST_DATABASE_URL;
const TITLE = 'two bot instances on one PostgreSQL';

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

interface Instance {
  name: string;
  url: string;
  child: ChildProcess;
  output(): string;
  exited: Promise<number | null>;
}

async function startInstance(name: string, databaseUrl: string): Promise<Instance> {
  const port = await freePort();
  const child = spawn(TSX, ['bot/main.ts'], {
    cwd: ROOT,
    // The background loop is slowed to once an hour: the test runs the schedulers itself, on both at once.
    env: { ...process.env, DATABASE_URL: databaseUrl, PORT: String(port), LOG_LEVEL: 'warn', SCHEDULER_INTERVAL_SECONDS: '3600' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-20_000)));
  child.stderr?.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-20_000)));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`instance ${name} exited with ${child.exitCode}:\n${output}`);
    try {
      if ((await fetch(`${url}/healthz`)).status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`instance ${name} did not start:\n${output}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return { name, url, child, output: () => output, exited };
}

async function withAdmin<T>(url: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

async function postJson(url: string): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' } });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

/** Everything the bot said in a conversation, cards included, in order. */
function said(connector: CaptureConnector, conversationId: string): string[] {
  return connector.activities
    .filter((activity) => activity.conversationId === conversationId)
    .map((activity) => `${typeof activity.body.text === 'string' ? activity.body.text : ''} ${JSON.stringify(cardOf(activity.body) ?? {})}`);
}

/** `count` claims of both demo partners whose consent window ended a minute ago, one customer each. */
async function insertDueClaims(db: Database, count: number): Promise<void> {
  await db.sql.exec(`
    INSERT INTO "Customer" ("id", "name") SELECT 'mi-' || i, 'Multi-instance customer ' || i FROM generate_series(1, ${count}) i;
    INSERT INTO "Claim" (
      "id", "partnerId", "engagementId", "locationId", "customerId", "idType", "idValue", "friendlyName", "origin", "status",
      "openClaimKey", "customerContactName", "customerContactEmail", "partnerContactName", "partnerContactEmail",
      "consentDeadline", "createdByUserId", "createdAt", "updatedAt")
    SELECT 'CLM-MI' || lpad(i::text, 5, '0'), g.partner, '${DEMO.engagements.security}', g.location, 'mi-' || i, 'TPID', (30000000 + i)::text,
      'Due claim ' || i, 'CLAIMED', (ARRAY['CLAIMED', 'CONSENT_REQUESTED'])[(i % 2) + 1]::"ClaimStatus",
      g.partner || ':${DEMO.engagements.security}:mi-' || i, 'Casey', 'casey@mi' || i || '.example', 'Pat', 'pat@fabrikam.example',
      now() AT TIME ZONE 'UTC' - interval '1 minute', g.creator, now() AT TIME ZONE 'UTC' - interval '31 days', now() AT TIME ZONE 'UTC'
    FROM (
      SELECT i,
        CASE WHEN i % 3 = 0 THEN '${DEMO.partnerB}' ELSE '${DEMO.partnerA}' END AS partner,
        CASE WHEN i % 3 = 0 THEN '${DEMO.locations.munich}' ELSE '${DEMO.locations.seattle}' END AS location,
        CASE WHEN i % 3 = 0 THEN '${DEMO.userIds.adminB}' ELSE '${DEMO.userIds.userA}' END AS creator
      FROM generate_series(1, ${count}) i
    ) g;`);
}

const suite = SERVER_URL ? describe : describe.skip;

suite(SERVER_URL ? TITLE : `${TITLE} — skipped: needs a PostgreSQL server in TEST_DATABASE_URL (run npm run test:postgres)`, () => {
  const serverUrl = SERVER_URL ?? '';
  const name = `mci_multi_${randomBytes(5).toString('hex')}`;
  const connector = new CaptureConnector();
  let serviceUrl = '';
  let db: Database;
  let a: Instance;
  let b: Instance;

  beforeAll(async () => {
    await withAdmin(serverUrl, (admin) => admin.query(`CREATE DATABASE ${name}`));
    const url = new URL(serverUrl);
    url.pathname = `/${name}`;
    db = await openDatabase({ kind: 'postgres', url: url.toString(), poolSize: 4 });
    await applyMigrations(db.sql);
    await seedDemoData(db.prisma, new Date());
    serviceUrl = await connector.start();
    [a, b] = await Promise.all([startInstance('A', url.toString()), startInstance('B', url.toString())]);
  }, 180_000);

  afterAll(async () => {
    for (const instance of [a, b]) {
      if (!instance) continue;
      instance.child.kill('SIGTERM');
      const timer = setTimeout(() => instance.child.kill('SIGKILL'), 15_000);
      await instance.exited;
      clearTimeout(timer);
    }
    await connector.stop();
    await db?.close();
    await withAdmin(serverUrl, (admin) => admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
  }, 60_000);

  it('answers every turn of conversations whose turns alternate between the instances, many at once', async () => {
    const conversations = Array.from({ length: 12 }, (_, index) => `multi-help-${index}-${randomBytes(3).toString('hex')}`);
    const statuses = await Promise.all(
      conversations.map(async (conversationId) => {
        const codes: number[] = [];
        for (const instance of [a, b, a, b]) {
          const res = await postActivity(instance.url, messageActivity({ serviceUrl, conversationId, text: 'help', aadObjectId: DEMO.users.userA }));
          codes.push(res.status);
        }
        return codes;
      }),
    );
    expect(statuses.flat().every((status) => status === 200)).toBe(true);
    for (const conversationId of conversations) {
      const replies = said(connector, conversationId);
      expect(replies).toHaveLength(4);
      for (const reply of replies) expect(reply).toContain('Incentives user');
    }
  }, 60_000);

  it('carries one add-customer flow across both instances; the same confirm sent to both at once adds the customer once', async () => {
    const conversationId = `multi-add-${randomBytes(3).toString('hex')}`;
    const send = (instance: Instance, turn: { text?: string; value?: Record<string, unknown> }) =>
      postActivity(instance.url, messageActivity({ serviceUrl, conversationId, aadObjectId: DEMO.users.adminA, ...turn }));

    expect((await send(a, { text: 'add bellowscollege.com to azure migrate' })).status).toBe(200);
    expect(said(connector, conversationId).join('\n')).toContain('bellowscollege.com');
    // The next answer goes to the other instance, which continues the flow from the state in the database.
    const details = {
      action: 'submitDetails',
      friendlyName: 'Bellows rollout',
      customerName: 'Cameron White',
      customerEmail: 'cameron.white@bellowscollege.com',
      customerPhone: '',
      partnerName: 'Adele Vance',
      partnerEmail: 'adele.vance@fabrikamconsulting.com',
      partnerPhone: '+1 425 555 0101',
    };
    expect((await send(b, { value: details })).status).toBe(200);
    const afterDetails = connector.activities.filter((activity) => activity.conversationId === conversationId);
    const review = afterDetails.map((activity) => cardOf(activity.body)).filter((card) => JSON.stringify(card ?? {}).includes('Review'));
    const confirm = submitActions(review[review.length - 1]).find((action) => action.data.action === 'confirmAddCustomer');
    if (!confirm) throw new Error(`no review card with a confirm button; the bot said:\n${said(connector, conversationId).join('\n')}`);

    const before = said(connector, conversationId).length;
    const [onA, onB] = await Promise.all([send(a, { value: confirm.data }), send(b, { value: confirm.data })]);
    expect([onA.status, onB.status]).toEqual([200, 200]);
    const answers = said(connector, conversationId).slice(before).join('\n');
    expect(answers.match(/Customer added/g) ?? []).toHaveLength(1);

    const claims = await db.prisma.claim.findMany({ where: { customer: { name: 'Bellows College' }, partnerId: DEMO.partnerA } });
    expect(claims).toHaveLength(1);
    expect(claims[0]).toMatchObject({ engagementId: DEMO.engagements.azureMigrate, friendlyName: 'Bellows rollout', status: 'ADDED' });
    expect(await db.prisma.auditEvent.count({ where: { claimId: claims[0]?.id } })).toBe(1);

    // The conversation is usable afterwards on either instance: its state was not left half-written.
    const helpFrom = said(connector, conversationId).length;
    expect((await send(b, { text: 'help' })).status).toBe(200);
    expect((await send(a, { text: 'help' })).status).toBe(200);
    const helps = said(connector, conversationId).slice(helpFrom);
    expect(helps).toHaveLength(2);
    for (const reply of helps) expect(reply).toContain('Incentives admin');
    const state = await db.prisma.botState.findMany({ where: { key: { contains: conversationId } } });
    expect(state).toHaveLength(1);
    expect(JSON.stringify(state[0]?.document)).not.toContain('addCustomer');
  }, 90_000);

  it('runs both schedulers on the same due claims at once: each claim expires once, with one audit event and one message per recipient', async () => {
    const count = 300;
    const alreadyDue = await db.prisma.claim.count({
      where: { status: { in: ['ADDED', 'CLAIMED', 'CONSENT_REQUESTED'] }, consentDeadline: { lte: new Date() } },
    });
    await insertDueClaims(db, count);
    let expired = 0;
    for (let round = 0; round < 3; round += 1) {
      const ticks = await Promise.all([postJson(`${a.url}/api/dev/tick`), postJson(`${b.url}/api/dev/tick`)]);
      for (const tick of ticks) {
        expect(tick.status).toBe(200);
        expired += (tick.json.deadlines as { expired: number }).expired;
      }
    }
    expect(expired).toBe(count + alreadyDue);

    const due = { id: { startsWith: 'CLM-MI' } };
    expect(await db.prisma.claim.count({ where: { ...due, status: 'EXPIRED', openClaimKey: null } })).toBe(count);
    const audits = await db.prisma.auditEvent.groupBy({ by: ['claimId'], where: { claimId: due.id, action: 'claim.expire' }, _count: { _all: true } });
    expect(audits).toHaveLength(count);
    expect(audits.every((row) => row._count._all === 1)).toBe(true);

    const messages = await db.prisma.outboxMessage.groupBy({
      by: ['claimId', 'recipient'],
      where: { claimId: due.id, event: DEADLINE_EVENTS.expired },
      _count: { _all: true },
    });
    expect(messages.every((row) => row._count._all === 1)).toBe(true);
    // Partner A: the creator (an Incentives user) and partner A's admin; partner B: its admin, who created them.
    const ofA = count - Math.floor(count / 3);
    expect(messages).toHaveLength(ofA * 2 + Math.floor(count / 3));

    const again = await Promise.all([postJson(`${a.url}/api/dev/tick`), postJson(`${b.url}/api/dev/tick`)]);
    expect(again.map((tick) => (tick.json.deadlines as { expired: number }).expired)).toEqual([0, 0]);
    expect(await db.prisma.auditEvent.count({ where: { claimId: due.id, action: 'claim.expire' } })).toBe(count);
  }, 120_000);
});
