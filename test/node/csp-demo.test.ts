// The demo, built for production, served under a strict Content-Security-Policy with Trusted Types enforced, runs a
// whole capture in headless Chromium with the fake camera playing the frontal face: camera, face worker (tfjs on
// WebAssembly), container worker, upload and polling against a real emulator. Any CSP or Trusted Types violation, in
// the page or in a worker, fails the test (docs/security.md, "Content-Security-Policy").
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createReadStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { createServer, request as httpRequest, type IncomingMessage, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AddressInfo } from 'node:net';
import puppeteer, { type Browser } from 'puppeteer-core';
import { build } from 'vite';
import { buildEmulator } from '../../server/app.ts';
import { DEFAULT_EMAIL, DEFAULT_PASSWORD } from '../../server/config.ts';
import { contentType } from '../support/static-files.ts';

import { baseChromeArgs, fakeCameraArgs, findChrome, installHint } from '../../scripts/browser/find-chrome.mjs';
import { prepareScenes } from '../../scripts/browser/fixtures.mjs';

const root = fileURLToPath(new URL('../../', import.meta.url));

/** The policy docs/security.md documents, plus a report endpoint so that violations inside workers reach the test. */
const POLICY = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "style-src 'self'",
  "require-trusted-types-for 'script'",
  'trusted-types lit-html oz-liveness',
].join('; ');
const REPORT_PATH = '/csp-report';

/**
 * What a host deploys next to the bundle for `assets-url`: the default detector's model, Human's models, tfjs's wasm
 * files, the face kernels and the codec. Single files come before the folders that would also match them.
 */
const assetFolders: Record<string, string> = {
  '/oz-assets/models/facemesh-detection-short.json': join(root, 'src/face/models/facemesh-detection-short.json'),
  '/oz-assets/models/facemesh-detection-short.bin': join(root, 'src/face/models/facemesh-detection-short.bin'),
  '/oz-assets/face.wasm': join(root, 'wasm/build/face.wasm'),
  '/oz-assets/face-relaxed.wasm': join(root, 'wasm/build/face-relaxed.wasm'),
  '/oz-assets/models/': join(root, 'node_modules/@vladmandic/human/models/'),
  '/oz-assets/wasm/': join(root, 'node_modules/@tensorflow/tfjs-backend-wasm/dist/'),
  '/oz-assets/codec.wasm': join(root, 'wasm/build/codec.wasm'),
};

/** A production build of demo/ (the same settings as vite.config.ts, as an app instead of the library). */
async function buildDemo(outDir: string): Promise<void> {
  await build({
    configFile: false,
    root: join(root, 'demo'),
    base: './',
    logLevel: 'error',
    worker: { format: 'es' },
    build: { outDir, emptyOutDir: true, target: 'es2022', sourcemap: false, chunkSizeWarningLimit: 4096 },
  });
}

function fileFor(dist: string, pathname: string): string | null {
  for (const [prefix, target] of Object.entries(assetFolders)) {
    if (pathname === prefix) return target;
    if (prefix.endsWith('/') && pathname.startsWith(prefix)) return join(target, normalize(pathname.slice(prefix.length)).replace(/^(\.\.[/\\])+/, ''));
  }
  const file = join(dist, normalize(pathname === '/' ? '/index.html' : pathname).replace(/^(\.\.[/\\])+/, ''));
  return file.startsWith(dist) ? file : null;
}

interface Served {
  origin: string;
  reports: unknown[];
  close(): Promise<void>;
}

