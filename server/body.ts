import type { Readable } from 'node:stream';
import { ApiCode, ApiError } from './errors.ts';

const tooLarge = (limit: number) => new ApiError(413, ApiCode.invalidValue, `request too large: more than ${limit} bytes`, { reason: 'body_too_large' });

/**
 * Reads a raw body of at most `limit` bytes. With a Content-Length the bytes go straight into one buffer of that
 * size: collecting chunks and joining them, as a generic parser does, holds the body twice at the end.
 */
export async function readBody(stream: Readable, declared: string | undefined, limit: number): Promise<Buffer> {
  const length = declared === undefined ? undefined : Number(declared);
  if (length !== undefined && (!Number.isSafeInteger(length) || length < 0)) {
    throw new ApiError(400, ApiCode.invalidStructure, 'Content-Length is not a length', { reason: 'FST_ERR_CTP_INVALID_CONTENT_LENGTH' });
  }
  if (length !== undefined && length > limit) {
    stream.resume();
    throw tooLarge(limit);
  }
  if (length !== undefined) {
    const body = Buffer.allocUnsafe(length);
    let at = 0;
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      if (at + chunk.length > length) throw new ApiError(400, ApiCode.invalidStructure, 'body longer than its Content-Length', { reason: 'FST_ERR_CTP_INVALID_CONTENT_LENGTH' });
      chunk.copy(body, at);
      at += chunk.length;
    }
    if (at !== length) throw new ApiError(400, ApiCode.invalidStructure, 'body shorter than its Content-Length', { reason: 'FST_ERR_CTP_INVALID_CONTENT_LENGTH' });
    return body;
  }
  // Chunked: no length to allocate for, so the chunks are joined once at the end.
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    total += chunk.length;
    if (total > limit) throw tooLarge(limit);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, total);
}
