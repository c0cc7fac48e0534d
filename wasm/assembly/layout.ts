// The inner container: layout when packing, strict parsing and verification when opening.
// Little-endian, as laid out in docs/container-format.md:
//   header (16): magic "OZCI", u16 version, u16 section count, u32 names length, u32 total length;
//     inner versions 1 and 2 follow it with the summing hash[32] (48 bytes in all)
//   table (16 per section): u8 kind, u8 0, u16 name length, u32 name offset, u32 data offset, u32 data length;
//     inner versions 1 and 2 follow each entry with its section hash[32] (48 bytes in all)
//   names (concatenated, table order), then section data (contiguous, table order, no gaps).
// Inner version 3 carries no hash: the AEAD around it authenticates every byte.
// Every read of untrusted bytes is preceded by a bounds check against the input length, and every loop is bounded
// by the section count (<= MAX_SECTIONS) or a length already checked, so hostile input cannot trap or hang.
import * as S from './status';
import { shaInit, shaUpdate, shaFinal, sha256Into, SHA_SCRATCH } from './sha256';

export const MAGIC: u32 = 0x49435a4f; // "OZCI" read as little-endian u32
/** Inner version 1: a section hash is SHA-256 of the section data. Version 2: SHA-256 over the SHA-256 of each leaf. */
export const VERSION_PLAIN: u16 = 1;
export const VERSION_LEAVES: u16 = 2;
/** Version 3: no section hashes and no summing hash (the envelope's AEAD authenticates every byte). */
export const VERSION_BARE: u16 = 3;
/** Version 2 cuts a section into leaves of this many bytes from its start (the last may be shorter). */
export const LEAF: usize = 512 * 1024;
/** Header and table entry sizes of inner versions 1 and 2 (with hashes) and of version 3 (without). */
const HASHED: usize = 48;
const BARE: usize = 16;
const known = (version: u16): bool => version == VERSION_PLAIN || version == VERSION_LEAVES || version == VERSION_BARE;
/** The header's size in this inner version; a table entry has the same size. */
const headerOf = (version: u16): usize => (version == VERSION_BARE ? BARE : HASHED);
export const DESC: usize = 48;
export const INFO: usize = 20;
export const MAX_SECTIONS: u32 = 256;
export const MAX_NAME: u32 = 128;
export const MAX_MANIFEST: u64 = 1 << 20;
export const MAX_TECHNICAL: u64 = 4 << 20;
export const MAX_INNER: u64 = 512 * 1024 * 1024;
/** Scratch the host provides: two SHA-256 states (leaf and outer), a leaf digest and a result digest. */
export const SCRATCH: usize = 2 * SHA_SCRATCH + 64;
const OUTER: usize = SHA_SCRATCH;
const LEAF_DIGEST: usize = 2 * SHA_SCRATCH;
const RESULT: usize = 2 * SHA_SCRATCH + 32;

const KIND_MANIFEST: u8 = 1;
const KIND_TECHNICAL: u8 = 2;
const KIND_CLIP: u8 = 3;
const KIND_IMAGE: u8 = 4;

const MANIFEST_NAME: usize = memory.data<u8>([0x70, 0x61, 0x79, 0x6c, 0x6f, 0x61, 0x64, 0x2e, 0x6a, 0x73, 0x6f, 0x6e]); // payload.json
const TECHNICAL_NAME: usize = memory.data<u8>([0x74, 0x65, 0x63, 0x68, 0x6e, 0x69, 0x63, 0x61, 0x6c, 0x2e, 0x6a, 0x73, 0x6f, 0x6e]); // technical.json

function validNameByte(c: u8): bool {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c == 0x2e || c == 0x5f || c == 0x2d;
}

function bytesEqual(a: usize, b: usize, len: usize): bool {
  for (let i: usize = 0; i < len; i++) if (load<u8>(a + i) != load<u8>(b + i)) return false;
  return true;
}

/**
 * The hash of a section's `len` bytes at `ptr` into `out` (not inside the scratch's state areas). Version 1: SHA-256
 * of the bytes. Version 2: SHA-256 over the concatenated SHA-256 digests of its 512 KiB leaves (none when empty), so
 * a host can hash every leaf where it lies, with the platform's native SHA-256, whatever parts the bytes came in.
 */
