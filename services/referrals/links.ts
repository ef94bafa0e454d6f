/**
 * Where a Referrals admin opens a referral in Partner Center. Microsoft documents the Referrals
 * workspace (https://partner.microsoft.com/dashboard/referrals/v2/leads, the workspace whose tabs
 * include Co-sell opportunities) but no address for one referral, so the address comes from the
 * configuration (PARTNER_CENTER_REFERRALS_URL): a plain URL, or a pattern with `{referralId}`,
 * replaced by the referral's Partner Center id once Partner Center has given it one.
 */

export const DEFAULT_PARTNER_CENTER_REFERRALS_URL = 'https://partner.microsoft.com/dashboard/referrals/v2/leads';

const ID_PLACEHOLDER = '{referralId}';

/** The link for one referral: the pattern with its Partner Center id, or the workspace while it has none. */
export function partnerCenterReferralLink(pattern: string, partnerCenterId: string | null): string {
  if (!pattern.includes(ID_PLACEHOLDER)) return pattern;
  return partnerCenterId ? pattern.split(ID_PLACEHOLDER).join(encodeURIComponent(partnerCenterId)) : DEFAULT_PARTNER_CENTER_REFERRALS_URL;
}
