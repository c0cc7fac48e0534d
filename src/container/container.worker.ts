// The container worker: compiles the codec once, then packs and seals each request with a fresh codec instance,
// off the main thread. Errors leave as typed 'failed' messages with a container error code.
import type { ContainerErrorCode } from '../errors.ts';
import { Codec, CodecError, compileCodec, DEFAULT_CODEC_URL } from './codec.ts';
import { AEAD_TAG_LENGTH, CodecStatus, MAX_CHUNK_LENGTH } from './format.ts';
import { PackInputError, packContainer } from './pack.ts';
import type { ContainerRequest, ContainerResponse } from './protocol.ts';
import { type Ephemeral, generateEphemeral, SealError } from './seal.ts';

interface WorkerScope {
  postMessage(message: ContainerResponse, transfer?: Transferable[]): void;
  addEventListener(type: 'message', listener: (event: MessageEvent<ContainerRequest>) => void): void;
}
const scope = globalThis as unknown as WorkerScope;

let module: Promise<WebAssembly.Module> | null = null;
/**
 * The next pack's codec instance, made while the worker is idle: still a fresh instance for every pack (never used
 * twice), but instantiating it is no longer part of a pack's time.
 */
let spare: Promise<Codec> | null = null;
/** Likewise the next pack's HPKE ephemeral key pair: a fresh one for every pack, made while the worker is idle. */
let spareEphemeral: Promise<Ephemeral> | null = null;
const makeSpare = () => {
  spare = module!.then((m) => Codec.instantiate(m, memoryLimitBytes));
  // A failure is reported by the pack that takes this instance.
  spare.catch(() => {});
  spareEphemeral = generateEphemeral();
  spareEphemeral.catch(() => {});
};
const takeEphemeral = (): Promise<Ephemeral> => {
  const ephemeral = spareEphemeral ?? generateEphemeral();
  spareEphemeral = null;
  return ephemeral;
};
const takeCodec = (): Promise<Codec> => {
  const codec = spare ?? module!.then((m) => Codec.instantiate(m, memoryLimitBytes));
  spare = null;
  return codec;
};
let memoryLimitBytes = 0;
/** The container's first bytes, read into its Blob from a stream: 4 MiB. */
const STREAMED = 4 << 20;
/** Past those, sealed chunks gathered into one Blob: 4 MiB. */
const GROUP = 4 << 20;

/** Maps a failure to the stage it happened in (see docs/container-format.md, "Packing errors"). */
function classify(e: unknown): { code: ContainerErrorCode; details?: unknown } {
  if (e instanceof CodecError) {
    if (e.stage === 'load') return { code: 'error_wasm_internal_failure_1' };
    if (e.status === CodecStatus.memoryLimit || e.status === CodecStatus.growFailed) return { code: 'error_wasm_internal_failure_2', details: { status: e.statusName, memoryLimitBytes } };
    return { code: 'error_wasm_internal_failure_4', details: { status: e.statusName } };
  }
  if (e instanceof PackInputError) return { code: 'error_wasm_internal_failure_4' };
  if (e instanceof SealError) return { code: 'error_wasm_internal_failure_5', details: { reason: e.reason } };
  // A WebAssembly.Memory that cannot be allocated at all surfaces as a RangeError from the engine.
  if (e instanceof RangeError && /memory/i.test(e.message)) return { code: 'error_wasm_internal_failure_2' };
  return { code: 'error_wasm_internal_failure_1000' };
}

function fail(id: number | null, e: unknown): void {
  const { code, details } = classify(e);
  scope.postMessage({ type: 'failed', id, code, message: e instanceof Error ? e.message : String(e), details });
}

