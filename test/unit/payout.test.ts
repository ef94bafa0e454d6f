import { NotAllowedError } from '../../services/shared/errors';
import {
  PayoutConfigurationError,
  assertVariableNomination,
  parseHourlyRateTiers,
  proposePayout,
  validateHours,
  type VariablePayoutRules,
} from '../../services/nomination/payout';

const LOW = { minOpportunityUsd: 0, hourlyRateUsd: 100 };
const MID = { minOpportunityUsd: 100_000, hourlyRateUsd: 150 };
const HIGH = { minOpportunityUsd: 500_000, hourlyRateUsd: 200 };
const TIERS = [LOW, MID, HIGH];

const engagement: VariablePayoutRules = {
  name: 'Copilot Accelerate',
  hourlyRateTiers: TIERS,
  maxHours: 80,
  payoutCapUsd: 12_000,
};

describe('validateHours', () => {
  it.each([
    [1, 1],
    ['40', 40],
    [' 80 ', 80],
    ['007', 7],
  ])('accepts %p', (raw, hours) => {
    expect(validateHours(raw, engagement)).toEqual({ ok: true, hours });
  });

  it.each([
    ['0', /at least 1/],
    [0, /at least 1/],
    ['81', /allows at most 80 hours/],
    [81, /allows at most 80 hours/],
    ['1.5', /not a whole number/],
    [2.5, /not a whole number/],
    // A negative count is refused for being below 1, not as "not a whole number" (issue 14).
    ['-3', /^The hours must be at least 1; you entered -3\./],
    [-5, /^The hours must be at least 1; you entered -5\./],
    ['-2.5', /not a whole number/],
    ['ten', /not a whole number/],
    ['', /not a whole number/],
  ])('refuses %p', (raw, problem) => {
    const result = validateHours(raw, engagement);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.message).toMatch(problem);
      expect(result.message).toContain('from 1 to 80');
    }
  });

  it("follows the engagement's maximum, not a constant", () => {
    expect(validateHours(81, { name: 'Big', maxHours: 200 })).toEqual({ ok: true, hours: 81 });
  });

  it('treats a missing maximum as a configuration error', () => {
    expect(() => validateHours(1, { name: 'Broken', maxHours: null })).toThrow(PayoutConfigurationError);
  });
});

describe('proposePayout', () => {
  it.each([
    [0, 10, 100, 1_000],
    [99_999, 10, 100, 1_000],
    [100_000, 10, 150, 1_500],
    [499_999, 10, 150, 1_500],
    [500_000, 10, 200, 2_000],
    [5_000_000, 10, 200, 2_000],
  ])('opportunity $%p with %p hours pays %p/h', (value, hours, rate, payout) => {
    expect(proposePayout(engagement, value, hours)).toMatchObject({
      ok: true,
      hourlyRateUsd: rate,
      payoutUsd: payout,
      uncappedUsd: payout,
      capped: false,
    });
  });

  it('caps the payout', () => {
    expect(proposePayout(engagement, 600_000, 80)).toMatchObject({ ok: true, uncappedUsd: 16_000, payoutUsd: 12_000, capped: true });
    expect(proposePayout(engagement, 600_000, 60)).toMatchObject({ ok: true, uncappedUsd: 12_000, payoutUsd: 12_000, capped: false });
  });

  it('picks the tier by value regardless of the order tiers are stored in', () => {
    const shuffled = { ...engagement, hourlyRateTiers: [HIGH, LOW, MID] };
    expect(proposePayout(shuffled, 250_000, 10)).toMatchObject({ ok: true, hourlyRateUsd: 150, tier: MID });
  });

  it('refuses when no tier applies, saying the minimum', () => {
    const result = proposePayout({ ...engagement, hourlyRateTiers: [{ minOpportunityUsd: 50_000, hourlyRateUsd: 120 }] }, 49_999, 10);
    expect(result).toEqual({ ok: false, reason: expect.stringContaining('$49,999 is below the $50,000 minimum') as unknown });
  });

  it('refuses hours outside the rules', () => {
    expect(proposePayout(engagement, 100_000, 81)).toEqual({ ok: false, reason: expect.stringContaining('at most 80 hours') as unknown });
  });

  it('refuses an opportunity value that is not whole USD', () => {
    expect(proposePayout(engagement, 1000.5, 1).ok).toBe(false);
    expect(proposePayout(engagement, -1, 1).ok).toBe(false);
  });

  it('treats a missing cap as a configuration error', () => {
    expect(() => proposePayout({ ...engagement, payoutCapUsd: null }, 100, 1)).toThrow(/no valid payout cap/);
  });
});

