import { createWriteStream, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { ZipFile } from 'yazl';
import { z } from 'zod';
import { FLOW_VERBS } from '../dialogs/commands';
import { availableCommands } from '../dialogs/helpCard';
import packageJson from '../package.json';

/**
 * `npm run package`: the Teams app package (appPackage/build/appPackage.zip) for the bot registered
 * as MicrosoftAppId. The manifest comes from appPackage/manifest.template.json with the app id, the
 * version and PUBLIC_BASE_URL's host filled in, and its command menu built from the commands the
 * welcome card lists (dialogs/helpCard.ts), titles and descriptions alike, so the two never drift apart.
 */

export const APP_PACKAGE_DIR = path.join(__dirname, '..', 'appPackage');
export const TEMPLATE_PATH = path.join(APP_PACKAGE_DIR, 'manifest.template.json');
export const ICON_FILES = ['color.png', 'outline.png'] as const;
export const DEFAULT_ZIP_PATH = path.join(APP_PACKAGE_DIR, 'build', 'appPackage.zip');

/**
 * Teams' limits on a bot command menu: the manifest reference gives a title of at most 32 characters
 * and a description of at most 128 (what the menu shows), and schema 1.30 allows 12 commands a list.
 */
export const COMMAND_LIMITS = { commands: 12, title: 32, description: 128 } as const;

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const blankToUndefined = (value: unknown): unknown => (typeof value === 'string' && value.trim() === '' ? undefined : value);

const SettingsSchema = z.object({
  MicrosoftAppId: z.preprocess(
    blankToUndefined,
    z
      .string({ error: "required: the Azure Bot's Microsoft App ID (a GUID); it becomes the bot id and the Teams app id" })
      .regex(GUID, "expected the Azure Bot's Microsoft App ID, a GUID"),
  ),
  PUBLIC_BASE_URL: z.preprocess(
    blankToUndefined,
    z.url({ protocol: /^https?$/, error: "required: the bot's public address, such as https://bot.example.com (its host goes into validDomains)" }),
  ),
});

export interface PackageSettings {
  appId: string;
  publicBaseUrl: string;
}

/** Missing or bad packaging settings: one line per setting, naming it and what is expected. */
export class PackageSettingsError extends Error {
  constructor(readonly problems: string[]) {
    super(`Cannot build the Teams app package:\n${problems.join('\n')}`);
    this.name = 'PackageSettingsError';
  }
}

/** The settings packaging needs, from the same environment variables the bot reads at start-up. */
export function packageSettings(env: NodeJS.ProcessEnv = process.env): PackageSettings {
  const parsed = SettingsSchema.safeParse(env);
  if (!parsed.success) {
    throw new PackageSettingsError(parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`));
  }
  return { appId: parsed.data.MicrosoftAppId.toLowerCase(), publicBaseUrl: parsed.data.PUBLIC_BASE_URL };
}

export interface BotCommand {
  title: string;
  description: string;
}

/**
 * The welcome card's commands that make the command menu, in menu order. Teams' menu holds fewer
 * than the bot has, so the Incentives admins' tools (summary, cancel claim) and `cancel` (every
 * flow card has a Cancel button) are left to the welcome card.
 */
export const MENU_COMMANDS = [
  'help',
  'engagements',
  'customers <engagement>',
  'add customer',
  'claim customer',
  'send consent <claim id>',
  'resend consent <claim id>',
  'submit claim <claim id>',
  'status <claim id>',
  'my claims',
  'claims',
  'expiring',
] as const;

/**
 * A welcome-card description shortened to what the menu shows: whole clauses (up to the last "; "
 * or ". " that fits), else whole words and an ellipsis.
 */
export function menuDescription(text: string): string {
  if (text.length <= COMMAND_LIMITS.description) return text;
  const head = text.slice(0, COMMAND_LIMITS.description);
  const clause = Math.max(head.lastIndexOf('; '), head.lastIndexOf('. '));
  if (clause > 0) return `${head.slice(0, clause)}.`;
  return `${head.slice(0, head.lastIndexOf(' ', COMMAND_LIMITS.description - 1))}…`;
}

/**
 * The command menu: each MENU_COMMANDS entry with its description from the welcome card and its
 * `<placeholder>` dropped from the title (Teams types the title into the compose box; the bot then
 * asks for what is missing).
 */
export function botCommands(): BotCommand[] {
  const welcome = new Map(availableCommands(new Set(FLOW_VERBS)).map((command) => [command.command, command.description]));
  const problems: string[] = [];
  const commands = MENU_COMMANDS.map((command) => {
    const description = welcome.get(command);
    if (description === undefined) problems.push(`command "${command}" is not on the welcome card`);
    return { title: command.replace(/\s*<[^>]*>/g, '').trim(), description: menuDescription(description ?? '') };
  });
  for (const command of commands) {
    if (command.title.length > COMMAND_LIMITS.title) problems.push(`command "${command.title}": title longer than ${COMMAND_LIMITS.title} characters`);
    if (command.description.length > COMMAND_LIMITS.description) problems.push(`command "${command.title}": description longer than ${COMMAND_LIMITS.description} characters`);
  }
  if (commands.length > COMMAND_LIMITS.commands) problems.push(`${commands.length} commands; a Teams command menu holds at most ${COMMAND_LIMITS.commands}`);
  if (problems.length > 0) throw new Error(`The command menu does not match the welcome card's commands (dialogs/helpCard.ts):\n${problems.join('\n')}`);
  return commands;
}

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

function fillPlaceholders(value: Json, values: Record<string, string>): Json {
  if (typeof value === 'string') {
    return value.replace(/\$\{\{(\w+)\}\}/g, (whole, name: string) => {
      const filled = values[name];
      if (filled === undefined) throw new Error(`${TEMPLATE_PATH}: unknown placeholder ${whole}`);
      return filled;
    });
  }
  if (Array.isArray(value)) return value.map((item) => fillPlaceholders(item, values));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, fillPlaceholders(item, values)]));
  return value;
}

