// Runs the real container worker in headless Chromium for Node tests and the benchmark: esbuild bundles the client
// and the worker from src/, a small static server serves them with the codec, puppeteer-core drives the page.
import { build } from 'esbuild';
import { createServer, type Server } from 'node:http';
import { readFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';

import { baseChromeArgs, findChrome, installHint } from '../../scripts/browser/find-chrome.mjs';

const root = new URL('../../', import.meta.url);

async function bundle(entry: { path?: string; contents?: string }): Promise<string> {
  const result = await build({
    ...(entry.path ? { entryPoints: [new URL(entry.path, root).pathname] } : { stdin: { contents: entry.contents!, resolveDir: root.pathname, loader: 'ts' } }),
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    write: false,
    // @hpke/core's fallback for Node <= 18, never reached in a browser
    external: ['crypto'],
    logLevel: 'error',
  });
  return result.outputFiles[0]!.text;
}

export interface ChromiumPage {
  page: Page;
  origin: string;
  close(): Promise<void>;
}

/**
 * Opens a cross-origin-isolated page that has `window.container` = { ContainerClient, issueSession, sampleCapture,
 * sampleBytes } plus `extra` exports, with the worker at /container.worker.js and the codec at /codec.wasm.
 */
export async function openContainerPage(extra = ''): Promise<ChromiumPage> {
  const executablePath = findChrome();
  if (!executablePath) throw new Error(installHint);
  const files: Record<string, { type: string; body: string | Buffer }> = {
    '/': { type: 'text/html', body: '<!doctype html><title>container</title><script type="module">import * as c from "/page.js"; window.container = c; window.ready = true;</script>' },
    '/page.js': { type: 'text/javascript', body: await bundle({ contents: `export { ContainerClient } from './src/container/client.ts';\nexport { issueSession, sampleCapture, sampleBytes } from './test/node/container-harness.ts';\n${extra}` }) },
    '/container.worker.js': { type: 'text/javascript', body: await bundle({ path: 'src/container/container.worker.ts' }) },
    '/codec.wasm': { type: 'application/wasm', body: await readFile(new URL('wasm/build/codec.wasm', root)) },
  };
  const server: Server = createServer((req, res) => {
    const file = files[new URL(req.url ?? '/', 'http://x').pathname];
    res.writeHead(file ? 200 : 404, {
      'content-type': file?.type ?? 'text/plain',
      'cross-origin-opener-policy': 'same-origin',
      'cross-origin-embedder-policy': 'require-corp',
    });
    res.end(file?.body ?? 'not found');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  let browser: Browser | null = null;
  try {
    browser = await puppeteer.launch({ executablePath, headless: true, args: baseChromeArgs.filter((a) => !a.startsWith('--headless')) });
    const page = await browser.newPage();
    await page.goto(`${origin}/`);
    await page.waitForFunction('window.ready === true');
    const opened = browser;
    return { page, origin, close: async () => { await opened.close(); server.close(); } };
  } catch (e) {
    await browser?.close();
    server.close();
    throw e;
  }
}
