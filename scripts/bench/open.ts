// npm run bench:open: openContainer in Node, as a backend runs it for every capture (issuer key given, codec module
// compiled once), for a 6 KB and a 1.1 MB container. Prints the wall time and the CPU time per open (all threads:
// WebCrypto works on Node's thread pool), opens per second on one core (1000 / CPU ms), and the fixed steps alone,
// measured in the same run, as the baseline each open is compared with: jose's ES384 check and @hpke/core's
// recipient (the WebCrypto path, as in browsers), the ES384 check by node:crypto (OpenSSL) and by the tables
// (p384.ts), and the two steps as openContainer runs them in Node (the tables, and node:crypto's ECDH).
import { compactVerify } from 'jose';
import { Codec, compileCodec } from '../../src/container/codec.ts';
import { packContainer } from '../../src/container/pack.ts';
import { containerBytes } from '../../src/container/seal.ts';
import { inspectContainer, openContainer, type OpenContainerOptions } from '../../src/container/open.ts';
import { createSuite } from '../../src/container/keys.ts';
import { hpkeInfo } from '../../src/container/format.ts';
import * as nodeCrypto from 'node:crypto';
import v8 from 'node:v8';
import { runInNewContext } from 'node:vm';
import { hpkeRecipient, verifyEs384 } from '../../src/container/open-node.ts';
import { P384Verifier } from '../../src/container/p384.ts';
import { issueSession, sampleCapture } from '../../test/node/container-harness.ts';
import { machine } from './machine.ts';

const RUNS = Number(process.env.BENCH_OPEN_RUNS ?? 400);

interface Row { label: string; once: () => Promise<unknown> | unknown; target?: number; bytes?: number }

// A full collection at the end of each row's round, inside its time, and a pause in which its CPU time (not its wall
// time) still counts: every row pays for its own garbage, and none for the last row's (the 1.1 MB opens leave
// megabytes that V8 would otherwise free on other threads while the next row runs). The collection also marks the
// bench's whole live heap, whatever the row did: 18 ms here, a third of a millisecond per open of a round. So a row
// that does nothing runs in every round too, and each row's figures are given net of it, round by round.
v8.setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/**
 * Every row in the same rounds, one after another within each round, so that the machine's swings (a shared host
 * whose speed moves by half within minutes) fall on all rows alike; each row's median round is reported.
 */
async function measure(rows: Row[], runs: number, roundCount = 7): Promise<(Row & { wallMs: number; cpuMs: number })[]> {
  rows = [...rows, { label: 'the round alone (its closing full GC and pause), per open; taken off every row above', once: () => undefined }];
  for (const row of rows) for (let i = 0; i < Math.min(50, runs); i++) await row.once();
  gc();
  const per = Math.max(1, Math.round(runs / roundCount));
  const rounds: { wall: number; cpu: number }[][] = rows.map(() => []);
  for (let r = 0; r < roundCount; r++) {
    for (const [k, row] of rows.entries()) {
      const cpu0 = process.cpuUsage();
      const t0 = performance.now();
      for (let i = 0; i < per; i++) await row.once();
      gc();
      const wall = (performance.now() - t0) / per;
      // V8 frees the collected buffers on other threads after the collection: their CPU time is this row's too.
      await new Promise((resolve) => setTimeout(resolve, 30));
      const used = process.cpuUsage(cpu0);
      rounds[k]!.push({ wall, cpu: (used.user + used.system) / 1000 / per });
    }
  }
  const round = rounds.at(-1)!;
  return rows.map((row, k) => {
    // The round's own cost (the row that does nothing, in the same round) taken off, then the median round.
    const net = k === rows.length - 1 ? rounds[k]! : rounds[k]!.map((x, r) => ({ wall: x.wall - round[r]!.wall, cpu: x.cpu - round[r]!.cpu }));
    const mid = net.sort((a, b) => a.cpu - b.cpu)[Math.floor(roundCount / 2)]!;
    return { ...row, wallMs: mid.wall, cpuMs: mid.cpu };
  });
}

const m = machine();
const module = await compileCodec();
const s = await issueSession({ ttlSec: 3600 });
const options: OpenContainerOptions = { resolveKey: async () => s.keys.keyPair, tokenVerifier: s.issuerPublicKey, wasm: module };
// The format packers write (4: no hashes inside), with the targets; and the same captures as format 3, whose opener
// also hashes every byte (section hashes over 512 KiB leaves), as the baseline measured in the same rounds.
const containers = [
  { label: '6 KB', bytes: containerBytes(await packContainer(await Codec.instantiate(module), sampleCapture(s.token, 1))), target: 600 },
  { label: '1.1 MB', bytes: containerBytes(await packContainer(await Codec.instantiate(module), sampleCapture(s.token, 245))), target: 300 },
];
const baselines = [
  { label: '6 KB, format 3', bytes: containerBytes(await packContainer(await Codec.instantiate(module), sampleCapture(s.token, 1), { version: 3 })) },
  { label: '1.1 MB, format 3', bytes: containerBytes(await packContainer(await Codec.instantiate(module), sampleCapture(s.token, 245), { version: 3 })) },
];

