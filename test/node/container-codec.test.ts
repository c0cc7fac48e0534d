// The codec's limits and rules, checked against the constants src/container/format.ts publishes for them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { sampleBytes } from './container-harness.ts';
import { leafHashHex } from './container-leaf-hash.ts';
import { Codec, CodecError, compileCodec, type PackSection } from '../../src/container/codec.ts';
import {
  CodecStatus, innerHeaderLength, INNER_MAGIC, INNER_VERSION, MAX_MANIFEST_LENGTH, MAX_NAME_LENGTH, MAX_SECTIONS,
  MAX_INNER_LENGTH, MAX_TECHNICAL_LENGTH, SECTION_KINDS, toHex,
} from '../../src/container/format.ts';

const utf8 = new TextEncoder();
const section = (kind: number, name: string, size: number): PackSection => ({ kind, name: utf8.encode(name), data: new Uint8Array(size) });
const base = (): PackSection[] => [section(SECTION_KINDS.manifest, 'payload.json', 2), section(SECTION_KINDS.technical, 'technical.json', 2)];
const codec = async (limit?: number) => Codec.instantiate(await compileCodec(), limit);

async function packStatus(sections: PackSection[], limit?: number): Promise<number> {
  try {
    await (await codec(limit)).pack(sections);
    return CodecStatus.ok;
  } catch (e) {
    assert.ok(e instanceof CodecError, String(e));
    return e.status;
  }
}

test('the inner header and table have the published shape', async () => {
  const inner = await (await codec()).pack([...base(), section(SECTION_KINDS.clip, 'a.webm', 3)]);
  assert.deepEqual(inner.subarray(0, 4), INNER_MAGIC);
  const view = new DataView(inner.buffer, inner.byteOffset, inner.byteLength);
  assert.equal(view.getUint16(4, true), INNER_VERSION);
  assert.equal(view.getUint16(6, true), 3);
  assert.equal(view.getUint32(12, true), inner.length);
  // Inner version 3: a 16-byte header and 16-byte table entries (no hashes).
  assert.equal(innerHeaderLength(INNER_VERSION), 16);
  assert.equal(inner.length, 16 + 3 * 16 + 'payload.jsontechnical.jsona.webm'.length + 7);
  for (const version of [1, 2] as const) {
    const hashed = await (await codec()).pack([...base(), section(SECTION_KINDS.clip, 'a.webm', 3)], version);
    assert.equal(hashed.length, innerHeaderLength(version) + 3 * 48 + 'payload.jsontechnical.jsona.webm'.length + 7);
  }
});

test('section count: at most MAX_SECTIONS, and at least one medium', async () => {
  const media = (n: number) => Array.from({ length: n }, (_, i) => section(SECTION_KINDS.image, `f${i}.jpg`, 1));
  assert.equal(await packStatus([...base(), ...media(MAX_SECTIONS - 2)]), CodecStatus.ok);
  assert.equal(await packStatus([...base(), ...media(MAX_SECTIONS - 1)]), CodecStatus.sectionCount);
  assert.equal(await packStatus(base()), CodecStatus.noMedia);
});

test('names: 1 to MAX_NAME_LENGTH bytes of [A-Za-z0-9._-], unique; fixed names and kinds for the first two', async () => {
  const clip = (name: string) => [...base(), section(SECTION_KINDS.clip, name, 1)];
  assert.equal(await packStatus(clip('a'.repeat(MAX_NAME_LENGTH))), CodecStatus.ok);
  assert.equal(await packStatus(clip('a'.repeat(MAX_NAME_LENGTH + 1))), CodecStatus.badSection);
  assert.equal(await packStatus(clip('')), CodecStatus.badSection);
  for (const bad of ['a b', 'a/b', '..\\x', 'é.jpg', 'a\u0000']) assert.equal(await packStatus(clip(bad)), CodecStatus.badSection, bad);
  assert.equal(await packStatus([...clip('x.webm'), section(SECTION_KINDS.image, 'x.webm', 1)]), CodecStatus.duplicateName);
  assert.equal(await packStatus([base()[1]!, base()[0]!, section(SECTION_KINDS.clip, 'a', 1)]), CodecStatus.manifestMissing);
  assert.equal(await packStatus([base()[0]!, section(SECTION_KINDS.technical, 'tech.json', 1), section(SECTION_KINDS.clip, 'a', 1)]), CodecStatus.badSection);
  assert.equal(await packStatus([...base(), section(SECTION_KINDS.manifest, 'a', 1)]), CodecStatus.badSection);
});

