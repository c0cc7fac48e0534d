// Size budgets, measured on what a real capture loads. Builds the element (the package build's output when there is
// a `build` script, else the same Vite library build into a temp folder), serves it from a recording HTTP server, and
// runs captures in headless Chromium with the frontal fake-camera scene:
//   - a blank capture (`video_selfie_blank`, with `extract-best-shot`): every response it causes is listed with its
//     raw, transferred and gzip -9 size, and the gzip sum must stay within the passive-capture budget;
//   - the element's entry module and the chunks it imports, gzipped, must stay within the entry budget;
//   - a blank capture must not fetch the active-action models (facemesh, emotion); a smile capture must fetch
//     emotion and an eyes capture facemesh, once they start.
// Lit counts too: the page loads it from node_modules, as a host's bundle would include it.
// Prints a table; exits 1 when a budget or a check fails. Usage: node scripts/checks/size.mjs [--json]
import { build as viteBuild } from 'vite';
import puppeteer from 'puppeteer-core';
import { createServer } from 'node:http';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync, constants as zlib } from 'node:zlib';
import { baseChromeArgs, fakeCameraArgs, findChrome, installHint } from '../browser/find-chrome.mjs';
import { prepareScenes } from '../browser/fixtures.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const KB = 1000;
// Measured at 23.0 kB and 232.1 kB (BlazeFace short-range on the package's own kernels; Human's blazeface on tfjs
// took 649 kB), with a little room for the element's own growth.
export const budgets = { entryGzip: 25 * KB, blankGzip: 245 * KB };
/** Models only active actions may load. */
const activeModels = ['facemesh', 'emotion'];

const gzip = (body) => gzipSync(body, { level: zlib.Z_BEST_COMPRESSION }).length;
const types = { '.js': 'text/javascript', '.mjs': 'text/javascript', '.wasm': 'application/wasm', '.json': 'application/json', '.bin': 'application/octet-stream', '.html': 'text/html' };

/**
 * The element as a host would get it: { dir, entry, source }, the folder served at /pkg/ and the entry module's path
 * inside it. The assets are where the element looks by default (next to the module, dist/assets/).
 */
async function buildElement() {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  if (pkg.scripts?.build) {
    execFileSync('npm', ['run', '--silent', 'build'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
    const exp = pkg.exports?.['.'];
    const entry = (typeof exp === 'string' ? exp : exp?.import ?? exp?.default) ?? pkg.module ?? pkg.main;
    if (!entry || !existsSync(join(root, entry))) throw new Error(`checks/size: the package build gave no entry at ${entry}`);
    return { dir: root, entry: normalize(entry), source: 'npm run build' };
  }
  const dir = mkdtempSync(join(tmpdir(), 'oz-size-'));
  await viteBuild({ configFile: join(root, 'vite.config.ts'), logLevel: 'error', build: { outDir: join(dir, 'dist'), emptyOutDir: true, sourcemap: false } });
  const entry = ['dist/index.js', 'dist/oz-liveness.js'].find((f) => existsSync(join(dir, f)));
  if (!entry) throw new Error(`checks/size: the Vite build in ${dir} has no entry module`);
  return { dir, entry, source: 'vite build (vite.config.ts) into a temp folder', temp: true };
}

/** The entry module and every module it imports statically (its own chunks), not the workers or assets. */
function entryModules(dir, entry) {
  const seen = new Set();
  const visit = (file) => {
    if (seen.has(file)) return;
    seen.add(file);
    const code = readFileSync(join(dir, file), 'utf8');
    for (const m of code.matchAll(/(?:\bimport|\bexport)\s*(?:[\w*{}\s,$]*?\bfrom\s*)?["'](\.{1,2}\/[^"']+)["']/g)) visit(join(dirname(file), m[1]));
  };
  visit(entry);
  return [...seen];
}

/** A static server over /pkg/ (the build) and /node_modules/ (lit, the host's own copy); it logs every response. */
function startServer(pkgDir) {
  const log = [];
  const page = (attrs) => `<!doctype html><meta charset="utf-8"><title>size</title><link rel="icon" href="data:,">
<script type="importmap">${JSON.stringify({
    imports: {
      lit: '/node_modules/lit/index.js',
      'lit/': '/node_modules/lit/',
      'lit-html': '/node_modules/lit-html/lit-html.js',
      'lit-html/': '/node_modules/lit-html/',
      'lit-element/': '/node_modules/lit-element/',
      '@lit/reactive-element': '/node_modules/@lit/reactive-element/reactive-element.js',
      '@lit/reactive-element/': '/node_modules/@lit/reactive-element/',
    },
  })}</script><body>${attrs}</body>`;
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    let file;
    if (url.pathname.startsWith('/pkg/')) file = join(pkgDir, decodeURIComponent(url.pathname.slice(5)));
    else if (url.pathname.startsWith('/node_modules/')) file = join(root, decodeURIComponent(url.pathname.slice(1)));
    let body, type;
    if (url.pathname === '/') {
      body = Buffer.from(page(url.searchParams.get('body') ?? ''));
      type = types['.html'];
    } else if (file && (file.startsWith(pkgDir + sep) || file.startsWith(join(root, 'node_modules') + sep)) && existsSync(file)) {
      body = readFileSync(file);
      type = types[extname(file)] ?? 'application/octet-stream';
    }
    if (!body) {
      log.push({ path: url.pathname, status: 404, raw: 0, sent: 0, gzip: 0 });
      res.writeHead(404).end();
      return;
    }
    // Sent compressed, as any real host would: the transferred bytes are then the gzip body.
    const compressed = /\bgzip\b/.test(String(req.headers['accept-encoding'])) ? gzipSync(body, { level: zlib.Z_BEST_COMPRESSION }) : undefined;
    const sent = compressed ?? body;
    log.push({ path: url.pathname, status: 200, raw: body.length, sent: sent.length, gzip: gzip(body) });
    res.writeHead(200, { 'content-type': type, 'content-length': sent.length, 'cache-control': 'no-store', ...(compressed ? { 'content-encoding': 'gzip' } : {}) });
    res.end(sent);
  });
  return new Promise((resolveServer) => server.listen(0, '127.0.0.1', () => resolveServer({ server, log, origin: `http://127.0.0.1:${server.address().port}` })));
}

