import { OzError } from '../errors.ts';

/**
 * The issuer's public key a host may pin (`issuer-key`): an EC P-384 public JWK, as the API's JWKS publishes it.
 * Session tokens are ES384 JWTs; with a pinned key the element uses a token's `hpke` key only once its signature holds.
 */
export interface IssuerKey {
  kty: 'EC';
  crv: 'P-384';
  x: string;
  y: string;
  kid?: string;
  alg?: string;
  use?: string;
}

/**
 * What the element needs from a session token. Without a pinned issuer key the signature is checked by the API
 * only: the element then seals to whatever `hpke` key the token carries.
 */
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
 * The claims of a compact JWS, unverified: its middle part, base64url JSON. (Only reading; when a host pins an issuer
 * key, verifyIssuer() checks the signature with jose.)
 */
function jwtClaims(raw: string): Record<string, unknown> {
  const parts = raw.split('.');
  if (parts.length !== 3) throw new TypeError('a JWT has three dot-separated parts');
  const b64 = parts[1].replace(/-/g, '+').replace(/_/g, '/');
  const bytes = Uint8Array.from(atob(b64 + '='.repeat(-b64.length & 3)), (c) => c.charCodeAt(0));
  const claims: unknown = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  if (typeof claims !== 'object' || claims === null || Array.isArray(claims)) throw new TypeError('the JWT payload is not a JSON object');
  return claims as Record<string, unknown>;
}

/**
 * Reads a session token. The token's `server_time` claim says when the server issued it, so a device clock that is
 * hours wrong does not make a fresh token look expired: expiry is judged on the server's clock.
 */
export function parseSessionToken(raw: string, receivedAt = Date.now()): SessionToken {
  let claims: Record<string, unknown>;
  try {
    claims = jwtClaims(raw);
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

/** Why a value is not an issuer key, or null when it is one (a private key is refused: it must not be in a page). */
export function issuerKeyProblem(value: unknown): string | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'expected a public JWK object such as {"kty":"EC","crv":"P-384","x":"...","y":"..."}.';
  const jwk = value as Record<string, unknown>;
  if (jwk.kty !== 'EC' || jwk.crv !== 'P-384') return 'session tokens are signed with ES384: the key must have "kty":"EC" and "crv":"P-384".';
  if (typeof jwk.x !== 'string' || !jwk.x || typeof jwk.y !== 'string' || !jwk.y) return 'the key lacks its "x" or "y" coordinate.';
  if ('d' in jwk) return 'this is a private key; pin the public key only (the JWKS has it).';
  return null;
}

/**
 * Checks the token's ES384 signature against the pinned issuer key, before anything uses its `hpke` key. Expiry
 * stays with remainingLifetime() (on the server's clock), so a wrong device clock does not fail a genuine token.
 */
export async function verifyIssuer(token: SessionToken, issuerKey: IssuerKey, message: string): Promise<void> {
  const { kty, crv, x, y } = issuerKey;
  // Loaded only by hosts that pin a key: signature checking is most of jose's weight, and the element's entry module
  // stays within its size budget without it (scripts/checks/size.mjs).
  const { compactVerify, importJWK } = await import('jose');
  try {
    const key = await importJWK({ kty, crv, x, y }, 'ES384');
    await compactVerify(token.raw, key, { algorithms: ['ES384'] });
  } catch (cause) {
    throw new OzError('session_token_untrusted', message, {
      sessionId: token.sessionId,
      technicalMessage: 'The session token is not signed by the pinned issuer key (issuer-key).',
      reason: (cause as { code?: string }).code ?? String(cause),
    });
  }
}
