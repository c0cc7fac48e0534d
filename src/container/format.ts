// Constants and the envelope header codec of the container format (docs/container-format.md).
// The envelope is plain TypeScript (it must be readable before any key or WebAssembly is at hand);
// the inner layout belongs to the AssemblyScript codec in wasm/assembly/.
import { MAX_CHUNK_LENGTH } from './limits.ts';
import type { ContainerHeader } from './types.ts';

export { MAX_CHUNK_LENGTH };

export const ENVELOPE_MAGIC = new Uint8Array([0x4f, 0x5a, 0x43, 0x46]); // "OZCF"
/** The version packers write. Openers also accept every version in SUPPORTED_VERSIONS. */
export const FORMAT_VERSION = 4;
/**
 * 1: one ciphertext for the whole inner container. 2: the inner container sealed in chunks (see the format doc).
 * 3: chunks as in 2, around inner version 2, whose section hashes are taken over 512 KiB leaves.
 * 4: chunks as in 2, around inner version 3, which carries no hashes: the AEAD authenticates every byte.
 */
export const SUPPORTED_VERSIONS: readonly number[] = [1, 2, 3, 4];
export type FormatVersion = 1 | 2 | 3 | 4;
/** RFC 9180 identifiers of the one suite this version allows. */
export const KEM_ID = 0x0010; // DHKEM(P-256, HKDF-SHA256)
export const KDF_ID = 0x0001; // HKDF-SHA256
export const AEAD_ID = 0x0002; // AES-256-GCM
export const SUITE_NAME = 'DHKEM-P256-HKDF-SHA256/HKDF-SHA256/AES-256-GCM';
/** HPKE `info`: binds the key schedule to the format and its version. */
export const hpkeInfo = (version: number): Uint8Array => new TextEncoder().encode(`oz-liveness container v${version}`);
export const HPKE_INFO = hpkeInfo(FORMAT_VERSION);
export const ENC_LENGTH = 65;
export const AEAD_TAG_LENGTH = 16;

export const MAX_SESSION_ID_LENGTH = 128;
export const MAX_TOKEN_LENGTH = 8192;
/** Fixed part of the header: magic, version, 3 suite ids, created_at. */
const FIXED_LENGTH = 4 + 2 + 6 + 8;
export const MIN_HEADER_LENGTH = FIXED_LENGTH + 2 + 1 + 2 + 1 + 2 + ENC_LENGTH + 4;


/** Inner container limits, enforced by the codec (wasm/assembly/layout.ts holds the same numbers). */
export const INNER_MAGIC = new Uint8Array([0x4f, 0x5a, 0x43, 0x49]); // "OZCI"
export type InnerVersion = 1 | 2 | 3;
/** The inner version each envelope version carries: 1 under envelopes 1 and 2, 2 under envelope 3, 3 under 4. */
export const innerVersionOf = (envelopeVersion: number): InnerVersion => (envelopeVersion >= 4 ? 3 : envelopeVersion === 3 ? 2 : 1);
export const INNER_VERSION = innerVersionOf(FORMAT_VERSION);
/** Inner version 2 hashes each section as SHA-256 over the SHA-256 of each leaf of this many bytes. */
export const LEAF_LENGTH = 512 * 1024;
/** Whether an inner version carries section hashes and a summing hash (1 and 2 do; 3 leaves it to the AEAD). */
export const innerHasHashes = (innerVersion: number): boolean => innerVersion !== 3;
/** The inner header's size; a table entry has the same size (the 32-byte hash only inner versions 1 and 2 carry). */
export const innerHeaderLength = (innerVersion: number): number => (innerHasHashes(innerVersion) ? 48 : 16);
export const MAX_SECTIONS = 256;
export const MAX_NAME_LENGTH = 128;
export const MAX_MANIFEST_LENGTH = 1 << 20;
export const MAX_TECHNICAL_LENGTH = 4 << 20;
export const MAX_INNER_LENGTH = 512 * 1024 * 1024;
/** Default ceiling for the codec's linear memory per container. */
export const DEFAULT_MEMORY_LIMIT = 1024 * 1024 * 1024;
export const MANIFEST_NAME = 'payload.json';
export const TECHNICAL_NAME = 'technical.json';
export const SECTION_KINDS = { manifest: 1, technical: 2, clip: 3, image: 4 } as const;
export const SECTION_KIND_NAMES = { 1: 'manifest', 2: 'technical', 3: 'clip', 4: 'image' } as const;

