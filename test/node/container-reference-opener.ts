// A second opener, written from docs/container-format.md alone with node:crypto only. It shares no code with
// src/container/ (no import from there, no codec, no @hpke/core, no jose), so when it opens the documented vectors
// and agrees with openContainer, the document is complete enough to build an opener from.
//
// It opens format versions 1 to 4 and makes the checks of the document's section 5 in the order listed there, each
// refusal naming the step and the vendor `reason` of section 5's table. referenceSeal, beside it, is the sender side
// of section 1 (for tests that need containers the project's packer would never make, such as an inner version 2
// sealed as format 4).
import { createCipheriv, createDecipheriv, createECDH, createHash, createHmac, createPublicKey, verify } from 'node:crypto';

/** Section 5's steps, in order. */
export type RefusalStep = 'envelope' | 'token' | 'key' | 'hpke' | 'inner' | 'manifest';

export class RefusedContainer extends Error {
  /** `reason` is the vendor reason of the document's section 5 table (`bad_header`, `decrypt_failed`, ...). */
  constructor(readonly step: RefusalStep, readonly reason: string, message: string) {
    super(`${step}: ${reason}: ${message}`);
  }
}

export interface ReferenceSection {
  kind: number;
  name: string;
  data: Buffer;
  /** The section hash from the table (checked), hex; inner versions 1 and 2 only (inner version 3 carries none). */
  hash?: string;
}

export interface ReferenceOpened {
  version: number;
  sessionId: string;
  createdAt: number;
  /** Each chunk's ciphertext length, from the header (version 1: the one ct_len). */
  chunkLengths: number[];
  claims: Record<string, unknown>;
  innerVersion: number;
  /** The inner container: the chunks' plaintexts, joined. */
  inner: Buffer;
  /** Inner versions 1 and 2 only (checked), hex. */
  summingHash?: string;
  sections: ReferenceSection[];
  manifest: Record<string, unknown>;
  technical: unknown;
}

export interface ReferenceKeys {
  /** The recipient private key of the session (a P-256 JWK's `d` is enough); null when the API has none. */
  recipient: { d: string } | null;
  /** The issuer's ES384 public key, as a JWK. */
  issuer: object;
  /** Now, in ms since the epoch, for the token's `exp`. */
  now: number;
  /** The memory ceiling (section 3: the caller's, default 1 GiB), compared with the inner container's length. */
  memoryLimitBytes?: number;
}

const refuse = (step: RefusalStep, reason: string, message: string): never => {
  throw new RefusedContainer(step, reason, message);
};
const sha256 = (...parts: Uint8Array[]) => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest();
};
const printable = (b: Buffer) => b.length > 0 && b.every((c) => c >= 0x21 && c <= 0x7e);
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const utf8Json = (b: Uint8Array): unknown => JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(b));

// Format constants (sections 1 to 3).
const KiB = 1024, MiB = 1024 * KiB;
const VERSIONS = [1, 2, 3, 4];
/** The inner version each envelope version carries (section 4). */
const INNER_OF: Record<number, number> = { 1: 1, 2: 1, 3: 2, 4: 3 };
const MAX_PLAIN_CHUNK = 512 * KiB;
const MAX_INNER = 512 * MiB;
/** magic, version, 3 suite ids, created_at, sid_len + 1, token_len + 1, enc_len + 65, version 1's ct_len. */
const SMALLEST_HEADER = 4 + 2 + 6 + 8 + 3 + 3 + 67 + 4;
const info = (version: number) => Buffer.from(`oz-liveness container v${version}`, 'ascii');

// RFC 9180 as section 1 spells it out, for DHKEM(P-256, HKDF-SHA256) = 0x0010, HKDF-SHA256 = 0x0001,
// AES-256-GCM = 0x0002, mode_base.
const i2osp = (n: number, w: number) => { const b = Buffer.alloc(w); b.writeUIntBE(n, w - Math.min(w, 6), Math.min(w, 6)); return b; };
const kemSuite = Buffer.concat([Buffer.from('KEM'), i2osp(0x10, 2)]);
const hpkeSuite = Buffer.concat([Buffer.from('HPKE'), i2osp(0x10, 2), i2osp(1, 2), i2osp(2, 2)]);
const EMPTY = Buffer.alloc(0);
const labeledExtract = (suite: Buffer, salt: Buffer, label: string, ikm: Buffer) =>
  createHmac('sha256', salt.length ? salt : Buffer.alloc(32)).update(Buffer.concat([Buffer.from('HPKE-v1'), suite, Buffer.from(label), ikm])).digest();
