import { claimNames, MAX_FRIENDLY_NAME, proposeFriendlyName } from '../../services/nomination/draft';

describe('default claim names: one proposal on the details card, a distinct name per claim', () => {
  it('proposes "<customer> – <engagement>" for one engagement and the customer alone for several', () => {
    expect(proposeFriendlyName('Contoso Ltd', ['Azure Migrate and Modernize'])).toBe('Contoso Ltd – Azure Migrate and Modernize');
    expect(proposeFriendlyName('Contoso Ltd', ['Azure Migrate and Modernize', 'Microsoft 365 Copilot Accelerate'])).toBe('Contoso Ltd');
    expect(proposeFriendlyName('Contoso Ltd', [])).toBe('Contoso Ltd');
  });

  it('keeps the name given for one claim', () => {
    expect(claimNames('Contoso datacenter exit', ['Azure Migrate and Modernize'])).toEqual(['Contoso datacenter exit']);
  });

  it('names each of several claims after the name given and its own engagement', () => {
    const names = claimNames('Contoso Ltd', ['Azure Migrate and Modernize', 'Microsoft 365 Copilot Accelerate']);
    expect(names).toEqual(['Contoso Ltd – Azure Migrate and Modernize', 'Contoso Ltd – Microsoft 365 Copilot Accelerate']);
  });

  it('does not repeat the engagement of a name proposed before a second engagement was chosen', () => {
    const proposed = proposeFriendlyName('Contoso Ltd', ['Azure Migrate and Modernize']);
    expect(claimNames(proposed, ['Azure Migrate and Modernize', 'Microsoft 365 Copilot Accelerate'])).toEqual([
      'Contoso Ltd – Azure Migrate and Modernize',
      'Contoso Ltd – Microsoft 365 Copilot Accelerate',
    ]);
  });

  it('shortens a long name so every claim name fits and stays distinct', () => {
    const names = claimNames('x'.repeat(MAX_FRIENDLY_NAME), ['Azure Migrate and Modernize', 'Microsoft 365 Copilot Accelerate']);
    expect(names.every((name) => name.length <= MAX_FRIENDLY_NAME)).toBe(true);
    expect(new Set(names).size).toBe(2);
    expect(names[1]).toMatch(/x – Microsoft 365 Copilot Accelerate$/);
  });
});
