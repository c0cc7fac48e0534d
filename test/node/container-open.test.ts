// Opening in Node: round trips, and every kind of damage rejected with the vendor code the format document names.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { Codec, compileCodec, lengthOf } from '../../src/container/codec.ts';
import { buildSections, packContainer } from '../../src/container/pack.ts';
import { type ChunkSink, containerBytes, prepareSeal, sealInner } from '../../src/container/seal.ts';
import { encodeHeader } from '../../src/container/format.ts';
import type { ContainerInput } from '../../src/container/types.ts';
import { ContainerOpenError, inspectContainer, openContainer, type OpenContainerOptions } from '../../src/container/open.ts';
import { issueSession, sampleBytes, sampleCapture, type TestSession } from './container-harness.ts';
import { leafHashHex } from './container-leaf-hash.ts';

const concat = (...parts: Uint8Array[]) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) { out.set(p, at); at += p.length; }
  return out;
};
const options = (s: TestSession, extra: Partial<OpenContainerOptions> = {}): OpenContainerOptions => ({
  resolveKey: async (header) => (header.sessionId === s.sid ? s.keys.keyPair : null),
  tokenVerifier: s.issuerPublicKey,
  ...extra,
});

async function pack(s: TestSession, scale = 1, input: ContainerInput = sampleCapture(s.token, scale), version?: 1 | 2 | 3 | 4): Promise<Uint8Array> {
  return containerBytes(await packContainer(await Codec.instantiate(await compileCodec()), input, { version }));
}

async function rejects(promise: Promise<unknown>, apiCode: number, reason?: string): Promise<void> {
  await assert.rejects(promise, (e: unknown) => {
    assert.ok(e instanceof ContainerOpenError, `expected ContainerOpenError, got ${String(e)}`);
    assert.equal(e.apiCode, apiCode, `${e.reason}: ${e.message}`);
    if (reason) assert.equal(e.reason, reason, e.message);
    return true;
  });
}

/**
 * An independent layout in plain TypeScript (node:crypto hashes), following the document rather than the codec, so
 * the tests can seal inner containers that a correct packer would never make. Inner version 3 (format 4, no hashes)
 * by default; versions 1 and 2 have a 48-byte header and table entries, with the hashes.
 */
function layout(sections: { kind: number; name: string; data: Uint8Array }[], tweak: (view: DataView, bytes: Uint8Array) => void = () => {}, version: 1 | 2 | 3 = 3): Uint8Array {
  const names = sections.map((s) => new TextEncoder().encode(s.name));
  const namesLen = names.reduce((n, b) => n + b.length, 0);
  const size = version === 3 ? 16 : 48;
  const tableEnd = size + size * sections.length;
  const total = tableEnd + namesLen + sections.reduce((n, s) => n + s.data.length, 0);
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  out.set([0x4f, 0x5a, 0x43, 0x49]);
  view.setUint16(4, version, true);
  view.setUint16(6, sections.length, true);
  view.setUint32(8, namesLen, true);
  view.setUint32(12, total, true);
  let nameAt = tableEnd, dataAt = tableEnd + namesLen;
  sections.forEach((s, i) => {
    const e = size + size * i;
    out[e] = s.kind;
    view.setUint16(e + 2, names[i]!.length, true);
    view.setUint32(e + 4, nameAt, true);
    view.setUint32(e + 8, dataAt, true);
    view.setUint32(e + 12, s.data.length, true);
    if (version !== 3) out.set(version === 1 ? createHash('sha256').update(s.data).digest() : Buffer.from(leafHashHex(s.data), 'hex'), e + 16);
    out.set(names[i]!, nameAt);
    out.set(s.data, dataAt);
    nameAt += names[i]!.length;
    dataAt += s.data.length;
  });
  tweak(view, out);
  if (version === 3) return out;
  const summing = createHash('sha256').update(out.subarray(0, 16)).update(out.subarray(48, tableEnd + namesLen))
    .update(out.subarray(view.getUint32(56, true), view.getUint32(56, true) + view.getUint32(60, true))).digest();
  out.set(summing, 16);
  return out;
}

