// Capture-stage benchmark: drives headless Chromium (puppeteer-core) with the frontal fake camera through a real
// blank capture and reports: time from permission to the first preview frame, to the face model being ready and to
// the first guidance hint; guidance frames per second; the main thread's longest task. As a baseline measured in the
// same run, the same detector runs on the main thread, to show what the face worker saves.
import { startDevServer } from '@web/dev-server';
import { esbuildPlugin } from '@web/dev-server-esbuild';
import puppeteer from 'puppeteer-core';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { baseChromeArgs, fakeCameraArgs, findChrome, installHint } from './find-chrome.mjs';
import { prepareScenes } from './fixtures.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const GUIDANCE_WINDOW_MS = 4000;

const page = `<!doctype html><meta charset="utf-8"><title>capture bench</title><body><script type="module">
import { CaptureFlow } from '/src/capture/capture-flow.ts';
import { HumanDetector } from '/src/face/human-detector.ts';
import { WorkerDetector } from '/src/face/worker-detector.ts';
import { faceAssetUrls } from '/src/face/assets.ts';
import { grabFrame } from '/src/face/frame-grab.ts';

const longTasks = [];
const record = (entries) => { for (const e of entries) longTasks.push({ start: e.startTime, duration: e.duration }); };
const observer = new PerformanceObserver((list) => record(list.getEntries()));
observer.observe({ type: 'longtask', buffered: true });
// Entries are delivered lazily; a busy loop could otherwise end before they arrive.
const longest = (from, to) => (record(observer.takeRecords()), longTasks).filter((t) => t.start >= from && t.start < to).reduce((m, t) => Math.max(m, t.duration), 0);
const count = (from, to, min = 50) => longTasks.filter((t) => t.start >= from && t.start < to && t.duration > min).length;

async function openCamera() {
  const asked = performance.now();
  const stream = await navigator.mediaDevices.getUserMedia({ video: { width: 640, height: 480 }, audio: false });
  const permitted = performance.now();
  const video = document.createElement('video');
  video.muted = true; video.playsInline = true; video.style.transform = 'scaleX(-1)';
  document.body.append(video);
  const shown = new Promise((r) => video.requestVideoFrameCallback(() => r(performance.now())));
  video.srcObject = stream;
  await video.play();
  return { stream, video, asked, permitted, firstFrame: await shown };
}

async function workerFlow() {
  const cam = await openCamera();
  const t = {};
  let frames = 0, guidanceFrom = 0;
  const flow = new CaptureFlow({
    stream: cam.stream, video: cam.video, actions: ['video_selfie_blank'], positionHoldMs: ${GUIDANCE_WINDOW_MS},
    onState: (s) => {
      if (s === 'positioning') t.modelReady = performance.now();
      if (s === 'instruct') t.positioned = performance.now();
      if (s === 'encoding') t.encoding = performance.now();
    },
    onHint: () => { t.firstHint ??= performance.now(); },
    onObservation: () => { if (t.modelReady && !t.positioned) { if (!frames) guidanceFrom = performance.now(); frames++; } },
  });
  const started = performance.now();
  const result = await flow.run();
  const end = performance.now();
  const models = result.technical.models;
  return {
    previewMs: cam.firstFrame - cam.permitted,
    permissionMs: cam.permitted - cam.asked,
    modelReadyMs: t.modelReady - started,
    firstGuidanceMs: t.firstHint - started,
    guidanceFps: (frames - 1) * 1000 / (t.positioned - guidanceFrom),
    meanInferenceMs: result.technical.timings.meanInferenceMs,
    longestTaskMs: longest(started, end),
    longTasksOver50: count(started, end),
    longestDuringGuidanceMs: longest(guidanceFrom, t.positioned),
    longestLoadingMs: longest(started, t.modelReady),
    longestActionMs: longest(t.positioned, t.encoding),
    longestEncodingMs: longest(t.encoding, end),
    clipBytes: result.clips[0].blob.size,
    clipMs: result.clips[0].duration_ms,
    totalMs: end - started,
    modelLoadMs: models.loadMs,
    modelBytes: models.bytes,
    modelFiles: models.files,
  };
}

async function perFrame() {
  const cam = await openCamera();
  const d = new WorkerDetector();
  const out = {};
  let t = performance.now();
  await d.load(['detect']);
  out.loadDetectMs = performance.now() - t;
  t = performance.now();
  await d.load(['detect', 'mesh']);
  out.loadMeshMs = performance.now() - t;
  t = performance.now();
  await d.load(['detect', 'mesh', 'smile']);
  out.loadSmileMs = performance.now() - t;
  out.bytes = d.lastLoad.modelBytes;
  for (const [name, features] of [['detect', ['detect']], ['mesh', ['detect', 'mesh']], ['smile', ['detect', 'mesh', 'smile']]]) {
    for (const width of [320, 640]) {
      const inf = [];
      for (let i = 0; i < 25; i++) inf.push((await d.detect(await grabFrame(cam.video, width), features)).inferenceMs);
      inf.splice(0, 5);
      inf.sort((a, b) => a - b);
      out[name + '@' + width] = { mean: inf.reduce((a, b) => a + b, 0) / inf.length, p90: inf[Math.floor(inf.length * 0.9)] };
    }
  }
  d.dispose();
  cam.stream.getTracks().forEach((tr) => tr.stop());
  cam.video.remove();
  return out;
}

async function mainThreadBaseline() {
  const cam = await openCamera();
  const d = new HumanDetector(faceAssetUrls());
  await d.load(['detect']);
  await d.detect(await grabFrame(cam.video, 320), ['detect']);
  const from = performance.now();
  let frames = 0;
  while (performance.now() - from < ${GUIDANCE_WINDOW_MS}) {
    await d.detect(await grabFrame(cam.video, 320), ['detect']);
    frames++;
  }
  const to = performance.now();
  d.dispose();
  cam.stream.getTracks().forEach((tr) => tr.stop());
  return { guidanceFps: frames * 1000 / (to - from), longestTaskMs: longest(from, to), longTasksOver50: count(from, to) };
}

window.bench = async () => ({ worker: await workerFlow(), perFrame: await perFrame(), main: await mainThreadBaseline() });
window.benchReady = true;
</script>`;

