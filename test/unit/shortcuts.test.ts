import { matchEngagement, parseShortcut } from '../../dialogs/shortcuts';
import { matchCustomer } from '../../services/customers';

const ENGAGEMENTS = [
  { id: 'eng-azure-migrate-modernize', name: 'Azure Migrate and Modernize' },
  { id: 'eng-m365-copilot-accelerate', name: 'Microsoft 365 Copilot Accelerate' },
  { id: 'eng-security-threat-protection', name: 'Security Workshop: Threat Protection' },
  { id: 'eng-data-ai-envisioning', name: 'Data & AI Envisioning' },
  { id: 'eng-azure-innovate-variable', name: 'Azure Innovate Variable Pay' },
  { id: 'eng-cloud-migration-assessment-variable', name: 'Cloud Migration Assessment (variable pay)' },
];

const CUSTOMERS = [
  { id: 'cust-contoso', name: 'Contoso Ltd', ids: ['contoso.com', 'contoso.co.uk', '64332379'] },
  { id: 'cust-northwind', name: 'Northwind Traders', ids: ['northwindtraders.com', '8c98d173-ed07-4a2a-b3d2-337b689e9000'] },
  { id: 'cust-wide-world', name: 'Wide World Importers', ids: ['wideworldimporters.com'] },
  { id: 'cust-woodgrove', name: 'Woodgrove Bank', ids: ['woodgrovebank.com'] },
];

describe('parseShortcut', () => {
  it.each([
    ['add contoso.com to Azure Migrate', { kind: 'add', idText: 'contoso.com', engagementText: 'Azure Migrate' }],
    ['ADD  7-3QLU01LRG0   TO  innovate', { kind: 'add', idText: '7-3QLU01LRG0', engagementText: 'innovate' }],
    ['add "fabrikam.com" to "Data & AI".', { kind: 'add', idText: 'fabrikam.com', engagementText: 'Data & AI' }],
    ['add 8c98d173-ed07-4a2a-b3d2-337b689e9000 to copilot', { kind: 'add', idText: '8c98d173-ed07-4a2a-b3d2-337b689e9000', engagementText: 'copilot' }],
    ['claim Wide World Importers for security', { kind: 'claim', customerText: 'Wide World Importers', engagementText: 'security' }],
    ['Claim contoso.com for Data & AI Envisioning', { kind: 'claim', customerText: 'contoso.com', engagementText: 'Data & AI Envisioning' }],
  ])('%s', (line, expected) => {
    expect(parseShortcut(line)).toEqual(expected);
  });

  it.each(['add customer', 'claim customer', 'add customer to', 'add to security', 'addcontoso.com to x', 'customers azure', 'claim contoso', ''])(
    'is not a shortcut: "%s"',
    (line) => {
      expect(parseShortcut(line)).toBeNull();
    },
  );
});

describe('matchEngagement', () => {
  it.each([
    ['Azure Migrate and Modernize', 'eng-azure-migrate-modernize'],
    ['azure migrate', 'eng-azure-migrate-modernize'],
    ['AZURE MIGRATE', 'eng-azure-migrate-modernize'],
    ['copilot', 'eng-m365-copilot-accelerate'],
    ['security', 'eng-security-threat-protection'],
    ['threat prot', 'eng-security-threat-protection'],
    ['data & ai', 'eng-data-ai-envisioning'],
    ['data ai', 'eng-data-ai-envisioning'],
    ['eng-azure-innovate-variable', 'eng-azure-innovate-variable'],
    ['migration assessment', 'eng-cloud-migration-assessment-variable'],
  ])('"%s" → %s', (typed, id) => {
    expect(matchEngagement(ENGAGEMENTS, typed)).toEqual({ kind: 'one', engagement: expect.objectContaining({ id }) as unknown });
  });

  it('says when a name is ambiguous or unknown', () => {
    expect(matchEngagement(ENGAGEMENTS, 'azure')).toMatchObject({ kind: 'many', candidates: [{ name: 'Azure Migrate and Modernize' }, { name: 'Azure Innovate Variable Pay' }] });
    expect(matchEngagement(ENGAGEMENTS, 'dynamics')).toEqual({ kind: 'none' });
    expect(matchEngagement(ENGAGEMENTS, '  ')).toEqual({ kind: 'none' });
  });
});

describe('matchCustomer', () => {
  it.each([
    ['Contoso Ltd', 'cust-contoso'],
    ['contoso', 'cust-contoso'],
    ['contoso.co.uk', 'cust-contoso'],
    ['64332379', 'cust-contoso'],
    ['8C98D173-ED07-4A2A-B3D2-337B689E9000', 'cust-northwind'],
    ['wide world', 'cust-wide-world'],
    ['cust-woodgrove', 'cust-woodgrove'],
  ])('"%s" → %s', (typed, id) => {
    expect(matchCustomer(CUSTOMERS, typed)).toEqual({ kind: 'one', item: expect.objectContaining({ id }) as unknown });
  });

  it('says when a name is ambiguous or unknown', () => {
    expect(matchCustomer(CUSTOMERS, 'w')).toMatchObject({ kind: 'many' });
    expect(matchCustomer(CUSTOMERS, 'fabrikam')).toEqual({ kind: 'none' });
  });
});
