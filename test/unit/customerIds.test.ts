import {
  customerIdSchema,
  domainForDisplay,
  emailDomain,
  inferCustomerIdType,
  parseCustomerId,
  type CustomerIdParse,
} from '../../services/customers/customerIds';
import type { CustomerIdType } from '../../services/db';

function valueOf(result: CustomerIdParse): string {
  if (!result.ok) throw new Error(`expected a valid id, got: ${result.message}`);
  return result.id.value;
}

function messageOf(result: CustomerIdParse): string {
  if (result.ok) throw new Error(`expected a refusal, got ${result.id.value}`);
  return result.message;
}

describe('parseCustomerId: DOMAIN', () => {
  it.each([
    ['contoso.com', 'contoso.com'],
    ['  Contoso.COM ', 'contoso.com'],
    ['contoso.com.', 'contoso.com'],
    ['sub.contoso.co.uk', 'sub.contoso.co.uk'],
    ['https://contoso.com', 'contoso.com'],
    ['http://Contoso.com/', 'contoso.com'],
    ['Bücher.de', 'xn--bcher-kva.de'],
    ['xn--bcher-kva.de', 'xn--bcher-kva.de'],
    ['例え.jp', 'xn--r8jz45g.jp'],
    ['my-company.io', 'my-company.io'],
  ])('accepts %p as %p', (raw, expected) => {
    expect(valueOf(parseCustomerId('DOMAIN', raw))).toBe(expected);
  });

  it.each([
    ['localhost', /at least two parts/],
    ['192.168.1.10', /IP address/],
    ['10.0.0.1.', /IP address/],
    ['[::1]', /without a path, port or address/],
    ['contoso.com:443', /without a path, port or address/],
    ['https://contoso.com/about', /without a path, port or address/],
    ['ftp://contoso.com', /not a valid domain name/],
    ['-contoso.com', /not a valid domain name/],
    ['contoso-.com', /not a valid domain name/],
    ['con_toso.com', /not a valid domain name/],
    ['contoso..com', /not a valid domain name/],
    ['contoso.123', /not a valid domain name/],
    ['contoso.c', /not a valid domain name/],
    ['exa mple.com', /not a valid domain name/],
    [`${'a'.repeat(64)}.com`, /not a valid domain name/],
    ['', /empty/],
  ])('refuses %p', (raw, problem) => {
    const message = messageOf(parseCustomerId('DOMAIN', raw));
    expect(message).toMatch(problem);
    expect(message).toContain('such as contoso.com');
  });

  it('points to the domain when given an email address', () => {
    expect(messageOf(parseCustomerId('DOMAIN', 'it@Contoso.com'))).toContain('enter just its domain, contoso.com');
  });
});

describe.each(['TENANT_ID', 'AZURE_SUBSCRIPTION_ID'] as const)('parseCustomerId: %s', (type) => {
  it.each([
    ['72F988BF-86F1-41AF-91AB-2D7CD011DB47', '72f988bf-86f1-41af-91ab-2d7cd011db47'],
    [' 72f988bf-86f1-41af-91ab-2d7cd011db47 ', '72f988bf-86f1-41af-91ab-2d7cd011db47'],
    ['{72f988bf-86f1-41af-91ab-2d7cd011db47}', '72f988bf-86f1-41af-91ab-2d7cd011db47'],
  ])('accepts %p as %p', (raw, expected) => {
    expect(valueOf(parseCustomerId(type, raw))).toBe(expected);
  });

  it.each([
    '72f988bf-86f1-41af-91ab-2d7cd011db4',
    '72f988bf86f141af91ab2d7cd011db47',
    'zzf988bf-86f1-41af-91ab-2d7cd011db47',
    'contoso.com',
  ])(
    'refuses %p saying a GUID is expected',
    (raw) => {
      expect(messageOf(parseCustomerId(type, raw))).toMatch(/a GUID such as/);
    },
  );
});

describe('parseCustomerId: TPID', () => {
  it.each([
    ['1234567', '1234567'],
    [' 42 ', '42'],
    ['0001234', '1234'],
    ['999999999999', '999999999999'],
  ])('accepts %p as %p', (raw, expected) => {
    expect(valueOf(parseCustomerId('TPID', raw))).toBe(expected);
  });

  it.each([
    ['0', /greater than zero/],
    ['000', /greater than zero/],
    ['-5', /not a valid TPID/],
    ['12.5', /not a valid TPID/],
    ['1e6', /not a valid TPID/],
    ['1 234', /not a valid TPID/],
    ['1000000000000', /at most 12 digits/],
  ])('refuses %p', (raw, problem) => {
    const message = messageOf(parseCustomerId('TPID', raw));
    expect(message).toMatch(problem);
    expect(message).toContain('a positive whole number');
  });
});

