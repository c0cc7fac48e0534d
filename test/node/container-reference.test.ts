// The documented vectors, and containers this project packs, opened by an opener written from the format document
// alone (container-reference-opener.ts: node:crypto only, no code shared with src/container/).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createHash, generateKeyPairSync, sign } from 'node:crypto';
import { deriveP256Key, referenceOpen, referenceSeal, RefusedContainer } from './container-reference-opener.ts';
import { Codec, compileCodec } from '../../src/container/codec.ts';
import { packContainer } from '../../src/container/pack.ts';
import { containerBytes } from '../../src/container/seal.ts';
import { ContainerOpenError, openContainer } from '../../src/container/open.ts';
import type { ContainerInput } from '../../src/container/types.ts';
import { issueSession, sampleCapture } from './container-harness.ts';

const doc = readFileSync(new URL('../../docs/container-format.md', import.meta.url), 'utf8');
const block = (label: string) => doc.match(new RegExp('```\\w+ ' + label + '\\n([\\s\\S]*?)```'))![1]!;
const hex = (label: string) => Buffer.from(block(label).replace(/\s+/g, ''), 'hex');
const sha = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const raw = JSON.parse(block('vector-input')) as { payload: ContainerInput['payload']; technical: Record<string, unknown>; media: { name: string; tags: string[]; mime: string; hex: string }[] };
const token = block('vector-token').replace(/\s+/g, '');
const createdAt = Number(doc.match(/created_at = (\d+)/)![1]);
const recipientJwk = JSON.parse(block('vector-recipient-jwk')) as JsonWebKey & { d: string; x: string; y: string };
const keys = { recipient: recipientJwk, issuer: JSON.parse(block('vector-issuer-jwk')), now: createdAt };
/** The same keys for openContainer. */
const docKeys = { resolveKey: async () => recipientJwk, tokenVerifier: keys.issuer as JsonWebKey, now: createdAt };
const recipientPublic = Buffer.concat([Buffer.of(4), Buffer.from(recipientJwk.x, 'base64url'), Buffer.from(recipientJwk.y, 'base64url')]);
/** Seals pieces to the documented recipient with the documented token, created_at and ephemeral key (ikm 32 x 0x45). */
const seal = (pieces: Uint8Array[], version: number, ephemeralIkm = 0x45) =>
  referenceSeal(pieces, { version, sessionId: 'vector-session-1', token, createdAt, recipientPublic, ephemeralPrivate: deriveP256Key(Buffer.alloc(32, ephemeralIkm)) });
const input = (): ContainerInput => ({
  sessionToken: token, payload: raw.payload, technical: raw.technical,
  media: raw.media.map((m) => ({ name: m.name, tags: m.tags, mime: m.mime, data: Uint8Array.from(Buffer.from(m.hex, 'hex')) })),
});

/** The reason openContainer refuses bytes with, or 'opened'. */
const projectReason = async (bytes: Uint8Array, options: Partial<typeof docKeys> = {}) => {
  try {
    await openContainer(bytes, { ...docKeys, ...options });
    return 'opened';
  } catch (e) {
    if (e instanceof ContainerOpenError) return e.reason;
    throw e;
  }
};
/** The reason the reference opener refuses bytes with, or 'opened'. */
const referenceReason = (bytes: Uint8Array, k: Parameters<typeof referenceOpen>[1] = keys) => {
  try {
    referenceOpen(bytes, k);
    return 'opened';
  } catch (e) {
    if (e instanceof RefusedContainer) return e.reason;
    throw e;
  }
};

// The four documented vector-1 containers: envelope version, its inner version, the documented inner container.
const vector1 = [
  ['vector-container', 4, 3, 'vector-inner'],
  ['vector-container-v3', 3, 2, 'vector-inner-v2'],
  ['vector-container-v2', 2, 1, 'vector-inner-v1'],
  ['vector-container-v1', 1, 1, 'vector-inner-v1'],
] as const;
const opened4 = () => referenceOpen(hex('vector-container'), keys);

