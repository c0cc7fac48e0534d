// The in-page half of scripts/bench/container.ts, bundled into the benchmark page: builds the inputs, packs them in
// the real worker, and measures the floor, the main thread's long tasks and the codec's SHA-256 on the same page.
import { ContainerClient } from '../../src/container/client.ts';
import { Codec, compileCodec } from '../../src/container/codec.ts';
import { MAX_CHUNK_LENGTH } from '../../src/container/limits.ts';
import type { ContainerInput, ContainerMedium } from '../../src/container/types.ts';
import { issueSession, sampleBytes } from '../../test/node/container-harness.ts';

export interface BenchRow {
  label: string;
  payloadBytes: number;
  containerBytes: number;
  /** Measured repetitions (after one unmeasured warm-up repetition). */
  runs: number;
  /** Medians: the pack request and the floor request, each timed on the page from posting to the answer. */
  packMs: number;
  floorMs: number;
  /** The floor timed on the page's own thread (no worker, no messages), for reference. */
  pageFloorMs: number;
  /** The floor timed inside its worker, against `workerMs`. */
  workerFloorMs: number;
  layoutMs: number;
  sealMs: number;
  blobMs: number;
  /** Whether every pack made its Blob in the worker's Blob thread. */
  blobThread: boolean;
  /** The whole request inside the worker (layout, sealing, making the Blob). */
  workerMs: number;
  /** Ratios of each repetition's pack to the floor measured right next to it: median, lowest, highest. */
  ratio: Spread;
  workerRatio: Spread;
  /**
   * The floor's AES-256-GCM alone, timed inside its worker (after its digest of the same bytes), and the ratios of the
   * pack inside its worker to it: the one bulk step format 4 cannot avoid, since it hashes nothing.
   */
  workerAesMs: number;
  aesRatio: Spread;
  /** Longest main-thread task reported by the Long Tasks API while packing (0: none over 50 ms). */
  longTaskMs: number;
  /** Longest gap between setTimeout(0) ticks on the main thread while packing. */
  maxGapMs: number;
  /** The same two figures for an idle main thread over the same time, measured right after: the machine's noise. */
  idleLongTaskMs: number;
  idleMaxGapMs: number;
  peakHeldBytes: number;
  wasmBytes: number;
}

export interface Spread {
  median: number;
  min: number;
  max: number;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const spread = (xs: number[]): Spread => ({ median: median(xs), min: Math.min(...xs), max: Math.max(...xs) });

export async function createBench(workerUrl: string, wasmUrl: string) {
  const session = await issueSession({ ttlSec: 3600 });
  const client = new ContainerClient({ workerUrl, wasmUrl });
  const aesKey = await crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, ['encrypt']);

  type WholeMedium = Omit<ContainerMedium, 'data'> & { data: Uint8Array };
  type WholeInput = Omit<ContainerInput, 'media'> & { media: WholeMedium[] };
  const medium = (name: string, mime: string, tags: string[], size: number, seed: number): WholeMedium => ({ name, mime, tags, data: sampleBytes(size, seed) });
  const inputs = {
    /** About 3 MB shaped like a capture: three action clips, the best shot, eight frames, an evidence timeline. */
    capture: (): WholeInput => ({
      sessionToken: session.token,
      payload: { 'media:tags': {}, 'folder:meta_data': { transaction_id: 'bench' } },
      technical: { sdk: 'oz-liveness', evidence: Array.from({ length: 200 }, (_, i) => ({ t: i * 15, event: 'frame', box: [0.31, 0.22, 0.4, 0.5] })) },
      media: [
        ...['blank', 'smile', 'scan'].map((a, i) => medium(`video_selfie_${a}.webm`, 'video/webm', ['video_selfie', `video_selfie_${a}`], 700 * 1024, i + 1)),
        medium('best_shot.jpg', 'image/jpeg', ['photo_selfie'], 250 * 1024, 4),
        ...Array.from({ length: 8 }, (_, i) => medium(`frame_${i}.jpg`, 'image/jpeg', ['photo_selfie', 'frame'], 80 * 1024, 100 + i)),
      ],
    }),
    /** One clip of `bytes`. */
    single: (bytes: number): WholeInput => ({
      sessionToken: session.token,
      payload: { 'media:tags': {}, 'folder:meta_data': {} },
      technical: {},
      media: [medium('payload.webm', 'video/webm', ['video_selfie'], bytes, 7)],
    }),
  };

