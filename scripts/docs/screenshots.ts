// `npm run screenshots`: pictures of each screen of <oz-liveness> for the docs, taken from the real element in
// headless Chromium. A dev server serves the sources, the API emulator answers the uploads, and Chromium's fake
// camera plays the real face scenes of test/fixtures/camera/ (one browser per scene). PNGs go to docs/screenshots/.
import { startDevServer } from '@web/dev-server';
import { esbuildPlugin } from '@web/dev-server-esbuild';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildEmulator } from '../../server/app.ts';
import { ar } from '../../src/i18n/ar.ts';
import { en } from '../../src/i18n/en.ts';

import { baseChromeArgs, fakeCameraArgs, findChrome, installHint } from '../browser/find-chrome.mjs';
import { prepareScenes } from '../browser/fixtures.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const outDir = join(root, 'docs/screenshots');
/** Wide enough to read, small enough to commit: the element is 480 x 360 CSS pixels, shot at scale 1. */
const WIDTH = 480;
/** The element shots' window: a desktop window (landscape, taller than a phone on its side), so the element keeps its 4:3 box. */
const WINDOW = { width: 800, height: 600 };
/** Phones held upright (small and common) and a tablet in portrait: each state is shot full screen in each. */
const VIEWPORTS = [
  { width: 360, height: 640 },
  { width: 390, height: 844 },
  { width: 768, height: 1024 },
];
const WAIT_MS = 60_000;

// Attributes come from the query string and are set before the element upgrades, so a first-update error shows too.
const page = `<!doctype html><html lang="en"><meta charset="utf-8"><title>oz-liveness screenshots</title>
<style>
  body { margin: 0; padding: 0; background: #ffffff; }
  @media (prefers-color-scheme: dark) { body { background: #0e1114; } }
  oz-liveness { width: ${WIDTH}px; }
</style>
<body><oz-liveness></oz-liveness><script type="module">
const el = document.querySelector('oz-liveness');
for (const [name, value] of new URLSearchParams(location.search)) el.setAttribute(name, value);
await import('/src/define.ts');
await el.updateComplete;
window.shotReady = true;
</script>`;

/** The page as a phone shows it: the element fills the viewport and the shot is the whole viewport. */
const viewportPage = `<!doctype html><html lang="en"><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1, viewport-fit=cover"><title>oz-liveness on a phone</title>
<style>body { margin: 0; background: #ffffff; }</style>
<body><oz-liveness></oz-liveness><script type="module">
const el = document.querySelector('oz-liveness');
for (const [name, value] of new URLSearchParams(location.search)) el.setAttribute(name, value);
await import('/src/define.ts');
await el.updateComplete;
window.shotReady = true;
</script>`;

// @hpke/core keeps an import("crypto") for Node <= 18 that browsers never reach; it resolves to WebCrypto here.
const nodeCryptoForBrowsers = {
  name: 'node-crypto-for-browsers',
  resolveImport: ({ source }: { source: string }) => (source === 'crypto' || source === 'node:crypto' ? '/__node-crypto__.js' : undefined),
  serve: (context: { path: string }) =>
    context.path === '/__node-crypto__.js' ? { body: 'export const webcrypto = globalThis.crypto;', type: 'js' } : undefined,
};

interface Shot {
  file: string;
  what: string;
  scene: string;
  prompt?: 'accept' | 'ask';
  dark?: boolean;
  attributes: Record<string, string>;
  /** Shot as the whole viewport of this size (the element full screen or in the page), instead of the element alone. */
  viewport?: { width: number; height: number };
  /** Brings the element into the state to show; resolves when the screenshot may be taken. */
  reach(tab: Page): Promise<void>;
}

const state = (tab: Page, wanted: string) =>
  tab.waitForFunction((s) => (document.querySelector('oz-liveness') as unknown as { state: string }).state === s, { timeout: WAIT_MS }, wanted);
