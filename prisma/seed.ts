import { z } from 'zod';
import { openDatabase, type Database, type DatabaseTarget, type SqlDriver } from '../services/db/database';
import { applyMigrations } from '../services/db/migrations';
import { seedDemoData, type DemoSeedSummary } from './demoData';

const blankToUndefined = (value: unknown): unknown => (typeof value === 'string' && value.trim() === '' ? undefined : value);

const PORT_EXPECTED = 'expected a whole number from 1 to 65535 (or unset, for a free port)';

const SeedEnv = z.object({
  DATA_DIR: z.preprocess(blankToUndefined, z.string().default('./data')),
  EMBEDDED_PG_PORT: z.preprocess(
    blankToUndefined,
    z.coerce.number({ error: PORT_EXPECTED }).int(PORT_EXPECTED).min(1, PORT_EXPECTED).max(65535, PORT_EXPECTED).optional(),
  ),
  DATABASE_URL: z.preprocess(
    blankToUndefined,
    z.string().regex(/^postgres(ql)?:\/\/\S+$/, 'expected a PostgreSQL URL such as postgres://user:password@host:5432/database').optional(),
  ),
});

/**
 * Which database `npm run seed` resets: PostgreSQL when DATABASE_URL is set, else the embedded
 * cluster under DATA_DIR, which seed starts itself (and is refused while the bot holds the folder).
 */
export function seedTarget(env: NodeJS.ProcessEnv): DatabaseTarget {
  const parsed = SeedEnv.safeParse(env);
  if (!parsed.success) {
    // The URL may carry a password, so the message names the setting and never echoes its value.
    const lines = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new Error(`Cannot seed, bad setting:\n${lines.join('\n')}`);
  }
  const { DATABASE_URL, DATA_DIR, EMBEDDED_PG_PORT } = parsed.data;
  return DATABASE_URL
    ? { kind: 'postgres', url: DATABASE_URL }
    : { kind: 'embedded', dataDir: DATA_DIR, port: EMBEDDED_PG_PORT ?? null, purpose: 'npm run seed' };
}

/** Empties every application table (not the migration history) in one statement, whatever their foreign keys. */
export async function resetDatabase(sql: SqlDriver): Promise<string[]> {
  const rows = await sql.query<{ tablename: string }>(
    `SELECT tablename FROM pg_tables WHERE schemaname = current_schema() AND tablename <> '_prisma_migrations' ORDER BY tablename`,
  );
  const tables = rows.map((row) => row.tablename);
  if (tables.length > 0) await sql.exec(`TRUNCATE TABLE ${tables.map((t) => `"${t.replace(/"/g, '""')}"`).join(', ')} CASCADE`);
  return tables;
}

/** Migrates, empties and re-seeds an open database: what `npm run seed` does. */
export async function reseed(db: Database, now: Date): Promise<DemoSeedSummary> {
  await applyMigrations(db.sql);
  await resetDatabase(db.sql);
  return seedDemoData(db.prisma, now);
}

async function main(): Promise<void> {
  const target = seedTarget(process.env);
  const db = await openDatabase(target.kind === 'embedded' ? { ...target, warn: (message) => process.stderr.write(`${message}\n`) } : target);
  try {
    const summary = await reseed(db, new Date());
    const where = target.kind === 'postgres' ? 'PostgreSQL (DATABASE_URL)' : `the embedded PostgreSQL in ${target.dataDir}`;
    process.stdout.write(
      [
        `Demo data seeded into ${where}:`,
        `  ${summary.partners} partners, ${summary.locations} locations, ${summary.users} partner users, 1 field seller`,
        `  ${summary.engagements} engagements, ${summary.customers} customers (${summary.customerIds} ids), ${summary.eligibilityEntries} eligibility entries`,
        `  ${summary.claims} claims (${summary.openClaims} open), ${summary.knownCustomers} known customers, ${summary.referrals} referrals, ${summary.auditEvents} audit events`,
        '',
      ].join('\n'),
    );
  } finally {
    await db.close();
  }
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`Seeding failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}