/** The manifest for these settings: the template filled in, with the generated command menu. */
export function buildManifest(settings: PackageSettings): Record<string, Json> {
  const template = JSON.parse(readFileSync(TEMPLATE_PATH, 'utf8')) as Record<string, Json>;
  const manifest = fillPlaceholders(template, {
    MicrosoftAppId: settings.appId,
    APP_VERSION: packageJson.version,
    PUBLIC_HOSTNAME: new URL(settings.publicBaseUrl).hostname,
  }) as Record<string, Json>;
  const bots = manifest.bots as { [key: string]: Json }[];
  for (const bot of bots) {
    bot.commandLists = [{ scopes: bot.scopes ?? [], commands: botCommands() as unknown as Json[] }];
  }
  return manifest;
}

/** Writes the zip Teams installs: exactly manifest.json and the two icons, at the top level. */
export async function writeAppPackage(settings: PackageSettings, zipPath: string = DEFAULT_ZIP_PATH): Promise<Record<string, Json>> {
  const manifest = buildManifest(settings);
  mkdirSync(path.dirname(zipPath), { recursive: true });
  const zip = new ZipFile();
  // A fixed time keeps the zip byte-for-byte the same for the same settings.
  const mtime = new Date('2026-01-01T00:00:00Z');
  zip.addBuffer(Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`), 'manifest.json', { mtime });
  for (const icon of ICON_FILES) zip.addBuffer(readFileSync(path.join(APP_PACKAGE_DIR, icon)), icon, { mtime });
  await new Promise<void>((resolve, reject) => {
    const out = createWriteStream(zipPath);
    out.on('close', resolve);
    out.on('error', reject);
    zip.outputStream.on('error', reject);
    zip.outputStream.pipe(out);
    zip.end();
  });
  return manifest;
}

async function main(): Promise<void> {
  try {
    const settings = packageSettings();
    await writeAppPackage(settings);
    console.log(`Wrote ${path.relative(process.cwd(), DEFAULT_ZIP_PATH)} for bot ${settings.appId} (${new URL(settings.publicBaseUrl).hostname}).`);
    console.log('Upload it in Teams (Apps > Manage your apps > Upload an app), the Teams admin center or the Developer Portal.');
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    process.exitCode = 1;
  }
}

if (require.main === module) void main();
