// The container worker: compiles the codec once, then packs and seals each request with a fresh codec instance,
// off the main thread. Errors leave as typed 'failed' messages with a container error code.
import type { ContainerErrorCode } from '../errors.ts';
import { Codec, CodecError, compileCodec, DEFAULT_CODEC_URL } from './codec.ts';
import { AEAD_TAG_LENGTH, CodecStatus, MAX_CHUNK_LENGTH } from './format.ts';
import { PackInputError, packContainer } from './pack.ts';
import type { BlobThreadRequest, BlobThreadResponse, ContainerRequest, ContainerResponse } from './protocol.ts';
import { BlobAssembler, GROUP, STREAMED } from './assemble.ts';
import { type Ephemeral, generateEphemeral, SealError } from './seal.ts';
import { trustedScriptURL } from '../trusted-types.ts';

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

/**
 * The name the container worker gives the worker it starts from its own script to make the containers' Blobs in (the
 * Blob thread). In Chromium, WebCrypto digests and encrypts inside the call, on the calling thread: a 10 MB digest
 * in a worker returns a promise already settled, and no task of that worker runs meanwhile. A Blob read from a
 * stream is read by the thread that made the stream, between that thread's tasks. In one thread the Blob would take
 * the chunks only once the hashing and sealing are over; in the Blob thread it takes them while this thread works.
 */
const BLOB_THREAD = 'oz-container-blob';

/**
 * A container's Blob in the making: a BlobAssembler in this thread, or one in the Blob thread behind this interface.
 * `groupsMs`: what this thread spent making Blobs of groups (0 when the Blob thread made them).
 */
type Assembly = Pick<BlobAssembler, 'add' | 'finish' | 'abort' | 'groupsMs'>;

interface BlobThread {
  worker: Worker;
  /** Assemblies not finished yet, by id: each settles with its Blob, or fails if the thread does. */
  pending: Map<number, { resolve(blob: Blob): void; reject(error: Error): void }>;
}
/** The Blob thread once it has said it is ready; null before, without one, or after it failed. */
let blobThread: BlobThread | null = null;
let nextAssembly = 1;

/** How long the worker's start waits at most for the Blob thread's; packs made before it is ready make their own Blob. */
const BLOB_THREAD_START_MS = 3000;

/**
 * Starts the Blob thread; settles once it is ready, has failed, or BLOB_THREAD_START_MS have passed. Where a worker
 * cannot start one, or it fails, the Blobs are made in this thread.
 */
function startBlobThread(): Promise<void> {
  let worker: Worker;
  try {
    if (typeof Worker !== 'function') return Promise.resolve();
    // Through the package's Trusted Types policy, as the page starts this worker: a worker served with a CSP that
    // enforces Trusted Types refuses a plain URL here too.
    worker = new Worker(trustedScriptURL(location.href), { type: 'module', name: BLOB_THREAD });
  } catch {
    return Promise.resolve();
  }
  let settle!: () => void;
  const started = new Promise<void>((resolve) => { settle = resolve; });
  setTimeout(settle, BLOB_THREAD_START_MS);
  const thread: BlobThread = { worker, pending: new Map() };
  worker.addEventListener('message', (event: MessageEvent<BlobThreadResponse>) => {
    const msg = event.data;
    if (msg.type === 'ready') {
      blobThread = thread;
      settle();
      return;
    }
    const pending = thread.pending.get(msg.id);
    thread.pending.delete(msg.id);
    if (msg.type === 'blob') pending?.resolve(msg.blob);
    else pending?.reject(new Error(`the container's Blob could not be made: ${msg.message}`));
  });
  worker.addEventListener('error', (event) => {
    event.preventDefault();
    worker.terminate();
    if (blobThread === thread) blobThread = null;
    for (const p of thread.pending.values()) p.reject(new Error('the thread making the container\'s Blob failed'));
    thread.pending.clear();
    settle();
  });
  return started;
}

