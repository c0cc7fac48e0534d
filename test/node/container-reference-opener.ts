// A second opener, written from docs/container-format.md alone with node:crypto only. It shares no code with
// src/container/ (no import from there, no codec, no @hpke/core, no jose), so when it opens the documented vectors
// and agrees with openContainer, the document is complete enough to build an opener from.
import { createDecipheriv, createECDH, createHash, createHmac, createPublicKey, verify } from 'node:crypto';

export class RefusedContainer extends Error {
  constructor(readonly step: string, message: string) {
    super(`${step}: ${message}`);
  }
}

export interface ReferenceSection {
  kind: number;
  name: string;
  data: Buffer;
  /** The section hash from the table (checked), hex. */
  hash: string;
}

export interface ReferenceOpened {
  version: number;
  sessionId: string;
  createdAt: number;
  claims: Record<string, unknown>;
  innerVersion: number;
  summingHash: string;
  sections: ReferenceSection[];
  manifest: Record<string, unknown>;
  technical: unknown;
}

const refuse = (step: string, message: string): never => {
  throw new RefusedContainer(step, message);
};
const sha256 = (...parts: Uint8Array[]) => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest();
};
const b64u = (s: string) => (/^[A-Za-z0-9_-]*$/.test(s) ? Buffer.from(s, 'base64url') : refuse('token', 'not base64url'));
const printable = (b: Buffer) => b.length > 0 && b.every((c) => c >= 0x21 && c <= 0x7e);

// RFC 9180, for DHKEM(P-256, HKDF-SHA256) = 0x0010, HKDF-SHA256 = 0x0001, AES-256-GCM = 0x0002, mode_base.
const i2osp = (n: number, w: number) => { const b = Buffer.alloc(w); b.writeUIntBE(n, w - Math.min(w, 6), Math.min(w, 6)); return b; };
const kemSuite = Buffer.concat([Buffer.from('KEM'), i2osp(0x10, 2)]);
const hpkeSuite = Buffer.concat([Buffer.from('HPKE'), i2osp(0x10, 2), i2osp(1, 2), i2osp(2, 2)]);
const labeledExtract = (suite: Buffer, salt: Buffer, label: string, ikm: Buffer) =>
  createHmac('sha256', salt.length ? salt : Buffer.alloc(32)).update(Buffer.concat([Buffer.from('HPKE-v1'), suite, Buffer.from(label), ikm])).digest();
const labeledExpand = (suite: Buffer, prk: Buffer, label: string, info: Buffer, length: number) => {
  const labeled = Buffer.concat([i2osp(length, 2), Buffer.from('HPKE-v1'), suite, Buffer.from(label), info]);
  const out: Buffer[] = [];
  let t = Buffer.alloc(0);
  for (let i = 1; out.reduce((n, b) => n + b.length, 0) < length; i++) {
    t = createHmac('sha256', prk).update(Buffer.concat([t, labeled, Buffer.of(i)])).digest();
    out.push(t);
  }
  return Buffer.concat(out).subarray(0, length);
};

function hpkeContext(recipientD: Buffer, enc: Buffer, info: Buffer) {
  const ecdh = createECDH('prime256v1');
  ecdh.setPrivateKey(recipientD);
  const dh = ecdh.computeSecret(enc);
  const pkR = ecdh.getPublicKey(null, 'uncompressed');
  const shared = labeledExpand(kemSuite, labeledExtract(kemSuite, Buffer.alloc(0), 'eae_prk', dh), 'shared_secret', Buffer.concat([enc, pkR]), 32);
  const ksc = Buffer.concat([Buffer.of(0), labeledExtract(hpkeSuite, Buffer.alloc(0), 'psk_id_hash', Buffer.alloc(0)), labeledExtract(hpkeSuite, Buffer.alloc(0), 'info_hash', info)]);
  const secret = labeledExtract(hpkeSuite, shared, 'secret', Buffer.alloc(0));
  const key = labeledExpand(hpkeSuite, secret, 'key', ksc, 32);
  const baseNonce = labeledExpand(hpkeSuite, secret, 'base_nonce', ksc, 12);
  let seq = 0;
  return (ct: Buffer, aad: Buffer): Buffer => {
    const nonce = Buffer.from(baseNonce);
    const s = i2osp(seq++, 12);
    for (let i = 0; i < 12; i++) nonce[i]! ^= s[i]!;
    const d = createDecipheriv('aes-256-gcm', key, nonce);
    d.setAAD(aad);
    d.setAuthTag(ct.subarray(ct.length - 16));
    return Buffer.concat([d.update(ct.subarray(0, ct.length - 16)), d.final()]);
  };
}

