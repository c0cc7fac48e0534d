// Loads the AssemblyScript codec (wasm/build/codec.wasm) in a browser, a worker or Node, and drives its exports.
// One WebAssembly.Module is compiled per source and cached; every pack gets a fresh Instance. openContainer keeps one
// instance for the next open and wipes what each open wrote first (open.ts): the linear memory of one container is
// never seen by the next.
import { leafHash, leafHashSync, type SyncSha256 } from './digest.ts';
import { CODEC_STATUS_NAMES, CodecStatus, type CodecStatusName, DEFAULT_MEMORY_LIMIT, innerHasHashes, innerHeaderLength, INNER_VERSION, type InnerVersion, MAX_CHUNK_LENGTH, MAX_SECTIONS, SECTION_KIND_NAMES } from './format.ts';

/** Where the codec comes from: a URL (http(s) fetched, file: read in Node), its bytes, or a compiled module. */
export type CodecSource = URL | string | ArrayBuffer | Uint8Array | WebAssembly.Module;

export const DEFAULT_CODEC_URL = new URL('../../wasm/build/codec.wasm?no-inline', import.meta.url);
/** Sections this large are hashed with WebCrypto's native digest; smaller ones inside the codec. */
export const HOST_DIGEST_MIN = 64 * 1024;
/**
 * The same threshold where the host has a synchronous native SHA-256 (node:crypto): there a digest costs no round
 * trip, and the codec's software SHA-256 (about 90 MB/s) is slower than two native calls from a few hundred bytes on.
 */
export const SYNC_HOST_DIGEST_MIN = 256;

/** A codec failure with its status (see CodecStatus). `stage` says whether loading or running failed. */
export class CodecError extends Error {
  readonly statusName: CodecStatusName | 'unavailable';
  constructor(readonly status: number, message: string, readonly stage: 'load' | 'run' = 'run') {
    super(message);
    this.name = 'CodecError';
    this.statusName = stage === 'load' ? 'unavailable' : (CODEC_STATUS_NAMES[status] ?? 'badSection');
  }
}

interface CodecExports {
  memory: WebAssembly.Memory;
  heapBase(): number;
  scratchSize(): number;
  reserve(bytes: number, limit: number): number;
  sha256(ptr: number, len: number, out: number, scratch: number): void;
  shaBegin(scratch: number): void;
  shaAdd(scratch: number, ptr: number, len: number): void;
  shaEnd(scratch: number, out: number): void;
  innerLength(count: number, namesLen: number, dataLen: number, version: number): number;
  packBegin(desc: number, count: number, names: number, out: number, version: number): number;
  packEnd(desc: number, out: number, scratch: number): number;
  parse(inner: number, len: number, info: number): number;
  verify(inner: number, len: number, digests: number, hostMin: number, scratch: number): number;
}

const modules = new Map<string, Promise<WebAssembly.Module>>();