/**
 * Runs one capture in a fresh browser context and returns the responses it caused. `until` is 'complete' (wait for
 * capture-complete) or a path fragment (wait until a response for it was logged, then close the element).
 */
async function capture(browser, srv, { entry }, attrs, until, { model } = {}) {
  const context = await browser.createBrowserContext();
  const from = srv.log.length;
  try {
    const page = await context.newPage();
    await page.setCacheEnabled(false);
    await page.goto(`${srv.origin}/?body=${encodeURIComponent(`<oz-liveness architecture="capture" ${attrs}></oz-liveness>`)}`);
    await page.evaluate(async (src, model) => {
      const pkg = await import(src);
      const el = document.querySelector('oz-liveness');
      // The host's choice of detector, through the package's own export.
      if (model) el.detector = new pkg.WorkerDetector({ model });
      el.captureOptions = { positionHoldMs: 200, instructMs: 200 };
      window.outcome = new Promise((resolveOutcome) => {
        el.addEventListener('capture-complete', () => resolveOutcome('complete'), { once: true });
        el.addEventListener('error', (e) => resolveOutcome(`error ${e.detail.code}: ${e.detail.message}`), { once: true });
      });
      await el.open();
    }, `/pkg/${entry}`, model);
    if (until === 'complete') {
      const outcome = await page.evaluate(() => window.outcome);
      if (outcome !== 'complete') throw new Error(`checks/size: the capture (${attrs}) ended with ${outcome}`);
    } else {
      const deadline = Date.now() + 60_000;
      while (!srv.log.slice(from).some((r) => r.path.includes(until))) {
        if (Date.now() > deadline) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      await page.evaluate(() => document.querySelector('oz-liveness').close());
    }
    return srv.log.slice(from);
  } finally {
    await context.close();
  }
}

const kb = (n) => (n / KB).toFixed(1).padStart(8);

export async function checkSize() {
  const chrome = findChrome();
  if (!chrome) throw new Error(installHint);
  const built = await buildElement();
  const srv = await startServer(built.dir);
  const browser = await puppeteer.launch({
    executablePath: chrome,
    headless: true,
    args: [...baseChromeArgs.filter((a) => !a.startsWith('--headless')), ...fakeCameraArgs(prepareScenes()['face-frontal'])],
  });
  try {
    // With a best shot: the most a blank capture loads.
    const blank = (await capture(browser, srv, built, 'action="video_selfie_blank" extract-best-shot', 'complete')).filter((r) => r.path !== '/');
    const smile = await capture(browser, srv, built, 'action="video_selfie_smile"', 'emotion.bin');
    const eyes = await capture(browser, srv, built, 'action="video_selfie_eyes"', 'facemesh.bin');
    // For comparison, no budget: the same blank capture with Human, the opt-in detector.
    const human = (await capture(browser, srv, built, 'action="video_selfie_blank" extract-best-shot', 'complete', { model: 'human' })).filter((r) => r.path !== '/');
    const modules = entryModules(built.dir, built.entry);
    const entryGzip = modules.reduce((sum, f) => sum + gzip(readFileSync(join(built.dir, f))), 0);
    const blankGzip = blank.reduce((s, r) => s + r.gzip, 0);
    const fetched = (log, model) => log.some((r) => r.status === 200 && r.path.endsWith(`/${model}.bin`));
    const checks = [
      { name: `entry gzip <= ${budgets.entryGzip / KB} kB`, ok: entryGzip <= budgets.entryGzip, value: `${(entryGzip / KB).toFixed(1)} kB` },
      { name: `blank capture gzip <= ${budgets.blankGzip / KB} kB`, ok: blankGzip <= budgets.blankGzip, value: `${(blankGzip / KB).toFixed(1)} kB` },
      { name: 'blank capture: every response 200', ok: blank.every((r) => r.status === 200), value: blank.filter((r) => r.status !== 200).map((r) => r.path).join(', ') || 'yes' },
      ...activeModels.map((m) => ({ name: `blank capture does not fetch ${m}`, ok: !fetched(blank, m), value: fetched(blank, m) ? 'fetched' : 'not fetched' })),
      { name: 'smile capture fetches emotion', ok: fetched(smile, 'emotion'), value: fetched(smile, 'emotion') ? 'fetched' : 'not fetched' },
      { name: 'eyes capture fetches facemesh', ok: fetched(eyes, 'facemesh'), value: fetched(eyes, 'facemesh') ? 'fetched' : 'not fetched' },
    ];
    const models = (log) => log.filter((r) => /\.(bin|json)$/.test(r.path)).map((r) => r.path.split('/').pop());
    const humanBlankGzip = human.reduce((s, r) => s + r.gzip, 0);
    return { source: built.source, blank, blankGzip, humanBlankGzip, entryGzip, entry: modules.join(' + '), models: { smile: models(smile), eyes: models(eyes) }, checks };
  } finally {
    await browser.close();
    srv.server.close();
    if (built.temp) rmSync(built.dir, { recursive: true, force: true });
  }
}

function print(report) {
  console.log(`Build: ${report.source}. Sizes in kB (1000 bytes); transferred = the gzip body the server sent.\n`);
  console.log(`${'blank capture: file'.padEnd(58)} ${'raw'.padStart(8)} ${'sent'.padStart(8)} ${'gzip -9'.padStart(8)}`);
  for (const r of report.blank) console.log(`${r.path.slice(0, 58).padEnd(58)} ${kb(r.raw)} ${kb(r.sent)} ${kb(r.gzip)}`);
  const sum = (k) => report.blank.reduce((s, r) => s + r[k], 0);
  console.log(`${'total'.padEnd(58)} ${kb(sum('raw'))} ${kb(sum('sent'))} ${kb(sum('gzip'))}\n`);
  console.log(`the same blank capture with the opt-in Human detector: ${(report.humanBlankGzip / KB).toFixed(1)} kB gzip`);
  console.log(`entry ${report.entry}: ${(report.entryGzip / KB).toFixed(1)} kB gzip`);
  for (const [action, files] of Object.entries(report.models)) console.log(`${action} capture fetched: ${files.join(', ')}`);
  console.log('');
  for (const c of report.checks) console.log(`${c.ok ? 'ok  ' : 'FAIL'} ${c.name}: ${c.value}`);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const report = await checkSize();
  if (process.argv.includes('--json')) console.log(JSON.stringify(report, null, 2));
  else print(report);
  process.exitCode = report.checks.every((c) => c.ok) ? 0 : 1;
}
