import { revokeConfirmCard, usersCard } from '../../cards/users';
import { submitActions } from '../support/cardActions';
import { adaptiveCardErrors } from '../support/cardSchema';

describe('users card', () => {
  it('lists users with their roles, a Grant or Revoke button per role behind Change roles, and Next page, valid against the 1.5 schema', () => {
    const card = usersCard({
      partnerName: 'Fabrikam Consulting',
      continued: false,
      page: {
        rows: [
          { userId: 'u1', displayName: 'Adele Vance', email: 'adele@fabrikam.test', roles: ['INCENTIVES_ADMIN', 'REFERRALS_ADMIN'] },
          { userId: 'u2', displayName: 'Lee Gu', email: 'lee@fabrikam.test', roles: [] },
        ],
        nextCursor: 'eyJ0IjoiVSJ9',
      },
    });
    expect(adaptiveCardErrors(card)).toEqual([]);
    const text = JSON.stringify(card);
    expect(text).toContain("Fabrikam Consulting's users");
    expect(text).toContain('Incentives admin, Referrals admin');
    expect(text).toContain('No role: cannot use the bot');
    // Three long titles side by side are cut short in Teams: each user's role buttons are one per line, behind Change roles.
    const showCards = JSON.stringify(card.body).match(/"Action\.ShowCard","title":"Change roles"/g) ?? [];
    expect(showCards).toHaveLength(2);
    expect(submitActions(card)).toEqual([
      { title: 'Revoke Incentives admin', data: { action: 'revokeRole', email: 'adele@fabrikam.test', role: 'INCENTIVES_ADMIN' } },
      { title: 'Grant Incentives user', data: { action: 'grantRole', email: 'adele@fabrikam.test', role: 'INCENTIVES_USER' } },
      { title: 'Revoke Referrals admin', data: { action: 'revokeRole', email: 'adele@fabrikam.test', role: 'REFERRALS_ADMIN' } },
      { title: 'Grant Incentives admin', data: { action: 'grantRole', email: 'lee@fabrikam.test', role: 'INCENTIVES_ADMIN' } },
      { title: 'Grant Incentives user', data: { action: 'grantRole', email: 'lee@fabrikam.test', role: 'INCENTIVES_USER' } },
      { title: 'Grant Referrals admin', data: { action: 'grantRole', email: 'lee@fabrikam.test', role: 'REFERRALS_ADMIN' } },
      { title: 'Next page', data: { action: 'users', cursor: 'eyJ0IjoiVSJ9' } },
      { title: 'Help', data: { action: 'help' } },
    ]);
  });

  it('asks to confirm a revoke with the roles left afterwards', () => {
    const card = revokeConfirmCard({
      user: { userId: 'u1', displayName: 'Alex Wilber', email: 'alex@fabrikam.test', roles: ['INCENTIVES_USER'] },
      role: 'INCENTIVES_USER',
      after: [],
    });
    expect(adaptiveCardErrors(card)).toEqual([]);
    expect(JSON.stringify(card)).toContain('Alex Wilber will lose the Incentives user role. Roles afterwards: No role: cannot use the bot.');
    expect(submitActions(card)).toEqual([
      { title: 'Revoke Incentives user', data: { action: 'confirmRevokeRole', email: 'alex@fabrikam.test', role: 'INCENTIVES_USER' } },
      { title: 'Keep it', data: { action: 'users' } },
    ]);
  });
});