/** An assembly in the Blob thread: each chunk is transferred there (the header is copied: it is still the AAD). */
function remoteAssembly(thread: BlobThread): Assembly {
  const id = nextAssembly++;
  const made = new Promise<Blob>((resolve, reject) => thread.pending.set(id, { resolve, reject }));
  made.catch(() => {});
  const post = (msg: BlobThreadRequest, transfer: Transferable[] = []) => thread.worker.postMessage(msg, transfer);
  const add = (bytes: Uint8Array) => post({ type: 'add', id, bytes }, bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? [bytes.buffer as ArrayBuffer] : []);
  return {
    groupsMs: 0,
    add,
    finish: () => {
      post({ type: 'finish', id });
      return made;
    },
    abort: () => {
      thread.pending.delete(id);
      post({ type: 'abort', id });
    },
  };
}

/** The Blob thread's side: one BlobAssembler per container, answering each finish with the Blob. */
function serveBlobThread(): void {
  const assemblies = new Map<number, BlobAssembler>();
  const reply = (msg: BlobThreadResponse) => (globalThis as unknown as { postMessage(msg: BlobThreadResponse): void }).postMessage(msg);
  globalThis.addEventListener('message', (event) => {
    const msg = (event as MessageEvent<BlobThreadRequest>).data;
    let assembler = assemblies.get(msg.id);
    if (msg.type === 'add') {
      if (!assembler) assemblies.set(msg.id, assembler = new BlobAssembler());
      assembler.add(msg.bytes);
      return;
    }
    assemblies.delete(msg.id);
    if (msg.type === 'abort') assembler?.abort(new Error('pack failed'));
    else (assembler ?? new BlobAssembler()).finish().then(
      (blob) => reply({ type: 'blob', id: msg.id, blob }),
      (e) => reply({ type: 'failed', id: msg.id, message: e instanceof Error ? e.message : String(e) }),
    );
  });
  reply({ type: 'ready' });
}

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
  // The header and each chunk go into the container's Blob as soon as they are sealed (see BlobAssembler), in the
  // Blob thread when there is one.
  const remote = blobThread;
  const assembly: Assembly = remote ? remoteAssembly(remote) : new BlobAssembler();
  let packed: Awaited<ReturnType<typeof packContainer>>;
  try {
    packed = await packContainer(takeCodec, request.input, {
      createdAt: request.createdAt,
      ephemeral: takeEphemeral(),
      releaseInput: true,
      onChunk: {
        header: (header) => assembly.add(remote ? header.slice() : header),
        chunk: (chunk) => assembly.add(chunk),
      },
    });
  } catch (e) {
    assembly.abort(e);
    throw e;
  }
  const sealedBytes = packed.header.length + packed.chunkLengths.reduce((n, c) => n + c, 0);
  const blobStarted = performance.now();
  const blob = await assembly.finish();
  const blobMs = assembly.groupsMs + performance.now() - blobStarted;
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
      blobThread: remote !== null,
      wasmBytes: packed.wasmBytes,
      // The stream holds the chunks it has not read yet, at most all of them; past it, each group is held until its
      // Blob's copy is made, and the Blobs hold the rest of the container.
      peakHeldBytes: Math.max(packed.peakHeldBytes, sealedBytes + (sealedBytes > STREAMED ? GROUP + MAX_CHUNK_LENGTH + AEAD_TAG_LENGTH : 0)),
    },
  });
}

if ((globalThis as { name?: string }).name === BLOB_THREAD) serveBlobThread();
else scope.addEventListener('message', (event) => {
  const request = event.data;
  if (request.type === 'init') {
    memoryLimitBytes = request.memoryLimitBytes;
    const blobThreadStarted = startBlobThread();
    module = compileCodec(request.wasmUrl ?? DEFAULT_CODEC_URL);
    module.then(async () => {
      makeSpare();
      await blobThreadStarted;
      scope.postMessage({ type: 'ready' });
    }, (e) => fail(null, e));
  } else if (request.type === 'pack') {
    if (!module) fail(request.id, new Error('pack before init'));
    else pack(request).catch((e) => fail(request.id, e)).finally(makeSpare);
  }
});
