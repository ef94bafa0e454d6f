import type { Activity } from 'botbuilder';
import type { Dialog } from 'botbuilder-dialogs';
import { DialogTestClient } from 'botbuilder-testing';
import pino from 'pino';
import { createDialogDeps } from '../../bot/composition';
import type { DialogDeps } from '../../dialogs/dialogDeps';
import type { Clock } from '../../services/shared/clock';
import type { Database } from '../../services/db';
import { findCaller, type Caller } from '../../services/directory/callers';
import { adaptiveCardErrors } from './cardSchema';

/** One bot reply: its text, and its Adaptive Card (checked against the 1.5 schema as it arrives). */
export interface Reply {
  text: string;
  card: Record<string, unknown> | undefined;
}

/** The consent settings of dialog tests: links point at a fixed test address. */
export const TEST_CONSENT_SETTINGS = { tokenSecret: 't'.repeat(40), publicBaseUrl: 'https://bot.test' } as const;

export function dialogDeps(db: Database, clock: Clock): DialogDeps {
  return createDialogDeps({ db, clock, logger: pino({ level: 'silent' }), localMode: true, consent: TEST_CONSENT_SETTINGS });
}

export async function callerFor(db: Database, aadObjectId: string): Promise<Caller> {
  return findCaller(db.prisma, aadObjectId);
}

/** A user turn: typed text, or a card submission (`data.action` plus the card's inputs). */
export type Turn = string | { value: Record<string, unknown> };

/** Drives a dialog turn by turn, collecting every reply of each turn. */
export class DialogDriver {
  readonly client: DialogTestClient;
  turns = 0;

  constructor(dialog: Dialog, options: unknown) {
    this.client = new DialogTestClient('msteams', dialog, options);
  }

  async send(turn: Turn): Promise<Reply[]> {
    this.turns += 1;
    const activity: Partial<Activity> = typeof turn === 'string' ? { type: 'message', text: turn } : { type: 'message', value: turn.value };
    const replies: Reply[] = [];
    let next = (await this.client.sendActivity(activity)) as Partial<Activity> | undefined;
    while (next) {
      const card = next.attachments?.find((a) => a.contentType === 'application/vnd.microsoft.card.adaptive')?.content as Record<string, unknown> | undefined;
      if (card) {
        const errors = adaptiveCardErrors(card);
        if (errors.length > 0) throw new Error(`invalid card: ${JSON.stringify(errors.slice(0, 3))}`);
      }
      replies.push({ text: next.text ?? '', card });
      next = this.client.getNextReply();
    }
    return replies;
  }
}

/** All the text of some replies, cards included, for assertions. */
export function allText(replies: readonly Reply[]): string {
  return replies.map((r) => `${r.text} ${r.card ? JSON.stringify(r.card) : ''}`).join('\n');
}

/** The last card among the replies. */
export function lastCard(replies: readonly Reply[]): Record<string, unknown> {
  const card = [...replies].reverse().find((r) => r.card)?.card;
  if (!card) throw new Error(`no card in replies: ${allText(replies)}`);
  return card;
}

/** The `data` of the card's Action.Submit (also inside Action.ShowCard) whose data matches. */
export function submitData(card: Record<string, unknown>, predicate: (data: Record<string, unknown>) => boolean): Record<string, unknown> {
  const found: Record<string, unknown>[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === 'object') {
      const record = node as Record<string, unknown>;
      if (record.type === 'Action.Submit' && record.data && typeof record.data === 'object') found.push(record.data as Record<string, unknown>);
      Object.values(record).forEach(walk);
    }
  };
  walk(card);
  const data = found.find(predicate);
  if (!data) throw new Error(`no matching Action.Submit in ${JSON.stringify(card)}`);
  return data;
}

/** One user turn of a scripted flow, and what the bot's replies to it must (and must not) say. */
export interface Step {
  send: Turn | ((last: Reply[]) => Turn);
  expect?: string[];
  reject?: string[];
}

/** Plays the turns in order, checking each turn's replies; the last turn's replies. */
export async function runSteps(driver: DialogDriver, steps: readonly Step[]): Promise<Reply[]> {
  let last: Reply[] = [];
  for (const [index, step] of steps.entries()) {
    last = await driver.send(typeof step.send === 'function' ? step.send(last) : step.send);
    const text = allText(last);
    for (const expected of step.expect ?? []) {
      if (!text.includes(expected)) throw new Error(`turn ${index + 1}: expected ${expected} in:\n${text}`);
    }
    for (const rejected of step.reject ?? []) expect(text).not.toContain(rejected);
  }
  return last;
}

/** The last card's details submitted as pre-filled, with some fields changed. */
export function detailsAsProposed(last: Reply[], change: Record<string, string> = {}): Turn {
  const inputs: Record<string, string> = {};
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === 'object') {
      const record = node as Record<string, unknown>;
      if (typeof record.type === 'string' && record.type.startsWith('Input.') && typeof record.id === 'string') inputs[record.id] = typeof record.value === 'string' ? record.value : '';
      Object.values(record).forEach(walk);
    }
  };
  walk(lastCard(last).body);
  return { value: { action: 'submitDetails', ...inputs, ...change } };
}
