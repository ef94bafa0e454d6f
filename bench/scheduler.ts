import { FixedClock } from '../services/shared/clock';
import type { Database } from '../services/db';
import { DEADLINE_EVENTS, sweepDeadlines } from '../services/claims/deadlines';
import { DEMO } from '../prisma/demoData';
import { createBenchDatabase } from './database';
import { elapsedMs, table } from './stats';

export interface SchedulerBenchOptions {
  serverUrl: string;
  log(line: string): void;
  /** Claims whose consent window ends at the same instant. */
  claims?: number;
  /** Sweeping instances racing on the same due claims, each with its own connection pool. */
  instances?: number;
  /** The sweep stops after this long even if claims are left (they are reported). */
  maxSeconds?: number;
}

/** One instance's deadline pass, as bot/scheduler.ts runs it: returns how many claims it expired. */
export type SweepPass = (db: Database, clock: FixedClock) => Promise<number>;

const sweepPass: SweepPass = async (db, clock) => (await sweepDeadlines(db, clock, { batchSize: 2_000 })).expired;

/**
 * `claims` open claims of both demo partners (added, claimed, consent requested; one per customer)
 * whose consent deadline is the same instant, one minute before `now`.
 */
async function generateDueClaims(db: Database, now: Date, claims: number): Promise<void> {
  const nowSql = `'${now.toISOString()}'::timestamp`;
  await db.sql.exec(`
    INSERT INTO "Customer" ("id", "name", "createdAt")
    SELECT 'sc-' || i, 'Sweep customer ' || i, ${nowSql} - interval '40 days' FROM generate_series(1, ${claims}) i;
    INSERT INTO "Claim" (
      "id", "partnerId", "engagementId", "locationId", "customerId", "idType", "idValue", "friendlyName", "origin", "status",
      "openClaimKey", "customerContactName", "customerContactEmail", "partnerContactName", "partnerContactEmail",
      "consentDeadline", "consentRequestedAt", "createdByUserId", "createdAt", "updatedAt")
    SELECT 'CLM-S' || lpad(i::text, 7, '0'), g.partner, '${DEMO.engagements.security}', g.location, 'sc-' || i, 'TPID', (20000000 + i)::text,
      'Sweep claim ' || i, CASE WHEN g.status = 'ADDED' THEN 'ADDED' ELSE 'CLAIMED' END::"ClaimOrigin", g.status::"ClaimStatus",
      g.partner || ':${DEMO.engagements.security}:sc-' || i, 'Casey Customer', 'casey@sc' || i || '.example', 'Pat Partner', 'pat@fabrikam.example',
      ${nowSql} - interval '1 minute', CASE WHEN g.status = 'CONSENT_REQUESTED' THEN ${nowSql} - interval '20 days' END,
      g.creator, ${nowSql} - interval '31 days', ${nowSql} - interval '31 days'
    FROM (
      SELECT i,
        CASE WHEN i % 2 = 0 THEN '${DEMO.partnerA}' ELSE '${DEMO.partnerB}' END AS partner,
        CASE WHEN i % 2 = 0 THEN '${DEMO.locations.seattle}' ELSE '${DEMO.locations.munich}' END AS location,
        CASE WHEN i % 2 = 0 THEN '${DEMO.userIds.userA}' ELSE '${DEMO.userIds.adminB}' END AS creator,
        (ARRAY['ADDED', 'CLAIMED', 'CONSENT_REQUESTED'])[(i % 3) + 1] AS status
      FROM generate_series(1, ${claims}) i
    ) g;
    ANALYZE;
  `);
}

interface Verification {
  expired: number;
  left: number;
  auditTwice: number;
  auditMissing: number;
  outboxRows: number;
  outboxExpected: number;
  outboxTwice: number;
}

