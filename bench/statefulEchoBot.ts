import restify, { type Request, type Response } from 'restify';
import { ActivityHandler, CloudAdapter, ConfigurationBotFrameworkAuthentication, ConversationState, UserState } from 'botbuilder';
import { ConversationStateStore } from '../bot/conversationStateStore';
import { PrismaStorage } from '../bot/prismaStorage';
import { openDatabase, type DatabaseTarget } from '../services/db/database';
import { applyMigrations } from '../services/db/migrations';

/**
 * The second baseline of the turn benchmark: the echo bot (bench/echoBot.ts) plus what the
 * framework's own state handling costs on the bot's database: ConversationState and UserState
 * through the project's Storage classes (ConversationStateStore and PrismaStorage, as MciBot wires
 * them), one property of each read every turn and saved after it. The values only change on a
 * conversation's first turn, so a steady turn reads both states and writes nothing, as a bot turn
 * that changes nothing should. DATABASE_URL names the (migrated) database; without it, DATA_DIR
 * holds an embedded cluster started and migrated as `npm start` does. PORT is the port on 127.0.0.1.
 */
async function main(): Promise<void> {
  const { DATABASE_URL: url, DATA_DIR: dataDir } = process.env;
  const target: DatabaseTarget | null = url
    ? { kind: 'postgres', url, poolSize: 10 }
    : dataDir ? { kind: 'embedded', dataDir, poolSize: 10, purpose: 'the stateful echo bot (npm run bench)' } : null;
  if (!target) throw new Error('DATABASE_URL or DATA_DIR is required');
  const db = await openDatabase(target);
  if (target.kind === 'embedded') await applyMigrations(db.sql);
  const conversationState = new ConversationState(new ConversationStateStore(db));
  const userState = new UserState(new PrismaStorage(db));
  const greeted = conversationState.createProperty<boolean>('greeted');
  const userName = userState.createProperty<string>('name');

  const adapter = new CloudAdapter(new ConfigurationBotFrameworkAuthentication({}));
  const bot = new ActivityHandler();
  bot.onMessage(async (context, next) => {
    const name = context.activity.from?.name ?? '';
    if (!(await greeted.get(context, false))) await greeted.set(context, true);
    if ((await userName.get(context, '')) !== name) await userName.set(context, name);
    await context.sendActivity(`echo: ${context.activity.text ?? ''}`);
    await next();
  });
  const run = async (context: Parameters<typeof bot.run>[0]) => {
    await bot.run(context);
    await conversationState.saveChanges(context, false);
    await userState.saveChanges(context, false);
  };

  const server = restify.createServer({ name: 'stateful-echo-bot', handleUncaughtExceptions: false });
  server.use(restify.plugins.bodyParser({ mapParams: false, maxBodySize: 1024 * 1024 }));
  server.post('/api/messages', async (req: Request, res: Response) => {
    await adapter.process(req, res, run);
  });
  server.get('/healthz', async (_req: Request, res: Response) => {
    await Promise.resolve();
    res.send(200, { status: 'ok' });
  });
  server.listen(Number(process.env.PORT ?? 0), '127.0.0.1');
  const stop = () => {
    server.close(() => {
      void db.close().finally(() => process.exit(0));
    });
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