/** A WebAssembly module's bytes: read from disk for a file: URL (Node), fetched otherwise. */
export async function readBytes(url: URL): Promise<ArrayBuffer | Uint8Array> {
  if (url.protocol === 'file:') {
    // Node only; the specifier is built at run time so bundlers leave it alone.
    const fs = 'node:fs/promises';
    const { readFile } = (await import(/* @vite-ignore */ fs)) as typeof import('node:fs/promises');
    return readFile(new URL(url.pathname, url));
  }
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url.pathname}: HTTP ${response.status}`);
  // Compiled from bytes rather than compileStreaming, so a server sending the wrong MIME type still works.
  return response.arrayBuffer();
}

/** Compiles (once per URL) the codec module. Rejects with CodecError(stage 'load') when WebAssembly is missing or the bytes are not a module. */
export function compileCodec(source: CodecSource = DEFAULT_CODEC_URL): Promise<WebAssembly.Module> {
  const wasm = (globalThis as { WebAssembly?: typeof WebAssembly }).WebAssembly;
  if (typeof wasm !== 'object' || typeof wasm.compile !== 'function') {
    return Promise.reject(new CodecError(0, 'WebAssembly is not available here', 'load'));
  }
  if (source instanceof wasm.Module) return Promise.resolve(source);
  const key = typeof source === 'string' || source instanceof URL ? new URL(source, globalThis.location?.href).href : null;
  const cached = key ? modules.get(key) : undefined;
  if (cached) return cached;
  const compiled = (async () => {
    try {
      const bytes = key ? await readBytes(new URL(key)) : (source as ArrayBuffer | Uint8Array);
      return await wasm.compile(bytes as BufferSource);
    } catch (e) {
      if (key) modules.delete(key);
      throw new CodecError(0, `codec did not load: ${(e as Error).message}`, 'load');
    }
  })();
  if (key) modules.set(key, compiled);
  return compiled;
}

/** Bytes in one buffer or as consecutive parts. */
export type Bytes = Uint8Array | readonly Uint8Array[];
export const partsOf = (bytes: Bytes): readonly Uint8Array[] => (bytes instanceof Uint8Array ? [bytes] : bytes);
export const lengthOf = (bytes: Bytes): number => (bytes instanceof Uint8Array ? bytes.length : bytes.reduce((n, p) => n + p.length, 0));

/**
 * One section to pack: its kind (1-4), name, bytes (one buffer or consecutive parts), and how the layout takes it.
 * Inner versions 1 and 2: a section with a `digest` (a SHA-256 the host computes over the same bytes; a promise, so
 * native hashing can run while the codec lays out and copies) is left where it is, in pieces of its own; the codec
 * copies and hashes the others. Inner version 3, which has no hashes: a section marked `asIs` is left where it is.
 */
export interface PackSection {
  kind: number;
  name: Uint8Array;
  data: Bytes;
  digest?: Uint8Array | Promise<Uint8Array>;
  asIs?: boolean;
}

/** A parsed and verified section: views into the codec's memory, valid until the codec is dropped. */
export interface CodecSection {
  kind: 1 | 2 | 3 | 4;
  name: string;
  data: Uint8Array;
  /** The section hash the table holds (inner versions 1 and 2; inner version 3 has none). */
  sha256?: Uint8Array;
}

const SCRATCH_AREA = 1024;
const DESC = 48;
const INFO = 20;
const align = (n: number) => (n + 15) & ~15;
const latin = new TextDecoder('latin1');

/** A fresh codec instance with a memory ceiling. */
export class Codec {
  private constructor(private readonly x: CodecExports, readonly memoryLimitBytes: number) {}

  static async instantiate(module: WebAssembly.Module, memoryLimitBytes = DEFAULT_MEMORY_LIMIT): Promise<Codec> {
    let instance: WebAssembly.Instance;
    try {
      instance = await WebAssembly.instantiate(module, {});
    } catch (e) {
      throw new CodecError(0, `codec did not instantiate: ${(e as Error).message}`, 'load');
    }
    const x = instance.exports as unknown as CodecExports;
    if (typeof x.packBegin !== 'function' || typeof x.verify !== 'function' || !(x.memory instanceof WebAssembly.Memory)) {
      throw new CodecError(0, 'module is not the container codec', 'load');
    }
    return new Codec(x, memoryLimitBytes);
  }

  /**
   * Zeroes every byte `open` wrote, so that an instance kept for the next open holds nothing of the last container
   * (only the parts the codec read were ever copied in).
   */
  wipe(): void {
    const mem = new Uint8Array(this.x.memory.buffer);
    for (const [from, to] of this.#written) mem.fill(0, from, to);
    this.#written = [];
  }

  /** The memory `open` wrote to, as [from, to) addresses: what `wipe` zeroes (the rest was never written). */
  #written: [number, number][] = [];

  /** Bytes of linear memory in use by this instance (it only grows). */
  get memoryBytes(): number {
    return this.x.memory.buffer.byteLength;
  }

  private reserve(bytes: number): void {
    const status = this.x.reserve(bytes, this.memoryLimitBytes);
    if (status !== CodecStatus.ok) {
      throw new CodecError(status, status === CodecStatus.memoryLimit
        ? `container needs ${bytes} bytes of codec memory, over the ${this.memoryLimitBytes}-byte ceiling`
        : `codec memory could not grow to ${bytes} bytes`);
    }
  }

  private fail(status: number, what: string): never {
    throw new CodecError(status, `${what}: ${CODEC_STATUS_NAMES[status] ?? `status ${status}`}`);
  }

  /** SHA-256 computed inside the codec (used by tests against the NIST vectors and by the benchmark). */
  sha256(data: Uint8Array): Uint8Array {
    const base = align(this.x.heapBase());
    const input = base + SCRATCH_AREA + 32;
    this.reserve(input + data.length);
    const mem = new Uint8Array(this.x.memory.buffer);
    mem.set(data, input);
    this.x.sha256(input, data.length, base + SCRATCH_AREA, base);
    return mem.slice(base + SCRATCH_AREA, base + SCRATCH_AREA + 32);
  }

  /**
   * SHA-256 of bytes that arrive in parts, streamed through codec memory in pieces of at most `stage` bytes, so the
   * codec grows by at most that much whatever the size. WebCrypto cannot hash parts as one message.
   */
  sha256Parts(parts: readonly Uint8Array[], stage = 64 * 1024): Uint8Array {
    const base = align(this.x.heapBase());
    const out = base + SCRATCH_AREA;
    const input = out + 32;
    const most = Math.min(stage, Math.max(0, ...parts.map((p) => p.length)));
    this.reserve(input + most);
    const mem = new Uint8Array(this.x.memory.buffer);
    this.x.shaBegin(base);
    for (const part of parts) {
      for (let at = 0; at < part.length; at += most) {
        const piece = part.subarray(at, at + most);
        mem.set(piece, input);
        this.x.shaAdd(base, input, piece.length);
      }
    }
    this.x.shaEnd(base, out);
    return mem.slice(out, out + 32);
  }

  /**
   * Lays out the inner container and resolves with it as consecutive pieces, ready to be sealed chunk by chunk. Only
   * the sections the codec must read (inner versions 1 and 2: the manifest, for the summing hash, and those without a
   * host digest; inner version 3: those not marked `asIs`) enter codec memory. Each other section gives its own
   * pieces: its parts as they are, not copies. The bytes before, between and after those sections (header, table,
   * names, the small sections) are copied out of codec memory, one piece per run. Every buffer is cut into pieces of
   * MAX_CHUNK_LENGTH from its start, and consecutive pieces of one section or run are joined while they fit in
   * MAX_CHUNK_LENGTH. The memory ceiling covers codec memory plus the inner container. Inner versions 1 and 2 wait
   * for the host digests, then the codec writes the section hashes and the summing hash.
   */
  async layout(sections: PackSection[], innerVersion: InnerVersion = INNER_VERSION): Promise<{ pieces: Uint8Array[]; length: number }> {
    const x = this.x;
    if (sections.length < 2 || sections.length > MAX_SECTIONS) this.fail(CodecStatus.sectionCount, 'pack');
    const namesLen = sections.reduce((n, s) => n + s.name.length, 0);
    const lengths = sections.map((s) => lengthOf(s.data));
    const dataLen = lengths.reduce((a, b) => a + b, 0);
    const total = x.innerLength(sections.length, namesLen, dataLen, innerVersion);
    if (total < 0) this.fail(-total, 'pack');
    const hashed = innerHasHashes(innerVersion);
    const inCodec = sections.map((s, i) => (hashed ? i === 0 || !s.digest : !s.asIs));
    const last = inCodec.lastIndexOf(true);
    // Where the last section the codec reads ends (data are contiguous in table order).
    const codecEnd = x.innerLength(sections.length, namesLen, lengths.slice(0, last + 1).reduce((a, b) => a + b, 0), innerVersion);
    const scratch = align(x.heapBase());
    const desc = scratch + SCRATCH_AREA;
    const names = desc + sections.length * DESC;
    const out = align(names + namesLen);
    const status = x.reserve(out + codecEnd, this.memoryLimitBytes - total);
    if (status !== CodecStatus.ok) {
      throw new CodecError(status, status === CodecStatus.memoryLimit
        ? `container needs ${out + codecEnd + total} bytes (codec memory and the result), over the ${this.memoryLimitBytes}-byte ceiling`
        : `codec memory could not grow to ${out + codecEnd} bytes`);
    }
    let mem = new Uint8Array(x.memory.buffer);
    let view = new DataView(x.memory.buffer);
    let at = names;
    sections.forEach((s, i) => {
      const d = desc + i * DESC;
      view.setUint32(d, s.kind, true);
      view.setUint32(d + 4, s.name.length, true);
      view.setUint32(d + 8, lengths[i]!, true);
      view.setUint32(d + 12, s.digest ? 1 : 0, true);
      mem.set(s.name, at);
      at += s.name.length;
    });
    const dataStart = x.packBegin(desc, sections.length, names, out, innerVersion);
    if (dataStart < 0) this.fail(-dataStart, 'pack');
    mem = new Uint8Array(x.memory.buffer);
    view = new DataView(x.memory.buffer);
    const entry = innerHeaderLength(innerVersion);
    const dataOffset = (i: number) => view.getUint32(out + entry + i * entry + 8, true);
    sections.forEach((s, i) => {
      if (!inCodec[i]) return;
      let at = out + dataOffset(i);
      for (const part of partsOf(s.data)) { mem.set(part, at); at += part.length; }
    });
    if (hashed) {
      const digests = await Promise.all(sections.map((s) => s.digest));
      mem = new Uint8Array(x.memory.buffer);
      digests.forEach((digest, i) => {
        if (!digest) return;
        if (digest.length !== 32) throw new CodecError(CodecStatus.badSection, 'a section digest must be 32 bytes');
        mem.set(digest, desc + i * DESC + 16);
      });
      const end = x.packEnd(desc, out, scratch);
      if (end !== CodecStatus.ok) this.fail(end, 'pack');
    }
    const pieces: Uint8Array[] = [];
    // Each buffer is cut into pieces of MAX_CHUNK_LENGTH from its start; consecutive pieces are joined (copied) into
    // one while they fit, so parts of a chunk's size pass as they are and many small parts do not make many chunks.
    const add = (buffers: readonly Uint8Array[]) => {
      let group: Uint8Array[] = [];
      let groupLength = 0;
      const flush = () => {
        if (groupLength) pieces.push(group.length === 1 ? group[0]! : concatBytes(group, groupLength));
        group = [];
        groupLength = 0;
      };
      for (const bytes of buffers) {
        for (let at = 0; at < bytes.length; at += MAX_CHUNK_LENGTH) {
          const piece = bytes.subarray(at, at + MAX_CHUNK_LENGTH);
          if (groupLength + piece.length > MAX_CHUNK_LENGTH) flush();
          group.push(piece);
          groupLength += piece.length;
        }
      }
      flush();
    };
    let from = 0;
    const run = (to: number) => { if (to > from) add([mem.slice(out + from, out + to)]); };
    sections.forEach((s, i) => {
      if (inCodec[i]) return;
      const offset = dataOffset(i);
      run(offset);
      add(partsOf(s.data));
      from = offset + lengths[i]!;
    });
    run(total);
    return { pieces, length: total };
  }

  /** Lays out the inner container in one fresh buffer (see layout()). */
  async pack(sections: PackSection[], innerVersion: InnerVersion = INNER_VERSION): Promise<Uint8Array> {
    const { pieces, length } = await this.layout(sections, innerVersion);
    return concatBytes(pieces, length);
  }

  /**
   * Opens the inner container (whole, or as the consecutive pieces a chunked container decrypts to): parses it
   * strictly and, in inner versions 1 and 2, hashes the large sections on the host over exactly the ranges the codec
   * reported and lets the codec check those digests, the small sections and the summing hash. Inner version 3 has no
   * hashes: only its header, table and names enter codec memory, and every section is returned where it lies.
   *
   * Only what the codec reads enters its memory: the header, table and names, `payload.json` (in the summing hash)
   * and the sections under `hostDigestMin`. A large section that lies within one piece is hashed and returned where
   * it lies, a view into that piece; one that spans pieces is copied into codec memory first. A packer starts each
   * large section on a chunk of its own, so in practice the media are never copied. The regions left out of codec
   * memory are never written, and a fresh instance's untouched memory costs nothing.
   *
   * `copyOut`: the sections held in codec memory are returned as copies, so the caller may wipe and reuse the
   * instance; otherwise they are views into it, valid as long as the instance is neither grown nor reused.
   */
  async open(inner: Uint8Array | readonly Uint8Array[], hostDigestMin = HOST_DIGEST_MIN, innerVersion: InnerVersion = INNER_VERSION, sha256?: SyncSha256, copyOut = false): Promise<{ sections: CodecSection[]; summingHash?: Uint8Array }> {
    const x = this.x;
    const pieces = inner instanceof Uint8Array ? [inner] : inner;
    const starts: number[] = [];
    let length = 0;
    for (const p of pieces) { starts.push(length); length += p.length; }
    const scratch = align(x.heapBase());
    const info = scratch + SCRATCH_AREA;
    const digests = info + MAX_SECTIONS * INFO;
    const input = align(digests + MAX_SECTIONS * 32);
    this.reserve(input + length);
    // The scratch, section info and digests the codec and this method write below the inner container.
    this.#written.push([scratch, input]);
    // What this open copied into codec memory, as [from, to) runs over the inner container (#written also holds the
    // runs of earlier opens not yet wiped), and how to copy more.
    const copied: [number, number][] = [];
    /** Writes the bytes [from, to) of the inner container, from the pieces they lie in, to `into` at `base + from`. */
    const gather = (from: number, to: number, into: Uint8Array, base: number) => {
      for (const [i, p] of pieces.entries()) {
        const s = starts[i]!, e = s + p.length;
        if (e <= from || s >= to) continue;
        into.set(p.subarray(Math.max(from, s) - s, Math.min(to, e) - s), base + Math.max(from, s));
      }
    };
    const copy = (from: number, to: number) => {
      gather(from, to, new Uint8Array(x.memory.buffer), input);
      copied.push([from, to]);
      this.#written.push([input + from, input + to]);
    };
    /**
     * The bytes [from, to) of a section the host hashes: a view into the one piece that holds them all, else one fresh
     * buffer joined from the pieces they span (the codec never reads them, so they need not enter its memory).
     */
    const bytesOf = (from: number, to: number): { data: Uint8Array; inCodec: boolean } => {
      if (copied.some(([a, b]) => a <= from && to <= b)) return { data: new Uint8Array(x.memory.buffer, input + from, to - from), inCodec: true };
      const i = pieces.findIndex((p, k) => starts[k]! <= from && to <= starts[k]! + p.length);
      // A plain Uint8Array view even over a Buffer (Node's decipher gives those), as every other section is.
      if (i >= 0 && to > from) return { data: new Uint8Array(pieces[i]!.buffer, pieces[i]!.byteOffset + from - starts[i]!, to - from), inCodec: false };
      const data = new Uint8Array(to - from);
      gather(from, to, data, -from);
      return { data, inCodec: false };
    };
    // The header, table and names: how far they reach is read here from the same header fields the codec's parse
    // reads them from, only to know what to copy; the codec checks every field itself.
    const hashed = innerHasHashes(innerVersion);
    const head = pieces[0]!.length >= 16 ? new DataView(pieces[0]!.buffer, pieces[0]!.byteOffset, 16) : null;
    // Sized by the version the inner header claims, which the codec parses by; it must then be the expected one.
    const entry = innerHeaderLength(head ? head.getUint16(4, true) : innerVersion);
    const headEnd = head ? entry + entry * head.getUint16(6, true) + head.getUint32(8, true) : length;
    copy(0, Math.min(length, Math.max(48, headEnd)));
    const n = x.parse(input, length, info);
    if (n < 0) this.fail(-n, 'open');
    const view = new DataView(x.memory.buffer);
    // The codec reads either inner version; which one is allowed depends on the envelope around it (no downgrade).
    if (view.getUint16(input + 4, true) !== innerVersion) this.fail(CodecStatus.badVersion, 'open');
    const ranges = Array.from({ length: n }, (_, i) => {
      const o = info + i * INFO;
      return {
        kind: view.getUint32(o, true) as 1 | 2 | 3 | 4,
        nameOff: view.getUint32(o + 4, true),
        nameLen: view.getUint32(o + 8, true),
        dataOff: view.getUint32(o + 12, true),
        dataLen: view.getUint32(o + 16, true),
      };
    });
    // What the codec reads: payload.json and the small sections (the large ones it knows by the host's digests).
    // Inner version 3 has no hashes: the codec reads no section, and every section stays where it was decrypted.
    if (hashed) {
      for (const [i, r] of ranges.entries()) {
        if (i === 0 || r.dataLen < hostDigestMin) copy(r.dataOff, r.dataOff + r.dataLen);
      }
    }
    // The sections the codec does not read (the large ones, or in inner version 3 all): where they lie, or joined.
    const outside = ranges.map((r) => (!hashed || r.dataLen >= hostDigestMin ? bytesOf(r.dataOff, r.dataOff + r.dataLen) : null));
    // A synchronous digest (node:crypto) is taken in line, with no promise per section.
    const hostDigests = !hashed
      ? []
      : sha256
      ? outside.map((b) => (b ? (innerVersion === 1 ? sha256(b.data) : leafHashSync(b.data, sha256)) : null))
      : await Promise.all(outside.map(async (b) => {
        if (!b) return null;
        return innerVersion === 1 ? new Uint8Array(await crypto.subtle.digest('SHA-256', b.data as Uint8Array<ArrayBuffer>)) : await leafHash(b.data);
      }));
    let mem = new Uint8Array(x.memory.buffer);
    hostDigests.forEach((d, i) => { if (d) mem.set(d, digests + i * 32); });
    const status = x.verify(input, length, digests, hostDigestMin, scratch);
    if (status !== CodecStatus.ok) this.fail(status, 'open');
    mem = new Uint8Array(x.memory.buffer);
    return {
      ...(hashed ? { summingHash: mem.slice(input + 16, input + 48) } : {}),
      sections: ranges.map((r, i) => {
        const held = outside[i] ?? { data: mem.subarray(input + r.dataOff, input + r.dataOff + r.dataLen), inCodec: true };
        return {
          kind: r.kind,
          name: latin.decode(mem.subarray(input + r.nameOff, input + r.nameOff + r.nameLen)),
          data: held.inCodec && copyOut ? held.data.slice() : held.data,
          ...(hashed ? { sha256: mem.slice(input + 48 + i * 48 + 16, input + 48 + i * 48 + 48) } : {}),
        };
      }),
    };
  }
}

/** The pieces joined into one fresh buffer of `length` bytes. */
export function concatBytes(pieces: readonly Uint8Array[], length = pieces.reduce((n, p) => n + p.length, 0)): Uint8Array {
  const out = new Uint8Array(length);
  let at = 0;
  for (const p of pieces) { out.set(p, at); at += p.length; }
  return out;
}

export const kindName = (kind: number) => SECTION_KIND_NAMES[kind as 1 | 2 | 3 | 4];
