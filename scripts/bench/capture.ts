// Capture-stage benchmark: the default detector (BlazeFace short-range on the package's own kernels) against Human's
// blazeface (tfjs wasm backend), measured in one run on the same scene (frontal fake camera), each in the package's
// built worker with the package's files. For each, in a fresh browser context with the cache off, a real blank
// capture: time from flow start (camera on) to the model being ready and to the first guidance hint, guidance frames
// per second, the main thread's longest task; then detection per frame as the page sees it (frame grab, hand-over
// to the worker, preprocessing, inference, answer), in rounds (ROUNDS). As a baseline, the same detector on the main
// thread. In another fresh context, the check from LivenessSession.open() with the camera off: preview, model ready,
// first hint. The download of a blank capture comes from the size check (scripts/checks/size.mjs).
//
// A slower device: `--cpu PERCENT` runs the browser (not this script, which serves the files as a server would)
// pinned to one CPU (cgroup v1 `cpuset`) and, below 100, under a CPU quota of PERCENT of it (cgroup v1 `cpu`; root
// needed); Chromium's own CPU throttling spares workers, so it is no stand-in. The default is 100, one core; `--cpu 0`
// runs unlimited. When the limit cannot be set, the bench says so and runs unlimited.
// Usage: npm run bench:capture -- [--cpu 25] [--no-size]
import { startDevServer } from '@web/dev-server';
import { esbuildPlugin } from '@web/dev-server-esbuild';
import puppeteer, { type Browser } from 'puppeteer-core';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, rmdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { execFileSync } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { checkSize } from '../checks/size.mjs';
import { baseChromeArgs, fakeCameraArgs, findChrome, installHint } from '../browser/find-chrome.mjs';
import { prepareScenes } from '../browser/fixtures.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const GUIDANCE_WINDOW_MS = 4000;
// Frames per per-frame row, and how many at its start are left out: each row starts a fresh face worker, whose
// kernels run unoptimised until V8 tiers them up (here the first 5-9 frames took 6-29 ms, the rest 5-6 ms); the first
// inference after the model loads is reported in its own row.
const FRAMES = 60, WARMUP = 10;
// Rounds of the default detector's per-frame rows, the VideoFrame and bitmap paths in turn, each with a fresh camera
// and worker; the median round is reported. One round is a third of a second, and this shared host's speed moves by
// half from one minute to the next (the same build's network alone took 2.0 ms in one minute and 3.4 ms in the next,
// on the same pinned CPU), so a single round reports the host as much as the code. Human's rounds take seconds
// each: it runs one.
const ROUNDS = 5;

const arg = (name: string) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const cpuPercent = Number(arg('--cpu') ?? 100);
if (!Number.isFinite(cpuPercent) || cpuPercent < 0 || cpuPercent > 1600) {
  console.error(`--cpu takes a percentage of one core (1..1600, 0 for unlimited), not ${arg('--cpu')}`);
  process.exit(2);
}

const CGROUP_CPU = '/sys/fs/cgroup/cpu';
const CGROUP_CPUSET = '/sys/fs/cgroup/cpuset';
/**
 * The quota's accounting period, the kernel's default (100 ms). Once the group has spent its quota, the kernel
 * freezes every thread of it until the period ends, so long tasks appear at any setting below one core. A short
 * period makes the freezes short but costs every hand-over between threads (page, face worker, camera) a wait for
 * the next period: at 25 % with a 10 ms period the default detector gave 7.9 guidance frames/s and its first hint at
 * 2.27 s, against 12.2 and 1.40 s with 100 ms, on the same pinned CPU.
 */
const PERIOD_US = 100_000;

/** The CPU quota's group's own record: periods, how many of them froze the group, and for how long in all. */
function throttled(dir: string): string {
  try {
    const stat = Object.fromEntries(readFileSync(join(dir, 'cpu.stat'), 'utf8').trim().split('\n').map((l) => l.split(' ')));
    return `frozen in ${stat.nr_throttled} of ${stat.nr_periods} periods, ${(Number(stat.throttled_time) / 1e9).toFixed(2)} s in all`;
  } catch {
    return 'no cpu.stat';
  }
}

