/**
 * The house plan holds by itself (issue 13, item 6): every layer rule of `npm run lint` fails on a
 * deliberate violation and passes a compliant file, in both tools that carry it:
 *   - eslint (eslint.config.mjs, rules `house/<name>` and `house/<name>-syntax`), per file, on
 *     import specifiers as written: source texts linted as if they lived in dialogs/, cards/, …;
 *   - dependency-cruiser (.dependency-cruiser.cjs), on resolved paths, plus circles: a small tree
 *     written to a temporary folder and cruised with the project's own config.
 * Both run in child processes with the project's real configs; no network.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '../..');
/** The product folders, as package.json's lint:layers names them. */
const PRODUCT_FOLDERS = ['bot', 'dialogs', 'cards', 'services', 'web', 'prisma'];
const NODE = process.execPath;

type RuleName =
  | 'dialogs-no-database'
  | 'dialogs-only-through-facades'
  | 'dialogs-not-to-bot'
  | 'cards-no-runtime-services'
  | 'cards-not-to-dialogs-or-bot'
  | 'services-not-to-outer-layers'
  | 'bot-only-through-facades';

// ------------------------------------------------------------------------------------ eslint

interface LintCase {
  filePath: string;
  code: string;
  /** house rules expected to report (by name; `-syntax` counts as its rule); [] = compliant. */
  expected: RuleName[];
}

