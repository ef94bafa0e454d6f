import { z } from 'zod';
import { CustomerIdType, PayType, type Engagement } from '../db';
import { NotAllowedError } from '../shared/errors';
import { shorten } from '../shared/text';
import { formatUsd } from '../shared/wording';

/** An engagement's payout settings are missing or malformed: an operator has to fix the data, not the user. */
export class PayoutConfigurationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PayoutConfigurationError';
  }
}

const usd = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);

export const hourlyRateTiersSchema = z
  .array(z.object({ minOpportunityUsd: usd, hourlyRateUsd: usd.positive() }).strict())
  .min(1, 'at least one tier is needed')
  .refine((tiers) => new Set(tiers.map((tier) => tier.minOpportunityUsd)).size === tiers.length, {
    message: 'two tiers have the same minOpportunityUsd',
  });

export type HourlyRateTier = z.infer<typeof hourlyRateTiersSchema>[number];

/** The engagement fields VARIABLE payouts depend on. */
export type VariablePayoutRules = Pick<Engagement, 'name' | 'hourlyRateTiers' | 'maxHours' | 'payoutCapUsd'>;

/** Reads an engagement's hourly rate tiers (stored as JSON), failing with a configuration error when they are malformed. */
export function parseHourlyRateTiers(engagement: Pick<Engagement, 'name' | 'hourlyRateTiers'>): HourlyRateTier[] {
  const parsed = hourlyRateTiersSchema.safeParse(engagement.hourlyRateTiers);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => (issue.path.length ? `${issue.path.join('.')}: ${issue.message}` : issue.message));
  throw new PayoutConfigurationError(
    `Engagement "${engagement.name}" has invalid hourly rate tiers (${problems.join('; ')}). ` +
      'Expected a list of { "minOpportunityUsd": whole USD, "hourlyRateUsd": whole USD above 0 }.',
  );
}

function requiredSetting(engagement: Pick<Engagement, 'name'>, value: number | null, setting: string): number {
  if (value === null || !Number.isSafeInteger(value) || value <= 0) {
    throw new PayoutConfigurationError(
      `Engagement "${engagement.name}" has no valid ${setting}; a VARIABLE engagement needs a positive whole number.`,
    );
  }
  return value;
}

export type HoursCheck = { ok: true; hours: number } | { ok: false; message: string };

/** Checks the hours a partner asks for: a positive whole number no larger than the engagement allows. */
export function validateHours(raw: string | number, engagement: Pick<Engagement, 'name' | 'maxHours'>): HoursCheck {
  const maxHours = requiredSetting(engagement, engagement.maxHours, 'maximum hours');
  const text = typeof raw === 'number' ? String(raw) : raw.trim();
  const expected = `Enter the hours as a whole number from 1 to ${maxHours}.`;
  // A negative or zero count is a whole number all the same: it is the "at least 1" that is broken.
  if (/^[-\u2212]\d+$/.test(text)) return { ok: false, message: `The hours must be at least 1; you entered ${shorten(text)}. ${expected}` };
  if (!/^\d+$/.test(text)) return { ok: false, message: `"${shorten(text)}" is not a whole number of hours. ${expected}` };
  const hours = Number(text);
  if (hours <= 0) return { ok: false, message: `The hours must be at least 1; you entered ${shorten(text)}. ${expected}` };
  if (hours > maxHours) return { ok: false, message: `${engagement.name} allows at most ${maxHours} hours. ${expected}` };
  return { ok: true, hours };
}

export type PayoutProposal =
  | {
      ok: true;
      payoutUsd: number;
      hourlyRateUsd: number;
      hours: number;
      /** hours × rate before the cap. */
      uncappedUsd: number;
      capped: boolean;
      tier: HourlyRateTier;
    }
  | { ok: false; reason: string };

/**
 * The proposed payout of a VARIABLE engagement: hours × the hourly rate of the tier with the highest
 * minOpportunityUsd not above the opportunity's value, capped at the engagement's payout cap. Whole USD.
 */
export function proposePayout(engagement: VariablePayoutRules, opportunityValueUsd: number, hours: number): PayoutProposal {
  const tiers = parseHourlyRateTiers(engagement);
  const cap = requiredSetting(engagement, engagement.payoutCapUsd, 'payout cap');
  const hoursCheck = validateHours(hours, engagement);
  if (!hoursCheck.ok) return { ok: false, reason: hoursCheck.message };
  if (!Number.isSafeInteger(opportunityValueUsd) || opportunityValueUsd < 0) {
    return {
      ok: false,
      reason: `The opportunity's value (${opportunityValueUsd}) is not a whole number of USD, so no payout can be proposed.`,
    };
  }
  const tier = tiers
    .filter((candidate) => candidate.minOpportunityUsd <= opportunityValueUsd)
    .reduce<HourlyRateTier | null>(
      (best, candidate) => (!best || candidate.minOpportunityUsd > best.minOpportunityUsd ? candidate : best),
      null,
    );
  if (!tier) {
    const lowest = Math.min(...tiers.map((candidate) => candidate.minOpportunityUsd));
    return {
      ok: false,
      reason:
        `The opportunity's value of ${formatUsd(opportunityValueUsd)} is below the ${formatUsd(lowest)} minimum ` +
        `${engagement.name} pays for, so it has no payout.`,
    };
  }
  const uncappedUsd = hoursCheck.hours * tier.hourlyRateUsd;
  return {
    ok: true,
    payoutUsd: Math.min(uncappedUsd, cap),
    hourlyRateUsd: tier.hourlyRateUsd,
    hours: hoursCheck.hours,
    uncappedUsd,
    capped: uncappedUsd > cap,
    tier,
  };
}

/**
 * VARIABLE engagements take only MSX opportunity ids, and one engagement per add (the hours and the
 * payout belong to that one engagement). Throws NotAllowedError otherwise.
 */
export function assertVariableNomination(
  engagements: readonly Pick<Engagement, 'name' | 'payType'>[],
  idType: CustomerIdType,
): void {
  const variable = engagements.filter((engagement) => engagement.payType === PayType.VARIABLE);
  const first = variable[0];
  if (!first) return;
  if (idType !== CustomerIdType.MSX_OPPORTUNITY_ID) {
    throw new NotAllowedError(`${first.name} is a variable pay engagement: nominate the customer by its MSX opportunity ID.`);
  }
  if (engagements.length !== 1) {
    throw new NotAllowedError(
      `${first.name} is a variable pay engagement: add the customer to it on its own, not together with other engagements.`,
    );
  }
}