test('sizes: manifest up to MAX_MANIFEST_LENGTH, technical data up to MAX_TECHNICAL_LENGTH, all up to MAX_INNER_LENGTH', async () => {
  const withSizes = (m: number, t: number) => [section(SECTION_KINDS.manifest, 'payload.json', m), section(SECTION_KINDS.technical, 'technical.json', t), section(SECTION_KINDS.clip, 'a', 1)];
  assert.equal(await packStatus(withSizes(MAX_MANIFEST_LENGTH, MAX_TECHNICAL_LENGTH)), CodecStatus.ok);
  assert.equal(await packStatus(withSizes(MAX_MANIFEST_LENGTH + 1, 1)), CodecStatus.tooLarge);
  assert.equal(await packStatus(withSizes(1, MAX_TECHNICAL_LENGTH + 1)), CodecStatus.tooLarge);
  // Refused before any byte is copied: the buffer's pages are never touched.
  assert.equal(await packStatus([...base(), section(SECTION_KINDS.clip, 'a', MAX_INNER_LENGTH)]), CodecStatus.tooLarge);
});

test('the memory ceiling covers codec memory and the result; media with a host digest, or as they are, never enter codec memory', async () => {
  const big = () => [...base(), section(SECTION_KINDS.clip, 'a', 3 << 20)];
  assert.equal(await packStatus(big(), 2 << 20), CodecStatus.memoryLimit);
  assert.equal(await packStatus(big(), 4 << 20), CodecStatus.memoryLimit, 'copied into the codec: in codec memory and in the result');
  assert.equal(await packStatus(big(), 8 << 20), CodecStatus.ok);
  // Inner version 2: a section with a host digest stays where it is.
  const hashed = big();
  hashed[2]!.digest = Buffer.from(leafHashHex(hashed[2]!.data as Uint8Array), 'hex');
  const c = await codec((3 << 20) + (512 << 10));
  const inner = await c.pack(hashed, 2);
  assert.ok(c.memoryBytes < 1 << 20, `codec memory ${c.memoryBytes}`);
  assert.deepEqual(inner, await (await codec()).pack(big(), 2));
  // Inner version 3: one marked asIs does.
  const asIs = big();
  asIs[2]!.asIs = true;
  const c3 = await codec((3 << 20) + (512 << 10));
  const inner3 = await c3.pack(asIs);
  assert.ok(c3.memoryBytes < 1 << 20, `codec memory ${c3.memoryBytes}`);
  assert.deepEqual(inner3, await (await codec()).pack(big()));
});

test('the streaming SHA-256 over parts equals node:crypto over the joined bytes, whatever the cuts', async () => {
  const c = await codec();
  const bytes = sampleBytes(700_000, 5);
  const cuts: number[][] = [[], [0], [1], [63, 64, 65], [524_287, 524_288, 524_289], [100, 100, 600_000], [699_999]];
  for (const at of cuts) {
    const edges = [0, ...at, bytes.length];
    const parts = edges.slice(1).map((end, i) => bytes.subarray(edges[i]!, end));
    assert.equal(toHex(c.sha256Parts(parts)), createHash('sha256').update(bytes).digest('hex'), `cut at ${at.join(', ')}`);
  }
  assert.equal(toHex(c.sha256Parts([])), createHash('sha256').digest('hex'));
  // Streamed through a fixed stage, so the codec does not grow with the input.
  const before = c.memoryBytes;
  c.sha256Parts([sampleBytes(3 << 20, 6)], 64 << 10);
  assert.ok(c.memoryBytes - before <= 128 << 10, `codec memory grew by ${c.memoryBytes - before}`);
});