const hint = (tab: Page, text: string) =>
  tab.waitForFunction(
    (t) => document.querySelector('oz-liveness')?.shadowRoot?.querySelector('[part~="hint"]')?.textContent === t,
    { timeout: WAIT_MS },
    text,
  );
const hintOneOf = (tab: Page, texts: string[]) =>
  tab.waitForFunction(
    (t) => t.includes(document.querySelector('oz-liveness')?.shadowRoot?.querySelector('[part~="hint"]')?.textContent ?? ''),
    { timeout: WAIT_MS },
    texts,
  );

/** What the element shows: its state, error code and hint. */
async function seen(tab: Page): Promise<string> {
  const { state, code, hint } = await tab.evaluate(() => {
    const el = document.querySelector('oz-liveness') as unknown as { state: string; error: { code: string; details?: unknown } | null; shadowRoot: ShadowRoot };
    return { state: el.state, code: el.error ? `${el.error.code} ${JSON.stringify(el.error.details ?? {})}` : null, hint: el.shadowRoot.querySelector('[part~="hint"]')?.textContent ?? '' };
  });
  return `state ${state}${code ? `, ${code}` : ''}${hint ? `, hint "${hint}"` : ''}`;
}

/** The actions' progress bar at step `n`. */
const step = (tab: Page, n: number) =>
  tab.waitForFunction(
    (n) => document.querySelector('oz-liveness')?.shadowRoot?.querySelector('[part~="progress"]')?.getAttribute('aria-valuenow') === String(n),
    { timeout: WAIT_MS },
    n,
  );
/** open() as the start button does it; its outcome shows on screen. */
const open = (tab: Page) => tab.evaluate(() => void (document.querySelector('oz-liveness') as unknown as { open(): Promise<void> }).open().catch(() => undefined));
/** The oval and hint fade in (CSS transitions); a settled frame makes a steady picture. */
const settle = (tab: Page) => tab.evaluate(() => new Promise((r) => setTimeout(r, 400)));
/** open(), then wait for the flow to reach `wanted`. */
const openUntilState = (wanted: string) => async (tab: Page) => {
  await open(tab);
  await state(tab, wanted);
};
/** open(), then wait for the hint line to say `text`. */
const openUntilHint = (text: string) => async (tab: Page) => {
  await open(tab);
  await hint(tab, text);
};

function shots(apiUrl: string): Shot[] {
  const capture = { architecture: 'capture' };
  return [
    { file: 'start.png', what: 'start screen', scene: 'face-frontal', attributes: capture, reach: async () => {} },
    {
      file: 'guidance-move-closer.png',
      what: 'camera preview with the "Move closer" hint (face far away)',
      scene: 'face-far',
      attributes: capture,
      reach: openUntilHint(en.hints.too_far),
    },
    {
      file: 'guidance-no-face.png',
      what: 'camera preview with the "No face found" hint',
      scene: 'no-face',
      attributes: capture,
      reach: openUntilHint(en.hints.no_face),
    },
    {
      file: 'action.png',
      what: 'second action in progress (recording, step 2 of 2)',
      scene: 'face-frontal',
      attributes: { ...capture, action: 'video_selfie_blank,video_selfie_left' },
      reach: async (tab) => {
        await open(tab);
        // A still photo never turns its head: the second action stays in recording until its time limit.
        await step(tab, 2);
        await state(tab, 'recording');
      },
    },
    {
      file: 'processing.png',
      what: 'capture uploaded, the API analysing it',
      scene: 'face-frontal',
      attributes: {
        architecture: 'normal',
        'api-url': apiUrl,
        // The emulator keeps the analysis in PROCESSING for that many reads (about one a second).
        meta: JSON.stringify({ emulator_resolution: 'PROCESSING', emulator_processing_polls: 6 }),
      },
      reach: openUntilState('processing'),
    },
    {
      file: 'done.png',
      what: 'done screen after the check',
      scene: 'face-frontal',
      attributes: { architecture: 'normal', 'api-url': apiUrl },
      reach: openUntilState('done'),
    },
    {
      file: 'error-camera-denied.png',
      what: 'error screen: camera permission denied',
      scene: 'face-frontal',
      prompt: 'ask',
      attributes: capture,
      reach: openUntilState('error'),
    },
    { file: 'dark.png', what: 'start screen in dark mode', scene: 'face-frontal', dark: true, attributes: capture, reach: async () => {} },
    {
      file: 'rtl-arabic.png',
      what: 'Arabic (right to left), preview with the "Move closer" hint',
      scene: 'face-far',
      attributes: { ...capture, lang: 'ar' },
      reach: openUntilHint(ar.hints.too_far),
    },
    ...VIEWPORTS.flatMap((viewport) => viewportShots(apiUrl, viewport)),
    ...narrowShots(),
  ];
}

