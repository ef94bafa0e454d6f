import type { CustomerIdType, Database, PayType } from '../db';

/** An engagement as a partner sees it: the rules Partner Center publishes for it. */
export interface EngagementSummary {
  id: string;
  name: string;
  description: string;
  payType: PayType;
  acceptedIdTypes: CustomerIdType[];
  consentWindowDays: number;
  submissionWindowDays: number;
  maxActiveClaimsPerCustomer: number;
  referralsEnabled: boolean;
  /** VARIABLE only. */
  maxHours: number | null;
  payoutCapUsd: number | null;
}

const ID_TYPE_ORDER: readonly CustomerIdType[] = ['DOMAIN', 'TENANT_ID', 'TPID', 'AZURE_SUBSCRIPTION_ID', 'MSX_OPPORTUNITY_ID'];

/**
 * The open engagements a partner can work on: those at least one of its MCI-enrolled locations is
 * enrolled for, by name.
 */
export async function partnerEngagements(db: Database, partnerId: string): Promise<EngagementSummary[]> {
  // One statement: most turns that show a card need it (through Prisma's include it was two).
  const rows = await db.sql.query<Omit<EngagementSummary, 'acceptedIdTypes'> & { acceptedIdTypes: CustomerIdType[] }>(
    `SELECT e."id", e."name", e."description", e."payType"::text AS "payType", e."consentWindowDays", e."submissionWindowDays",
            e."maxActiveClaimsPerCustomer", e."referralsEnabled", e."maxHours", e."payoutCapUsd",
            COALESCE((SELECT array_agg(t."idType"::text) FROM "EngagementIdType" t WHERE t."engagementId" = e."id"), '{}') AS "acceptedIdTypes"
     FROM "Engagement" e
     WHERE e."active" AND EXISTS (
       SELECT 1 FROM "LocationEngagement" le JOIN "Location" l ON l."id" = le."locationId"
       WHERE le."engagementId" = e."id" AND l."partnerId" = $1 AND l."mciEnrolled")
     ORDER BY e."name"`,
    [partnerId],
    { prepared: true },
  );
  return rows.map((row) => ({ ...row, acceptedIdTypes: ID_TYPE_ORDER.filter((type) => row.acceptedIdTypes.includes(type)) }));
}

export type EngagementMatch<T> = { kind: 'one'; engagement: T } | { kind: 'ambiguous'; candidates: T[] } | { kind: 'none' };

function normalise(text: string): string {
  return text
    .toLowerCase()
    .replace(/&/g, ' and ')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/**
 * Finds the engagement a person means by `query`, loosely: its id, its name in any case, a unique
 * prefix of its name, or words that each begin a word of its name ("azure migrate", "copilot").
 * The tightest kind of match that finds anything decides; more than one engagement at that level is
 * ambiguous.
 */
export function matchEngagement<T extends { id: string; name: string }>(engagements: readonly T[], query: string): EngagementMatch<T> {
  const wanted = normalise(query);
  if (wanted === '') return { kind: 'none' };
  const words = wanted.split(' ');
  const levels: ((engagement: T) => boolean)[] = [
    (e) => e.id.toLowerCase() === query.trim().toLowerCase() || normalise(e.name) === wanted,
    (e) => normalise(e.name).startsWith(wanted),
    (e) => {
      const nameWords = normalise(e.name).split(' ');
      return words.every((word) => nameWords.some((nameWord) => nameWord.startsWith(word)));
    },
    (e) => normalise(e.name).includes(wanted),
  ];
  for (const level of levels) {
    const found = engagements.filter(level);
    const [first] = found;
    if (found.length === 1 && first) return { kind: 'one', engagement: first };
    if (found.length > 1) return { kind: 'ambiguous', candidates: found };
  }
  return { kind: 'none' };
}