function sectionHash(version: u16, scratch: usize, ptr: usize, len: usize, out: usize): void {
  if (version == VERSION_PLAIN) {
    sha256Into(scratch, ptr, len, out);
    return;
  }
  shaInit(scratch + OUTER);
  for (let at: usize = 0; at < len; at += LEAF) {
    sha256Into(scratch, ptr + at, min(LEAF, len - at), scratch + LEAF_DIGEST);
    shaUpdate(scratch + OUTER, scratch + LEAF_DIGEST, 32);
  }
  shaFinal(scratch + OUTER, out);
}

/** Checks kind, name and size of section i; shared by packing and parsing so both enforce one rule set. */
function checkSection(i: u32, kind: u8, name: usize, nameLen: u32, dataLen: u64): i32 {
  if (nameLen == 0 || nameLen > MAX_NAME) return S.BAD_SECTION;
  for (let j: usize = 0; j < <usize>nameLen; j++) if (!validNameByte(load<u8>(name + j))) return S.BAD_SECTION;
  if (i == 0) {
    if (kind != KIND_MANIFEST || nameLen != 12 || !bytesEqual(name, MANIFEST_NAME, 12)) return S.MANIFEST_MISSING;
    if (dataLen > MAX_MANIFEST) return S.TOO_LARGE;
  } else if (i == 1) {
    if (kind != KIND_TECHNICAL || nameLen != 14 || !bytesEqual(name, TECHNICAL_NAME, 14)) return S.BAD_SECTION;
    if (dataLen > MAX_TECHNICAL) return S.TOO_LARGE;
  } else if (kind != KIND_CLIP && kind != KIND_IMAGE) {
    return S.BAD_SECTION;
  }
  return S.OK;
}

// Names are compared pairwise: at most 256 names of at most 128 bytes, so the cost is bounded.

function packDuplicates(desc: usize, count: u32, names: usize): bool {
  let a = names;
  for (let i: u32 = 0; i < count; i++) {
    const la = load<u32>(desc + <usize>i * DESC, 4);
    let b = a + <usize>la;
    for (let j: u32 = i + 1; j < count; j++) {
      const lb = load<u32>(desc + <usize>j * DESC, 4);
      if (lb == la && bytesEqual(a, b, <usize>la)) return true;
      b += lb;
    }
    a += la;
  }
  return false;
}

function tableDuplicates(inner: usize, count: u32, size: usize): bool {
  for (let i: u32 = 0; i < count; i++) {
    const ei = inner + size + <usize>i * size;
    const li = <usize>load<u16>(ei, 2);
    for (let j: u32 = i + 1; j < count; j++) {
      const ej = inner + size + <usize>j * size;
      if (<usize>load<u16>(ej, 2) == li && bytesEqual(inner + <usize>load<u32>(ei, 4), inner + <usize>load<u32>(ej, 4), li)) return true;
    }
  }
  return false;
}

/** Length of an inner container of `version` for `count` sections, `namesLen` name bytes and `dataLen` data bytes, or -status. */
export function innerLength(count: u32, namesLen: f64, dataLen: f64, version: u16): f64 {
  if (!known(version)) return -S.BAD_VERSION;
  if (count < 2 || count > MAX_SECTIONS) return -S.SECTION_COUNT;
  const size = headerOf(version);
  const total = <f64>size + <f64>(<usize>count * size) + namesLen + dataLen;
  if (!(namesLen >= 0) || !(dataLen >= 0) || total > <f64>MAX_INNER) return -S.TOO_LARGE;
  return total;
}

// Pack descriptors (48 bytes each): u32 kind, u32 name length, u32 data length, u32 flags (1 = digest given), digest[32].

/**
 * Writes header, table (section hashes, in versions that have them, left zero until packEnd) and names at `out`.
 * Returns the offset of the first data byte (the host then copies each section's data there, contiguously),
 * or -status.
 */