test('the reference opener opens the documented containers of versions 4, 3, 2 and 1 and gives the inputs back', () => {
  for (const [label, version, innerVersion, inner] of vector1) {
    const bytes = hex(label);
    assert.equal(sha(bytes), doc.match(new RegExp(`[Ss]ealed container, version ${version} \\(${bytes.length} bytes\\), SHA-256\\s+\`([0-9a-f]{64})\``))![1], label);
    const opened = referenceOpen(bytes, keys);
    assert.equal(opened.version, version);
    assert.equal(opened.innerVersion, innerVersion);
    assert.equal(opened.sessionId, 'vector-session-1');
    assert.equal(opened.createdAt, createdAt);
    assert.equal(opened.claims.sid, 'vector-session-1');
    assert.equal(opened.chunkLengths.length, 1, 'every medium is under 64 KiB: one chunk');
    assert.equal(opened.inner.toString('hex'), hex(inner).toString('hex'), `${label} decrypts to ${inner}`);
    if (innerVersion === 3) {
      // No summing hash and no section hashes in inner version 3.
      assert.equal(opened.summingHash, undefined);
      assert.ok(opened.sections.every((s) => !('hash' in s)));
    } else {
      assert.equal(opened.summingHash, hex(inner).subarray(16, 48).toString('hex'));
      for (const [i, s] of opened.sections.entries()) assert.equal(s.hash, hex(inner).subarray(48 + 48 * i + 16, 48 + 48 * i + 48).toString('hex'));
      if (innerVersion === 1) for (const s of opened.sections) assert.equal(s.hash, sha(s.data));
    }
    assert.deepEqual(opened.sections.map((s) => [s.kind, s.name]), [[1, 'payload.json'], [2, 'technical.json'], [3, raw.media[0]!.name], [4, raw.media[1]!.name]]);
    assert.deepEqual(opened.technical, raw.technical);
    assert.deepEqual(opened.sections.slice(2).map((s) => [s.name, s.data.toString('hex')]), raw.media.map((m) => [m.name, m.hex]));
    assert.deepEqual(opened.manifest['media:tags'], Object.fromEntries(raw.media.map((m) => [m.name, m.tags])));
    assert.deepEqual(opened.manifest['folder:meta_data'], raw.payload['folder:meta_data']);
    assert.deepEqual(opened.manifest['media:meta_data'], Object.fromEntries(raw.media.map((m) => [m.name, { mime: m.mime }])));
  }
});

test('sealing the documented inner containers by section 1 alone gives the documented containers, versions 4, 3, 2 and 1', () => {
  // DeriveKeyPair(32 x 0x52) is the documented recipient key, and its public key the token's hpke claim.
  assert.equal(deriveP256Key(Buffer.alloc(32, 0x52)).toString('base64url'), recipientJwk.d);
  assert.equal(recipientPublic.toString('base64url'), doc.match(/recipient public key `([A-Za-z0-9_-]+)`/)![1]);
  for (const [label, version, , inner] of vector1) assert.equal(seal([hex(inner)], version).toString('hex'), hex(label).toString('hex'), label);
});

