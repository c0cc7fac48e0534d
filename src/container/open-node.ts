// The two steps every open pays, with Node's own crypto when it is there: the ES384 check of the session token and
// the HPKE recipient (RFC 9180: DHKEM(P-256, HKDF-SHA256), HKDF-SHA256, AES-256-GCM, base mode). Through WebCrypto
// each is a chain of asynchronous calls (@hpke/core's key schedule alone makes a dozen), and in Node each call is a
// job on the thread pool: together they cost more than the P-384 verification itself. Here every step is one
// synchronous OpenSSL call. Elsewhere (browsers) `nodeCrypto()` is null and open.ts keeps the WebCrypto path; the
// tests open every documented vector both ways.
import type { ECDH, KeyObject } from 'node:crypto';
import { concatBytes } from './codec.ts';
import { expandLabel, extractLabel, HPKE_SUITE, KEM_SUITE } from './hpke-labels.ts';
import { type P384Verifier, p384KeyId } from './p384.ts';
import type { SessionClaims } from './types.ts';

type NodeCrypto = typeof import('node:crypto');

let loaded: Promise<NodeCrypto | null> | null = null;

/** node:crypto, or null outside Node. The specifier is built at run time so bundlers leave it alone. */
export function nodeCrypto(): Promise<NodeCrypto | null> {
  loaded ??= (async () => {
    try {
      const name = 'node:crypto';
      const c = (await import(/* @vite-ignore */ name)) as NodeCrypto;
      return typeof c.createECDH === 'function' && typeof c.KeyObject?.from === 'function' ? c : null;
    } catch {
      return null;
    }
  })();
  return loaded;
}

const BASE64URL = /^[A-Za-z0-9_-]+$/;
/** An issuer key as node:crypto holds it, and its point (x, y) with its name for P384Verifier. */
interface IssuerKey {
  key: KeyObject;
  xy: Uint8Array;
  id: string;
}
const issuerKeys = new WeakMap<object, IssuerKey>();

function issuerKey(c: NodeCrypto, key: CryptoKey | JsonWebKey): IssuerKey {
  let k = issuerKeys.get(key);
  if (!k) {
    const o = key instanceof CryptoKey ? c.KeyObject.from(key) : c.createPublicKey({ key: key as import('node:crypto').JsonWebKey, format: 'jwk' });
    if (o.type !== 'public' || o.asymmetricKeyType !== 'ec' || o.asymmetricKeyDetails?.namedCurve !== 'secp384r1') {
      throw new Error('the issuer key is not a P-384 public key');
    }
    const jwk = o.export({ format: 'jwk' });
    const xy = Buffer.concat([Buffer.from(jwk.x!, 'base64url'), Buffer.from(jwk.y!, 'base64url')]);
    issuerKeys.set(key, (k = { key: o, xy, id: p384KeyId(xy) }));
  }
  return k;
}

/**
 * Whether the key's tables are there to check with (made on its second token). A table that cannot be made (the key
 * is one node:crypto accepted, so only a lack of memory can stop it) leaves the check to node:crypto: it costs
 * speed, never a rejected token.
 */
function tablesReady(p384: P384Verifier | null | undefined, k: IssuerKey): boolean {
  try {
    return p384?.prepare(k.id, k.xy) ?? false;
  } catch {
    return false;
  }
}

/**
 * Verifies a compact JWS signed ES384 (the session token) and returns its claims; throws on any fault. Like jose's
 * compactVerify with algorithms ['ES384']: the protected header must name ES384 and carry no `crit` or `b64`. With
 * `p384`, a key's tokens from its second on are checked by its tables (p384.ts); without, and for a key's first
 * token, by node:crypto.
 */
export function verifyEs384(c: NodeCrypto, token: string, key: CryptoKey | JsonWebKey, p384?: P384Verifier | null): SessionClaims {
  const parts = token.split('.');
  if (parts.length !== 3 || !parts.every((p) => BASE64URL.test(p))) throw new Error('not a compact JWS');
  const header: unknown = JSON.parse(Buffer.from(parts[0]!, 'base64url').toString('utf8'));
  if (typeof header !== 'object' || header === null || Array.isArray(header)) throw new Error('JWS protected header is not an object');
  const h = header as Record<string, unknown>;
  if (h.alg !== 'ES384') throw new Error(`"alg" (Algorithm) Header Parameter value not allowed: ${String(h.alg)}`);
  if ('crit' in h || 'b64' in h) throw new Error('JWS header parameters crit and b64 are not supported');
  const signature = Buffer.from(parts[2]!, 'base64url');
  if (signature.length !== 96) throw new Error('signature verification failed');
  // The first two parts and the dot between them, as bytes (base64url is ASCII, so latin1 is exact).
  const signed = Buffer.from(token.slice(0, parts[0]!.length + 1 + parts[1]!.length), 'latin1');
  const k = issuerKey(c, key);
  const holds = tablesReady(p384, k)
    ? p384!.verify(k.id, typeof c.hash === 'function' ? c.hash('sha384', signed, 'buffer') : c.createHash('sha384').update(signed).digest(), signature)
    : c.verify('sha384', signed, { key: k.key, dsaEncoding: 'ieee-p1363' }, signature);
  if (!holds) throw new Error('signature verification failed');
  return JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8')) as SessionClaims;
}

/**
 * A recipient key as node:crypto holds it: an ECDH object with the private scalar set, made once per key (setting
 * the scalar works out the public point, a scalar multiplication of its own), and that point (pkRm, 65 bytes).
 */
interface Recipient {
  ecdh: ECDH;
  publicPoint: Uint8Array;
}
const recipients = new WeakMap<object, Recipient>();