/** The section hash: inner version 1, SHA-256 of the data; inner version 2, SHA-256 over the SHA-256 of each 512 KiB leaf. */
function sectionHash(innerVersion: number, data: Buffer): Buffer {
  if (innerVersion === 1) return sha256(data);
  const leaves: Buffer[] = [];
  for (let at = 0; at < data.length; at += 524288) leaves.push(sha256(data.subarray(at, at + 524288)));
  return sha256(...leaves);
}

export function referenceOpen(file: Uint8Array, keys: { recipient: { d: string }; issuer: object; now: number }): ReferenceOpened {
  const bytes = Buffer.from(file.buffer, file.byteOffset, file.byteLength);
  // 1. Envelope (big-endian).
  if (bytes.length < 4 || bytes.toString('latin1', 0, 4) !== 'OZCF') refuse('envelope', 'magic');
  if (bytes.length < 22) refuse('envelope', 'truncated');
  const version = bytes.readUInt16BE(4);
  if (![1, 2, 3].includes(version)) refuse('envelope', `version ${version}`);
  if (bytes.readUInt16BE(6) !== 0x10 || bytes.readUInt16BE(8) !== 1 || bytes.readUInt16BE(10) !== 2) refuse('envelope', 'suite');
  const created = bytes.readBigUInt64BE(12);
  if (created > BigInt(Number.MAX_SAFE_INTEGER)) refuse('envelope', 'created_at');
  let at = 20;
  const field = (max: number) => {
    if (at + 2 > bytes.length) refuse('envelope', 'truncated');
    const n = bytes.readUInt16BE(at);
    if (n < 1 || n > max) refuse('envelope', 'field length');
    if (at + 2 + n > bytes.length) refuse('envelope', 'truncated');
    at += 2 + n;
    return bytes.subarray(at - n, at);
  };
  const sid = field(128), token = field(8192), enc = field(65);
  if (enc.length !== 65) refuse('envelope', 'enc length');
  if (!printable(sid) || !printable(token)) refuse('envelope', 'not printable');
  let count = 1;
  if (version >= 2) {
    if (at + 2 > bytes.length) refuse('envelope', 'truncated');
    count = bytes.readUInt16BE(at);
    at += 2;
    if (count < 1 || count > 2561) refuse('envelope', 'chunk count');
  }
  if (at + 4 * count > bytes.length) refuse('envelope', 'truncated');
  const lengths: number[] = [];
  for (let i = 0; i < count; i++, at += 4) {
    const n = bytes.readUInt32BE(at);
    if (n < 16 || (version >= 2 && n > 524288 + 16)) refuse('envelope', 'chunk length');
    lengths.push(n);
  }
  const ctTotal = lengths.reduce((a, b) => a + b, 0);
  if (ctTotal - 16 * count > 512 * 1024 * 1024) refuse('envelope', 'too large');
  if (at + ctTotal !== bytes.length) refuse('envelope', 'length does not match the chunks');
  const header = bytes.subarray(0, at);

  // 2. Session token: ES384 compact JWS.
  const parts = token.toString('latin1').split('.');
  if (parts.length !== 3) refuse('token', 'not a JWS');
  const protectedHeader = JSON.parse(b64u(parts[0]!).toString('utf8'));
  if (protectedHeader?.alg !== 'ES384' || 'crit' in protectedHeader) refuse('token', 'alg');
  const issuer = createPublicKey({ key: keys.issuer as never, format: 'jwk' });
  if (!verify('sha384', Buffer.from(`${parts[0]}.${parts[1]}`), { key: issuer, dsaEncoding: 'ieee-p1363' }, b64u(parts[2]!))) refuse('token', 'signature');
  const claims = JSON.parse(b64u(parts[1]!).toString('utf8')) as Record<string, unknown>;
  if (typeof claims !== 'object' || claims === null) refuse('token', 'claims');
  if (typeof claims.sid !== 'string' || !claims.sid) refuse('token', 'no sid');
  if (claims.sid !== sid.toString('latin1')) refuse('token', 'sid is not the header session id');
  if (typeof claims.hpke !== 'string') refuse('token', 'no hpke');
  if (typeof claims.exp !== 'number' || keys.now / 1000 > claims.exp + 30) refuse('token', 'expired');

  // 3. HPKE: one recipient context, chunks in order, the header as associated data of each.
  const plain: Buffer[] = [];
  try {
    // An enc that is not a point on P-256 fails here, like a chunk that does not authenticate.
    const open = hpkeContext(b64u(keys.recipient.d), enc, Buffer.from(`oz-liveness container v${version}`));
    for (const n of lengths) {
      plain.push(open(bytes.subarray(at, at + n), header));
      at += n;
    }
  } catch {
    refuse('hpke', 'the key does not fit or a chunk does not decrypt');
  }
  const inner = Buffer.concat(plain);

  // 4. Inner container (little-endian).
  const innerVersion = version === 3 ? 2 : 1;
  if (inner.length < 48 || inner.toString('latin1', 0, 4) !== 'OZCI') refuse('inner', 'magic');
  if (inner.readUInt16LE(4) !== innerVersion) refuse('inner', 'version');
  const n = inner.readUInt16LE(6), namesLength = inner.readUInt32LE(8);
  if (n < 2 || n > 256) refuse('inner', 'section count');
  if (inner.readUInt32LE(12) !== inner.length) refuse('inner', 'total length');
  const namesAt = 48 + 48 * n;
  if (namesAt + namesLength > inner.length) refuse('inner', 'names');
  let nameAt = namesAt, dataAt = namesAt + namesLength;
  const sections: ReferenceSection[] = [];
  for (let i = 0; i < n; i++) {
    const e = 48 + 48 * i;
    const kind = inner[e]!, nameLength = inner.readUInt16LE(e + 2), dataLength = inner.readUInt32LE(e + 12);
    if (inner[e + 1] !== 0 || inner.readUInt32LE(e + 4) !== nameAt || inner.readUInt32LE(e + 8) !== dataAt) refuse('inner', 'offsets');
    if (nameAt + nameLength > namesAt + namesLength || dataAt + dataLength > inner.length) refuse('inner', 'bounds');
    const name = inner.toString('latin1', nameAt, nameAt + nameLength);
    if (nameLength < 1 || nameLength > 128 || !/^[A-Za-z0-9._-]+$/.test(name)) refuse('inner', 'name');
    if (i === 0 && (kind !== 1 || name !== 'payload.json' || dataLength > 1 << 20)) refuse('inner', 'payload.json');
    if (i === 1 && (kind !== 2 || name !== 'technical.json' || dataLength > 4 << 20)) refuse('inner', 'technical.json');
    if (i >= 2 && kind !== 3 && kind !== 4) refuse('inner', 'kind');
    sections.push({ kind, name, data: inner.subarray(dataAt, dataAt + dataLength), hash: inner.toString('hex', e + 16, e + 48) });
    nameAt += nameLength;
    dataAt += dataLength;
  }
  if (nameAt !== namesAt + namesLength || dataAt !== inner.length) refuse('inner', 'gaps');
  if (n < 3) refuse('inner', 'no media');
  if (new Set(sections.map((s) => s.name)).size !== n) refuse('inner', 'duplicate name');
  const summing = sha256(inner.subarray(0, 16), inner.subarray(48, namesAt + namesLength), sections[0]!.data);
  if (!summing.equals(inner.subarray(16, 48))) refuse('inner', 'summing hash');
  for (const s of sections) if (sectionHash(innerVersion, s.data).toString('hex') !== s.hash) refuse('inner', `section hash of ${s.name}`);

  // 5. The manifest and the technical data are JSON.
  const manifest = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(sections[0]!.data));
  if (typeof manifest !== 'object' || manifest === null || Array.isArray(manifest)) refuse('manifest', 'not an object');
  return {
    version, sessionId: sid.toString('latin1'), createdAt: Number(created), claims, innerVersion,
    summingHash: inner.toString('hex', 16, 48), sections, manifest, technical: JSON.parse(sections[1]!.data.toString('utf8')),
  };
}