const lintCases: LintCase[] = [
  // 1. dialogs: no database, no Prisma, types included; services only through a facade.
  { filePath: 'dialogs/x.ts', code: "import { PrismaClient } from '../services/db';\nexport { PrismaClient };", expected: ['dialogs-no-database'] },
  { filePath: 'dialogs/x.ts', code: "import type { Claim } from '../services/db';\nexport type { Claim };", expected: ['dialogs-no-database'] },
  { filePath: 'dialogs/x.ts', code: "import { ClaimStatus } from '../services/db/index';\nexport { ClaimStatus };", expected: ['dialogs-no-database'] },
  { filePath: 'dialogs/x.ts', code: "import { PrismaClient } from '../services/db/generated/client';\nexport { PrismaClient };", expected: ['dialogs-no-database'] },
  { filePath: 'dialogs/x.ts', code: "import { PrismaClient } from '@prisma/client';\nexport { PrismaClient };", expected: ['dialogs-no-database'] },
  { filePath: 'dialogs/x.ts', code: "import { seedDemoData } from '../prisma/demoData';\nexport { seedDemoData };", expected: ['dialogs-no-database'] },
  { filePath: 'dialogs/x.ts', code: "export * from '../services/db';", expected: ['dialogs-no-database'] },
  { filePath: 'dialogs/x.ts', code: "export type Row = import('../services/db').Claim;", expected: ['dialogs-no-database'] },
  { filePath: 'dialogs/x.ts', code: "export const db = () => import('../services/db');", expected: ['dialogs-no-database'] },
  { filePath: 'dialogs/nested/x.ts', code: "import type { Claim } from '../../services/db';\nexport type { Claim };", expected: ['dialogs-no-database'] },
  { filePath: 'dialogs/x.ts', code: 'export const rows = (deps: { db: { prisma: { claim: { findMany(): unknown } } } }) => deps.db.prisma.claim.findMany();', expected: ['dialogs-no-database'] },
  { filePath: 'dialogs/x.ts', code: 'export class D { constructor(private deps: { db: unknown }) {}\n  handle() { return this.deps.db; } }', expected: ['dialogs-no-database'] },
  { filePath: 'dialogs/x.ts', code: "import { claimDetails } from '../services/claims/details';\nexport { claimDetails };", expected: ['dialogs-only-through-facades'] },
  { filePath: 'dialogs/x.ts', code: "import type { Caller } from '../services/directory/callers';\nexport type { Caller };", expected: ['dialogs-only-through-facades'] },
  { filePath: 'dialogs/x.ts', code: "import { email } from '../services/ports/email';\nexport { email };", expected: ['dialogs-only-through-facades'] },
  { filePath: 'dialogs/x.ts', code: "import type { ServiceContext } from '../services/shared/context';\nexport type { ServiceContext };", expected: ['dialogs-only-through-facades'] },
  { filePath: 'dialogs/nested/x.ts', code: "import { claimDetails } from '../../services/claims/details';\nexport { claimDetails };", expected: ['dialogs-only-through-facades'] },
  {
    filePath: 'dialogs/x.ts',
    code: [
      "import { canViewClaims, type FlowClaim } from '../services/claims';",
      "import type { Caller } from '../services/directory/index';",
      "import type { AppServices } from '../services';",
      "import { isNotAllowed } from '../services/shared/errors';",
      "import { replyWith } from './replies';",
      "import { claimCard } from '../cards/claimDetails';",
      "import { details } from './nested/details';",
      'export const page = (deps: { services: { claims: unknown } }) => deps.services.claims;',
      'export { canViewClaims, isNotAllowed, replyWith, claimCard, details };',
      'export type { FlowClaim, Caller, AppServices };',
    ].join('\n'),
    expected: [],
  },
  // 4. dialogs import nothing from bot/, types included.
  { filePath: 'dialogs/x.ts', code: "import type { Logger } from '../bot/logger';\nexport type { Logger };", expected: ['dialogs-not-to-bot'] },
  { filePath: 'dialogs/x.ts', code: "import { CALLER_KEY } from '../bot/identity';\nexport { CALLER_KEY };", expected: ['dialogs-not-to-bot'] },
  // 2. cards: services for types only.
  { filePath: 'cards/x.ts', code: "import { formatDay } from '../services/claims';\nexport { formatDay };", expected: ['cards-no-runtime-services'] },
  { filePath: 'cards/x.ts', code: "import { type ClaimDetails, formatDay } from '../services/claims';\nexport { formatDay };\nexport type { ClaimDetails };", expected: ['cards-no-runtime-services'] },
  { filePath: 'cards/x.ts', code: "export { ROLE_LABELS } from '../services/directory';", expected: ['cards-no-runtime-services'] },
  { filePath: 'cards/x.ts', code: "export const lazy = () => import('../services/claims');", expected: ['cards-no-runtime-services'] },
  { filePath: 'cards/nested/x.ts', code: "import { DAY_MS } from '../../services/shared/clock';\nexport { DAY_MS };", expected: ['cards-no-runtime-services'] },
  {
    filePath: 'cards/x.ts',
    code: [
      "import type { ClaimDetails } from '../services/claims';",
      "import { type ClaimListRow } from '../services/claims/lists';",
      "import type { PayType } from '../services/db';",
      "import template from './claimDetails.json';",
      "import { expandCard } from './render';",
      "export type Page = import('../services/customersPage').Page;",
      'export { template, expandCard };',
      'export type { ClaimDetails, ClaimListRow, PayType };',
    ].join('\n'),
    expected: [],
  },
  // 5. cards import nothing from dialogs/ or bot/.
  { filePath: 'cards/x.ts', code: "import type { DialogDeps } from '../dialogs/dialogDeps';\nexport type { DialogDeps };", expected: ['cards-not-to-dialogs-or-bot'] },
  { filePath: 'cards/x.ts', code: "import { CALLER_KEY } from '../bot/identity';\nexport { CALLER_KEY };", expected: ['cards-not-to-dialogs-or-bot'] },
  // 3. services import nothing from the outer layers, types included.
  { filePath: 'services/claims/x.ts', code: "import type { AdaptiveCard } from '../../cards/render';\nexport type { AdaptiveCard };", expected: ['services-not-to-outer-layers'] },
  { filePath: 'services/claims/x.ts', code: "import { replyWith } from '../../dialogs/replies';\nexport { replyWith };", expected: ['services-not-to-outer-layers'] },
  { filePath: 'services/x.ts', code: "import type { Logger } from '../bot/logger';\nexport type { Logger };", expected: ['services-not-to-outer-layers'] },
  { filePath: 'services/consent/x.ts', code: "import { renderConsentForm } from '../../web/consentPage';\nexport { renderConsentForm };", expected: ['services-not-to-outer-layers'] },
  { filePath: 'services/claims/x.ts', code: "import { seedDemoData } from '../../prisma/demoData';\nexport { seedDemoData };", expected: ['services-not-to-outer-layers'] },
  { filePath: 'services/claims/x.ts', code: "const bot = require('../../bot/logger') as unknown;\nexport { bot };", expected: ['services-not-to-outer-layers'] },
  {
    filePath: 'services/claims/x.ts',
    code: [
      "import { writeAudit } from '../outbox/audit';",
      "import type { Tx } from '../db';",
      "import { DAY_MS } from '../shared/clock';",
      "import { formatDay } from './lifecycle';",
      "import { cards } from '../cards';", // a module named cards inside services/ is not cards/
      'export { writeAudit, DAY_MS, formatDay, cards };',
      'export type { Tx };',
    ].join('\n'),
    expected: [],
  },
  // 7. bot: facades, services/db (not its generated client), ports, shared.
  { filePath: 'bot/x.ts', code: "import { deliverDueMessages } from '../services/outbox/delivery';\nexport { deliverDueMessages };", expected: ['bot-only-through-facades'] },
  { filePath: 'bot/x.ts', code: "import { PrismaClient } from '../services/db/generated/client';\nexport { PrismaClient };", expected: ['bot-only-through-facades'] },
  {
    filePath: 'bot/x.ts',
    code: [
      "import { createAppServices } from '../services';",
      "import { createClaims } from '../services/claims';",
      "import { createOutbox } from '../services/outbox/index';",
      "import type { Database } from '../services/db';",
      "import { openDatabase } from '../services/db/database';",
      "import { GraphEmailSender } from '../services/ports/email';",
      "import { systemClock } from '../services/shared/clock';",
      "import { MainDialog } from '../dialogs/mainDialog';",
      "import { notificationCard } from '../cards/notification';",
      "import { renderChatPage } from '../web/chatPage';",
      'export { createAppServices, createClaims, createOutbox, openDatabase, GraphEmailSender, systemClock, MainDialog, notificationCard, renderChatPage };',
      'export type { Database };',
    ].join('\n'),
    expected: [],
  },
];