const chrome = findChrome();
if (!chrome) {
  console.error(installHint);
  process.exit(1);
}
const scenes = prepareScenes();
const server = await startDevServer({
  config: {
    rootDir: root,
    port: 0,
    nodeResolve: true,
    plugins: [
      { name: 'bench-page', serve: (ctx: { path: string }) => (ctx.path === '/__bench__.html' ? { body: page, type: 'html' } : undefined) },
      esbuildPlugin({ ts: true, target: 'es2022', tsconfig: resolve(root, 'tsconfig.json') }),
    ],
  },
  readCliArgs: false,
  readFileConfig: false,
  logStartMessage: false,
});
const address = server.server?.address();
const port = typeof address === 'object' && address ? address.port : 0;
const browser = await puppeteer.launch({ executablePath: chrome, headless: true, args: [...baseChromeArgs, ...fakeCameraArgs(scenes['face-frontal'])] });
try {
  const tab = await browser.newPage();
  tab.on('pageerror', (e) => console.error('page error:', e));
  await tab.goto(`http://localhost:${port}/__bench__.html`);
  await tab.waitForFunction('window.benchReady === true', { timeout: 60_000 });
  type Figures = Record<string, unknown> & Record<string, number>;
  const r = (await tab.evaluate('window.bench()')) as { worker: Figures; perFrame: Record<string, { mean: number; p90: number } | number | Record<string, number>>; main: Figures };
  const w = r.worker, m = r.main;
  const ms = (v: number) => `${v.toFixed(0)} ms`;
  const rows: [string, string, string, string][] = [
    ['permission -> first preview frame', ms(w.previewMs), '<= 300 ms', w.previewMs <= 300 ? 'ok' : 'MISSED'],
    ['flow start -> model ready (blazeface)', ms(w.modelReadyMs), '', ''],
    ['flow start -> first guidance hint', ms(w.firstGuidanceMs), '', ''],
    ['guidance frames/s (face worker, 320 px)', w.guidanceFps.toFixed(1), '>= 15', w.guidanceFps >= 15 ? 'ok' : 'MISSED'],
    ['mean inference per frame (whole flow)', ms(w.meanInferenceMs), '', ''],
    ['longest main-thread task, whole flow', ms(w.longestTaskMs), '<= 50 ms', w.longestTaskMs <= 50 ? 'ok' : 'MISSED'],
    ['  main-thread tasks > 50 ms, whole flow', String(w.longTasksOver50), '', ''],
    ['  longest while loading the model', ms(w.longestLoadingMs), '<= 50 ms', w.longestLoadingMs <= 50 ? 'ok' : 'MISSED'],
    ['  longest during guidance', ms(w.longestDuringGuidanceMs), '<= 50 ms', w.longestDuringGuidanceMs <= 50 ? 'ok' : 'MISSED'],
    ['  longest during the action (recording)', ms(w.longestActionMs), '<= 50 ms', w.longestActionMs <= 50 ? 'ok' : 'MISSED'],
    ['  longest while encoding the result', ms(w.longestEncodingMs), '<= 50 ms', w.longestEncodingMs <= 50 ? 'ok' : 'MISSED'],
    ['blank clip', `${w.clipMs} ms, ${(w.clipBytes / 1024).toFixed(0)} KiB`, '', ''],
    ['whole blank capture (incl. 4 s guidance window)', ms(w.totalMs), '', ''],
    ['baseline: detector on the main thread, frames/s', m.guidanceFps.toFixed(1), '', `worker/main ${(w.guidanceFps / m.guidanceFps).toFixed(2)}x`],
    ['baseline: longest main-thread task', ms(m.longestTaskMs), '', `${m.longTasksOver50} tasks > 50 ms`],
  ];
  const pad = (s: string, n: number) => s.padEnd(n);
  console.log(`\ncapture bench (Chromium ${await browser.version()}, fake camera: face-frontal 640x480)\n`);
  console.log(`${pad('measure', 50)}${pad('value', 20)}${pad('target', 12)}result`);
  for (const [a, b, c, d] of rows) console.log(`${pad(a, 50)}${pad(b, 20)}${pad(c, 12)}${d}`);
  console.log(`\nper-frame inference in the face worker (ms, mean / p90 over 20 frames after 5 warm-up):`);
  for (const [k, v] of Object.entries(r.perFrame)) {
    if (typeof v === 'object' && v && 'mean' in v) console.log(`  ${pad(k, 14)} ${(v as { mean: number }).mean.toFixed(1).padStart(6)} / ${(v as { p90: number }).p90.toFixed(1).padStart(6)}`);
  }
  const pf = r.perFrame as Record<string, number> & { bytes: Record<string, number> };
  console.log(`model load: blazeface ${ms(pf.loadDetectMs)} (incl. worker + wasm start), + facemesh ${ms(pf.loadMeshMs)}, + emotion ${ms(pf.loadSmileMs)}`);
  console.log(`model weights loaded for blank: ${(w.modelFiles as unknown as string[]).join(', ')}; bytes ${JSON.stringify(w.modelBytes)}`);
  console.log(`all face models (with smile): ${JSON.stringify(pf.bytes)}`);
} finally {
  await browser.close();
  await server.stop();
}