/** Serves the build with the policy on every response and passes /api and /backend to a real emulator. */
async function serve(dist: string): Promise<Served> {
  const reports: unknown[] = [];
  const dataDir = mkdtempSync(join(tmpdir(), 'oz-csp-emulator-'));
  let apiUrl = '';
  const csp = `${POLICY}; report-uri ${REPORT_PATH}`;
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://page');
    if (req.method === 'POST' && url.pathname === REPORT_PATH) {
      readBody(req).then((body) => {
        reports.push(JSON.parse(body.toString() || 'null'));
        res.writeHead(204).end();
      });
      return;
    }
    if (url.pathname.startsWith('/api/') || url.pathname.startsWith('/backend/')) {
      // The Host header is kept, as Vite's proxy keeps it: the emulator sees the page's origin.
      const target = new URL(apiUrl);
      const upstream = httpRequest({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers }, (answer) => {
        res.writeHead(answer.statusCode ?? 502, { ...answer.headers, 'content-security-policy': csp });
        answer.pipe(res);
      });
      upstream.on('error', () => res.destroy());
      req.pipe(upstream);
      return;
    }
    const file = fileFor(dist, decodeURIComponent(url.pathname));
    const found = file !== null && statSync(file, { throwIfNoEntry: false })?.isFile();
    res.writeHead(found ? 200 : 404, {
      'content-type': found ? contentType(file) : 'text/plain',
      'content-security-policy': csp,
    });
    if (found) createReadStream(file).pipe(res);
    else res.end('not found');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const emulator = await buildEmulator({
    dataDir,
    allowedOrigins: [origin],
    accounts: [{ email: DEFAULT_EMAIL, password: DEFAULT_PASSWORD, role: 'CLIENT_ADMIN' }],
    // The demo reads the folder back through the example backend, which is off unless switched on for its page.
    backendExample: { enabled: true, origins: [origin] },
    logger: false,
  });
  apiUrl = await emulator.listen({ port: 0, host: '127.0.0.1' });
  return {
    origin,
    reports,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await emulator.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

test('the production demo completes a normal capture with a container under a strict CSP and Trusted Types', { timeout: 300_000 }, async () => {
  const executablePath = findChrome();
  if (!executablePath) throw new Error(installHint);
  const dist = mkdtempSync(join(tmpdir(), 'oz-csp-demo-'));
  let served: Served | null = null;
  let browser: Browser | null = null;
  try {
    await buildDemo(dist);
    served = await serve(dist);
    const scenes = prepareScenes();
    browser = await puppeteer.launch({
      executablePath,
      headless: true,
      args: [...baseChromeArgs.filter((a) => !a.startsWith('--headless')), ...fakeCameraArgs(scenes['face-frontal']!)],
    });
    const page = await browser.newPage();
    const consoleErrors: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(message.text());
    });
    page.on('pageerror', (error) => consoleErrors.push(`pageerror: ${String(error)}`));
    // Listeners go in before any page script runs: violations and the element's events (composed ones bubble to
    // the document; `error` does not bubble, so it is caught on the way down).
    await page.evaluateOnNewDocument(() => {
      const w = window as unknown as { violations: string[]; outcome: unknown; states: string[] };
      w.violations = [];
      w.states = [];
      w.outcome = null;
      document.addEventListener('securitypolicyviolation', (e) => {
        w.violations.push(`${e.violatedDirective} blocked ${e.blockedURI || '(inline)'} at ${e.sourceFile}:${e.lineNumber} ${e.sample}`);
      });
      document.addEventListener('state', (e) => w.states.push((e as CustomEvent).detail.state), true);
      document.addEventListener('complete', (e) => (w.outcome = { complete: (e as CustomEvent).detail.result }), true);
      document.addEventListener('error', (e) => {
        if (e instanceof CustomEvent) w.outcome = { error: { code: e.detail.code, message: e.detail.message, details: e.detail.details } };
      }, true);
    });
    const query = new URLSearchParams({ architecture: 'normal', 'use-wasm-container': 'true', 'result-mode': 'folder', 'assets-url': './oz-assets/', autostart: '' });
    const response = await page.goto(`${served.origin}/?${query}`);
    assert.equal(response?.headers()['content-security-policy']?.startsWith(POLICY), true, 'the page is served with the policy');
    // A build that drops the element's registration (e.g. a `sideEffects` list that leaves out src/define.ts) would
    // otherwise only show as a capture that never starts.
    await page.waitForFunction(() => customElements.get('oz-liveness') !== undefined, { timeout: 30_000 }).catch(() => {
      throw new Error('<oz-liveness> is not registered in the built demo: the bundle dropped src/define.ts');
    });
    // An empty api-url means the page's own origin, and the field says which one, whatever the port.
    const apiUrlPlaceholder = await page.evaluate(() => document.querySelector<HTMLInputElement>('input[name="api-url"]')!.placeholder);
    assert.equal(apiUrlPlaceholder, served.origin);
    const seen = () =>
      page.evaluate(() => {
        const w = window as unknown as { violations: string[]; outcome: unknown; states: string[] };
        return { outcome: w.outcome, violations: w.violations, states: w.states };
      });
    await page.waitForFunction('window.outcome !== null', { timeout: 240_000 }).catch(async (error: unknown) => {
      // Say where the flow stopped instead of only that it did not finish.
      throw new Error(`${String(error)}: ${JSON.stringify(await seen().catch(() => null))}, reports ${JSON.stringify(served?.reports)}, console ${JSON.stringify(consoleErrors)}`);
    });
    const { outcome, violations, states } = await page.evaluate(() => {
      const w = window as unknown as { violations: string[]; outcome: unknown; states: string[] };
      return { outcome: w.outcome, violations: w.violations, states: w.states };
    });
    console.log(`states: ${states.join(' > ')}`);
    console.log(`violations: ${violations.length}, reports: ${served.reports.length}, console errors: ${consoleErrors.length}`);
    assert.deepEqual(violations, [], 'no securitypolicyviolation in the page');
    assert.deepEqual(served.reports, [], 'no violation reported by the page or its workers');
    assert.deepEqual(consoleErrors, [], 'no console errors');
    assert.ok(outcome && typeof outcome === 'object' && 'complete' in outcome, `the capture completed: ${JSON.stringify(outcome)}`);
    // The demo's own follow-up (the folder read through /backend) runs after `complete`; it falls under the policy too.
    await page.waitForFunction(() => !document.querySelector<HTMLElement>('#forward-result')?.hidden, { timeout: 30_000 });
    assert.deepEqual(await page.evaluate(() => (window as unknown as { violations: string[] }).violations), []);
    assert.deepEqual(served.reports, []);
    const result = (outcome as { complete: { state?: string; folder_id?: string } }).complete;
    assert.equal(typeof result.folder_id, 'string', 'result-mode "folder" names the folder');
    assert.ok(states.includes('packing') && states.includes('uploading'), 'the container was sealed and uploaded');
  } finally {
    await browser?.close();
    await served?.close();
    rmSync(dist, { recursive: true, force: true });
  }
});