test('vector 2: the documented two-chunk container opens in the reference opener and gives the inputs back', async () => {
  const section = doc.slice(doc.indexOf('### Vector 2'));
  const big = Buffer.from(Uint8Array.from({ length: 65536 }, (_, i) => i % 251));
  const withBig: ContainerInput = { ...input(), media: [...input().media, { name: 'frame_64k.jpg', tags: ['photo_selfie', 'frame'], mime: 'image/jpeg', data: Uint8Array.from(big) }] };
  const bytes = containerBytes(await packContainer(await Codec.instantiate(await compileCodec()), withBig, { createdAt, ekm: new Uint8Array(32).fill(0x45) }));
  // The documented container (the doc gives its SHA-256, header and chunks, not its bytes).
  assert.equal(sha(bytes), section.match(/Sealed container, version 4 \([\d,]+ bytes\), SHA-256 `([0-9a-f]{64})`/)![1]);
  const opened = referenceOpen(bytes, keys);
  assert.equal(opened.version, 4);
  assert.equal(opened.innerVersion, 3);
  const header = hex('vector2-header');
  assert.ok(Buffer.from(bytes.subarray(0, header.length)).equals(header));
  const rows = [...section.matchAll(/^\| (\d): [^|]+\| ([\d,]+) \| `([0-9a-f]{64})` \|$/gm)];
  assert.deepEqual(opened.chunkLengths, rows.map((r) => Number(r[2]!.replace(/,/g, ''))));
  let at = header.length;
  for (const [i, n] of opened.chunkLengths.entries()) {
    assert.equal(sha(bytes.subarray(at, at + n)), rows[i]![3]);
    at += n;
  }
  assert.equal(opened.inner.length, Number(section.match(/inner\s+container is ([\d,]+) bytes/)![1]!.replace(/,/g, '')));
  assert.equal(opened.summingHash, undefined);
  assert.deepEqual(opened.technical, raw.technical);
  assert.deepEqual(opened.sections.slice(2).map((s) => [s.kind, s.name, s.data.toString('hex')]), [...raw.media.map((m) => [m.mime.startsWith('video/') ? 3 : 4, m.name, m.hex]), [4, 'frame_64k.jpg', big.toString('hex')]]);
  assert.deepEqual((opened.manifest['media:tags'] as Record<string, string[]>)['frame_64k.jpg'], ['photo_selfie', 'frame']);
  // The medium of 64 KiB is the second chunk's whole plaintext.
  assert.equal(opened.chunkLengths[1], big.length + 16);

  // A flipped byte in either chunk is refused, by both openers.
  for (const flip of [header.length + 3, header.length + opened.chunkLengths[0]! + 40_000, bytes.length - 1]) {
    const copy = Buffer.from(bytes);
    copy[flip]! ^= 0x80;
    assert.equal(referenceReason(copy), 'decrypt_failed');
    assert.equal(await projectReason(copy), 'decrypt_failed');
  }
});

test('the reference opener refuses a changed byte and a wrong recipient key, of every version, with the reasons openContainer gives', async () => {
  for (const [label] of vector1) {
    const bytes = hex(label);
    const chunkStart = bytes.length - referenceOpen(bytes, keys).chunkLengths[0]!;
    const tokenStart = 22 + 'vector-session-1'.length + 2;
    const expected: [number, string, number?][] = [
      [0, 'bad_magic'], [5, 'bad_version', 0x10], [7, 'bad_suite'], [30, 'session_mismatch'],
      [tokenStart + token.length - 5, 'token_invalid'], // the signature
      [tokenStart + token.length + 2 + 10, 'decrypt_failed'], // enc
      [chunkStart - 1, 'bounds'], // the last chunk length
      [chunkStart, 'decrypt_failed'], [bytes.length - 100, 'decrypt_failed'], [bytes.length - 1, 'decrypt_failed'],
    ];
    for (const [at, reason, mask] of expected) {
      const copy = Buffer.from(bytes);
      copy[at]! ^= mask ?? 1;
      assert.throws(() => referenceOpen(copy, keys), (e: unknown) => e instanceof RefusedContainer && e.reason === reason, `${label} byte ${at}`);
      assert.equal(await projectReason(copy), reason, `openContainer: ${label} byte ${at}`);
    }
    // Relabelled to another version of the same layout (4 and 3, 3 and 2): the info and the header differ.
    if (bytes[5] !== 1) {
      const copy = Buffer.from(bytes);
      copy[5] = bytes[5] === 2 ? 3 : bytes[5]! - 1;
      assert.equal(referenceReason(copy), 'decrypt_failed', `${label} relabelled ${copy[5]}`);
      assert.equal(await projectReason(copy), 'decrypt_failed', `openContainer: ${label} relabelled ${copy[5]}`);
    }
    assert.throws(() => referenceOpen(bytes, { ...keys, recipient: { d: Buffer.alloc(32, 7).toString('base64url') } }), (e: unknown) => e instanceof RefusedContainer && e.step === 'hpke' && e.reason === 'decrypt_failed');
    assert.throws(() => referenceOpen(bytes, { ...keys, recipient: null }), (e: unknown) => e instanceof RefusedContainer && e.reason === 'unknown_session');
    const exp = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()).exp as number;
    assert.equal(referenceOpen(bytes, { ...keys, now: (exp + 30) * 1000 }).version, referenceOpen(bytes, keys).version, '30 s of tolerance');
    assert.throws(() => referenceOpen(bytes, { ...keys, now: (exp + 31) * 1000 }), (e: unknown) => e instanceof RefusedContainer && e.reason === 'token_expired');
    for (const cut of [bytes.subarray(0, bytes.length - 1), Buffer.concat([bytes, Buffer.of(0)]), bytes.subarray(0, 96)]) {
      assert.throws(() => referenceOpen(cut, keys), (e: unknown) => e instanceof RefusedContainer && e.reason === 'bounds', `${label}: ${cut.length} bytes`);
      assert.equal(await projectReason(cut), 'bounds', `openContainer: ${label}: ${cut.length} bytes`);
    }
  }
});

