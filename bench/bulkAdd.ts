import { execFileSync } from 'node:child_process';
import { buildServices } from '../bot/composition';
import { DEMO } from '../prisma/demoData';
import type { AppServices } from '../services';
import type { PartnerCaller } from '../services/directory';
import { FixedClock } from '../services/shared/clock';
import { csvFile, seedEligibleTpids, tpidRows, xlsxFile } from '../test/support/bulkAddFiles';
import { createBenchDatabase } from './database';
import { elapsedMs, ms, summarise, table } from './stats';

export interface BulkAddBenchOptions {
  serverUrl: string;
  log(line: string): void;
  /** Rows per file (the limit: 500). */
  rows?: number;
  /** Files checked and added, each with its own new customers. */
  runs?: number;
}

const CONSENT = { tokenSecret: 'b'.repeat(40), publicBaseUrl: 'http://127.0.0.1:3978' };

/**
 * Bulk add of a full file (500 rows, every row new and eligible: the most work a file can ask for),
 * through the service facade on the demo data: the check (read + every row's Add customer rules, no
 * writes) and the add (Add customer per row, each its own transaction and audit event). The
 * baseline is the one-customer path of the same rules in the same run: one offerAdd (what the Add
 * customer flow asks before its review card) and one addCustomer, so the ratio says what a row of a
 * file costs against adding that customer alone.
 */
export async function benchBulkAdd(options: BulkAddBenchOptions): Promise<string> {
  const rows = options.rows ?? 500;
  const runs = options.runs ?? 3;
  const now = new Date();
  const bench = await createBenchDatabase(options.serverUrl, now);
  const db = await bench.open(5);
  try {
    const services: AppServices = buildServices({ db, clock: new FixedClock(now), consent: CONSENT });
    const found = await services.directory.findCaller(DEMO.users.adminA);
    if (found.kind !== 'partnerUser') throw new Error('the demo admin is not a partner user');
    const caller: PartnerCaller = found;

    // Baseline: the one-customer path, 20 times each.
    const single = await seedEligibleTpids(db, DEMO.engagements.security, 700_000_001, 20);
    const offerMs: number[] = [];
    const addMs: number[] = [];
    for (const tpid of single) {
      const started = process.hrtime.bigint();
      const offer = await services.nomination.offerAdd(caller, { customerId: { type: 'TPID', value: tpid }, locationId: null, engagementId: DEMO.engagements.security });
      offerMs.push(elapsedMs(started));
      if (!offer.ok) throw new Error(offer.message);
      const addStarted = process.hrtime.bigint();
      await services.nomination.addCustomer(caller, {
        customerId: { type: 'TPID', value: tpid },
        friendlyName: `Bench ${tpid}`,
        locationId: DEMO.locations.seattle,
        engagementIds: [DEMO.engagements.security],
        customerContact: { name: 'Bench', email: `bench${tpid}@example.com` },
        partnerContact: { name: caller.displayName, email: caller.email },
      });
      addMs.push(elapsedMs(addStarted));
    }
    const offer = summarise(offerMs);
    const add = summarise(addMs);
    options.log(`   one customer: offerAdd median ${ms(offer.p50)}, addCustomer median ${ms(add.p50)}`);

    const checkMs: number[] = [];
    const fileAddMs: number[] = [];
    const xlsxCheckMs: number[] = [];
    for (let run = 0; run < runs; run += 1) {
      const tpids = await seedEligibleTpids(db, DEMO.engagements.security, 710_000_001 + run * 10_000, rows);
      const table = tpidRows(tpids, 'security');
      const csv = csvFile(table);
      const xlsx = await xlsxFile(table);
      let started = process.hrtime.bigint();
      const checked = await services.bulkAdd.check(caller, { name: 'bench.csv', bytes: csv });
      checkMs.push(elapsedMs(started));
      if (!checked.ok || checked.report.toAdd !== rows) throw new Error(checked.ok ? `${checked.report.toAdd} of ${rows} rows to add` : checked.message);
      started = process.hrtime.bigint();
      const xlsxChecked = await services.bulkAdd.check(caller, { name: 'bench.xlsx', bytes: xlsx });
      xlsxCheckMs.push(elapsedMs(started));
      if (!xlsxChecked.ok || xlsxChecked.report.toAdd !== rows) throw new Error('the .xlsx did not check like the CSV');
      started = process.hrtime.bigint();
      const outcome = await services.bulkAdd.add(caller, checked.report.fileId);
      fileAddMs.push(elapsedMs(started));
      if (outcome.kind !== 'added' || outcome.result.added.length !== rows) throw new Error(`the add did not add ${rows} customers`);
      options.log(`   run ${run + 1}: check ${ms(checkMs[run] ?? 0)} (.xlsx ${ms(xlsxCheckMs[run] ?? 0)}), add ${ms(fileAddMs[run] ?? 0)}`);
    }
    const check = summarise(checkMs);
    const xlsxCheck = summarise(xlsxCheckMs);
    const fileAdd = summarise(fileAddMs);
    const uptime = execFileSync('uptime', { encoding: 'utf8' }).trim();
    const perRow = (value: number) => value / rows;
    return [
      `### Bulk add: a ${rows}-row file, ${runs} runs (median of the runs)`,
      '',
      table(
        ['step', 'whole file (ms)', 'per row (ms)', 'baseline: one customer, median of 20 (ms)', 'ratio per row / baseline'],
        [
          ['check, CSV', ms(check.p50), ms(perRow(check.p50)), `offerAdd ${ms(offer.p50)}`, (perRow(check.p50) / offer.p50).toFixed(2)],
          ['check, .xlsx', ms(xlsxCheck.p50), ms(perRow(xlsxCheck.p50)), `offerAdd ${ms(offer.p50)}`, (perRow(xlsxCheck.p50) / offer.p50).toFixed(2)],
          ['add', ms(fileAdd.p50), ms(perRow(fileAdd.p50)), `addCustomer ${ms(add.p50)}`, (perRow(fileAdd.p50) / add.p50).toFixed(2)],
        ],
      ),
      '',
      `Every row new and eligible (the most work a file asks for). \`uptime\` after the runs: ${uptime}.`,
      '',
    ].join('\n');
  } finally {
    await db.close();
    await bench.drop();
  }
}