interface LintResult {
  filePath: string;
  fatal: string[];
  house: { ruleId: string; line: number; severity: number }[];
}

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs node with `args` in `cwd`; several run at once, so the suite stays well under its budget. */
function runNode(args: string[], cwd: string, input?: string): Promise<Run> {
  return new Promise((done, fail) => {
    const child = spawn(NODE, args, { cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', fail);
    child.on('close', (status) => done({ status, stdout, stderr }));
    child.stdin.end(input ?? '');
  });
}

async function lint(cases: LintCase[]): Promise<LintResult[]> {
  const run = await runNode([join(__dirname, 'eslintRunner.mjs'), ROOT], ROOT, JSON.stringify(cases.map(({ filePath, code }) => ({ filePath, code }))));
  if (run.status !== 0) throw new Error(`eslint runner failed: ${run.stderr}`);
  return JSON.parse(run.stdout) as LintResult[];
}

// ------------------------------------------------------------------------- dependency-cruiser

/** A tiny product tree: compliant files beside one deliberate violation per rule. */
const tree: Record<string, string> = {
  'package.json': '{ "private": true }\n',
  'tsconfig.json': JSON.stringify({
    compilerOptions: { module: 'nodenext', moduleResolution: 'nodenext', strict: true, isolatedModules: true, resolveJsonModule: true, skipLibCheck: true },
    include: ['bot', 'cards', 'dialogs', 'services', 'web', 'prisma'],
  }),
  // services: two modules with facades, the db module, ports and the shared kernel
  'services/index.ts': "export { createClaims } from './claims';\n",
  'services/claims/index.ts': "export { formatDay, createClaims } from './lifecycle';\nexport type { ClaimRow } from './lifecycle';\n",
  'services/claims/lifecycle.ts':
    "import { DAY_MS } from '../shared/clock';\nimport type { Tx } from '../db';\nexport interface ClaimRow { id: string; tx?: Tx }\nexport const formatDay = (d: Date) => new Date(d.getTime() + DAY_MS).toISOString();\nexport const createClaims = () => ({});\n",
  'services/directory/index.ts': "export { ROLE_LABELS } from './roles';\n",
  'services/directory/roles.ts': "export const ROLE_LABELS = { ADMIN: 'Admin' };\n",
  'services/db/index.ts': "export { PrismaClient } from './generated/client';\nexport type Tx = { id: string };\n",
  'services/db/database.ts': "import { PrismaClient } from './generated/client';\nexport const openDatabase = () => new PrismaClient();\n",
  'services/db/generated/client.ts': 'export class PrismaClient {}\n',
  'services/ports/email.ts': 'export const sendEmail = () => undefined;\n',
  'services/shared/clock.ts': 'export const DAY_MS = 86_400_000;\n',
  'services/shared/context.ts': "import type { Tx } from '../db';\nexport interface ServiceContext { tx: Tx }\n",
  // compliant outer layers
  'cards/render.ts': 'export const expandCard = (data: unknown) => ({ data });\n',
  'cards/claim.ts':
    "import type { ClaimRow } from '../services/claims';\nimport { type ClaimRow as Row } from '../services/claims/lifecycle';\nimport { expandCard } from './render';\nexport const claimCard = (c: ClaimRow, r?: Row) => expandCard({ c, r });\n",
  'dialogs/replies.ts': "import { formatDay } from '../services/claims';\nimport { DAY_MS } from '../services/shared/clock';\nexport const reply = () => formatDay(new Date(DAY_MS));\n",
  'dialogs/claimDialog.ts':
    "import type { ClaimRow } from '../services/claims/index';\nimport { createClaims } from '../services';\nimport { claimCard } from '../cards/claim';\nimport { reply } from './replies';\nexport const run = (c: ClaimRow) => [claimCard(c), reply(), createClaims()];\n",
  'web/page.ts': "export const page = () => '<html></html>';\n",
  'bot/logger.ts': 'export const log = () => undefined;\n',
  'bot/app.ts': [
    "import { createClaims } from '../services/claims';",
    "import { openDatabase } from '../services/db/database';",
    "import { sendEmail } from '../services/ports/email';",
    "import { DAY_MS } from '../services/shared/clock';",
    "import type { ServiceContext } from '../services/shared/context';",
    "import { run } from '../dialogs/claimDialog';",
    "import { page } from '../web/page';",
    "import { log } from './logger';",
    'export const start = (c?: ServiceContext) => [createClaims(), openDatabase(), sendEmail(), DAY_MS, run, page(), log(), c];',
  ].join('\n'),
  'prisma/seed.ts': "import { openDatabase } from '../services/db/database';\nexport const seed = () => openDatabase();\n",
  // the deliberate violations, one file (or one pair) each
  'dialogs/v-db.ts': "import { PrismaClient } from '../services/db';\nexport const db = new PrismaClient();\n",
  'dialogs/v-dbTypes.ts': "import type { Tx } from '../services/db';\nexport type T = Tx;\n",
  'dialogs/v-generated.ts': "import { PrismaClient } from '../services/db/generated/client';\nexport const db = new PrismaClient();\n",
  'dialogs/v-prisma.ts': "import { PrismaClient } from '@prisma/client';\nexport const db = PrismaClient;\n",
  'dialogs/v-internals.ts': "import { ROLE_LABELS } from '../services/directory/roles';\nexport const labels = ROLE_LABELS;\n",
  'dialogs/v-context.ts': "import type { ServiceContext } from '../services/shared/context';\nexport type C = ServiceContext;\n",
  'dialogs/v-bot.ts': "import type { log } from '../bot/logger';\nexport type L = typeof log;\n",
  'cards/v-runtime.ts': "import { formatDay } from '../services/claims';\nexport const day = formatDay;\n",
  'cards/v-dialog.ts': "import { reply } from '../dialogs/replies';\nexport const r = reply;\n",
  'cards/v-bot.ts': "import type { log } from '../bot/logger';\nexport type L = typeof log;\n",
  'services/claims/v-cards.ts': "import type { expandCard } from '../../cards/render';\nexport type E = typeof expandCard;\n",
  'services/claims/v-dialogs.ts': "import { reply } from '../../dialogs/replies';\nexport const r = reply;\n",
  'services/claims/v-bot.ts': "import { log } from '../../bot/logger';\nexport const l = log;\n",
  'services/claims/v-web.ts': "import { page } from '../../web/page';\nexport const p = page;\n",
  'services/claims/v-prisma.ts': "import { seed } from '../../prisma/seed';\nexport const s = seed;\n",
  'bot/v-internals.ts': "import { formatDay } from '../services/claims/lifecycle';\nexport const day = formatDay;\n",
  'bot/v-generated.ts': "import { PrismaClient } from '../services/db/generated/client';\nexport const db = PrismaClient;\n",
  'web/v-circleA.ts': "import { b } from './v-circleB';\nexport const a = () => b;\n",
  'web/v-circleB.ts': "import { a } from './v-circleA';\nexport const b = () => a;\n",
  'web/v-typeCircleA.ts': "import type { B } from './v-typeCircleB';\nexport interface A { b?: B }\n",
  'web/v-typeCircleB.ts': "import type { A } from './v-typeCircleA';\nexport interface B { a?: A }\n",
  'prisma/v-unresolved.ts': "import { nothing } from './does-not-exist';\nexport const n = nothing as unknown;\n",
};

/** The dependency violations the tree must produce, exactly (circles are checked apart). */
const expectedDependencyViolations = [
  ['dialogs-no-database', 'dialogs/v-db.ts', 'services/db/index.ts'],
  ['dialogs-no-database', 'dialogs/v-dbTypes.ts', 'services/db/index.ts'],
  ['dialogs-no-database', 'dialogs/v-generated.ts', 'services/db/generated/client.ts'],
  ['dialogs-no-database', 'dialogs/v-prisma.ts', 'npm:@prisma/client'],
  ['dialogs-only-through-facades', 'dialogs/v-internals.ts', 'services/directory/roles.ts'],
  ['dialogs-only-through-facades', 'dialogs/v-context.ts', 'services/shared/context.ts'],
  ['dialogs-not-to-bot', 'dialogs/v-bot.ts', 'bot/logger.ts'],
  ['cards-no-runtime-services', 'cards/v-runtime.ts', 'services/claims/index.ts'],
  ['cards-not-to-dialogs-or-bot', 'cards/v-dialog.ts', 'dialogs/replies.ts'],
  ['cards-not-to-dialogs-or-bot', 'cards/v-bot.ts', 'bot/logger.ts'],
  ['services-not-to-outer-layers', 'services/claims/v-cards.ts', 'cards/render.ts'],
  ['services-not-to-outer-layers', 'services/claims/v-dialogs.ts', 'dialogs/replies.ts'],
  ['services-not-to-outer-layers', 'services/claims/v-bot.ts', 'bot/logger.ts'],
  ['services-not-to-outer-layers', 'services/claims/v-web.ts', 'web/page.ts'],
  ['services-not-to-outer-layers', 'services/claims/v-prisma.ts', 'prisma/seed.ts'],
  ['bot-only-through-facades', 'bot/v-internals.ts', 'services/claims/lifecycle.ts'],
  ['bot-only-through-facades', 'bot/v-generated.ts', 'services/db/generated/client.ts'],
  ['not-to-unresolvable', 'prisma/v-unresolved.ts', './does-not-exist'],
].map(([rule, from, to]) => `${rule}: ${from} -> ${to}`);

interface Violation {
  from: string;
  to: string;
  rule: { name: string; severity: string };
  cycle?: { name: string }[];
}

interface CruiseResult {
  summary: { violations: Violation[]; error: number; totalCruised: number };
}

/** An npm package as dependency-cruiser resolves it (through the symlinked node_modules), by its name. */
const packageName = (path: string) => path.replace(/^(.*\/)?node_modules\/((@[^/]+\/)?[^/]+)\/.*$/, 'npm:$2');

/**
 * Writes the tree to a temporary folder and runs depcruise there as `npm run lint:layers` does
 * (same folders, the project's config, its default `err` output, whose exit code is what fails
 * `npm run lint`), and, when asked, once more for the violations as JSON.
 */
async function cruise(files: Record<string, string>, withJson: boolean): Promise<{ result?: CruiseResult; status: number | null; text: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'layers-'));
  try {
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), text);
    }
    // the project's own packages, so '@prisma/client' resolves as it does in the repo
    symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
    const depcruise = (...extra: string[]) =>
      runNode([join(ROOT, 'node_modules/dependency-cruiser/bin/dependency-cruise.mjs'), ...PRODUCT_FOLDERS, '--config', join(ROOT, '.dependency-cruiser.cjs'), ...extra], dir);
    const [err, json] = await Promise.all([depcruise(), withJson ? depcruise('--output-type', 'json') : undefined]);
    if (json && !json.stdout) throw new Error(`depcruise printed nothing: ${json.stderr}`);
    return { result: json ? (JSON.parse(json.stdout) as CruiseResult) : undefined, status: err.status, text: err.stdout + err.stderr };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The compliant part of the tree: every file but the deliberate violations. */
