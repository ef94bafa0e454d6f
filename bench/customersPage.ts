import { completeTab, eligibleTab, ineligibleTab, type PageRequest } from '../services/customersPage/page';
import { FixedClock } from '../services/shared/clock';
import type { Database, SqlDriver } from '../services/db';
import { DEMO } from '../prisma/demoData';
import { createBenchDatabase } from './database';
import { elapsedMs, ms, summarise, table } from './stats';

export interface CustomersBenchOptions {
  serverUrl: string;
  log(line: string): void;
  customers?: number;
  claims?: number;
  /** Timed calls per tab and page. */
  calls?: number;
}

const ENGAGEMENTS = Object.values(DEMO.engagements);
const BENCH_ENGAGEMENT = DEMO.engagements.azureMigrate;
/** Engagements whose eligibility catalog holds the generated customers' TPIDs (all accept TPID). */
const CATALOG_ENGAGEMENTS = [DEMO.engagements.azureMigrate, DEMO.engagements.security, DEMO.engagements.businessCentral];

/**
 * Set-based generation (generate_series, one statement per table) of `customers` customers with a
 * TPID and a domain each, a 90 %-eligible TPID catalog for three engagements, partner A knowing 60 %
 * of the customers and partner B 60 % (overlapping), and `claims` claims spread over both partners
 * and the seven demo engagements: the first 10 % open (one per partner, engagement and customer, as
 * openClaimKey demands), the rest terminal (completed 40 %, expired 30 %, canceled 20 %, final
 * rejected 10 %) closed over the last two years.
 */
