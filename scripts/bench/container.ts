// npm run bench:container: packs and seals captures in the real container worker in headless Chromium and compares
// each with a floor measured in the same run on the same bytes, in a worker as the pack is: one WebCrypto SHA-256
// digest plus one WebCrypto AES-256-GCM encryption (work no container can avoid). Also: the main thread's longest task while packing, the
// worker's peak memory, and the codec's SHA-256 against WebCrypto's. The in-page half is container-page.ts.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { machine } from './machine.ts';
import type { Page, WebWorker } from 'puppeteer-core';
import { openContainerPage } from '../../test/node/container-chromium.ts';
import type { BenchRow, Spread } from './container-page.ts';

const MB = 1024 * 1024;

async function collectGarbage(page: Page): Promise<void> {
  for (const target of [page, ...page.workers()]) {
    const session = target === page ? await page.createCDPSession() : (target as WebWorker).client;
    await session.send('HeapProfiler.collectGarbage');
    if (target === page) await session.detach();
  }
  await new Promise((r) => setTimeout(r, 200));
}

/**
 * This benchmark's own Chromium renderer processes on Linux (descendants of `browserPid`: other Chromiums on a
 * shared machine are left alone): resident set before, peak resident set after (VmHWM, reset through clear_refs).
 */
function residentSets(browserPid: number | undefined): { reset(): Map<string, number>; peakGrowth(before: Map<string, number>): number } | null {
  if (!browserPid) return null;
  const read = (path: string) => {
    try {
      return readFileSync(path, 'utf8');
    } catch {
      return '';
    }
  };
  const kib = (pid: string, key: string) => Number(read(`/proc/${pid}/status`).match(new RegExp(`${key}:\\s+(\\d+)`))?.[1] ?? NaN) * 1024;
  const parent = (pid: string) => read(`/proc/${pid}/stat`).replace(/^.*\) /, '').split(' ')[1] ?? '0';
  const ours = (pid: string) => {
    for (let p = pid, hops = 0; p !== '0' && p !== '1' && hops < 10; p = parent(p), hops++) if (p === String(browserPid)) return true;
    return false;
  };
  const renderers = () => readdirSync('/proc').filter((p) => /^\d+$/.test(p) && read(`/proc/${p}/cmdline`).includes('--type=renderer') && ours(p));
  const clear = (p: string) => {
    try {
      writeFileSync(`/proc/${p}/clear_refs`, '5');
    } catch {
      // The process has gone.
    }
  };
  try {
    const pids = renderers();
    if (!pids.length) return null;
    writeFileSync(`/proc/${pids[0]}/clear_refs`, '5');
  } catch {
    return null;
  }
  return {
    reset() {
      const before = new Map(renderers().map((p) => [p, kib(p, 'VmRSS')]));
      for (const p of before.keys()) clear(p);
      return before;
    },
    peakGrowth(before) {
      return Math.max(...[...before].map(([p, rss]) => kib(p, 'VmHWM') - rss).filter((n) => Number.isFinite(n)));
    },
  };
}
const chromium = await openContainerPage("export { createBench } from './scripts/bench/container-page.ts';");
try {
  const { page } = chromium;
  // Strings, not functions: tsx's transform would add helpers the page does not have.
  await page.evaluate(`(async () => { window.bench = await window.container.createBench('/container.worker.js', '/codec.wasm'); await window.bench.single('warm-up', ${MB}, 3); })()`);
  const rows: BenchRow[] = [];
  // Runs per row: on a shared two-core machine single runs of the small rows vary by a factor of two and more (a
  // neighbour's load comes and goes within a second), so the small rows, which cost little, take more runs for a
  // steadier median.
  rows.push(await page.evaluate('window.bench.capture(15)') as BenchRow);
  for (const [label, size, runs] of [['1 MB', 1, 31], ['10 MB', 10, 15], ['50 MB', 50, 5]] as const) {
    rows.push(await page.evaluate(`window.bench.single(${JSON.stringify(label)}, ${size * MB}, ${runs})`) as BenchRow);
  }
  const hash = await page.evaluate(`window.bench.hashes(${10 * MB})`) as { wasmMs: number; nativeMs: number; aesMs: number };
  const browser = await page.browser().version();
  // Measured memory: the renderer process's peak resident set (Linux VmHWM, reset through clear_refs) over its
  // resident set just before the pack. The worker lives in that process, so this counts everything the pack
  // allocates, WebCrypto's own copies and garbage not yet collected included. The input is already resident.
  const measured = new Map<string, { grownBytes: number; floorGrownBytes: number; payloadBytes: number }>();
  const rss = residentSets(page.browser().process()?.pid);
  if (rss) {
    for (const [label, size] of [['capture ~3 MB', null], ['1 MB', MB], ['10 MB', 10 * MB], ['50 MB', 50 * MB]] as const) {
      const grown: number[] = [], floorGrown: number[] = [];
      let payloadBytes = 0;
      for (let i = 0; i < 3; i++) {
        for (const [prepare, run, into] of [['prepare', 'packPrepared', grown], ['prepareFloor', 'floorPrepared', floorGrown]] as const) {
          payloadBytes = await page.evaluate(`window.bench.${prepare}(${size})`) as number;
          // Collect the garbage of making the input and of earlier runs first, on the page and in its workers, so the
          // resident set before holds what is live and a collection during the run cannot hide its growth.
          await collectGarbage(page);
          const before = rss.reset();
          await page.evaluate(`window.bench.${run}()`);
          into.push(rss.peakGrowth(before));
        }
      }
      const mid = (xs: number[]) => xs.sort((a, b) => a - b)[1]!;
      measured.set(label, { grownBytes: mid(grown), floorGrownBytes: mid(floorGrown), payloadBytes });
    }
  }
  await page.evaluate('window.bench.close()');

  const mb = (n: number) => (n / MB).toFixed(2);
  const task = (ms: number) => (ms ? ms.toFixed(0) : 'none > 50');
  const ratio = (r: Spread) => `${r.median.toFixed(2)} (${r.min.toFixed(2)}-${r.max.toFixed(2)})`;
  const header = ['payload', 'MB', 'runs', 'pack ms', 'MB/s', 'floor ms', 'ratio (min-max)', 'layout ms', 'seal ms', 'blob ms', 'worker ms', 'worker floor ms', 'worker ratio (min-max)', 'worker AES alone ms', 'worker / AES alone (min-max)', 'page floor ms', 'longest task ms (idle)', 'max loop gap ms (idle)', 'peak held MB', 'x payload', 'measured peak MB', 'x payload', 'x payload with the input', 'floor measured x payload', 'wasm MB'];
  console.log(`\ncontainer pack + seal in the Chromium worker: medians of the runs shown (after one unmeasured run; the whole page warmed up first); load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
  console.log('floor = one WebCrypto SHA-256 + one WebCrypto AES-256-GCM over the same bytes, run in a worker of its own on a fresh transferred copy, next to each pack (alternately before and after it)');
  console.log('pack ms / floor ms: each request timed on the page from posting to the answer; ratio = median of the per-run pack/floor ratios (lowest-highest)');
  console.log('worker ms / worker floor ms: the same two timed inside their workers; worker ratio likewise. page floor ms: the floor on the page\'s own thread, for reference');
  console.log('worker AES alone ms: the floor\'s AES-256-GCM step alone, timed inside its worker; worker / AES alone: the pack inside its worker against it. Format 4, which packers write, hashes nothing, so the floor\'s SHA-256 is work a pack no longer does: this is the stricter comparison');
  console.log('layout ms: up to the layout\'s completion (format 4 hashes nothing, so this is the input checks and the layout alone); seal ms: from there to the last chunk sealed; blob ms: the wait for the container\'s Blob after it\n');
  console.log(`| ${header.join(' | ')} |\n|${header.map(() => '---').join('|')}|`);
  for (const r of rows) {
    console.log(`| ${[
      r.label, mb(r.payloadBytes), r.runs, r.packMs.toFixed(1), (r.payloadBytes / MB / (r.packMs / 1000)).toFixed(0), r.floorMs.toFixed(1), ratio(r.ratio),
      r.layoutMs.toFixed(1), r.sealMs.toFixed(1), r.blobMs.toFixed(1), r.workerMs.toFixed(1), r.workerFloorMs.toFixed(1), ratio(r.workerRatio), r.workerAesMs.toFixed(1), ratio(r.aesRatio), r.pageFloorMs.toFixed(1),
      `${task(r.longTaskMs)} (${task(r.idleLongTaskMs)})`, `${r.maxGapMs.toFixed(0)} (${r.idleMaxGapMs.toFixed(0)})`, mb(r.peakHeldBytes), (r.peakHeldBytes / r.payloadBytes).toFixed(2),
      ...(() => {
        const m = measured.get(r.label);
        return m
          ? [mb(m.grownBytes), (m.grownBytes / m.payloadBytes).toFixed(2), (1 + m.grownBytes / m.payloadBytes).toFixed(2), (m.floorGrownBytes / m.payloadBytes).toFixed(2)]
          : ['n/a', 'n/a', 'n/a', 'n/a'];
      })(),
      mb(r.wasmBytes),
    ].join(' | ')} |`);
  }
  console.log(`\nthe container's Blob made in the worker's Blob thread (it reads the chunks while the worker seals): ${rows.every((r) => r.blobThread) ? 'yes, in every pack' : `no, in ${rows.filter((r) => !r.blobThread).map((r) => r.label).join(', ')}`}`);
  const verdict = (ok: boolean) => (ok ? 'MET' : 'MISSED');
  const targets: string[] = [];
  for (const [label, most] of [['1 MB', 1.5], ['10 MB', 1.2], ['50 MB', 1.2]] as const) {
    const r = rows.find((x) => x.label === label)!;
    targets.push(`pack <= ${most}x floor at ${label} in the worker: ${r.workerRatio.median.toFixed(2)}x (${r.ratio.median.toFixed(2)}x from the page; ${r.aesRatio.median.toFixed(2)}x the AES-256-GCM step alone) ${verdict(r.workerRatio.median <= most)}`);
  }
  for (const [label, m] of measured) targets.push(`measured peak memory <= 2.5x at ${label}: ${(m.grownBytes / m.payloadBytes).toFixed(2)}x ${m.grownBytes <= 2.5 * m.payloadBytes ? 'MET' : `MISSED (the floor: ${(m.floorGrownBytes / m.payloadBytes).toFixed(2)}x)`}`);
  if (!measured.size) targets.push(`measured peak memory: not measured here (needs Linux /proc); peak held <= 2.5x ${verdict(rows.every((r) => r.peakHeldBytes <= 2.5 * r.payloadBytes))}`);
  const longest = Math.max(...rows.map((r) => r.longTaskMs));
  targets.push(`no main-thread task > 50 ms: ${longest ? `longest ${longest.toFixed(0)} ms (idle main thread over the same time: ${Math.max(...rows.map((r) => r.idleLongTaskMs)).toFixed(0)} ms)` : 'none'} ${verdict(!longest)}`);
  console.log(`\ntargets:\n${targets.map((t) => `- ${t}`).join('\n')}`);
  console.log('peak held = the most bytes the pack references at once, counted on the safe side: input media + codec memory + the small pieces copied out of it while laying out; while sealing, the media not yet sealed (the media arrive in parts of at most 512 KiB, as the element hands them over, and each part of a large medium is sealed as its own chunk, straight from its buffer, and dropped once sealed) + every chunk made (the stream the first 4 MiB are read from holds them until the browser has read them, and past 4 MiB each 4 MiB group is held until its Blob\'s copy is made). The chunks are transferred to the Blob thread, in the same process. WebCrypto also copies the chunk or leaf it works on; that transient copy is not visible to the page and not counted there.');
  console.log(measured.size
    ? 'measured peak = the renderer process\'s peak resident set while packing (Linux VmHWM, reset just before) over its resident set just before, median of 3; it includes WebCrypto\'s copies, the Blob and garbage not yet collected. The input is already resident before the pack; "with the input" adds it. The floor is measured the same way, on the same bytes in one buffer.'
    : 'measured peak: n/a (needs Linux /proc and clear_refs)');
  const rate = (ms: number) => `${(10 / (ms / 1000)).toFixed(0)} MB/s`;
  console.log(`\nmachine: ${machine().line}; ${browser}`);
  console.log(`10 MB in this Chromium page, best of 3: SHA-256 through WebCrypto ${hash.nativeMs.toFixed(1)} ms (${rate(hash.nativeMs)}), through the codec (AssemblyScript) ${hash.wasmMs.toFixed(1)} ms (${rate(hash.wasmMs)}, ${(hash.wasmMs / hash.nativeMs).toFixed(1)}x WebCrypto's time); AES-256-GCM through WebCrypto ${hash.aesMs.toFixed(1)} ms (${rate(hash.aesMs)}), through the codec: none (the codec never encrypts). Format version 4 hashes nothing (and format 3 hashed no section of 64 KiB or more in the codec), so no figure above depends on the codec's SHA-256 speed.`);
} finally {
  await chromium.close();
}
