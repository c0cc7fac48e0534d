import type { FastifyRequest } from 'fastify';
import { CodecError, compileCodec } from '../src/container/codec.ts';
import { ContainerOpenError, inspectContainer, openContainer } from '../src/container/open.ts';
import type { ContainerHeader, OpenedContainer } from '../src/container/types.ts';
import { ApiCode, ApiError, toApiError } from './errors.ts';
import type { IncomingMedium } from './folders.ts';
import { TAG_PATTERN } from './media.ts';
import type { SessionAuthority, SessionTokenClaims } from './sessions.ts';
import type { SessionRow } from './store.ts';

/** What an upload carries besides the owner, whichever form it came in. */
export interface ParsedUpload {
  media: IncomingMedium[];
  metaData: Record<string, unknown>;
  technical: Record<string, unknown>;
  analyses: unknown;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Reads the classic form: media file parts plus a `payload` JSON part (field or file) with `media:tags` and
 * `folder:meta_data`. Every malformed form is an ApiError: 3 structure, 4 value, 5 type, 413 size.
 */
export async function readMultipart(request: FastifyRequest, bodyLimit: number): Promise<ParsedUpload> {
  const files: Array<{ field: string; filename: string; mime: string; data: Buffer }> = [];
  let payloadText: string | undefined;
  let total = 0;
  try {
    for await (const part of request.parts()) {
      if (part.type === 'file') {
        const data = await part.toBuffer();
        total += data.length;
        if (total > bodyLimit) throw new ApiError(413, ApiCode.invalidValue, `request too large: more than ${bodyLimit} bytes`, { reason: 'body_too_large' });
        if (part.fieldname === 'payload') payloadText = data.toString('utf8');
        else files.push({ field: part.fieldname, filename: part.filename || part.fieldname, mime: part.mimetype, data });
      } else if (part.fieldname === 'payload') {
        payloadText = String(part.value);
      }
    }
  } catch (error) {
    const mapped = toApiError(error);
    // Parser failures (truncated body, bad part headers) surface as plain errors: the form is malformed.
    if (mapped.code === ApiCode.unknown) throw new ApiError(400, ApiCode.invalidStructure, `malformed multipart body: ${(error as Error).message}`, { reason: 'multipart_malformed' });
    throw mapped;
  }
  if (payloadText === undefined) throw new ApiError(400, ApiCode.invalidStructure, 'payload part is missing', { field: 'payload' });
  let payload: unknown;
  try {
    payload = JSON.parse(payloadText);
  } catch {
    throw new ApiError(400, ApiCode.invalidStructure, 'payload is not valid JSON', { field: 'payload' });
  }
  if (!isObject(payload)) throw new ApiError(400, ApiCode.invalidType, 'payload must be a JSON object', { field: 'payload' });
  const tags = payload['media:tags'];
  const meta = payload['folder:meta_data'] ?? {};
  if (tags === undefined) throw new ApiError(400, ApiCode.invalidStructure, 'payload lacks media:tags', { field: 'media:tags' });
  if (!isObject(tags)) throw new ApiError(400, ApiCode.invalidType, 'media:tags must be an object of part name to tag list', { field: 'media:tags' });
  if (!isObject(meta)) throw new ApiError(400, ApiCode.invalidType, 'folder:meta_data must be an object', { field: 'folder:meta_data' });
  if (files.length === 0) throw new ApiError(400, ApiCode.invalidValue, 'no media in the request', { reason: 'no_media' });
  const fields = new Set(files.map((f) => f.field));
  if (fields.size !== files.length) throw new ApiError(400, ApiCode.invalidValue, 'two media parts share one name', { reason: 'duplicate_part' });
  for (const name of Object.keys(tags)) {
    if (!fields.has(name)) throw new ApiError(400, ApiCode.invalidValue, `media:tags names a part "${name}" that was not sent`, { field: `media:tags.${name}` });
  }
  const media = files.map((f) => ({
    originalName: f.filename,
    tags: checkTags(tags[f.field], `media:tags.${f.field}`),
    mime: f.mime,
    data: new Uint8Array(f.data.buffer, f.data.byteOffset, f.data.byteLength),
  }));
  return { media, metaData: meta, technical: { source: 'multipart' }, analyses: payload.analyses };
}

function checkTags(value: unknown, field: string): string[] {
  if (value === undefined) throw new ApiError(400, ApiCode.invalidValue, `${field}: every media part needs its tags`, { field });
  if (!Array.isArray(value) || value.some((t) => typeof t !== 'string')) throw new ApiError(400, ApiCode.invalidType, `${field} must be a list of strings`, { field });
  const bad = (value as string[]).find((t) => !TAG_PATTERN.test(t));
  if (bad !== undefined) throw new ApiError(400, ApiCode.invalidValue, `${field}: tag "${bad.slice(0, 80)}" is not a media tag`, { field });
  return value as string[];
}

export interface OpenedUpload extends ParsedUpload {
  claims: SessionTokenClaims;
  session: SessionRow;
}

/** Opens containers with the project's own codec, compiled once per emulator. */
export class ContainerOpener {
  readonly #codec = compileCodec();

