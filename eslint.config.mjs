import { createRequire } from 'node:module';
import js from '@eslint/js';
import { builtinRules } from 'eslint/use-at-your-own-risk';
import tseslint from 'typescript-eslint';

// ---------------------------------------------------------------------------------------------
// The house plan (DESIGN.md), per file, for the editor. dependency-cruiser (.dependency-cruiser.cjs)
// checks the same rules on resolved paths, plus circles; this file takes each rule's severity from
// there, so the two never disagree.
// Each rule is two eslint rules: `house/<name>` (import/export declarations, through
// @typescript-eslint/no-restricted-imports) and `house/<name>-syntax` (import(), import('…').T,
// require() and, for dialogs, the database handle itself, through no-restricted-syntax).
// ---------------------------------------------------------------------------------------------

const require = createRequire(import.meta.url);
const { forbidden } = require('./.dependency-cruiser.cjs');

function severityOf(name) {
  const rule = forbidden.find((candidate) => candidate.name === name);
  if (!rule) throw new Error(`eslint.config.mjs: no rule '${name}' in .dependency-cruiser.cjs`);
  return rule.severity === 'error' ? 'error' : 'warn';
}

/** Import specifiers are matched as written; relative ones reach the repo root after `depth` `../`. */
const DEPTHS = [1, 2, 3];
const rootPrefix = (depth) => `^(\\./)?(\\.\\./){${depth}}`;

/**
 * Each rule: the folder it binds, what it forbids (a regex over the specifier, given the prefix
 * that reaches the repo root from a file at that depth), whether `import type` is allowed, and
 * the message. Package names (no prefix) are matched as they are.
 */
const HOUSE_RULES = [
  {
    name: 'dialogs-no-database',
    folder: 'dialogs',
    forbid: (root) => `${root}(services/db|prisma)(/|$)|^(@prisma/|\\.prisma/|prisma$|prisma/|pg$|@electric-sql/pglite|pglite-prisma-adapter)`,
    message: 'A dialog never touches the database (services/db, Prisma, prisma/), types included: call a facade; the module facade re-exports any type a dialog needs.',
    // ...nor a handle it was given: `deps.db`, `this.deps.db`, `….prisma` (issue 13: `grep -rn prisma dialogs/` finds nothing).
    syntax: ['MemberExpression[property.name="prisma"]', 'MemberExpression[property.name="db"][object.name="deps"]', 'MemberExpression[property.name="db"][object.property.name="deps"]'],
  },
  {
    name: 'dialogs-only-through-facades',
    folder: 'dialogs',
    // services/<module> or services/<module>/index, the shared kernel but its context; db has its own rule.
    forbid: (root) => `${root}services/(?!([^/]+(/index)?|shared/(?!context$)[^/]+|db/.*)$)`,
    message: "A dialog reaches services/ only through a facade: '../services/claims', not '../services/claims/lists' (or services/index, services/shared/*).",
  },
  {
    name: 'dialogs-not-to-bot',
    folder: 'dialogs',
    forbid: (root) => `${root}bot(/|$)`,
    message: 'dialogs/ imports nothing from bot/ (the composition root hands dialogs what they need).',
  },
  {
    name: 'cards-no-runtime-services',
    folder: 'cards',
    forbid: (root) => `${root}services(/|$)`,
    allowTypeImports: true,
    message: 'A card imports services/ for types only (`import type`): plain data in, card out; formatting lives in cards/.',
  },
  {
    name: 'cards-not-to-dialogs-or-bot',
    folder: 'cards',
    forbid: (root) => `${root}(dialogs|bot)(/|$)`,
    message: 'cards/ imports nothing from dialogs/ or bot/.',
  },
  {
    name: 'services-not-to-outer-layers',
    folder: 'services',
    forbid: (root) => `${root}(bot|dialogs|cards|web|prisma)(/|$)`,
    message: 'services/ imports nothing from bot/, dialogs/, cards/, web/ or prisma/, types included.',
  },
  {
    name: 'bot-only-through-facades',
    folder: 'bot',
    // services, services/<module>[/index], services/db/* but its generated client, services/ports/*, services/shared/*.
    forbid: (root) => `${root}services/(?!([^/]+(/index)?|db/(?!generated(/|$)).+|ports/.+|shared/.+)$)`,
    message: 'bot/ uses services through module facades (services/<module>), services/db (not its generated client), services/ports/* and services/shared/*.',
  },
];

/** `/` written as \x2F, so the regex can sit inside an esquery selector. */
const inSelector = (regex) => `/${regex.replaceAll('/', '\\x2F')}/`;

const house = { rules: {} };
const houseConfigs = [];
for (const rule of HOUSE_RULES) {
  house.rules[rule.name] = tseslint.plugin.rules['no-restricted-imports'];
  house.rules[`${rule.name}-syntax`] = builtinRules.get('no-restricted-syntax');
  const severity = severityOf(rule.name);
  for (const depth of DEPTHS) {
    const regex = rule.forbid(rootPrefix(depth));
    const selector = inSelector(regex);
    const message = `${rule.message} [${rule.name}]`;
    const syntax = [
      { selector: `ImportExpression[source.value=${selector}]`, message },
      { selector: `CallExpression[callee.name="require"][arguments.0.value=${selector}]`, message },
      ...(rule.allowTypeImports ? [] : [{ selector: `TSImportType[argument.literal.value=${selector}]`, message }]),
      ...(rule.syntax ?? []).map((extra) => ({ selector: extra, message })),
    ];
    houseConfigs.push({
      files: [`${rule.folder}/${'*/'.repeat(depth - 1)}*.ts`],
      rules: {
        [`house/${rule.name}`]: [severity, { patterns: [{ regex, caseSensitive: true, allowTypeImports: rule.allowTypeImports ?? false, message }] }],
        [`house/${rule.name}-syntax`]: [severity, ...syntax],
      },
    });
  }
}

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'data/', 'services/db/generated/', 'coverage/'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  { files: ['**/*.js', '**/*.mjs', '**/*.cjs'], ...tseslint.configs.disableTypeChecked },
  { files: ['**/*.js', '**/*.cjs'], languageOptions: { sourceType: 'commonjs' } },
  { plugins: { house } },
  ...houseConfigs,
);
