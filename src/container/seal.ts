// HPKE sealing of an inner container (browser worker and Node alike).
import { decodeJwt } from 'jose';
import type { SenderContext } from '@hpke/core';
import { createSuite, deserializePublicKey } from './keys.ts';
import { AEAD_TAG_LENGTH, encodeHeader, HPKE_INFO } from './format.ts';
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
}

export interface Sealed {
  sessionId: string;
  /** The envelope header, also the AEAD associated data. */
  header: Uint8Array;
  ciphertext: Uint8Array;
}

/**
 * Checks the token and sets up the HPKE sender context for it; the returned function seals one inner container
 * (the context is single-use) with the header bound as associated data.
 */
export async function prepareSeal(opts: SealOptions): Promise<(inner: Uint8Array) => Promise<Sealed>> {
  if (typeof opts.sessionToken !== 'string' || !opts.sessionToken) throw new SealError('token_invalid', 'no session token');
  const claims = readSessionClaims(opts.sessionToken);
  let recipientPublicKey: CryptoKey;
  try {
    recipientPublicKey = await deserializePublicKey(claims.hpke);
  } catch (e) {
    throw new SealError('key_invalid', `session token's hpke key is unusable: ${(e as Error).message}`);
  }
  let sender: SenderContext;
  try {
    sender = await createSuite().createSenderContext({ recipientPublicKey, info: HPKE_INFO, ...(opts.ekm ? { ekm: opts.ekm } : {}) });
  } catch (e) {
    throw new SealError('key_invalid', `HPKE setup failed: ${(e as Error).message}`);
  }
  return async (inner) => {
    let header: Uint8Array;
    try {
      header = encodeHeader({
        sessionId: claims.sid,
        createdAt: opts.createdAt ?? Date.now(),
        sessionToken: opts.sessionToken,
        enc: new Uint8Array(sender.enc),
        ciphertextLength: inner.length + AEAD_TAG_LENGTH,
      });
    } catch (e) {
      throw new SealError('token_invalid', (e as Error).message);
    }
    try {
      // @hpke/core copies any typed-array view it is given (twice on the way to WebCrypto); a whole ArrayBuffer goes
      // through as it is, which at 10 MB saves two copies of the container.
      const whole = (bytes: Uint8Array) =>
        bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength && bytes.buffer instanceof ArrayBuffer ? bytes.buffer : bytes;
      return { sessionId: claims.sid, header, ciphertext: new Uint8Array(await sender.seal(whole(inner), whole(header))) };
    } catch (e) {
      throw new SealError('encrypt_failed', `sealing failed: ${(e as Error).message}`);
    }
  };
}

/** Seals `inner` to the recipient key named in the session token. */
export async function sealInner(inner: Uint8Array, opts: SealOptions): Promise<Sealed> {
  return (await prepareSeal(opts))(inner);
}
