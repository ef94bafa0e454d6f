import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { AppManifestUtils } from '@microsoft/app-manifest';
import { FLOW_VERBS, routeMessage } from '../../dialogs/commands';
import { SEARCH_COMMAND_ID, SEARCH_PARAMETER } from '../../dialogs/messageExtension';
import { availableCommands } from '../../dialogs/helpCard';
import { buildManifest, COMMAND_LIMITS, MENU_COMMANDS, menuDescription, packageSettings, PackageSettingsError, writeAppPackage } from '../../scripts/package-app';
import { decodePng, zipEntries } from './archive';

// @microsoft/app-manifest requires strip-bom 5, an ES module Jest's CommonJS runtime cannot load;
// the validation used here never calls it, so a CommonJS stand-in with the same behaviour takes its place.
jest.mock('../../node_modules/@microsoft/app-manifest/node_modules/strip-bom/index.js', () => ({
  __esModule: true,
  default: (text: string) => text.replace(/^\uFEFF/, ''),
}));

type AppManifest = Parameters<typeof AppManifestUtils.validateAgainstSchema>[0];
type ManifestSchema = NonNullable<Parameters<typeof AppManifestUtils.validateAgainstSchema>[1]>;

const APP_ID = '6f1c2d3e-4b5a-4c7d-8e9f-0a1b2c3d4e5f';
const SETTINGS = { appId: APP_ID, publicBaseUrl: 'https://mci-bot.contoso.example:8443/base' };
const SCHEMAS_DIR = path.join(path.dirname(require.resolve('@microsoft/app-manifest/package.json')), 'build', 'json-schemas', 'teams');

/** The newest released (not preview) Teams manifest schema bundled in @microsoft/app-manifest. */
function newestBundledVersion(): string {
  const versions = readdirSync(SCHEMAS_DIR)
    .map((name) => /^v(\d+)\.(\d+)$/.exec(name))
    .flatMap((match) => (match ? [[Number(match[1]), Number(match[2])] as const] : []))
    .sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const newest = versions.at(-1);
  if (!newest) throw new Error(`no Teams manifest schemas under ${SCHEMAS_DIR}`);
  return `${newest[0]}.${newest[1]}`;
}

interface Manifest {
  manifestVersion: string;
  id: string;
  icons: { color: string; outline: string };
  validDomains: string[];
  bots: { botId: string; scopes: string[]; commandLists: { scopes: string[]; commands: { title: string; description: string }[] }[] }[];
  composeExtensions: {
    botId: string;
    commands: { id: string; type: string; initialRun: boolean; parameters: { name: string }[] }[];
    messageHandlers: { type: string; value: { domains: string[] } }[];
  }[];
}