/**
 * PERCENT of one core for the browser alone. The browser is started through a wrapper that moves itself into the
 * groups before it runs Chromium, so its every process (renderer, workers' threads, GPU, camera) shares them:
 * - a cpuset group of ceil(PERCENT / 100) CPUs (the last ones), so "one core" is one core and never two at once
 *   (other processes of the machine may still run on it). A quota alone is no core: on this two-core machine a group
 *   allowed one core's time ran on both for half of each period and was then frozen for the other half, and every
 *   task in flight lasted that much longer (frozen in 48 of 55 periods in a run of the per-frame loop);
 * - when PERCENT is not a whole number of cores, a CFS quota of PERCENT % per {@link PERIOD_US} period.
 * This script, which serves the page, the code and the models as a server would, stays outside, on the other CPUs:
 * the slow device is the phone, not the server. Returns what was done, for the report, the executable to launch, the
 * quota's throttling record so far, and how to undo it all.
 */
function limitCpu(percent: number, executable: string): { note: string; executable: string; stat(): string; release(): void } {
  if (!percent) return { note: 'unlimited (--cpu 0)', executable, stat: () => '', release() {} };
  const made: string[] = [];
  const leave: (() => void)[] = [];
  let wrapperDir: string | undefined;
  const release = () => {
    if (wrapperDir) rmSync(wrapperDir, { recursive: true, force: true });
    for (const back of leave) back();
    // The browser's processes have exited by now or leave as they exit; a group can go once it is empty.
    for (const dir of made.reverse()) {
      for (let i = 0; i < 50; i++) {
        try {
          rmdirSync(dir);
          break;
        } catch {
          if (i === 49) console.error(`could not remove ${dir}`);
          else Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 100);
        }
      }
    }
  };
  try {
    const count = cpus().length;
    const cores = Math.min(count, Math.ceil(percent / 100));
    const first = count - cores;
    const cpuList = cores === 1 ? String(first) : `${first}-${count - 1}`;
    const setDir = join(CGROUP_CPUSET, `oz-bench-${process.pid}`);
    mkdirSync(setDir);
    made.push(setDir);
    writeFileSync(join(setDir, 'cpuset.cpus'), cpuList);
    writeFileSync(join(setDir, 'cpuset.mems'), readFileSync(join(CGROUP_CPUSET, 'cpuset.mems'), 'utf8').trim());
    const groups = [setDir];
    // This script, the file server, moves to the other CPUs, so that it never takes the browser's CPU from it.
    let serverCpus = '';
    if (first > 0) {
      const serverDir = join(CGROUP_CPUSET, `oz-bench-${process.pid}-server`);
      mkdirSync(serverDir);
      made.push(serverDir);
      serverCpus = first === 1 ? '0' : `0-${first - 1}`;
      writeFileSync(join(serverDir, 'cpuset.cpus'), serverCpus);
      writeFileSync(join(serverDir, 'cpuset.mems'), readFileSync(join(CGROUP_CPUSET, 'cpuset.mems'), 'utf8').trim());
      writeFileSync(join(serverDir, 'cgroup.procs'), String(process.pid));
      // Back out with every process that started inside (the dev server's esbuild service does), or the group stays.
      leave.push(() => {
        for (const pid of readFileSync(join(serverDir, 'cgroup.procs'), 'utf8').split('\n').filter(Boolean)) {
          try {
            writeFileSync(join(CGROUP_CPUSET, 'cgroup.procs'), pid);
          } catch {
            // it has exited meanwhile
          }
        }
      });
    }
    let quotaDir: string | undefined;
    if (percent % 100 !== 0) {
      quotaDir = join(CGROUP_CPU, `oz-bench-${process.pid}`);
      mkdirSync(quotaDir);
      made.push(quotaDir);
      writeFileSync(join(quotaDir, 'cpu.cfs_period_us'), String(PERIOD_US));
      writeFileSync(join(quotaDir, 'cpu.cfs_quota_us'), String(Math.round((percent / 100) * PERIOD_US)));
      groups.push(quotaDir);
    }
    wrapperDir = mkdtempSync(join(tmpdir(), 'oz-bench-'));
    const wrapper = join(wrapperDir, 'chromium');
    writeFileSync(wrapper, `#!/bin/sh\n${groups.map((d) => `echo $$ > ${join(d, 'cgroup.procs')} || exit 1\n`).join('')}exec ${JSON.stringify(executable)} "$@"\n`, { mode: 0o755 });
    const quota = quotaDir ? `, and ${percent} % of one core on them (cgroup v1 cpu.cfs_quota_us ${Math.round((percent / 100) * PERIOD_US)} / period ${PERIOD_US})` : '';
    return {
      note: `${percent} % of one core for the browser: pinned to CPU ${cpuList} of ${count} (cgroup v1 cpuset ${setDir})${quota}; the file server outside it${serverCpus ? `, on CPU ${serverCpus}` : ''}`,
      executable: wrapper,
      stat: () => (quotaDir ? throttled(quotaDir) : ''),
      release,
    };
  } catch (e) {
    release();
    return { note: `UNLIMITED: the ${percent} % limit could not be set (${(e as Error).message}); cgroup v1 cpuset and cpu controllers at ${CGROUP_CPUSET} and ${CGROUP_CPU} and root are needed`, executable, stat: () => '', release() {} };
  }
}