/**
 * Each state full screen in one viewport, as `<W>x<H>/<state>.png`; on a phone also the phone turned sideways. The
 * camera gives portrait frames (face-portrait), as phones and tablets held upright do.
 */
function viewportShots(apiUrl: string, viewport: { width: number; height: number }): Shot[] {
  const dir = `${viewport.width}x${viewport.height}`;
  const base = { architecture: 'capture', layout: 'fullscreen' };
  const shots: Shot[] = [
    { file: `${dir}/start.png`, what: 'start screen', scene: 'face-portrait', viewport, attributes: base, reach: async () => {} },
    {
      file: `${dir}/guidance.png`,
      what: 'preview with guidance for the face far away (cropped to a tall screen it is also off centre)',
      scene: 'face-far',
      viewport,
      attributes: base,
      reach: async (tab) => {
        await open(tab);
        await hintOneOf(tab, [en.hints.too_far, en.hints.off_centre]);
      },
    },
    {
      file: `${dir}/action.png`,
      what: 'second action in progress (recording, step 2 of 2)',
      scene: 'face-portrait',
      viewport,
      attributes: { ...base, action: 'video_selfie_blank,video_selfie_left' },
      reach: async (tab) => {
        await open(tab);
        await step(tab, 2);
        await state(tab, 'recording');
      },
    },
    {
      file: `${dir}/processing.png`,
      what: 'capture uploaded, the API analysing it',
      scene: 'face-portrait',
      viewport,
      attributes: { ...base, architecture: 'normal', 'api-url': apiUrl, meta: JSON.stringify({ emulator_resolution: 'PROCESSING', emulator_processing_polls: 6 }) },
      reach: openUntilState('processing'),
    },
    {
      file: `${dir}/done.png`,
      what: 'done screen',
      scene: 'face-portrait',
      viewport,
      attributes: { ...base, architecture: 'normal', 'api-url': apiUrl },
      reach: openUntilState('done'),
    },
    {
      file: `${dir}/error-camera-denied.png`,
      what: 'error screen: camera permission denied',
      scene: 'face-portrait',
      prompt: 'ask',
      viewport,
      attributes: base,
      reach: openUntilState('error'),
    },
    {
      file: `${dir}/inline.png`,
      what: 'the element inline in a page (not full screen) during the check',
      scene: 'face-portrait',
      viewport,
      attributes: { architecture: 'capture' },
      reach: openUntilState('positioning'),
    },
  ];
  if (viewport.width < 600) {
    shots.push({
      file: `${dir}/sideways.png`,
      what: 'the phone turned sideways during the check: asked to turn it upright',
      // A phone's camera turns its frames with the phone: sideways they are landscape.
      scene: 'face-frontal',
      viewport: { width: viewport.height, height: viewport.width },
      attributes: base,
      reach: openUntilState('positioning'),
    });
  }
  return shots;
}

/** The narrowest phones in the two languages with the longest (Russian) and right-to-left (Arabic) texts. */
function narrowShots(): Shot[] {
  const viewport = { width: 320, height: 568 };
  return ['ru', 'ar'].map((lang) => ({
    file: `320x568/action-${lang}.png`,
    what: `the action's hint at 320 px in ${lang}`,
    scene: 'face-portrait',
    viewport,
    attributes: { architecture: 'capture', layout: 'fullscreen', lang, action: 'video_selfie_blank,video_selfie_left' },
    reach: async (tab: Page) => {
      await open(tab);
      await step(tab, 2);
      await state(tab, 'recording');
    },
  }));
}

