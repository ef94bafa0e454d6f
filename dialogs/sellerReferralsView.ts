import type { TurnContext } from 'botbuilder';
import { z } from 'zod';
import { coSellReferralCard, coSellReferralsCard } from '../cards/coSellReferrals';
import type { AdaptiveCard } from '../cards/render';
import type { Caller } from '../services/directory';
import type { Route } from './commands';
import type { DialogDeps } from './dialogDeps';
import { sendCard } from './replies';
import { CO_SELL_REFERRALS_ACTION } from '../cards/actions';

type SellerCaller = Extract<Caller, { kind: 'seller' }>;

const listPage = z.object({ action: z.literal(CO_SELL_REFERRALS_ACTION), cursor: z.string().trim().min(1).max(2000).optional() });
/**
 * One claim's co-sell referral: the co-sell notification's button, and the "View claim" button of
 * co-sell notifications sent before it, which a seller may click too.
 */
const oneReferral = z.object({ action: z.enum([CO_SELL_REFERRALS_ACTION, 'viewClaim']), claimId: z.string().trim().min(1).max(200) });

/** The routes a seller is simply shown their list for; anything else is a partner command, answered with a note first. */
const SELLER_ROUTES: readonly Route['kind'][] = ['help', 'unknown', 'cancel'];
const SELLER_COMMAND = /^(?:referrals?|co-?sell(?:\s+referrals?)?|my\s+referrals)$/i;

/**
 * A Microsoft field seller's whole conversation: whatever they write (or `referrals`, `co-sell`),
 * they get the co-sell referrals of the customers they cover; the card's "Next page" pages on. A
 * claim id (the notification's button, or `status CLM-…`) opens that claim's co-sell referral if
 * they cover its customer. Read-only: nothing a seller sends changes anything.
 */
export async function answerSeller(context: TurnContext, deps: DialogDeps, caller: SellerCaller, route: Route): Promise<void> {
  const one = oneReferral.safeParse(context.activity.value);
  const claimId = one.success ? one.data.claimId : route.kind === 'status' && route.claimId !== '' ? route.claimId : null;
  if (claimId) {
    await sendCard(context, await sellerReferralCard(deps, caller, claimId));
    return;
  }
  const page = listPage.safeParse(context.activity.value);
  const typed = (context.activity.text ?? '').trim();
  const partnerOnly = !page.success && !SELLER_ROUTES.includes(route.kind) && !SELLER_COMMAND.test(typed);
  const card = await sellerReferralsCard(deps, caller, page.success ? page.data.cursor ?? null : null, partnerOnly ? 'That command is for partner staff.' : undefined);
  await sendCard(context, card);
}

/** A page of the seller's co-sell referrals as a card; also what a seller is welcomed with. */
export async function sellerReferralsCard(deps: DialogDeps, caller: SellerCaller, cursor: string | null = null, note?: string): Promise<AdaptiveCard> {
  const rows = await deps.services.referrals.sellerCoSell(caller, { cursor });
  return coSellReferralsCard({ sellerName: caller.displayName, page: rows, continued: cursor !== null, ...(note ? { note } : {}) });
}

/** One claim's co-sell referral, or the seller's list with a note when they cannot see one for it. */
async function sellerReferralCard(deps: DialogDeps, caller: SellerCaller, claimId: string): Promise<AdaptiveCard> {
  const row = await deps.services.referrals.sellerCoSellOf(caller, claimId);
  if (row) return coSellReferralCard({ sellerName: caller.displayName, row });
  return sellerReferralsCard(deps, caller, null, 'That claim has no co-sell referral for a customer you cover.');
}
