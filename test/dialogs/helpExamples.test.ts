import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import pino from 'pino';
import { AutoSaveStateMiddleware, MemoryStorage, UserState, type Activity } from 'botbuilder';
import { DialogTurnStatus } from 'botbuilder-dialogs';
import { DialogTestClient } from 'botbuilder-testing';
import { createDialogDeps } from '../../bot/composition';
import { NOMINATION_ACTIONS } from '../../cards/actions';
import type { DialogDeps } from '../../dialogs/dialogDeps';
import { MainDialog } from '../../dialogs/mainDialog';
import { parseShortcut } from '../../dialogs/shortcuts';
import { DEMO } from '../../prisma/demoData';
import { FixedClock } from '../../services/shared/clock';
import type { Database } from '../../services/db';
import { submitActions } from '../support/cardActions';
import { TEST_CONSENT_SETTINGS } from '../support/dialogHarness';
import { createDemoDatabase } from '../support/testDatabase';

/**
 * Help that works: every example the welcome card and the README show is typed, as written, to the
 * bot on the demo data, and must do what it says — a flow that goes on to its next step, or a card
 * with something in it — never a refusal, an empty list or "I don't know". The examples are read
 * from the card and the README themselves, so a new example that does not work fails here.
 */

const NOW = new Date('2026-11-24T09:00:00.000Z');
const README = readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf8');

interface Reply {
  text: string;
  card: Record<string, unknown> | null;
}

interface Outcome {
  replies: Reply[];
  status: DialogTurnStatus;
}

/** What an empty list or page says (dialogs/claimLists.ts, cards/customersPage.ts, cards/claimSummary.ts). */
const EMPTY_ANSWERS = [
  /None of the claims you created matches/,
  /You have not created any claims yet/,
  /has no claims/,
  /has a deadline in the next/,
  /No customers here yet/,
  /None of your known customers is ineligible/,
  /No claims on this engagement have reached a final state/,
];