export async function generateCustomersAndClaims(db: Database, now: Date, customers: number, claims: number): Promise<void> {
  const open = Math.min(customers, Math.floor(claims / 10));
  const engagementArray = `ARRAY[${ENGAGEMENTS.map((id) => `'${id}'`).join(', ')}]`;
  const knownA = Math.floor(customers * 0.6);
  const knownBFrom = Math.floor(customers * 0.4) + 1;
  const nowSql = `'${now.toISOString()}'::timestamp`;
  const people = `
    INSERT INTO "Customer" ("id", "name", "createdAt")
    SELECT 'bc-' || i, 'Customer ' || upper(substr(md5(i::text), 1, 10)), ${nowSql} - interval '3 years'
    FROM generate_series(1, ${customers}) i;
    INSERT INTO "CustomerIdentifier" ("type", "value", "customerId")
    SELECT 'TPID'::"CustomerIdType", (10000000 + i)::text, 'bc-' || i FROM generate_series(1, ${customers}) i
    UNION ALL
    SELECT 'DOMAIN'::"CustomerIdType", 'bc' || i || '.example', 'bc-' || i FROM generate_series(1, ${customers}) i;
    INSERT INTO "EligibilityEntry" ("engagementId", "idType", "idValue", "eligible", "reason")
    SELECT e, 'TPID'::"CustomerIdType", (10000000 + i)::text, i % 10 <> 0, CASE WHEN i % 10 = 0 THEN 'Not in the target segment' END
    FROM generate_series(1, ${customers}) i, unnest(ARRAY[${CATALOG_ENGAGEMENTS.map((id) => `'${id}'`).join(', ')}]) e;
    INSERT INTO "KnownCustomer" ("partnerId", "customerId", "name", "firstClaimId", "knownSince")
    SELECT '${DEMO.partnerA}', 'bc-' || i, 'Customer ' || upper(substr(md5(i::text), 1, 10)), 'CLM-BENCH-' || i, ${nowSql} - interval '1 year'
    FROM generate_series(1, ${knownA}) i
    UNION ALL
    SELECT '${DEMO.partnerB}', 'bc-' || i, 'Customer ' || upper(substr(md5(i::text), 1, 10)), 'CLM-BENCH-' || i, ${nowSql} - interval '1 year'
    FROM generate_series(${knownBFrom}, ${customers}) i;`;
  const claimRows = `
    INSERT INTO "Claim" (
      "id", "partnerId", "engagementId", "locationId", "customerId", "idType", "idValue", "friendlyName", "origin", "status",
      "openClaimKey", "customerContactName", "customerContactEmail", "partnerContactName", "partnerContactEmail",
      "consentDeadline", "submissionDeadline", "consentRequestedAt", "consentAnsweredAt", "closedAt", "closeReason",
      "createdByUserId", "createdAt", "updatedAt")
    SELECT
      'CLM-B' || lpad(i::text, 7, '0'), g.partner, g.engagement, g.location, 'bc-' || g.cust, 'TPID', (10000000 + g.cust)::text,
      'Claim ' || i, CASE WHEN i % 2 = 0 THEN 'ADDED' ELSE 'CLAIMED' END::"ClaimOrigin", g.status::"ClaimStatus",
      CASE WHEN i <= ${open} THEN g.partner || ':' || g.engagement || ':bc-' || g.cust END,
      'Casey Customer', 'casey@bc' || g.cust || '.example', 'Pat Partner', 'pat@fabrikam.example',
      g.created + interval '30 days',
      CASE WHEN g.status IN ('CONSENT_GRANTED', 'COMPLETED', 'REJECTED_FINAL') THEN g.created + interval '120 days' END,
      CASE WHEN g.status NOT IN ('ADDED', 'CLAIMED') THEN g.created + interval '2 days' END,
      CASE WHEN g.status IN ('CONSENT_GRANTED', 'COMPLETED', 'REJECTED_FINAL') THEN g.created + interval '5 days' END,
      CASE WHEN i > ${open} THEN g.created + interval '40 days' END,
      CASE WHEN g.status = 'EXPIRED' THEN 'Customer consent was not received within the 30-day consent window.' END,
      g.creator, g.created, g.created
    FROM (
      SELECT i,
        ((i::bigint * 7919) % ${customers}) + 1 AS cust,
        (${engagementArray})[(i % ${ENGAGEMENTS.length}) + 1] AS engagement,
        CASE WHEN i % 5 < 3 THEN '${DEMO.partnerA}' ELSE '${DEMO.partnerB}' END AS partner,
        CASE WHEN i % 5 < 3 THEN '${DEMO.locations.seattle}' ELSE '${DEMO.locations.munich}' END AS location,
        CASE WHEN i % 5 < 3 THEN '${DEMO.userIds.userA}' ELSE '${DEMO.userIds.adminB}' END AS creator,
        CASE WHEN i <= ${open} THEN (ARRAY['ADDED', 'CLAIMED', 'CONSENT_REQUESTED', 'CONSENT_GRANTED'])[(i % 4) + 1]
             ELSE (ARRAY['COMPLETED', 'COMPLETED', 'COMPLETED', 'COMPLETED', 'EXPIRED', 'EXPIRED', 'EXPIRED', 'CANCELED', 'CANCELED', 'REJECTED_FINAL'])[(i % 10) + 1]
        END AS status,
        CASE WHEN i <= ${open} THEN ${nowSql} - make_interval(secs => (i % 2000000)::double precision)
             ELSE ${nowSql} - interval '60 days' - make_interval(secs => ((i::bigint * 104729) % 63072000)::double precision)
        END AS created
      FROM generate_series(1, ${claims}) i
    ) g;`;
  await withBulkLoad(db, ['Customer', 'CustomerIdentifier', 'EligibilityEntry', 'KnownCustomer', 'Claim'], async (sql) => {
    await sql.exec(people);
    await sql.exec(claimRows);
  });
  await db.sql.exec('ANALYZE');
}

/**
 * Runs a bulk insert faster, in a benchmark's own database: the secondary indexes of `tables` are
 * dropped first and created again afterwards from their own definitions (pg_indexes), and, where
 * the role may (a superuser, as with scripts/with-postgres.sh), foreign-key triggers are skipped
 * for the load (the generated rows reference seeded partners, engagements, locations and users).
 */
