import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { Aes256Gcm, CipherSuite, DhkemP256HkdfSha256, HkdfSha256 } from '@hpke/core';
import {
  calculateJwkThumbprint,
  errors,
  exportJWK,
  generateKeyPair,
  importJWK,
  jwtVerify,
  SignJWT,
  type CryptoKey,
  type JWK,
  type JWTPayload,
} from 'jose';
import { SUITE_NAME } from '../src/container/format.ts';
import { ApiCode, ApiError } from './errors.ts';
import type { SessionRow, Store } from './store.ts';

export const ISSUER = 'oz-api-emulator';
const ALG = 'ES384';
/** Domain separation for the per-session HPKE key derivation. */
const HPKE_LABEL = 'oz-api-emulator/session-hpke/v1/';

/** The claims of a session token, exactly as issued. */
export interface SessionTokenClaims extends JWTPayload {
  sid: string;
  iat: number;
  exp: number;
  server_time: number;
  hpke: string;
  suite: string;
  iss: string;
}

export interface IssuedSession {
  token: string;
  claims: SessionTokenClaims;
}

const base64url = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64url');

/**
 * Session tokens: ES384 JWTs that hand the page the HPKE public key of one capture session.
 *
 * The session's HPKE key pair is never stored: it is derived (RFC 9180 DeriveKeyPair) from a server secret and the
 * session id, so SQLite holds only the session's id, owner, expiry and use. The private key exists only while a
 * container of that session is being opened.
 */
export class SessionAuthority {
  readonly #suite = new CipherSuite({ kem: new DhkemP256HkdfSha256(), kdf: new HkdfSha256(), aead: new Aes256Gcm() });

  private constructor(
    private readonly store: Store,
    private readonly privateKey: CryptoKey,
    private readonly publicKey: CryptoKey,
    private readonly publicJwk: JWK,
    private readonly secret: Uint8Array,
    private readonly ttlSeconds: number,
    private readonly clock: () => number,
  ) {}

  static async create(options: {
    store: Store;
    ttlSeconds: number;
    clock: () => number;
    signingKey?: Record<string, unknown>;
    sessionSecret?: string;
  }): Promise<SessionAuthority> {
    let privateKey: CryptoKey;
    let publicJwk: JWK;
    if (options.signingKey) {
      const jwk = options.signingKey as JWK;
      if (jwk.kty !== 'EC' || jwk.crv !== 'P-384' || typeof jwk.d !== 'string') {
        throw new Error('signingKey: a private EC JWK on P-384 is needed');
      }
      privateKey = (await importJWK(jwk, ALG)) as CryptoKey;
      publicJwk = jwk;
    } else {
      const pair = await generateKeyPair(ALG, { extractable: true });
      privateKey = pair.privateKey;
      publicJwk = await exportJWK(pair.publicKey);
    }
    // Only the public members: a configured private JWK must never reach the JWKS.
    publicJwk = { kty: publicJwk.kty, crv: publicJwk.crv, x: publicJwk.x, y: publicJwk.y, alg: ALG, use: 'sig' };
    publicJwk.kid = await calculateJwkThumbprint(publicJwk);
    const publicKey = (await importJWK(publicJwk, ALG)) as CryptoKey;
    let secret: Uint8Array;
    if (options.sessionSecret) {
      secret = Buffer.from(options.sessionSecret, 'base64url');
      if (secret.length < 32) throw new Error('sessionSecret: at least 32 bytes of base64url are needed');
    } else {
      secret = randomBytes(32);
    }
    return new SessionAuthority(options.store, privateKey, publicKey, publicJwk, secret, options.ttlSeconds, options.clock);
  }

  /** The public key set backends use to verify session tokens. */
  jwks(): { keys: JWK[] } {
    return { keys: [{ ...this.publicJwk }] };
  }