/** Every L here is at most 32, so HKDF-Expand's first block is enough (section 1). */
const labeledExpand = (suite: Buffer, prk: Buffer, label: string, inf: Buffer, length: number) =>
  createHmac('sha256', prk).update(Buffer.concat([i2osp(length, 2), Buffer.from('HPKE-v1'), suite, Buffer.from(label), inf, Buffer.of(1)])).digest().subarray(0, length);

/** The key schedule, from the KEM's shared secret: the AEAD key and a function giving chunk i's nonce. */
function keySchedule(dh: Buffer, enc: Buffer, pkRm: Buffer, inf: Buffer) {
  const shared = labeledExpand(kemSuite, labeledExtract(kemSuite, EMPTY, 'eae_prk', dh), 'shared_secret', Buffer.concat([enc, pkRm]), 32);
  const ksc = Buffer.concat([Buffer.of(0), labeledExtract(hpkeSuite, EMPTY, 'psk_id_hash', EMPTY), labeledExtract(hpkeSuite, EMPTY, 'info_hash', inf)]);
  const secret = labeledExtract(hpkeSuite, shared, 'secret', EMPTY);
  const key = labeledExpand(hpkeSuite, secret, 'key', ksc, 32);
  const baseNonce = labeledExpand(hpkeSuite, secret, 'base_nonce', ksc, 12);
  const nonce = (seq: number) => {
    const out = Buffer.from(baseNonce);
    const s = i2osp(seq, 12);
    for (let i = 0; i < 12; i++) out[i]! ^= s[i]!;
    return out;
  };
  return { key, nonce };
}

/** The section hash: inner version 1, SHA-256 of the data; inner version 2, SHA-256 over the SHA-256 of each 512 KiB leaf. */
function sectionHash(innerVersion: number, data: Buffer): Buffer {
  if (innerVersion === 1) return sha256(data);
  const leaves: Buffer[] = [];
  for (let at = 0; at < data.length; at += 524288) leaves.push(sha256(data.subarray(at, at + 524288)));
  return sha256(...leaves);
}

