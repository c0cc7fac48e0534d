// The test vectors of docs/container-format.md, read from the document itself so it stays true.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { Codec, compileCodec } from '../../src/container/codec.ts';
import { buildSections, packContainer } from '../../src/container/pack.ts';
import { containerBytes } from '../../src/container/seal.ts';
import { openContainer } from '../../src/container/open.ts';
import { createSuite, serializePublicKey } from '../../src/container/keys.ts';
import { toHex } from '../../src/container/format.ts';
import type { ContainerInput } from '../../src/container/types.ts';

const doc = readFileSync(new URL('../../docs/container-format.md', import.meta.url), 'utf8');
const block = (label: string): string => {
  const match = doc.match(new RegExp('```\\w+ ' + label + '\\n([\\s\\S]*?)```'));
  assert.ok(match, `docs/container-format.md has no ${label} block`);
  return match[1]!;
};
const hex = (label: string) => Uint8Array.from(Buffer.from(block(label).replace(/\s+/g, ''), 'hex'));
const sha = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

const raw = JSON.parse(block('vector-input')) as { payload: ContainerInput['payload']; technical: Record<string, unknown>; media: { name: string; tags: string[]; mime: string; hex: string }[] };
const token = block('vector-token').replace(/\s+/g, '');
const input = (): ContainerInput => ({
  sessionToken: token,
  payload: raw.payload,
  technical: raw.technical,
  media: raw.media.map((m) => ({ name: m.name, tags: m.tags, mime: m.mime, data: Uint8Array.from(Buffer.from(m.hex, 'hex')) })),
});
const createdAt = Number(doc.match(/created_at = (\d+)/)![1]);
const fill = (byte: number) => new Uint8Array(32).fill(byte);

