// Packing: the ContainerInput becomes payload.json, technical.json and one section per medium, laid out by the
// codec and sealed with HPKE. Shared by the worker and Node (test vectors, tools).
import { Codec, HOST_DIGEST_MIN, lengthOf, type PackSection, partsOf } from './codec.ts';
import { leafHash } from './digest.ts';
import { FORMAT_VERSION, innerHasHashes, innerVersionOf, MANIFEST_NAME, SECTION_KINDS, TECHNICAL_NAME } from './format.ts';
import { type ChunkSink, prepareSeal, type Sealed, type SealOptions } from './seal.ts';
import type { ContainerInput, ContainerManifest } from './types.ts';

/** The input cannot become a container (bad names, types or structure). */
export class PackInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PackInputError';
  }
}

const utf8 = new TextEncoder();

function mediumKind(mime: unknown): number {
  if (typeof mime === 'string' && mime.startsWith('video/')) return SECTION_KINDS.clip;
  if (typeof mime === 'string' && mime.startsWith('image/')) return SECTION_KINDS.image;
  throw new PackInputError(`medium MIME type ${JSON.stringify(mime)} is neither video/* nor image/*`);
}

/**
 * The manifest in vendor terms: `media:tags` per medium (the medium's own tags, then any extra tags the payload
 * gives for it), `folder:meta_data` as given, and `media:meta_data` with each medium's MIME type and metadata.
 */
export function buildManifest(input: ContainerInput): ContainerManifest {
  if (!input || typeof input !== 'object' || !Array.isArray(input.media)) throw new PackInputError('input.media must be an array');
  const extra = input.payload?.['media:tags'] ?? {};
  const names = new Set(input.media.map((m) => m?.name));
  for (const name of Object.keys(extra)) if (!names.has(name)) throw new PackInputError(`payload media:tags names "${name}", which is not a medium`);
  const tags: ContainerManifest['media:tags'] = {};
  const meta: ContainerManifest['media:meta_data'] = {};
  for (const m of input.media) {
    if (!m || typeof m.name !== 'string') throw new PackInputError('every medium needs a name');
    if (!Array.isArray(m.tags) || m.tags.some((t) => typeof t !== 'string')) throw new PackInputError(`medium "${m.name}": tags must be strings`);
    tags[m.name] = [...new Set([...m.tags, ...(extra[m.name] ?? [])])];
    meta[m.name] = { mime: m.mime, ...(m.meta ?? {}) };
  }
  return { 'media:tags': tags, 'folder:meta_data': input.payload?.['folder:meta_data'] ?? {}, 'media:meta_data': meta };
}

/** Sections in container order; names and kinds are checked again by the codec, which has the final word. */
export function buildSections(input: ContainerInput): PackSection[] {
  const manifest = buildManifest(input);
  const sections: PackSection[] = [
    { kind: SECTION_KINDS.manifest, name: utf8.encode(MANIFEST_NAME), data: utf8.encode(JSON.stringify(manifest)) },
    { kind: SECTION_KINDS.technical, name: utf8.encode(TECHNICAL_NAME), data: utf8.encode(JSON.stringify(input.technical ?? {})) },
  ];
  for (const m of input.media) {
    if (!(m.data instanceof Uint8Array) && !(Array.isArray(m.data) && m.data.every((p) => p instanceof Uint8Array))) {
      throw new PackInputError(`medium "${m.name}": data must be a Uint8Array or an array of them`);
    }
    sections.push({ kind: mediumKind(m.mime), name: utf8.encode(m.name), data: m.data });
  }
  return sections;
}

/**
 * Gives every section of at least `min` bytes a digest computed outside the codec's layout, which is what lets the
 * layout leave a medium's bytes where they are. Inner version 2 (envelope 3): the leaf hash, every leaf through
 * WebCrypto where it lies, whether the section is one buffer or many parts. Inner version 1, kept to reproduce
 * older containers: WebCrypto over one buffer, the codec's streaming SHA-256 over parts.
 */
export function addHostDigests(sections: PackSection[], codec: Codec, min = HOST_DIGEST_MIN, innerVersion: 1 | 2 = 2): void {
  sections.forEach((s) => {
    if (lengthOf(s.data) < min) return;
    const parts = partsOf(s.data);
    s.digest = innerVersion === 2
      ? leafHash(parts)
      : parts.length === 1
        ? crypto.subtle.digest('SHA-256', parts[0] as Uint8Array<ArrayBuffer>).then((d) => new Uint8Array(d))
        : codec.sha256Parts(parts);
  });
}

