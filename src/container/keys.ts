// Session key helpers: the API issues one HPKE key pair per session and puts the public key into the session
// token's `hpke` claim; these turn keys into that claim and into JWKs for storage, and back.
import { Aes256Gcm, CipherSuite, DhkemP256HkdfSha256, HkdfSha256 } from '@hpke/core';
import { base64urlDecode, base64urlEncode } from './format.ts';

/** The one HPKE suite of format versions 1 and 2: DHKEM(P-256, HKDF-SHA256), HKDF-SHA256, AES-256-GCM. */
export function createSuite(): CipherSuite {
  return new CipherSuite({ kem: new DhkemP256HkdfSha256(), kdf: new HkdfSha256(), aead: new Aes256Gcm() });
}

export interface SessionKeyPair {
  keyPair: CryptoKeyPair;
  /** The `hpke` claim: base64url of the raw uncompressed P-256 point (65 bytes). */
  publicKey: string;
  /** The private key as a JWK (with x, y and d), for storing alongside the session. */
  privateJwk: JsonWebKey;
}

/** A fresh recipient key pair for one session. */
export async function generateSessionKeyPair(): Promise<SessionKeyPair> {
  const suite = createSuite();
  const keyPair = await suite.kem.generateKeyPair();
  return {
    keyPair,
    publicKey: await serializePublicKey(keyPair.publicKey),
    privateJwk: await crypto.subtle.exportKey('jwk', keyPair.privateKey),
  };
}

/** base64url of the raw 65-byte point of a P-256 public key. */
export async function serializePublicKey(key: CryptoKey): Promise<string> {
  return base64urlEncode(new Uint8Array(await createSuite().kem.serializePublicKey(key)));
}

/** The public key carried in an `hpke` claim; throws when it is not a valid P-256 point. */
export async function deserializePublicKey(claim: string): Promise<CryptoKey> {
  const raw = base64urlDecode(claim);
  if (raw.length !== 65 || raw[0] !== 0x04) throw new RangeError('hpke claim is not a raw uncompressed P-256 point');
  return createSuite().kem.deserializePublicKey(raw);
}

/** A private key JWK (as stored by generateSessionKeyPair or the CLI's key file) as an HPKE recipient key. */
export async function importPrivateKeyJwk(jwk: JsonWebKey): Promise<CryptoKey> {
  if (jwk.kty !== 'EC' || jwk.crv !== 'P-256' || typeof jwk.d !== 'string') throw new RangeError('expected a P-256 private key JWK (kty EC, crv P-256, d)');
  return createSuite().kem.importKey('jwk', { ...jwk, key_ops: ['deriveBits'] }, false);
}