describe('parseHourlyRateTiers', () => {
  it('reads valid tiers', () => {
    expect(parseHourlyRateTiers(engagement)).toEqual(TIERS);
  });

  it.each([
    ['null', null, /expected array/],
    ['an object', { minOpportunityUsd: 0, hourlyRateUsd: 1 }, /expected array/],
    ['no tiers', [], /at least one tier/],
    ['a fractional rate', [{ minOpportunityUsd: 0, hourlyRateUsd: 99.5 }], /0\.hourlyRateUsd/],
    ['a zero rate', [{ minOpportunityUsd: 0, hourlyRateUsd: 0 }], /0\.hourlyRateUsd/],
    ['a string amount', [{ minOpportunityUsd: '0', hourlyRateUsd: 100 }], /0\.minOpportunityUsd/],
    ['a misspelt field', [{ minOpportunityUSD: 0, hourlyRateUsd: 100 }], /0/],
    [
      'duplicate thresholds',
      [
        { minOpportunityUsd: 0, hourlyRateUsd: 100 },
        { minOpportunityUsd: 0, hourlyRateUsd: 120 },
      ],
      /same minOpportunityUsd/,
    ],
  ])('reports %s as a configuration error naming the engagement', (_what, tiers, problem) => {
    const read = () => parseHourlyRateTiers({ name: 'Copilot Accelerate', hourlyRateTiers: tiers });
    expect(read).toThrow(PayoutConfigurationError);
    expect(read).toThrow(/Engagement "Copilot Accelerate" has invalid hourly rate tiers/);
    expect(read).toThrow(problem);
  });
});

describe('assertVariableNomination', () => {
  const variable = { name: 'Copilot Accelerate', payType: 'VARIABLE' } as const;
  const fixed = { name: 'Azure Migrate', payType: 'FIXED' } as const;
  const otherFixed = { name: 'Security Assessment', payType: 'FIXED' } as const;

  it('accepts one VARIABLE engagement nominated by MSX opportunity id', () => {
    expect(() => assertVariableNomination([variable], 'MSX_OPPORTUNITY_ID')).not.toThrow();
  });

  it.each(['DOMAIN', 'TENANT_ID', 'TPID', 'AZURE_SUBSCRIPTION_ID'] as const)('refuses a VARIABLE engagement nominated by %s', (idType) => {
    expect(() => assertVariableNomination([variable], idType)).toThrow(NotAllowedError);
    expect(() => assertVariableNomination([variable], idType)).toThrow(/MSX opportunity ID/);
  });

  it('refuses a VARIABLE engagement together with others', () => {
    expect(() => assertVariableNomination([variable, fixed], 'MSX_OPPORTUNITY_ID')).toThrow(/on its own/);
    expect(() => assertVariableNomination([fixed, variable], 'MSX_OPPORTUNITY_ID')).toThrow(NotAllowedError);
    expect(() => assertVariableNomination([variable, variable], 'MSX_OPPORTUNITY_ID')).toThrow(NotAllowedError);
  });

  it('leaves FIXED engagements to their own id rules', () => {
    expect(() => assertVariableNomination([fixed, otherFixed], 'DOMAIN')).not.toThrow();
    expect(() => assertVariableNomination([], 'TPID')).not.toThrow();
  });
});
