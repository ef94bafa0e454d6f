import { parseListFilter, routeMessage } from '../../dialogs/commands';
import { changeFieldFromText, parseEngagementAnswer, parseLocationAnswer } from '../../dialogs/nominationAnswers';
import { routeRoleText } from '../../dialogs/roleCommands';
import { matchEngagement, parseShortcut } from '../../dialogs/shortcuts';
import { parseStatusFilter, SubmitClaimInputSchema } from '../../services/claims';
import { CustomerIdType, inferCustomerIdType, matchCustomer, parseCustomerId } from '../../services/customers';
import { parseRole } from '../../services/directory';
import { emailSchema } from '../../services/directory/callers';
import { validateHours, type EngagementVerdict } from '../../services/nomination';
import { cleanText, cleanValue, MAX_MESSAGE_TEXT, shorten } from '../../services/shared';

/**
 * Every parser of what a user types, fed 1 MB built to make backtracking patterns retry from every
 * character. Quadratic code takes minutes on these (the issue measured 17–26 s for 100 KB), linear
 * code milliseconds: jest's default timeout is the bound, so no timing is asserted.
 */
const MB = 1_000_000;
const PATHOLOGICAL: Record<string, string> = {
  'add with a run of dots': `add x${'.'.repeat(MB)}y to security`,
  'grant to an email with a run of dots': `grant incentives user to x@${'.'.repeat(MB)}@`,
  'revoke with a run of spaces': `revoke referrals admin from x${' '.repeat(MB)}y`,
  'claim with a run of quotes': `claim "${'"'.repeat(MB)}x for "${'’'.repeat(MB)}!y`,
  'a run of spaces before a line break': `change${' '.repeat(MB)}x\ny`,
  'status after a run of spaces': `claims a${' '.repeat(MB)}b`,
  'a run of dashes': `-${'-'.repeat(MB)}x`,
  'a run of tabs and dots': `\t.`.repeat(MB / 2),
  'words of one letter': 'a '.repeat(MB / 2),
  'an email-like run': `x@${'a.'.repeat(MB / 2)}`,
  'a domain-like run of labels': `https://${'a-'.repeat(MB / 2)}.com/`,
  'digits': '1'.repeat(MB),
};

const ENGAGEMENTS = [
  { id: 'eng-security', name: 'Security Workshop: Threat Protection' },
  { id: 'eng-migrate', name: 'Azure Migrate and Modernize' },
];
const VERDICTS: EngagementVerdict[] = ENGAGEMENTS.map((e) => ({
  engagementId: e.id,
  engagementName: e.name,
  payType: 'FIXED',
  eligible: true,
  via: { type: CustomerIdType.DOMAIN, value: 'contoso.com' },
}));
const LOCATIONS = [{ id: 'loc-1', name: 'Contoso Seattle', country: 'US', mciEnrolled: true }];

describe.each(Object.entries(PATHOLOGICAL))('1 MB of %s', (_name, text) => {
  it('routes the message (routeMessage, the role commands, the shortcut parser)', () => {
    expect(routeMessage(text, undefined).kind).toBeDefined();
    routeRoleText(text);
    parseShortcut(text);
    parseShortcut(`add ${text} to ${text}`);
    parseShortcut(`claim ${text} for ${text}`);
  });

  it('reads emails, roles and the list filters', () => {
    expect(emailSchema.safeParse(text).success).toBe(false);
    expect(emailSchema.safeParse(`x@${text}`).success).toBe(false);
    parseRole(text);
    parseStatusFilter(text);
    parseListFilter(text);
    parseListFilter(`${text} status ${text}`);
  });

  it('reads customer ids, of a given type and inferred, and names', () => {
    for (const type of Object.values(CustomerIdType)) expect(parseCustomerId(type, text).ok).toBe(false);
    expect(inferCustomerIdType(text).kind).toBe('invalid');
    matchCustomer([{ id: 'c', name: 'Contoso', ids: ['contoso.com'] }], text);
    matchEngagement(ENGAGEMENTS, text);
  });

  it('reads the answers of the flows: change, location, engagements, hours, the completion date and links', () => {
    changeFieldFromText(text);
    changeFieldFromText(`change ${text}`);
    parseLocationAnswer({ kind: 'text', text }, LOCATIONS);
    parseEngagementAnswer({ kind: 'text', text: `${text}, ${text} and ${text}` }, VERDICTS);
    expect(validateHours(text, { name: 'Innovate', maxHours: 100 }).ok).toBe(false);
    expect(SubmitClaimInputSchema.shape.completionDate.safeParse(text).success).toBe(false);
    SubmitClaimInputSchema.shape.evidenceLinks.safeParse([`https://${text}`, text]);
  });

  it('cleans and shortens it: the reply quotes at most 60 characters', () => {
    expect(cleanText(text).length).toBeLessThanOrEqual(MAX_MESSAGE_TEXT);
    expect(shorten(text).length).toBeLessThanOrEqual(60);
    cleanValue({ a: [text, { b: text }] });
  });
});

