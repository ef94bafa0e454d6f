import { z } from 'zod';
import { ANY_FILTER, type ClaimListAction } from '../cards/claimList';
import { CUSTOMERS_TABS, type CustomersTab } from '../cards/customersPage';
import { parseStatusFilter, STATUS_FILTERS, type StatusFilter } from '../services/claims';
import { cleanText, shorten } from '../services/shared';
import type { AttachedFile } from './dialogDeps';
import { isRoleCardVerb, routeRoleCard, routeRoleText, type RoleRoute } from './roleCommands';
import {
  BULK_ADD_ACTION,
  CONFIRM_ADD_CUSTOMER_ACTION,
  CONFIRM_BULK_ADD_ACTION,
  CONFIRM_CANCEL_CLAIM_ACTION,
  CONFIRM_CLAIM_CUSTOMER_ACTION,
  CONFIRM_RESEND_CONSENT_ACTION,
  CONFIRM_SEND_CONSENT_ACTION,
  CONFIRM_SUBMIT_CLAIM_ACTION,
  CONVERSATION_ACTIONS,
  UNDELIVERED_ACTION,
} from '../cards/actions';

/** The flows a card button or a command starts; each one is a dialog of its own. */
export const FLOW_VERBS = ['addCustomer', 'claimCustomer', 'sendConsent', 'resendConsent', 'submitClaim', 'cancelClaim'] as const;
export type FlowVerb = (typeof FLOW_VERBS)[number];

/** What a flow is started with: ids a card button carries, or the one-line shortcut that was typed. */
export interface FlowStart {
  engagementId?: string;
  customerId?: string;
  claimId?: string;
  /** The whole typed line of a shortcut such as `add contoso.com to Azure Migrate`. */
  line?: string;
}

/** What one incoming message asks for. */
export type Route =
  | { kind: 'help' }
  | { kind: 'cancel' }
  | { kind: 'engagements' }
  | { kind: 'customers'; query: string }
  | { kind: 'showTab'; engagementId: string; tab: CustomersTab; cursor: string | null }
  | { kind: 'status'; claimId: string }
  | { kind: 'flow'; verb: FlowVerb; start: FlowStart }
  | { kind: ClaimListAction; cursor: string | null; filter: ListFilterAsked }
  | { kind: 'undelivered'; cursor: string | null }
  /** `bulk add`: the template and how to send a file. */
  | { kind: 'bulkAdd' }
  /** A spreadsheet sent in the chat: checked, and reported on. */
  | { kind: 'bulkAddFile'; file: AttachedFile }
  /** *Add N customers* on a report. */
  | { kind: 'bulkAddConfirm'; fileId: string }
  /** `digest`, `digest 8:00`, `digest off`: what follows the word, as typed. */
  | { kind: 'digest'; setting: string }
  | { kind: 'badCard'; verb: string }
  /** "Stay in the flow" clicked after the flow ended. */
  | { kind: 'flowEnded' }
  | RoleRoute
  | { kind: 'unknown'; text: string };

const id = z.string().trim().min(1).max(200);

/** A claim list's filters as asked: an engagement (an id from a card, or typed words) and a status; null for none. */
export interface ListFilterAsked {
  engagement: string | null;
  status: StatusFilter | null;
  /** A typed status that is not one, to be told about. */
  unknownStatus?: string;
}

/** A claim list's card: its filter inputs ("ANY" for none) and the cursor of its "Next page". */
const listCard = z.object({
  cursor: z.string().trim().max(2000).optional(),
  engagementId: z.union([z.literal(ANY_FILTER), id]).optional(),
  status: z.enum([ANY_FILTER, ...STATUS_FILTERS]).optional(),
});

