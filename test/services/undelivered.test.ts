import { randomUUID } from 'node:crypto';
import { DEMO } from '../../prisma/demoData';
import type { Database, OutboxChannel, OutboxStatus } from '../../services/db';
import { findCaller, type Caller } from '../../services/directory/callers';
import { NotAllowedError } from '../../services/shared/errors';
import { undeliveredMessages } from '../../services/outbox/undelivered';
import { createDemoDatabase } from '../support/testDatabase';

const NOW = new Date('2026-03-02T09:00:00.000Z');

let db: Database;
let adminA: Caller;
let adminB: Caller;
let step = 0;

beforeAll(async () => {
  db = await createDemoDatabase(NOW);
  adminA = await findCaller(db.prisma, DEMO.users.adminA);
  adminB = await findCaller(db.prisma, DEMO.users.adminB);
});

afterAll(async () => {
  await db.close();
});

beforeEach(async () => {
  await db.prisma.outboxMessage.deleteMany();
});

/** An outbox row as delivery left it; each one a second newer than the last. */
async function letter(row: { partnerId: string; status: OutboxStatus; channel?: OutboxChannel; recipient?: string; event?: string; claimId?: string | null; attempts?: number; lastError?: string }): Promise<string> {
  step += 1;
  const id = randomUUID();
  await db.prisma.outboxMessage.create({
    data: {
      id,
      dedupeKey: `test:${id}`,
      channel: row.channel ?? 'EMAIL',
      event: row.event ?? 'consent.requested',
      recipient: row.recipient ?? 'buyer@contoso.example',
      claimId: row.claimId ?? null,
      partnerId: row.partnerId,
      payload: {},
      status: row.status,
      attempts: row.attempts ?? 8,
      lastError: row.lastError ?? 'HTTP 500',
      createdAt: new Date(NOW.getTime() + step * 1000),
    },
  });
  return id;
}

describe('undeliveredMessages', () => {
  it("shows an Incentives admin their own partner's dead and undeliverable messages only, newest first, recipients named", async () => {
    const dead = await letter({ partnerId: DEMO.partnerA, status: 'DEAD', claimId: DEMO.claims.tailspinMigrateConsentRequested, lastError: 'Gave up after 8 attempts: HTTP 500' });
    const toUser = await letter({ partnerId: DEMO.partnerA, status: 'UNDELIVERABLE', channel: 'TEAMS', recipient: DEMO.users.userA, event: 'consent.accepted', attempts: 1, lastError: 'Teams refused (403 BotDisabledByAdmin)' });
    const toSeller = await letter({ partnerId: DEMO.partnerA, status: 'DEAD', channel: 'TEAMS', recipient: DEMO.seller, event: 'cosell.available' });
    const toStranger = await letter({ partnerId: DEMO.partnerA, status: 'UNDELIVERABLE', channel: 'TEAMS', recipient: DEMO.users.adminB, event: 'some.new.event' });
    await letter({ partnerId: DEMO.partnerA, status: 'PENDING' });
    await letter({ partnerId: DEMO.partnerA, status: 'SENT' });
    // A reminder dropped on purpose (no longer timely) is no undelivered message.
    await letter({ partnerId: DEMO.partnerA, status: 'DROPPED', channel: 'TEAMS', recipient: DEMO.users.userA, lastError: 'Not sent: the claim moved on' });
    const ofB = await letter({ partnerId: DEMO.partnerB, status: 'DEAD', channel: 'TEAMS', recipient: DEMO.users.adminB });

    const page = await undeliveredMessages(db, adminA);
    expect(page.partnerName).toBe('Fabrikam Consulting');
    expect(page.nextCursor).toBeNull();
    const userA = await db.prisma.partnerUser.findUniqueOrThrow({ where: { aadObjectId: DEMO.users.userA } });
    const seller = await db.prisma.seller.findUniqueOrThrow({ where: { aadObjectId: DEMO.seller } });
    expect(page.rows.map((r) => [r.id, r.status, r.channel, r.what, r.to])).toEqual([
      // Partner B's admin is not a user of A: the raw id, never B's user's name.
      [toStranger, 'UNDELIVERABLE', 'TEAMS', 'some.new.event', DEMO.users.adminB],
      [toSeller, 'DEAD', 'TEAMS', 'Co-sell notice to a Microsoft seller', `${seller.displayName} (Microsoft seller)`],
      [toUser, 'UNDELIVERABLE', 'TEAMS', 'Notice: the customer accepted consent', `${userA.displayName} (${userA.email})`],
      [dead, 'DEAD', 'EMAIL', 'Consent request email to the customer', 'buyer@contoso.example'],
    ]);
    expect(page.rows[3]).toMatchObject({ claimId: DEMO.claims.tailspinMigrateConsentRequested, attempts: 8, lastError: 'Gave up after 8 attempts: HTTP 500' });

    const pageB = await undeliveredMessages(db, adminB);
    expect(pageB.rows.map((r) => r.id)).toEqual([ofB]);
    expect(pageB.rows[0]?.to).toMatch(/\(.+@.+\)$/);
  });

  it('pages with the cursor and refuses a forged one', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i += 1) ids.push(await letter({ partnerId: DEMO.partnerA, status: i % 2 === 0 ? 'DEAD' : 'UNDELIVERABLE' }));
    const first = await undeliveredMessages(db, adminA, { pageSize: 2 });
    const second = await undeliveredMessages(db, adminA, { pageSize: 2, cursor: first.nextCursor });
    const third = await undeliveredMessages(db, adminA, { pageSize: 2, cursor: second.nextCursor });
    expect([first, second, third].flatMap((p) => p.rows.map((r) => r.id))).toEqual([...ids].reverse());
    expect(third.nextCursor).toBeNull();
    await expect(undeliveredMessages(db, adminA, { cursor: 'not-a-cursor' })).rejects.toBeInstanceOf(NotAllowedError);
  });

  it('refuses anyone who is not an Incentives admin, with a message saying who can see it', async () => {
    await letter({ partnerId: DEMO.partnerA, status: 'DEAD' });
    const refusals = [
      await findCaller(db.prisma, DEMO.users.userA),
      await findCaller(db.prisma, DEMO.users.noRoleA),
      await findCaller(db.prisma, DEMO.seller),
      await findCaller(db.prisma, '00000000-0000-0000-0000-0000000000ff'),
    ];
    for (const caller of refusals) {
      await expect(undeliveredMessages(db, caller)).rejects.toThrow(new NotAllowedError('Only an Incentives admin of your organisation can see the messages that could not be delivered.'));
    }
  });
});