test('version 4: a single flipped byte in the chunk is refused, by the reference opener and by openContainer', async () => {
  const bytes = hex('vector-container');
  const chunk = opened4().chunkLengths[0]!;
  const headerLength = bytes.length - chunk;
  for (const at of [headerLength, headerLength + 1, headerLength + 100, bytes.length - 17, bytes.length - 16, bytes.length - 1]) {
    const copy = Buffer.from(bytes);
    copy[at]! ^= 0x01;
    assert.throws(() => referenceOpen(copy, keys), (e: unknown) => e instanceof RefusedContainer && e.step === 'hpke' && e.reason === 'decrypt_failed', `byte ${at}`);
    assert.equal(await projectReason(copy), 'decrypt_failed', `byte ${at}`);
  }
});
test('an inner version other than the one the envelope carries is refused: inner version 2 sealed as format 4, and the others', async () => {
  // The control: the documented inner version 3, sealed afresh as format 4 with another ephemeral key, opens in both.
  const control = seal([hex('vector-inner')], 4, 0x46);
  assert.notDeepEqual(control, hex('vector-container'));
  assert.equal(referenceOpen(control, keys).innerVersion, 3);
  assert.equal(await projectReason(control), 'opened');
  for (const [inner, version] of [['vector-inner-v2', 4], ['vector-inner-v1', 4], ['vector-inner', 3], ['vector-inner-v1', 3], ['vector-inner', 2], ['vector-inner-v2', 2], ['vector-inner-v2', 1]] as const) {
    const bytes = seal([hex(inner)], version);
    assert.throws(() => referenceOpen(bytes, keys), (e: unknown) => e instanceof RefusedContainer && e.step === 'inner' && e.reason === 'inner_invalid', `${inner} as format ${version}`);
    assert.equal(await projectReason(bytes), 'inner_invalid', `${inner} as format ${version}`);
  }
});

/** An inner container of inner version 3 laid out by section 2 alone. */
function innerV3(sections: { kind: number; name: string; data: Uint8Array }[]): Buffer {
  const names = Buffer.from(sections.map((s) => s.name).join(''), 'latin1');
  const dataLength = sections.reduce((n, s) => n + s.data.length, 0);
  const tableEnd = 16 + 16 * sections.length;
  const out = Buffer.alloc(tableEnd + names.length + dataLength);
  out.write('OZCI', 0, 'latin1');
  out.writeUInt16LE(3, 4);
  out.writeUInt16LE(sections.length, 6);
  out.writeUInt32LE(names.length, 8);
  out.writeUInt32LE(out.length, 12);
  names.copy(out, tableEnd);
  let nameAt = tableEnd, dataAt = tableEnd + names.length;
  for (const [i, s] of sections.entries()) {
    const e = 16 + 16 * i;
    out[e] = s.kind;
    out.writeUInt16LE(s.name.length, e + 2);
    out.writeUInt32LE(nameAt, e + 4);
    out.writeUInt32LE(dataAt, e + 8);
    out.writeUInt32LE(s.data.length, e + 12);
    out.set(s.data, dataAt);
    nameAt += s.name.length;
    dataAt += s.data.length;
  }
  return out;
}