const chrome = findChrome();
if (!chrome) {
  console.error(installHint);
  process.exit(1);
}
const only = process.argv.slice(2);
const scenes = prepareScenes();
const dataDir = mkdtempSync(join(tmpdir(), 'oz-screenshots-'));
const server = await startDevServer({
  config: {
    rootDir: root,
    port: 0,
    nodeResolve: true,
    plugins: [
      {
        name: 'screenshot-page',
        serve: (ctx: { path: string }) =>
          ctx.path === '/__screenshots__.html' ? { body: page, type: 'html' } : ctx.path === '/__viewport__.html' ? { body: viewportPage, type: 'html' } : undefined,
      },
      nodeCryptoForBrowsers,
      esbuildPlugin({ ts: true, target: 'es2022', tsconfig: resolve(root, 'tsconfig.json') }),
    ],
  },
  readCliArgs: false,
  readFileConfig: false,
  logStartMessage: false,
});
const address = server.server?.address();
const pageOrigin = `http://localhost:${typeof address === 'object' && address ? address.port : 0}`;
// The page is a web-adapter origin of the emulator: it gets session tokens without an access token.
// The processing screen forces a result through the meta: a test switch, on only when asked for.
const emulator = await buildEmulator({ dataDir, allowedOrigins: [pageOrigin], metaSwitches: true });
const apiUrl = await emulator.listen({ port: 0, host: '127.0.0.1' });

mkdirSync(outDir, { recursive: true });
const browsers = new Map<string, Browser>();
let failed = false;
try {
  for (const shot of shots(apiUrl)) {
    if (only.length && !only.includes(shot.file)) continue;
    const key = `${shot.scene}/${shot.prompt ?? 'accept'}`;
    let browser = browsers.get(key);
    if (!browser) {
      const args = [...baseChromeArgs.filter((a) => !a.startsWith('--headless')), ...fakeCameraArgs(scenes[shot.scene], { prompt: shot.prompt ?? 'accept' })];
      if (shot.prompt === 'ask') args.push('--deny-permission-prompts');
      browser = await puppeteer.launch({ executablePath: chrome, headless: true, args });
      browsers.set(key, browser);
    }
    const tab = await browser.newPage();
    try {
      tab.on('pageerror', (e) => console.error(`  page error (${shot.file}):`, e));
      await tab.setViewport({ ...(shot.viewport ?? WINDOW), deviceScaleFactor: 1 });
      await tab.emulateMediaFeatures([
        { name: 'prefers-color-scheme', value: shot.dark ? 'dark' : 'light' },
        // Shots should not catch a transition half-way.
        { name: 'prefers-reduced-motion', value: 'reduce' },
      ]);
      await tab.goto(`${pageOrigin}/${shot.viewport ? '__viewport__' : '__screenshots__'}.html?${new URLSearchParams(shot.attributes)}`);
      await tab.waitForFunction('window.shotReady === true', { timeout: WAIT_MS });
      await shot.reach(tab);
      await settle(tab);
      const el = (await tab.$('oz-liveness'))!;
      const path = join(outDir, shot.file) as `${string}.png`;
      mkdirSync(dirname(path), { recursive: true });
      if (shot.viewport) await tab.screenshot({ path, type: 'png' });
      else await el.screenshot({ path, type: 'png' });
      console.log(`${relative(root, path)}  ${shot.what}  (${await seen(tab)})`);
    } catch (error) {
      failed = true;
      console.error(`${shot.file}: ${(error as Error).message} (${await seen(tab).catch(() => 'page gone')})`);
    } finally {
      await tab.close();
    }
  }
} finally {
  for (const browser of browsers.values()) await browser.close();
  await emulator.close();
  await server.stop();
  rmSync(dataDir, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
