import { z } from 'zod';
import { ANY_FILTER, type ClaimListAction } from '../cards/claimList';
import { CUSTOMERS_TABS, type CustomersTab } from '../cards/customersPage';
import { parseStatusFilter, STATUS_FILTERS, type StatusFilter } from '../services/claims';
import { cleanText } from '../services/shared';
import { isRoleCardVerb, routeRoleCard, routeRoleText, type RoleRoute } from './roleCommands';
import { CONFIRM_ADD_CUSTOMER_ACTION, CONFIRM_CANCEL_CLAIM_ACTION, CONFIRM_CLAIM_CUSTOMER_ACTION, CONFIRM_RESEND_CONSENT_ACTION, CONFIRM_SEND_CONSENT_ACTION, CONFIRM_SUBMIT_CLAIM_ACTION, UNDELIVERED_ACTION } from '../cards/actions';

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
  | { kind: 'badCard'; verb: string }
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
