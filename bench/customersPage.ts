import { claimSummary } from '../services/claims/summary';
import { completeTab, eligibleTab, ineligibleTab, type PageRequest } from '../services/customersPage/page';
import { FixedClock } from '../services/shared/clock';
import type { Database, SqlDriver } from '../services/db';
import { DEMO } from '../prisma/demoData';
import { createBenchDatabase } from './database';
import { ReplySink, runLoad, type LoadResult } from './load';
import { startServer } from './processes';
import { elapsedMs, ms, summarise, table, type LatencySummary } from './stats';

export interface CustomersBenchOptions {
  /** PostgreSQL servers to measure on, each by what it is ("embedded PostgreSQL 18", …). */
  servers: readonly { label: string; url: string }[];
  log(line: string): void;
  /** Claim counts of the growth curve, smallest first; customers are a tenth of the claims. */
  sizes?: readonly number[];
  /** Timed calls per tab and page. */
  calls?: number;
  /** Seconds of turns per turn text and size (after 1.5 s of warm-up). */
  turnSeconds?: number;
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
 * rejected 10 %) closed over the last two years. The copies the triggers keep (Claim.openCustomerName,
 * ClaimStatusTally) are written as the triggers would write them.
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
      "openClaimKey", "openCustomerName", "customerContactName", "customerContactEmail", "partnerContactName", "partnerContactEmail",
      "consentDeadline", "submissionDeadline", "consentRequestedAt", "consentAnsweredAt", "closedAt", "closeReason",
      "createdByUserId", "createdAt", "updatedAt")
    SELECT
      'CLM-B' || lpad(i::text, 7, '0'), g.partner, g.engagement, g.location, 'bc-' || g.cust, 'TPID', (10000000 + g.cust)::text,
      'Claim ' || i, CASE WHEN i % 2 = 0 THEN 'ADDED' ELSE 'CLAIMED' END::"ClaimOrigin", g.status::"ClaimStatus",
      CASE WHEN i <= ${open} THEN g.partner || ':' || g.engagement || ':bc-' || g.cust END,
      CASE WHEN i <= ${open} THEN 'Customer ' || upper(substr(md5(g.cust::text), 1, 10)) END,
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
    // The load may skip triggers (session_replication_role): openCustomerName is set above as the
    // trigger would, and the summary tally is recounted from the claims.
    await sql.exec(`DELETE FROM "ClaimStatusTally";
      INSERT INTO "ClaimStatusTally" ("partnerId", "engagementId", "status", "claims", "withDealSize", "dealSizeUsd", "proposedPayoutUsd")
      SELECT "partnerId", "engagementId", "status", count(*), count("estimatedDealSizeUsd"), coalesce(sum("estimatedDealSizeUsd"), 0), coalesce(sum("proposedPayoutUsd"), 0)
      FROM "Claim" GROUP BY "partnerId", "engagementId", "status";`);
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

/** The first SQL a service call runs through the SqlDriver (a tab's page-key query, the summary's tally read). */
async function capturePageQuery(db: Database, call: (spy: Database) => Promise<unknown>): Promise<{ sql: string; params: unknown[] }> {
  let captured: { sql: string; params: unknown[] } | null = null;
  const spy: Database = {
    ...db,
    sql: {
      ...db.sql,
      query: <T>(sql: string, params?: unknown[]) => {
        // The page-key query is the call's longest statement (the engagement's facts come first).
        if (!captured || sql.length > captured.sql.length) captured = { sql, params: params ?? [] };
        return db.sql.query<T>(sql, params);
      },
    },
  };
  await call(spy);
  if (!captured) throw new Error('the service call ran no SQL of its own');
  return captured;
}