  async issue(ownerId: string, origin: string | null): Promise<IssuedSession> {
    const now = this.clock();
    const sid = randomUUID();
    const iat = Math.floor(now / 1000);
    const exp = iat + Math.max(1, Math.round(this.ttlSeconds));
    const pair = await this.keyPairFor(sid);
    const hpke = base64url(new Uint8Array(await this.#suite.kem.serializePublicKey(pair.publicKey)));
    const claims: SessionTokenClaims = { sid, iat, exp, server_time: now, hpke, suite: SUITE_NAME, iss: ISSUER };
    const token = await new SignJWT(claims)
      .setProtectedHeader({ alg: ALG, typ: 'JWT', kid: this.publicJwk.kid })
      .sign(this.privateKey);
    const row: SessionRow = { sid, owner_id: ownerId, origin, issued_at: now, expires_at: exp * 1000, used_at: null };
    this.store.insertSession(row);
    return { token, claims };
  }

  /** The session's HPKE key pair, derived again from the server secret and the session id. */
  async keyPairFor(sid: string): Promise<CryptoKeyPair> {
    const ikm = createHmac('sha256', this.secret).update(HPKE_LABEL + sid).digest();
    return this.#suite.kem.deriveKeyPair(new Uint8Array(ikm).buffer);
  }

  /**
   * Checks a session token's signature and claims. `graceSeconds` lets an expired token still prove which session it
   * is (reading back a folder after the token's few minutes), never to open a container.
   */
  async verify(token: string, graceSeconds = 0): Promise<{ claims: SessionTokenClaims; session: SessionRow }> {
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, this.publicKey, {
        algorithms: [ALG],
        issuer: ISSUER,
        currentDate: new Date(this.clock()),
        clockTolerance: graceSeconds,
        requiredClaims: ['sid', 'exp', 'iat'],
      }));
    } catch (error) {
      throw sessionError(error);
    }
    if (typeof payload.sid !== 'string' || typeof payload.hpke !== 'string') {
      throw new ApiError(400, ApiCode.unpackingFailed, 'session token lacks sid or hpke', { reason: 'session_token_invalid' });
    }
    const session = this.store.getSession(payload.sid);
    if (!session) {
      throw new ApiError(400, ApiCode.unpackingFailed, 'session unknown to this API', { reason: 'session_unknown' });
    }
    return { claims: payload as SessionTokenClaims, session };
  }

  /**
   * Verifies a token and uses its session up: the one gate every upload bound to a session goes through.
   * A session opens at most one upload, so a replayed container or token is refused even if the first upload failed.
   */
  async consume(token: string): Promise<{ claims: SessionTokenClaims; session: SessionRow }> {
    const verified = await this.verify(token);
    const use = this.store.consumeSession(verified.claims.sid, this.clock());
    if (use === 'replayed') {
      throw new ApiError(400, ApiCode.unpackingFailed, 'session token already used: a session opens one upload only (replay)', {
        reason: 'session_replayed',
        sid: verified.claims.sid,
      });
    }
    if (use === 'unknown') {
      throw new ApiError(400, ApiCode.unpackingFailed, 'session unknown to this API', { reason: 'session_unknown', sid: verified.claims.sid });
    }
    if (use === 'expired') {
      throw new ApiError(400, ApiCode.unpackingFailed, 'session expired', { reason: 'session_expired', sid: verified.claims.sid });
    }
    return verified;
  }
}

function sessionError(error: unknown): ApiError {
  if (error instanceof errors.JWTExpired) {
    return new ApiError(400, ApiCode.unpackingFailed, 'session token expired', { reason: 'session_expired' });
  }
  if (error instanceof errors.JWSSignatureVerificationFailed) {
    return new ApiError(400, ApiCode.unpackingFailed, 'session token signature invalid', { reason: 'session_token_signature' });
  }
  if (error instanceof errors.JWTClaimValidationFailed) {
    return new ApiError(400, ApiCode.unpackingFailed, `session token claim invalid: ${error.claim}`, { reason: 'session_token_claims' });
  }
  return new ApiError(400, ApiCode.unpackingFailed, 'session token malformed', { reason: 'session_token_invalid' });
}
