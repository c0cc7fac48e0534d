// The published package as a host gets it: `npm run build`, `npm pack`, the tarball installed into a fresh Vite app,
// that app built and served, and a capture run there in headless Chromium on the fake camera's frontal scene. Also:
// what the tarball holds, the installed declarations against a TypeScript host file, and the installed CLI.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import type { Server } from 'node:http';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import puppeteer, { type Browser } from 'puppeteer-core';
import { Codec, compileCodec } from '../../src/container/codec.ts';
import { packContainer } from '../../src/container/pack.ts';
import { containerBytes } from '../../src/container/seal.ts';
import { issueSession, sampleCapture } from './container-harness.ts';
import { serveFolder } from '../support/static-files.ts';

const exec = promisify(execFile);
const root = new URL('../../', import.meta.url).pathname;

import { baseChromeArgs, fakeCameraArgs, findChrome, installHint } from '../../scripts/browser/find-chrome.mjs';
import { prepareScenes } from '../../scripts/browser/fixtures.mjs';

/** Runs a command to the end; a failure carries its output, which is what anyone debugging it needs. */
async function run(file: string, args: string[], cwd: string, timeout = 600_000): Promise<{ stdout: string; stderr: string }> {
  try {
    return await exec(file, args, { cwd, timeout, maxBuffer: 64 * 1024 * 1024, env: { ...process.env, npm_config_update_notifier: 'false' } });
  } catch (e) {
    const { stdout, stderr, message } = e as { stdout?: string; stderr?: string; message: string };
    throw new Error(`${file} ${args.join(' ')} failed in ${cwd}: ${message}\n${stdout ?? ''}\n${stderr ?? ''}`);
  }
}

/** What the tarball may hold: the build, the manifest, the README and the docs' text. */
const shipped = [/^package\.json$/, /^README\.md$/, /^custom-elements\.json$/, /^docs\/[\w-]+\.md$/, /^dist\/.+/];
/** What the build must put there for the element, its declarations and the CLI to work. */
const required = [
  'dist/index.js', 'dist/define.js', 'dist/element.js', 'dist/global.js', 'dist/cli.mjs',
  'dist/types/index.d.ts', 'dist/types/define.d.ts', 'dist/types/oz-liveness.d.ts', 'dist/types/global.d.ts', 'dist/types/events.d.ts',
  'dist/assets/face.worker.js', 'dist/assets/human.worker.js', 'dist/assets/container.worker.js', 'dist/assets/codec.wasm', 'dist/assets/p384.wasm', 'dist/assets/face.wasm', 'dist/assets/face-relaxed.wasm',
  'dist/assets/models/facemesh-detection-short.json', 'dist/assets/models/facemesh-detection-short.bin',
  'dist/assets/models/blazeface.json', 'dist/assets/models/blazeface.bin', 'dist/assets/models/facemesh.json',
  'dist/assets/models/facemesh.bin', 'dist/assets/models/emotion.json', 'dist/assets/models/emotion.bin',
  'dist/assets/wasm/tfjs-backend-wasm.wasm', 'dist/assets/wasm/tfjs-backend-wasm-simd.wasm', 'dist/assets/wasm/tfjs-backend-wasm-threaded-simd.wasm',
];

// The host's TypeScript: the tag map gives the element's type, its addEventListener the detail of each event. Each
// expect-error directive fails the check if the declarations lose their types (an `any` accepts everything).
const hostTypes = `import { OzError, type OzErrorCode, type OzLiveness } from 'oz-liveness';
import { OzLiveness as Unregistered } from 'oz-liveness/element';
import 'oz-liveness/global';

const el = document.querySelector('oz-liveness')!;
const same: OzLiveness = el;
const cls: typeof Unregistered = customElements.get('oz-liveness') as typeof Unregistered;
el.addEventListener('capture-complete', (e) => {
  const bytes: number = e.detail.result.clips[0].blob.size;
  const container: Blob | null = e.detail.container;
  // @ts-expect-error: the detail has no such field
  e.detail.nope;
  console.log(bytes, container);
});
el.addEventListener('error', (e) => {
  const code: OzErrorCode = e.detail.code;
  // @ts-expect-error: a code is one of the known strings
  const wrong: number = e.detail.code;
  console.log(code, wrong);
});
el.addEventListener('state', (e) => console.log(e.detail.state, e.detail.previous));
// @ts-expect-error: attributes are validated strings, not any
el.architecture = 'nonsense';
void el.open().catch((e: unknown) => e instanceof OzError && e.code);
void window.OzLiveness.open({ architecture: 'capture', on_capture_complete: (result) => result.clips.length });
console.log(same, cls);
`;