const json = (v: unknown) => new TextEncoder().encode(JSON.stringify(v));
const manifest = (tags: Record<string, string[]> = { 'clip.webm': ['video_selfie'] }) => ({ kind: 1, name: 'payload.json', data: json({ 'media:tags': tags, 'folder:meta_data': {} }) });
const technical = { kind: 2, name: 'technical.json', data: json({ sdk: 'test' }) };
const clip = { kind: 3, name: 'clip.webm', data: sampleBytes(100_000, 7) };

/** Sealed as the format version that carries the inner container's version (inner 3 in format 4, 2 in 3), unless given. */
async function sealed(s: TestSession, inner: Uint8Array, version?: 1 | 2 | 3 | 4): Promise<Uint8Array> {
  const carrier = ({ 1: 2, 2: 3, 3: 4 } as const)[inner[4] as 1 | 2 | 3] ?? 4;
  return containerBytes(await sealInner(inner, { sessionToken: s.token, version: version ?? carrier }));
}

test('a capture packed in Node opens, with the session id readable before decryption', async () => {
  const s = await issueSession();
  const bytes = await pack(s);
  assert.equal(inspectContainer(bytes).sessionId, s.sid);
  const opened = await openContainer(bytes, options(s));
  assert.equal(opened.header.sessionId, s.sid);
  const expected = sampleCapture(s.token);
  assert.deepEqual(opened.media.map((m) => [m.name, m.kind, m.size]), expected.media.map((m) => [m.name, m.mime.startsWith('video/') ? 'clip' : 'image', m.data.length]));
  for (const [i, m] of opened.media.entries()) assert.deepEqual(m.data, expected.media[i]!.data);
  // Format 4 carries no hashes: nothing to report but the bytes, which the AEAD authenticated.
  assert.equal(opened.header.version, 4);
  assert.equal(opened.innerVersion, 3);
  assert.equal(opened.summingHash, undefined);
  assert.ok(opened.sections.every((x) => x.sha256 === undefined));
  // Format 3 (still written on request) reports its verified leaf hashes.
  const v3 = await openContainer(await pack(s, 1, undefined, 3), options(s));
  assert.equal(v3.innerVersion, 2);
  assert.deepEqual(v3.media.map((m) => m.sha256), expected.media.map((m) => leafHashHex(m.data)));
  assert.match(v3.summingHash!, /^[0-9a-f]{64}$/);
});

test('the independent layout in this test agrees with the codec byte for byte', async () => {
  const codec = await Codec.instantiate(await compileCodec());
  const input = sampleCapture('unused', 1);
  const sections = buildSections(input);
  const fromCodec = await codec.pack(sections);
  const plain = sections.map((x) => ({ kind: x.kind, name: new TextDecoder().decode(x.name), data: x.data as Uint8Array }));
  assert.deepEqual(fromCodec, layout(plain));
  assert.deepEqual(await codec.pack(sections, 1), layout(plain, undefined, 1));
  assert.deepEqual(await codec.pack(sections, 2), layout(plain, undefined, 2));
  // Sections of several leaves, hashed in the codec (no host digest) and on the host (leaf by leaf with WebCrypto).
  const long = [...plain.slice(0, 2), { kind: 3, name: 'long.webm', data: sampleBytes(1300 * 1024 + 3, 4) }, { kind: 4, name: 'leaf.jpg', data: sampleBytes(512 * 1024, 5) }];
  const longSections = long.map((x) => ({ kind: x.kind, name: new TextEncoder().encode(x.name), data: x.data }));
  assert.deepEqual(await (await Codec.instantiate(await compileCodec())).pack(longSections, 2), layout(long, undefined, 2));
  const withHost = longSections.map((x, i) => (i < 2 ? x : { ...x, digest: Buffer.from(leafHashHex(x.data), 'hex') }));
  assert.deepEqual(await (await Codec.instantiate(await compileCodec())).pack(withHost, 2), layout(long, undefined, 2));
  // Inner version 3: the same bytes whether the codec copies the media or leaves them where they are.
  assert.deepEqual(await (await Codec.instantiate(await compileCodec())).pack(longSections), layout(long));
  assert.deepEqual(await (await Codec.instantiate(await compileCodec())).pack(longSections.map((x, i) => ({ ...x, asIs: i >= 2 }))), layout(long));
});