async function withBulkLoad(db: Database, tables: readonly string[], load: (sql: SqlDriver) => Promise<void>): Promise<void> {
  const indexes = await db.sql.query<{ name: string; definition: string }>(
    `SELECT i.indexname AS name, i.indexdef AS definition FROM pg_indexes i
     JOIN pg_class c ON c.relname = i.indexname JOIN pg_index x ON x.indexrelid = c.oid
     WHERE i.schemaname = current_schema() AND i.tablename = ANY($1::text[]) AND NOT x.indisprimary AND NOT x.indisunique`,
    [tables],
  );
  await db.sql.exec(indexes.map((index) => `DROP INDEX "${index.name}";`).join('\n'));
  const superuser = await db.sql.query<{ rolsuper: boolean }>('SELECT rolsuper FROM pg_roles WHERE rolname = current_user');
  try {
    await db.sql.transaction(async (tx) => {
      if (superuser[0]?.rolsuper) await tx.exec('SET LOCAL session_replication_role = replica');
      await load(tx);
    });
  } finally {
    await db.sql.transaction(async (tx) => {
      await tx.exec("SET LOCAL maintenance_work_mem = '256MB'");
      for (const index of indexes) await tx.exec(index.definition);
    });
  }
}

interface Scenario {
  tab: 'eligible' | 'ineligible' | 'complete';
  page: string;
  cursor: string | null;
}

/** The cursor the service would hand out after the row at `offset` of a tab (the same opaque format). */
function cursorAfter(tab: 'E' | 'I' | 'C', key: [string, string]): string {
  return Buffer.from(JSON.stringify({ t: tab, k: key }), 'utf8').toString('base64url');
}

async function deepCursors(db: Database, offset: number): Promise<Record<Scenario['tab'], string | null>> {
  const partner = DEMO.partnerA;
  const known = await db.sql.query<{ name: string; id: string }>(
    `SELECT "name" AS name, "customerId" AS id FROM "KnownCustomer" WHERE "partnerId" = $1 ORDER BY "name", "customerId" OFFSET $2 LIMIT 1`,
    [partner, offset],
  );
  const closed = await db.sql.query<{ closed: string; id: string }>(
    `SELECT to_char("closedAt", 'YYYY-MM-DD"T"HH24:MI:SS.MS') AS closed, "id" AS id FROM "Claim"
     WHERE "partnerId" = $1 AND "engagementId" = $2 AND "closedAt" IS NOT NULL ORDER BY "closedAt" DESC, "id" DESC OFFSET $3 LIMIT 1`,
    [partner, BENCH_ENGAGEMENT, offset],
  );
  const k = known[0];
  const c = closed[0];
  return {
    eligible: k ? cursorAfter('E', [k.name, k.id]) : null,
    ineligible: k ? cursorAfter('I', [k.name, k.id]) : null,
    complete: c ? cursorAfter('C', [c.closed, c.id]) : null,
  };
}

/** The SQL each tab runs for its page keys, captured from the service by wrapping its SqlDriver once. */
async function captureTabQuery(db: Database, clock: FixedClock, scenario: Scenario): Promise<{ sql: string; params: unknown[] }> {
  let captured: { sql: string; params: unknown[] } | null = null;
  const spy: Database = {
    ...db,
    sql: {
      ...db.sql,
      query: <T>(sql: string, params?: unknown[]) => {
        captured ??= { sql, params: params ?? [] };
        return db.sql.query<T>(sql, params);
      },
    },
  };
  await callTab(spy, clock, scenario);
  if (!captured) throw new Error(`the ${scenario.tab} tab ran no SQL of its own`);
  return captured;
}

function callTab(db: Database, clock: FixedClock, scenario: Scenario): Promise<{ rows: unknown[] }> {
  const request: PageRequest = { partnerId: DEMO.partnerA, engagementId: BENCH_ENGAGEMENT, cursor: scenario.cursor, pageSize: 25 };
  if (scenario.tab === 'eligible') return eligibleTab(db, clock, request);
  if (scenario.tab === 'ineligible') return ineligibleTab(db, clock, request);
  return completeTab(db, clock, request);
}