/** Status codes returned by the codec's exported functions (0 = ok). */
export const CodecStatus = {
  ok: 0,
  badMagic: 1,
  badVersion: 2,
  truncated: 3,
  sectionCount: 4,
  sectionBounds: 5,
  sectionHash: 6,
  summingHash: 7,
  manifestMissing: 8,
  noMedia: 9,
  badSection: 10,
  duplicateName: 11,
  memoryLimit: 12,
  growFailed: 13,
  tooLarge: 14,
} as const;
export type CodecStatusName = keyof typeof CodecStatus;
export const CODEC_STATUS_NAMES: Record<number, CodecStatusName> = Object.fromEntries(
  Object.entries(CodecStatus).map(([name, code]) => [code, name as CodecStatusName]),
);

/** Why a header does not parse; `bounds` means the lengths do not fit the bytes (damaged), the rest mean invalid. */
export class HeaderError extends Error {
  constructor(readonly reason: 'bad_magic' | 'bad_version' | 'bad_suite' | 'bad_header' | 'bounds', message: string) {
    super(message);
    this.name = 'HeaderError';
  }
}

const ascii = new TextEncoder();
const latin = new TextDecoder('latin1');
const PRINTABLE = /^[\x21-\x7e]+$/;

/**
 * Within a section or a run of small sections, two consecutive chunks together hold more than MAX_CHUNK_LENGTH
 * (the packer joins pieces while they fit), so a maximal inner container needs at most twice its length in full
 * chunks, plus one more chunk per section or run.
 */
export const MAX_CHUNKS = 2 * (MAX_INNER_LENGTH / MAX_CHUNK_LENGTH) + 2 * MAX_SECTIONS + 1;

export interface HeaderFields {
  sessionId: string;
  createdAt: number;
  sessionToken: string;
  enc: Uint8Array;
  /** Ciphertext length of each chunk in order (plaintext + 16); version 1 has exactly one. */
  chunkLengths: readonly number[];
  /** Defaults to FORMAT_VERSION. */
  version?: number;
}

/** Encodes the envelope header (the AEAD associated data of every chunk) for chunks of the given ciphertext lengths. */
export function encodeHeader(h: HeaderFields): Uint8Array {
  const version = h.version ?? FORMAT_VERSION;
  if (!SUPPORTED_VERSIONS.includes(version)) throw new RangeError(`format version ${version} is not supported`);
  if (!PRINTABLE.test(h.sessionId) || h.sessionId.length > MAX_SESSION_ID_LENGTH) throw new RangeError('session id must be 1-128 printable ASCII characters');
  if (!PRINTABLE.test(h.sessionToken) || h.sessionToken.length > MAX_TOKEN_LENGTH) throw new RangeError('session token must be 1-8192 printable ASCII characters');
  if (h.enc.length !== ENC_LENGTH) throw new RangeError('encapsulated key must be 65 bytes');
  if (!Number.isSafeInteger(h.createdAt) || h.createdAt < 0) throw new RangeError('createdAt must be a non-negative integer');
  const chunks = h.chunkLengths;
  if (chunks.length < 1 || chunks.length > (version === 1 ? 1 : MAX_CHUNKS)) throw new RangeError(`${chunks.length} chunks: version ${version} allows 1..${version === 1 ? 1 : MAX_CHUNKS}`);
  const most = version === 1 ? 0xffffffff : MAX_CHUNK_LENGTH + AEAD_TAG_LENGTH;
  if (chunks.some((n) => !Number.isInteger(n) || n < AEAD_TAG_LENGTH || n > most)) throw new RangeError(`every chunk is 16 to ${most} bytes of ciphertext`);
  const sid = ascii.encode(h.sessionId);
  const token = ascii.encode(h.sessionToken);
  const table = version === 1 ? 4 : 2 + 4 * chunks.length;
  const length = FIXED_LENGTH + 2 + sid.length + 2 + token.length + 2 + ENC_LENGTH + table;
  const out = new Uint8Array(length);
  const view = new DataView(out.buffer);
  out.set(ENVELOPE_MAGIC, 0);
  view.setUint16(4, version);
  view.setUint16(6, KEM_ID);
  view.setUint16(8, KDF_ID);
  view.setUint16(10, AEAD_ID);
  view.setBigUint64(12, BigInt(h.createdAt));
  let at = FIXED_LENGTH;
  view.setUint16(at, sid.length); out.set(sid, at + 2); at += 2 + sid.length;
  view.setUint16(at, token.length); out.set(token, at + 2); at += 2 + token.length;
  view.setUint16(at, ENC_LENGTH); out.set(h.enc, at + 2); at += 2 + ENC_LENGTH;
  if (version !== 1) { view.setUint16(at, chunks.length); at += 2; }
  for (const n of chunks) { view.setUint32(at, n); at += 4; }
  return out;
}