test('flipping any single byte, sampled across the whole container, is rejected', async () => {
  const s = await issueSession();
  const bytes = await pack(s);
  const header = inspectContainer(bytes);
  const positions = new Set<number>();
  for (let i = 0; i < header.headerLength; i++) positions.add(i);
  for (let i = header.headerLength; i < bytes.length; i += 97) positions.add(i);
  positions.add(bytes.length - 1);
  // Length fields: sid, token, enc, the chunk count and the chunk lengths. A changed length either leaves the range
  // (14, bad_header) or no longer fits the bytes (5, bounds); every other byte is caught as invalid (14).
  const sidLenAt = 20, tokenLenAt = 22 + header.sessionId.length, encLenAt = tokenLenAt + 2 + header.sessionToken.length;
  const tableAt = encLenAt + 2 + 65;
  const lengthBytes = new Set([sidLenAt, sidLenAt + 1, tokenLenAt, tokenLenAt + 1, encLenAt, encLenAt + 1]);
  for (let i = tableAt; i < header.headerLength; i++) lengthBytes.add(i);
  let checked = 0;
  for (const at of positions) {
    for (const mask of [0x01, 0x80]) {
      const copy = bytes.slice();
      copy[at]! ^= mask;
      await assert.rejects(openContainer(copy, options(s)), (e: unknown) => {
        assert.ok(e instanceof ContainerOpenError, String(e));
        if (lengthBytes.has(at)) assert.ok(e.reason === 'bounds' ? e.apiCode === 5 : e.apiCode === 14 && e.reason === 'bad_header', `byte ${at}: ${e.reason}`);
        else assert.equal(e.apiCode, 14, `byte ${at}: ${e.reason} ${e.message}`);
        return true;
      });
      checked++;
    }
  }
  assert.ok(checked > 2 * header.headerLength);
});

test('each medium of 64 KiB or more is sealed as its own chunk, straight from the input, and the container opens', async () => {
  const s = await issueSession();
  // Scaled by 100: three media over 64 KiB (150,000, 170,000 and 90,000 bytes) and one under (40,000).
  const input = sampleCapture(s.token, 100);
  const sizes = input.media.map((m) => m.data.length);
  const sections = buildSections(input);
  const codec = await Codec.instantiate(await compileCodec());
  const { pieces, length } = await codec.layout(sections.map((x) => ({ ...x, asIs: lengthOf(x.data) >= 65536 && x.kind > 1 })));
  // The large media are the input's own bytes, not copies; the rest of the layout comes out of codec memory.
  assert.deepEqual(pieces.map((p) => input.media.findIndex((m) => m.data.buffer === p.buffer)), [-1, 0, 1, 2, -1]);
  assert.equal(pieces.reduce((n, p) => n + p.length, 0), length);
  assert.equal(pieces[4]!.length, sizes[3]);

  const bytes = await pack(s, 100);
  const header = inspectContainer(bytes);
  assert.equal(header.version, 4);
  assert.deepEqual(header.chunkLengths.slice(1), [sizes[0]! + 16, sizes[1]! + 16, sizes[2]! + 16, sizes[3]! + 16]);
  const opened = await openContainer(bytes, options(s));
  assert.equal(opened.innerLength, length);
  for (const [i, m] of opened.media.entries()) assert.deepEqual(m.data, sampleCapture(s.token, 100).media[i]!.data);
  // A changed byte anywhere in any chunk: the chunk does not open.
  let at = header.headerLength;
  for (const n of header.chunkLengths) {
    for (const offset of [0, n >> 1, n - 1]) {
      const copy = bytes.slice();
      copy[at + offset]! ^= 0x04;
      await rejects(openContainer(copy, options(s)), 14, 'decrypt_failed');
    }
    at += n;
  }
});