/** Card submissions, validated at the edge: `data.action` picks the schema. */
const cardSchemas = {
  help: z.object({}),
  cancel: z.object({}),
  engagements: z.object({}),
  customers: z.object({ engagement: z.string().trim().max(200).default('') }),
  showTab: z.object({ engagementId: id, tab: z.enum(CUSTOMERS_TABS).default('eligible'), cursor: z.string().trim().max(2000).optional() }),
  viewClaim: z.object({ claimId: id }),
  myClaims: listCard,
  claims: listCard,
  expiring: listCard,
  summary: listCard,
  [UNDELIVERED_ACTION]: z.object({ cursor: z.string().trim().max(2000).optional() }),
  cancelClaim: z.object({ claimId: id }),
  [CONFIRM_CANCEL_CLAIM_ACTION]: z.object({}),
  [BULK_ADD_ACTION]: z.object({}),
  [CONFIRM_BULK_ADD_ACTION]: z.object({ fileId: id }),
  addCustomer: z.object({ engagementId: id.optional() }),
  claimCustomer: z.object({ customerId: id, engagementId: id.optional() }),
  sendConsent: z.object({ claimId: id }),
  resendConsent: z.object({ claimId: id }),
  submitClaim: z.object({ claimId: id }),
  /** The review card's confirm, clicked again after its flow ended: the flow itself reads the card and refuses a duplicate. */
  [CONFIRM_ADD_CUSTOMER_ACTION]: z.object({}),
  [CONFIRM_CLAIM_CUSTOMER_ACTION]: z.object({}),
  [CONFIRM_SEND_CONSENT_ACTION]: z.object({}),
  [CONFIRM_RESEND_CONSENT_ACTION]: z.object({}),
  [CONFIRM_SUBMIT_CLAIM_ACTION]: z.object({}),
  [CONVERSATION_ACTIONS.runCommand]: z.object({ command: z.string().max(500) }),
  [CONVERSATION_ACTIONS.leaveFlow]: z.object({ command: z.string().max(500).optional(), card: z.record(z.string(), z.unknown()).optional() }),
  [CONVERSATION_ACTIONS.stayInFlow]: z.object({}),
} as const;

type CardVerb = keyof typeof cardSchemas;

const cardEnvelope = z.object({ action: z.string().trim().min(1).max(100) });

function isCardVerb(verb: string): verb is CardVerb {
  return Object.hasOwn(cardSchemas, verb);
}

function routeCard(verb: CardVerb, value: unknown): Route {
  const bad: Route = { kind: 'badCard', verb };
  switch (verb) {
    case 'help':
    case 'cancel':
    case 'engagements':
      return { kind: verb };
    case 'myClaims':
    case 'claims':
    case 'expiring':
    case 'summary': {
      const parsed = listCard.safeParse(value);
      if (!parsed.success) return bad;
      const { cursor, engagementId, status } = parsed.data;
      const filter = { engagement: engagementId && engagementId !== ANY_FILTER ? engagementId : null, status: status && status !== ANY_FILTER ? status : null };
      return { kind: verb, cursor: cursor ?? null, filter };
    }
    case UNDELIVERED_ACTION: {
      const parsed = cardSchemas[UNDELIVERED_ACTION].safeParse(value);
      return parsed.success ? { kind: 'undelivered', cursor: parsed.data.cursor ?? null } : bad;
    }
    case CONFIRM_CANCEL_CLAIM_ACTION:
      return { kind: 'flow', verb: 'cancelClaim', start: {} };
    case BULK_ADD_ACTION:
      return { kind: 'bulkAdd' };
    case CONFIRM_BULK_ADD_ACTION: {
      const parsed = cardSchemas[CONFIRM_BULK_ADD_ACTION].safeParse(value);
      return parsed.success ? { kind: 'bulkAddConfirm', fileId: parsed.data.fileId } : bad;
    }
    case 'customers': {
      const parsed = cardSchemas.customers.safeParse(value);
      return parsed.success ? { kind: 'customers', query: parsed.data.engagement } : bad;
    }
    case 'showTab': {
      const parsed = cardSchemas.showTab.safeParse(value);
      return parsed.success
        ? { kind: 'showTab', engagementId: parsed.data.engagementId, tab: parsed.data.tab, cursor: parsed.data.cursor ?? null }
        : bad;
    }
    case 'viewClaim': {
      const parsed = cardSchemas.viewClaim.safeParse(value);
      return parsed.success ? { kind: 'status', claimId: parsed.data.claimId } : bad;
    }
    case 'addCustomer': {
      const parsed = cardSchemas.addCustomer.safeParse(value);
      return parsed.success ? { kind: 'flow', verb, start: parsed.data.engagementId ? { engagementId: parsed.data.engagementId } : {} } : bad;
    }
    case 'claimCustomer': {
      const parsed = cardSchemas.claimCustomer.safeParse(value);
      if (!parsed.success) return bad;
      const { customerId, engagementId } = parsed.data;
      return { kind: 'flow', verb, start: engagementId ? { customerId, engagementId } : { customerId } };
    }
    case CONFIRM_ADD_CUSTOMER_ACTION:
      return { kind: 'flow', verb: 'addCustomer', start: {} };
    case CONFIRM_CLAIM_CUSTOMER_ACTION:
      return { kind: 'flow', verb: 'claimCustomer', start: {} };
    case CONFIRM_SEND_CONSENT_ACTION:
      return { kind: 'flow', verb: 'sendConsent', start: {} };
    case CONFIRM_RESEND_CONSENT_ACTION:
      return { kind: 'flow', verb: 'resendConsent', start: {} };
    case CONFIRM_SUBMIT_CLAIM_ACTION:
      return { kind: 'flow', verb: 'submitClaim', start: {} };
    case CONVERSATION_ACTIONS.runCommand: {
      const parsed = cardSchemas[CONVERSATION_ACTIONS.runCommand].safeParse(value);
      return parsed.success ? routeTyped(parsed.data.command) : bad;
    }
    case CONVERSATION_ACTIONS.leaveFlow: {
      // The flow it would leave has ended already: do what was asked.
      const command = leftFor(value);
      return command ? routeMessage(command.text, command.value) : bad;
    }
    case CONVERSATION_ACTIONS.stayInFlow:
      return { kind: 'flowEnded' };
    case 'sendConsent':
    case 'resendConsent':
    case 'submitClaim':
    case 'cancelClaim': {
      const parsed = cardSchemas[verb].safeParse(value);
      return parsed.success ? { kind: 'flow', verb, start: { claimId: parsed.data.claimId } } : bad;
    }
  }
}