const compliantTree = Object.fromEntries(Object.entries(tree).filter(([path]) => !/\/v-/.test(path)));

// All child processes start at once, before the first test.
// (A generous hook timeout: on a busy machine four node processes take a while; alone, seconds.)
let runs: Promise<[LintResult[], Awaited<ReturnType<typeof cruise>>, Awaited<ReturnType<typeof cruise>>]>;
beforeAll(() => {
  runs = Promise.all([lint(lintCases), cruise(tree, true), cruise(compliantTree, false)]);
  return runs;
}, 120_000);

// ------------------------------------------------------------------------------------- tests

describe('the house plan, enforced by npm run lint', () => {
  it('npm run lint runs both checks, depcruise over every product folder', () => {
    const { scripts } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    expect(scripts.lint).toMatch(/\bnpm run lint:layers\b/);
    expect(scripts.lint).toMatch(/\beslint \./);
    expect(scripts['lint:layers']).toBe(`depcruise ${PRODUCT_FOLDERS.join(' ')} --config .dependency-cruiser.cjs`);
  });

  describe('eslint (eslint.config.mjs): per file, as the editor shows it', () => {
    let results: LintResult[];
    beforeAll(async () => {
      [results] = await runs;
    });

    it.each(lintCases.map((c, i) => [i, c.filePath, c.expected.join(', ') || 'nothing', c.code.split('\n')[0]] as const))(
      'case %i (%s) reports %s: %s',
      (i) => {
        const result = results[i]!;
        expect(result.fatal).toEqual([]);
        const reported = [...new Set(result.house.map((m) => m.ruleId.replace(/^house\//, '').replace(/-syntax$/, '')))].sort();
        expect(reported).toEqual([...lintCases[i]!.expected].sort());
      },
    );

    it('proves every eslint house rule against at least one violation', () => {
      const proven = new Set(lintCases.flatMap((c) => c.expected));
      const all: RuleName[] = [
        'dialogs-no-database',
        'dialogs-only-through-facades',
        'dialogs-not-to-bot',
        'cards-no-runtime-services',
        'cards-not-to-dialogs-or-bot',
        'services-not-to-outer-layers',
        'bot-only-through-facades',
      ];
      expect([...proven].sort()).toEqual([...all].sort());
    });
  });

  describe('dependency-cruiser (.dependency-cruiser.cjs): resolved paths and circles', () => {
    let violations: Violation[];
    let status: number | null;
    let text: string;
    beforeAll(async () => {
      const run = (await runs)[1];
      ({ status, text } = run);
      violations = run.result!.summary.violations;
    });

    it('reports each deliberate layer violation, and nothing in the compliant files', () => {
      const reported = violations
        .filter((v) => !v.cycle)
        .map((v) => `${v.rule.name}: ${v.from} -> ${packageName(v.to)}`)
        .sort();
      expect(reported).toEqual([...expectedDependencyViolations].sort());
    });

    it('reports an import circle, type-only or not, and only the circles there are', () => {
      const circles = violations.filter((v) => v.cycle);
      const inCircle = (v: Violation) => [v.from, ...v.cycle!.map((m) => m.name)];
      const all = circles.filter((v) => v.rule.name === 'no-circular');
      expect(all.some((v) => inCircle(v).includes('web/v-circleA.ts') && inCircle(v).includes('web/v-circleB.ts'))).toBe(true);
      expect(all.some((v) => inCircle(v).includes('web/v-typeCircleA.ts') && inCircle(v).includes('web/v-typeCircleB.ts'))).toBe(true);
      expect(circles.flatMap(inCircle).every((name) => name.startsWith('web/v-'))).toBe(true);
    });


    it('fails the run (non-zero exit) on any rule in force', () => {
      const errors = violations.filter((v) => v.rule.severity === 'error');
      expect(errors.length).toBeGreaterThan(0);
      expect(status).toBe(errors.length);
      expect(text).toContain(`${errors.length} errors`);
    });

    it('passes a compliant tree', async () => {
      const { status: compliantStatus, text: compliantText } = (await runs)[2];
      expect(compliantStatus).toBe(0);
      const cruised = /no dependency violations found \((\d+) modules/.exec(compliantText);
      expect(Number(cruised?.[1])).toBeGreaterThan(15);
      expect(compliantText).toContain('no dependency violations found');
    });
  });
});
