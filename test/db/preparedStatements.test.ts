import type { Database } from '../../services/db';
import { createTestDatabase } from '../support/testDatabase';

/** A statement sent `prepared` is planned once per connection and reused (services/db/database.ts). */
describe('prepared statements', () => {
  let db: Database;

  beforeAll(async () => {
    db = await createTestDatabase();
  });

  afterAll(async () => {
    await db.close();
  });

  it('are prepared once per connection under a name taken from their text, and answer as an unprepared statement does', async () => {
    const text = 'SELECT $1::int + 1 AS "next"';
    await db.sql.transaction(async (tx) => {
      for (let n = 0; n < 3; n += 1) expect(await tx.query(text, [n], { prepared: true })).toEqual([{ next: n + 1 }]);
      expect(await tx.query(text, [41])).toEqual([{ next: 42 }]);
      const prepared = await tx.query<{ name: string; statement: string }>(`SELECT name, statement FROM pg_prepared_statements WHERE name LIKE 'mci\\_%'`);
      expect(prepared.map((row) => row.statement)).toEqual([text]);
      expect(prepared[0]?.name).toMatch(/^mci_[0-9a-f]{24}$/);
    });
  });
});