test('no chunk holds more than 512 KiB: a larger medium is cut into 512 KiB chunks from its start, and the opener refuses a larger chunk', async () => {
  const s = await issueSession();
  const size = 1.25 * 1024 * 1024;
  const K512 = 512 * 1024;
  const input = { ...sampleCapture(s.token), payload: { 'media:tags': {}, 'folder:meta_data': {} }, media: [{ name: 'long.webm', tags: ['video_selfie'], mime: 'video/webm', data: sampleBytes(size, 9) }] };
  const bytes = await pack(s, 1, input);
  const header = inspectContainer(bytes);
  assert.deepEqual(header.chunkLengths.slice(1), [K512, K512, size - 2 * K512].map((n) => n + 16));
  assert.deepEqual((await openContainer(bytes, options(s))).media[0]!.data, sampleBytes(size, 9));
  // The same bytes with one byte moved from the third chunk to the second: the lengths still add up, and the header
  // is refused before any decryption because the second chunk is over the limit.
  const moved = bytes.slice();
  const view = new DataView(moved.buffer);
  const table = header.headerLength - 4 * 4;
  view.setUint32(table + 4, view.getUint32(table + 4) + 1);
  view.setUint32(table + 8, view.getUint32(table + 8) - 1);
  await rejects(openContainer(moved, options(s)), 14, 'bad_header');
  // And the packer never writes such a chunk.
  await assert.rejects(sealInner([new Uint8Array(K512 + 1)], { sessionToken: s.token }), (e: Error) => e.name === 'SealError' && /at most 524288 bytes/.test(e.message));
  await assert.rejects(sealInner(Array.from({ length: 2562 }, () => new Uint8Array(1)), { sessionToken: s.token }), (e: Error) => e.name === 'SealError' && /2562 chunks, over the 2561/.test(e.message));
});

test('the sink takes the header, then every chunk in order as it is sealed; released pieces are emptied', async () => {
  const s = await issueSession();
  const K512 = 512 * 1024;
  const inner = layout([manifest(), technical, { ...clip, data: sampleBytes(1_200_000, 8) }]);
  const pieces = [inner.slice(0, 4096), inner.slice(4096, 4096 + K512), inner.slice(4096 + K512, 4096 + 2 * K512), inner.slice(4096 + 2 * K512)];
  const events: (string | number)[] = [];
  let header!: Uint8Array;
  const chunks: Uint8Array[] = [];
  const given = pieces.map((p) => p);
  const sink: ChunkSink = {
    header: (h) => { header = h; events.push('header'); },
    chunk: (c, i) => {
      events.push(i);
      chunks.push(c);
      // Released: the piece of a chunk handed on is no longer referenced by the sealer's input.
      assert.equal(given.length, 0, 'the caller\'s array is emptied');
    },
  };
  const seal = await prepareSeal({ sessionToken: s.token });
  const sealed = await seal(given, true, sink);
  assert.deepEqual(events, ['header', 0, 1, 2, 3]);
  assert.deepEqual(sealed.chunks, [], 'handed on, not kept');
  assert.deepEqual(sealed.chunkLengths, pieces.map((p) => p.length + 16));
  const opened = await openContainer(containerBytes({ header, chunks }), options(s));
  assert.deepEqual(opened.media[0]!.data, sampleBytes(1_200_000, 8));
});

test('a medium handed over in parts is sealed part by part (format 3: hashed leaf by leaf) and gives the same inner container', async () => {
  const s = await issueSession();
  const K = 1024;
  const clipBytes = sampleBytes(1000 * K + 10, 8);
  // Uneven parts, as a host might give them: one over the chunk limit, one tiny, one empty.
  const cuts = [0, 300 * K, 300 * K + 700 * K, 300 * K + 700 * K, clipBytes.length];
  const parts = cuts.slice(1).map((end, i) => clipBytes.slice(cuts[i]!, end));
  const input = (data: Uint8Array | Uint8Array[]) => ({ ...sampleCapture(s.token), payload: { 'media:tags': {}, 'folder:meta_data': {} }, media: [{ name: 'clip.webm', tags: ['video_selfie'], mime: 'video/webm', data }] });
  for (const version of [4, 3] as const) {
    const bytes = await pack(s, 1, input(parts), version);
    const header = inspectContainer(bytes);
    // 300 KiB, then 700 KiB cut at 512 KiB; the rest (188 KiB), the empty part and the last 10 bytes joined.
    assert.deepEqual(header.chunkLengths.slice(1), [300 * K, 512 * K, 188 * K + 10].map((n) => n + 16));
    const opened = await openContainer(bytes, options(s));
    assert.deepEqual(opened.media[0]!.data, clipBytes);
    const whole = await openContainer(await pack(s, 1, input(clipBytes), version), options(s));
    assert.equal(opened.innerLength, whole.innerLength);
    assert.deepEqual(opened.sections.map((x) => x.data), whole.sections.map((x) => x.data));
    if (version === 4) continue;
    assert.equal(opened.media[0]!.sha256, leafHashHex(clipBytes));
    assert.equal(opened.summingHash, whole.summingHash);
  }
});

