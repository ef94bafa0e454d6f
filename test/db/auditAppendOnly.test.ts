import { randomUUID } from 'node:crypto';
import { DEMO } from '../../prisma/demoData';
import { resetDatabase } from '../../prisma/seed';
import type { Database } from '../../services/db';
import { createDemoDatabase } from '../support/testDatabase';

/** Audit rows are never updated or deleted by the application: the database refuses it (migration 20261124202000_audit_append_only). */
describe('AuditEvent is append-only in the database', () => {
  let db: Database;

  beforeAll(async () => {
    db = await createDemoDatabase();
  });

  afterAll(async () => {
    await db.close();
  });

  async function anAuditRow(): Promise<string> {
    const id = randomUUID();
    await db.prisma.auditEvent.create({ data: { id, partnerId: DEMO.partnerA, actorKind: 'SYSTEM', action: 'test.appended', after: { n: 1 }, at: new Date() } });
    return id;
  }

  it('lets the application append audit rows', async () => {
    const id = await anAuditRow();
    expect(await db.prisma.auditEvent.findUniqueOrThrow({ where: { id } })).toMatchObject({ action: 'test.appended', after: { n: 1 } });
  });

  it('refuses to update an audit row through Prisma or raw SQL, and the row stays as written', async () => {
    const id = await anAuditRow();
    await expect(db.prisma.auditEvent.update({ where: { id }, data: { action: 'test.rewritten' } })).rejects.toThrow(/append-only/);
    await expect(db.prisma.auditEvent.updateMany({ data: { actorId: 'someone-else' } })).rejects.toThrow(/append-only/);
    await expect(db.sql.query('UPDATE "AuditEvent" SET "after" = NULL WHERE "id" = $1', [id])).rejects.toThrow(/append-only/);
    expect(await db.prisma.auditEvent.findUniqueOrThrow({ where: { id } })).toMatchObject({ action: 'test.appended', actorId: null, after: { n: 1 } });
  });

  it('refuses to delete audit rows, one or all, and they are all still there', async () => {
    const id = await anAuditRow();
    const count = await db.prisma.auditEvent.count();
    await expect(db.prisma.auditEvent.delete({ where: { id } })).rejects.toThrow(/append-only/);
    await expect(db.prisma.auditEvent.deleteMany()).rejects.toThrow(/append-only/);
    await expect(db.sql.query('DELETE FROM "AuditEvent" WHERE "id" = $1', [id])).rejects.toThrow(/append-only/);
    expect(await db.prisma.auditEvent.count()).toBe(count);
  });

  it('refuses to delete a claim that has audit events (its history would be rewritten)', async () => {
    const claimId = DEMO.claims.contosoMigrateCompleted;
    expect(await db.prisma.auditEvent.count({ where: { claimId } })).toBeGreaterThan(0);
    await expect(db.sql.query('DELETE FROM "Claim" WHERE "id" = $1', [claimId])).rejects.toThrow();
    expect(await db.prisma.claim.count({ where: { id: claimId } })).toBe(1);
  });

  it('still lets a whole database be reset with TRUNCATE (npm run seed, test set-up)', async () => {
    expect(await db.prisma.auditEvent.count()).toBeGreaterThan(0);
    await resetDatabase(db.sql);
    expect(await db.prisma.auditEvent.count()).toBe(0);
  });
});
