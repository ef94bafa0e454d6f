import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { AdaptiveCard } from '../../cards/render';
import { artifactPath } from './browser';

/**
 * Renders cards the way Microsoft Teams does: the official `adaptivecards` renderer with the Teams
 * host configs and the Teams container stylesheets of `adaptivecards-designer` (what the Adaptive
 * Cards Designer shows for "Microsoft Teams"), in Debian's Chromium. No server: the page is set from a string and the scripts come from
 * node_modules.
 */

export const THEMES = ['light', 'dark'] as const;
export type Theme = (typeof THEMES)[number];

const NODE_MODULES = path.join(__dirname, '..', '..', 'node_modules');
const RENDERER_JS = path.join(NODE_MODULES, 'adaptivecards', 'dist', 'adaptivecards.min.js');
const MARKDOWN_JS = path.join(NODE_MODULES, 'markdown-it', 'dist', 'markdown-it.min.js');

/** Teams draws a card in a chat at most about this wide. */
const CARD_WIDTH = 520;

/** The designer's stylesheet for its Teams container: Teams' button, input and link styles. */
function teamsStylesheet(theme: Theme): string {
  return path.join(NODE_MODULES, 'adaptivecards-designer', 'dist', 'containers', `teams-container-${theme}.css`);
}

function hostConfig(theme: Theme): Record<string, unknown> {
  const file = path.join(NODE_MODULES, 'adaptivecards-designer', 'lib', 'hostConfigs', `microsoft-teams-${theme}.json`);
  return JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
}

/** The host config's card background: `#AARRGGBB` or `#RRGGBB`, as CSS. */
function background(config: Record<string, unknown>): string {
  const styles = config.containerStyles as { default?: { backgroundColor?: string } } | undefined;
  const color = styles?.default?.backgroundColor ?? '#ffffff';
  return color.length === 9 ? `#${color.slice(3)}` : color;
}

/** An action as the renderer parsed it: what Teams would show as a button and send when pressed. */
export interface RenderedAction {
  type: string;
  title: string;
  data: unknown;
}

export interface CardRendering {
  /** Parse errors and warnings (unknown elements, bad values, dropped fallbacks). */
  parseEvents: string[];
  /** Host-config validation: too many actions for Teams, duplicate ids, missing labels… */
  validationEvents: string[];
  rendered: boolean;
  /** Every action, including those inside Action.ShowCard cards. */
  actions: RenderedAction[];
  /** Buttons whose title does not fit and is cut short with an ellipsis. */
  truncatedButtons: string[];
}

/** The in-page side: parse with a SerializationContext that records events, validate, render, list actions. */
const PAGE_SCRIPT = `
window.renderTeamsCard = function (json, hostConfigJson) {
  const AC = window.AdaptiveCards;
  const markdown = window.markdownit({ html: false, linkify: true });
  AC.AdaptiveCard.onProcessMarkdown = function (text, result) {
    result.outputHtml = markdown.render(text);
    result.didProcess = true;
  };
  const describe = function (event) {
    const source = event.source && event.source.getJsonTypeName ? event.source.getJsonTypeName() : 'card';
    return source + ': ' + event.message;
  };
  const card = new AC.AdaptiveCard();
  card.hostConfig = new AC.HostConfig(hostConfigJson);
  const context = new AC.SerializationContext();
  card.parse(json, context);
  const parseEvents = [];
  for (let i = 0; i < context.eventCount; i++) parseEvents.push(describe(context.getEventAt(i)));
  const validationEvents = card.validateProperties().validationEvents.map(describe);
  const actions = [];
  const collect = function (owner) {
    for (const action of owner.getAllActions()) {
      actions.push({ type: action.getJsonTypeName(), title: action.title || '', data: action.data === undefined ? null : action.data });
      if (action.card) collect(action.card);
    }
  };
  collect(card);
  const host = document.getElementById('card');
  host.replaceChildren();
  const element = card.render();
  if (element) host.appendChild(element);
  // Open every Action.ShowCard, so that the buttons inside are measured and shown on the screenshot too.
  host.querySelectorAll('button[aria-expanded="false"]').forEach(function (button) { button.click(); });
  const truncatedButtons = Array.from(host.querySelectorAll('button'))
    .filter(function (button) {
      return [button].concat(Array.from(button.querySelectorAll('*'))).some(function (part) { return part.scrollWidth > part.clientWidth + 1; });
    })
    .map(function (button) { return button.textContent || button.getAttribute('aria-label') || ''; });
  return { parseEvents: parseEvents, validationEvents: validationEvents, rendered: Boolean(element), actions: actions, truncatedButtons: truncatedButtons };
};
`;

interface PageApi {
  renderTeamsCard(card: AdaptiveCard, config: Record<string, unknown>): CardRendering;
}

/** A page that renders cards in one Teams theme; page errors are collected for the caller to check. */
export class TeamsCardPage {
  readonly pageErrors: string[] = [];

  private constructor(
    private readonly page: Page,
    readonly theme: Theme,
    private readonly config: Record<string, unknown>,
  ) {
    page.on('pageerror', (error) => this.pageErrors.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error' || message.type() === 'warning') this.pageErrors.push(`console ${message.type()}: ${message.text()}`);
    });
  }

  static async open(browser: Browser, theme: Theme): Promise<TeamsCardPage> {
    const config = hostConfig(theme);
    const page = await browser.newPage({ viewport: { width: CARD_WIDTH + 40, height: 800 } });
    const cardPage = new TeamsCardPage(page, theme, config);
    await page.setContent(
      `<!doctype html><html><head><meta charset="utf-8"><title>Teams cards (${theme})</title></head>` +
        `<body style="margin:0;padding:20px;background:${background(config)}"><div id="card" class="teams-card" style="width:${CARD_WIDTH}px"></div></body></html>`,
    );
    await page.addStyleTag({ path: teamsStylesheet(theme) });
    await page.addScriptTag({ path: RENDERER_JS });
    await page.addScriptTag({ path: MARKDOWN_JS });
    await page.addScriptTag({ content: PAGE_SCRIPT });
    return cardPage;
  }

  /** Renders one card and (unless told not to) saves its screenshot under test-artifacts/cards/<name>.<theme>.png. */
  async render(name: string, card: AdaptiveCard, options: { screenshot: boolean } = { screenshot: true }): Promise<CardRendering & { screenshot: string | null }> {
    const rendering = await this.page.evaluate(({ json, config }) => (globalThis as unknown as PageApi).renderTeamsCard(json, config), { json: card, config: this.config });
    if (!options.screenshot) return { ...rendering, screenshot: null };
    const screenshot = artifactPath('cards', `${name}.${this.theme}.png`);
    await this.page.locator('#card').screenshot({ path: screenshot });
    return { ...rendering, screenshot };
  }

  async close(): Promise<void> {
    await this.page.close();
  }
}