/** Why an example's answer is not a success, or null when it is one. */
function failureOf(example: string, { replies, status }: Outcome): string | null {
  const text = replies.map((r) => `${r.text} ${r.card ? JSON.stringify(r.card) : ''}`).join('\n');
  if (/I don't know/.test(text)) return `not understood: ${text}`;
  if (replies.some((r) => r.card && JSON.stringify(r.card).includes('"MCI Engagement Assistant"'))) return `answered with the welcome card: ${text}`;
  // A shortcut names its engagement: being asked to choose one means the engagement named was refused.
  const choosing = replies.some((r) => submitActions(r.card).some((a) => a.data.action === NOMINATION_ACTIONS.chooseEngagements));
  if (parseShortcut(example) && choosing) return `the engagement named is not offered: ${text}`;
  // …and its customer id: being asked for one again means the id given was refused.
  const reasked = replies.some((r) => submitActions(r.card).some((a) => a.data.action === NOMINATION_ACTIONS.enterCustomerId));
  if (parseShortcut(example) && reasked) return `the customer id given is asked again: ${text}`;
  // A flow that goes on waits for the answer to its next card.
  if (status === DialogTurnStatus.waiting) return replies.some((r) => r.card) ? null : `the flow goes on without a card: ${text}`;
  const cards = replies.flatMap((r) => (r.card ? [r.card] : []));
  // A role change is done at once and said in a line.
  if (cards.length === 0) return /Their roles now:/.test(text) ? null : `refused: ${text}`;
  const empty = EMPTY_ANSWERS.find((pattern) => pattern.test(text));
  if (empty) return `an empty answer (${String(empty)}): ${text}`;
  // A refusal with a way out (a known customer is claimed, not added) is a card too, but still a refusal.
  if (/Nothing was created/.test(text)) return `refused: ${text}`;
  return null;
}

/** The quoted examples of the welcome card's command descriptions ("…" or “…”). */
function cardExamples(card: Record<string, unknown>): string[] {
  const values: string[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === 'object') {
      const record = node as Record<string, unknown>;
      if (record.type === 'FactSet' && Array.isArray(record.facts)) {
        for (const fact of record.facts as { value?: unknown }[]) if (typeof fact.value === 'string') values.push(fact.value);
      }
      Object.values(record).forEach(walk);
    }
  };
  walk(card);
  return values.flatMap((value) => [...value.matchAll(/["“]([^"”]+)["”]/g)].map((m) => m[1] ?? ''));
}

/** The README's sections that show commands: the command table and the demo customers. */
function commandSections(markdown: string): string {
  return markdown
    .split(/^(?=## )/m)
    .filter((section) => /^## (What works today|Demo data)/.test(section))
    .join('\n');
}

/** The cells of a Markdown table's rows, by the header's column names (lower case), for every table in the text. */
function tableRows(markdown: string): Record<string, string>[] {
  const rows: Record<string, string>[] = [];
  let header: string[] | null = null;
  for (const line of markdown.split('\n').map((l) => l.trim())) {
    if (!line.startsWith('|')) {
      header = null;
      continue;
    }
    const cells = line.split('|').slice(1, -1).map((cell) => cell.trim());
    if (!header) header = cells.map((cell) => cell.toLowerCase());
    else if (!cells.every((cell) => /^-+$/.test(cell))) rows.push(Object.fromEntries(header.map((name, i) => [name, cells[i] ?? ''])));
  }
  return rows;
}

const backticked = (text: string) => [...text.matchAll(/`([^`]+)`/g)].map((m) => m[1] ?? '');

/** The README's example commands: a backticked command after "e.g." or "for example", and every command in a table's "try" column. */
function readmeExamples(markdown: string): string[] {
  const sections = commandSections(markdown);
  const inline = [...sections.matchAll(/(?:\be\.g\.|\bfor example),?\s+`([^`]+)`/gi)].map((m) => m[1] ?? '');
  return [...inline, ...tableRows(sections).flatMap((row) => backticked(row.try ?? ''))];
}

/** The README's refusals on the demo data: `command` → “answer” in a table's "shows" column. */
function readmeRefusals(markdown: string): { command: string; answer: string }[] {
  return tableRows(commandSections(markdown)).flatMap((row) =>
    [...(row.shows ?? '').matchAll(/`([^`]+)` → “([^”]+)”/g)].map((m) => ({ command: m[1] ?? '', answer: m[2] ?? '' })),
  );
}

describe('help that works: the examples on the welcome card and in the README, on the demo data', () => {
  let db: Database;
  let deps: DialogDeps;

  beforeAll(async () => {
    db = await createDemoDatabase(NOW);
    deps = createDialogDeps({ db, clock: new FixedClock(NOW), logger: pino({ level: 'silent' }), localMode: true, consent: TEST_CONSENT_SETTINGS });
  });
  afterAll(() => db.close());

  /** A conversation of its own (as partner A's Incentives admin, whom local mode acts as by default). */
  function conversation(): DialogTestClient {
    const userState = new UserState(new MemoryStorage());
    return new DialogTestClient('msteams', new MainDialog(deps, userState), undefined, [new AutoSaveStateMiddleware(userState)]);
  }

  async function say(client: DialogTestClient, what: string | Record<string, unknown>, aadObjectId: string = DEMO.users.adminA): Promise<Outcome> {
    const from = { id: `teams-${aadObjectId}`, name: 'demo', aadObjectId };
    const activity: Partial<Activity> = typeof what === 'string' ? { type: 'message', text: what, from } : { type: 'message', value: what, from };
    const replies: Reply[] = [];
    let reply = (await client.sendActivity(activity)) as Partial<Activity> | undefined;
    while (reply) {
      const attachment = reply.attachments?.find((a) => a.contentType === 'application/vnd.microsoft.card.adaptive');
      replies.push({ text: reply.text ?? '', card: (attachment?.content as Record<string, unknown> | undefined) ?? null });
      reply = client.getNextReply();
    }
    return { replies, status: client.dialogTurnResult.status };
  }

  async function welcomeCard(): Promise<Record<string, unknown>> {
    const { replies } = await say(conversation(), 'help');
    const card = replies.find((r) => r.card)?.card;
    if (!card) throw new Error('no welcome card');
    return card;
  }

  it('tells a broken example from a working one (the old examples fail)', async () => {
    for (const broken of ['add contoso.com to azure migrate', 'claim Contoso for copilot', 'my claims azure migrate status submitted', 'expiring status consent requested', 'status CLM-…', 'engagments', 'add cohowinery.com to security']) {
      expect({ broken, failure: failureOf(broken, await say(conversation(), broken)) }).toEqual({ broken, failure: expect.any(String) as unknown });
    }
  });

  it('runs every example of the welcome card as written', async () => {
    const examples = cardExamples(await welcomeCard());
    expect(examples).toEqual(expect.arrayContaining(['add bellowscollege.com to azure migrate', 'claim Contoso for azure migrate', 'customers azure migrate']));
    const failures: string[] = [];
    for (const example of new Set(examples)) {
      const failure = failureOf(example, await say(conversation(), example));
      if (failure) failures.push(`"${example}": ${failure}`);
    }
    expect(failures).toEqual([]);
  });

  it('runs every example command of the README as written', async () => {
    const examples = readmeExamples(README);
    expect(examples.length).toBeGreaterThanOrEqual(10);
    const failures: string[] = [];
    for (const example of new Set(examples)) {
      const failure = failureOf(example, await say(conversation(), example));
      if (failure) failures.push(`\`${example}\`: ${failure}`);
    }
    expect(failures).toEqual([]);
  });

  it('answers each refusal the README\'s demo customers show with what the README says', async () => {
    const refusals = readmeRefusals(README);
    expect(refusals.length).toBeGreaterThanOrEqual(8);
    const wrong: string[] = [];
    for (const { command, answer } of refusals) {
      const { replies } = await say(conversation(), command);
      const text = replies.map((r) => `${r.text} ${r.card ? JSON.stringify(r.card) : ''}`).join('\n');
      if (!text.includes(answer)) wrong.push(`\`${command}\` does not answer “${answer}”: ${text}`);
    }
    expect(wrong).toEqual([]);
  });

  it('shows no <placeholder> on the welcome card, where Web Chat would drop it as an HTML tag', async () => {
    expect(JSON.stringify(await welcomeCard())).not.toMatch(/<[^>]*>/);
  });
});

describe('a known customer typed into the add shortcut: the refusal names the engagement asked for and offers the claim', () => {
  let db: Database;
  let deps: DialogDeps;

  beforeAll(async () => {
    db = await createDemoDatabase(NOW);
    deps = createDialogDeps({ db, clock: new FixedClock(NOW), logger: pino({ level: 'silent' }), localMode: true, consent: TEST_CONSENT_SETTINGS });
  });
  afterAll(() => db.close());

  async function turns(...said: (string | ((last: Reply[]) => Record<string, unknown>))[]): Promise<Reply[][]> {
    const userState = new UserState(new MemoryStorage());
    const client = new DialogTestClient('msteams', new MainDialog(deps, userState), undefined, [new AutoSaveStateMiddleware(userState)]);
    const all: Reply[][] = [];
    for (const what of said) {
      const from = { id: 'teams-adminA', name: 'Adele', aadObjectId: DEMO.users.adminA };
      const value = typeof what === 'function' ? what(all[all.length - 1] ?? []) : undefined;
      let reply = (await client.sendActivity(value ? { type: 'message', value, from } : { type: 'message', text: String(what), from })) as Partial<Activity> | undefined;
      const replies: Reply[] = [];
      while (reply) {
        const attachment = reply.attachments?.find((a) => a.contentType === 'application/vnd.microsoft.card.adaptive');
        replies.push({ text: reply.text ?? '', card: (attachment?.content as Record<string, unknown> | undefined) ?? null });
        reply = client.getNextReply();
      }
      all.push(replies);
    }
    return all;
  }

  const textOf = (replies: Reply[]) => replies.map((r) => `${r.text} ${r.card ? JSON.stringify(r.card) : ''}`).join('\n');

  it('for an engagement it can be claimed for: a "Claim for <engagement>" button that opens the claim on it', async () => {
    const claimButton = (last: Reply[]) => {
      const button = last.flatMap((r) => submitActions(r.card)).find((a) => a.data.action === 'claimCustomer');
      if (!button) throw new Error(`no claim button in ${textOf(last)}`);
      return button.data;
    };
    const [refusal = [], claim = []] = await turns('add contoso.com to azure migrate', claimButton);
    const text = textOf(refusal);
    expect(text).toContain('Contoso Ltd is already known to you');
    expect(text).toContain('claim it for Azure Migrate and Modernize instead');
    // Not another engagement's verdict, and no placeholder for a client to swallow.
    expect(text).not.toContain('Azure Innovate Variable Pay');
    expect(text).not.toMatch(/<[a-z][^>]*>/);
    expect(submitActions([...refusal].reverse().find((r) => r.card)?.card)).toEqual([
      { title: 'Claim for Azure Migrate and Modernize', data: { action: 'claimCustomer', customerId: DEMO.customers.contoso, engagementId: DEMO.engagements.azureMigrate } },
    ]);
    expect(textOf(claim)).toContain('Claim name and contacts');
    expect(textOf(claim)).toContain('Contoso Ltd – Azure Migrate and Modernize');
  });

  it('a customer new to the partner typed into the claim shortcut is told how to add it, in words a client shows', async () => {
    const [refusal = []] = await turns('claim bellows for security');
    expect(textOf(refusal)).toContain('is not one of your known customers, so it cannot be claimed');
    expect(textOf(refusal)).toContain('type **add customer**');
    expect(textOf(refusal)).not.toMatch(/<[a-z][^>]*>/);
  });

  it('for an engagement it cannot be claimed for either: why, and a button to claim it for another', async () => {
    const [refusal = []] = await turns('add contoso.com to copilot');
    const text = textOf(refusal);
    expect(text).toContain('It cannot be claimed for Microsoft 365 Copilot Accelerate either: The customer has reached the limit of 1 active claim(s)');
    // The location used is said first (with Change), when there is a last one; the refusal card comes last.
    expect(submitActions([...refusal].reverse().find((r) => r.card)?.card)).toEqual([{ title: 'Claim customer', data: { action: 'claimCustomer', customerId: DEMO.customers.contoso } }]);
  });
});
