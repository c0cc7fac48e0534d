// HPKE sealing of an inner container (browser worker and Node alike).
import { decodeJwt } from 'jose';
import { createSuite, deserializePublicKey } from './keys.ts';
import { expandLabel, extractLabel, HPKE_SUITE, KEM_SUITE } from './hpke-labels.ts';
import { concatBytes } from './codec.ts';
import { AEAD_TAG_LENGTH, base64urlDecode, encodeHeader, FORMAT_VERSION, type FormatVersion, hpkeInfo, MAX_CHUNK_LENGTH, MAX_CHUNKS } from './format.ts';
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
   * A fresh P-256 key pair made ahead of time (generateEphemeral()), used as this container's ephemeral key and for
   * no other: the container worker makes the next one while it is idle, as it does the next codec instance.
   */
  ephemeral?: Ephemeral | Promise<Ephemeral>;
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
 * Takes the envelope header before any chunk is sealed, then each chunk, in order, as soon as it is sealed (the
 * worker streams them into the container's Blob); the chunks are then not kept.
 */
export interface ChunkSink {
  header(header: Uint8Array): void;
  chunk(chunk: Uint8Array, index: number): void;
}

/** The container's bytes in one buffer (Node and tests; the browser worker makes a Blob of the same parts). */
export function containerBytes(sealed: Pick<Sealed, 'header' | 'chunks'>): Uint8Array {
  return concatBytes([sealed.header, ...sealed.chunks]);
}

/** An HPKE ephemeral key pair and its public key as `enc` (the raw uncompressed point). */
export interface Ephemeral {
  keyPair: CryptoKeyPair;
  enc: Uint8Array;
}

const ephemeralOf = async (keyPair: CryptoKeyPair): Promise<Ephemeral> => ({ keyPair, enc: new Uint8Array(await crypto.subtle.exportKey('raw', keyPair.publicKey)) });

/** A fresh ephemeral key pair for one container. */
export async function generateEphemeral(): Promise<Ephemeral> {
  return ephemeralOf(await createSuite().kem.generateKeyPair());
}

/** LabeledExtract's IKM and LabeledExpand's info for HKDF: the label's prefix, then the IKM or info itself. */
const labeledIkm = (suite: Uint8Array, label: string, ikm: Uint8Array) => concatBytes([extractLabel(suite, label), ikm]);
const labeledInfo = (suite: Uint8Array, label: string, info: Uint8Array, length: number) => concatBytes([expandLabel(suite, label, length), info]);
const hkdfKey = (ikm: Uint8Array) => crypto.subtle.importKey('raw', ikm as Uint8Array<ArrayBuffer>, 'HKDF', false, ['deriveBits', 'deriveKey']);
const hkdf = (salt: Uint8Array, info: Uint8Array) => ({ name: 'HKDF', hash: 'SHA-256', salt: salt as Uint8Array<ArrayBuffer>, info: info as Uint8Array<ArrayBuffer> });
/** mode_base || psk_id_hash || info_hash by format version: the key schedule's context depends on `info` alone. */
const scheduleContexts = new Map<number, Promise<Uint8Array>>();

/**
 * An HPKE base-mode sender context for the format's one suite (RFC 9180: SetupBaseS with DHKEM(P-256, HKDF-SHA256),
 * HKDF-SHA256, AES-256-GCM), each step an ExtractAndExpand of WebCrypto's own HKDF: six calls in turn, where a
 * general HPKE library makes about twenty. The returned function seals the chunk of the given sequence number.
 */
async function senderContext(recipientPublicKey: CryptoKey, pkRm: Uint8Array, info: Uint8Array, version: number, ephemeral: Ephemeral): Promise<{ enc: Uint8Array; seal: (plaintext: Uint8Array, aad: Uint8Array, seq: number) => Promise<Uint8Array> }> {
  let context = scheduleContexts.get(version);
  if (!context) {
    const extract = async (label: string, ikm: Uint8Array) =>
      new Uint8Array(await crypto.subtle.sign('HMAC', await crypto.subtle.importKey('raw', new Uint8Array(32), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']), labeledIkm(HPKE_SUITE, label, ikm) as Uint8Array<ArrayBuffer>));
    context = (async () => concatBytes([Uint8Array.of(0), await extract('psk_id_hash', EMPTY), await extract('info_hash', info)]))();
    scheduleContexts.set(version, context);
    context.catch(() => scheduleContexts.delete(version));
  }
  // DHKEM Encap: dh = x(skE * pkR); shared_secret = ExtractAndExpand(dh, enc || pkRm).
  const enc = ephemeral.enc;
  const dh = new Uint8Array(await crypto.subtle.deriveBits({ name: 'ECDH', public: recipientPublicKey }, ephemeral.keyPair.privateKey, 256));
  const sharedSecret = new Uint8Array(await crypto.subtle.deriveBits(
    hkdf(EMPTY, labeledInfo(KEM_SUITE, 'shared_secret', concatBytes([enc, pkRm]), 32)),
    await hkdfKey(labeledIkm(KEM_SUITE, 'eae_prk', dh)),
    256,
  ));
  // KeySchedule (mode_base, empty PSK): secret = LabeledExtract(shared_secret, "secret", ""), then the key and the
  // base nonce expanded from it.
  const ksContext = await context;
  const secretIkm = await hkdfKey(labeledIkm(HPKE_SUITE, 'secret', EMPTY));
  const [key, baseNonce] = await Promise.all([
    crypto.subtle.deriveKey(hkdf(sharedSecret, labeledInfo(HPKE_SUITE, 'key', ksContext, 32)), secretIkm, { name: 'AES-GCM', length: 256 }, false, ['encrypt']),
    crypto.subtle.deriveBits(hkdf(sharedSecret, labeledInfo(HPKE_SUITE, 'base_nonce', ksContext, 12)), secretIkm, 96).then((b) => new Uint8Array(b)),
  ]);
  return {
    enc,
    async seal(plaintext, aad, seq) {
      // I2OSP(seq, 12) XOR base_nonce: a container has at most 2,561 chunks, so the low four bytes hold it.
      const iv = baseNonce.slice();
      for (let k = 0, i = seq; k < 4; k++, i >>>= 8) iv[11 - k]! ^= i & 0xff;
      return new Uint8Array(await crypto.subtle.encrypt({ name: 'AES-GCM', iv, additionalData: aad as Uint8Array<ArrayBuffer> }, key, plaintext as Uint8Array<ArrayBuffer>));
    },
  };
}

/**
 * Seals one inner container, given as its consecutive pieces of at most MAX_CHUNK_LENGTH bytes: each piece becomes
 * one chunk, sealed with the HPKE sequence number of its index and the whole header as associated data.
 * - `release`: each entry of `pieces` is dropped once its chunk is sealed, so the plaintext can go while the rest
 *   is encrypted.
 * - `onChunk`: takes the header, then each chunk as soon as it is sealed; the chunks are then not kept.
 */
export type SealInner = (pieces: Uint8Array[], release?: boolean, onChunk?: ChunkSink) => Promise<Sealed>;

/**
 * Checks the token and sets up the HPKE sender context for it. The returned function seals one inner container
 * (SealInner); the context is single-use.
 */
export async function prepareSeal(opts: SealOptions): Promise<SealInner> {
  if (typeof opts.sessionToken !== 'string' || !opts.sessionToken) throw new SealError('token_invalid', 'no session token');
  const claims = readSessionClaims(opts.sessionToken);
  const version = opts.version ?? FORMAT_VERSION;
  let recipientPublicKey: CryptoKey;
  try {
    recipientPublicKey = await deserializePublicKey(claims.hpke);
  } catch (e) {
    throw new SealError('key_invalid', `session token's hpke key is unusable: ${(e as Error).message}`);
  }
  let sender: Awaited<ReturnType<typeof senderContext>>;
  try {
    const ephemeral = await (opts.ephemeral ?? (opts.ekm ? ephemeralOf(await createSuite().kem.deriveKeyPair(opts.ekm)) : generateEphemeral()));
    sender = await senderContext(recipientPublicKey, base64urlDecode(claims.hpke), hpkeInfo(version), version, ephemeral);
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
        enc: sender.enc,
        chunkLengths,
      });
    } catch (e) {
      throw new SealError('token_invalid', (e as Error).message);
    }
    const chunks: Uint8Array[] = [];
    onChunk?.header(header);
    try {
      // In order. Each chunk is handed on before the next one's encryption is asked for: in Chromium, WebCrypto works
      // inside the call, on the calling thread, so asking first would only hand the chunk on one encryption later.
      for (const [i, piece] of pieces.entries()) {
        const chunk = await sender.seal(piece, header, i);
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