/** Benchmark 2: the Customers page at 100,000 customers and 1,000,000 claims on PostgreSQL. */
export async function benchCustomersPage(options: CustomersBenchOptions): Promise<string> {
  const customers = options.customers ?? 100_000;
  const claimCount = options.claims ?? 1_000_000;
  const calls = options.calls ?? 200;
  const now = new Date();
  const clock = new FixedClock(now);
  const database = await createBenchDatabase(options.serverUrl, now);
  const db = await database.open(4);
  try {
    let began = process.hrtime.bigint();
    await generateCustomersAndClaims(db, now, customers, claimCount);
    const generatedIn = elapsedMs(began) / 1000;
    const counts = await db.sql.query<{ customers: string; claims: string; mine: string; known: string }>(
      `SELECT (SELECT count(*) FROM "Customer") AS customers, (SELECT count(*) FROM "Claim") AS claims,
              (SELECT count(*) FROM "Claim" WHERE "partnerId" = $1 AND "engagementId" = $2) AS mine,
              (SELECT count(*) FROM "KnownCustomer" WHERE "partnerId" = $1) AS known`,
      [DEMO.partnerA, BENCH_ENGAGEMENT],
    );
    const count = counts[0];
    options.log(`  generated ${count?.customers} customers and ${count?.claims} claims in ${generatedIn.toFixed(0)} s`);
    // A deep page: 20,000 rows in at full size, half-way for smaller trial runs.
    const deepOffset = Math.min(20_000, Math.floor(Number(count?.known ?? 0) / 2));
    const deep = await deepCursors(db, deepOffset);
    const scenarios: Scenario[] = (['eligible', 'ineligible', 'complete'] as const).flatMap((tab) => [
      { tab, page: 'first', cursor: null },
      { tab, page: `deep (after row ${deepOffset.toLocaleString('en')})`, cursor: deep[tab] },
    ]);
    const rows: string[][] = [];
    const explains: string[] = [];
    let missed = false;
    for (const scenario of scenarios) {
      for (let i = 0; i < 10; i += 1) await callTab(db, clock, scenario);
      const samples: number[] = [];
      let rowsSeen = 0;
      const stopAt = Date.now() + 8_000;
      for (let i = 0; i < calls && Date.now() < stopAt; i += 1) {
        began = process.hrtime.bigint();
        const page = await callTab(db, clock, scenario);
        samples.push(elapsedMs(began));
        rowsSeen = page.rows.length;
      }
      const s = summarise(samples);
      if (s.p95 >= 20) missed = true;
      options.log(`  ${scenario.tab} ${scenario.page}: ${rowsSeen} rows, p50 ${ms(s.p50)} ms, p95 ${ms(s.p95)} ms over ${s.count} calls`);
      rows.push([scenario.tab, scenario.page, String(rowsSeen), String(s.count), ms(s.p50), ms(s.p95), ms(s.p99)]);
      const query = await captureTabQuery(db, clock, scenario);
      const plan = await db.sql.query<{ 'QUERY PLAN': string }>(`EXPLAIN (ANALYZE, BUFFERS) ${query.sql}`, query.params);
      explains.push(
        `#### ${scenario.tab}, ${scenario.page} page\n\n\`\`\`\n${plan.map((line) => line['QUERY PLAN']).join('\n')}\n\`\`\`\n`,
      );
    }
    return [
      `### 2. Customers page on PostgreSQL`,
      '',
      `${Number(count?.customers).toLocaleString('en')} customers, ${Number(count?.claims).toLocaleString('en')} claims (generated set-based in ${generatedIn.toFixed(0)} s); the page of partner A (${Number(count?.known).toLocaleString('en')} known customers) on engagement ${BENCH_ENGAGEMENT} (${Number(count?.mine).toLocaleString('en')} of its claims). Each call is the service function (services/customersPage/page.ts) as the dialog calls it, 25 rows a page, through a 4-connection pool; up to ${calls} calls (8 s at most) after 10 warm-up calls. A deep page starts after row ${deepOffset.toLocaleString('en')} (keyset cursor).`,
      '',
      table(['tab', 'page', 'rows', 'calls', 'p50 ms', 'p95 ms', 'p99 ms'], rows),
      '',
      `Target p95 < 20 ms: ${missed ? 'MISSED for at least one tab (see "Analysis" at the top of this file)' : 'met for every tab and page'}.`,
      '',
      '<details><summary>EXPLAIN (ANALYZE, BUFFERS) of each tab\'s page-key query</summary>',
      '',
      ...explains,
      '</details>',
      '',
    ].join('\n');
  } finally {
    await db.close();
    await database.drop();
  }
}