test('many small parts are joined into chunks of up to 512 KiB, so their number does not set the chunk count', async () => {
  const s = await issueSession();
  const clip = sampleBytes(2 * 1024 * 1024 + 5, 10);
  // 2,049 parts of 1 KiB and one of 5 bytes: alone they would be more chunks than a container may hold.
  const parts = Array.from({ length: Math.ceil(clip.length / 1024) }, (_, i) => clip.slice(i * 1024, (i + 1) * 1024));
  const bytes = await pack(s, 1, { ...sampleCapture(s.token), payload: { 'media:tags': {}, 'folder:meta_data': {} }, media: [{ name: 'clip.webm', tags: ['video_selfie'], mime: 'video/webm', data: parts }] });
  const header = inspectContainer(bytes);
  assert.deepEqual(header.chunkLengths.slice(1), [512, 512, 512, 512].map((k) => k * 1024 + 16).concat([5 + 16]));
  assert.deepEqual((await openContainer(bytes, options(s))).media[0]!.data, clip);
});

test('chunks moved, repeated or dropped do not open (14), even when the header is made to fit', async () => {
  const s = await issueSession();
  const twin = (name: string, seed: number) => ({ name, tags: ['video_selfie'], mime: 'video/webm', data: sampleBytes(100_000, seed) });
  const input = { ...sampleCapture(s.token), payload: { 'media:tags': {}, 'folder:meta_data': {} }, media: [twin('a.webm', 1), twin('b.webm', 2)] };
  const bytes = await pack(s, 1, input);
  const header = inspectContainer(bytes);
  assert.deepEqual(header.chunkLengths.slice(1), [100_016, 100_016]);
  const chunks: Uint8Array[] = [];
  let at = header.headerLength;
  for (const n of header.chunkLengths) { chunks.push(bytes.subarray(at, at + n)); at += n; }
  const head = bytes.subarray(0, header.headerLength);
  // Same lengths, so the header still fits: the two media chunks swapped, or one in place of the other.
  await rejects(openContainer(concat(head, chunks[0]!, chunks[2]!, chunks[1]!), options(s)), 14, 'decrypt_failed');
  await rejects(openContainer(concat(head, chunks[0]!, chunks[1]!, chunks[1]!), options(s)), 14, 'decrypt_failed');
  // A chunk dropped, with the count and lengths rewritten to match.
  const shorter = encodeHeader({ ...header, chunkLengths: header.chunkLengths.slice(0, 2) });
  await rejects(openContainer(concat(shorter, chunks[0]!, chunks[1]!), options(s)), 14, 'decrypt_failed');
  // The same cut without rewriting the header does not even parse.
  await rejects(openContainer(concat(head, chunks[0]!, chunks[1]!), options(s)), 5, 'bounds');
  // A chunk of another container for the same session.
  const other = await pack(s, 1, { ...input, media: [twin('a.webm', 1), twin('b.webm', 3)] });
  const otherHeader = inspectContainer(other);
  const otherLast = other.subarray(other.length - otherHeader.chunkLengths[2]!);
  await rejects(openContainer(concat(head, chunks[0]!, chunks[1]!, otherLast), options(s)), 14, 'decrypt_failed');
  // Untouched, it opens.
  assert.equal((await openContainer(bytes, options(s))).media.length, 2);
});

