import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import type { AccountRole, EmulatorConfig } from './config.ts';
import { ApiCode, ApiError } from './errors.ts';
import type { Store, TokenKind } from './store.ts';

export const ACCESS_HEADER = 'x-forensic-access-token';
/** The element's header: the session token of the capture an upload or a read belongs to. */
export const SESSION_HEADER = 'x-session-token';

export interface Account {
  userId: string;
  email: string;
  role: AccountRole;
}

const sha256 = (text: string) => createHash('sha256').update(text).digest();

/** A stable uuid per email, so folders keep their owner across restarts. */
function userIdFor(email: string): string {
  const h = sha256(`oz-api-emulator/user/${email.toLowerCase()}`).toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** Accounts from the configuration, access and refresh tokens in SQLite (as SHA-256 hashes, never in clear). */
export class Accounts {
  readonly #byEmail = new Map<string, { account: Account; password: string }>();
  readonly #byId = new Map<string, Account>();

  constructor(
    private readonly config: EmulatorConfig,
    private readonly store: Store,
    private readonly clock: () => number,
  ) {
    for (const { email, password, role } of config.accounts) {
      const account = { userId: userIdFor(email), email, role };
      this.#byEmail.set(email.toLowerCase(), { account, password });
      this.#byId.set(account.userId, account);
    }
  }

  /** The account that owns what pages create without an access token. */
  webAdapterAccount(): Account {
    const email = this.config.webAdapterAccount || this.config.accounts[0]!.email;
    return this.#byEmail.get(email.toLowerCase())!.account;
  }

  login(body: unknown): Record<string, unknown> {
    const credentials = (body as { credentials?: unknown } | null)?.credentials as { email?: unknown; password?: unknown } | undefined;
    if (!credentials || typeof credentials !== 'object') {
      throw new ApiError(400, ApiCode.invalidStructure, 'body must be {"credentials":{"email","password"}}', { field: 'credentials' });
    }
    const { email, password } = credentials;
    if (typeof email !== 'string' || typeof password !== 'string') {
      throw new ApiError(400, ApiCode.invalidType, 'credentials.email and credentials.password must be strings', { field: 'credentials' });
    }
    const entry = this.#byEmail.get(email.toLowerCase());
    // Compare hashes so the time taken says nothing about the password's length or prefix.
    const matches = entry !== undefined && timingSafeEqual(sha256(password), sha256(entry.password));
    if (!entry || !matches) throw new ApiError(401, ApiCode.authInvalid, 'wrong email or password', null);
    return this.#grant(entry.account);
  }

  refresh(body: unknown): Record<string, unknown> {
    const token = (body as { expire_token?: unknown } | null)?.expire_token;
    if (token === undefined) throw new ApiError(401, ApiCode.authNotProvided, 'expire_token not provided', { field: 'expire_token' });
    if (typeof token !== 'string') throw new ApiError(400, ApiCode.invalidType, 'expire_token must be a string', { field: 'expire_token' });
    const account = this.#check(token, 'refresh');
    this.store.deleteToken(sha256(token).toString('hex'));
    return this.#grant(account);
  }

  /** The account behind X-Forensic-Access-Token: 6 when absent, 7 when unknown, 8 when expired. */
  authenticate(request: FastifyRequest): Account {
    const token = request.headers[ACCESS_HEADER];
    if (typeof token !== 'string' || token === '') {
      throw new ApiError(401, ApiCode.authNotProvided, 'X-Forensic-Access-Token not provided', null);
    }
    return this.#check(token, 'access');
  }

  /** The account when the request carries an access token, else null (the caller decides what else may do). */
  optional(request: FastifyRequest): Account | null {
    return request.headers[ACCESS_HEADER] === undefined ? null : this.authenticate(request);
  }

  /** 9 for roles that may only read. */
  requireWrite(account: Account): void {
    if (account.role === 'CLIENT_OPERATOR') {
      throw new ApiError(403, ApiCode.authForbidden, `role ${account.role} may not create folders, analyses or sessions`, {
        role: account.role,
      });
    }
  }

  #check(token: string, kind: TokenKind): Account {
    const row = this.store.getToken(sha256(token).toString('hex'));
    const what = kind === 'access' ? 'access token' : 'expire_token';
    if (!row || row.kind !== kind) throw new ApiError(401, ApiCode.authInvalid, `${what} invalid`, null);
    if (row.expires_at <= this.clock()) throw new ApiError(401, ApiCode.authExpired, `${what} expired`, null);
    const account = this.#byId.get(row.user_id);
    if (!account) throw new ApiError(401, ApiCode.authInvalid, `${what} belongs to no configured account`, null);
    return account;
  }

  #grant(account: Account): Record<string, unknown> {
    const now = this.clock();
    const access = randomBytes(32).toString('base64url');
    const refresh = randomBytes(32).toString('base64url');
    const accessExpires = now + this.config.accessTokenTtlSeconds * 1000;
    this.store.insertToken({ token_hash: sha256(access).toString('hex'), kind: 'access', user_id: account.userId, expires_at: accessExpires });
    this.store.insertToken({
      token_hash: sha256(refresh).toString('hex'),
      kind: 'refresh',
      user_id: account.userId,
      expires_at: now + this.config.refreshTokenTtlSeconds * 1000,
    });
    return {
      user: {
        user_id: account.userId,
        email: account.email,
        user_type: account.role,
        is_admin: account.role === 'CLIENT_ADMIN',
        is_service: false,
      },
      access_token: access,
      expire_token: refresh,
      expire_date: accessExpires / 1000,
    };
  }
}

/**
 * The page origin a token-less request comes from, if it may act as a page (the web-adapter role): an allowed
 * Origin, a page of this very server (Origin's host is the Host), or a same-origin GET, which carries no Origin.
 */
export function pageOrigin(request: FastifyRequest, allowedOrigins: readonly string[]): string | null {
  const host = request.headers.host;
  const origin = request.headers.origin;
  if (typeof origin === 'string' && origin !== 'null') {
    if (allowedOrigins.includes('*') || allowedOrigins.includes(origin)) return origin;
    try {
      return host !== undefined && new URL(origin).host === host ? origin : null;
    } catch {
      return null;
    }
  }
  if (origin === undefined && request.headers['sec-fetch-site'] === 'same-origin' && host) return `${request.protocol}://${host}`;
  return null;
}