/** Serves a folder and records every path asked for. */
async function serve(dir: string): Promise<{ origin: string; requests: string[]; server: Server }> {
  const requests: string[] = [];
  const server = serveFolder(dir, (path) => requests.push(path));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests, server };
}

test('the packed package installs into a fresh Vite app, builds there and captures in Chromium', { timeout: 1_500_000 }, async (t) => {
  const executablePath = findChrome();
  if (!executablePath) throw new Error(installHint);
  const work = await mkdtemp(join(tmpdir(), 'oz-package-'));
  const app = join(work, 'app');
  let browser: Browser | null = null;
  let server: Server | null = null;
  try {
    await run('npm', ['run', 'build'], root);

    // The tarball: exactly the build and its documentation.
    const packed = JSON.parse((await run('npm', ['pack', '--json', '--pack-destination', work], root)).stdout) as { filename: string; files: { path: string }[] }[];
    const files = packed[0].files.map((f) => f.path);
    const unexpected = files.filter((f) => !shipped.some((re) => re.test(f)) || /\.(map|tsbuildinfo)$/.test(f) || (f.endsWith('.ts') && !f.endsWith('.d.ts')));
    assert.deepEqual(unexpected, [], 'files the package should not ship');
    assert.deepEqual(required.filter((f) => !files.includes(f)), [], 'files the package must ship');
    const tarball = join(work, packed[0].filename);

    // A fresh Vite app that only installs the tarball (its dependencies come with it) and Vite.
    await mkdir(app);
    await writeFile(join(app, 'package.json'), JSON.stringify({ name: 'fresh-app', private: true, type: 'module' }));
    await writeFile(join(app, 'index.html'), `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>fresh app</title><script type="module" src="/main.js"></script></head>
<body><oz-liveness architecture="capture" action="video_selfie_blank"></oz-liveness></body>
</html>
`);
    await writeFile(join(app, 'main.js'), "import 'oz-liveness';\n");
    const vite = JSON.parse(await readFile(join(root, 'node_modules/vite/package.json'), 'utf8')) as { version: string };
    await run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', tarball, `vite@${vite.version}`], app, 900_000);

    await t.test('the installed declarations type a host file', async () => {
      await writeFile(join(app, 'host.ts'), hostTypes);
      await writeFile(join(app, 'tsconfig.json'), JSON.stringify({
        compilerOptions: { target: 'ES2022', module: 'ESNext', moduleResolution: 'Bundler', lib: ['ES2022', 'DOM', 'DOM.Iterable'], strict: true, noEmit: true, types: [] },
        files: ['host.ts'],
      }));
      await run(join(root, 'node_modules/.bin/tsc'), ['-p', 'tsconfig.json'], app);
    });

    await t.test('the installed oz-container CLI runs without the repository\'s dev tools', async () => {
      const s = await issueSession();
      const packed = await packContainer(await Codec.instantiate(await compileCodec()), sampleCapture(s.token));
      const file = join(app, 'capture.ozc');
      await writeFile(file, containerBytes(packed));
      await writeFile(join(app, 'key.jwk'), JSON.stringify(s.keys.privateJwk));
      // --no: the bin the tarball installed, never one fetched for the occasion.
      const inspected = await run('npx', ['--no', 'oz-container', 'inspect', file], app);
      assert.match(inspected.stdout, /OZCF version 4/);
      assert.match(inspected.stdout, new RegExp(`session\\s+${s.sid}`));
      // open runs the codec: dist/assets/codec.wasm found next to dist/cli.mjs.
      const opened = await run('npx', ['--no', 'oz-container', 'open', file, '--key', 'key.jwk'], app);
      assert.match(opened.stdout, /clip\s+video_selfie_blank\.webm\s+1500\s+[0-9a-f]{64}/);
    });

    await run(join(app, 'node_modules/.bin/vite'), ['build'], app);
    const served = await serve(join(app, 'dist'));
    server = served.server;
    const { origin, requests } = served;

    const scenes = prepareScenes();
    browser = await puppeteer.launch({
      executablePath,
      headless: true,
      protocolTimeout: 300_000,
      args: [...baseChromeArgs.filter((a) => !a.startsWith('--headless')), ...fakeCameraArgs(scenes['face-frontal'])],
    });
    const page = await browser.newPage();
    const foreign: string[] = [];
    page.on('request', (req) => {
      const url = req.url();
      if (!url.startsWith(`${origin}/`) && !url.startsWith('data:') && !url.startsWith('blob:')) foreign.push(url);
    });
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(String(e)));
    await page.goto(`${origin}/`);
    await page.waitForFunction(() => customElements.get('oz-liveness') !== undefined && document.querySelector('oz-liveness') !== null);

    const outcome = await page.evaluate(async () => {
      const el = document.querySelector('oz-liveness')!;
      // Short holds: the point here is the package's files, not the guidance timing.
      el.captureOptions = { positionHoldMs: 200, instructMs: 200 };
      const done = new Promise<{ ok: true; clips: { action: string; size: number; mime: string }[] } | { ok: false; code: string; message: string }>((resolve) => {
        el.addEventListener('capture-complete', (e) => resolve({ ok: true, clips: e.detail.result.clips.map((c) => ({ action: c.action, size: c.blob.size, mime: c.mime })) }));
        el.addEventListener('error', (e) => resolve({ ok: false, code: e.detail.code, message: e.detail.message }));
        // Against a hang, not a time limit: a capture here takes seconds.
        setTimeout(() => resolve({ ok: false, code: 'no outcome', message: `still in state ${el.state}` }), 240_000);
      });
      await el.open();
      return done;
    });
    assert.ok(outcome.ok, `the capture failed: ${JSON.stringify(outcome)}`);
    assert.equal(outcome.clips.length, 1);
    assert.equal(outcome.clips[0].action, 'video_selfie_blank');
    assert.ok(outcome.clips[0].size > 0, 'the clip is empty');
    assert.deepEqual(pageErrors, []);
    assert.deepEqual(foreign, [], 'requests outside the app\'s origin');

    const fetched = (re: RegExp) => requests.filter((p) => re.test(p));
    // A second capture sealed in the container: the container worker and codec.wasm as the host's build copied them
    // (codec.wasm, under its inline limit, as a data: URL), opened by the installed CLI with the session's key.
    const session = await issueSession();
    const sealed = await page.evaluate(async (token) => {
      document.querySelector('oz-liveness')!.remove();
      const el = document.createElement('oz-liveness');
      for (const [name, value] of [['architecture', 'capture'], ['action', 'video_selfie_blank'], ['use-wasm-container', ''], ['api-use-session-token', 'client']]) el.setAttribute(name, value);
      el.sessionToken = token;
      el.captureOptions = { positionHoldMs: 200, instructMs: 200 };
      document.body.append(el);
      const done = new Promise<{ ok: true; container: string } | { ok: false; code: string; message: string }>((resolve) => {
        el.addEventListener('capture-complete', async (e) => {
          const bytes = new Uint8Array(await e.detail.container!.arrayBuffer());
          let binary = '';
          for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
          resolve({ ok: true, container: btoa(binary) });
        });
        el.addEventListener('error', (e) => resolve({ ok: false, code: e.detail.code, message: e.detail.message }));
        setTimeout(() => resolve({ ok: false, code: 'no outcome', message: `still in state ${el.state}` }), 240_000);
      });
      await el.open();
      return done;
    }, session.token);
    assert.ok(sealed.ok, `the sealed capture failed: ${JSON.stringify(sealed)}`);
    await writeFile(join(app, 'sealed.ozc'), Buffer.from(sealed.container, 'base64'));
    await writeFile(join(app, 'sealed-key.jwk'), JSON.stringify(session.keys.privateJwk));
    const opened = await run('npx', ['--no', 'oz-container', 'open', 'sealed.ozc', '--key', 'sealed-key.jwk'], app);
    assert.match(opened.stdout, new RegExp(`session\\s+${session.sid}`));
    assert.match(opened.stdout, /clip\s+video_selfie_blank_0\.webm\s+[1-9]\d*\s+[0-9a-f]{64}\s+video\/webm/);
    assert.deepEqual(pageErrors, []);
    assert.deepEqual(foreign, [], 'requests outside the app\'s origin');
    assert.ok(fetched(/^\/assets\/container\.worker-[\w-]+\.js$/).length > 0, requests.join('\n'));

    // The worker, the model and the wasm files came from the app's own build (renamed by its bundler).
    assert.ok(fetched(/^\/assets\/face\.worker-[\w-]+\.js$/).length > 0, requests.join('\n'));
    // The blank action needs the default detector's model alone; its .bin is found although the host's bundler
    // renamed it. (Its kernels, face.wasm or face-relaxed.wasm, are under the host's inline limit and arrive as a data: URL, as codec.wasm.)
    assert.ok(fetched(/^\/assets\/facemesh-detection-short-[\w-]+\.json$/).length > 0, requests.join('\n'));
    assert.ok(fetched(/^\/assets\/facemesh-detection-short-[\w-]+\.bin$/).length > 0, requests.join('\n'));
    assert.deepEqual(fetched(/facemesh(?!-detection-short)|emotion|blazeface|tfjs-backend-wasm/), [], 'models the blank action does not need');
  } finally {
    await browser?.close();
    server?.close();
    await rm(work, { recursive: true, force: true });
  }
});
