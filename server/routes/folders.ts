import type { FastifyInstance, FastifyRequest } from 'fastify';
import { SESSION_HEADER, type Account } from '../auth.ts';
import type { EmulatorContext } from '../context.ts';
import { ApiCode, ApiError } from '../errors.ts';
import type { FolderView, IncomingFolder } from '../folders.ts';
import { inspectContainer } from '../../src/container/open.ts';
import { checkOwner, releaseUpload, uploadGate } from '../upload-gate.ts';
import type { FolderRow } from '../store.ts';
import { readMultipart } from '../upload.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** How long after its expiry a session token may still read back the folder it created. */
const READ_GRACE_SECONDS = 3600;

/** Who reads: an account (its folders; CLIENT_ADMIN all) or a session token (only the folder it created). */
type Reader = { account: Account; sid?: undefined } | { account?: undefined; sid: string };

const truthy = (v: unknown) => v === 'true' || v === '1' || v === true;
const notFound = (what: string) => new ApiError(404, ApiCode.notExist, `${what} does not exist`, null);

/** /api/folders, /api/instant/folders and /api/analyses. */
export async function folderRoutes(app: FastifyInstance, ctx: EmulatorContext): Promise<void> {
  const create = (instant: boolean) => async (request: FastifyRequest) => {
    // The gate has checked the type and the credentials, and verified X-Session-Token, before the body was read.
    const { account, session: gated } = request.uploadCaller!;
    const sessionToken = header(request, SESSION_HEADER);
    let incoming: IncomingFolder;
    if (request.isMultipart()) {
      // The token is used up only after the form parsed: a malformed form can be resent.
      const form = await readMultipart(request, ctx.config.bodyLimitBytes);
      ctx.folders.check(form.metaData, form.analyses);
      const session = sessionToken === undefined ? null : (await ctx.sessions.consume(sessionToken)).session;
      const ownerId = account?.userId ?? session!.owner_id;
      incoming = { ...form, authentic: null, ownerId, sessionSid: session?.sid ?? null };
    } else {
      const body = request.body;
      if (body === undefined || body === null || (Buffer.isBuffer(body) && body.length === 0)) {
        throw new ApiError(400, ApiCode.noContainer, 'no container received: the body is empty', { reason: 'empty_body' });
      }
      const bytes = new Uint8Array((body as Buffer).buffer, (body as Buffer).byteOffset, (body as Buffer).byteLength);
      // Without X-Session-Token the session is the container's own: its owner is checked before it is used up.
      const ownToken = gated ? undefined : containerToken(bytes);
      if (account && ownToken !== undefined) checkOwner(account, (await ctx.sessions.verify(ownToken)).session);
      // The container's own session token authenticates it; the access token must belong to the session's account.
      const opened = await ctx.opener.open(bytes, sessionToken);
      incoming = { ...opened, authentic: true, ownerId: opened.session.owner_id, sessionSid: opened.claims.sid };
    }
    return ctx.folders.create(incoming, instant, account ? 'account' : ctx.config.pageResultMode);
  };

  const upload = {
    bodyLimit: ctx.config.bodyLimitBytes,
    onRequest: uploadGate(ctx),
    onResponse: releaseUpload,
    onRequestAbort: releaseUpload,
  };
  app.post('/api/folders', upload, create(false));
  app.post('/api/instant/folders', upload, create(true));

  app.get('/api/folders', async (request) => {
    const account = ctx.accounts.authenticate(request);
    const query = request.query as Record<string, unknown>;
    const meta = ([] as unknown[]).concat(query.meta_data ?? []).map((item) => {
      const text = String(item);
      const at = text.indexOf('==');
      if (at <= 0) throw new ApiError(400, ApiCode.invalidValue, 'meta_data must look like key==value', { field: 'meta_data' });
      return [text.slice(0, at), text.slice(at + 2)] as [string, string];
    });
    const limit = boundedInt(query.limit, 100, 1, 1000, 'limit');
    const offset = boundedInt(query.offset, 0, 0, Number.MAX_SAFE_INTEGER, 'offset');
    const owner = account.role === 'CLIENT_ADMIN' ? null : account.userId;
    const withAnalyses = truthy(query.with_analyses);
    return ctx.store.findFolders(owner, meta, limit, offset).map((f) => ctx.folders.read(f, withAnalyses, 'account'));
  });

  app.get('/api/folders/:id', async (request) => {
    const reader = await whoReads(request, ctx);
    const folder = readableFolder((request.params as { id: string }).id, reader, ctx);
    return ctx.folders.read(folder, truthy((request.query as Record<string, unknown>).with_analyses), viewOf(reader, ctx));
  });

  app.post('/api/folders/:id/analyses', { bodyLimit: 64 * 1024 }, async (request) => {
    const account = ctx.accounts.authenticate(request);
    ctx.accounts.requireWrite(account);
    const folder = readableFolder((request.params as { id: string }).id, { account }, ctx);
    return ctx.folders.addAnalyses(folder, request.body);
  });

  app.get('/api/analyses/:id', async (request) => {
    const reader = await whoReads(request, ctx);
    const id = (request.params as { id: string }).id;
    const analysis = UUID.test(id) ? ctx.store.getAnalysis(id) : undefined;
    if (!analysis) throw notFound('analysis');
    readableFolder(analysis.folder_id, reader, ctx);
    return ctx.folders.readAnalysis(analysis, viewOf(reader, ctx));
  });
}

/** Verdicts go to accounts; a session token (a page) sees what `pageResultMode` allows. */
const viewOf = (reader: Reader, ctx: EmulatorContext): FolderView => (reader.account ? 'account' : ctx.config.pageResultMode);

/** The session token in a container's envelope; a body that is no container is left to the opener to refuse. */
function containerToken(bytes: Uint8Array): string | undefined {
  try {
    return inspectContainer(bytes).sessionToken;
  } catch {
    return undefined;
  }
}

function header(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

async function whoReads(request: FastifyRequest, ctx: EmulatorContext): Promise<Reader> {
  const account = ctx.accounts.optional(request);
  if (account) return { account };
  const token = header(request, SESSION_HEADER);
  if (token === undefined) throw new ApiError(401, ApiCode.authNotProvided, 'X-Forensic-Access-Token or X-Session-Token not provided', null);
  try {
    return { sid: (await ctx.sessions.verify(token, READ_GRACE_SECONDS)).claims.sid };
  } catch (error) {
    const expired = error instanceof ApiError && (error.details as { reason?: string } | null)?.reason === 'session_expired';
    throw new ApiError(401, expired ? ApiCode.authExpired : ApiCode.authInvalid, `X-Session-Token: ${(error as Error).message}`, null);
  }
}

/** The folder if this reader may see it; otherwise the same 10 as for a folder that does not exist. */
function readableFolder(id: string, reader: Reader, ctx: EmulatorContext): FolderRow {
  const folder = UUID.test(id) ? ctx.store.getFolder(id) : undefined;
  const allowed =
    folder !== undefined &&
    (reader.account
      ? reader.account.role === 'CLIENT_ADMIN' || folder.owner_id === reader.account.userId
      : folder.session_sid !== null && folder.session_sid === reader.sid);
  if (!allowed) throw notFound('folder');
  return folder!;
}

function boundedInt(value: unknown, fallback: number, min: number, max: number, field: string): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) throw new ApiError(400, ApiCode.invalidValue, `${field} must be an integer from ${min} to ${max}`, { field });
  return n;
}
