import type { Tx } from '../db';
import { partnerAdmins, ROLE_LABELS, type Caller } from './callers';

/**
 * What a caller without a claim role is told, naming who can grant it: the one wording of the
 * refusal, for the help card, the router and every flow.
 */
export async function accessRefusal(prisma: Tx, caller: Caller): Promise<string> {
  if (caller.kind === 'seller') {
    return 'This is for partner staff with an incentives role. As a Microsoft field seller you will hear from me when a partner’s claim for a customer you cover is upgraded to co-sell.';
  }
  if (caller.kind === 'unknown') {
    const intro = "I don't know you yet, so you cannot work with claims.";
    if (!caller.partner) return `${intro} Ask an Incentives admin of your organisation to give you the Incentives user or Incentives admin role.`;
    return `${intro} You are signed in from ${caller.partner.name}'s tenant. ${await whoCanGrant(prisma, caller.partner.id)}`;
  }
  const has =
    caller.roles.length > 0
      ? `Your roles (${caller.roles.map((role) => ROLE_LABELS[role]).join(', ')}) do not include Incentives user or Incentives admin, which this needs.`
      : 'You have no incentives role yet, so you cannot work with claims.';
  // Admins grant roles by email, so the user is told which one is theirs.
  return `${has} ${await whoCanGrant(prisma, caller.partnerId)} Give them your email: ${caller.email}.`;
}

async function whoCanGrant(prisma: Tx, partnerId: string): Promise<string> {
  const admins = await partnerAdmins(prisma, partnerId);
  if (admins.length === 0) return 'Ask an Incentives admin of your organisation to grant you a role.';
  return `Ask an Incentives admin to grant you a role: ${admins.map((admin) => `${admin.displayName} (${admin.email})`).join(', ')}.`;
}