function callTab(db: Database, clock: FixedClock, scenario: Scenario): Promise<{ rows: unknown[] }> {
  const request: PageRequest = { partnerId: DEMO.partnerA, engagementId: BENCH_ENGAGEMENT, cursor: scenario.cursor, pageSize: 25 };
  if (scenario.tab === 'eligible') return eligibleTab(db, clock, request);
  if (scenario.tab === 'ineligible') return ineligibleTab(db, clock, request);
  return completeTab(db, clock, request);
}

interface SizeResult {
  label: string;
  customers: number;
  claims: number;
  partnerClaims: number;
  known: number;
  mine: number;
  generatedIn: number;
  deepOffset: number;
  tabs: ({ scenario: Scenario; rows: number; latency: LatencySummary } & Explained)[];
  /** The tally read of partner A's `summary` (services/claims/summary.ts). */
  summary: Explained;
  turns: { text: string; result: LoadResult }[];
}

const TURNS = ['customers azure migrate', 'summary', 'help'] as const;

/** Times each tab, first and deep page, through the service as the dialog calls it, with the plan of its page-key query. */
async function measureTabs(db: Database, clock: FixedClock, deepOffset: number, calls: number, log: (line: string) => void): Promise<SizeResult['tabs']> {
  const deep = await deepCursors(db, deepOffset);
  const scenarios: Scenario[] = (['eligible', 'ineligible', 'complete'] as const).flatMap((tab) => [
    { tab, page: 'first', cursor: null },
    { tab, page: `deep (after row ${deepOffset.toLocaleString('en')})`, cursor: deep[tab] },
  ]);
  const measured: SizeResult['tabs'] = [];
  for (const scenario of scenarios) {
    for (let i = 0; i < 10; i += 1) await callTab(db, clock, scenario);
    const samples: number[] = [];
    let rows = 0;
    const stopAt = Date.now() + 6_000;
    for (let i = 0; i < calls && Date.now() < stopAt; i += 1) {
      const began = process.hrtime.bigint();
      const page = await callTab(db, clock, scenario);
      samples.push(elapsedMs(began));
      rows = page.rows.length;
    }
    const latency = summarise(samples);
    const plan = await explain(db, await capturePageQuery(db, (spy) => callTab(spy, clock, scenario)));
    log(`    ${scenario.tab} ${scenario.page}: ${rows} rows, p50 ${ms(latency.p50)} ms, p95 ${ms(latency.p95)} ms over ${latency.count} calls; plan ${plan.serverMs} ms, ${plan.buffers}`);
    measured.push({ scenario, rows, latency, ...plan });
  }
  return measured;
}

interface Explained {
  serverMs: string;
  buffers: string;
  plan: string;
}

async function explain(db: Database, query: { sql: string; params: unknown[] }): Promise<Explained> {
  const lines = (await db.sql.query<{ 'QUERY PLAN': string }>(`EXPLAIN (ANALYZE, BUFFERS) ${query.sql}`, query.params)).map((line) => line['QUERY PLAN']);
  return {
    serverMs: /Execution Time: ([\d.]+)/.exec(lines.join('\n'))?.[1] ?? '—',
    // The first Buffers line is the top node's: the whole query's.
    buffers: /Buffers: (shared [^\n]*)/.exec(lines.join('\n'))?.[1] ?? '—',
    plan: lines.join('\n'),
  };
}

/** Turns of one conversation of user A (partner A) through POST /api/messages of a bot on the database. */
async function measureTurns(url: string, seconds: number, log: (line: string) => void): Promise<SizeResult['turns']> {
  const sink = new ReplySink();
  const serviceUrl = await sink.start();
  const server = await startServer('bot/main.ts', { DATABASE_URL: url });
  try {
    const turns: SizeResult['turns'] = [];
    for (const text of TURNS) {
      const result = await runLoad({ url: server.url, serviceUrl, conversations: 1, text, aadObjectId: DEMO.users.userA, warmupMs: 1_500, durationMs: seconds * 1000, maxTurns: 2_000 });
      log(`    \`${text}\`: p50 ${ms(result.latency.p50)} ms, p95 ${ms(result.latency.p95)} ms over ${result.turns} turns, ${result.failures} failed`);
      turns.push({ text, result });
    }
    return turns;
  } finally {
    await server.stop();
    await sink.stop();
  }
}

