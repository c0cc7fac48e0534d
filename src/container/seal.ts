// HPKE sealing of an inner container (browser worker and Node alike).
import { decodeJwt } from 'jose';
import type { SenderContext } from '@hpke/core';
import { createSuite, deserializePublicKey } from './keys.ts';
import { concatBytes } from './codec.ts';
import { AEAD_TAG_LENGTH, encodeHeader, FORMAT_VERSION, type FormatVersion, hpkeInfo, MAX_CHUNK_LENGTH, MAX_CHUNKS } from './format.ts';
import type { SessionClaims } from './types.ts';

/** Why a container could not be sealed: the token or its key is unusable, or encryption failed. */
export class SealError extends Error {
  constructor(readonly reason: 'token_invalid' | 'key_invalid' | 'encrypt_failed', message: string) {
    super(message);
    this.name = 'SealError';
  }
}

/** Reads (without verifying: that is the API's job) the claims the container needs from a session token. */
export function readSessionClaims(sessionToken: string): SessionClaims {
  let claims: Record<string, unknown>;
  try {
    claims = decodeJwt(sessionToken);
  } catch (e) {
    throw new SealError('token_invalid', `session token is not a JWT: ${(e as Error).message}`);
  }
  if (typeof claims.sid !== 'string' || !claims.sid) throw new SealError('token_invalid', 'session token has no sid claim');
  if (typeof claims.hpke !== 'string' || !claims.hpke) throw new SealError('token_invalid', 'session token has no hpke claim');
  return claims as SessionClaims;
}

export interface SealOptions {
  sessionToken: string;
  /** Creation time in ms since the epoch; defaults to now. */
  createdAt?: number;
  /** Fixed ephemeral key material, for test vectors only: never set it for a real container. */
  ekm?: Uint8Array;
  /**
   * The format version to write: 3 (the default) and 2 seal each piece as its own chunk (they differ in the inner
   * version the pieces hold and in the HPKE info); 1, kept so openers can be tested against the containers older
   * packers made, seals the pieces joined as one.
   */
  version?: FormatVersion;
}

export interface Sealed {
  sessionId: string;
  /** The envelope header, also the AEAD associated data of every chunk. */
  header: Uint8Array;
  /** The sealed chunks, in order; the container is the header followed by them. Empty when handed to `onChunk`. */
  chunks: Uint8Array[];
  /** Each chunk's length, in order. */
  chunkLengths: number[];
}

/**
 * Takes the envelope header before any chunk is sealed, then each chunk as soon as it is sealed (the worker streams
 * them into the container's Blob); the chunks are then not kept.
 */
export interface ChunkSink {
  header(header: Uint8Array): void;
  chunk(chunk: Uint8Array, index: number): void;
}

/** The container's bytes in one buffer (Node and tests; the browser worker makes a Blob of the same parts). */
export function containerBytes(sealed: Pick<Sealed, 'header' | 'chunks'>): Uint8Array {
  return concatBytes([sealed.header, ...sealed.chunks]);
}

/**
 * Checks the token and sets up the HPKE sender context for it. The returned function seals one inner container,
 * given as its consecutive pieces of at most MAX_CHUNK_LENGTH bytes (the context is single-use): each piece becomes
 * one chunk, sealed in order (the HPKE sequence number is the chunk's index) with the whole header as associated data. With `release`, each entry
 * of `pieces` is dropped once its chunk is sealed, so the plaintext can go while the rest is encrypted.
 */
export async function prepareSeal(opts: SealOptions): Promise<(pieces: Uint8Array[], release?: boolean, onChunk?: ChunkSink) => Promise<Sealed>> {
  if (typeof opts.sessionToken !== 'string' || !opts.sessionToken) throw new SealError('token_invalid', 'no session token');
  const claims = readSessionClaims(opts.sessionToken);
  const version = opts.version ?? FORMAT_VERSION;
  let recipientPublicKey: CryptoKey;
  try {
    recipientPublicKey = await deserializePublicKey(claims.hpke);
  } catch (e) {
    throw new SealError('key_invalid', `session token's hpke key is unusable: ${(e as Error).message}`);
  }
  let sender: SenderContext;
  try {
    sender = await createSuite().createSenderContext({ recipientPublicKey, info: hpkeInfo(version), ...(opts.ekm ? { ekm: opts.ekm } : {}) });
  } catch (e) {
    throw new SealError('key_invalid', `HPKE setup failed: ${(e as Error).message}`);
  }
  return async (given, release = false, onChunk) => {
    const pieces = version === 1 ? [concatBytes(given)] : given.filter((p) => p.length > 0);
    if (release) given.length = 0;
    if (pieces.length === 0) throw new SealError('encrypt_failed', 'nothing to seal');
    if (version !== 1 && pieces.some((p) => p.length > MAX_CHUNK_LENGTH)) throw new SealError('encrypt_failed', `a chunk may hold at most ${MAX_CHUNK_LENGTH} bytes`);
    if (version !== 1 && pieces.length > MAX_CHUNKS) throw new SealError('encrypt_failed', `${pieces.length} chunks, over the ${MAX_CHUNKS} a container may hold`);
    const chunkLengths = pieces.map((p) => p.length + AEAD_TAG_LENGTH);
    let header: Uint8Array;
    try {
      header = encodeHeader({
        version,
        sessionId: claims.sid,
        createdAt: opts.createdAt ?? Date.now(),
        sessionToken: opts.sessionToken,
        enc: new Uint8Array(sender.enc),
        chunkLengths,
      });
    } catch (e) {
      throw new SealError('token_invalid', (e as Error).message);
    }
    // @hpke/core copies any typed-array view it is given (twice on the way to WebCrypto); a whole ArrayBuffer goes
    // through as it is, which at 10 MB saves two copies of the chunk.
    const whole = (bytes: Uint8Array) =>
      bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength && bytes.buffer instanceof ArrayBuffer ? bytes.buffer : bytes;
    const aad = whole(header);
    const chunks: Uint8Array[] = [];
    onChunk?.header(header);
    try {
      // The next chunk's encryption is started before this one is handed on (the sender context seals one at a time,
      // in call order), so WebCrypto is never idle while the sink takes a chunk.
      const start = (i: number) => {
        const sealing = sender.seal(whole(pieces[i]!), aad);
        sealing.catch(() => {});
        return sealing;
      };
      let next = start(0);
      for (let i = 0; i < pieces.length; i++) {
        const chunk = new Uint8Array(await next);
        if (i + 1 < pieces.length) next = start(i + 1);
        if (release) pieces[i] = EMPTY;
        if (onChunk) onChunk.chunk(chunk, i);
        else chunks.push(chunk);
      }
    } catch (e) {
      throw new SealError('encrypt_failed', `sealing failed: ${(e as Error).message}`);
    }
    return { sessionId: claims.sid, header, chunks, chunkLengths };
  };
}

const EMPTY = new Uint8Array(0);

/** Seals the inner container `inner` (one buffer, or its consecutive pieces) to the recipient key named in the session token. */
export async function sealInner(inner: Uint8Array | Uint8Array[], opts: SealOptions): Promise<Sealed> {
  return (await prepareSeal(opts))(inner instanceof Uint8Array ? [inner] : inner);
}
