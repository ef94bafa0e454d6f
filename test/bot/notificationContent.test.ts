import { loadConfig } from '../../bot/config';
import { notificationFor } from '../../bot/notifier';
import { notificationCard } from '../../cards/notification';
import { DEFAULT_PARTNER_CENTER_REFERRALS_URL, partnerCenterReferralLink } from '../../services/referrals';
import { adaptiveCardErrors } from '../support/cardSchema';

/**
 * Issue 14, items 4 and 7: each proactive card's facts are the fields they name, and its buttons are
 * the next step the recipient may take — Submit claim after consent, Send consent when it was never
 * sent, the co-sell referral for a seller, Partner Center for a Referrals admin.
 */

const CLAIM = 'CLM-N2HQC766';
const names = { customerName: 'Tailspin Toys', friendlyName: 'Tailspin migration wave 1', engagementName: 'Azure Migrate and Modernize' };

function card(event: string, payload: Record<string, unknown>, links = {}) {
  const content = notificationFor({ event, claimId: CLAIM, payload: { kind: event, claimId: CLAIM, text: 'Something happened.', ...payload } }, links);
  const drawn = notificationCard(content);
  expect(adaptiveCardErrors(drawn)).toEqual([]);
  return { content, text: JSON.stringify(drawn), actions: (drawn.actions ?? []) as { type: string; title: string; data?: Record<string, string> }[] };
}

describe('the facts of a proactive card', () => {
  it.each(['deadline.consent.reminder', 'deadline.submission.reminder', 'claim.expired', 'consent.accepted', 'claim.canceled'])(
    '%s: "Customer" is the customer and "Claim name" the friendly name',
    (event) => {
      expect(card(event, names).content.facts).toEqual([
        { title: 'Customer', value: 'Tailspin Toys' },
        { title: 'Claim name', value: 'Tailspin migration wave 1' },
        { title: 'Engagement', value: 'Azure Migrate and Modernize' },
        { title: 'Claim', value: CLAIM },
      ]);
    },
  );

  it('never shows the friendly name under "Customer" when the customer is unknown', () => {
    const { facts } = card('deadline.consent.reminder', { friendlyName: 'Tailspin migration wave 1' }).content;
    expect(facts).toEqual([
      { title: 'Claim name', value: 'Tailspin migration wave 1' },
      { title: 'Claim', value: CLAIM },
    ]);
  });

  it('names the referral by its id on referral cards', () => {
    expect(card('referral.created', { ...names, referralId: 'REF-N2HQC766', audience: 'creator', referralsAdmins: 1 }).content.facts).toContainEqual({ title: 'Referral', value: 'REF-N2HQC766' });
  });
});

describe('the next step on a proactive card', () => {
  it('Partner Center sign-in refused: tells the Incentives admin what is wrong and whom to ask, with no claim button', () => {
    const content = notificationFor({ event: 'referrals.signin.failed', claimId: null, payload: { kind: 'referrals.signin.failed', text: 'Referrals are not reaching Partner Center: the stored refresh token was refused.' } });
    const drawn = notificationCard(content);
    expect(adaptiveCardErrors(drawn)).toEqual([]);
    expect(content).toMatchObject({ title: 'Referrals are not reaching Partner Center', color: 'Attention', buttons: [], facts: [] });
    expect(content.next).toContain('renew its Partner Center sign-in');
  });

  it('consent accepted: Submit claim first, then View claim', () => {
    expect(card('consent.accepted', names).actions).toEqual([
      { type: 'Action.Submit', title: 'Submit claim', data: { action: 'submitClaim', claimId: CLAIM } },
      { type: 'Action.Submit', title: 'View claim', data: { action: 'viewClaim', claimId: CLAIM } },
    ]);
  });

  it('submission deadline near: Submit claim', () => {
    expect(card('deadline.submission.reminder', { ...names, status: 'CONSENT_GRANTED' }).actions.map((action) => action.data?.action)).toEqual(['submitClaim', 'viewClaim']);
  });

  it('consent deadline near on a claim whose consent email was never sent: Send consent email, and says send, not re-send', () => {
    for (const status of ['ADDED', 'CLAIMED']) {
      const { content, actions } = card('deadline.consent.reminder', { ...names, status });
      expect(actions.map((action) => action.data?.action)).toEqual(['sendConsent', 'viewClaim']);
      expect(content.next).toBe('Next: send the customer the consent email before the deadline.');
    }
    const requested = card('deadline.consent.reminder', { ...names, status: 'CONSENT_REQUESTED' });
    expect(requested.actions.map((action) => action.data?.action)).toEqual(['viewClaim']);
    expect(requested.content.next).toMatch(/re-send/);
  });

  it('claim reviewed: Resubmit claim when Microsoft rejected it (resubmittable), nothing more otherwise', () => {
    expect(card('claim.reviewed', { ...names, status: 'REJECTED', outcome: 'REJECTED' }).actions.map((action) => [action.title, action.data?.action])).toEqual([
      ['Resubmit claim', 'submitClaim'],
      ['View claim', 'viewClaim'],
    ]);
    for (const status of ['COMPLETED', 'REJECTED_FINAL']) expect(card('claim.reviewed', { ...names, status }).actions.map((action) => action.data?.action)).toEqual(['viewClaim']);
  });

  it('a seller’s co-sell card opens the co-sell referral, never the partner’s claim', () => {
    const { content, actions } = card('cosell.available', { ...names, partnerName: 'Fabrikam Consulting', referralId: 'REF-N2HQC766', audience: 'seller' });
    expect(actions).toEqual([{ type: 'Action.Submit', title: 'View co-sell referral', data: { action: 'coSellReferrals', claimId: CLAIM } }]);
    expect(content.facts.map((fact) => fact.title)).toEqual(['Customer', 'Engagement', 'Partner', 'Claim']);
  });
});

