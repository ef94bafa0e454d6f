import { DELIVERY_GUARANTEE, undeliveredMessagesCard } from '../../cards/undeliveredMessages';
import type { UndeliveredMessage } from '../../services/outbox/undelivered';
import { submitActions } from '../support/cardActions';
import { adaptiveCardErrors } from '../support/cardSchema';

const ROWS: UndeliveredMessage[] = [
  {
    id: 'o-2',
    status: 'UNDELIVERABLE',
    channel: 'TEAMS',
    event: 'consent.accepted',
    what: 'Notice: the customer accepted consent',
    to: 'Alex Wilber (alex.wilber@fabrikamconsulting.com)',
    recipient: '00000000-0000-0000-0000-00000000a002',
    claimId: 'CLM-N2HQC766',
    attempts: 1,
    lastError: 'Teams refused the message (403 BotDisabledByAdmin)',
    createdAt: new Date('2026-03-02T09:15:00.000Z'),
  },
  {
    id: 'o-1',
    status: 'DEAD',
    channel: 'EMAIL',
    event: 'consent.requested',
    what: 'Consent request email to the customer',
    to: 'buyer@tailspintoys.com',
    recipient: 'buyer@tailspintoys.com',
    claimId: null,
    attempts: 8,
    lastError: null,
    createdAt: new Date('2026-03-01T17:05:00.000Z'),
  },
];

describe('undelivered messages card', () => {
  it('shows when, channel, what, to whom, status and reason of each, View claim where there is a claim, and Next page', () => {
    const card = undeliveredMessagesCard({ continued: false, page: { partnerName: 'Fabrikam Consulting', rows: ROWS, nextCursor: 'eyJjIjoiMSJ9' } });
    expect(adaptiveCardErrors(card)).toEqual([]);
    const text = JSON.stringify(card);
    for (const shown of [
      "Fabrikam Consulting's emails and Teams messages that could not be delivered",
      'Notice: the customer accepted consent',
      'Undeliverable: recipient unreachable',
      '2 March 2026 at 09:15 UTC',
      '"value":"Teams"',
      'Alex Wilber (alex.wilber@fabrikamconsulting.com)',
      'Teams refused the message (403 BotDisabledByAdmin)',
      'Failed after 8 attempts',
      '"value":"Email"',
      'buyer@tailspintoys.com',
      '"value":"Not recorded"',
      DELIVERY_GUARANTEE,
    ]) {
      expect(text).toContain(shown);
    }
    expect(submitActions(card)).toEqual([
      { title: 'View claim', data: { action: 'viewClaim', claimId: 'CLM-N2HQC766' } },
      { title: 'Next page', data: { action: 'undelivered', cursor: 'eyJjIjoiMSJ9' } },
      { title: 'Help', data: { action: 'help' } },
    ]);
  });

  it('says so when nothing failed', () => {
    const card = undeliveredMessagesCard({ continued: false, page: { partnerName: 'Trey Research', rows: [], nextCursor: null } });
    expect(adaptiveCardErrors(card)).toEqual([]);
    expect(JSON.stringify(card)).toContain('Every message of Trey Research was delivered or is still being tried; none failed.');
    // The guarantee is said even when nothing failed: it is what an admin judges a repeated message by.
    expect(JSON.stringify(card)).toContain('A repeat is possible only if the bot stopped between a send and its record.');
    expect(submitActions(card)).toEqual([{ title: 'Help', data: { action: 'help' } }]);
  });
});
