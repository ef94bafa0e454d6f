import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';

/** Debian's Chromium: the only browser used here (a browser download is impossible on these machines). */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Whether the real-browser tests can run: `.ci/run` installs Chromium, a developer may not have it. */
export const hasChromium = existsSync(CHROMIUM_PATH);

/** Screenshots and other browser test artifacts: git-ignored, kept after the run for people to look at. */
export const ARTIFACTS_DIR = join(__dirname, '..', '..', 'test-artifacts');

export function artifactPath(...parts: string[]): string {
  const path = join(ARTIFACTS_DIR, ...parts);
  mkdirSync(join(path, '..'), { recursive: true });
  return path;
}

/**
 * Headless Chromium with the flags this closed network needs: without the background-networking
 * flags Chromium keeps trying to reach Google's hosts and its connections are refused.
 */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-dev-shm-usage',
    ],
  });
}