describe('referral cards for the partner', () => {
  const referral = { ...names, referralId: 'REF-N2HQC766' };
  const link = { partnerCenterReferral: 'https://partner.microsoft.com/dashboard/referrals/v2/leads' };

  it('a Referrals admin gets Partner Center’s link and is told to work the referral there', () => {
    for (const event of ['referral.created', 'referral.upgraded']) {
      const { content, text, actions } = card(event, { ...referral, audience: 'referralsAdmin', referralsAdmins: 1 }, link);
      expect(text).toContain(`[Open the referral in Partner Center](${link.partnerCenterReferral})`);
      // Every button still comes back to the bot; the link is in the text.
      expect(actions.every((action) => action.type === 'Action.Submit')).toBe(true);
      expect(content.next).toMatch(/Partner Center/);
      expect(content.next).not.toMatch(/Your Referrals admins/);
    }
  });

  it('the creator gets no Partner Center link and is told truly who was told', () => {
    const told = card('referral.created', { ...referral, audience: 'creator', referralsAdmins: 2 }, link);
    expect(told.text).not.toContain('Partner Center](');
    expect(told.content.next).toBe('Your Referrals admins were told and work it in Partner Center.');
    const none = card('referral.upgraded', { ...referral, audience: 'creator', referralsAdmins: 0 }, link);
    expect(none.content.next).toMatch(/no Referrals admin yet/);
    expect(none.content.next).not.toMatch(/were told and work it/);
  });
});

describe('the Partner Center referral link', () => {
  it('is the configured address, filled with the Partner Center id when the pattern asks for one', () => {
    expect(partnerCenterReferralLink(DEFAULT_PARTNER_CENTER_REFERRALS_URL, 'pc-1')).toBe(DEFAULT_PARTNER_CENTER_REFERRALS_URL);
    expect(partnerCenterReferralLink('https://partner.example/referrals/{referralId}', 'a b/1')).toBe('https://partner.example/referrals/a%20b%2F1');
    // Before Partner Center has given the referral an id, the workspace is where to find it.
    expect(partnerCenterReferralLink('https://partner.example/referrals/{referralId}', null)).toBe(DEFAULT_PARTNER_CENTER_REFERRALS_URL);
  });
});

describe('PARTNER_CENTER_REFERRALS_URL', () => {
  it('defaults to the Referrals workspace and must be an https address', () => {
    expect(loadConfig({}).partnerCenterReferralsUrl).toBe(DEFAULT_PARTNER_CENTER_REFERRALS_URL);
    expect(loadConfig({ PARTNER_CENTER_REFERRALS_URL: 'https://partner.example/r/{referralId}' }).partnerCenterReferralsUrl).toBe('https://partner.example/r/{referralId}');
    expect(() => loadConfig({ PARTNER_CENTER_REFERRALS_URL: 'http://partner.example/r' })).toThrow(/PARTNER_CENTER_REFERRALS_URL: expected an https URL/);
  });
});