const page = `<!doctype html><meta charset="utf-8"><title>capture bench</title><body><script type="module">
import { CaptureFlow } from '/src/capture/capture-flow.ts';
import { HumanDetector } from '/src/face/human-detector.ts';
import { BlazeFaceDetector } from '/src/face/blazeface-detector.ts';
import { WorkerDetector } from '/src/face/worker-detector.ts';
import { faceAssetUrls } from '/src/face/assets.ts';
import { grabFrame, videoFrameOf } from '/src/face/frame-grab.ts';
import { LivenessSession } from '/src/session/session.ts';
import { resolveConfig } from '/src/config.ts';
import { en } from '/src/i18n/en.ts';

// The workers and their files as the package ships them (npm run build): one bundled script per worker, so the
// time to a ready model is what a user's browser spends, not the dev server's module graph.
const PACKAGE = { workerUrl: '/dist/assets/face.worker.js', humanWorkerUrl: '/dist/assets/human.worker.js', assetsUrl: '/dist/assets/' };
const longTasks = [];
const record = (entries) => { for (const e of entries) longTasks.push({ start: e.startTime, duration: e.duration }); };
const observer = new PerformanceObserver((list) => record(list.getEntries()));
observer.observe({ type: 'longtask', buffered: true });
// Entries are delivered lazily; a busy loop could otherwise end before they arrive.
const longest = (from, to) => (record(observer.takeRecords()), longTasks).filter((t) => t.start >= from && t.start < to).reduce((m, t) => Math.max(m, t.duration), 0);
const count = (from, to, min = 50) => longTasks.filter((t) => t.start >= from && t.start < to && t.duration > min).length;
const stats = (values) => {
  const v = values.slice(${WARMUP}).sort((a, b) => a - b);
  return { mean: v.reduce((a, b) => a + b, 0) / v.length, p90: v[Math.floor(v.length * 0.9)] };
};

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
const closeCamera = (cam) => { cam.stream.getTracks().forEach((tr) => tr.stop()); cam.video.remove(); };

async function workerFlow(model) {
  const cam = await openCamera();
  const t = {};
  let frames = 0, guidanceFrom = 0;
  const detector = new WorkerDetector({ model, ...PACKAGE });
  const flow = new CaptureFlow({
    stream: cam.stream, video: cam.video, actions: ['video_selfie_blank'], positionHoldMs: ${GUIDANCE_WINDOW_MS}, detector,
    onState: (s) => {
      if (s === 'positioning') t.modelReady = performance.now();
      if (s === 'instruct') t.positioned = performance.now();
      if (s === 'encoding') t.encoding = performance.now();
    },
    onHint: () => { t.firstHint ??= performance.now(); },
    onObservation: (obs) => {
      if (t.firstObservation === undefined) { t.firstObservation = performance.now(); t.firstInference = obs.inferenceMs; }
      if (t.modelReady && !t.positioned) { if (!frames) guidanceFrom = performance.now(); frames++; }
    },
  });
  const started = performance.now();
  const result = await flow.run();
  const end = performance.now();
  const counts = model === 'human' ? null : await detector.counts();
  detector.dispose();
  const models = result.technical.models;
  return {
    previewMs: cam.firstFrame - cam.permitted,
    modelReadyMs: t.modelReady - started,
    firstGuidanceMs: t.firstHint - started,
    firstFrameMs: t.firstObservation - t.modelReady,
    firstInferenceMs: t.firstInference,
    guidanceFps: (frames - 1) * 1000 / (t.positioned - guidanceFrom),
    cameraFps: result.technical.timings.observedFrameRate,
    meanInferenceMs: result.technical.timings.meanInferenceMs,
    longestTaskMs: longest(started, end),
    longTasksOver50: count(started, end),
    longestDuringGuidanceMs: longest(guidanceFrom, t.positioned),
    longestLoadingMs: longest(started, t.modelReady),
    totalMs: end - started,
    workerLoadMs: models.loadMs,
    modelFiles: models.files,
    modelBytes: models.bytes,
    counts,
  };
}

/**
 * Per frame as the page sees it: grab, hand over, preprocess, infer, answer. The grab is the flow's: a VideoFrame
 * where the browser makes one (bitmaps false), else an ImageBitmap at the flow's 320 px. reuseUnchanged false puts
 * every frame through the network; true is what guidance does (the still scene is then mostly reused).
 */
async function perFrame(model, reuseUnchanged = false, bitmaps = false) {
  const cam = await openCamera();
  const d = new WorkerDetector({ model, reuseUnchanged, ...PACKAGE });
  await d.load(['detect']);
  const roundTrip = [], inference = [];
  const { videoWidth: width, videoHeight: height } = cam.video;
  for (let i = 0; i < ${FRAMES}; i++) {
    const t0 = performance.now();
    const frame = bitmaps ? null : videoFrameOf(cam.video);
    const obs = frame
      ? await d.detectVideoFrame({ frame, width, height, timestamp: t0, detectWidth: 320 }, ['detect'])
      : await d.detect(await grabFrame(cam.video, 320), ['detect']);
    roundTrip.push(performance.now() - t0);
    inference.push(obs.inferenceMs);
  }
  d.dispose();
  closeCamera(cam);
  return { roundTrip: stats(roundTrip), inference: stats(inference) };
}

/** The same detector on the main thread, to show what the worker spares the page. */
async function mainThread(model) {
  const cam = await openCamera();
  const urls = faceAssetUrls();
  const d = model === 'human'
    ? new HumanDetector(urls)
    : new BlazeFaceDetector({ modelUrl: urls.files['facemesh-detection-short.json'], weightsUrl: urls.files['facemesh-detection-short.bin'], wasmUrl: urls.faceWasmUrl });
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
  closeCamera(cam);
  return { guidanceFps: frames * 1000 / (to - from), longestTaskMs: longest(from, to), longTasksOver50: count(from, to) };
}

/**
 * The check as a user starts it: LivenessSession.open() with the camera still off, to the preview, the model ready
 * (positioning) and the first hint. The session loads the model while the camera opens.
 */
async function sessionRun(model) {
  const video = document.createElement('video');
  video.muted = true;
  document.body.append(video);
  const detector = new WorkerDetector({ model, ...PACKAGE });
  const session = new LivenessSession({ strings: () => en, preview: async () => video, tuning: () => ({ positionHoldMs: 400 }), detector: () => detector });
  const t = {};
  session.addEventListener('state', ({ detail }) => { t[detail.state] ??= performance.now(); });
  session.addEventListener('hint', () => { t.hint ??= performance.now(); });
  const done = new Promise((resolve, reject) => {
    session.addEventListener('capture-complete', resolve, { once: true });
    session.addEventListener('error', ({ detail }) => reject(new Error(detail.error.code)), { once: true });
  });
  const started = performance.now();
  await session.open(resolveConfig({ architecture: 'capture', action: 'video_selfie_blank' }, document.baseURI));
  await done;
  session.disconnect();
  detector.dispose();
  video.remove();
  return { previewMs: t.preview - started, modelReadyMs: t.positioning - started, firstHintMs: t.hint - started };
}

window.session = sessionRun;
/** perFrame's rows in rounds, the two paths in turn: each figure is the median of the rounds', with every round's mean. */
async function perFrameRounds(model) {
  const rounds = model === 'human' ? 1 : ${ROUNDS};
  const frames = [], bitmaps = [];
  for (let r = 0; r < rounds; r++) {
    frames.push(await perFrame(model));
    bitmaps.push(await perFrame(model, false, true));
  }
  const median = (v) => v.slice().sort((a, b) => a - b)[Math.floor(v.length / 2)];
  const pick = (list) => ({
    roundTrip: { mean: median(list.map((x) => x.roundTrip.mean)), p90: median(list.map((x) => x.roundTrip.p90)) },
    inference: { mean: median(list.map((x) => x.inference.mean)), p90: median(list.map((x) => x.inference.p90)) },
    rounds: list.map((x) => x.roundTrip.mean),
  });
  return { perFrame: pick(frames), bitmaps: pick(bitmaps) };
}

window.bench = async (model) => ({ flow: await workerFlow(model), ...(await perFrameRounds(model)), reused: model === 'human' ? null : await perFrame(model, true), main: await mainThread(model), videoFrames: typeof VideoFrame === 'function' });
window.warmUp = (model) => perFrame(model);
window.benchReady = true;
</script>`;