describe('what the rewrites keep', () => {
  it('strips quotes and closing marks around a shortcut part as before', () => {
    expect(parseShortcut('add "fabrikam.com" to "Data & AI"...!')).toEqual({ kind: 'add', idText: 'fabrikam.com', engagementText: 'Data & AI' });
    expect(parseShortcut('claim ‘Contoso’ for “security”')).toEqual({ kind: 'claim', customerText: 'Contoso', engagementText: 'security' });
  });

  it('splits a list filter at the word status', () => {
    expect(parseListFilter('for copilot   status  consent requested')).toEqual({ engagement: 'copilot', status: 'CONSENT_REQUESTED' });
    expect(parseListFilter('status nonsense')).toEqual({ engagement: null, status: null, unknownStatus: 'nonsense' });
    expect(parseListFilter('submitted')).toEqual({ engagement: null, status: 'SUBMITTED' });
  });

  it('accepts an email and refuses what is not one', () => {
    expect(emailSchema.parse(' Alex@Contoso.COM ')).toBe('alex@contoso.com');
    for (const bad of ['alex', 'alex@', '@contoso.com', 'alex@contoso', 'alex@.com', 'alex@contoso.', 'a b@contoso.com', 'a@b@contoso.com', `${'a'.repeat(320)}@contoso.com`]) {
      expect(emailSchema.safeParse(bad).success).toBe(false);
    }
  });

  it('reads role commands with any spacing', () => {
    expect(routeRoleText('grant   incentives user  to  alex@contoso.com')).toEqual({ kind: 'roleChange', change: 'grant', role: 'incentives user', email: 'alex@contoso.com' });
  });

  it('reads a typed change with any spacing', () => {
    expect(changeFieldFromText('change   the\n contacts')).toBe('details');
  });
});

describe('cleanText and cleanValue', () => {
  it('removes NULs and replaces lone surrogates, keeping pairs', () => {
    expect(cleanText('a\u0000b')).toBe('ab');
    expect(cleanText('\ud800')).toBe('\ufffd');
    expect(cleanText('x\udc00y\ud83d')).toBe('x\ufffdy\ufffd');
    expect(cleanText('ok 😀')).toBe('ok 😀');
  });

  it('cleans every string of a card submission, keys too, and drops what is nested too deep', () => {
    let deep: unknown = 'bottom';
    for (let i = 0; i < 20; i += 1) deep = { deeper: deep };
    const cleaned = cleanValue({ friendlyName: 'a\u0000b', list: ['\ud800', 3, true, null], ['k\u0000']: 'v', deep }) as Record<string, unknown>;
    expect(cleaned).toMatchObject({ friendlyName: 'ab', list: ['\ufffd', 3, true, null], k: 'v' });
    expect(JSON.stringify(cleaned)).not.toContain('bottom');
  });

  it('shortens echoed text to 60 characters with an ellipsis', () => {
    expect(shorten('short')).toBe('short');
    const long = shorten('x'.repeat(100));
    expect(long).toHaveLength(60);
    expect(long.endsWith('…')).toBe(true);
  });
});