test('the codec SHA-256 matches the FIPS 180-4 examples and node:crypto', async () => {
  const codec = await Codec.instantiate(await compileCodec());
  const nist: [string | Uint8Array, string][] = [
    ['abc', 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'],
    ['', 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'],
    ['abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq', '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1'],
    ['abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu', 'cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1'],
    [new Uint8Array(1_000_000).fill(0x61), 'cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0'],
  ];
  for (const [message, digest] of nist) {
    const bytes = typeof message === 'string' ? new TextEncoder().encode(message) : message;
    assert.equal(toHex(codec.sha256(bytes)), digest, `SHA-256 of ${bytes.length} bytes`);
  }
  // Every padding boundary around one and two blocks.
  for (let n = 0; n <= 200; n++) {
    const bytes = Uint8Array.from({ length: n }, (_, i) => (i * 131 + n) & 0xff);
    assert.equal(toHex(codec.sha256(bytes)), sha(bytes), `length ${n}`);
  }
});

test('vector 1: the inner container is exactly the documented bytes, inner versions 3, 2 and 1', async () => {
  const codec = await Codec.instantiate(await compileCodec());
  const inner = await codec.pack(buildSections(input()));
  assert.equal(toHex(inner), toHex(hex('vector-inner')));
  assert.equal(sha(inner), doc.match(/Inner container, inner version 3 \((\d+) bytes\), SHA-256 `([0-9a-f]{64})`/)![2]);
  assert.equal(inner.length, Number(doc.match(/Inner container, inner version 3 \((\d+) bytes\)/)![1]));
  const v2 = await (await Codec.instantiate(await compileCodec())).pack(buildSections(input()), 2);
  assert.equal(toHex(v2), toHex(hex('vector-inner-v2')));
  assert.equal(sha(v2), doc.match(/as inner version 2 [^`]*SHA-256 `([0-9a-f]{64})`/)![1]);
  const v1 = await (await Codec.instantiate(await compileCodec())).pack(buildSections(input()), 1);
  assert.equal(toHex(v1), toHex(hex('vector-inner-v1')));
  assert.equal(sha(v1), doc.match(/as inner version 1 [^`]*SHA-256 `([0-9a-f]{64})`/)![1]);
});

const docKeys = {
  resolveKey: async (header: { sessionId: string }) => (header.sessionId === 'vector-session-1' ? JSON.parse(block('vector-recipient-jwk')) : null),
  tokenVerifier: JSON.parse(block('vector-issuer-jwk')) as JsonWebKey,
  now: createdAt,
};

test('vector 1: the recipient key derives to the token hpke claim and sealing gives the documented containers, versions 4, 3, 2 and 1', async () => {
  const kp = await createSuite().kem.deriveKeyPair(fill(0x52));
  assert.equal(await serializePublicKey(kp.publicKey), doc.match(/recipient public key `([A-Za-z0-9_-]+)`/)![1]);
  assert.deepEqual(await crypto.subtle.exportKey('jwk', kp.privateKey), { ...JSON.parse(block('vector-recipient-jwk')) });
  const codec = await Codec.instantiate(await compileCodec());
  const packed = await packContainer(codec, input(), { createdAt, ekm: fill(0x45) });
  assert.equal(packed.chunks.length, 1);
  const container = containerBytes(packed);
  assert.equal(toHex(container), toHex(hex('vector-container')));
  assert.equal(sha(container), doc.match(/Sealed container, version 4 \(\d+ bytes\), SHA-256 `([0-9a-f]{64})`/)![1]);
  const v3 = containerBytes(await packContainer(await Codec.instantiate(await compileCodec()), input(), { createdAt, ekm: fill(0x45), version: 3 }));
  assert.equal(toHex(v3), toHex(hex('vector-container-v3')));
  assert.equal(sha(v3), doc.match(/sealed container, version 3 \(\d+ bytes\), SHA-256\s+`([0-9a-f]{64})`/)![1]);
  const v2 = containerBytes(await packContainer(await Codec.instantiate(await compileCodec()), input(), { createdAt, ekm: fill(0x45), version: 2 }));
  assert.equal(toHex(v2), toHex(hex('vector-container-v2')));
  assert.equal(sha(v2), doc.match(/sealed container, version 2 \(\d+ bytes\), SHA-256\s+`([0-9a-f]{64})`/)![1]);
  const v1 = containerBytes(await packContainer(await Codec.instantiate(await compileCodec()), input(), { createdAt, ekm: fill(0x45), version: 1 }));
  assert.equal(toHex(v1), toHex(hex('vector-container-v1')));
  assert.equal(sha(v1), doc.match(/sealed container, version 1 \(\d+ bytes\), SHA-256 `([0-9a-f]{64})`/)![1]);
});

test('vector 1: the four documented containers open with the documented keys and give the inputs back', async () => {
  // Both ways: node:crypto (the default in Node) and WebCrypto (as in browsers).
  for (const nodeCrypto of [true, false]) for (const [label, version, inner] of [['vector-container', 4, null], ['vector-container-v3', 3, 'vector-inner-v2'], ['vector-container-v2', 2, 'vector-inner-v1'], ['vector-container-v1', 1, 'vector-inner-v1']] as const) {
    const opened = await openContainer(hex(label), { ...docKeys, nodeCrypto });
    assert.equal(opened.header.version, version);
    assert.equal(opened.header.createdAt, createdAt);
    assert.equal(opened.header.sessionToken, token);
    assert.equal(opened.claims.sid, 'vector-session-1');
    assert.deepEqual(opened.payload['folder:meta_data'], { transaction_id: 'vector-1' });
    assert.deepEqual(opened.technical, raw.technical);
    assert.deepEqual(opened.media.map((m) => [m.name, m.mime, m.tags, Buffer.from(m.data).toString('hex')]), raw.media.map((m) => [m.name, m.mime, m.tags, m.hex]));
    // Format 4 has no summing hash; the others' is the one in the documented inner container.
    assert.equal(opened.summingHash, inner ? toHex(hex(inner).subarray(16, 48)) : undefined);
  }
});

test('vector 2: a medium of 64 KiB is sealed as its own chunk, giving the documented header, chunks and container', async () => {
  const section = doc.slice(doc.indexOf('### Vector 2'));
  const big = Uint8Array.from({ length: 65536 }, (_, i) => i % 251);
  const withBig = (): ContainerInput => ({ ...input(), media: [...input().media, { name: 'frame_64k.jpg', tags: ['photo_selfie', 'frame'], mime: 'image/jpeg', data: big }] });
  const packed = await packContainer(await Codec.instantiate(await compileCodec()), withBig(), { createdAt, ekm: fill(0x45) });
  assert.equal(packed.innerLength, Number(section.match(/inner\s+container is ([\d,]+) bytes/)![1]!.replace(/,/g, '')));
  assert.equal(toHex(packed.header), toHex(hex('vector2-header')));
  const rows = [...section.matchAll(/^\| (\d): [^|]+\| ([\d,]+) \| `([0-9a-f]{64})` \|$/gm)];
  assert.equal(rows.length, 2);
  assert.deepEqual(packed.chunks.map((c) => [c.length, sha(c)]), rows.map((r) => [Number(r[2]!.replace(/,/g, '')), r[3]]));
  const container = containerBytes(packed);
  assert.equal(sha(container), section.match(/Sealed container, version 4 \(([\d,]+) bytes\), SHA-256 `([0-9a-f]{64})`/)![2]);
  const opened = await openContainer(container, docKeys);
  assert.deepEqual(opened.header.chunkLengths, packed.chunks.map((c) => c.length));
  assert.deepEqual(opened.media[2]!.data, big);
});