/** Parses and checks the envelope header of a whole container; the last chunk must end exactly at the last byte. */
export function decodeHeader(bytes: Uint8Array): ContainerHeader {
  if (bytes.length < 4 || ENVELOPE_MAGIC.some((b, i) => bytes[i] !== b)) throw new HeaderError('bad_magic', 'not an oz container (magic)');
  if (bytes.length < MIN_HEADER_LENGTH) throw new HeaderError('bounds', 'container truncated inside the header');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint16(4);
  if (!SUPPORTED_VERSIONS.includes(version)) throw new HeaderError('bad_version', `unsupported format version ${version}`);
  const kemId = view.getUint16(6), kdfId = view.getUint16(8), aeadId = view.getUint16(10);
  if (kemId !== KEM_ID || kdfId !== KDF_ID || aeadId !== AEAD_ID) throw new HeaderError('bad_suite', `unsupported HPKE suite ${kemId}/${kdfId}/${aeadId}`);
  const createdBig = view.getBigUint64(12);
  if (createdBig > BigInt(Number.MAX_SAFE_INTEGER)) throw new HeaderError('bad_header', 'creation time out of range');
  let at = FIXED_LENGTH;
  const field = (max: number, what: string): Uint8Array => {
    if (at + 2 > bytes.length) throw new HeaderError('bounds', `container truncated at ${what}`);
    const n = view.getUint16(at);
    if (n === 0 || n > max) throw new HeaderError('bad_header', `${what} length ${n} out of range`);
    if (at + 2 + n > bytes.length) throw new HeaderError('bounds', `container truncated inside ${what}`);
    const value = bytes.subarray(at + 2, at + 2 + n);
    at += 2 + n;
    return value;
  };
  const sidBytes = field(MAX_SESSION_ID_LENGTH, 'session id');
  const tokenBytes = field(MAX_TOKEN_LENGTH, 'session token');
  const enc = field(ENC_LENGTH, 'encapsulated key');
  if (enc.length !== ENC_LENGTH) throw new HeaderError('bad_header', 'encapsulated key must be 65 bytes');
  let count = 1;
  if (version !== 1) {
    if (at + 2 > bytes.length) throw new HeaderError('bounds', 'container truncated at the chunk count');
    count = view.getUint16(at);
    at += 2;
    if (count < 1 || count > MAX_CHUNKS) throw new HeaderError('bad_header', `chunk count ${count} out of range 1..${MAX_CHUNKS}`);
  }
  if (at + 4 * count > bytes.length) throw new HeaderError('bounds', 'container truncated inside the chunk lengths');
  const chunkLengths: number[] = [];
  for (let i = 0; i < count; i++, at += 4) {
    const n = view.getUint32(at);
    if (n < AEAD_TAG_LENGTH) throw new HeaderError('bad_header', `chunk ${i} is shorter than the AEAD tag`);
    if (version !== 1 && n > MAX_CHUNK_LENGTH + AEAD_TAG_LENGTH) throw new HeaderError('bad_header', `chunk ${i} is over ${MAX_CHUNK_LENGTH} bytes of plaintext`);
    chunkLengths.push(n);
  }
  const ciphertextLength = chunkLengths.reduce((a, b) => a + b, 0);
  if (ciphertextLength - AEAD_TAG_LENGTH * count > MAX_INNER_LENGTH) throw new HeaderError('bad_header', `inner container over ${MAX_INNER_LENGTH} bytes`);
  if (at + ciphertextLength !== bytes.length) throw new HeaderError('bounds', `ciphertext length ${ciphertextLength} does not match the ${bytes.length - at} bytes present`);
  const sessionId = latin.decode(sidBytes), sessionToken = latin.decode(tokenBytes);
  if (!PRINTABLE.test(sessionId) || !PRINTABLE.test(sessionToken)) throw new HeaderError('bad_header', 'session id and token must be printable ASCII');
  return { version, kemId, kdfId, aeadId, sessionId, createdAt: Number(createdBig), sessionToken, enc: enc.slice(), chunkLengths, ciphertextLength, headerLength: at };
}

const HEX = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, '0'));

export function toHex(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i++) s += HEX[bytes[i]!]!;
  return s;
}

export function base64urlEncode(bytes: Uint8Array): string {
  let bin = '';
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

export function base64urlDecode(text: string): Uint8Array {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) throw new RangeError('not base64url');
  const bin = atob(text.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (text.length % 4)) % 4));
  return Uint8Array.from(bin, (c) => c.charCodeAt(0));
}
