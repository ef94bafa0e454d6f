import { readFileSync } from 'node:fs';
import { openDatabase } from '../services/db/database';
import { applyMigrations } from '../services/db/migrations';
import { importEligibility, reportText } from '../services/ports/eligibilityImport';
import { importReviews, reviewReportText } from '../services/ports/reviewImport';
import { systemClock } from '../services/shared/clock';
import { seedTarget } from './seed';

/**
 * `npm run import -- eligibility <file.csv>` / `review <file.csv>`: loads an eligibility list or the
 * review outcomes downloaded from Partner Center into the database the bot uses (DATABASE_URL, else
 * the embedded one under DATA_DIR, which must not be held by a running bot). Exit 0 when imported,
 * 1 when the file is refused (nothing changed) or a row could not be recorded, 2 on wrong usage.
 */
const USAGE = 'Usage: npm run import -- eligibility <file.csv>   or   npm run import -- review <file.csv>';

async function main(args: string[]): Promise<number> {
  const [kind, file] = args;
  if ((kind !== 'eligibility' && kind !== 'review') || !file) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  let csv: string;
  try {
    csv = readFileSync(file, 'utf8');
  } catch {
    process.stderr.write(`Cannot read ${file}: check the path and that the file is readable.\n`);
    return 2;
  }
  const target = seedTarget(process.env);
  const db = await openDatabase(target.kind === 'embedded' ? { ...target, purpose: 'npm run import', warn: (message) => process.stderr.write(`${message}\n`) } : target);
  try {
    await applyMigrations(db.sql);
    if (kind === 'eligibility') {
      const report = await importEligibility(db, systemClock, csv);
      (report.ok ? process.stdout : process.stderr).write(`${reportText(report)}\n`);
      return report.ok ? 0 : 1;
    }
    const report = await importReviews(db, systemClock, csv);
    const clean = report.ok && report.failed.length === 0;
    (clean ? process.stdout : process.stderr).write(`${reviewReportText(report)}\n`);
    return clean ? 0 : 1;
  } finally {
    await db.close();
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`The import failed: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(1);
    },
  );
}
