// A web-test-runner launcher for Firefox (Gecko): web-test-runner's own puppeteer launcher, given puppeteer-core,
// which drives Firefox over WebDriver BiDi (no geckodriver). Debian's firefox-esr runs headless, no display needed.
import { existsSync } from 'node:fs';
import * as puppeteer from 'puppeteer-core';
import { chromeLauncher } from '@web/test-runner-chrome';
import type { BrowserLauncher } from '@web/test-runner-core';

const candidates = ['/usr/bin/firefox-esr', '/usr/bin/firefox', '/Applications/Firefox.app/Contents/MacOS/firefox'];

export const firefoxInstallHint = 'Firefox not found: install it (Debian: apt-get install -y firefox-esr) or set FIREFOX_PATH to a Firefox binary.';

/** The Firefox binary, or null. A FIREFOX_PATH that does not exist counts as not found. */
export function findFirefox(): string | null {
  if (process.env.FIREFOX_PATH) return existsSync(process.env.FIREFOX_PATH) ? process.env.FIREFOX_PATH : null;
  return candidates.find((path) => existsSync(path)) ?? null;
}

/** Firefox with its fake camera (a synthetic pattern) granted without a prompt. */
export function firefoxLauncher(executablePath: string): BrowserLauncher {
  return chromeLauncher({
    puppeteer: puppeteer as never,
    launchOptions: {
      browser: 'firefox',
      executablePath,
      headless: true,
      extraPrefsFirefox: {
        'media.navigator.streams.fake': true,
        'media.navigator.permission.disabled': true,
      },
    },
  });
}
