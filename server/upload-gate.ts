// What an upload must show before the emulator reads a byte of its body: a type it takes, and credentials that hold.
// Until then nothing is buffered or parsed, so an unauthenticated client costs a header's worth of work.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { SESSION_HEADER, type Account } from './auth.ts';
import type { EmulatorContext } from './context.ts';
import { ApiCode, ApiError } from './errors.ts';
import type { SessionRow } from './store.ts';

/** Who an upload comes from, as checked from its headers. */
export interface UploadCaller {
  account: Account | null;
  /** The verified session of X-Session-Token, still unused; null without the header. */
  session: SessionRow | null;
}

declare module 'fastify' {
  interface FastifyRequest {
    uploadCaller?: UploadCaller;
    uploadRelease?: () => void;
  }
}

const UPLOAD_TYPES = ['application/octet-stream', 'multipart/form-data'];

/** A session issued to one account is never used to create another account's folder. */
export function checkOwner(account: Account | null, session: SessionRow): void {
  if (account && account.userId !== session.owner_id) {
    throw new ApiError(403, ApiCode.authForbidden, 'the session token was issued to another account than the access token', {
      reason: 'session_owner_mismatch',
    });
  }
}

/** At most `max` uploads read at once; up to `queue` more wait for a slot (their bodies unread), the rest get 429. */
export class UploadSlots {
  #active = 0;
  readonly #waiting: Array<() => void> = [];

  constructor(
    private readonly max: number,
    private readonly queue: number,
  ) {}

  async acquire(): Promise<() => void> {
    if (this.#active < this.max) this.#active++;
    else if (this.#waiting.length >= this.queue) {
      throw new ApiError(429, ApiCode.unknown, `too many uploads at once (${this.max} read, ${this.queue} waiting): try again`, {
        reason: 'too_many_uploads',
      });
    } else await new Promise<void>((resolve) => this.#waiting.push(resolve));
    let released = false;
    return () => {
      if (released) return;
      released = true;
      // The slot passes straight to the next in line, so the count never dips while others wait.
      const next = this.#waiting.shift();
      if (next) next();
      else this.#active--;
    };
  }
}

/** The onRequest hook of the upload routes: type, then credentials, then a slot. */
export function uploadGate(ctx: EmulatorContext) {
  const slots = new UploadSlots(ctx.config.maxConcurrentUploads, ctx.config.maxQueuedUploads);
  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const type = request.headers['content-type']?.split(';')[0]?.trim().toLowerCase();
    const length = request.headers['content-length'];
    const bodiless = type === undefined && (length === undefined || length === '0') && request.headers['transfer-encoding'] === undefined;
    if (!bodiless && (type === undefined || !UPLOAD_TYPES.includes(type))) {
      throw new ApiError(415, ApiCode.invalidType, 'send the container as application/octet-stream or the form as multipart/form-data', {
        reason: 'unsupported_media_type',
      });
    }
    const account = ctx.accounts.optional(request);
    if (account) ctx.accounts.requireWrite(account);
    const token = request.headers[SESSION_HEADER];
    let session: SessionRow | null = null;
    if (typeof token === 'string' && token !== '') {
      session = (await ctx.sessions.verify(token)).session;
      if (session.used_at !== null) {
        throw new ApiError(400, ApiCode.unpackingFailed, 'session token already used: a session opens one upload only (replay)', {
          reason: 'session_replayed',
          sid: session.sid,
        });
      }
      checkOwner(account, session);
    } else if (!account) {
      throw new ApiError(401, ApiCode.authNotProvided, 'X-Forensic-Access-Token or X-Session-Token not provided', null);
    }
    // A form's media are not authenticated by anything: an emulator may take them from backends only.
    if (!account && type === 'multipart/form-data' && !ctx.config.pageForms) {
      throw new ApiError(403, ApiCode.authForbidden, 'this API takes the classic form only with an access token: send a container', {
        reason: 'forms_refused',
      });
    }
    request.uploadCaller = { account, session };
    try {
      request.uploadRelease = await slots.acquire();
    } catch (error) {
      void reply.header('Retry-After', '1');
      throw error;
    }
    // A client gone while it waited for its slot hands the slot on at once.
    if (request.raw.destroyed) request.uploadRelease();
  };
}

/** Hooks that hand an upload's slot back however the request ends. */
export const releaseUpload = async (request: FastifyRequest): Promise<void> => request.uploadRelease?.();