function claimStart(claimId: string | undefined): FlowStart {
  return claimId ? { claimId } : {};
}

const TEXT_COMMANDS: readonly { pattern: RegExp; route: (match: RegExpExecArray, line: string) => Route }[] = [
  { pattern: /^(help|\?)$/i, route: () => ({ kind: 'help' }) },
  { pattern: /^(cancel|quit|stop|exit)$/i, route: () => ({ kind: 'cancel' }) },
  { pattern: /^engagements?$/i, route: () => ({ kind: 'engagements' }) },
  { pattern: /^customers?(?:\s+(?:page\s+)?(?:for\s+|of\s+)?(.+))?$/i, route: (m) => ({ kind: 'customers', query: (m[1] ?? '').trim() }) },
  { pattern: /^(?:status|view|claim\s+status)(?:\s+(.+))?$/i, route: (m) => ({ kind: 'status', claimId: (m[1] ?? '').trim() }) },
  { pattern: /^bulk[\s-]?add(?:\s+customers?)?(?:\s+template)?$/i, route: () => ({ kind: 'bulkAdd' }) },
  { pattern: /^add\s+customer$/i, route: () => ({ kind: 'flow', verb: 'addCustomer', start: {} }) },
  { pattern: /^claim\s+customer$/i, route: () => ({ kind: 'flow', verb: 'claimCustomer', start: {} }) },
  { pattern: /^add\s+\S.*\s+to\s+\S.*$/i, route: (_m, line) => ({ kind: 'flow', verb: 'addCustomer', start: { line } }) },
  { pattern: /^claim\s+\S.*\s+for\s+\S.*$/i, route: (_m, line) => ({ kind: 'flow', verb: 'claimCustomer', start: { line } }) },
  { pattern: /^send\s+(?:customer\s+)?consent(?:\s+email)?(?:\s+(?:for\s+)?(\S+))?$/i, route: (m) => ({ kind: 'flow', verb: 'sendConsent', start: claimStart(m[1]) }) },
  { pattern: /^re-?send\s+(?:customer\s+)?consent(?:\s+email)?(?:\s+(?:for\s+)?(\S+))?$/i, route: (m) => ({ kind: 'flow', verb: 'resendConsent', start: claimStart(m[1]) }) },
  { pattern: /^submit(?:\s+claim)?(?:\s+(CLM-\S+))?$/i, route: (m) => ({ kind: 'flow', verb: 'submitClaim', start: claimStart(m[1]) }) },
  { pattern: /^cancel\s+claim(?:\s+(\S+))?$/i, route: (m) => ({ kind: 'flow', verb: 'cancelClaim', start: claimStart(m[1]) }) },
  { pattern: /^my\s+claims(?:\s+(.+))?$/i, route: (m) => listRoute('myClaims', m[1]) },
  { pattern: /^(?:all\s+)?claims(?:\s+(.+))?$/i, route: (m) => listRoute('claims', m[1]) },
  { pattern: /^(?:expiring(?:\s+soon)?|what\s+expires(?:\s+this\s+week)?)\??(?:\s+(.+))?$/i, route: (m) => listRoute('expiring', m[1]) },
  { pattern: /^summary(?:\s+(.+))?$/i, route: (m) => listRoute('summary', m[1]) },
  { pattern: /^(?:undelivered(?:\s+messages)?|dead[\s-]?letters?|failed\s+messages)$/i, route: () => ({ kind: 'undelivered', cursor: null }) },
  { pattern: /^(?:daily\s+)?digest(?:\s+(.*))?$/i, route: (m) => ({ kind: 'digest', setting: (m[1] ?? '').trim() }) },
];

