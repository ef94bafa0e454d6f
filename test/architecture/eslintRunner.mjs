// Lints source texts as if they lived at the given paths, with the project's own eslint.config.mjs,
// and prints what every house/* rule said about each. Run by layers.test.ts in a child process, so
// eslint loads its ESM config with Node's own loader, not inside jest.
// stdin: [{ filePath, code }]; stdout: [{ filePath, fatal: string[], house: [{ ruleId, line, severity }] }]
import { readFileSync } from 'node:fs';
import process from 'node:process';
import { ESLint } from 'eslint';
import tseslint from 'typescript-eslint';

const root = process.argv[2];
const cases = JSON.parse(readFileSync(0, 'utf8'));
// The fixtures are not on disk and not in a TypeScript program: the type-aware rules are off,
// the import rules under test need no types.
const eslint = new ESLint({ cwd: root, overrideConfig: [{ files: ['**/*.ts'], ...tseslint.configs.disableTypeChecked }] });
const out = [];
for (const { filePath, code } of cases) {
  const [result] = await eslint.lintText(code, { filePath: `${root}/${filePath}` });
  out.push({
    filePath,
    fatal: result.messages.filter((m) => m.fatal).map((m) => m.message),
    house: result.messages
      .filter((m) => m.ruleId?.startsWith('house/'))
      .map((m) => ({ ruleId: m.ruleId, line: m.line, severity: m.severity })),
  });
}
process.stdout.write(JSON.stringify(out));
