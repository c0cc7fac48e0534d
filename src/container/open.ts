// Opening a container: envelope checks, session-token checks, HPKE open, then the codec's strict parse and
// verification. Runs in Node (the API emulator, backends holding the key, the CLI) and in browsers.
import { compactVerify, decodeJwt, importJWK } from 'jose';
import { Codec, CodecError, compileCodec, type CodecSource, HOST_DIGEST_MIN, kindName, SYNC_HOST_DIGEST_MIN } from './codec.ts';
import { CodecStatus, decodeHeader, DEFAULT_MEMORY_LIMIT, HeaderError, hpkeInfo, innerVersionOf, toHex } from './format.ts';
import { createSuite, importPrivateKeyJwk } from './keys.ts';
import type { SyncSha256 } from './digest.ts';
import { hpkeRecipient, nodeCrypto, verifyEs384 } from './open-node.ts';
import { P384Verifier } from './p384.ts';
import type { ContainerHeader, ContainerManifest, OpenedContainer, OpenedMedium, OpenedSection, SessionClaims } from './types.ts';

/** Vendor container error codes: 3 payload.json missing, 4 no media, 5 damaged, 14 unpacking failed. */
export type ContainerApiCode = 3 | 4 | 5 | 14;

/** Why a container was rejected: `apiCode` is the vendor's error code, `reason` a stable machine-readable word. */
export class ContainerOpenError extends Error {
  constructor(readonly apiCode: ContainerApiCode, readonly reason: string, message: string) {
    super(message);
    this.name = 'ContainerOpenError';
  }
}

/** What resolveKey may return: the session's private key, its key pair, or the private key as a JWK. */
export type RecipientKey = CryptoKey | CryptoKeyPair | JsonWebKey;

export interface OpenContainerOptions {
  /**
   * Finds the recipient private key of the container's session (from `header.sessionId` or `claims.sid`). Called
   * only after the header parsed and the token passed its checks. Throw or return null when the session is unknown.
   */
  resolveKey: (header: ContainerHeader, claims: SessionClaims) => Promise<RecipientKey | null | undefined>;
  /**
   * How the session token's signature is checked: the issuer's ES384 public key (CryptoKey or JWK), a function that
   * verifies the token and returns its claims, or 'unverified' to skip the signature (tools that lack the issuer key).
   */
  tokenVerifier: CryptoKey | JsonWebKey | ((token: string) => Promise<SessionClaims>) | 'unverified';
  /** The time to check the token's `exp` against, ms since the epoch; defaults to now. null skips the expiry check. */
  now?: number | null;
  /** Allowed clock skew for `exp`, seconds (default 30). */
  clockToleranceSec?: number;
  /** The codec: a URL, bytes or compiled module; defaults to wasm/build/codec.wasm next to this package. */
  wasm?: CodecSource;
  /** Ceiling for the codec's linear memory in bytes (default 1 GiB). */
  memoryLimitBytes?: number;
  /**
   * Sections at least this large are hashed by the host (WebCrypto, or node:crypto in Node) and the digest handed to
   * the codec to compare; smaller ones are hashed by the codec. Default 64 KiB, 256 bytes with node:crypto.
   */
  hostDigestMin?: number;
  /**
   * In Node, check the token's ES384 signature and run the HPKE recipient with node:crypto, one synchronous call per
   * step (default true; see open-node.ts). false takes the WebCrypto path everywhere, as in browsers.
   */
  nodeCrypto?: boolean;
}

/**
 * One codec instance per module kept for the next open, wiped after each: a fresh instance (and the release of the
 * last one's memory) costs about as much as the rest of a small open in Node (bench:open). Two opens at once take
 * one instance each.
 */
const spareCodecs = new WeakMap<WebAssembly.Module, Codec>();

/** node:crypto once loaded (null: not in Node), so that an open after the first takes no turn of the event loop for it. */
let loadedCrypto: Awaited<ReturnType<typeof nodeCrypto>> | undefined;
/** node:crypto's SHA-256 as one synchronous call (its one-shot `hash` where Node has it: no Hash object). */
let syncSha256: SyncSha256 | undefined;
const sha256With = (c: NonNullable<typeof loadedCrypto>): SyncSha256 =>
  typeof c.hash === 'function' ? (b) => c.hash('sha256', b, 'buffer') : (b) => c.createHash('sha256').update(b).digest();
/**
 * The ES384 tables (p384.ts), loaded with the first open that checks a signature in Node; null where the module does
 * not load, and node:crypto checks every token.
 */
let p384: Promise<P384Verifier | null> | undefined;
const utf8 = new TextDecoder('utf-8', { fatal: true });
/** HPKE `info` by format version, made once; never handed out of this module. */
const infos = new Map<number, Uint8Array>();

const reject = (apiCode: ContainerApiCode, reason: string, message: string): never => {
  throw new ContainerOpenError(apiCode, reason, message);
};

