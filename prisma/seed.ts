import { z } from 'zod';
import { openDatabase, type Database, type DatabaseTarget, type SqlDriver } from '../services/db/database';
import { applyMigrations } from '../services/db/migrations';
import { seedDemoData, type DemoSeedSummary } from './demoData';

const blankToUndefined = (value: unknown): unknown => (typeof value === 'string' && value.trim() === '' ? undefined : value);

const SeedEnv = z.object({
  DATA_DIR: z.preprocess(blankToUndefined, z.string().default('./data')),
  DATABASE_URL: z.preprocess(
    blankToUndefined,
    z.string().regex(/^postgres(ql)?:\/\/\S+$/, 'expected a PostgreSQL URL such as postgres://user:password@host:5432/database').optional(),
  ),
});

/** Which database `npm run seed` resets: PostgreSQL when DATABASE_URL is set, else the embedded one under DATA_DIR. */
export function seedTarget(env: NodeJS.ProcessEnv): DatabaseTarget {
  const parsed = SeedEnv.safeParse(env);
  if (!parsed.success) {
    // The URL may carry a password, so the message names the setting and never echoes its value.
    const lines = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new Error(`Cannot seed, bad setting:\n${lines.join('\n')}`);
  }
  return parsed.data.DATABASE_URL ? { kind: 'postgres', url: parsed.data.DATABASE_URL } : { kind: 'pglite', dataDir: parsed.data.DATA_DIR };
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
  const db = await openDatabase(target);
  try {
    const summary = await reseed(db, new Date());
    const where = target.kind === 'postgres' ? 'PostgreSQL (DATABASE_URL)' : `the embedded database in ${target.dataDir ?? 'memory'}`;
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