  constructor(
    private readonly sessions: SessionAuthority,
    private readonly clock: () => number,
  ) {}

  /** Warms the codec up at start, so a broken build stops the start instead of failing uploads. */
  ready(): Promise<unknown> {
    return this.#codec;
  }

  /**
   * Header, then the session (signature, expiry, first use: a replay is refused before any decryption), then the
   * project's openContainer: HPKE open with the session's derived key, strict parse (and in formats 1 to 3 the
   * summing and section hashes).
   */
  async open(bytes: Uint8Array, expectedToken: string | undefined): Promise<OpenedUpload> {
    let header: ContainerHeader;
    try {
      header = inspectContainer(bytes);
    } catch (error) {
      throw containerError(error);
    }
    if (expectedToken !== undefined && expectedToken !== header.sessionToken) {
      throw new ApiError(400, ApiCode.unpackingFailed, 'X-Session-Token is not the session the container was sealed for', {
        reason: 'session_mismatch',
      });
    }
    const { claims, session } = await this.sessions.consume(header.sessionToken);
    let opened: OpenedContainer;
    try {
      opened = await openContainer(bytes, {
        // consume() has just verified this very token (signature, issuer, expiry, session): its claims stand for
        // the opener's check instead of a second ES384 verification of the same bytes.
        tokenVerifier: async (token) => (token === header.sessionToken ? claims : (await this.sessions.verify(token)).claims),
        now: this.clock(),
        clockToleranceSec: 0,
        resolveKey: async () => this.sessions.keyPairFor(claims.sid),
        wasm: await this.#codec,
      });
    } catch (error) {
      throw containerError(error);
    }
    const media = opened.media.map((m) => ({ originalName: m.name, tags: m.tags, mime: m.mime, data: m.data }));
    if (media.length === 0) throw new ApiError(400, ApiCode.invalidValue, 'no media in the container', { reason: 'no_media' });
    for (const m of opened.media) checkTags(m.tags, `media:tags.${m.name}`);
    const { payload } = opened;
    return {
      media,
      metaData: payload['folder:meta_data'],
      technical: {
        ...opened.technical,
        source: 'container',
        container: { session_id: header.sessionId, created_at: header.createdAt, format_version: header.version, ...(opened.summingHash ? { summing_hash: opened.summingHash } : {}), inner_length: opened.innerLength },
      },
      analyses: (payload as unknown as Record<string, unknown>).analyses,
      claims,
      session,
    };
  }
}

function containerError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  if (error instanceof ContainerOpenError) {
    return new ApiError(400, error.apiCode, `container rejected: ${error.message}`, { reason: error.reason });
  }
  if (error instanceof CodecError) return new ApiError(500, ApiCode.unknown, 'container codec unavailable on the server', { reason: 'codec_unavailable' });
  return toApiError(error);
}
