import { FixedClock } from '../services/shared/clock';
import type { Database } from '../services/db';
import { DIGEST_EVENT } from '../services/digest';
import { runDigests } from '../services/digest/schedule';
import { instantAt } from '../services/digest/time';
import { DEMO } from '../prisma/demoData';
import { createBenchDatabase } from './database';
import { elapsedMs, ms, summarise, table } from './stats';

export interface DigestBenchOptions {
  serverUrl: string;
  log(line: string): void;
  /** Partner users with a claim role and a personal conversation, all at 08:00 UTC. */
  users?: number;
  /** Quiet passes timed (nobody due), as the scheduler runs every SCHEDULER_INTERVAL_SECONDS. */
  quietPasses?: number;
}

/** `users` Incentives users of partner A, each with a conversation (UTC) and one claim awaiting consent. */
async function generateUsers(db: Database, now: Date, users: number): Promise<void> {
  const nowSql = `'${now.toISOString()}'::timestamp`;
  await db.sql.exec(`
    INSERT INTO "PartnerUser" ("id", "partnerId", "aadObjectId", "tenantId", "displayName", "email", "createdAt")
    SELECT 'du-' || i, '${DEMO.partnerA}', 'aad-du-' || i, '${DEMO.tenants.partnerA}', 'Digest user ' || i, 'du' || i || '@fabrikam.example', ${nowSql}
    FROM generate_series(1, ${users}) i;
    INSERT INTO "UserRole" ("userId", "role", "grantedAt") SELECT 'du-' || i, 'INCENTIVES_USER', ${nowSql} FROM generate_series(1, ${users}) i;
    INSERT INTO "ConversationReference" ("conversationId", "kind", "aadObjectId", "tenantId", "serviceUrl", "reference", "active", "timeZone", "updatedAt")
    SELECT 'a:du-' || i, 'PERSONAL', 'aad-du-' || i, '${DEMO.tenants.partnerA}', 'http://127.0.0.1:9',
      jsonb_build_object('serviceUrl', 'http://127.0.0.1:9', 'channelId', 'msteams', 'conversation', jsonb_build_object('id', 'a:du-' || i)), true, 'UTC', ${nowSql}
    FROM generate_series(1, ${users}) i;
    INSERT INTO "Customer" ("id", "name", "createdAt") SELECT 'dc-' || i, 'Digest customer ' || i, ${nowSql} FROM generate_series(1, ${users}) i;
    INSERT INTO "Claim" (
      "id", "partnerId", "engagementId", "locationId", "customerId", "idType", "idValue", "friendlyName", "origin", "status",
      "openClaimKey", "customerContactName", "customerContactEmail", "partnerContactName", "partnerContactEmail",
      "consentDeadline", "consentRequestedAt", "createdByUserId", "createdAt", "updatedAt")
    SELECT 'CLM-D' || lpad(i::text, 7, '0'), '${DEMO.partnerA}', '${DEMO.engagements.security}', '${DEMO.locations.seattle}', 'dc-' || i, 'TPID', (30000000 + i)::text,
      'Digest claim ' || i, 'CLAIMED', 'CONSENT_REQUESTED', '${DEMO.partnerA}:${DEMO.engagements.security}:dc-' || i,
      'Casey Customer', 'casey@dc' || i || '.example', 'Pat Partner', 'pat@fabrikam.example',
      ${nowSql} + interval '20 days', ${nowSql}, 'du-' || i, ${nowSql}, ${nowSql}
    FROM generate_series(1, ${users}) i;
    ANALYZE;
  `);
}

/**
 * Benchmark: the daily digest step (services/digest runDigests, as bot/scheduler.ts runs it each
 * pass). `users` people whose digest is at 08:00: the cost of a pass while nobody is due (every
 * pass of the day), then the 08:00 burst taken by two racing instances, then checked: one outbox
 * row per person.
 */
export async function benchDigest(options: DigestBenchOptions): Promise<string> {
  const users = options.users ?? 10_000;
  const quietPasses = options.quietPasses ?? 20;
  const day = new Date().toISOString().slice(0, 10);
  const early = instantAt(day, 6 * 60, 'UTC');
  const database = await createBenchDatabase(options.serverUrl, early);
  const [first, second] = await Promise.all([database.open(4), database.open(4)]);
  const pools = [first, second];
  try {
    await generateUsers(first, early, users);
    const clock = new FixedClock(early);
    // The first look at everyone (rows created, next look at 08:00), then quiet passes.
    const firstLook = process.hrtime.bigint();
    while ((await runDigests(first, clock, { batchSize: 2_000 })).waiting > 0);
    const firstLookMs = elapsedMs(firstLook);
    const quiet: number[] = [];
    for (let pass = 0; pass < quietPasses; pass += 1) {
      clock.set(new Date(early.getTime() + (pass + 1) * 5_000));
      const began = process.hrtime.bigint();
      await runDigests(first, clock);
      quiet.push(elapsedMs(began));
    }
    const quietSummary = summarise(quiet);
    clock.set(instantAt(day, 8 * 60, 'UTC'));
    const burst = process.hrtime.bigint();
    const queuedBy = [0, 0];
    await Promise.all(
      [first, second].map(async (db, index) => {
        for (;;) {
          const result = await runDigests(db, clock, { batchSize: 500 });
          queuedBy[index] = (queuedBy[index] ?? 0) + result.queued;
          if (result.queued + result.empty + result.waiting === 0) break;
        }
      }),
    );
    const burstSeconds = elapsedMs(burst) / 1000;
    const [row] = await first.sql.query<{ rows: string; people: string }>(
      `SELECT count(*) AS rows, count(DISTINCT "recipient") AS people FROM "OutboxMessage" WHERE "event" = $1 AND "recipient" LIKE 'aad-du-%'`,
      [DIGEST_EVENT],
    );
    const rows = Number(row?.rows ?? 0);
    const once = rows === users && Number(row?.people ?? 0) === users;
    const rate = rows / burstSeconds;
    options.log(
      `  ${users} people: first look ${(firstLookMs / 1000).toFixed(1)} s; quiet pass median ${ms(quietSummary.p50)} (p95 ${ms(quietSummary.p95)}); ` +
        `08:00 burst ${rows} digests in ${burstSeconds.toFixed(1)} s by 2 instances (${queuedBy.join(' + ')}): ${rate.toFixed(0)}/s; once each: ${once ? 'yes' : 'NO'}`,
    );
    return [
      `### Daily digest: ${users.toLocaleString('en')} people at 08:00`,
      '',
      'services/digest `runDigests` on PostgreSQL, each instance with its own 4-connection pool; every person an Incentives user with a personal conversation (UTC) and one claim awaiting consent.',
      '',
      table(
        ['people', 'first look (rows made)', `quiet pass, median of ${quietPasses}`, 'quiet pass p95', '08:00 burst', 'digests/s', 'by instance', 'one row per person'],
        [[
          users.toLocaleString('en'),
          `${(firstLookMs / 1000).toFixed(1)} s`,
          ms(quietSummary.p50),
          ms(quietSummary.p95),
          `${burstSeconds.toFixed(1)} s`,
          rate.toFixed(0),
          queuedBy.map((n) => n.toLocaleString('en')).join(' + '),
          once ? 'yes' : 'NO',
        ]],
      ),
      '',
    ].join('\n');
  } finally {
    await Promise.all(pools.map((db) => db.close()));
    await database.drop();
  }
}