export function referenceOpen(file: Uint8Array, keys: ReferenceKeys): ReferenceOpened {
  const bytes = Buffer.from(file.buffer, file.byteOffset, file.byteLength);

  // 1. Envelope (big-endian), in section 5's order.
  if (bytes.length < 4 || bytes.toString('latin1', 0, 4) !== 'OZCF') refuse('envelope', 'bad_magic', 'magic');
  if (bytes.length < SMALLEST_HEADER) refuse('envelope', 'bounds', `${bytes.length} bytes, under the smallest header`);
  const version = bytes.readUInt16BE(4);
  if (!VERSIONS.includes(version)) refuse('envelope', 'bad_version', `version ${version}`);
  if (bytes.readUInt16BE(6) !== 0x10 || bytes.readUInt16BE(8) !== 1 || bytes.readUInt16BE(10) !== 2) refuse('envelope', 'bad_suite', 'suite');
  const created = bytes.readBigUInt64BE(12);
  if (created > BigInt(Number.MAX_SAFE_INTEGER)) refuse('envelope', 'bad_header', 'created_at');
  let at = 20;
  const need = (n: number, what: string) => { if (at + n > bytes.length) refuse('envelope', 'bounds', `truncated in ${what}`); };
  const field = (what: string, min: number, max: number) => {
    need(2, what);
    const n = bytes.readUInt16BE(at);
    if (n < min || n > max) refuse('envelope', 'bad_header', `${what} length ${n}`);
    need(2 + n, what);
    at += 2 + n;
    return bytes.subarray(at - n, at);
  };
  const sid = field('session id', 1, 128);
  const token = field('token', 1, 8192);
  const enc = field('enc', 65, 65);
  let count = 1;
  if (version >= 2) {
    need(2, 'chunk count');
    count = bytes.readUInt16BE(at);
    at += 2;
    if (count < 1 || count > 2561) refuse('envelope', 'bad_header', `chunk count ${count}`);
  }
  need(4 * count, 'chunk lengths');
  const lengths: number[] = [];
  for (let i = 0; i < count; i++, at += 4) {
    const n = bytes.readUInt32BE(at);
    if (n < 16 || (version >= 2 && n > MAX_PLAIN_CHUNK + 16)) refuse('envelope', 'bad_header', `chunk ${i} length ${n}`);
    lengths.push(n);
  }
  const innerLength = lengths.reduce((a, n) => a + n - 16, 0);
  if (innerLength > MAX_INNER) refuse('envelope', 'bad_header', 'the chunks add up to more than 512 MiB');
  if (at + innerLength + 16 * count !== bytes.length) refuse('envelope', 'bounds', 'the file does not end where the last chunk does');
  if (!printable(sid) || !printable(token)) refuse('envelope', 'bad_header', 'session id or token not printable ASCII');
  const header = bytes.subarray(0, at);

  // 2. Session token: an ES384 compact JWS (section 1, "Session token").
  const parts = token.toString('latin1').split('.');
  const b64u = (s: string) => (/^[A-Za-z0-9_-]*$/.test(s) ? Buffer.from(s, 'base64url') : refuse('token', 'token_invalid', 'not base64url'));
  const json = (s: string) => {
    const b = b64u(s);
    try { return utf8Json(b); } catch { return refuse('token', 'token_invalid', 'not UTF-8 JSON'); }
  };
  if (parts.length !== 3) refuse('token', 'token_invalid', 'not three parts');
  const protectedHeader = json(parts[0]!);
  if (!isObject(protectedHeader) || protectedHeader.alg !== 'ES384' || 'crit' in protectedHeader || 'b64' in protectedHeader) refuse('token', 'token_invalid', 'protected header');
  const signature = b64u(parts[2]!);
  if (signature.length !== 96) refuse('token', 'token_invalid', 'signature length');
  const issuer = createPublicKey({ key: keys.issuer as never, format: 'jwk' });
  if (!verify('sha384', Buffer.from(`${parts[0]}.${parts[1]}`, 'latin1'), { key: issuer, dsaEncoding: 'ieee-p1363' }, signature)) refuse('token', 'token_invalid', 'signature');
  const claims = json(parts[1]!);
  if (!isObject(claims)) refuse('token', 'token_invalid', 'claims not an object');
  const c = claims as Record<string, unknown>;
  if (typeof c.sid !== 'string' || !c.sid) refuse('token', 'token_empty', 'no sid');
  if (c.sid !== sid.toString('latin1')) refuse('token', 'session_mismatch', 'sid is not the header session id');
  if (typeof c.hpke !== 'string') refuse('token', 'token_invalid', 'no hpke');
  const exp = c.exp;
  if (typeof exp !== 'number') return refuse('token', 'token_invalid', 'no exp');
  if (keys.now / 1000 > exp + 30) refuse('token', 'token_expired', 'expired');

  // 3. Key: the recipient private key of the session.
  if (!keys.recipient) return refuse('key', 'unknown_session', 'no key for the session');

  // 4. HPKE: enc a point on P-256, then one recipient context, chunks in order, the header as associated data of each.
  const ecdh = createECDH('prime256v1');
  let dh: Buffer;
  try {
    ecdh.setPrivateKey(b64u(keys.recipient.d));
    dh = ecdh.computeSecret(enc); // throws when enc is not a point on P-256
  } catch {
    return refuse('hpke', 'decrypt_failed', 'enc is not a point on P-256, or the key is not a P-256 key');
  }
  const { key, nonce } = keySchedule(dh, enc, ecdh.getPublicKey(null, 'uncompressed'), info(version));
  const plain: Buffer[] = [];
  for (const [i, n] of lengths.entries()) {
    const ct = bytes.subarray(at, at + n);
    at += n;
    try {
      const d = createDecipheriv('aes-256-gcm', key, nonce(i));
      d.setAAD(header);
      d.setAuthTag(ct.subarray(n - 16));
      plain.push(Buffer.concat([d.update(ct.subarray(0, n - 16)), d.final()]));
    } catch {
      refuse('hpke', 'decrypt_failed', `chunk ${i} does not decrypt`);
    }
  }

  // 5. Inner container (little-endian), in section 5's order.
  if (innerLength > (keys.memoryLimitBytes ?? 1024 * MiB)) refuse('inner', 'too_large', 'over the memory ceiling');
  const inner = plain.length === 1 ? plain[0]! : Buffer.concat(plain);
  // Too short is a bound (`damaged`); only a wrong magic or version is `inner_invalid` (section 5's table).
  if (inner.length < 16) refuse('inner', 'damaged', 'shorter than 16 bytes');
  if (inner.toString('latin1', 0, 4) !== 'OZCI') refuse('inner', 'inner_invalid', 'magic');
  const innerVersion = inner.readUInt16LE(4);
  if (![1, 2, 3].includes(innerVersion)) refuse('inner', 'inner_invalid', `inner version ${innerVersion}`);
  const H = innerVersion === 3 ? 16 : 48;
  if (inner.length < H) refuse('inner', 'damaged', 'shorter than its header');
  const n = inner.readUInt16LE(6), namesLength = inner.readUInt32LE(8);
  if (n < 2 || n > 256) refuse('inner', 'damaged', `section count ${n}`);
  if (inner.readUInt32LE(12) !== inner.length) refuse('inner', 'damaged', 'total length');
  const namesAt = H + H * n, dataStart = namesAt + namesLength;
  if (dataStart > inner.length) refuse('inner', 'damaged', 'names outside the container');
  let nameAt = namesAt, dataAt = dataStart;
  const sections: ReferenceSection[] = [];
  for (let i = 0; i < n; i++) {
    const e = H + H * i;
    const kind = inner[e]!, nameLength = inner.readUInt16LE(e + 2), dataLength = inner.readUInt32LE(e + 12);
    if (inner[e + 1] !== 0) refuse('inner', 'damaged', `section ${i}: byte 1`);
    if (inner.readUInt32LE(e + 4) !== nameAt || inner.readUInt32LE(e + 8) !== dataAt) refuse('inner', 'damaged', `section ${i}: offsets`);
    if (nameAt + nameLength > dataStart || dataAt + dataLength > inner.length) refuse('inner', 'damaged', `section ${i}: bounds`);
    const name = inner.toString('latin1', nameAt, nameAt + nameLength);
    if (nameLength < 1 || nameLength > 128 || !/^[A-Za-z0-9._-]+$/.test(name)) refuse('inner', 'damaged', `section ${i}: name`);
    if (i === 0 && (kind !== 1 || name !== 'payload.json')) refuse('inner', 'payload_missing', 'section 0 is not payload.json');
    if (i === 0 && dataLength > 1 * MiB) refuse('inner', 'damaged', 'payload.json over 1 MiB');
    if (i === 1 && (kind !== 2 || name !== 'technical.json' || dataLength > 4 * MiB)) refuse('inner', 'damaged', 'section 1 is not technical.json of at most 4 MiB');
    if (i >= 2 && kind !== 3 && kind !== 4) refuse('inner', 'damaged', `section ${i}: kind ${kind}`);
    const data = inner.subarray(dataAt, dataAt + dataLength);
    sections.push(H === 48 ? { kind, name, data, hash: inner.toString('hex', e + 16, e + 48) } : { kind, name, data });
    nameAt += nameLength;
    dataAt += dataLength;
  }
  if (nameAt !== dataStart || dataAt !== inner.length) refuse('inner', 'damaged', 'gaps');
  if (n < 3) refuse('inner', 'no_media', 'no media section');
  if (new Set(sections.map((s) => s.name)).size !== n) refuse('inner', 'damaged', 'duplicate name');
  if (innerVersion !== INNER_OF[version]) refuse('inner', 'inner_invalid', `inner version ${innerVersion} inside format version ${version}`);
  if (innerVersion !== 3) {
    const summing = sha256(inner.subarray(0, 16), inner.subarray(48, dataStart), sections[0]!.data);
    if (!summing.equals(inner.subarray(16, 48))) refuse('inner', 'summing_hash', 'summing hash');
    for (const s of sections) if (sectionHash(innerVersion, s.data).toString('hex') !== s.hash) refuse('inner', 'section_hash', `section hash of ${s.name}`);
  }

  // 6. Manifest.
  let manifest: unknown, technical: unknown;
  try { manifest = utf8Json(sections[0]!.data); } catch { refuse('manifest', 'payload_invalid', 'payload.json is not UTF-8 JSON'); }
  if (!isObject(manifest) || !isObject(manifest['media:tags']) || !isObject(manifest['folder:meta_data'])) refuse('manifest', 'payload_invalid', 'payload.json lacks media:tags or folder:meta_data');
  try { technical = utf8Json(sections[1]!.data); } catch { refuse('manifest', 'technical_invalid', 'technical.json is not UTF-8 JSON'); }
  const media = new Set(sections.slice(2).map((s) => s.name));
  for (const name of Object.keys((manifest as Record<string, Record<string, unknown>>)['media:tags']!)) if (!media.has(name)) refuse('manifest', 'manifest_mismatch', `media:tags names ${name}`);

  return {
    version, sessionId: sid.toString('latin1'), createdAt: Number(created), chunkLengths: lengths, claims: c, innerVersion, inner,
    summingHash: innerVersion === 3 ? undefined : inner.toString('hex', 16, 48), sections, manifest: manifest as Record<string, unknown>, technical,
  };
}