  // The pack gets each medium as the element hands it over: fresh buffers of at most 512 KiB (the element reads them
  // from the recorded Blob in slices; see readParts in src/capture/upload-body.ts).
  const copy = (input: WholeInput): ContainerInput => ({
    ...input,
    media: input.media.map((m) => ({ ...m, data: Array.from({ length: Math.max(1, Math.ceil(m.data.length / MAX_CHUNK_LENGTH)) }, (_, i) => m.data.slice(i * MAX_CHUNK_LENGTH, (i + 1) * MAX_CHUNK_LENGTH)) })),
  });
  const joined = (input: WholeInput) => {
    const out = new Uint8Array(input.media.reduce((n, m) => n + m.data.length, 0));
    let at = 0;
    for (const m of input.media) { out.set(m.data, at); at += m.data.length; }
    return out;
  };
  // The floor in a worker of its own, given the bytes the way the pack gets them (a fresh copy, transferred) and
  // timed both inside the worker and on the page from posting to the answer, as the pack is: like with like.
  const floorWorker = new Worker(URL.createObjectURL(new Blob([`
    let key;
    onmessage = async ({ data }) => {
      key ??= await crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, ['encrypt']);
      const t = performance.now();
      await crypto.subtle.digest('SHA-256', data);
      const hashed = performance.now();
      const ciphertext = await crypto.subtle.encrypt({ name: 'AES-GCM', iv: crypto.getRandomValues(new Uint8Array(12)) }, key, data);
      const end = performance.now();
      postMessage({ ms: end - t, aesMs: end - hashed, ciphertext }, [ciphertext]);
    };
  `], { type: 'text/javascript' })));
  const floorInWorker = (bytes: Uint8Array<ArrayBuffer>) =>
    new Promise<{ ms: number; workerMs: number; aesMs: number }>((resolve) => {
      const fresh = bytes.slice();
      const t = performance.now();
      floorWorker.onmessage = (e) => resolve({ ms: performance.now() - t, workerMs: (e.data as { ms: number }).ms, aesMs: (e.data as { aesMs: number }).aesMs });
      floorWorker.postMessage(fresh, [fresh.buffer]);
    });
  const floorOnPage = async (bytes: Uint8Array<ArrayBuffer>) => {
    const t = performance.now();
    await crypto.subtle.digest('SHA-256', bytes);
    await crypto.subtle.encrypt({ name: 'AES-GCM', iv: crypto.getRandomValues(new Uint8Array(12)) }, aesKey, bytes);
    return performance.now() - t;
  };

  /** Runs `work` while watching the main thread: Long Tasks API entries and the longest setTimeout(0) gap. */
  async function watchMainThread<T>(work: () => Promise<T>): Promise<{ result: T; ms: number; longTaskMs: number; maxGapMs: number }> {
    // Start observing in a fresh task, so the task that built the input is not counted.
    await new Promise((r) => setTimeout(r, 0));
    let longTaskMs = 0, maxGapMs = 0;
    const observer = new PerformanceObserver((list) => { for (const e of list.getEntries()) longTaskMs = Math.max(longTaskMs, e.duration); });
    observer.observe({ type: 'longtask' });
    let last = performance.now();
    let ticking = true;
    const tick = () => {
      const now = performance.now();
      maxGapMs = Math.max(maxGapMs, now - last);
      last = now;
      if (ticking) setTimeout(tick, 0);
    };
    setTimeout(tick, 0);
    const t = performance.now();
    const result = await work();
    const ms = performance.now() - t;
    ticking = false;
    // Long-task entries are delivered after the task; give them a moment before disconnecting.
    await new Promise((r) => setTimeout(r, 50));
    for (const e of observer.takeRecords()) longTaskMs = Math.max(longTaskMs, e.duration);
    observer.disconnect();
    return { result, ms, longTaskMs, maxGapMs };
  }

