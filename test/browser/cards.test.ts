import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { routeMessage } from '../../dialogs/commands';
import { SEND_CONSENT_ACTIONS } from '../../dialogs/sendConsentDialog';
import { hasChromium, launchChromium } from '../support/browser';
import { cardSamples, type CardSample } from '../support/cardSamples';
import { TeamsCardPage, THEMES, type CardRendering, type Theme } from '../support/teamsCards';
import { CANCEL_REASON_ACTION, CO_SELL_REFERRALS_ACTION, NOMINATION_ACTIONS, SUBMIT_PROOF_ACTION } from '../../cards/actions';

const CARDS_DIR = path.join(__dirname, '..', '..', 'cards');

/** The answers a running flow reads from its own card; outside a flow they get the "out of date" reply. */
const FLOW_STEP_VERBS = new Set<string>([...Object.values(NOMINATION_ACTIONS), ...Object.values(SEND_CONSENT_ACTIONS), SUBMIT_PROOF_ACTION, CANCEL_REASON_ACTION]);

/** Verbs of the seller's own view, which answers everything a seller sends and reads its paging itself (dialogs/sellerReferralsView.ts). */
const SELLER_VIEW_VERBS = new Set<string>([CO_SELL_REFERRALS_ACTION]);

/** Why a rendered action would do nothing in Teams; null when the bot handles it. */
function deadButton(action: CardRendering['actions'][number]): string | null {
  if (action.type === 'Action.ShowCard') return null;
  if (action.type !== 'Action.Submit') return `${action.type} "${action.title}": only Action.Submit reaches the bot in Teams, the Emulator and Web Chat alike`;
  const data = action.data as { action?: unknown } | null;
  if (!data || typeof data.action !== 'string') return `"${action.title}" carries no data.action verb`;
  if (FLOW_STEP_VERBS.has(data.action) || SELLER_VIEW_VERBS.has(data.action)) return null;
  const route = routeMessage(undefined, data);
  return route.kind === 'badCard' ? `"${action.title}": verb ${data.action} with ${JSON.stringify(data)} is not routed by dialogs/commands.ts` : null;
}

describe('card samples', () => {
  it('cover every card function in cards/*.ts', async () => {
    const cardFunctions: string[] = [];
    for (const file of readdirSync(CARDS_DIR).filter((name) => name.endsWith('.ts') && name !== 'render.ts')) {
      const exported = (await import(path.join(CARDS_DIR, file))) as Record<string, unknown>;
      cardFunctions.push(...Object.entries(exported).flatMap(([name, value]) => (typeof value === 'function' && name.endsWith('Card') ? [name] : [])));
    }
    expect(cardFunctions.length).toBeGreaterThan(10);
    const sampled = new Set(cardSamples().map((sample) => sample.fn));
    expect(cardFunctions.filter((name) => !sampled.has(name))).toEqual([]);
  });

  it('have unique names (one screenshot each)', () => {
    const names = cardSamples().map((sample) => sample.name);
    expect(new Set(names).size).toBe(names.length);
  });
});

(hasChromium ? describe : describe.skip)('cards as Microsoft Teams draws them (adaptivecards renderer, Teams host config, Chromium)', () => {
  let browser: Browser;
  const samples: CardSample[] = cardSamples();
  const renderings = new Map<Theme, Map<string, CardRendering & { screenshot: string | null }>>();

  beforeAll(async () => {
    browser = await launchChromium();
    for (const theme of THEMES) {
      const page = await TeamsCardPage.open(browser, theme);
      const byName = new Map<string, CardRendering & { screenshot: string | null }>();
      for (const sample of samples) {
        const rendering = await page.render(sample.name, sample.card);
        byName.set(sample.name, { ...rendering, parseEvents: [...rendering.parseEvents, ...page.pageErrors.splice(0)] });
      }
      renderings.set(theme, byName);
      await page.close();
    }
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
  });

  it.each(THEMES)('renders every card in the %s theme without a parse error, warning or validation failure, and saves its screenshot', (theme) => {
    for (const sample of samples) {
      const rendering = renderings.get(theme)?.get(sample.name);
      expect({ card: sample.name, rendered: rendering?.rendered, parse: rendering?.parseEvents, validation: rendering?.validationEvents }).toEqual({
        card: sample.name,
        rendered: true,
        parse: [],
        validation: [],
      });
      expect(statSync(rendering?.screenshot ?? '').size).toBeGreaterThan(1000);
    }
  });

  it('cuts no button title short (buttons inside Action.ShowCard included)', () => {
    for (const theme of THEMES) {
      for (const sample of samples) {
        const truncated = renderings.get(theme)?.get(sample.name)?.truncatedButtons ?? [];
        expect({ card: sample.name, theme, truncated }).toEqual({ card: sample.name, theme, truncated: [] });
      }
    }
  });

  it('has no dead buttons: every action is an Action.Submit whose data.action the bot routes, or a flow step verb', () => {
    for (const sample of samples) {
      const actions = renderings.get('light')?.get(sample.name)?.actions ?? [];
      expect({ card: sample.name, dead: actions.map(deadButton).filter((why) => why !== null) }).toEqual({ card: sample.name, dead: [] });
    }
    const verbs = new Set(samples.flatMap((sample) => (renderings.get('light')?.get(sample.name)?.actions ?? []).map((action) => (action.data as { action?: string } | null)?.action)));
    expect([...verbs]).toEqual(expect.arrayContaining(['showTab', 'viewClaim', 'claimCustomer', 'sendConsent', 'resendConsent', 'submitClaim', 'addCustomer', 'cancel', 'changeAnswer']));
  });

  it('catches what Teams would not draw: an unknown element, and more actions than the Teams host config allows', async () => {
    const page = await TeamsCardPage.open(browser, 'light');
    try {
      const broken = await page.render(
        'broken-example',
        {
          type: 'AdaptiveCard',
          version: '1.5',
          body: [{ type: 'TextBlok', text: 'typo' }],
          actions: Array.from({ length: 7 }, (_, i) => ({ type: 'Action.Submit', title: `Button ${i}`, data: { action: 'help' } })),
        },
        { screenshot: false },
      );
      expect(broken.parseEvents).toEqual(['card: Unknown element type "TextBlok". Fallback will be used if present.']);
      expect(broken.validationEvents).toEqual(['AdaptiveCard: Maximum number of actions exceeded (6).']);
    } finally {
      await page.close();
    }
  });
});
