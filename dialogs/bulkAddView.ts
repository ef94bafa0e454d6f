import { MessageFactory, TurnContext } from 'botbuilder';
import { bulkAddHelpCard, bulkAddReportCard, bulkAddResultCard } from '../cards/bulkAdd';
import { BULK_ADD_LIMITS, formatSize } from '../services/bulkAdd';
import type { PartnerCaller } from '../services/directory';
import type { AttachedFile, DialogDeps, DownloadOffer } from './dialogDeps';
import { sendCard } from './replies';

/** The help entry of `bulk add`, on the welcome card. */
export const BULK_ADD_COMMAND_HELP = {
  command: 'bulk add',
  description: 'Add many customers at once from a spreadsheet: get the template, fill it in and send it here as a .csv or .xlsx file; I check every row before anything is added.',
} as const;

/** The template's columns as the help card explains them. */
const COLUMN_HELP: { name: string; description: string }[] = [
  { name: 'Customer ID', description: 'Required. A domain name, tenant ID, TPID, Azure subscription ID or MSX opportunity ID.' },
  { name: 'ID type', description: 'Optional: the type is read from the id; say it for a GUID (tenant ID or Azure subscription ID).' },
  { name: 'Engagement', description: 'Required. Its name, or enough of it: "azure migrate".' },
  { name: 'Friendly name', description: 'Optional: "<customer> – <engagement>" unless given.' },
  { name: 'Location', description: 'Optional when you have one location for the engagement (or the one you used last); its id or name.' },
  { name: 'Customer contact name, email, phone', description: 'Name and email required; or one Customer contact column, "Name <email>".' },
  { name: 'Partner contact name, email, phone', description: 'Optional: you, unless given.' },
  { name: 'Hours', description: 'Variable pay engagements only: the hours needed.' },
  { name: 'Tenant mismatch reason', description: "Only for a tenant ID whose customer contact's email is at another tenant." },
];

/** Check progress is said once the file has this many rows; fewer are checked before anyone would wait. */
const PROGRESS_FROM_ROWS = 50;

/**
 * A short progress line, sent once and then updated in place. It goes straight through the
 * adapter: a button's turn (an invoke) holds its replies until it ends, and a progress line held
 * until the end would say nothing.
 */
class ProgressLine {
  private id: string | undefined;

  constructor(private readonly context: TurnContext) {}

  async say(text: string): Promise<void> {
    const reference = TurnContext.getConversationReference(this.context.activity);
    const activity = TurnContext.applyConversationReference({ type: 'message', text }, reference);
    if (this.id) {
      await this.context.adapter.updateActivity(this.context, { ...activity, id: this.id });
      return;
    }
    const [sent] = await this.context.adapter.sendActivities(this.context, [activity]);
    this.id = sent?.id;
  }
}

function linkOf(offer: DownloadOffer): string {
  return offer.kind === 'link' ? offer.url : '';
}

/** A Teams file consent card, after the card it belongs to. */
async function sendConsentCard(context: TurnContext, offer: DownloadOffer): Promise<void> {
  if (offer.kind === 'consent') await context.sendActivity(MessageFactory.attachment(offer.attachment));
}

/** `bulk add`: how it works, the columns and the template. */
export async function answerBulkAddHelp(deps: DialogDeps, context: TurnContext): Promise<void> {
  const offer = await deps.files.offer(context, { kind: 'template' }, 'The bulk add template: one row per customer and engagement.');
  await sendCard(context, bulkAddHelpCard({ downloadUrl: linkOf(offer), columns: COLUMN_HELP, maxRows: BULK_ADD_LIMITS.maxRows, maxSize: formatSize(BULK_ADD_LIMITS.maxBytes) }));
  await sendConsentCard(context, offer);
}

/** A spreadsheet sent: read, every row checked (nothing created), and the report with its checked file. */
export async function answerBulkAddFile(deps: DialogDeps, context: TurnContext, caller: PartnerCaller, file: AttachedFile): Promise<void> {
  const download = await deps.files.download(file, BULK_ADD_LIMITS.maxBytes);
  if (!download.ok) {
    await context.sendActivity(download.message);
    return;
  }
  const progress = new ProgressLine(context);
  const checked = await deps.services.bulkAdd.check(caller, { name: file.name, bytes: download.bytes }, async (done, total) => {
    if (total >= PROGRESS_FROM_ROWS) await progress.say(`Checking ${file.name}: ${done} of ${total} rows checked…`);
  });
  if (!checked.ok) {
    await context.sendActivity(`${checked.message} Nothing was added.`);
    return;
  }
  const { report } = checked;
  const offer = await deps.files.offer(context, { kind: 'corrected', fileId: report.fileId }, `${report.fileName} as I read it, with what happens to each row and what to fix.`);
  await sendCard(context, bulkAddReportCard({ report, downloadUrl: linkOf(offer) }));
  await sendConsentCard(context, offer);
}

/** *Add N customers*: the file's rows created once, with a progress line for a long file. */
export async function answerBulkAddConfirm(deps: DialogDeps, context: TurnContext, caller: PartnerCaller, fileId: string): Promise<void> {
  const progress = new ProgressLine(context);
  const outcome = await deps.services.bulkAdd.add(caller, fileId, (done, total) => progress.say(`Adding customers: ${done} of ${total} added…`));
  if (outcome.kind === 'inProgress') {
    await context.sendActivity(`${outcome.fileName} is being added right now (you clicked twice, or on another device). Its customers are added once; type **my claims** in a moment to see them.`);
    return;
  }
  await sendCard(context, bulkAddResultCard(outcome));
}
