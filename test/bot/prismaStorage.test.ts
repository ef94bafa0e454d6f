import { ConversationState, TestAdapter, TurnContext, UserState, type Activity, type Storage } from 'botbuilder';
import { ETagConflictError, PrismaStorage } from '../../bot/prismaStorage';
import type { Database } from '../../services/db/database';
import { createTestDatabase } from '../support/testDatabase';

/** A stored document as a test sees it (botbuilder types store items loosely). */
type Doc = Record<string, unknown>;

/** Matches whatever eTag the storage generated. */
const ANY_ETAG = expect.any(String) as string;

async function readOne(storage: Storage, key: string): Promise<Doc | undefined> {
  const items: Record<string, Doc | undefined> = await storage.read([key]);
  return items[key];
}

describe('PrismaStorage', () => {
  let db: Database;
  let storage: PrismaStorage;

  beforeAll(async () => {
    db = await createTestDatabase();
    storage = new PrismaStorage(db);
  });
  afterAll(() => db.close());

  it('reads nothing for unknown keys and nothing for no keys', async () => {
    expect(await storage.read(['nobody/home'])).toEqual({});
    expect(await storage.read([])).toEqual({});
  });

  it('writes, reads back with an eTag, and deletes', async () => {
    await storage.write({ 'a/1': { dialogStack: [{ id: 'addCustomer', state: { step: 2 } }], name: 'Contoso', skipped: undefined } });
    const read: Record<string, Doc> = await storage.read(['a/1', 'a/missing']);
    expect(Object.keys(read)).toEqual(['a/1']);
    expect(read['a/1']).toEqual({ dialogStack: [{ id: 'addCustomer', state: { step: 2 } }], name: 'Contoso', eTag: ANY_ETAG });

    await storage.delete(['a/1', 'a/missing']);
    expect(await storage.read(['a/1'])).toEqual({});
  });

  it('gives every write a new eTag and accepts a write that carries the current one', async () => {
    await storage.write({ 'b/1': { count: 1 } });
    const first = await readOne(storage, 'b/1');
    await storage.write({ 'b/1': { ...first, count: 2 } });
    const second = await readOne(storage, 'b/1');
    expect(second).toEqual({ count: 2, eTag: ANY_ETAG });
    expect(second?.eTag).not.toBe(first?.eTag);
  });

  it('refuses a write with a stale eTag and keeps what was stored', async () => {
    await storage.write({ 'c/1': { value: 'original' } });
    const stale = await readOne(storage, 'c/1');
    await storage.write({ 'c/1': { ...stale, value: 'newer' } });

    const attempt = storage.write({ 'c/1': { ...stale, value: 'lost update' } });
    await expect(attempt).rejects.toThrow(ETagConflictError);
    await expect(storage.write({ 'c/1': { ...stale, value: 'lost update' } })).rejects.toThrow(/eTag conflict/);
    expect(await readOne(storage, 'c/1')).toMatchObject({ value: 'newer' });
  });

  it('refuses a conditional write to an item that was deleted meanwhile', async () => {
    await storage.write({ 'd/1': { value: 1 } });
    const read = await readOne(storage, 'd/1');
    await storage.delete(['d/1']);
    await expect(storage.write({ 'd/1': { ...read, value: 2 } })).rejects.toThrow(/eTag conflict/);
    expect(await storage.read(['d/1'])).toEqual({});
  });

  it("overwrites unconditionally with eTag '*'", async () => {
    await storage.write({ 'e/1': { value: 'first' } });
    await storage.write({ 'e/1': { value: 'forced', eTag: '*' } });
    expect(await readOne(storage, 'e/1')).toEqual({ value: 'forced', eTag: ANY_ETAG });
  });

  it('lets exactly one of two writers with the same eTag win, loses nothing, and lets the loser retry', async () => {
    await storage.write({ 'f/1': { turns: ['start'] } });
    const base = await readOne(storage, 'f/1');
    // Two instances of the bot, each with its own storage object and no shared memory.
    const instanceA = new PrismaStorage(db);
    const instanceB = new PrismaStorage(db);
    const results = await Promise.allSettled([
      instanceA.write({ 'f/1': { ...base, turns: ['start', 'from A'], writer: 'A' } }),
      instanceB.write({ 'f/1': { ...base, turns: ['start', 'from B'], writer: 'B' } }),
    ]);

    const won = results.filter((r) => r.status === 'fulfilled');
    const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    expect(lost[0]?.reason).toBeInstanceOf(ETagConflictError);

    const winner = results[0]?.status === 'fulfilled' ? 'A' : 'B';
    const stored = await readOne(instanceA, 'f/1');
    expect(stored).toEqual({ turns: ['start', `from ${winner}`], writer: winner, eTag: ANY_ETAG });

    const loser = winner === 'A' ? instanceB : instanceA;
    const loserName = winner === 'A' ? 'B' : 'A';
    const fresh = await readOne(loser, 'f/1');
    await loser.write({ 'f/1': { ...fresh, turns: [...(fresh?.turns as string[]), `from ${loserName}`], writer: loserName } });
    expect(await readOne(instanceA, 'f/1')).toMatchObject({ turns: ['start', `from ${winner}`, `from ${loserName}`] });
  });

  it('lets only one of many concurrent writers with the same eTag through', async () => {
    await storage.write({ 'g/1': { n: 0 } });
    const base = await readOne(storage, 'g/1');
    const results = await Promise.allSettled(
      Array.from({ length: 8 }, (_, i) => new PrismaStorage(db).write({ 'g/1': { ...base, n: i + 1 } })),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const winner = results.findIndex((r) => r.status === 'fulfilled') + 1;
    expect(await readOne(storage, 'g/1')).toMatchObject({ n: winner });
  });

  it('lets many instances write a new key at once without an eTag, the last one standing', async () => {
    const results = await Promise.allSettled(Array.from({ length: 8 }, (_, i) => new PrismaStorage(db).write({ 'h/1': { n: i } })));
    expect(results.every((r) => r.status === 'fulfilled')).toBe(true);
    const stored = await readOne(storage, 'h/1');
    expect(Object.keys(stored ?? {}).sort()).toEqual(['eTag', 'n']);
    expect([0, 1, 2, 3, 4, 5, 6, 7]).toContain(stored?.n);
  });

  describe('under botbuilder state', () => {
    const activity: Partial<Activity> = {
      type: 'message',
      channelId: 'msteams',
      conversation: { id: 'conv-42', isGroup: false, conversationType: 'personal', name: '' },
      from: { id: 'user-7', name: 'Adele Vance' },
      recipient: { id: 'bot', name: 'MCI Engagement Assistant' },
      text: 'add customer',
    };
    const turn = () => new TurnContext(new TestAdapter(), activity);

    it('saves conversation and user state on one instance and loads it on another', async () => {
      const first = turn();
      const conversationA = new ConversationState(new PrismaStorage(db));
      const userA = new UserState(new PrismaStorage(db));
      await conversationA.createProperty<{ step: number }>('flow').set(first, { step: 3 });
      await userA.createProperty<string>('lastLocation').set(first, '4105567');
      await conversationA.saveChanges(first);
      await userA.saveChanges(first);

      const second = turn();
      const conversationB = new ConversationState(new PrismaStorage(db));
      const userB = new UserState(new PrismaStorage(db));
      expect(await conversationB.createProperty<{ step: number }>('flow').get(second)).toEqual({ step: 3 });
      expect(await userB.createProperty<string>('lastLocation').get(second)).toBe('4105567');
      const keys = [conversationB.getStorageKey(second), userB.getStorageKey(second)].filter((key) => key !== undefined);
      expect(Object.keys(await storage.read(keys)).sort()).toEqual(['msteams/conversations/conv-42/', 'msteams/users/user-7/']);
    });

    it("saves as botbuilder does, with eTag '*': of two turns on the same conversation the later save wins", async () => {
      const one = turn();
      const two = turn();
      const stateOne = new ConversationState(new PrismaStorage(db));
      const stateTwo = new ConversationState(new PrismaStorage(db));
      await stateOne.createProperty<{ step: number }>('flow').set(one, { step: 4 });
      await stateTwo.createProperty<{ step: number }>('flow').set(two, { step: 9 });
      await stateOne.saveChanges(one);
      await stateTwo.saveChanges(two);
      const reread = new ConversationState(new PrismaStorage(db));
      expect(await reread.createProperty<{ step: number }>('flow').get(turn())).toEqual({ step: 9 });
    });
  });
});