async function measureSize(server: { label: string; url: string }, claims: number, options: CustomersBenchOptions): Promise<SizeResult> {
  const now = new Date();
  const clock = new FixedClock(now);
  const database = await createBenchDatabase(server.url, now);
  const db = await database.open(4);
  try {
    const began = process.hrtime.bigint();
    await generateCustomersAndClaims(db, now, Math.floor(claims / 10), claims);
    const generatedIn = elapsedMs(began) / 1000;
    const counts = await db.sql.query<{ customers: string; claims: string; partner: string; mine: string; known: string }>(
      `SELECT (SELECT count(*) FROM "Customer") AS customers, (SELECT count(*) FROM "Claim") AS claims,
              (SELECT count(*) FROM "Claim" WHERE "partnerId" = $1) AS partner,
              (SELECT count(*) FROM "Claim" WHERE "partnerId" = $1 AND "engagementId" = $2) AS mine,
              (SELECT count(*) FROM "KnownCustomer" WHERE "partnerId" = $1) AS known`,
      [DEMO.partnerA, BENCH_ENGAGEMENT],
    );
    const count = counts[0];
    options.log(`  ${server.label}, ${count?.claims} claims: generated in ${generatedIn.toFixed(0)} s`);
    // A deep page: 20,000 rows in at full size, half-way for smaller sets.
    const deepOffset = Math.min(20_000, Math.floor(Number(count?.known ?? 0) / 2));
    const log = (line: string) => options.log(line);
    const tabs = await measureTabs(db, clock, deepOffset, options.calls ?? 200, log);
    const viewer = { partnerId: DEMO.partnerA, userId: DEMO.userIds.userA, roles: ['INCENTIVES_USER' as const] };
    const summary = await explain(db, await capturePageQuery(db, (spy) => claimSummary(spy, viewer)));
    log(`    summary tally read: plan ${summary.serverMs} ms, ${summary.buffers}`);
    const turns = await measureTurns(database.url, options.turnSeconds ?? 5, log);
    return {
      label: server.label,
      customers: Number(count?.customers),
      claims: Number(count?.claims),
      partnerClaims: Number(count?.partner),
      known: Number(count?.known),
      mine: Number(count?.mine),
      generatedIn,
      deepOffset,
      tabs,
      summary,
      turns,
    };
  } finally {
    await db.close();
    await database.drop();
  }
}

function thousands(value: number): string {
  return value.toLocaleString('en');
}