test('version 1, 2 and 3 containers still open; a version changed in the header, or an inner version from another envelope, does not', async () => {
  const s = await issueSession();
  for (const version of [1, 2, 3] as const) {
    const older = await pack(s, 100, undefined, version);
    const header = inspectContainer(older);
    assert.equal(header.version, version);
    if (version === 1) assert.equal(header.chunkLengths.length, 1);
    const opened = await openContainer(older, options(s));
    assert.equal(opened.innerVersion, version === 3 ? 2 : 1);
    for (const [i, m] of opened.media.entries()) {
      assert.deepEqual(m.data, sampleCapture(s.token, 100).media[i]!.data);
      assert.equal(m.sha256, version === 3 ? leafHashHex(m.data) : createHash('sha256').update(m.data).digest('hex'));
    }
  }
  const v1 = await pack(s, 100, undefined, 1);
  // Relabelled: the layouts differ, and where a header still parsed, the HPKE info and associated data would not match.
  const relabelled = v1.slice();
  relabelled[5] = 2;
  await assert.rejects(openContainer(relabelled, options(s)), ContainerOpenError);
  const v4 = await pack(s);
  for (const down of [1, 2, 3]) {
    const copy = v4.slice();
    copy[5] = down;
    await assert.rejects(openContainer(copy, options(s)), ContainerOpenError);
  }
  // A single-chunk version 4 header rebuilt as version 3, 2 or 1 around the same ciphertext parses, and does not
  // decrypt (the HPKE info names the version).
  const h4 = inspectContainer(v4);
  for (const version of [1, 2, 3] as const) {
    await rejects(openContainer(concat(encodeHeader({ ...h4, version }), v4.subarray(h4.headerLength)), options(s)), 14, 'decrypt_failed');
  }
  // Each envelope carries one inner version; any other, validly sealed, is refused: so a container cannot be
  // relabelled into a version that checks less (inner 3, without hashes, sealed as format 3, for one).
  const sections = [manifest(), technical, clip];
  const carried = { 2: 1, 3: 2, 4: 3 } as const;
  for (const format of [2, 3, 4] as const) {
    for (const inner of [1, 2, 3] as const) {
      if (inner === carried[format]) continue;
      await rejects(openContainer(await sealed(s, layout(sections, undefined, inner), format), options(s)), 14, 'inner_invalid');
    }
    const opened = await openContainer(await sealed(s, layout(sections, undefined, carried[format]), format), options(s));
    assert.equal(opened.media[0]!.sha256, format === 4 ? undefined : format === 3 ? leafHashHex(clip.data) : createHash('sha256').update(clip.data).digest('hex'));
  }
});

test('a truncated or extended container is rejected as damaged (5), a foreign file as invalid (14)', async () => {
  const s = await issueSession();
  const bytes = await pack(s);
  for (const length of [5, 21, 60, inspectContainer(bytes).headerLength, bytes.length - 17, bytes.length - 1]) {
    await rejects(openContainer(bytes.subarray(0, length), options(s)), 5, 'bounds');
  }
  await rejects(openContainer(concat(bytes, new Uint8Array([0])), options(s)), 5, 'bounds');
  await rejects(openContainer(concat(bytes, bytes), options(s)), 5, 'bounds');
  await rejects(openContainer(bytes.subarray(0, 3), options(s)), 14, 'bad_magic');
  await rejects(openContainer(new Uint8Array(0), options(s)), 14, 'bad_magic');
});

test('swapping the session: another session header or key does not open it (14)', async () => {
  const a = await issueSession();
  const b = await issueSession();
  const bytesA = await pack(a);
  const bytesB = await pack(b);
  const ha = inspectContainer(bytesA), hb = inspectContainer(bytesB);
  // B's header (token, sid, enc) in front of A's chunks, with A's chunk lengths.
  const headerB = encodeHeader({ ...hb, chunkLengths: ha.chunkLengths });
  await rejects(openContainer(concat(headerB, bytesA.subarray(ha.headerLength)), options(b)), 14, 'decrypt_failed');
  // A's container presented with B's key.
  await rejects(openContainer(bytesA, { ...options(b), resolveKey: async () => b.keys.keyPair, tokenVerifier: a.issuerPublicKey }), 14, 'decrypt_failed');
  // A's container with a token signed by another issuer.
  await rejects(openContainer(bytesA, options(b)), 14, 'token_invalid');
  // No key for the session.
  await rejects(openContainer(bytesA, { ...options(a), resolveKey: async () => null }), 14, 'unknown_session');
});

test('replay is visible: the same session id comes out of every copy, so the API can accept it once', async () => {
  const s = await issueSession();
  const bytes = await pack(s);
  const used = new Set<string>();
  const accept = async (container: Uint8Array) => {
    const { sessionId } = inspectContainer(container);
    if (used.has(sessionId)) throw new ContainerOpenError(14, 'replayed', `session ${sessionId} already used`);
    const opened = await openContainer(container, options(s));
    used.add(opened.header.sessionId);
    return opened;
  };
  await accept(bytes);
  await rejects(accept(bytes.slice()), 14, 'replayed');
});

