// The main-thread side of the container worker. Media buffers are transferred to the worker, not copied: after
// pack() the caller's media Uint8Arrays are detached (length 0).
import { OzError } from '../errors.ts';
import { DEFAULT_CODEC_URL } from './codec.ts';
import { DEFAULT_MEMORY_LIMIT } from './format.ts';
import { TrustedWorker } from '../trusted-types.ts';
import type { ContainerRequest, ContainerResponse, PackStats } from './protocol.ts';
import type { ContainerInput } from './types.ts';

export interface ContainerClientOptions {
  /** The worker script; defaults to container.worker.ts next to this module (bundlers emit it as an asset). */
  workerUrl?: URL | string;
  /** The codec; defaults to wasm/build/codec.wasm of this package. */
  wasmUrl?: URL | string;
  /** Ceiling for the codec's linear memory per container, bytes (default 1 GiB). */
  memoryLimitBytes?: number;
}

export interface PackResult {
  blob: Blob;
  sessionId: string;
  stats: PackStats;
}

interface Pending {
  resolve(result: PackResult): void;
  reject(error: OzError): void;
}

/**
 * Packs captures into sealed containers in a module worker. The worker starts on the first pack and is reused;
 * every failure rejects with an OzError whose code says the stage (docs/container-format.md, "Packing errors").
 */
export class ContainerClient {
  private worker: Worker | null = null;
  private ready: Promise<void> | null = null;
  private abortStart: ((error: OzError) => void) | null = null;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;

  constructor(private readonly options: ContainerClientOptions = {}) {}

  /** Packs and seals one capture; resolves with the container Blob (application/octet-stream). */
  async pack(input: ContainerInput, opts: { createdAt?: number } = {}): Promise<Blob> {
    return (await this.packWithStats(input, opts)).blob;
  }

  /** Like pack(), with the session id and what packing cost inside the worker. */
  async packWithStats(input: ContainerInput, opts: { createdAt?: number } = {}): Promise<PackResult> {
    const worker = await this.start();
    const id = this.nextId++;
    const parts = (input?.media ?? []).flatMap((m) => (Array.isArray(m?.data) ? m.data : [m?.data]));
    const transfer = [...new Set(parts.map((p) => p?.buffer).filter((b): b is ArrayBuffer => b instanceof ArrayBuffer))];
    return new Promise<PackResult>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      try {
        const request: ContainerRequest = { type: 'pack', id, input, createdAt: opts.createdAt };
        worker.postMessage(request, transfer);
      } catch (e) {
        this.pending.delete(id);
        reject(new OzError('error_wasm_internal_failure_1000', `capture could not be handed to the container worker: ${(e as Error).message}`, { name: (e as Error).name }));
      }
    });
  }

  /** Stops the worker; packs in flight reject with error_wasm_internal_failure_1000. */
  terminate(): void {
    const error = new OzError('error_wasm_internal_failure_1000', 'container worker terminated');
    this.worker?.terminate();
    this.worker = null;
    this.ready = null;
    this.abortStart?.(error);
    this.failAll(error);
  }

  private failAll(error: OzError): void {
    for (const p of this.pending.values()) p.reject(error);
    this.pending.clear();
  }

  private start(): Promise<Worker> {
    if (!this.ready) {
      this.ready = new Promise<void>((resolve, reject) => {
        this.abortStart = reject;
        let worker: Worker;
        try {
          // The literal new URL(...) form lets bundlers find and emit the worker; `Worker` is bound to TrustedWorker
          // so that pages enforcing Trusted Types accept it.
          const Worker = TrustedWorker;
          worker = this.options.workerUrl
            ? new Worker(this.options.workerUrl, { type: 'module' })
            : new Worker(new URL('./container.worker.ts', import.meta.url), { type: 'module' });
        } catch (e) {
          reject(new OzError('error_wasm_internal_failure_3', `container worker could not start: ${(e as Error).message}`));
          return;
        }
        this.worker = worker;
        let started = false;
        worker.addEventListener('error', (event) => {
          event.preventDefault();
          const error = started
            ? new OzError('error_wasm_internal_failure_1000', `container worker failed: ${event.message ?? 'error'}`)
            : new OzError('error_wasm_internal_failure_3', `container worker could not start: ${event.message || 'script did not load'}`);
          worker.terminate();
          if (this.worker === worker) { this.worker = null; this.ready = null; }
          if (!started) reject(error);
          this.failAll(error);
        });
        worker.addEventListener('messageerror', () => this.failAll(new OzError('error_wasm_internal_failure_1000', 'container worker sent an unreadable message')));
        worker.addEventListener('message', (event: MessageEvent<ContainerResponse>) => {
          const msg = event.data;
          if (msg.type === 'ready') {
            started = true;
            this.abortStart = null;
            resolve();
          } else if (msg.type === 'failed' && msg.id === null) {
            // The codec could not be loaded: this client cannot pack; a later pack() starts afresh.
            worker.terminate();
            if (this.worker === worker) { this.worker = null; this.ready = null; }
            reject(new OzError(msg.code, msg.message, msg.details));
          } else if (msg.type === 'failed' || msg.type === 'packed') {
            const p = this.pending.get(msg.id!);
            if (!p) return;
            this.pending.delete(msg.id!);
            if (msg.type === 'packed') p.resolve({ blob: msg.blob, sessionId: msg.sessionId, stats: msg.stats });
            else p.reject(new OzError(msg.code, msg.message, msg.details));
          }
        });
        // The default codec URL is resolved here, not in the worker: a host's bundler copies the files this module
        // names, and may copy the prebuilt worker as a plain file without looking inside it.
        const wasmUrl = new URL(this.options.wasmUrl ?? DEFAULT_CODEC_URL, globalThis.location?.href).href;
        const init: ContainerRequest = { type: 'init', wasmUrl, memoryLimitBytes: this.options.memoryLimitBytes ?? DEFAULT_MEMORY_LIMIT };
        worker.postMessage(init);
      });
    }
    return this.ready.then(() => this.worker!);
  }
}
