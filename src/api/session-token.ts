import { decodeJwt } from 'jose';
import { OzError } from '../errors.ts';

/** What the element needs from a session token. The signature is checked by the API, never here. */
export interface SessionToken {
  readonly raw: string;
  readonly sessionId: string;
  /** Expiry, in the server's clock (ms since epoch). */
  readonly expiresAt: number;
  /** Server's clock minus this device's clock (ms), learned when the token arrived. */
  readonly clockOffset: number;
  /** The session's HPKE recipient key: base64url of the raw P-256 point. */
  readonly hpkePublicKey: string;
}

/**
 * Reads a session token. The token's `server_time` claim says when the server issued it, so a device clock that is
 * hours wrong does not make a fresh token look expired: expiry is judged on the server's clock.
 */
export function parseSessionToken(raw: string, receivedAt = Date.now()): SessionToken {
  let claims: Record<string, unknown>;
  try {
    claims = decodeJwt(raw) as Record<string, unknown>;
  } catch (cause) {
    throw new OzError('session_token_missing', 'The session token is not a JWT.', { cause: String(cause) });
  }
  const { sid, exp, server_time: serverTime, hpke } = claims;
  if (typeof sid !== 'string' || !sid || typeof exp !== 'number' || typeof hpke !== 'string' || !hpke) {
    throw new OzError('session_token_missing', 'The session token lacks sid, exp or hpke.', { claims: Object.keys(claims) });
  }
  const issuedAt = typeof serverTime === 'number' ? serverTime : receivedAt;
  return {
    raw,
    sessionId: sid,
    expiresAt: exp * 1000,
    clockOffset: issuedAt - receivedAt,
    hpkePublicKey: hpke,
  };
}

/** Milliseconds the token still has, on the server's clock. */
export function remainingLifetime(token: SessionToken, now = Date.now()): number {
  return token.expiresAt - (now + token.clockOffset);
}
