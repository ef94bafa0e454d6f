import { ConversationState, TestAdapter, TurnContext, type Activity } from 'botbuilder';
import { ConversationStateStore, isStateConflict, StateConflictError } from '../../bot/conversationStateStore';
import { PrismaStorage } from '../../bot/prismaStorage';
import type { Database } from '../../services/db';
import { createTestDatabase } from '../support/testDatabase';

interface Progress {
  step?: number;
  answers?: string[];
}

/** One bot instance: its own store and ConversationState over the shared database. */
function instance(db: Database, checked = true): { state: ConversationState; progress: ReturnType<ConversationState['createProperty']> } {
  const state = new ConversationState(checked ? new ConversationStateStore(db) : new PrismaStorage(db));
  return { state, progress: state.createProperty<Progress>('progress') };
}

function turn(conversationId: string, text: string): TurnContext {
  const activity: Partial<Activity> = {
    type: 'message',
    text,
    channelId: 'msteams',
    conversation: { id: conversationId, isGroup: false, conversationType: 'personal', name: '' },
    from: { id: 'user-1', name: 'User' },
    recipient: { id: 'bot', name: 'Bot' },
  };
  return new TurnContext(new TestAdapter(), activity);
}

/** A turn's work on the state: read the progress, add this turn's answer, move one step on. */
async function answer(i: ReturnType<typeof instance>, context: TurnContext): Promise<void> {
  const progress = (await i.progress.get(context, {})) as Progress;
  await i.progress.set(context, { step: (progress.step ?? 0) + 1, answers: [...(progress.answers ?? []), context.activity.text ?? ''] });
}

async function stored(db: Database, conversationId: string): Promise<Progress | undefined> {
  const row = await db.prisma.botState.findFirst({ where: { key: { contains: conversationId } } });
  return (row?.document as { progress?: Progress } | undefined)?.progress;
}

describe('ConversationStateStore: conversation state shared by several instances', () => {
  let db: Database;

  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(() => db.close());

  it('carries a conversation across instances turn by turn, each turn seeing the one before', async () => {
    const a = instance(db);
    const b = instance(db);
    for (const [index, who] of [a, b, a, b].entries()) {
      const context = turn('conv-sequential', `answer ${index + 1}`);
      await answer(who, context);
      await who.state.saveChanges(context);
    }
    expect(await stored(db, 'conv-sequential')).toEqual({ step: 4, answers: ['answer 1', 'answer 2', 'answer 3', 'answer 4'] });
  });

  it('refuses the second of two turns that read the same state: no lost update', async () => {
    const a = instance(db);
    const b = instance(db);
    const first = turn('conv-race', 'start');
    await answer(a, first);
    await a.state.saveChanges(first);

    const onA = turn('conv-race', 'from A');
    const onB = turn('conv-race', 'from B');
    await answer(a, onA);
    await answer(b, onB);
    await a.state.saveChanges(onA);
    const lost = b.state.saveChanges(onB);
    await expect(lost).rejects.toBeInstanceOf(StateConflictError);
    await expect(lost).rejects.toThrow(/changed by another turn/);
    expect(await stored(db, 'conv-race')).toEqual({ step: 2, answers: ['start', 'from A'] });

    // The refused instance reads again on its next turn and goes on from what A saved.
    const retry = turn('conv-race', 'from B again');
    await answer(b, retry);
    await b.state.saveChanges(retry);
    expect(await stored(db, 'conv-race')).toEqual({ step: 3, answers: ['start', 'from A', 'from B again'] });
  });

  it('refuses the second of two first turns of a new conversation', async () => {
    const a = instance(db);
    const b = instance(db);
    const onA = turn('conv-new', 'A first');
    const onB = turn('conv-new', 'B first');
    await answer(a, onA);
    await answer(b, onB);
    const results = await Promise.allSettled([a.state.saveChanges(onA), b.state.saveChanges(onB)]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const refused = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(isStateConflict(refused?.reason)).toBe(true);
    expect((await stored(db, 'conv-new'))?.step).toBe(1);
  });

  it('lets exactly one of many racing turns win, on any number of instances', async () => {
    const setup = instance(db);
    const first = turn('conv-many', 'start');
    await answer(setup, first);
    await setup.state.saveChanges(first);
    const racers = Array.from({ length: 8 }, () => instance(db));
    const contexts = racers.map((_, index) => turn('conv-many', `racer ${index}`));
    await Promise.all(racers.map((racer, index) => answer(racer, contexts[index] as TurnContext)));
    const results = await Promise.allSettled(racers.map((racer, index) => racer.state.saveChanges(contexts[index] as TurnContext)));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(results.filter((r) => r.status === 'rejected' && isStateConflict(r.reason))).toHaveLength(7);
    const final = await stored(db, 'conv-many');
    expect(final?.step).toBe(2);
    expect(final?.answers?.[0]).toBe('start');
  });

  it('writes nothing for a turn that did not change the state, and saves twice in one turn', async () => {
    const a = instance(db);
    const context = turn('conv-twice', 'one');
    await answer(a, context);
    await a.state.saveChanges(context);
    await answer(a, context);
    await a.state.saveChanges(context);
    expect((await stored(db, 'conv-twice'))?.step).toBe(2);
    const before = await db.prisma.botState.findFirstOrThrow({ where: { key: { contains: 'conv-twice' } } });
    const idle = turn('conv-twice', 'nothing');
    await a.progress.get(idle, {});
    await a.state.saveChanges(idle);
    const after = await db.prisma.botState.findFirstOrThrow({ where: { key: { contains: 'conv-twice' } } });
    expect(after.eTag).toBe(before.eTag);
  });

  it('is needed: botbuilder with PrismaStorage alone loses one of two racing updates without a word', async () => {
    const a = instance(db, false);
    const b = instance(db, false);
    const first = turn('conv-gap', 'start');
    await answer(a, first);
    await a.state.saveChanges(first);
    const onA = turn('conv-gap', 'from A');
    const onB = turn('conv-gap', 'from B');
    await answer(a, onA);
    await answer(b, onB);
    await a.state.saveChanges(onA);
    await b.state.saveChanges(onB);
    expect(await stored(db, 'conv-gap')).toEqual({ step: 2, answers: ['start', 'from B'] });
  });
});