test('version 4: every inner check of section 5 refuses with the documented reason, in both openers', async () => {
  const sections = opened4().sections.map((s) => ({ kind: s.kind, name: s.name, data: s.data }));
  assert.ok(innerV3(sections).equals(hex('vector-inner')), 'section 2 alone lays out the documented inner container');
  const inner = hex('vector-inner');
  const patched = (edit: (b: Buffer) => void) => { const b = Buffer.from(inner); edit(b); return b; };
  const json = (v: unknown) => Buffer.from(JSON.stringify(v));
  const payload = sections[0]!.data, technical = sections[1]!.data, media = sections.slice(2);
  const cases: [string, Buffer, string][] = [
    ['inner magic', patched((b) => { b[3] = 0x4a; }), 'inner_invalid'],
    ['inner version 4', patched((b) => { b[4] = 4; }), 'inner_invalid'],
    ['fewer than 16 bytes', inner.subarray(0, 12), 'damaged'],
    ['section count 1', patched((b) => { b[6] = 1; }), 'damaged'],
    ['total length', patched((b) => { b.writeUInt32LE(inner.length + 1, 12); }), 'damaged'],
    ['names length past the end', patched((b) => { b.writeUInt32LE(inner.length, 8); }), 'damaged'],
    ['byte 1 of an entry', patched((b) => { b[16 + 16 * 2 + 1] = 1; }), 'damaged'],
    ['a data offset', patched((b) => { b.writeUInt32LE(b.readUInt32LE(16 + 16 * 3 + 8) + 1, 16 + 16 * 3 + 8); }), 'damaged'],
    ['a name character', patched((b) => { b[b.readUInt32LE(16 + 16 * 3 + 4)] = 0x21; }), 'damaged'],
    ['section 0 of kind 2', patched((b) => { b[16] = 2; }), 'payload_missing'],
    ['section 1 of kind 1', patched((b) => { b[32] = 1; }), 'damaged'],
    ['a medium of kind 5', patched((b) => { b[16 + 16 * 3] = 5; }), 'damaged'],
    ['no media', innerV3(sections.slice(0, 2)), 'no_media'],
    ['a name twice', innerV3([...sections, media[1]!]), 'damaged'],
    ['section 0 not payload.json', innerV3([{ ...sections[0]!, name: 'payload.jsox' }, ...sections.slice(1)]), 'payload_missing'],
    ['payload.json not JSON', innerV3([{ ...sections[0]!, data: Buffer.from('{') }, ...sections.slice(1)]), 'payload_invalid'],
    ['payload.json without folder:meta_data', innerV3([{ ...sections[0]!, data: json({ 'media:tags': {} }) }, ...sections.slice(1)]), 'payload_invalid'],
    ['technical.json not JSON', innerV3([sections[0]!, { ...sections[1]!, data: Buffer.from('{"a":') }, ...media]), 'technical_invalid'],
    ['media:tags naming no medium', innerV3([{ ...sections[0]!, data: json({ ...JSON.parse(payload.toString()), 'media:tags': { 'gone.jpg': [] } }) }, ...sections.slice(1)]), 'manifest_mismatch'],
    ['media:tags naming technical.json', innerV3([{ ...sections[0]!, data: json({ ...JSON.parse(payload.toString()), 'media:tags': { 'technical.json': [] } }) }, ...sections.slice(1)]), 'manifest_mismatch'],
    ['media:tags an array', innerV3([{ ...sections[0]!, data: json({ ...JSON.parse(payload.toString()), 'media:tags': [] }) }, ...sections.slice(1)]), 'payload_invalid'],
    ['payload.json over 1 MiB', innerV3([{ ...sections[0]!, data: Buffer.alloc(1024 * 1024 + 1, 0x20) }, ...sections.slice(1)]), 'damaged'],
    ['technical.json over 4 MiB', innerV3([sections[0]!, { ...sections[1]!, data: Buffer.alloc(4 * 1024 * 1024 + 1, 0x20) }, ...media]), 'damaged'],
    ['payload.json of 1 MiB, technical.json of 4 MiB', innerV3([{ ...sections[0]!, data: Buffer.concat([payload, Buffer.alloc(1024 * 1024 - payload.length, 0x20)]) }, { ...sections[1]!, data: Buffer.concat([technical, Buffer.alloc(4 * 1024 * 1024 - technical.length, 0x20)]) }, ...media]), 'opened'],
    ['the control', innerV3([sections[0]!, { ...sections[1]!, data: technical }, ...media]), 'opened'],
  ];
  for (const [what, bytes, reason] of cases) {
    const pieces: Buffer[] = [];
    for (let at = 0; at < bytes.length; at += 512 * 1024) pieces.push(bytes.subarray(at, at + 512 * 1024));
    const sealed = seal(pieces, 4);
    assert.equal(referenceReason(sealed), reason, `reference opener: ${what}`);
    assert.equal(await projectReason(sealed), reason, `openContainer: ${what}`);
  }
  // The opener does not depend on where the cuts are: the same inner container in three chunks opens.
  const cut = seal([inner.subarray(0, 16), inner.subarray(16, 300), inner.subarray(300)], 4);
  assert.ok(referenceOpen(cut, keys).inner.equals(inner));
  assert.equal(await projectReason(cut), 'opened');
});

