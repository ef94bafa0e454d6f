import type { Claim, PrismaClient } from '../db';
import { accessRefusal } from '../directory/access';
import { canWorkWithClaims, type Caller, type PartnerCaller } from '../directory/callers';
import type { Clock } from '../shared/clock';
import { normaliseClaimId } from './details';
import { decideTransition, type ClaimEvent } from './lifecycle';

/** One of the caller's partner's claims, with the names a conversation shows. */
export type FlowClaim = Claim & { customer: { name: string }; engagement: { name: string } };

export type ClaimOpening = { ok: true; caller: PartnerCaller; claim: FlowClaim } | { ok: false; message: string };

/**
 * Opens the claim a flow acts on: the caller must work with claims, the claim must be one of their
 * partner's (another partner's claim is "not found", so ids reveal nothing), and the state machine
 * must allow `event` now. The refusal says why; nothing is changed.
 */
export async function openClaimFor(
  prisma: PrismaClient,
  clock: Clock,
  caller: Caller,
  rawClaimId: string | undefined,
  event: ClaimEvent,
  usage: string,
): Promise<ClaimOpening> {
  if (caller.kind !== 'partnerUser' || !canWorkWithClaims(caller)) return { ok: false, message: await accessRefusal(prisma, caller) };
  const claimId = normaliseClaimId(rawClaimId ?? '');
  if (claimId === '') return { ok: false, message: `Which claim? ${usage}` };
  const claim = await prisma.claim.findFirst({
    where: { id: claimId, partnerId: caller.partnerId },
    include: { customer: { select: { name: true } }, engagement: { select: { name: true } } },
  });
  if (!claim) return { ok: false, message: `Claim ${claimId} was not found among ${caller.partnerName}'s claims. Check the id on the Customers page. Nothing was changed.` };
  const decision = decideTransition(claim, event, clock.now());
  if (!decision.ok) return { ok: false, message: `${decision.reason} Nothing was changed.` };
  return { ok: true, caller, claim };
}
