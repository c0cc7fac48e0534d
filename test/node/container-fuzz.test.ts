// Fuzzes the codec's parser and verifier, and the envelope parser, with fast-check. The hostile bytes are placed so that they end exactly at
// the end of the codec's linear memory: a read past the input would trap, which the test counts as a failure, as it
// does any exception or a status outside the codec's list. FUZZ_RUNS raises the number of cases (default 10,000).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { readFile } from 'node:fs/promises';
import { Codec, compileCodec } from '../../src/container/codec.ts';
import { buildSections, packContainer } from '../../src/container/pack.ts';
import { CodecStatus } from '../../src/container/format.ts';
import { ContainerOpenError, inspectContainer, openContainer } from '../../src/container/open.ts';
import { containerBytes } from '../../src/container/seal.ts';
import { issueSession, sampleBytes, sampleCapture } from './container-harness.ts';

const runs = Number(process.env.FUZZ_RUNS ?? 10_000);
const PAGE = 65536;

interface Raw {
  memory: WebAssembly.Memory;
  heapBase(): number;
  parse(inner: number, len: number, info: number): number;
  verify(inner: number, len: number, digests: number, hostMin: number, scratch: number): number;
}

async function rawCodec(file: string, pages: number): Promise<Raw> {
  const module = await WebAssembly.compile(await readFile(new URL(`../../wasm/build/${file}`, import.meta.url)));
  const { exports } = await WebAssembly.instantiate(module, {});
  const raw = exports as unknown as Raw;
  raw.memory.grow(pages - raw.memory.buffer.byteLength / PAGE);
  return raw;
}

/** Runs parse and verify on `bytes` placed flush against the end of memory; returns both statuses. */
function probe(raw: Raw, bytes: Uint8Array, hostMin: number): [number, number] {
  const end = raw.memory.buffer.byteLength;
  const at = end - bytes.length;
  const scratch = (raw.heapBase() + 15) & ~15;
  const info = scratch + 1024, digests = info + 256 * 20;
  assert.ok(at >= digests + 256 * 32, 'fuzz input larger than the probe memory');
  new Uint8Array(raw.memory.buffer).set(bytes, at);
  return [raw.parse(at, bytes.length, info), raw.verify(at, bytes.length, digests, hostMin, scratch)];
}

const known = new Set<number>(Object.values(CodecStatus));

async function validInner(version: 2 | 3): Promise<Uint8Array> {
  const codec = await Codec.instantiate(await compileCodec());
  const inner = await codec.pack(buildSections({
    sessionToken: 'unused',
    payload: { 'media:tags': {}, 'folder:meta_data': { id: 1 } },
    technical: { t: 1 },
    media: [
      { name: 'a.webm', tags: ['video_selfie'], mime: 'video/webm', data: sampleBytes(300, 1) },
      { name: 'b.jpg', tags: ['photo_selfie'], mime: 'image/jpeg', data: sampleBytes(70, 2) },
      { name: 'c.jpg', tags: [], mime: 'image/jpeg', data: sampleBytes(5, 3) },
    ],
  }), version);
  return inner.slice();
}

for (const file of ['codec.wasm', 'codec.debug.wasm']) test(`the codec parser (${file}) survives ${runs} hostile inputs with a typed status`, async () => {
  const raw = await rawCodec(file, 4);
  // Inner version 2 (hashes, 48-byte header and entries) and 3 (no hashes, 16 bytes each).
  const valids = [await validInner(2), await validInner(3)];
  for (const valid of valids) {
    const [p0, v0] = probe(raw, valid, 1 << 30);
    assert.equal(p0, 5, 'the valid inner parses to 5 sections');
    assert.equal(v0, CodecStatus.ok);
  }

  const statusOk = ([p, v]: [number, number]) => (p >= 0 || known.has(-p)) && known.has(v) && (p < 0 ? v === -p : true);
  const around = (valid: Uint8Array) => {
    const size = valid[4] === 3 ? 16 : 48;
    return [
      // the valid inner with flipped bits, overwritten u32 fields, truncated or extended
      fc.array(fc.tuple(fc.nat(valid.length - 1), fc.integer({ min: 1, max: 255 })), { minLength: 1, maxLength: 8 })
        .map((flips) => { const b = valid.slice(); for (const [i, x] of flips) b[i]! ^= x; return b; }),
      fc.tuple(fc.nat(Math.floor((size + 5 * size) / 4) - 1), fc.constantFrom(0, 1, 0xffff, 0x7fffffff, 0xffffffff, valid.length, valid.length + 1), fc.boolean())
        .map(([slot, value, fix]) => {
          const b = valid.slice();
          const view = new DataView(b.buffer);
          view.setUint32(slot * 4, value, true);
          if (fix) view.setUint32(12, b.length, true);
          return b;
        }),
      fc.nat(valid.length).map((n) => valid.slice(0, n)),
      fc.uint8Array({ minLength: 1, maxLength: 64 }).map((tail) => { const b = new Uint8Array(valid.length + tail.length); b.set(valid); b.set(tail, valid.length); return b; }),
    ];
  };
  const mutation = fc.oneof(
    // random bytes, sometimes with the right magic and a known version so the parser goes deeper
    fc.uint8Array({ maxLength: 1200 }).map((b) => b),
    fc.tuple(fc.uint8Array({ minLength: 48, maxLength: 1200 }), fc.constantFrom(1, 2, 3)).map(([b, v]) => { b.set([0x4f, 0x5a, 0x43, 0x49, v, 0]); return b; }),
    ...valids.flatMap(around),
  );
  const seen = new Map<number, number>();
  fc.assert(fc.property(mutation, fc.constantFrom(0, 64, 1 << 30), (bytes, hostMin) => {
    const result = probe(raw, bytes, hostMin);
    seen.set(result[1], (seen.get(result[1]) ?? 0) + 1);
    return statusOk(result);
  }), { numRuns: runs });
  // The cases must reach every stage of verification, not stop at the magic.
  for (const status of ['ok', 'badMagic', 'badVersion', 'truncated', 'sectionCount', 'sectionBounds', 'sectionHash', 'summingHash', 'badSection'] as const) {
    assert.ok(seen.get(CodecStatus[status]), `no fuzz case ended in ${status}: ${JSON.stringify([...seen])}`);
  }
});