describe('parseCustomerId: MSX_OPPORTUNITY_ID', () => {
  it.each([
    ['7-3FS2XQBWAO', '7-3FS2XQBWAO'],
    ['7-3fs2xqbwao', '7-3FS2XQBWAO'],
    [' 7-0000000001 ', '7-0000000001'],
    ['7\u20133FS2XQBWAO', '7-3FS2XQBWAO'],
  ])('accepts %p as %p', (raw, expected) => {
    expect(valueOf(parseCustomerId('MSX_OPPORTUNITY_ID', raw))).toBe(expected);
  });

  it.each(['7-3FS2XQBWA', '7-3FS2XQBWAOX', '8-3FS2XQBWAO', '73FS2XQBWAO', '7-3FS2XQ-WAO', '7-3FS2XQBWA!'])('refuses %p', (raw) => {
    expect(messageOf(parseCustomerId('MSX_OPPORTUNITY_ID', raw))).toContain('7- followed by ten letters or digits');
  });
});

describe('inferCustomerIdType', () => {
  it.each<[string, CustomerIdType, string]>([
    ['contoso.com', 'DOMAIN', 'contoso.com'],
    ['https://Fabrikam.com', 'DOMAIN', 'fabrikam.com'],
    ['1234567', 'TPID', '1234567'],
    ['7-3fs2xqbwao', 'MSX_OPPORTUNITY_ID', '7-3FS2XQBWAO'],
  ])('recognises %p as %s', (raw, type, value) => {
    expect(inferCustomerIdType(raw)).toEqual({ kind: 'one', id: { type, value } });
  });

  it('asks which kind of GUID it is', () => {
    expect(inferCustomerIdType('72F988BF-86F1-41AF-91AB-2D7CD011DB47')).toEqual({
      kind: 'ambiguous',
      types: ['TENANT_ID', 'AZURE_SUBSCRIPTION_ID'],
      value: '72f988bf-86f1-41af-91ab-2d7cd011db47',
    });
  });

  it('explains what a number that is no TPID lacks', () => {
    expect(inferCustomerIdType('0')).toEqual({ kind: 'invalid', message: expect.stringContaining('greater than zero') as unknown });
  });

  it.each(['hello', '', '12-34', '192.168.0.1'])('refuses %p listing the accepted kinds', (raw) => {
    const result = inferCustomerIdType(raw);
    expect(result.kind).toBe('invalid');
    if (result.kind === 'invalid') expect(result.message).toContain('MSX opportunity ID');
  });
});

describe('customerIdSchema', () => {
  it('normalises a valid id', () => {
    expect(customerIdSchema.parse({ type: 'TPID', value: '007' })).toEqual({ type: 'TPID', value: '7' });
  });

  it('reports the parse message on the value', () => {
    const result = customerIdSchema.safeParse({ type: 'TPID', value: 'abc' });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]).toMatchObject({
      path: ['value'],
      message: expect.stringContaining('positive whole number') as unknown,
    });
  });

  it('refuses an unknown type', () => {
    expect(customerIdSchema.safeParse({ type: 'PHONE', value: '1' }).success).toBe(false);
  });
});

describe('emailDomain', () => {
  it.each([
    ['Jane.Doe@Contoso.COM', 'contoso.com'],
    [' it@mail.contoso.co.uk ', 'mail.contoso.co.uk'],
    ['a@Bücher.de', 'xn--bcher-kva.de'],
    ['"odd@local"@contoso.com', 'contoso.com'],
  ])('%p → %p', (email, domain) => {
    expect(emailDomain(email)).toBe(domain);
  });

  it.each(['contoso.com', '@contoso.com', 'jane@', 'jane@localhost', 'jane@10.0.0.1'])('%p is not an email address', (email) => {
    expect(emailDomain(email)).toBeNull();
  });

  it('matches the normalised DOMAIN id, so the tenant mismatch rule can compare them', () => {
    expect(emailDomain('x@BÜCHER.de')).toBe(valueOf(parseCustomerId('DOMAIN', 'bücher.de')));
  });
});

describe('domainForDisplay', () => {
  it('shows punycode in Unicode and leaves ASCII alone', () => {
    expect(domainForDisplay('xn--bcher-kva.de')).toBe('bücher.de');
    expect(domainForDisplay('contoso.com')).toBe('contoso.com');
  });
});