/** Parses only the plain-text header (no key needed): e.g. to look up the session and refuse a replay first. */
export function inspectContainer(bytes: Uint8Array): ContainerHeader {
  try {
    return decodeHeader(bytes);
  } catch (e) {
    if (e instanceof HeaderError) return reject(e.reason === 'bounds' ? 5 : 14, e.reason, e.message);
    throw e;
  }
}

async function checkToken(header: ContainerHeader, opts: OpenContainerOptions, nc: Awaited<ReturnType<typeof nodeCrypto>>): Promise<SessionClaims> {
  const token = header.sessionToken;
  let claims: SessionClaims;
  try {
    if (opts.tokenVerifier === 'unverified') {
      claims = decodeJwt(token) as SessionClaims;
    } else if (typeof opts.tokenVerifier === 'function') {
      claims = await opts.tokenVerifier(token);
    } else if (nc) {
      claims = verifyEs384(nc, token, opts.tokenVerifier, await (p384 ??= P384Verifier.load().catch(() => null)));
    } else {
      const key = opts.tokenVerifier instanceof CryptoKey ? opts.tokenVerifier : await importJWK(opts.tokenVerifier, 'ES384');
      const { payload } = await compactVerify(token, key, { algorithms: ['ES384'] });
      claims = JSON.parse(new TextDecoder().decode(payload)) as SessionClaims;
    }
  } catch (e) {
    return reject(14, 'token_invalid', `session token rejected: ${(e as Error).message}`);
  }
  if (!claims || typeof claims !== 'object' || Array.isArray(claims)) return reject(14, 'token_invalid', 'session token carries no claims object');
  if (typeof claims.sid !== 'string' || !claims.sid) return reject(14, 'token_empty', 'session token has no session id');
  if (claims.sid !== header.sessionId) return reject(14, 'session_mismatch', `header session ${header.sessionId} is not the token's session ${claims.sid}`);
  if (typeof claims.hpke !== 'string') return reject(14, 'token_invalid', 'session token has no hpke key');
  const now = opts.now === undefined ? Date.now() : opts.now;
  if (now !== null) {
    if (typeof claims.exp !== 'number') return reject(14, 'token_invalid', 'session token has no expiry');
    if (now / 1000 > claims.exp + (opts.clockToleranceSec ?? 30)) return reject(14, 'token_expired', 'session token expired');
  }
  return claims;
}

async function recipientKey(key: RecipientKey): Promise<CryptoKey | CryptoKeyPair> {
  if (key instanceof CryptoKey) return key;
  if ('privateKey' in key && key.privateKey instanceof CryptoKey) return key;
  return importPrivateKeyJwk(key as JsonWebKey);
}

function codecReject(e: CodecError): never {
  const s = e.status;
  if (e.stage === 'load') throw e;
  if (s === CodecStatus.manifestMissing) return reject(3, 'payload_missing', e.message);
  if (s === CodecStatus.noMedia) return reject(4, 'no_media', e.message);
  if (s === CodecStatus.summingHash) return reject(14, 'summing_hash', e.message);
  if (s === CodecStatus.badMagic || s === CodecStatus.badVersion) return reject(14, 'inner_invalid', e.message);
  if (s === CodecStatus.memoryLimit || s === CodecStatus.growFailed) return reject(14, 'too_large', e.message);
  if (s === CodecStatus.sectionHash) return reject(5, 'section_hash', e.message);
  return reject(5, 'damaged', e.message);
}

/**
 * Opens and verifies a container. Order: envelope header (magic, version, suite, exact length), session token
 * (signature, session id equal to the header's, expiry), HPKE open with the header as associated data, then the
 * codec's strict parse, summing hash and section hashes, then the manifest. Rejects with ContainerOpenError
 * (apiCode 3, 4, 5 or 14); a codec that cannot load rejects with CodecError (a server fault, not the sender's).
 * Replay is the caller's concern: refuse a second container for `header.sessionId`.
 */