/** The recipient's P-256 private key (CryptoKey, key pair or JWK) for node:crypto; null when it is not one. */
function recipient(c: NodeCrypto, key: CryptoKey | CryptoKeyPair | JsonWebKey): Recipient | null {
  const holder = 'privateKey' in key && key.privateKey instanceof CryptoKey ? key.privateKey : key;
  let r = recipients.get(holder);
  if (r) return r;
  const jwk = holder instanceof CryptoKey ? (holder.type === 'private' ? c.KeyObject.from(holder).export({ format: 'jwk' }) : null) : (holder as JsonWebKey);
  if (!jwk || jwk.kty !== 'EC' || jwk.crv !== 'P-256' || typeof jwk.d !== 'string' || !BASE64URL.test(jwk.d)) return null;
  const d = Buffer.from(jwk.d, 'base64url');
  if (d.length !== 32) return null;
  const ecdh = c.createECDH('prime256v1');
  ecdh.setPrivateKey(d);
  recipients.set(holder, (r = { ecdh, publicPoint: ecdh.getPublicKey() }));
  return r;
}

const NO_SALT = new Uint8Array(32);
const EMPTY = new Uint8Array(0);
const ONE = Uint8Array.of(1);

// RFC 9180's LabeledExtract and LabeledExpand over HMAC-SHA256. One HMAC block suffices for Expand: every output
// here is at most 32 bytes (HKDF-Expand's T(1)). The labelled prefixes are made once here rather than joined on
// every open.
const EAE_PRK = extractLabel(KEM_SUITE, 'eae_prk');
const SHARED_SECRET = expandLabel(KEM_SUITE, 'shared_secret', 32);
const PSK_ID_HASH = extractLabel(HPKE_SUITE, 'psk_id_hash');
const INFO_HASH = extractLabel(HPKE_SUITE, 'info_hash');
const SECRET = extractLabel(HPKE_SUITE, 'secret');
const KEY = expandLabel(HPKE_SUITE, 'key', 32);
const BASE_NONCE = expandLabel(HPKE_SUITE, 'base_nonce', 12);
const extract = (c: NodeCrypto, salt: Uint8Array, label: Uint8Array, ikm: Uint8Array) =>
  c.createHmac('sha256', salt).update(label).update(ikm).digest();
/** `label` from expandLabel: its first two bytes are the output length. */
const expand = (c: NodeCrypto, prk: Uint8Array, label: Uint8Array, context: Uint8Array) =>
  c.createHmac('sha256', prk).update(label).update(context).update(ONE).digest().subarray(0, (label[0]! << 8) | label[1]!);

/** mode || psk_id_hash || info_hash, by `info` (one per format version). */
const contexts = new Map<string, Uint8Array>();
function scheduleContext(c: NodeCrypto, info: Uint8Array): Uint8Array {
  // Keyed by the bytes of `info`, read through a view (Buffer.from(info) alone would copy them).
  const id = Buffer.from(info.buffer, info.byteOffset, info.byteLength).toString('latin1');
  let context = contexts.get(id);
  if (!context) {
    context = concatBytes([Uint8Array.of(0), extract(c, NO_SALT, PSK_ID_HASH, EMPTY), extract(c, NO_SALT, INFO_HASH, info)]);
    if (contexts.size < 16) contexts.set(id, context);
  }
  return context;
}

/**
 * An HPKE base-mode recipient context for the format's one suite, or null when the key is not a P-256 private key
 * this path can read (the caller then takes the WebCrypto path, which reports the fault). Throws when `enc` is not a
 * valid point. The returned function opens the next chunk in order (sequence numbers 0, 1, ...) and throws when it
 * does not authenticate.
 */
export function hpkeRecipient(c: NodeCrypto, key: CryptoKey | CryptoKeyPair | JsonWebKey, enc: Uint8Array, info: Uint8Array): ((ciphertext: Uint8Array, aad: Uint8Array) => Uint8Array) | null {
  const r = recipient(c, key);
  if (!r) return null;
  // DHKEM Decap: the x-coordinate of skR * pkE (computeSecret refuses a point off the curve), then ExtractAndExpand
  // with kem_context = enc || pkRm.
  const dh = r.ecdh.computeSecret(enc);
  const sharedSecret = expand(c, extract(c, NO_SALT, EAE_PRK, dh), SHARED_SECRET, concatBytes([enc, r.publicPoint]));
  // KeySchedule, mode_base (0), no PSK: its context depends on `info` alone.
  const context = scheduleContext(c, info);
  const secret = extract(c, sharedSecret, SECRET, EMPTY);
  const aesKey = expand(c, secret, KEY, context);
  const baseNonce = expand(c, secret, BASE_NONCE, context);
  let seq = 0;
  return (ciphertext, aad) => {
    if (ciphertext.length < 16) throw new Error('ciphertext shorter than the tag');
    const nonce = new Uint8Array(baseNonce); // a copy (Buffer.prototype.slice would be a view)
    // I2OSP(seq, 12) XOR base_nonce; a container has at most 2,561 chunks, so the low four bytes hold it.
    for (let i = 0, s = seq; i < 4; i++, s >>>= 8) nonce[11 - i]! ^= s & 0xff;
    seq++;
    const decipher = c.createDecipheriv('aes-256-gcm', aesKey, nonce, { authTagLength: 16 });
    decipher.setAAD(aad);
    decipher.setAuthTag(ciphertext.subarray(ciphertext.length - 16));
    const head = decipher.update(ciphertext.subarray(0, ciphertext.length - 16));
    const tail = decipher.final();
    return tail.length ? concatBytes([head, tail]) : head;
  };
}