export interface PackOptions {
  createdAt?: number;
  /** Fixed ephemeral key material, for test vectors only. */
  ekm?: Uint8Array;
  /**
   * Sections of at least this many bytes (payload.json aside) are sealed where they are, in chunks of their own; in
   * format versions 1 to 3 they are also the ones the host hashes. Default HOST_DIGEST_MIN (64 KiB).
   */
  hostDigestMin?: number;
  /**
   * Drop each medium once its chunk is sealed, so its memory can go while the rest is encrypted. The worker sets it:
   * the buffers were transferred to it and nobody else holds them.
   */
  releaseInput?: boolean;
  /** The format version to write (default 4); see SealOptions. */
  version?: SealOptions['version'];
  /** This container's ephemeral key pair, made ahead of time (see SealOptions). */
  ephemeral?: SealOptions['ephemeral'];
  /** Hands each chunk over as soon as it is sealed instead of collecting them in `chunks`. */
  onChunk?: ChunkSink;
}

export interface Packed extends Sealed {
  innerLength: number;
  /**
   * Milliseconds from the start to the layout's completion (checks; in format versions 1 to 3 also the digests and
   * section hashes), then to the last chunk sealed.
   */
  layoutMs: number;
  sealMs: number;
  /** The codec's linear memory at its largest (a fresh instance per container). */
  wasmBytes: number;
  /**
   * The most bytes referenced at once: input + codec memory + the pieces copied out of it while laying out; while
   * sealing, the pieces not yet sealed (the whole input when it is not released) + the chunks sealed so far,
   * counting the chunk just made. WebCrypto's own copy of the plaintext during encryption is not visible.
   */
  peakHeldBytes: number;
}

/**
 * Lays out and seals one container. The HPKE sender context is set up while the sections are laid out; it fails on
 * its own (SealError) if the token's key is unusable. The large media are sealed straight from the input, in chunks
 * of their own of at most 512 KiB: no copy of the inner container is made. The chunks are sealed in order. Format
 * version 4 hashes nothing; versions 1 to 3 (kept to reproduce such containers) hash the large media during the
 * layout, before sealing.
 */
export async function packContainer(codecOrFactory: Codec | (() => Promise<Codec>), input: ContainerInput, opts: PackOptions = {}): Promise<Packed> {
  const started = performance.now();
  const sealer = prepareSeal({ sessionToken: input?.sessionToken, createdAt: opts.createdAt, ekm: opts.ekm, ephemeral: opts.ephemeral, version: opts.version });
  // Its failure is reported where it is awaited, after the layout; this only stops an early one counting as unhandled.
  sealer.catch(() => {});
  let sections: PackSection[] = buildSections(input);
  const inputBytes = sections.reduce((n, s) => n + lengthOf(s.data), 0);
  let codec: Codec | null = codecOrFactory instanceof Codec ? codecOrFactory : await codecOrFactory();
  const innerVersion = innerVersionOf(opts.version ?? FORMAT_VERSION);
  const hashed = innerHasHashes(innerVersion);
  if (hashed) addHostDigests(sections, codec, opts.hostDigestMin, innerVersion as 1 | 2);
  else for (const [i, s] of sections.entries()) s.asIs = i > 0 && lengthOf(s.data) >= (opts.hostDigestMin ?? HOST_DIGEST_MIN);
  const { pieces, length } = await codec.layout(sections, innerVersion);
  const laidOut = performance.now();
  const wasmBytes = codec.memoryBytes;
  codec = null;
  // From here on only the pieces reference the large media.
  sections = [];
  const media = new Set<ArrayBufferLike>(input.media.flatMap((m) => partsOf(m.data).map((p) => p.buffer)));
  const copied = pieces.reduce((n, p) => n + (media.has(p.buffer) ? 0 : p.length), 0);
  if (opts.releaseInput) for (const m of input.media) m.data = new Uint8Array(0);
  const buffers = pieces.map((p) => p.buffer);
  const seal = await sealer;
  const sealed = await seal(pieces, opts.releaseInput, opts.onChunk);
  // Sealing in order: while chunk i is made, the chunks 0..i are held, and so are the buffers of the pieces i.. (a
  // buffer whole until its last piece is sealed), or the whole input when it is not released.
  let peakSeal = 0;
  if (buffers.length === sealed.chunkLengths.length) {
    // What the released buffers still hold while chunk i is made: each buffer counts up to its last piece's index.
    const lastPiece = new Map(buffers.map((b, i) => [b, i]));
    const held = new Array<number>(buffers.length + 1).fill(0);
    for (let i = buffers.length - 1; i >= 0; i--) held[i] = held[i + 1]! + (lastPiece.get(buffers[i]!) === i ? buffers[i]!.byteLength : 0);
    let made = 0;
    for (const [i, n] of sealed.chunkLengths.entries()) {
      made += n;
      peakSeal = Math.max(peakSeal, (opts.releaseInput ? held[i]! : inputBytes + copied) + made);
    }
  } else {
    // Version 1: the pieces joined into one buffer, then one chunk.
    peakSeal = length + sealed.chunkLengths[0]! + (opts.releaseInput ? 0 : inputBytes + copied);
  }
  return {
    ...sealed,
    innerLength: length,
    layoutMs: laidOut - started,
    sealMs: performance.now() - laidOut,
    wasmBytes,
    peakHeldBytes: Math.max(inputBytes + wasmBytes + copied, peakSeal),
  };
}