  /**
   * One unmeasured repetition, then `runs` measured ones. Each repetition packs once and runs the floor once on the
   * same bytes, alternating which goes first so neither always meets the other's garbage; ratios pair the two.
   */
  async function run(label: string, input: WholeInput, runs: number): Promise<BenchRow> {
    const bytes = joined(input);
    const packMs: number[] = [], floorMs: number[] = [], pageFloorMs: number[] = [], workerFloorMs: number[] = [], layoutMs: number[] = [], sealMs: number[] = [], blobMs: number[] = [], workerMs: number[] = [];
    const ratios: number[] = [], workerRatios: number[] = [], aesMs: number[] = [], aesRatios: number[] = [];
    let blobThread = true;
    let longTaskMs = 0, maxGapMs = 0, idleLongTaskMs = 0, idleMaxGapMs = 0, peakHeldBytes = 0, wasmBytes = 0, containerBytes = 0;
    for (let i = -1; i < runs; i++) {
      const pack = async () => {
        const fresh = copy(input);
        const packed = await watchMainThread(() => client.packWithStats(fresh));
        const idle = await watchMainThread(() => new Promise((r) => setTimeout(r, packed.ms)));
        return { packed, idle };
      };
      const floors = async () => ({ inWorker: await floorInWorker(bytes), onPage: await floorOnPage(bytes) });
      const packFirst = i % 2 === 0;
      const first = packFirst ? await pack() : await floors();
      const second = packFirst ? await floors() : await pack();
      const { packed, idle } = (packFirst ? first : second) as Awaited<ReturnType<typeof pack>>;
      const floor = (packFirst ? second : first) as Awaited<ReturnType<typeof floors>>;
      if (i < 0) continue;
      packMs.push(packed.ms);
      longTaskMs = Math.max(longTaskMs, packed.longTaskMs);
      maxGapMs = Math.max(maxGapMs, packed.maxGapMs);
      idleLongTaskMs = Math.max(idleLongTaskMs, idle.longTaskMs);
      idleMaxGapMs = Math.max(idleMaxGapMs, idle.maxGapMs);
      const { stats, blob } = packed.result;
      layoutMs.push(stats.layoutMs);
      sealMs.push(stats.sealMs);
      blobMs.push(stats.blobMs);
      blobThread &&= stats.blobThread;
      workerMs.push(stats.totalMs);
      peakHeldBytes = Math.max(peakHeldBytes, stats.peakHeldBytes);
      wasmBytes = Math.max(wasmBytes, stats.wasmBytes);
      containerBytes = blob.size;
      floorMs.push(floor.inWorker.ms);
      workerFloorMs.push(floor.inWorker.workerMs);
      pageFloorMs.push(floor.onPage);
      ratios.push(packed.ms / floor.inWorker.ms);
      workerRatios.push(stats.totalMs / floor.inWorker.workerMs);
      aesMs.push(floor.inWorker.aesMs);
      aesRatios.push(stats.totalMs / floor.inWorker.aesMs);
    }
    return {
      label, payloadBytes: bytes.length, containerBytes, runs,
      packMs: median(packMs), floorMs: median(floorMs), pageFloorMs: median(pageFloorMs), workerFloorMs: median(workerFloorMs),
      layoutMs: median(layoutMs), sealMs: median(sealMs), blobMs: median(blobMs), blobThread, workerMs: median(workerMs), ratio: spread(ratios), workerRatio: spread(workerRatios),
      workerAesMs: median(aesMs), aesRatio: spread(aesRatios),
      longTaskMs, maxGapMs, idleLongTaskMs, idleMaxGapMs, peakHeldBytes, wasmBytes,
    };
  }

  /** SHA-256 through the codec and WebCrypto, and AES-256-GCM through WebCrypto, over `size` bytes in this page. */
  async function hashes(size: number): Promise<{ wasmMs: number; nativeMs: number; aesMs: number }> {
    const data = sampleBytes(size, 11) as Uint8Array<ArrayBuffer>;
    const codec = await Codec.instantiate(await compileCodec(wasmUrl));
    const best = async (f: () => unknown) => {
      let ms = Infinity;
      for (let i = 0; i < 4; i++) {
        const t = performance.now();
        await f();
        if (i > 0) ms = Math.min(ms, performance.now() - t);
      }
      return ms;
    };
    const iv = new Uint8Array(12);
    return {
      wasmMs: await best(() => codec.sha256(data)),
      nativeMs: await best(() => crypto.subtle.digest('SHA-256', data)),
      aesMs: await best(() => crypto.subtle.encrypt({ name: 'AES-GCM', iv }, aesKey, data)),
    };
  }

  // For the memory pass driven from Node: the input is made (and settles) first, so the process's resident memory
  // before the pack already holds it, as it would once a capture is done.
  let prepared: ContainerInput | null = null;
  let preparedFloor: Uint8Array<ArrayBuffer> | null = null;
  const prepare = async (bytes: number | null) => {
    const whole = bytes === null ? inputs.capture() : inputs.single(bytes);
    prepared = copy(whole);
    preparedFloor = null;
    await new Promise((r) => setTimeout(r, 300));
    return whole.media.reduce((n, m) => n + m.data.length, 0);
  };
  /** The same bytes in one buffer for the floor (its worker gets a transferred copy, as in the timed runs). */
  const prepareFloor = async (bytes: number | null) => {
    preparedFloor = joined(bytes === null ? inputs.capture() : inputs.single(bytes)) as Uint8Array<ArrayBuffer>;
    prepared = null;
    await new Promise((r) => setTimeout(r, 300));
    return preparedFloor.length;
  };
  const floorPrepared = async () => {
    const bytes = preparedFloor!;
    preparedFloor = null;
    await new Promise<void>((resolve) => {
      floorWorker.onmessage = () => resolve();
      floorWorker.postMessage(bytes, [bytes.buffer]);
    });
  };
  const packPrepared = async () => {
    const input = prepared!;
    prepared = null;
    const { blob } = await client.packWithStats(input);
    return blob.size;
  };

  return {
    capture: (runs: number) => run('capture ~3 MB', inputs.capture(), runs),
    single: (label: string, bytes: number, runs: number) => run(label, inputs.single(bytes), runs),
    prepare,
    packPrepared,
    prepareFloor,
    floorPrepared,
    hashes,
    close: () => {
      client.terminate();
      floorWorker.terminate();
    },
  };
}