async function pack(request: Extract<ContainerRequest, { type: 'pack' }>): Promise<void> {
  const started = performance.now();
  // The container's first STREAMED bytes enter a stream its Blob is read from, as soon as they are sealed: the
  // browser takes the bytes as they come, so no copy of them is held here, and each chunk can go once it has been
  // read. new Blob(parts) instead copies the parts, then maps shared memory of the Blob's whole size to hand them
  // over: three times a 1 MB container at the peak, against under two through the stream (bench:container). The
  // stream is read more slowly than new Blob copies, though; so past STREAMED, where a copy of one group is small
  // beside the container, the chunks are gathered into Blobs of GROUP bytes as they are sealed.
  let sink!: ReadableStreamDefaultController<Uint8Array>;
  const body = new ReadableStream<Uint8Array>({ start: (controller) => { sink = controller; } });
  const streamed = new Response(body, { headers: { 'content-type': 'application/octet-stream' } }).blob();
  streamed.catch(() => {});
  let inStream = 0;
  let streaming = true;
  const groups: Blob[] = [];
  let group: Uint8Array<ArrayBuffer>[] = [];
  let grouped = 0;
  let groupsMs = 0;
  let packed: Awaited<ReturnType<typeof packContainer>>;
  try {
    packed = await packContainer(takeCodec, request.input, {
      createdAt: request.createdAt,
      ephemeral: takeEphemeral(),
      releaseInput: true,
      onChunk: {
        header: (header) => {
          sink.enqueue(header);
          inStream += header.length;
        },
        chunk: (chunk) => {
          if (streaming && inStream + chunk.length <= STREAMED) {
            sink.enqueue(chunk);
            inStream += chunk.length;
            return;
          }
          if (streaming) {
            sink.close();
            streaming = false;
          }
          group.push(chunk as Uint8Array<ArrayBuffer>);
          grouped += chunk.length;
          if (grouped >= GROUP) {
            const t = performance.now();
            groups.push(new Blob(group));
            groupsMs += performance.now() - t;
            group = [];
            grouped = 0;
          }
        },
      },
    });
  } catch (e) {
    if (streaming) sink.error(e);
    throw e;
  }
  const sealedBytes = packed.header.length + packed.chunkLengths.reduce((n, c) => n + c, 0);
  const blobStarted = performance.now();
  if (streaming) sink.close();
  const first = await streamed;
  // A container of up to STREAMED bytes is the stream's Blob itself; a larger one references it and the groups.
  const blob = groups.length || group.length ? new Blob([first, ...groups, ...group], { type: 'application/octet-stream' }) : first;
  const blobMs = groupsMs + performance.now() - blobStarted;
  if (blob.size !== sealedBytes) throw new Error(`the container Blob holds ${blob.size} bytes, not ${sealedBytes}`);
  scope.postMessage({
    type: 'packed',
    id: request.id,
    blob,
    sessionId: packed.sessionId,
    stats: {
      innerBytes: packed.innerLength,
      containerBytes: blob.size,
      layoutMs: packed.layoutMs,
      sealMs: packed.sealMs,
      blobMs,
      totalMs: performance.now() - started,
      wasmBytes: packed.wasmBytes,
      // The stream holds the chunks it has not read yet, at most all of them; past it, each group is held until its
      // Blob's copy is made, and the Blobs hold the rest of the container.
      peakHeldBytes: Math.max(packed.peakHeldBytes, sealedBytes + (sealedBytes > STREAMED ? GROUP + MAX_CHUNK_LENGTH + AEAD_TAG_LENGTH : 0)),
    },
  });
}

scope.addEventListener('message', (event) => {
  const request = event.data;
  if (request.type === 'init') {
    memoryLimitBytes = request.memoryLimitBytes;
    module = compileCodec(request.wasmUrl ?? DEFAULT_CODEC_URL);
    module.then(() => { makeSpare(); scope.postMessage({ type: 'ready' }); }, (e) => fail(null, e));
  } else if (request.type === 'pack') {
    if (!module) fail(request.id, new Error('pack before init'));
    else pack(request).catch((e) => fail(request.id, e)).finally(makeSpare);
  }
});