test('an expired token, a token without sid, and a token for another session are rejected (14)', async () => {
  const old = await issueSession({ iat: Math.floor(Date.now() / 1000) - 3600, ttlSec: 300 });
  await rejects(openContainer(await pack(old), options(old)), 14, 'token_expired');
  const s = await issueSession();
  const bytes = await pack(s);
  await rejects(openContainer(bytes, { ...options(s), now: Date.now() + 3600_000 }), 14, 'token_expired');
  const opened = await openContainer(bytes, { ...options(s), now: null });
  assert.equal(opened.header.sessionId, s.sid);
  await rejects(openContainer(bytes, { ...options(s), tokenVerifier: async () => ({ sid: 'other', hpke: s.keys.publicKey, exp: 2e9 }) }), 14, 'session_mismatch');
  await rejects(openContainer(bytes, { ...options(s), tokenVerifier: async () => ({ sid: '', hpke: s.keys.publicKey, exp: 2e9 }) }), 14, 'token_empty');
});

test('inside a validly sealed container: missing payload.json (3), no media (4), damage (5), bad summing hash (14)', async () => {
  const s = await issueSession();
  const open = async (inner: Uint8Array) => openContainer(await sealed(s, inner), options(s));
  // Inner version 3 (format 4) and 2 (format 3): the same structure checks, at their own offsets.
  for (const version of [3, 2] as const) {
    const at = (v: typeof version) => (v === 3 ? 16 : 48);
    const lay = (sections: Parameters<typeof layout>[0], tweak?: Parameters<typeof layout>[1]) => layout(sections, tweak, version);
    assert.equal((await open(lay([manifest(), technical, clip]))).media.length, 1);
    await rejects(open(lay([technical, manifest(), clip])), 3, 'payload_missing');
    await rejects(open(lay([{ ...manifest(), data: json('not an object') }, technical, clip])), 3, 'payload_invalid');
    await rejects(open(lay([{ ...manifest(), data: new TextEncoder().encode('{"media:tags":') }, technical, clip])), 3, 'payload_invalid');
    await rejects(open(lay([manifest({}), technical])), 4, 'no_media');
    await rejects(open(lay([manifest(), technical, clip, { ...clip }])), 5, 'damaged');
    await rejects(open(lay([manifest(), technical, { ...clip, name: '../clip.webm' }])), 5, 'damaged');
    await rejects(open(lay([manifest(), technical, { ...clip, kind: 9 }])), 5, 'damaged');
    const third = at(version) * 3 + 8;
    await rejects(open(lay([manifest(), technical, clip], (v) => v.setUint32(third, v.getUint32(third, true) + 1, true))), 5, 'damaged');
    await rejects(open(lay([manifest(), technical, clip], (v) => v.setUint8(at(version) + 1, 1))), 5, 'damaged');
    await rejects(open(lay([manifest({ 'other.webm': [] }), technical, clip])), 5, 'manifest_mismatch');
    await rejects(open(lay([manifest(), technical, clip], (v) => v.setUint16(4, 4, true))), 14, 'inner_invalid');
    await rejects(open(concat(lay([manifest(), technical, clip]), new Uint8Array(1))), 5, 'damaged');
  }
  // What only the hashed inner versions check.
  await rejects(open(layout([manifest(), technical, clip], (_, b) => { b[b.length - 1]! ^= 1; }, 2)), 5, 'section_hash');
  const badSumming = layout([manifest(), technical, clip], undefined, 2);
  badSumming[20]! ^= 1;
  await rejects(open(badSumming), 14, 'summing_hash');
});

test('a container over the opener memory ceiling is refused (14), not half-read', async () => {
  const s = await issueSession();
  const bytes = await pack(s, 400);
  await rejects(openContainer(bytes, { ...options(s), memoryLimitBytes: 1 << 20 }), 14, 'too_large');
  assert.equal((await openContainer(bytes, { ...options(s), memoryLimitBytes: 4 << 20 })).media.length, 4);
});

