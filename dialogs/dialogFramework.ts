/**
 * The botbuilder-dialogs classes the bot uses, from the files that define them. The package's index
 * also loads its prompts and, with them, the Microsoft Recognizers Text suites (number, date-time,
 * choice…, several MB of source each): about 34 MB of resident memory per process for prompts this
 * bot never uses (bench/RESULTS.md, issue 18 target 4). Product code takes these classes from here;
 * types may still come from 'botbuilder-dialogs' (`import type` loads nothing).
 */
export { ComponentDialog } from 'botbuilder-dialogs/lib/componentDialog';
export { Dialog, DialogTurnStatus } from 'botbuilder-dialogs/lib/dialog';
export { DialogContext } from 'botbuilder-dialogs/lib/dialogContext';
export { DialogSet } from 'botbuilder-dialogs/lib/dialogSet';
export { WaterfallDialog } from 'botbuilder-dialogs/lib/waterfallDialog';
