import path from 'node:path';
import { ARTIFACTS_DIR, CHROMIUM_PATH, hasChromium, launchChromium } from '../test/support/browser';
import { cardSamples } from '../test/support/cardSamples';
import { TeamsCardPage, THEMES } from '../test/support/teamsCards';

/**
 * `npm run cards`: draws every card the bot sends as Teams draws it (the official renderer with the
 * Teams light and dark host configs, in Debian's Chromium) and saves a screenshot of each under
 * test-artifacts/cards/. Prints any render problem (exits 1 if there was one) and any button title
 * cut short.
 */
async function main(): Promise<void> {
  if (!hasChromium) {
    console.error(`No Chromium at ${CHROMIUM_PATH}: install Debian's chromium package (apt-get install -y chromium) or set CHROMIUM_PATH.`);
    process.exitCode = 1;
    return;
  }
  const browser = await launchChromium();
  let problems = 0;
  try {
    const samples = cardSamples();
    for (const theme of THEMES) {
      const page = await TeamsCardPage.open(browser, theme);
      for (const sample of samples) {
        const rendering = await page.render(sample.name, sample.card);
        const issues = [...rendering.parseEvents, ...rendering.validationEvents, ...(rendering.rendered ? [] : ['the renderer drew nothing']), ...page.pageErrors.splice(0)];
        problems += issues.length;
        for (const issue of issues) console.error(`${sample.name} (${theme}): ${issue}`);
        if (rendering.truncatedButtons.length > 0) console.warn(`${sample.name} (${theme}): button titles cut short: ${rendering.truncatedButtons.join(' | ')}`);
      }
      await page.close();
    }
    console.log(`Rendered ${samples.length} cards in ${THEMES.join(' and ')}: ${path.relative(process.cwd(), path.join(ARTIFACTS_DIR, 'cards'))}/<card>.<theme>.png`);
  } finally {
    await browser.close();
  }
  if (problems > 0) {
    console.error(`${problems} render problem(s)`);
    process.exitCode = 1;
  }
}

void main();