test('version 4: the envelope and token checks of section 5 refuse with the documented reasons, in both openers', async () => {
  const issuer = generateKeyPairSync('ec', { namedCurve: 'P-384' });
  const issuerJwk = issuer.publicKey.export({ format: 'jwk' });
  const b64 = (v: unknown) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)).toString('base64url');
  const exp = Math.floor(createdAt / 1000) + 300;
  const claims = { sid: 'vector-session-1', hpke: recipientPublic.toString('base64url'), iat: exp - 300, exp };
  const jws = (header: unknown, body: unknown, signature?: (s: Buffer) => Buffer) => {
    const input = `${b64(header)}.${b64(body)}`;
    const sig = sign('sha384', Buffer.from(input), { key: issuer.privateKey, dsaEncoding: 'ieee-p1363' });
    return `${input}.${(signature ? signature(sig) : sig).toString('base64url')}`;
  };
  const sealWith = (t: string, now = createdAt) => [referenceSeal([hex('vector-inner')], { version: 4, sessionId: 'vector-session-1', token: t, createdAt, recipientPublic, ephemeralPrivate: deriveP256Key(Buffer.alloc(32, 0x45)) }), now] as const;
  // [what, container and now, the reason by the document, which both openers give].
  const cases: [string, readonly [Buffer, number], string][] = [
    ['the control', sealWith(jws({ alg: 'ES384' }, claims)), 'opened'],
    ['alg ES256', sealWith(jws({ alg: 'ES256' }, claims)), 'token_invalid'],
    ['crit', sealWith(jws({ alg: 'ES384', crit: ['exp'] }, claims)), 'token_invalid'],
    ['b64', sealWith(jws({ alg: 'ES384', b64: false }, claims)), 'token_invalid'],
    ['a header that is not an object', sealWith(jws(['ES384'], claims)), 'token_invalid'],
    ['a signature of 95 bytes', sealWith(jws({ alg: 'ES384' }, claims, (x) => x.subarray(1))), 'token_invalid'],
    ['a changed signature', sealWith(jws({ alg: 'ES384' }, claims, (x) => { const y = Buffer.from(x); y[50]! ^= 1; return y; })), 'token_invalid'],
    ['two parts', sealWith(jws({ alg: 'ES384' }, claims).split('.').slice(0, 2).join('.')), 'token_invalid'],
    ['claims that are not an object', sealWith(jws({ alg: 'ES384' }, [claims])), 'token_invalid'],
    ['claims that are null', sealWith(jws({ alg: 'ES384' }, null)), 'token_invalid'],
    ['claims that are not JSON', sealWith(jws({ alg: 'ES384' }, '{"sid":')), 'token_invalid'],
    ['no sid', sealWith(jws({ alg: 'ES384' }, { ...claims, sid: undefined })), 'token_empty'],
    ['an empty sid', sealWith(jws({ alg: 'ES384' }, { ...claims, sid: '' })), 'token_empty'],
    ['another sid', sealWith(jws({ alg: 'ES384' }, { ...claims, sid: 'vector-session-2' })), 'session_mismatch'],
    ['no hpke', sealWith(jws({ alg: 'ES384' }, { ...claims, hpke: undefined })), 'token_invalid'],
    ['exp 30 s ago', sealWith(jws({ alg: 'ES384' }, claims), (exp + 30) * 1000), 'opened'],
    ['exp 31 s ago', sealWith(jws({ alg: 'ES384' }, claims), (exp + 31) * 1000), 'token_expired'],
    ['no exp', sealWith(jws({ alg: 'ES384' }, { ...claims, exp: undefined })), 'token_invalid'],
  ];
  for (const [what, [bytes, now], reason] of cases) {
    assert.equal(referenceReason(bytes, { ...keys, issuer: issuerJwk, now }), reason, `reference opener: ${what}`);
    assert.equal(await projectReason(bytes, { tokenVerifier: issuerJwk as JsonWebKey, now }), reason, `openContainer: ${what}`);
  }

  // Envelope fields, in the documented vector (the checks come before any cryptography).
  const bytes = hex('vector-container');
  const at = (edit: (b: Buffer) => void) => { const b = Buffer.from(bytes); edit(b); return b; };
  const tokenAt = 22 + 16;
  const encAt = tokenAt + 2 + token.length;
  const countAt = encAt + 2 + 65;
  const envelope: [string, Buffer, string][] = [
    ['created_at over 2^53 - 1', at((b) => b.writeBigUInt64BE(2n ** 53n, 12)), 'bad_header'],
    ['sid_len 0', at((b) => b.writeUInt16BE(0, 20)), 'bad_header'],
    ['sid_len 129', at((b) => b.writeUInt16BE(129, 20)), 'bad_header'],
    ['token_len 8193', at((b) => b.writeUInt16BE(8193, tokenAt)), 'bad_header'],
    ['token_len past the end', at((b) => b.writeUInt16BE(8000, tokenAt)), 'bounds'],
    ['enc_len 64', at((b) => b.writeUInt16BE(64, encAt)), 'bad_header'],
    ['chunk_count 0', at((b) => b.writeUInt16BE(0, countAt)), 'bad_header'],
    ['chunk_count 2562', at((b) => b.writeUInt16BE(2562, countAt)), 'bad_header'],
    ['a chunk of 15 bytes', at((b) => b.writeUInt32BE(15, countAt + 2)), 'bad_header'],
    ['a chunk over 512 KiB of plaintext', at((b) => b.writeUInt32BE(512 * 1024 + 17, countAt + 2)), 'bad_header'],
    ['a session id not printable', at((b) => { b[25] = 0x20; }), 'bad_header'],
    ['a token byte not printable', at((b) => { b[tokenAt + 2 + 10] = 0x7f; }), 'bad_header'],
  ];
  for (const [what, b, reason] of envelope) {
    assert.equal(referenceReason(b), reason, `reference opener: ${what}`);
    assert.equal(await projectReason(b), reason, `openContainer: ${what}`);
  }

  // The memory ceiling (the reference opener compares the inner container's length with it).
  assert.equal(referenceReason(bytes, { ...keys, memoryLimitBytes: 489 }), 'too_large');
  assert.equal(referenceReason(bytes, { ...keys, memoryLimitBytes: 490 }), 'opened');
});