test(`the envelope parser survives ${runs} hostile headers with a typed error, and what it accepts fits the bytes`, async () => {
  const s = await issueSession();
  // Scaled by 50: two clips over 64 KiB, so four chunks (the layout, each clip, the two smaller images).
  const chunked = containerBytes(await packContainer(await Codec.instantiate(await compileCodec()), sampleCapture(s.token, 50)));
  assert.equal(inspectContainer(chunked).chunkLengths.length, 4);
  const valid = chunked.subarray(0, inspectContainer(chunked).headerLength + 4096);
  const head = inspectContainer(chunked);
  const tableAt = head.headerLength - 2 - 4 * head.chunkLengths.length;
  const field = fc.constantFrom(0, 1, 15, 16, 17, 0xffff, 0x7fffffff, 0xffffffff);
  const mutation = fc.oneof(
    fc.uint8Array({ maxLength: 600 }).map((b) => { if (b.length >= 6) b.set([0x4f, 0x5a, 0x43, 0x46, 0, 2]); return b; }),
    fc.array(fc.tuple(fc.nat(head.headerLength - 1), fc.integer({ min: 1, max: 255 })), { minLength: 1, maxLength: 6 })
      .map((flips) => { const b = chunked.slice(); for (const [i, x] of flips) b[i]! ^= x; return b; }),
    // the chunk count and lengths overwritten, sometimes with the file cut to what the new lengths say
    fc.tuple(fc.nat(head.chunkLengths.length), field, fc.boolean()).map(([slot, value, fit]) => {
      const b = chunked.slice();
      const view = new DataView(b.buffer);
      if (slot === 0) view.setUint16(tableAt, value & 0xffff);
      else view.setUint32(tableAt + 2 + 4 * (slot - 1), value >>> 0);
      if (!fit) return b;
      let sum = 0;
      for (let i = 0; i < Math.min(view.getUint16(tableAt), head.chunkLengths.length); i++) sum += view.getUint32(tableAt + 2 + 4 * i);
      return b.subarray(0, Math.min(b.length, head.headerLength + sum));
    }),
    fc.nat(valid.length).map((n) => valid.slice(0, n)),
  );
  let accepted = 0;
  fc.assert(fc.property(mutation, (bytes) => {
    try {
      const h = inspectContainer(bytes);
      accepted++;
      return h.headerLength + h.chunkLengths.reduce((a, b) => a + b, 0) === bytes.length && h.chunkLengths.every((n) => n >= 16);
    } catch (e) {
      return e instanceof ContainerOpenError && [5, 14].includes(e.apiCode);
    }
  }), { numRuns: runs });
  assert.ok(accepted > 0, 'some mutated headers must still parse, so the checks after parsing are reached');
  // Whole opens are slower (HPKE and the codec): a sample of damaged chunked containers, each rejected with a vendor code.
  await fc.assert(fc.asyncProperty(
    fc.array(fc.tuple(fc.nat(chunked.length - 1), fc.integer({ min: 1, max: 255 })), { minLength: 1, maxLength: 4 }),
    async (flips) => {
      const b = chunked.slice();
      for (const [i, x] of flips) b[i]! ^= x;
      try {
        await openContainer(b, { resolveKey: async () => s.keys.keyPair, tokenVerifier: s.issuerPublicKey });
        return false;
      } catch (e) {
        return e instanceof ContainerOpenError && [3, 4, 5, 14].includes(e.apiCode);
      }
    },
  ), { numRuns: Math.max(100, Math.floor(runs / 50)) });
});
