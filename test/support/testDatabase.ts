import { openDatabase, type Database } from '../../services/db/database';
import { applyMigrations } from '../../services/db/migrations';

/** A fresh, migrated in-memory PGlite database for one test file. */
export async function createTestDatabase(): Promise<Database> {
  const db = await openDatabase({ kind: 'pglite', dataDir: null });
  await applyMigrations(db.sql);
  return db;
}