type Stats = { mean: number; p90: number };
type Rounds = { roundTrip: Stats; inference: Stats; rounds: number[] };
interface Figures {
  session: { previewMs: number; modelReadyMs: number; firstHintMs: number };
  flow: Record<string, number> & { modelFiles: string[]; modelBytes: Record<string, number>; counts: { frames: number; networkRuns: number } | null };
  perFrame: Rounds;
  bitmaps: Rounds;
  videoFrames: boolean;
  reused: { roundTrip: Stats; inference: Stats } | null;
  main: Record<string, number>;
}

const chrome = findChrome();
if (!chrome) {
  console.error(installHint);
  process.exit(1);
}
const scenes = prepareScenes();

// The download does not depend on the CPU: measured first, without the quota. The size check builds the package;
// without it the bench builds it itself, for the workers it runs.
let download: { blank: number; human: number } | undefined;
if (!process.argv.includes('--no-size')) {
  const size = await checkSize();
  download = { blank: size.blankGzip, human: size.humanBlankGzip };
} else {
  execFileSync('npm', ['run', '--silent', 'build'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
}

const load = (l: number[]) => l.map((v) => v.toFixed(2)).join(' ');
const loadBefore = loadavg();
/**
 * /proc/stat's ticks of the last CPU (the one the browser is pinned to): on a shared virtual machine, "steal" is the
 * time the host gave that CPU to someone else, which no setting here controls and which every figure then carries.
 */
const cpuTicks = () => {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n').find((l) => l.startsWith(`cpu${cpus().length - 1} `));
    const [user, nice, system, idle, iowait, irq, softirq, steal] = line!.trim().split(/\s+/).slice(1).map(Number);
    return { busy: user! + nice! + system! + irq! + softirq!, idle: idle! + iowait!, steal: steal! };
  } catch {
    return undefined;
  }
};
const ticksBefore = cpuTicks();
const quota = limitCpu(cpuPercent, chrome);
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
let browser: Browser | undefined;
const models = ['human', 'blazeface'] as const;
const results: Partial<Record<(typeof models)[number], Figures>> = {};
try {
  browser = await puppeteer.launch({ executablePath: quota.executable, headless: true, args: [...baseChromeArgs, ...fakeCameraArgs(scenes['face-frontal'])] });
  const run = async (fn: string, model: string) => {
    const context = await browser!.createBrowserContext();
    try {
      const tab = await context.newPage();
      await tab.setCacheEnabled(false);
      tab.on('pageerror', (e) => console.error('page error:', e));
      await tab.goto(`http://localhost:${port}/__bench__.html`);
      await tab.waitForFunction('window.benchReady === true', { timeout: 120_000 });
      return await tab.evaluate(`window.${fn}(${JSON.stringify(model)})`);
    } finally {
      await context.close();
    }
  };
  // The dev server compiles each source on its first request; a throwaway pass keeps that out of the figures.
  for (const model of models) await run('warmUp', model);
  for (const model of models) results[model] = (await run('bench', model)) as Figures;
  // The session in a fresh context of its own, as the flow had: neither warms the other.
  for (const model of models) results[model]!.session = (await run('session', model)) as Figures['session'];
  const version = await browser.version();
  const h = results.human!, b = results.blazeface!;
  const slow = cpuPercent > 0 && cpuPercent <= 25;
  const oneCore = cpuPercent === 100;
  const ms = (v: number) => `${v.toFixed(1)} ms`;
  const s = (v: number) => `${(v / 1000).toFixed(2)} s`;
  const roundList = (v: number[]) => v.map((x) => x.toFixed(1)).join(', ');
  type Row = [string, string, string, string, boolean | undefined];
  const rows: Row[] = [
    [`detection per frame, network on every frame (grab, hand-over, prep., inference), frames ${WARMUP + 1}-${FRAMES}, mean`, ms(h.perFrame.roundTrip.mean), ms(b.perFrame.roundTrip.mean), oneCore ? '<= 6 ms' : '', oneCore ? b.perFrame.roundTrip.mean <= 6 : undefined],
    ['  p90', ms(h.perFrame.roundTrip.p90), ms(b.perFrame.roundTrip.p90), '', undefined],
    ['  inference alone in the worker (incl. reading the frame), mean', ms(h.perFrame.inference.mean), ms(b.perFrame.inference.mean), '', undefined],
    ['  each round\'s mean, in order (the median round is reported)', roundList(h.perFrame.rounds), roundList(b.perFrame.rounds), '', undefined],
    [`  baseline: the same through a 320 px ImageBitmap (engines without VideoFrame), mean`, ms(h.bitmaps.roundTrip.mean), ms(b.bitmaps.roundTrip.mean), '', undefined],
    ['  its rounds\' means, each run right after the round above', roundList(h.bitmaps.rounds), roundList(b.bitmaps.rounds), '', undefined],
    ['  as guidance runs it (unchanged frames reuse the last faces), mean', '-', ms(b.reused!.roundTrip.mean), '', undefined],
    ['  network runs / frames during the capture', '-', `${b.flow.counts!.networkRuns} / ${b.flow.counts!.frames}`, '', undefined],
    ['guidance frames/s (flow capped at 30)', h.flow.guidanceFps.toFixed(1), b.flow.guidanceFps.toFixed(1), oneCore ? '>= 28' : slow ? '>= 12' : '', oneCore ? b.flow.guidanceFps >= 28 : slow ? b.flow.guidanceFps >= 12 : undefined],
    ['check start (open(), camera off) -> preview', s(h.session.previewMs), s(b.session.previewMs), '', undefined],
    ['check start -> model ready (it loads while the camera opens)', s(h.session.modelReadyMs), s(b.session.modelReadyMs), '', undefined],
    ['check start -> first hint', s(h.session.firstHintMs), s(b.session.firstHintMs), '', undefined],
    ['flow start (camera on) -> model ready', s(h.flow.modelReadyMs), s(b.flow.modelReadyMs), slow ? '<= 1.5 s' : '', slow ? b.flow.modelReadyMs <= 1500 : undefined],
    ['  of which in the worker: fetch the files, compile, lay out the weights', s(h.flow.workerLoadMs), s(b.flow.workerLoadMs), '', undefined],
    ['flow start (camera on) -> first hint', s(h.flow.firstGuidanceMs), s(b.flow.firstGuidanceMs), slow ? '<= 2.0 s' : '', slow ? b.flow.firstGuidanceMs <= 2000 : undefined],
    ['  model ready -> first observation (its inference in the worker)', `${s(h.flow.firstFrameMs)} (${ms(h.flow.firstInferenceMs)})`, `${s(b.flow.firstFrameMs)} (${ms(b.flow.firstInferenceMs)})`, '', undefined],
    ['longest main-thread task, whole capture', ms(h.flow.longestTaskMs), ms(b.flow.longestTaskMs), slow ? '' : '<= 50 ms', slow ? undefined : b.flow.longestTaskMs <= 50],
    ['  main-thread tasks > 50 ms, whole capture', String(h.flow.longTasksOver50), String(b.flow.longTasksOver50), slow ? '' : '0', slow ? undefined : b.flow.longTasksOver50 === 0],
    ['  longest while loading the model', ms(h.flow.longestLoadingMs), ms(b.flow.longestLoadingMs), '', undefined],
    ['  longest during guidance', ms(h.flow.longestDuringGuidanceMs), ms(b.flow.longestDuringGuidanceMs), '', undefined],
    ['whole blank capture (incl. 4 s guidance window)', s(h.flow.totalMs), s(b.flow.totalMs), '', undefined],
    ['camera frames/s seen by the page', h.flow.cameraFps.toFixed(1), b.flow.cameraFps.toFixed(1), '', undefined],
    ['baseline: same detector on the main thread, frames/s', h.main.guidanceFps.toFixed(1), b.main.guidanceFps.toFixed(1), '', undefined],
    ['baseline: its longest main-thread task', ms(h.main.longestTaskMs), ms(b.main.longestTaskMs), '', undefined],
  ];
  if (download) rows.push(['blank capture download, gzip (package build)', `${(download.human / 1000).toFixed(1)} kB`, `${(download.blank / 1000).toFixed(1)} kB`, '<= 350 kB', download.blank <= 350_000]);
  const cpu = cpus();
  console.log(`\ncapture bench: Chromium ${version}, fake camera face-frontal 640x480, blank capture; frames handed to the detector as ${b.videoFrames ? 'VideoFrames' : 'ImageBitmaps (no VideoFrame here)'}`);
  console.log(`machine: ${cpu[0]?.model ?? 'unknown CPU'}, ${cpu.length} cores; load average before ${load(loadBefore)}, after ${load(loadavg())}`);
  const ticksAfter = cpuTicks();
  if (ticksBefore && ticksAfter) {
    const d = { busy: ticksAfter.busy - ticksBefore.busy, idle: ticksAfter.idle - ticksBefore.idle, steal: ticksAfter.steal - ticksBefore.steal };
    const all = d.busy + d.idle + d.steal || 1;
    console.log(`CPU ${cpu.length - 1} over the run (/proc/stat): busy ${(100 * d.busy / all).toFixed(0)} %, idle ${(100 * d.idle / all).toFixed(0)} %, taken by the host (steal) ${(100 * d.steal / all).toFixed(1)} %`);
  }
  console.log(`CPU limit: ${quota.note}`);
  const frozen = quota.stat();
  console.log(frozen ? `quota over the whole run: ${frozen}\n` : '');
  const pad = (v: string, n: number) => v.padEnd(n);
  console.log(`${pad('figure', 72)}${pad('Human (opt-in)', 16)}${pad('default', 12)}${pad('target', 11)}result`);
  for (const [name, human, lean, target, met] of rows) console.log(`${pad(name, 72)}${pad(human, 16)}${pad(lean, 12)}${pad(target, 11)}${met === undefined ? '' : met ? 'MET' : 'MISSED'}`);
  const ratio = h.perFrame.roundTrip.mean / b.perFrame.roundTrip.mean;
  console.log(`\ndefault against Human, per frame: ${ratio.toFixed(1)}x faster; guidance frames/s ${(b.flow.guidanceFps / h.flow.guidanceFps).toFixed(2)}x`);
  console.log(`models loaded for blank: Human ${h.flow.modelFiles.join(', ')} ${JSON.stringify(h.flow.modelBytes)}; default ${b.flow.modelFiles.join(', ')} ${JSON.stringify(b.flow.modelBytes)}`);
  if (!oneCore && !slow) console.log('targets are set for --cpu 100 (one core) and --cpu 25; this run only reports');
  // Under a quota the kernel freezes the whole group for the rest of a period once the quota is spent, so a short
  // main-thread task that straddles that point lasts until the next period: reported, no target at that setting.
  if (slow) console.log(`main-thread tasks under a quota: the kernel freezes the whole group for the rest of each ${PERIOD_US / 1000} ms period once its quota is spent; reported, no target`);
} finally {
  await browser?.close();
  await server.stop();
  quota.release();
}