test('the leaf hash through WebCrypto equals the documented rule over the joined bytes, whatever the parts', async () => {
  const { leafHash } = await import('../../src/container/digest.ts');
  const K = 1024;
  const bytes = sampleBytes(1300 * K + 7, 12);
  const cuts: number[][] = [[], [512 * K], [512 * K, 1024 * K], [1], [100 * K, 100 * K, 700 * K], [524_287, 524_289, 1_048_575], [1300 * K + 6]];
  for (const at of cuts) {
    const edges = [0, ...at, bytes.length];
    const parts = edges.slice(1).map((end, i) => bytes.subarray(edges[i]!, end));
    assert.equal(toHex(await leafHash(parts)), leafHashHex(bytes), `cut at ${at.join(', ')}`);
  }
  for (const n of [0, 1, 512 * K - 1, 512 * K, 512 * K + 1]) assert.equal(toHex(await leafHash(bytes.subarray(0, n))), leafHashHex(bytes.subarray(0, n)), `${n} bytes`);
  // Empty data has no leaf: the hash of nothing.
  assert.equal(toHex(await leafHash([])), createHash('sha256').digest('hex'));
  // The codec computes the same for a section it hashes itself (no host digest).
  const inner = await (await codec()).pack([...base(), { kind: SECTION_KINDS.clip, name: utf8.encode('a.webm'), data: bytes }], 2);
  assert.equal(toHex(inner.subarray(48 + 2 * 48 + 16, 48 + 2 * 48 + 48)), leafHashHex(bytes));
});

for (const version of [2, 3] as const) test(`open copies in only what the codec reads; media in one piece stay where they are; wipe zeroes all it wrote (inner version ${version})`, async () => {
  const K = 1024;
  const size = innerHeaderLength(version);
  // The manifest, technical data, a small image and two media: one within a piece, one across two.
  const filled = (kind: number, name: string, size: number, seed: number) => ({ ...section(kind, name, size), data: sampleBytes(size, seed) });
  const sections = [...base(), filled(SECTION_KINDS.image, 'small.jpg', 10 * K, 21), filled(SECTION_KINDS.clip, 'one.webm', 300 * K, 22), filled(SECTION_KINDS.clip, 'two.webm', 700 * K, 23)];
  const inner = await (await codec()).pack(sections, version);
  const c = await codec();
  const memory = (c as unknown as { x: { memory: WebAssembly.Memory; heapBase(): number } }).x;
  // Pieces cut as a packer seals them: the head and small sections, then each medium from a piece of its own.
  const table = new DataView(inner.buffer, inner.byteOffset);
  const dataOff = (i: number) => table.getUint32(size + size * i + 8, true);
  const cuts = [0, dataOff(3), dataOff(4), dataOff(4) + 512 * K, inner.length];
  const pieces = cuts.slice(1).map((end, i) => inner.slice(cuts[i], end));
  const opened = await c.open(pieces, 64 * K, version, (b) => createHash('sha256').update(b).digest(), true);
  assert.deepEqual(opened.sections.map((s) => s.name), ['payload.json', 'technical.json', 'small.jpg', 'one.webm', 'two.webm']);
  opened.sections.forEach((s, i) => assert.deepEqual(s.data, sections[i]!.data, s.name));
  const inPiece = opened.sections[3]!.data;
  assert.equal(inPiece.buffer, pieces[1]!.buffer, 'the medium within one piece is a view into it');
  assert.equal(Object.getPrototypeOf(inPiece), Uint8Array.prototype);
  for (const s of [opened.sections[0]!, opened.sections[2]!, opened.sections[4]!]) assert.notEqual(s.data.buffer, memory.memory.buffer, `${s.name} copied out`);
  const mem = new Uint8Array(memory.memory.buffer);
  const from = (memory.heapBase() + 15) & ~15;
  // The medium in one piece never entered codec memory: not one of its bytes is there.
  const probe = Buffer.from(inPiece.subarray(1000, 1032));
  assert.equal(Buffer.from(mem).indexOf(probe, from), -1);
  assert.ok(mem.subarray(from).some((b) => b !== 0), 'the open wrote');
  c.wipe();
  assert.ok(new Uint8Array(memory.memory.buffer).subarray(from).every((b) => b === 0), 'every byte above heapBase is zero again');
  // The kept instance opens the next container as a fresh one would.
  const again = await c.open(pieces, 64 * K, version, (b) => createHash('sha256').update(b).digest(), true);
  assert.deepEqual(again.sections[4]!.data, sections[4]!.data);
});