const STATUS_WORD = /\bstatus\b/i;

/**
 * The filters typed after a list command: `<engagement words> status <status>`, either part alone,
 * or a bare status ("my claims submitted"), e.g. "expiring status consent requested", "summary copilot".
 */
export function parseListFilter(rest: string | undefined): ListFilterAsked {
  const text = cleanText(rest ?? '').trim().replace(/^(?:for|of|in|on)\s+/i, '');
  // The first word "status" splits the filter, found by a search and sliced around: a pattern
  // `^(.*?)\s*status…` retries its `\s*` from every position of a long run of spaces (quadratic).
  const keyword = STATUS_WORD.exec(text);
  const split = keyword ? [text.slice(0, keyword.index), text.slice(keyword.index + keyword[0].length)] : null;
  const engagementText = split ? split[0] ?? '' : parseStatusFilter(text) ? '' : text;
  const statusText = split ? (split[1] ?? '').trim() : parseStatusFilter(text) ? text : '';
  const status = statusText ? parseStatusFilter(statusText) : null;
  return {
    engagement: engagementText.trim() || null,
    status,
    ...(statusText && !status ? { unknownStatus: statusText } : {}),
  };
}

function listRoute(kind: ClaimListAction, rest: string | undefined): Route {
  return { kind, cursor: null, filter: parseListFilter(rest) };
}

/**
 * Reads what a message asks for: a card button's `data.action` (validated by its schema) or a
 * typed command, case-insensitive. Anything else is unknown.
 */
export function routeMessage(text: string | undefined, value: unknown): Route {
  const envelope = cardEnvelope.safeParse(value);
  if (envelope.success) {
    const verb = envelope.data.action;
    if (isRoleCardVerb(verb)) return routeRoleCard(verb, value) ?? { kind: 'badCard', verb };
    return isCardVerb(verb) ? routeCard(verb, value) : { kind: 'badCard', verb };
  }
  return routeTyped(text);
}

function routeTyped(text: string | undefined): Route {
  // Capped before any pattern runs, for callers other than the bot's turn (which caps it already).
  const line = cleanText(text ?? '').replace(/\s+/g, ' ').trim();
  if (line === '') return { kind: 'help' };
  const roleRoute = routeRoleText(line);
  if (roleRoute) return roleRoute;
  for (const command of TEXT_COMMANDS) {
    const match = command.pattern.exec(line);
    if (match) return command.route(match, line);
  }
  return { kind: 'unknown', text: line };
}

/** What a message asked for, kept on the "Leave the flow?" question so that leaving does it. */
export interface AskedCommand {
  text?: string;
  value?: Record<string, unknown>;
}

/** The command a "Leave the flow" button carries. */
export function leftFor(value: unknown): AskedCommand | null {
  const parsed = cardSchemas[CONVERSATION_ACTIONS.leaveFlow].safeParse(value);
  if (!parsed.success) return null;
  if (parsed.data.card) return { value: parsed.data.card };
  return parsed.data.command ? { text: parsed.data.command } : null;
}

/** The `data` of a "Leave the flow and do this" button. */
export function leaveFlowData(asked: AskedCommand): Record<string, unknown> {
  return asked.value ? { action: CONVERSATION_ACTIONS.leaveFlow, card: asked.value } : { action: CONVERSATION_ACTIONS.leaveFlow, command: asked.text ?? '' };
}

/** The confirm buttons of the flows' review cards: inside a flow they are its answers, never an interruption. */
const FLOW_ANSWER_VERBS: ReadonlySet<string> = new Set([
  CONFIRM_ADD_CUSTOMER_ACTION,
  CONFIRM_CLAIM_CUSTOMER_ACTION,
  CONFIRM_SEND_CONSENT_ACTION,
  CONFIRM_RESEND_CONSENT_ACTION,
  CONFIRM_SUBMIT_CLAIM_ACTION,
  CONFIRM_CANCEL_CLAIM_ACTION,
]);