test('sections below and above the host-digest threshold are verified either way (format 3)', async () => {
  const s = await issueSession();
  const bytes = await pack(s, 4, undefined, 3);
  for (const hostDigestMin of [0, 1, 64 * 1024, 2 ** 31]) {
    const opened = await openContainer(bytes, { ...options(s), hostDigestMin });
    assert.equal(opened.media.length, 4);
  }
  // A changed byte in any section, whichever side of each threshold (Node's 256 bytes, 64 KiB) it is on and whoever
  // hashes it, is a section_hash failure; the default thresholds of both paths included.
  const image = (name: string, size: number) => ({ kind: 4, name, data: sampleBytes(size, size) });
  const sections = [manifest({ 'clip.webm': [], 'a.jpg': [], 'b.jpg': [], 'c.jpg': [] }), technical, clip, image('a.jpg', 255), image('b.jpg', 256), image('c.jpg', 5000)];
  for (const nodeCrypto of [true, false]) {
    for (const hostDigestMin of [undefined, 0, 256, 64 * 1024]) {
      const opts = options(s, { nodeCrypto, hostDigestMin });
      const opened = await openContainer(await sealed(s, layout(sections, undefined, 2)), opts);
      assert.deepEqual(opened.media.map((m) => m.sha256), sections.slice(2).map((m) => leafHashHex(m.data)));
      for (const i of [1, 2, 3, 4, 5]) {
        const damaged = layout(sections, (v, b) => { b[v.getUint32(48 + 48 * i + 8, true) + 7]! ^= 1; }, 2);
        await rejects(openContainer(await sealed(s, damaged), opts), 5, 'section_hash');
      }
    }
  }
});

test('the WebCrypto path (browsers) and the node:crypto path (Node) accept and refuse the same containers', async () => {
  const s = await issueSession();
  const bytes = await pack(s, 100);
  const header = inspectContainer(bytes);
  const v3 = await pack(s, 100, undefined, 3);
  for (const nodeCrypto of [true, false]) {
    const opened = await openContainer(bytes, options(s, { nodeCrypto }));
    assert.deepEqual(opened.media.map((m) => m.data), sampleCapture(s.token, 100).media.map((m) => m.data));
    const hashed = await openContainer(v3, options(s, { nodeCrypto }));
    assert.deepEqual(hashed.media.map((m) => m.sha256), sampleCapture(s.token, 100).media.map((m) => leafHashHex(m.data)));
    for (const at of [header.headerLength - 70, header.headerLength + 3, bytes.length - 1]) {
      const copy = bytes.slice();
      copy[at]! ^= 1;
      await rejects(openContainer(copy, options(s, { nodeCrypto })), 14, 'decrypt_failed');
    }
    const forged = bytes.slice();
    forged[header.headerLength - 4 * header.chunkLengths.length - 2 - 65 - 2 - 10]! ^= 1;
    await rejects(openContainer(forged, options(s, { nodeCrypto })), 14, 'token_invalid');
    await rejects(openContainer(bytes, options(s, { nodeCrypto, tokenVerifier: (await issueSession()).issuerPublicKey })), 14, 'token_invalid');
  }
});

test('small containers opened one after another each keep their own bytes (a kept codec instance is wiped and its results copied out)', async () => {
  const s = await issueSession();
  const inputs = [sampleCapture(s.token, 1), sampleCapture(s.token, 2)];
  inputs[1]!.media.forEach((m, i) => { m.data = sampleBytes(m.data.length, 50 + i); });
  const opened = [];
  for (const input of [...inputs, inputs[0]!]) opened.push(await openContainer(await pack(s, 1, input), options(s)));
  // Each result still holds its own container's bytes after the later opens, whether or not they reused an instance.
  opened.forEach((o, i) => {
    const input = inputs[i % 2]!;
    assert.deepEqual(o.media.map((m) => m.name), input.media.map((m) => m.name));
    o.media.forEach((m, j) => assert.ok(Buffer.from(m.data).equals(Buffer.from(input.media[j]!.data)), `open ${i}, ${m.name}`));
  });
  // And a large one (a fresh instance, views into its memory) between small ones changes none of them.
  const large = await openContainer(await pack(s, 200), options(s));
  const again = await openContainer(await pack(s, 1, inputs[1]), options(s));
  assert.ok(Buffer.from(opened[1]!.media[0]!.data).equals(Buffer.from(inputs[1]!.media[0]!.data)));
  assert.ok(Buffer.from(again.media[2]!.data).equals(Buffer.from(inputs[1]!.media[2]!.data)));
  assert.equal(large.media[0]!.size, 1500 * 200);
});