/** What the database says after the race: every due claim expired once, one audit event each, one message per recipient. */
async function verify(db: Database): Promise<Verification> {
  const [row] = await db.sql.query<Record<keyof Verification, string>>(
    `WITH due AS (SELECT "id", "partnerId", "status" FROM "Claim" WHERE "id" LIKE 'CLM-S%'),
     audits AS (SELECT a."claimId", count(*) AS n FROM "AuditEvent" a JOIN due ON due."id" = a."claimId" WHERE a."action" = 'claim.expire' GROUP BY a."claimId"),
     messages AS (SELECT o."claimId", o."recipient", count(*) AS n FROM "OutboxMessage" o JOIN due ON due."id" = o."claimId" WHERE o."event" = $1 GROUP BY o."claimId", o."recipient"),
     admins AS (SELECT u."partnerId", u."aadObjectId" FROM "PartnerUser" u JOIN "UserRole" r ON r."userId" = u."id" AND r."role" = 'INCENTIVES_ADMIN'),
     recipients AS (
       SELECT due."id", u."aadObjectId" FROM due JOIN "Claim" c ON c."id" = due."id" JOIN "PartnerUser" u ON u."id" = c."createdByUserId" WHERE due."status" = 'EXPIRED'
       UNION SELECT due."id", admins."aadObjectId" FROM due JOIN admins ON admins."partnerId" = due."partnerId" WHERE due."status" = 'EXPIRED')
     SELECT
       (SELECT count(*) FROM due WHERE "status" = 'EXPIRED') AS expired,
       (SELECT count(*) FROM due WHERE "status" <> 'EXPIRED') AS left,
       (SELECT count(*) FROM audits WHERE n > 1) AS "auditTwice",
       (SELECT count(*) FROM due LEFT JOIN audits ON audits."claimId" = due."id" WHERE due."status" = 'EXPIRED' AND audits."claimId" IS NULL) AS "auditMissing",
       (SELECT coalesce(sum(n), 0) FROM messages) AS "outboxRows",
       (SELECT count(*) FROM recipients) AS "outboxExpected",
       (SELECT count(*) FROM messages WHERE n > 1) AS "outboxTwice"`,
    [DEADLINE_EVENTS.expired],
  );
  if (!row) throw new Error('verification query returned nothing');
  return {
    expired: Number(row.expired),
    left: Number(row.left),
    auditTwice: Number(row.auditTwice),
    auditMissing: Number(row.auditMissing),
    outboxRows: Number(row.outboxRows),
    outboxExpected: Number(row.outboxExpected),
    outboxTwice: Number(row.outboxTwice),
  };
}

/**
 * Benchmark 3: `claims` consent windows ending at once, swept by `instances` racing schedulers
 * (services/claims/deadlines.ts sweepDeadlines, as bot/scheduler.ts and POST /api/dev/tick run it), each on
 * its own pool, until none is due or the time bound is reached; then the database is checked.
 */
export async function benchScheduler(options: SchedulerBenchOptions, pass: SweepPass = sweepPass): Promise<string> {
  const claims = options.claims ?? 100_000;
  const instances = options.instances ?? 2;
  const maxSeconds = options.maxSeconds ?? 90;
  const now = new Date();
  const database = await createBenchDatabase(options.serverUrl, now);
  const pools = await Promise.all(Array.from({ length: instances }, () => database.open(4)));
  try {
    const [first] = pools;
    if (!first) throw new Error('no instance');
    await generateDueClaims(first, now, claims);
    const clock = new FixedClock(now);
    const perInstance = pools.map(() => 0);
    const stopAt = Date.now() + maxSeconds * 1000;
    const began = process.hrtime.bigint();
    await Promise.all(
      pools.map(async (db, index) => {
        while (Date.now() < stopAt) {
          const expired = await pass(db, clock);
          perInstance[index] = (perInstance[index] ?? 0) + expired;
          if (expired === 0) break;
        }
      }),
    );
    const seconds = elapsedMs(began) / 1000;
    const checked = await verify(first);
    const rate = checked.expired / seconds;
    const onceOk = checked.auditTwice === 0 && checked.auditMissing === 0 && checked.outboxTwice === 0 && checked.outboxRows === checked.outboxExpected;
    options.log(
      `  ${checked.expired} of ${claims} expired in ${seconds.toFixed(1)} s by ${instances} instances (${perInstance.join(' + ')}): ${rate.toFixed(0)} claims/s; ` +
        `handled once: ${onceOk ? 'yes' : 'NO'} (${JSON.stringify(checked)})`,
    );
    return [
      `### 3. Scheduler: ${claims.toLocaleString('en')} consent windows ending at once`,
      '',
      `${instances} instances, each with its own 4-connection pool, run the deadline sweep (services/claims/deadlines.ts \`sweepDeadlines\`, batches of 2,000, chunks of 100 claims per transaction, \`FOR UPDATE SKIP LOCKED\`) in a loop on the same due claims until none is due${checked.left > 0 ? `; stopped by the ${maxSeconds} s bound with ${checked.left.toLocaleString('en')} still due` : ''}.`,
      '',
      table(
        ['claims due', 'expired', 'by instance', 'seconds', 'claims/s', 'audit events twice / missing', 'expiry messages (expected)', 'messages twice'],
        [[
          claims.toLocaleString('en'),
          checked.expired.toLocaleString('en'),
          perInstance.map((n) => n.toLocaleString('en')).join(' + '),
          seconds.toFixed(1),
          rate.toFixed(0),
          `${checked.auditTwice} / ${checked.auditMissing}`,
          `${checked.outboxRows.toLocaleString('en')} (${checked.outboxExpected.toLocaleString('en')})`,
          String(checked.outboxTwice),
        ]],
      ),
      '',
      `Each claim handled once: ${onceOk ? 'yes' : 'NO'}. Target ≥ 5,000 claims/s: ${rate >= 5000 ? 'met' : 'MISSED'}.`,
      '',
    ].join('\n');
  } finally {
    await Promise.all(pools.map((db) => db.close()));
    await database.drop();
  }
}
