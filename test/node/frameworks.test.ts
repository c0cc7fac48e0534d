// The framework examples in demo/ (plain HTML, React, Vue, Angular) built with Vite's build() as an app would be,
// served from the build output alone by a static server, and run in headless Chromium whose fake camera plays the
// frontal face scene. Each page shows the outcome only through its framework's own handler of the element's event,
// so the text checked here proves the framework received the typed event. The face models and wasm files come from
// the build output: nothing else is served.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Server } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { build } from 'vite';
import { startEmulator, type Running } from './emulator-harness.ts';
import { serveFolder } from '../support/static-files.ts';

import { baseChromeArgs, fakeCameraArgs, findChrome, installHint } from '../../scripts/browser/find-chrome.mjs';
import { prepareScenes } from '../../scripts/browser/fixtures.mjs';

const root = fileURLToPath(new URL('../../', import.meta.url));
/** Long enough for a capture with the default timings on a busy machine; only there so that a hang ends. */
const OUTCOME_TIMEOUT_MS = 120_000;

describe('framework examples built with Vite', { timeout: 10 * 60_000 }, () => {
  let outDir: string;
  let server: Server;
  let origin: string;
  let emulator: Running;
  let browser: Browser;

  before(async () => {
    const executablePath = findChrome();
    if (!executablePath) throw new Error(installHint);
    outDir = await mkdtemp(join(tmpdir(), 'oz-frameworks-'));
    await build({
      configFile: join(root, 'demo/frameworks.vite.config.ts'),
      build: { outDir, emptyOutDir: true },
      logLevel: 'error',
    });
    server = serveFolder(outDir);
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    // The plain page runs the whole check against a real emulator, which serves session tokens to this origin.
    emulator = await startEmulator({ allowedOrigins: [origin] });
    const scenes = prepareScenes();
    browser = await puppeteer.launch({
      executablePath,
      headless: true,
      args: [...baseChromeArgs.filter((a) => !a.startsWith('--headless')), ...fakeCameraArgs(scenes['face-frontal']!)],
    });
  });

  after(async () => {
    await browser?.close();
    await emulator?.close();
    server?.close();
    if (outDir) await rm(outDir, { recursive: true, force: true });
  });

  /**
   * Opens the example, lets `prepare` act as the host, presses the element's start button (in its shadow root) and
   * returns the text the page's own handler put in #status once it reports an outcome.
   */
  async function run(path: string, prepare?: (page: Page) => Promise<void>): Promise<{ status: string; log: string[] }> {
    const page = await browser.newPage();
    const log: string[] = [];
    page.on('console', (message) => log.push(`${message.type()}: ${message.text()}`));
    page.on('pageerror', (error) => log.push(`pageerror: ${(error as Error).message}`));
    page.on('requestfailed', (request) => log.push(`requestfailed: ${request.url()}`));
    page.on('response', (response) => {
      if (response.status() >= 400) log.push(`HTTP ${response.status()}: ${response.url()}`);
    });
    try {
      await page.goto(`${origin}${path}`);
      await prepare?.(page);
      const start = await page.waitForSelector('oz-liveness >>> button[part~="start-button"]', { timeout: 30_000 });
      await start!.click();
      const handle = await page
        .waitForFunction(
          () => {
            const text = document.querySelector('#status')?.textContent?.trim() ?? '';
            return /^(captured|check|error)\b/.test(text) ? text : false;
          },
          { timeout: OUTCOME_TIMEOUT_MS, polling: 200 },
        )
        .catch(async (error: Error) => {
          const state = await page.evaluate(() => document.querySelector('oz-liveness')?.state).catch(() => 'unknown');
          throw new Error(`${error.message}; the element is in state ${state}\n${log.join('\n')}`);
        });
      return { status: (await handle.jsonValue()) as string, log };
    } finally {
      await page.close();
    }
  }

  const examples = [
    ['React (the oz-liveness/react wrapper, onCaptureComplete)', '/react/'],
    ['React 19 JSX without the wrapper (oncapture-complete)', '/react/raw-tag.html'],
    ['Vue (@capture-complete)', '/vue/'],
    ['Angular (capture-complete)', '/angular/'],
  ] as const;
  for (const [name, path] of examples) {
    it(`${name} shows the capture its handler received`, async () => {
      const { status, log } = await run(path);
      assert.equal(status, 'captured 1 clip', log.join('\n'));
    });
  }

  it('plain HTML completes a check against the emulator', async () => {
    const { status, log } = await run('/html/', async (page) => {
      await page.waitForFunction(() => customElements.get('oz-liveness') !== undefined);
      // The page names the emulator of `npm run emulator`; this one listens on a port of its own.
      await page.evaluate((url) => document.querySelector('oz-liveness')!.setAttribute('api-url', url), emulator.url);
    });
    assert.equal(status, 'check finished', log.join('\n'));
  });
});