test('a large capture packed by this project opens the same in the reference opener and in openContainer, format versions 4 and 3', async () => {
  const s = await issueSession();
  const issuer = await crypto.subtle.exportKey('jwk', s.issuerPublicKey);
  for (const version of [undefined, 3] as const) {
    // About 1.1 MB: clips of several 512 KiB leaves and chunks, images under and over 64 KiB.
    const bytes = containerBytes(await packContainer(await Codec.instantiate(await compileCodec()), sampleCapture(s.token, 245), version ? { version } : {}));
    const reference = referenceOpen(bytes, { recipient: { d: s.keys.privateJwk.d! }, issuer, now: Date.now() });
    const opened = await openContainer(bytes, { resolveKey: async () => s.keys.keyPair, tokenVerifier: s.issuerPublicKey });
    assert.equal(reference.version, version ?? 4, 'the packer writes version 4 by default');
    assert.equal(opened.header.version, reference.version);
    assert.equal(reference.innerVersion, version ? 2 : 3);
    assert.ok(reference.chunkLengths.length > 2);
    assert.deepEqual(reference.chunkLengths, opened.header.chunkLengths);
    assert.equal(reference.summingHash, opened.summingHash);
    assert.deepEqual(reference.sections.map((x) => [x.name, x.hash, x.data.length]), opened.sections.map((x) => [x.name, x.sha256, x.size]));
    if (version === 3) assert.ok(reference.sections.every((x) => typeof x.hash === 'string' && x.hash.length === 64));
    else assert.ok(reference.summingHash === undefined && reference.sections.every((x) => x.hash === undefined));
    for (const [i, x] of reference.sections.entries()) assert.ok(x.data.equals(opened.sections[i]!.data), x.name);
    assert.deepEqual(reference.manifest, opened.payload);
    assert.deepEqual(reference.technical, opened.technical);
  }
});