export function packBegin(desc: usize, count: u32, names: usize, out: usize, version: u16): i32 {
  if (!known(version)) return -S.BAD_VERSION;
  if (count < 2 || count > MAX_SECTIONS) return -S.SECTION_COUNT;
  const size = headerOf(version);
  let namesLen: u64 = 0;
  let dataLen: u64 = 0;
  let media: u32 = 0;
  for (let i: u32 = 0; i < count; i++) {
    const d = desc + <usize>i * DESC;
    const kind = load<u32>(d);
    const nameLen = load<u32>(d, 4);
    const len = <u64>load<u32>(d, 8);
    if (kind > 255) return -S.BAD_SECTION;
    const st = checkSection(i, <u8>kind, names + <usize>namesLen, nameLen, len);
    if (st != S.OK) return -st;
    if (i >= 2) media++;
    namesLen += nameLen;
    dataLen += len;
  }
  if (media == 0) return -S.NO_MEDIA;
  const total = <u64>size + <u64>count * size + namesLen + dataLen;
  if (total > MAX_INNER) return -S.TOO_LARGE;
  if (packDuplicates(desc, count, names)) return -S.DUPLICATE_NAME;

  store<u32>(out, MAGIC);
  store<u16>(out, version, 4);
  store<u16>(out, <u16>count, 6);
  store<u32>(out, <u32>namesLen, 8);
  store<u32>(out, <u32>total, 12);
  if (size > BARE) memory.fill(out + BARE, 0, size - BARE);
  const namesAt = size + <usize>count * size;
  let nameOff = namesAt;
  let dataOff = namesAt + <usize>namesLen;
  const dataStart = dataOff;
  for (let i: u32 = 0; i < count; i++) {
    const d = desc + <usize>i * DESC;
    const e = out + size + <usize>i * size;
    const nameLen = load<u32>(d, 4);
    const len = load<u32>(d, 8);
    store<u8>(e, <u8>load<u32>(d));
    store<u8>(e, 0, 1);
    store<u16>(e, <u16>nameLen, 2);
    store<u32>(e, <u32>nameOff, 4);
    store<u32>(e, <u32>dataOff, 8);
    store<u32>(e, len, 12);
    if (size > BARE) memory.fill(e + BARE, 0, size - BARE);
    nameOff += nameLen;
    dataOff += len;
  }
  memory.copy(out + namesAt, names, <usize>namesLen);
  return <i32>dataStart;
}

/** Summing hash (inner versions 1 and 2) over the header's first 16 bytes, the table, the names and the manifest data. */
function summingHash(inner: usize, count: u32, namesLen: u32, scratch: usize, outDigest: usize): void {
  shaInit(scratch);
  shaUpdate(scratch, inner, 16);
  shaUpdate(scratch, inner + HASHED, <usize>count * HASHED + <usize>namesLen);
  const m = inner + HASHED;
  shaUpdate(scratch, inner + <usize>load<u32>(m, 8), <usize>load<u32>(m, 12));
  shaFinal(scratch, outDigest);
}

/**
 * After the host has copied the section data (and, for flagged sections, put their digests into the descriptors):
 * fills in every section hash, from the descriptor or computed here, then writes the summing hash. `desc` is the
 * descriptor array given to packBegin. Digests may arrive after packBegin so the host can hash while it copies.
 * Inner version 3 has no hash to fill in: packBegin's output is final.
 */
export function packEnd(desc: usize, out: usize, scratch: usize): i32 {
  const count = <u32>load<u16>(out, 6);
  const namesLen = load<u32>(out, 8);
  const version = load<u16>(out, 4);
  if (load<u32>(out) != MAGIC || count < 2 || count > MAX_SECTIONS) return S.BAD_MAGIC;
  if (!known(version)) return S.BAD_VERSION;
  if (version == VERSION_BARE) return S.OK;
  for (let i: u32 = 0; i < count; i++) {
    const d = desc + <usize>i * DESC;
    const e = out + HASHED + <usize>i * HASHED;
    if (load<u32>(d, 12) & 1) memory.copy(e + 16, d + 16, 32);
    else sectionHash(version, scratch, out + <usize>load<u32>(e, 8), <usize>load<u32>(e, 12), e + 16);
  }
  summingHash(out, count, namesLen, scratch, out + 16);
  return S.OK;
}

