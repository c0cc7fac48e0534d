// The messages between ContainerClient (main thread) and container.worker.ts. Both sides import these types.
import type { ContainerErrorCode } from '../errors.ts';
import type { ContainerInput } from './types.ts';

export type ContainerRequest =
  /** Sent once after the worker starts: compile the codec from `wasmUrl`, cap each pack's memory. */
  | { type: 'init'; wasmUrl: string | null; memoryLimitBytes: number }
  /** Pack and seal one capture; the media buffers arrive transferred. */
  | { type: 'pack'; id: number; input: ContainerInput; createdAt?: number };

/** What one pack cost, measured inside the worker. */
export interface PackStats {
  innerBytes: number;
  containerBytes: number;
  /**
   * Milliseconds: up to the layout's completion (the input checks and the layout; the worker writes format 4, which
   * hashes nothing); from there to the last chunk sealed; the whole request.
   */
  layoutMs: number;
  sealMs: number;
  /**
   * Making the container's Blob, as far as the pack waited for it: from the last chunk sealed to the Blob made (the
   * wait for its stream's last bytes to be read), plus, when the worker makes the Blob in its own thread, the Blobs
   * of the chunks past the first 4 MiB (gathered 4 MiB at a time). With a Blob thread those are made there, while
   * the worker seals (and, in format versions 2 and 3, hashes the media).
   */
  blobMs: number;
  totalMs: number;
  /** Whether the Blob was made in a thread of its own (see container.worker.ts), not between the seals. */
  blobThread: boolean;
  /** The codec's linear memory at its peak (it only grows; a fresh instance per pack). */
  wasmBytes: number;
  /**
   * Bytes the worker referenced at once at its peak: input + codec memory + the small pieces copied out of it while
   * laying out; the media not yet sealed + the chunks made so far while sealing (the stream the container's first
   * 4 MiB are read from holds those it has not read yet; all of them are counted), and past 4 MiB the copy of one
   * group the Blobs make. WebCrypto's internal copy of the chunk it is encrypting is not visible here.
   */
  peakHeldBytes: number;
}

export type ContainerResponse =
  | { type: 'ready' }
  | { type: 'packed'; id: number; blob: Blob; sessionId: string; stats: PackStats }
  /** `id` is null when the worker could not get ready (codec missing or not a module). */
  | { type: 'failed'; id: number | null; code: ContainerErrorCode; message: string; details?: unknown };

/**
 * Between the container worker and the worker it starts from its own script to make the containers' Blobs in. `id`
 * names one container: its bytes arrive (`add`; see BlobAssembler), then `finish` asks for its Blob, or `abort` drops
 * them.
 */
export type BlobThreadRequest =
  /** The header, then each chunk, in order. */
  | { type: 'add'; id: number; bytes: Uint8Array }
  | { type: 'finish'; id: number }
  | { type: 'abort'; id: number };

export type BlobThreadResponse =
  | { type: 'ready' }
  | { type: 'blob'; id: number; blob: Blob }
  | { type: 'failed'; id: number; message: string };