describe('Teams app package', () => {
  let dir: string;
  let entries: Map<string, Buffer>;
  let manifest: Manifest;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'app-package-'));
    const zipPath = path.join(dir, 'appPackage.zip');
    await writeAppPackage(SETTINGS, zipPath);
    entries = zipEntries(readFileSync(zipPath));
    manifest = JSON.parse(entries.get('manifest.json')?.toString('utf8') ?? '{}') as Manifest;
  });

  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('holds exactly manifest.json and the two icons, at the top level', () => {
    expect([...entries.keys()].sort()).toEqual(['color.png', 'manifest.json', 'outline.png']);
    expect(manifest.icons).toEqual({ color: 'color.png', outline: 'outline.png' });
  });

  it("is valid against the newest Teams manifest schema bundled in @microsoft/app-manifest, offline", async () => {
    const fetchSpy = jest.spyOn(globalThis, 'fetch').mockRejectedValue(new Error('no network in this test'));
    try {
      expect(manifest.manifestVersion).toBe(newestBundledVersion());
      // Without a schema argument the library resolves $schema to its bundled copy; fetch is blocked to prove it stays offline.
      expect(await AppManifestUtils.validateAgainstSchema(manifest as unknown as AppManifest)).toEqual([]);
      const bundled = JSON.parse(readFileSync(path.join(SCHEMAS_DIR, `v${manifest.manifestVersion}`, 'MicrosoftTeams.schema.json'), 'utf8')) as ManifestSchema;
      expect(await AppManifestUtils.validateAgainstSchema(manifest as unknown as AppManifest, bundled)).toEqual([]);
      const broken = { ...manifest, id: 'not-a-guid', bots: [{ ...manifest.bots[0], scopes: ['everywhere'] }] };
      expect((await AppManifestUtils.validateAgainstSchema(broken as unknown as AppManifest, bundled)).length).toBeGreaterThan(0);
      expect(fetchSpy).not.toHaveBeenCalled();
    } finally {
      fetchSpy.mockRestore();
    }
  });

  it('carries the bot id from configuration as app id and bot id, and the public host as valid domain', () => {
    expect(manifest.id).toBe(APP_ID);
    expect(manifest.bots.map((bot) => bot.botId)).toEqual([APP_ID]);
    expect(manifest.validDomains).toEqual(['mci-bot.contoso.example']);
    expect(JSON.stringify(manifest)).not.toContain('${{');
  });

  it("declares the message extension the bot answers: the claim search command and the unfurling of the bot host's links", () => {
    expect(manifest.composeExtensions).toHaveLength(1);
    const [extension] = manifest.composeExtensions;
    expect(extension?.botId).toBe(APP_ID);
    expect(extension?.commands.map((command) => ({ id: command.id, type: command.type, initialRun: command.initialRun, parameters: command.parameters.map((p) => p.name) }))).toEqual([
      { id: SEARCH_COMMAND_ID, type: 'query', initialRun: true, parameters: [SEARCH_PARAMETER] },
    ]);
    expect(extension?.messageHandlers).toEqual([{ type: 'link', value: { domains: ['mci-bot.contoso.example'] } }]);
  });

  it('offers the bot in personal chats, teams and group chats', () => {
    expect(manifest.bots[0]?.scopes).toEqual(['personal', 'team', 'groupChat']);
  });

  it("lists the welcome card's commands in the command menu, within Teams' limits, each one a command the bot routes", () => {
    const commandLists = manifest.bots[0]?.commandLists ?? [];
    expect(commandLists.map((list) => list.scopes)).toEqual([['personal', 'team', 'groupChat']]);
    const commands = commandLists[0]?.commands ?? [];
    const welcome = availableCommands(new Set(FLOW_VERBS));
    expect(commands.map((command) => command.title)).toEqual(MENU_COMMANDS.map((command) => command.replace(/\s*<[^>]*>/g, '')));
    expect(commands.map((command) => command.description)).toEqual(MENU_COMMANDS.map((command) => menuDescription(welcome.find((c) => c.command === command)?.description ?? '')));
    expect(commands.length).toBeLessThanOrEqual(COMMAND_LIMITS.commands);
    for (const command of commands) {
      expect(command.title.length).toBeLessThanOrEqual(COMMAND_LIMITS.title);
      expect(command.description.length).toBeLessThanOrEqual(COMMAND_LIMITS.description);
      // Picking a command in Teams types its title: it must reach a command, not the "unknown" answer.
      expect({ title: command.title, route: routeMessage(command.title, undefined).kind }).not.toEqual({ title: command.title, route: 'unknown' });
    }
    expect(commands.map((command) => routeMessage(command.title, undefined).kind)).toEqual(
      expect.arrayContaining(['help', 'engagements', 'customers', 'flow', 'status', 'myClaims', 'expiring']),
    );
  });

  it('shortens a long welcome-card description to whole clauses, or whole words, for the menu', () => {
    expect(menuDescription('Short enough.')).toBe('Short enough.');
    const clauses = `${'a'.repeat(70)}; ${'b'.repeat(70)}.`;
    expect(menuDescription(clauses)).toBe(`${'a'.repeat(70)}.`);
    const words = `${'word '.repeat(40)}end`;
    const shortened = menuDescription(words);
    expect(shortened.length).toBeLessThanOrEqual(COMMAND_LIMITS.description);
    expect(shortened).toMatch(/^(word )*word…$/);
  });

  it('has a 192×192 colour icon and a 32×32 outline icon that is white on transparent', () => {
    const color = decodePng(entries.get('color.png') ?? Buffer.alloc(0));
    expect([color.width, color.height]).toEqual([192, 192]);
    const outline = decodePng(entries.get('outline.png') ?? Buffer.alloc(0));
    expect([outline.width, outline.height, outline.bitDepth, outline.colorType]).toEqual([32, 32, 8, 6]);
    const pixels = outline.rgba ?? Buffer.alloc(0);
    let drawn = 0;
    for (let i = 0; i < pixels.length; i += 4) {
      const [r, g, b, a] = [pixels[i], pixels[i + 1], pixels[i + 2], pixels[i + 3]];
      if (a === 0) continue;
      drawn += 1;
      expect({ pixel: i / 4, r, g, b }).toEqual({ pixel: i / 4, r: 255, g: 255, b: 255 });
    }
    expect(drawn).toBeGreaterThan(50);
    expect(drawn).toBeLessThan(32 * 32);
  });

  it('refuses to package without the bot id or the public address, naming each missing setting', () => {
    expect(() => packageSettings({})).toThrow(PackageSettingsError);
    const problems = (() => {
      try {
        packageSettings({ MicrosoftAppId: 'my-bot', PUBLIC_BASE_URL: '' });
        return null;
      } catch (error) {
        return error instanceof PackageSettingsError ? error.problems : error;
      }
    })();
    expect(problems).toEqual([
      "MicrosoftAppId: expected the Azure Bot's Microsoft App ID, a GUID",
      "PUBLIC_BASE_URL: required: the bot's public address, such as https://bot.example.com (its host goes into validDomains)",
    ]);
    expect(packageSettings({ MicrosoftAppId: APP_ID.toUpperCase(), PUBLIC_BASE_URL: 'https://bot.example.com' })).toEqual({ appId: APP_ID, publicBaseUrl: 'https://bot.example.com' });
    expect(buildManifest(packageSettings({ MicrosoftAppId: APP_ID, PUBLIC_BASE_URL: 'https://bot.example.com' })).validDomains).toEqual(['bot.example.com']);
  });

  it('npm run package exits with status 1 and a clear message when MicrosoftAppId is not set', async () => {
    const env = { ...process.env, MicrosoftAppId: '', PUBLIC_BASE_URL: 'https://bot.example.com' };
    const run = promisify(execFile)(process.execPath, ['--import', 'tsx', path.join(__dirname, '..', '..', 'scripts', 'package-app.ts')], { env });
    await expect(run).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringContaining("MicrosoftAppId: required: the Azure Bot's Microsoft App ID (a GUID)") as unknown,
    });
  });
});