for (const c of [...containers, ...baselines]) await openContainer(c.bytes, options);
// The fixed steps alone, on the 6 KB container: what no open can avoid.
const header = inspectContainer(containers[0]!.bytes);
const tables = await P384Verifier.load();
// The 1.1 MB container's bulk work alone: its HPKE recipient context and every chunk decrypted (format 4), or also
// its plaintext hashed once with SHA-256 (what format 3 asks at least), all with node:crypto, into fresh buffers as
// an open makes them. No open of it costs less.
const bulkOf = (bytes: Uint8Array, hash: boolean) => {
  const h = inspectContainer(bytes);
  return () => {
    const open = hpkeRecipient(nodeCrypto, s.keys.keyPair, h.enc, hpkeInfo(h.version))!;
    const aad = bytes.subarray(0, h.headerLength);
    let at = h.headerLength;
    for (const n of h.chunkLengths) {
      const plain = open(bytes.subarray(at, at + n), aad);
      if (hash) nodeCrypto.hash('sha256', plain, 'buffer');
      at += n;
    }
  };
};
const measured = await measure([
  ...containers.map((c) => ({ label: `openContainer ${c.label} (${c.bytes.length} bytes)`, once: () => openContainer(c.bytes, options), target: c.target, bytes: c.bytes.length })),
  ...baselines.map((c) => ({ label: `openContainer ${c.label} (${c.bytes.length} bytes; baseline)`, once: () => openContainer(c.bytes, options), bytes: c.bytes.length })),
  { label: 'ES384 signature check alone (jose compactVerify)', once: () => compactVerify(header.sessionToken, s.issuerPublicKey, { algorithms: ['ES384'] }) },
  { label: 'ES384 check by node:crypto (OpenSSL)', once: () => verifyEs384(nodeCrypto, header.sessionToken, s.issuerPublicKey) },
  { label: 'ES384 check by the tables (p384.ts), as openContainer runs it', once: () => verifyEs384(nodeCrypto, header.sessionToken, s.issuerPublicKey, tables) },
  { label: 'HPKE recipient context alone (P-256 ECDH + key schedule)', once: () => createSuite().createRecipientContext({ recipientKey: s.keys.keyPair, enc: header.enc, info: hpkeInfo(header.version) }) },
  { label: 'codec instance alone', once: () => Codec.instantiate(module) },
  { label: 'the 1.1 MB container\'s bulk alone: HPKE recipient, AES-256-GCM of every chunk (node:crypto)', once: bulkOf(containers[1]!.bytes, false) },
  { label: 'the same in format 3, with SHA-256 of the plaintext once (node:crypto)', once: bulkOf(baselines[1]!.bytes, true) },
  // What openContainer itself runs in Node for those two steps (open-node.ts): the floor no open goes below.
  { label: 'as openContainer runs them in Node: ES384 check (tables) + HPKE recipient (node:crypto)', once: () => {
    verifyEs384(nodeCrypto, header.sessionToken, s.issuerPublicKey, tables);
    hpkeRecipient(nodeCrypto, s.keys.keyPair, header.enc, hpkeInfo(header.version));
  } },
], RUNS);
const rows = measured.filter((r) => r.target !== undefined) as (typeof measured[number] & { target: number })[];
const steps = measured.filter((r) => r.target === undefined);

console.log(`\nopenContainer in Node ${process.version}: ${RUNS} runs per row after 50 unmeasured, in 7 rounds that take every row in turn, each row's round ending in a full GC, net of a round that does nothing, median round; ${m.line}`);
console.log('CPU ms = process CPU time (every thread) per open; per core = 1000 / CPU ms, the opens one core sustains\n');
console.log('| what | wall ms | CPU ms | per s (wall) | per s on one core | target |\n|---|---|---|---|---|---|');
for (const r of rows) console.log(`| ${r.label} | ${r.wallMs.toFixed(2)} | ${r.cpuMs.toFixed(2)} | ${(1000 / r.wallMs).toFixed(0)} | ${(1000 / r.cpuMs).toFixed(0)} | >= ${r.target}/s: ${1000 / r.cpuMs >= r.target && 1000 / r.wallMs >= r.target ? 'MET' : 'MISSED'} |`);
for (const r of steps) console.log(`| ${r.label} | ${r.wallMs.toFixed(2)} | ${r.cpuMs.toFixed(2)} | ${(1000 / r.wallMs).toFixed(0)} | ${(1000 / r.cpuMs).toFixed(0)} | |`);
const es = steps.find((r) => r.label.startsWith('ES384 signature check alone'))!;
const floor = steps.find((r) => r.label.startsWith('as openContainer runs them'))!;
console.log(`\nceiling set by the token check (tables) and the key agreement (node:crypto) alone, same run: ${(1000 / floor.cpuMs).toFixed(0)} opens/s on one core, ${floor.cpuMs.toFixed(2)} ms CPU of every open`);
console.log(`\nratio to the ES384 check alone (same run): ${rows.map((r) => `${r.label.split(' (')[0]} ${(r.cpuMs / es.cpuMs).toFixed(2)}x CPU, ${(r.wallMs / es.wallMs).toFixed(2)}x wall`).join('; ')}`);
console.log(`format 4 against format 3 (same run, CPU): ${rows.map((r, i) => { const base = steps.find((x) => x.label.startsWith(`openContainer ${baselines[i]!.label} `))!; return `${r.label.split(' (')[0]} ${(r.cpuMs / base.cpuMs).toFixed(2)}x (${(1000 / base.cpuMs).toFixed(0)}/s in format 3)`; }).join('; ')}`);
console.log(`targets: ${rows.map((r) => `${r.label.split(' (')[0]} >= ${r.target}/s: ${Math.min(1000 / r.cpuMs, 1000 / r.wallMs).toFixed(0)}/s ${Math.min(1000 / r.cpuMs, 1000 / r.wallMs) >= r.target ? 'MET' : 'MISSED'}`).join('; ')}`);
