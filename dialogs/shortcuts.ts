import { questionCard } from '../cards/question';
import type { AdaptiveCard } from '../cards/render';
import type { PartnerCaller } from '../services/directory';
import { matchEngagement as matchEngagementByName } from '../services/directory';
import type { ClaimInstead, Nomination } from '../services/nomination';
import { cleanText, shorten } from '../services/shared';
import type { AddCustomerOptions, ClaimCustomerOptions } from './nominationOptions';

/** A one-line shortcut as typed: `add <id> to <engagement>` or `claim <customer> for <engagement>`. */
export type Shortcut = { kind: 'add'; idText: string; engagementText: string } | { kind: 'claim'; customerText: string; engagementText: string };

const ADD = /^add\s+(.+?)\s+to\s+(.+)$/i;
const CLAIM = /^claim\s+(.+?)\s+for\s+(.+)$/i;

const OPENING_QUOTES = new Set(['"', "'", '“', '”', '‘', '’']);
const CLOSING_MARKS = new Set([...OPENING_QUOTES, '.', '!']);

/**
 * The text without its surrounding quotes and closing full stop or exclamation mark. Scanned from
 * each end, not by a pattern: `/[…]+$/` retries from every character of a long run of dots, which
 * is quadratic, and one such message froze the bot.
 */
function unquote(text: string): string {
  const trimmed = text.trim();
  let start = 0;
  let end = trimmed.length;
  while (start < end && OPENING_QUOTES.has(trimmed.charAt(start))) start += 1;
  while (end > start && CLOSING_MARKS.has(trimmed.charAt(end - 1))) end -= 1;
  return trimmed.slice(start, end).trim();
}

/** Parses a shortcut line; null when the text is not one (for example plain `add customer`). */
export function parseShortcut(text: string): Shortcut | null {
  const line = cleanText(text).trim().replace(/\s+/g, ' ');
  const add = ADD.exec(line);
  if (add?.[1] && add[2]) {
    const idText = unquote(add[1]);
    const engagementText = unquote(add[2]);
    if (idText && engagementText && !/^customer$/i.test(idText)) return { kind: 'add', idText, engagementText };
  }
  const claim = CLAIM.exec(line);
  if (claim?.[1] && claim[2]) {
    const customerText = unquote(claim[1]);
    const engagementText = unquote(claim[2]);
    if (customerText && engagementText) return { kind: 'claim', customerText, engagementText };
  }
  return null;
}

interface Named {
  id: string;
  name: string;
}

export type EngagementMatch<T extends Named> = { kind: 'one'; engagement: T } | { kind: 'many'; candidates: T[] } | { kind: 'none' };

/** An engagement named loosely, by the one matcher the rest of the bot uses (services/directory/engagements.ts). */
export function matchEngagement<T extends Named>(engagements: readonly T[], typed: string): EngagementMatch<T> {
  const match = matchEngagementByName(engagements, typed);
  return match.kind === 'ambiguous' ? { kind: 'many', candidates: match.candidates } : match;
}

function listNames(items: readonly Named[]): string {
  return items.map((item) => item.name).join('; ');
}

export type ShortcutResolution<T> = { ok: true; options: T } | { ok: false; message: string };

/** The engagement a shortcut names, among those the caller's partner can work on. */
async function resolveEngagement(nomination: Nomination, caller: PartnerCaller, typed: string): Promise<ShortcutResolution<Named>> {
  const match = await nomination.findEngagement(caller, typed);
  if (match.kind === 'one') return { ok: true, options: match.engagement };
  if (match.kind === 'many') return { ok: false, message: `"${shorten(typed)}" matches several engagements: ${listNames(match.candidates)}. Say which one.` };
  return { ok: false, message: `There is no open engagement called "${shorten(typed)}". The engagements are: ${listNames(match.engagements)}.` };
}

/** `add <id> to <engagement>` → the Add customer options it names. */
export async function resolveAddShortcut(
  nomination: Nomination,
  caller: PartnerCaller,
  shortcut: Extract<Shortcut, { kind: 'add' }>,
): Promise<ShortcutResolution<AddCustomerOptions>> {
  const engagement = await resolveEngagement(nomination, caller, shortcut.engagementText);
  if (!engagement.ok) return engagement;
  return { ok: true, options: { caller, idText: shortcut.idText, engagementId: engagement.options.id } };
}

/** `claim <customer> for <engagement>` → the Claim customer options it names, the customer among the partner's known ones. */
export async function resolveClaimShortcut(
  nomination: Nomination,
  caller: PartnerCaller,
  shortcut: Extract<Shortcut, { kind: 'claim' }>,
): Promise<ShortcutResolution<ClaimCustomerOptions>> {
  const engagement = await resolveEngagement(nomination, caller, shortcut.engagementText);
  if (!engagement.ok) return engagement;
  const match = await nomination.findKnownCustomer(caller, shortcut.customerText);
  if (match.kind === 'one') return { ok: true, options: { caller, customerId: match.item.id, engagementId: engagement.options.id } };
  if (match.kind === 'many') return { ok: false, message: `"${shorten(shortcut.customerText)}" matches several of your known customers: ${listNames(match.candidates)}. Say which one.` };
  return {
    ok: false,
    message: `"${shorten(shortcut.customerText)}" is not one of your known customers, so it cannot be claimed. A customer new to you is added instead: type **add customer**, or in one line **add**, one of its ids (its domain, for instance), **to** and the engagement.`,
  };
}

/**
 * Rule 2's refusal of an add as a card: a customer already known is claimed, so its button starts
 * Claim customer for the engagement asked for (when it can be claimed for it), or for the customer alone.
 */
export function claimInsteadCard(message: string, claim: ClaimInstead): AdaptiveCard {
  const forEngagement = claim.engagementId && claim.engagementName ? { id: claim.engagementId, name: claim.engagementName } : null;
  return questionCard({
    title: forEngagement ? `Claim ${claim.customerName} for ${forEngagement.name} instead?` : `Claim ${claim.customerName} instead?`,
    text: message,
    buttons: [
      {
        title: forEngagement ? `Claim for ${forEngagement.name}` : 'Claim customer',
        style: 'positive',
        data: forEngagement ? { action: 'claimCustomer', customerId: claim.customerId, engagementId: forEngagement.id } : { action: 'claimCustomer', customerId: claim.customerId },
      },
    ],
  });
}