/** RFC 9180 section 7.1.3, DeriveKeyPair for P-256: the private key (32 bytes) derived from ikm. */
export function deriveP256Key(ikm: Uint8Array): Buffer {
  const order = BigInt('0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551');
  const prk = labeledExtract(kemSuite, EMPTY, 'dkp_prk', Buffer.from(ikm));
  for (let counter = 0; counter < 256; counter++) {
    const sk = labeledExpand(kemSuite, prk, 'candidate', i2osp(counter, 1), 32); // bitmask 0xff for P-256
    const v = BigInt('0x' + sk.toString('hex'));
    if (v !== 0n && v < order) return sk;
  }
  throw new Error('DeriveKeyPairError');
}

/**
 * The sender side of section 1: seals each piece as one chunk (version 1: exactly one piece, one ct_len) to the
 * recipient public key (uncompressed, 65 bytes), with the ephemeral private key given. Checks nothing about the
 * pieces, so tests can seal what the project's packer never would.
 */
export function referenceSeal(pieces: Uint8Array[], o: { version: number; sessionId: string; token: string; createdAt: number; recipientPublic: Uint8Array; ephemeralPrivate: Uint8Array }): Buffer {
  if (o.version === 1 && pieces.length !== 1) throw new Error('version 1 has one ciphertext');
  const ecdh = createECDH('prime256v1');
  ecdh.setPrivateKey(Buffer.from(o.ephemeralPrivate));
  const enc = ecdh.getPublicKey(null, 'uncompressed');
  const pkRm = Buffer.from(o.recipientPublic);
  const u16 = (n: number) => i2osp(n, 2), u32 = (n: number) => i2osp(n, 4);
  const sid = Buffer.from(o.sessionId, 'latin1'), token = Buffer.from(o.token, 'latin1');
  const created = Buffer.alloc(8);
  created.writeBigUInt64BE(BigInt(o.createdAt));
  const header = Buffer.concat([
    Buffer.from('OZCF'), u16(o.version), u16(0x10), u16(1), u16(2), created, u16(sid.length), sid, u16(token.length), token, u16(65), enc,
    ...(o.version >= 2 ? [u16(pieces.length)] : []), ...pieces.map((p) => u32(p.length + 16)),
  ]);
  const { key, nonce } = keySchedule(ecdh.computeSecret(pkRm), enc, pkRm, info(o.version));
  const chunks = pieces.map((p, i) => {
    const c = createCipheriv('aes-256-gcm', key, nonce(i));
    c.setAAD(header);
    return Buffer.concat([c.update(p), c.final(), c.getAuthTag()]);
  });
  return Buffer.concat([header, ...chunks]);
}