/**
 * Validates the structure of `len` bytes at `inner`. Returns the section count, or -status.
 * When `info` is not 0, writes per section: u32 kind, name offset, name length, data offset, data length.
 */
export function parse(inner: usize, len: usize, info: usize): i32 {
  if (len < BARE) return -(len >= 4 && load<u32>(inner) != MAGIC ? S.BAD_MAGIC : S.TRUNCATED);
  if (load<u32>(inner) != MAGIC) return -S.BAD_MAGIC;
  const version = load<u16>(inner, 4);
  if (!known(version)) return -S.BAD_VERSION;
  const size = headerOf(version);
  if (len < size) return -S.TRUNCATED;
  const count = <u32>load<u16>(inner, 6);
  if (count < 2 || count > MAX_SECTIONS) return -S.SECTION_COUNT;
  const namesLen = <u64>load<u32>(inner, 8);
  const total = <u64>load<u32>(inner, 12);
  if (total > <u64>len) return -S.TRUNCATED;
  if (total < <u64>len) return -S.SECTION_BOUNDS;
  const namesAt = <u64>size + <u64>count * size;
  if (namesAt + namesLen > total) return -S.TRUNCATED;
  let nameOff = namesAt;
  let dataOff = namesAt + namesLen;
  for (let i: u32 = 0; i < count; i++) {
    const e = inner + size + <usize>i * size;
    const kind = load<u8>(e);
    const nameLen = <u32>load<u16>(e, 2);
    const dLen = <u64>load<u32>(e, 12);
    if (load<u8>(e, 1) != 0) return -S.BAD_SECTION;
    if (<u64>load<u32>(e, 4) != nameOff || nameOff + <u64>nameLen > namesAt + namesLen) return -S.SECTION_BOUNDS;
    if (<u64>load<u32>(e, 8) != dataOff || dataOff + dLen > total) return -S.SECTION_BOUNDS;
    const st = checkSection(i, kind, inner + <usize>nameOff, nameLen, dLen);
    if (st != S.OK) return -st;
    if (info != 0) {
      const o = info + <usize>i * INFO;
      store<u32>(o, kind);
      store<u32>(o, <u32>nameOff, 4);
      store<u32>(o, nameLen, 8);
      store<u32>(o, <u32>dataOff, 12);
      store<u32>(o, <u32>dLen, 16);
    }
    nameOff += nameLen;
    dataOff += dLen;
  }
  if (nameOff != namesAt + namesLen || dataOff != total) return -S.SECTION_BOUNDS;
  if (count < 3) return -S.NO_MEDIA;
  if (tableDuplicates(inner, count, size)) return -S.DUPLICATE_NAME;
  return <i32>count;
}

/**
 * Parses, then (inner versions 1 and 2) checks the summing hash and every section hash. Sections of at least
 * `hostMin` bytes are compared with the digest the host computed over exactly the range parse reported (at
 * digests + 32 * i); smaller ones are hashed here. Inner version 3 has no hash: parsing is the whole check. Returns
 * 0 or a status.
 */
export function verify(inner: usize, len: usize, digests: usize, hostMin: u32, scratch: usize): i32 {
  const n = parse(inner, len, 0);
  if (n < 0) return -n;
  const count = <u32>n;
  const version = load<u16>(inner, 4);
  if (version == VERSION_BARE) return S.OK;
  const digest = scratch + RESULT;
  summingHash(inner, count, load<u32>(inner, 8), scratch, digest);
  if (!bytesEqual(digest, inner + 16, 32)) return S.SUMMING_HASH;
  for (let i: u32 = 0; i < count; i++) {
    const e = inner + HASHED + <usize>i * HASHED;
    const dLen = load<u32>(e, 12);
    let got = digest;
    if (dLen >= hostMin) got = digests + <usize>i * 32;
    else sectionHash(version, scratch, inner + <usize>load<u32>(e, 8), <usize>dLen, digest);
    if (!bytesEqual(got, e + 16, 32)) return S.SECTION_HASH;
  }
  return S.OK;
}
