import { welcomeCard } from '../../cards/welcome';
import { adaptiveCardErrors } from '../support/cardSchema';

describe('welcome card', () => {
  const cardData = {
    greeting: 'Hello Ana Bowman.',
    showIdentity: true,
    partnerName: 'Fabrikam Consulting',
    roles: 'Incentives admin, Referrals admin',
    commands: [
      { command: 'help', description: 'Show this card.' },
      { command: 'engagements', description: 'List engagements.' },
    ],
    buttons: [{ title: 'Help', action: 'help' }],
  };
  const full = welcomeCard(cardData);

  it('is a valid Adaptive Card 1.5', () => {
    expect(adaptiveCardErrors(full)).toEqual([]);
    expect(full.version).toBe('1.5');
  });

  it('binds every command and the identity, with Action.Submit buttons carrying data.action', () => {
    const text = JSON.stringify(full);
    expect(text).toContain('Fabrikam Consulting');
    expect(text).toContain('engagements');
    expect(text).not.toContain('${');
    expect(full.actions).toEqual([{ type: 'Action.Submit', title: 'Help', data: { action: 'help' } }]);
  });

  it('draws a command\'s placeholders in italics, never as <…>, which a Markdown host would take for an HTML tag and drop', () => {
    const card = welcomeCard({ ...cardData, commands: [{ command: 'grant <role> to <email>', description: 'Give a user a role.' }] });
    const text = JSON.stringify(card);
    expect(text).toContain('grant *role* to *email*');
    expect(text).not.toMatch(/<[^>]*>/);
  });

  it('drops the identity facts when there is no identity to show', () => {
    const anonymous = welcomeCard({ greeting: 'Hi', showIdentity: false, partnerName: '', roles: '', commands: [], buttons: [] });
    expect(adaptiveCardErrors(anonymous)).toEqual([]);
    expect(JSON.stringify(anonymous)).not.toContain('Your roles');
  });

  it('is caught by the schema check when a card is broken', () => {
    expect(adaptiveCardErrors({ ...full, version: 1.5, body: [{ type: 'TextBlok', text: 'typo' }] })).not.toEqual([]);
  });
});