export async function openContainer(bytes: Uint8Array, opts: OpenContainerOptions): Promise<OpenedContainer> {
  const header = inspectContainer(bytes);
  const nc = opts.nodeCrypto === false ? null : loadedCrypto === undefined ? (loadedCrypto = await nodeCrypto()) : loadedCrypto;
  const claims = await checkToken(header, opts, nc);
  let key: RecipientKey | null | undefined;
  try {
    key = await opts.resolveKey(header, claims);
  } catch (e) {
    return reject(14, 'unknown_session', `no key for session ${header.sessionId}: ${(e as Error).message}`);
  }
  if (!key) return reject(14, 'unknown_session', `no key for session ${header.sessionId}`);
  // Chunks are opened in order (the HPKE sequence number is the chunk's index), each with the whole header as
  // associated data: a chunk moved, dropped, repeated or taken from another container does not open.
  const inner: Uint8Array[] = [];
  const aad = bytes.subarray(0, header.headerLength);
  let info = infos.get(header.version);
  if (!info) infos.set(header.version, (info = hpkeInfo(header.version)));
  // Each chunk's plaintext: node:crypto answers synchronously (no promise per chunk), WebCrypto asynchronously.
  let open: (ciphertext: Uint8Array) => Uint8Array | Promise<Uint8Array>;
  let fast: ReturnType<typeof hpkeRecipient> = null;
  try {
    fast = nc ? hpkeRecipient(nc, key, header.enc, info) : null;
  } catch (e) {
    return reject(14, 'decrypt_failed', `container does not decrypt for this session: ${(e as Error).message}`);
  }
  if (fast) {
    const recipient = fast;
    open = (ciphertext) => recipient(ciphertext, aad);
  } else {
    // A key that cannot be imported is the caller's fault, not the sender's: it throws as it is.
    const recipientPrivate = await recipientKey(key);
    try {
      const recipient = await createSuite().createRecipientContext({ recipientKey: recipientPrivate, enc: header.enc, info });
      const aadCopy = aad.slice();
      open = async (ciphertext) => new Uint8Array(await recipient.open(ciphertext, aadCopy));
    } catch (e) {
      return reject(14, 'decrypt_failed', `container does not decrypt for this session: ${(e as Error).message}`);
    }
  }
  let at = header.headerLength;
  for (const [i, n] of header.chunkLengths.entries()) {
    try {
      const opened = open(bytes.subarray(at, at + n));
      inner.push(opened instanceof Uint8Array ? opened : await opened);
    } catch (e) {
      return reject(14, 'decrypt_failed', `container does not decrypt for this session: chunk ${i}: ${(e as Error).message}`);
    }
    at += n;
  }
  const innerLength = inner.reduce((n, p) => n + p.length, 0);
  const module = await compileCodec(opts.wasm);
  const memoryLimit = opts.memoryLimitBytes ?? DEFAULT_MEMORY_LIMIT;
  let codec = spareCodecs.get(module);
  if (codec?.memoryLimitBytes === memoryLimit) spareCodecs.delete(module);
  else codec = await Codec.instantiate(module, memoryLimit);
  let parsed: Awaited<ReturnType<Codec['open']>>;
  try {
    parsed = await codec.open(inner, opts.hostDigestMin ?? (nc ? SYNC_HOST_DIGEST_MIN : HOST_DIGEST_MIN), innerVersionOf(header.version), nc ? (syncSha256 ??= sha256With(nc)) : undefined, true);
  } catch (e) {
    if (e instanceof CodecError) return codecReject(e);
    throw e;
  }
  // The media are views into the decrypted chunks, and what the codec read was copied out of its memory (see
  // Codec.open), so the instance is wiped and kept for the next open.
  const sections: OpenedSection[] = parsed.sections.map((s) => ({ kind: kindName(s.kind), name: s.name, size: s.data.length, ...(s.sha256 ? { sha256: toHex(s.sha256) } : {}), data: s.data }));
  codec.wipe();
  spareCodecs.set(module, codec);
  let manifest: unknown;
  let technical: unknown;
  try {
    manifest = JSON.parse(utf8.decode(sections[0]!.data));
  } catch (e) {
    return reject(3, 'payload_invalid', `payload.json is not JSON: ${(e as Error).message}`);
  }
  if (!isObject(manifest) || !isObject(manifest['media:tags']) || !isObject(manifest['folder:meta_data'])) {
    return reject(3, 'payload_invalid', 'payload.json lacks media:tags or folder:meta_data');
  }
  const payload = manifest as unknown as ContainerManifest;
  try {
    technical = JSON.parse(utf8.decode(sections[1]!.data));
  } catch (e) {
    return reject(5, 'technical_invalid', `technical.json is not JSON: ${(e as Error).message}`);
  }
  const mediaSections = sections.slice(2);
  const names = new Set(mediaSections.map((s) => s.name));
  for (const name of Object.keys(payload['media:tags'])) {
    if (!names.has(name)) reject(5, 'manifest_mismatch', `payload.json tags a medium "${name}" that the container lacks`);
  }
  const metaData: Record<string, unknown> = isObject(manifest['media:meta_data']) ? manifest['media:meta_data'] : {};
  const media: OpenedMedium[] = mediaSections.map((s) => {
    const entry = metaData[s.name];
    const { mime, ...meta } = isObject(entry) ? entry : {};
    const tags: unknown = payload['media:tags'][s.name];
    return {
      name: s.name,
      kind: s.kind as 'clip' | 'image',
      mime: typeof mime === 'string' ? mime : 'application/octet-stream',
      tags: Array.isArray(tags) ? tags.filter((t): t is string => typeof t === 'string') : [],
      meta,
      size: s.size,
      ...(s.sha256 ? { sha256: s.sha256 } : {}),
      data: s.data,
    };
  });
  return { header, claims, payload, technical: isObject(technical) ? technical : {}, media, sections, ...(parsed.summingHash ? { summingHash: toHex(parsed.summingHash) } : {}), innerLength, innerVersion: innerVersionOf(header.version) };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