function reportServer(results: readonly SizeResult[]): string[] {
  const largest = results[results.length - 1];
  const smallest = results[0];
  if (!largest || !smallest) return [];
  const tabRows = results.flatMap((size) =>
    size.tabs.map((tab) => [
      thousands(size.claims),
      tab.scenario.tab,
      tab.scenario.page.startsWith('deep') ? `deep (row ${thousands(size.deepOffset)})` : 'first',
      String(tab.rows),
      String(tab.latency.count),
      ms(tab.latency.p50),
      ms(tab.latency.p95),
      tab.serverMs,
      tab.buffers,
    ]),
  );
  const missedTabs = largest.tabs.filter((tab) => tab.latency.p95 >= 20);
  const turnRows = TURNS.map((text) => {
    const at = (size: SizeResult) => size.turns.find((turn) => turn.text === text)?.result;
    const first = at(smallest);
    const last = at(largest);
    const ratio = first && last ? last.latency.p50 / first.latency.p50 : Number.NaN;
    return [`\`${text}\``, ...results.map((size) => { const r = at(size); return r ? `${ms(r.latency.p50)} / ${ms(r.latency.p95)}${r.failures ? ` (${r.failures} failed)` : ''}` : '—'; }), `${ratio.toFixed(2)}×`];
  });
  const growthOf = (text: string) => {
    const first = smallest.turns.find((turn) => turn.text === text)?.result.latency.p50 ?? Number.NaN;
    const last = largest.turns.find((turn) => turn.text === text)?.result.latency.p50 ?? Number.NaN;
    return last / first;
  };
  const flat = ['customers azure migrate', 'summary'].every((text) => growthOf(text) <= 2);
  return [
    `#### ${largest.label}`,
    '',
    `Sizes: ${results.map((size) => `${thousands(size.claims)} claims / ${thousands(size.customers)} customers (partner A: ${thousands(size.partnerClaims)} claims, ${thousands(size.known)} known customers, ${thousands(size.mine)} claims on ${BENCH_ENGAGEMENT}; generated in ${size.generatedIn.toFixed(0)} s)`).join('; ')}.`,
    '',
    'Customers page, each call the service function (services/customersPage/page.ts) as the dialog calls it, 25 rows, through a 4-connection pool, after 10 warm-up calls (at most 6 s of calls). "plan ms" and "buffers" are from EXPLAIN (ANALYZE, BUFFERS) of the page-key query, run once after the timed calls.',
    '',
    table(['claims', 'tab', 'page', 'rows', 'calls', 'p50 ms', 'p95 ms', 'plan ms', 'buffers'], tabRows),
    '',
    `Target 1 (p95 < 20 ms for each tab and page at ${thousands(largest.claims)} claims): ${missedTabs.length === 0 ? 'met' : `MISSED for ${missedTabs.map((tab) => `${tab.scenario.tab} ${tab.scenario.page}`).join(', ')}`}.`,
    '',
    `Turns of one conversation (user A of partner A) through POST /api/messages of \`bot/main.ts\` on the same database (DATABASE_URL), p50 / p95 ms, and the p50 at the largest size over the p50 at the smallest (\`help\` reads no claims: the baseline):`,
    '',
    table(['turn', ...results.map((size) => `${thousands(size.partnerClaims)} claims of the partner`), 'growth'], turnRows),
    '',
    `The query \`summary\` runs on ClaimStatusTally (EXPLAIN (ANALYZE, BUFFERS)): ${results.map((size) => `${size.summary.serverMs} ms, ${size.summary.buffers} at ${thousands(size.partnerClaims)} claims of the partner`).join('; ')}.`,
    '',
    `Target 5 (\`customers <engagement>\` and \`summary\` within 2× from the smallest to the largest size): ${flat ? 'met' : 'MISSED'}.`,
    '',
    `<details><summary>EXPLAIN (ANALYZE, BUFFERS) of each tab's page-key query at ${thousands(largest.claims)} claims (${largest.label})</summary>`,
    '',
    ...largest.tabs.map((tab) => `##### ${tab.scenario.tab}, ${tab.scenario.page} page\n\n\`\`\`\n${tab.plan}\n\`\`\`\n`),
    `##### summary, tally read\n\n\`\`\`\n${largest.summary.plan}\n\`\`\`\n`,
    '</details>',
    '',
  ];
}

/**
 * Benchmark 2 (issue 8, issue 18 targets 1 and 5): the Customers page and the `customers` and
 * `summary` turns at 10,000, 100,000 and 1,000,000 claims (a tenth as many customers) on each
 * PostgreSQL server: the cost of a page or a turn must not grow with the tables.
 */
export async function benchCustomersPage(options: CustomersBenchOptions): Promise<string> {
  const sizes = options.sizes ?? [10_000, 100_000, 1_000_000];
  const sections: string[] = ['### 2. Customers page and the turns that read claims, as the data grows', ''];
  for (const server of options.servers) {
    const results: SizeResult[] = [];
    for (const claims of sizes) results.push(await measureSize(server, claims, options));
    sections.push(...reportServer(results));
  }
  return sections.join('\n');
}
