// npm run bench:emulator: how much resident memory the emulator's process gains while it takes one valid container
// upload, against the container's size. The emulator runs in a child process of its own (server/cli.ts), so the
// figure is its peak resident set (VmHWM, reset through /proc/PID/clear_refs before each upload) minus its resident
// set just before, and nothing of this process (which packs and seals the containers) counts. Each measured upload
// gets a fresh process (warmed up by one 1 MiB upload), so no heap left over from an earlier upload hides the growth.
// A 1 MiB container, measured in the same run, is the baseline the large ones are compared with.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_EMAIL, DEFAULT_PASSWORD } from '../../server/config.ts';
import { Codec, compileCodec } from '../../src/container/codec.ts';
import { packContainer } from '../../src/container/pack.ts';
import { containerBytes } from '../../src/container/seal.ts';

const MiB = 1024 * 1024;
const SIZES = (process.env.BENCH_EMULATOR_MIB ?? '1,16,60').split(',').map(Number);
const RUNS = Number(process.env.BENCH_EMULATOR_RUNS ?? 3);

const status = (pid: number, key: string) => Number(readFileSync(`/proc/${pid}/status`, 'utf8').match(new RegExp(`${key}:\\s+(\\d+)`))?.[1] ?? NaN) * 1024;

async function startEmulator(dataDir: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/cli.ts'], {
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', OZ_EMULATOR_DATA_DIR: dataDir, OZ_EMULATOR_BODY_LIMIT: String(100 * MiB), OZ_EMULATOR_CONFIG: '' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let seen = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      seen += chunk.toString();
      const match = seen.match(/listening on (http:\/\/\S+)/);
      if (match) resolve(match[1]!);
    });
    child.once('exit', (code) => reject(new Error(`the emulator exited (${code}) before listening: ${seen}`)));
  });
  return { child, url };
}

async function api(url: string, path: string, init: RequestInit = {}): Promise<any> {
  const response = await fetch(url + path, init);
  const body = await response.json();
  if (!response.ok) throw new Error(`${path}: ${response.status} ${JSON.stringify(body)}`);
  return body;
}

/** A valid container with one video of `size` bytes (a WebM signature, then filler), sealed for a fresh session. */
async function container(url: string, accessToken: string, size: number, codec: Codec): Promise<Uint8Array> {
  const { session_token: token } = await api(url, '/api/authorize/session_token', { headers: { 'X-Forensic-Access-Token': accessToken } });
  const video = new Uint8Array(size).map((_, i) => (i * 31) & 0xff);
  video.set([0x1a, 0x45, 0xdf, 0xa3]);
  const packed = await packContainer(codec, {
    sessionToken: token,
    payload: { 'media:tags': {}, 'folder:meta_data': {} },
    technical: { user_agent: 'bench' },
    media: [{ name: 'blank.webm', tags: ['video_selfie', 'video_selfie_blank'], mime: 'video/webm', data: video }],
  });
  return containerBytes(packed);
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/** One measured upload of `mib` MiB in a fresh emulator process, after one unmeasured 1 MiB upload warmed it up. */
async function measure(mib: number, codec: Codec): Promise<{ bytes: number; growth: number }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'oz-bench-emulator-'));
  const { child, url } = await startEmulator(dataDir);
  const pid = child.pid!;
  try {
    const { access_token: accessToken } = await api(url, '/api/authorize/auth', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ credentials: { email: DEFAULT_EMAIL, password: DEFAULT_PASSWORD } }),
    });
    const upload = (bytes: Uint8Array) =>
      api(url, '/api/folders/', {
        method: 'POST',
        headers: { 'X-Forensic-Access-Token': accessToken, 'Content-Type': 'application/octet-stream' },
        body: bytes as Uint8Array<ArrayBuffer>,
      });
    await upload(await container(url, accessToken, MiB, codec));
    const bytes = await container(url, accessToken, mib * MiB, codec);
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    const before = status(pid, 'VmRSS');
    await upload(bytes);
    return { bytes: bytes.byteLength, growth: status(pid, 'VmHWM') - before };
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const codec = await Codec.instantiate(await compileCodec());
  const rows: Array<{ bytes: number; growth: number[] }> = [];
  for (const mib of SIZES) {
    const row = { bytes: 0, growth: [] as number[] };
    for (let run = 0; run < RUNS; run++) {
      const { bytes, growth } = await measure(mib, codec);
      row.bytes = bytes;
      row.growth.push(growth);
    }
    rows.push(row);
  }
  const cpu = cpus();
  console.log(`emulator: peak resident memory growth of its process during one valid container upload (median of ${RUNS}, each in a fresh process)`);
  console.log(`ran on: ${cpu[0]?.model ?? 'unknown CPU'} x${cpu.length}, Node ${process.version}, load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
  const base = rows[0]!;
  const baseRatio = median(base.growth) / base.bytes;
  console.log('container MiB | peak growth MiB (each run)      | growth / size | against the baseline');
  for (const row of rows) {
    const growth = median(row.growth);
    const ratio = growth / row.bytes;
    const each = row.growth.map((g) => (g / MiB).toFixed(1)).join(', ');
    console.log(
      `${(row.bytes / MiB).toFixed(1).padStart(13)} | ${(growth / MiB).toFixed(1).padStart(6)} (${each})`.padEnd(48) +
        ` | ${ratio.toFixed(2).padStart(12)}x | ${(ratio / baseRatio).toFixed(2)}x the ${(base.bytes / MiB).toFixed(1)} MiB upload's ratio`,
    );
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