/**
 * A top-level command sent while a flow waits for an answer (`engagements`, `customers azure
 * migrate`, a Customers page button of an earlier card): the route it asks for, or null when the
 * message is an answer to the flow (free text, the flow's own cards, help and cancel).
 */
export function interruptingRoute(text: string | undefined, value: unknown): Route | null {
  const envelope = cardEnvelope.safeParse(value);
  if (envelope.success && FLOW_ANSWER_VERBS.has(envelope.data.action)) return null;
  const route = routeMessage(text, value);
  switch (route.kind) {
    case 'help':
    case 'cancel':
    case 'unknown':
    case 'badCard':
    case 'flowEnded':
      return null;
    default:
      return route;
  }
}

const FLOW_NAMES: Record<FlowVerb, string> = {
  addCustomer: 'add a customer',
  claimCustomer: 'claim a customer',
  sendConsent: 'send the consent email',
  resendConsent: 're-send the consent email',
  submitClaim: 'submit a claim',
  cancelClaim: 'cancel a claim',
};

/** What a route does, as the end of "Leave Add customer and …?": "open the engagements". */
export function describeRoute(route: Route): string {
  switch (route.kind) {
    case 'engagements':
      return 'open the engagements';
    case 'customers':
      return route.query ? `open the Customers page of "${route.query}"` : 'open a Customers page';
    case 'showTab':
      return 'open that Customers page';
    case 'status':
      return route.claimId ? `show claim ${route.claimId}` : 'show a claim';
    case 'flow':
      return FLOW_NAMES[route.verb];
    case 'myClaims':
      return 'show your claims';
    case 'claims':
      return "show your organisation's claims";
    case 'expiring':
      return 'show what expires soon';
    case 'summary':
      return 'show the summary';
    case 'undelivered':
      return 'show the undelivered messages';
    case 'bulkAdd':
      return 'get the bulk add template';
    case 'bulkAddFile':
      return 'check the file you sent for bulk add';
    case 'bulkAddConfirm':
      return 'add the customers of the file you checked';
    case 'digest':
      return route.setting ? `set your daily digest to "${shorten(route.setting, 40)}"` : 'show your daily digest setting';
    case 'users':
      return 'manage users';
    default:
      return 'do that';
  }
}

/** The words commands begin with, for "Did you mean …?". */
const COMMAND_WORDS: readonly string[] = [
  'help',
  'engagements',
  'customers',
  'status',
  'add customer',
  'bulk add',
  'claim customer',
  'send consent',
  'resend consent',
  'submit claim',
  'cancel claim',
  'my claims',
  'claims',
  'expiring',
  'summary',
  'users',
  'undelivered',
  'digest',
];

/** Edit distance with adjacent transpositions ("hlep" is one edit from "help"); both strings are short. */
function editDistance(a: string, b: string): number {
  const rows = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i += 1) {
    for (let j = 1; j <= b.length; j += 1) {
      const row = rows[i] as number[];
      const above = rows[i - 1] as number[];
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min((above[j] as number) + 1, (row[j - 1] as number) + 1, (above[j - 1] as number) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, ((rows[i - 2] as number[])[j - 2] as number) + 1);
      row[j] = best;
    }
  }
  return (rows[a.length] as number[])[b.length] as number;
}

/**
 * The command a mistyped line most likely meant ("engagments" → "engagements", "custmers azure
 * migrate" → "customers azure migrate"), or null when nothing is close. Only the first words are
 * compared, so a long line costs no more than a short one.
 */
export function suggestCommand(text: string): string | null {
  const words = cleanText(text).toLowerCase().trim().split(/\s+/).filter((w) => w !== '');
  let best: { command: string; distance: number } | null = null;
  for (const command of COMMAND_WORDS) {
    const size = command.split(' ').length;
    if (words.length < size) continue;
    const typed = words.slice(0, size).join(' ');
    if (typed.length > command.length + 3) continue;
    const distance = editDistance(typed, command);
    const allowed = command.length <= 4 ? 1 : 2;
    if (distance === 0 || distance > allowed) continue;
    if (!best || distance < best.distance) best = { command: [command, ...words.slice(size)].join(' '), distance };
  }
  if (!best) return null;
  return routeTyped(best.command).kind === 'unknown' ? null : best.command;
}
