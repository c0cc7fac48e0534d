import { OzError } from '../errors.ts';
import { faceAssetUrls } from './assets.ts';
import { TrustedWorker } from '../trusted-types.ts';
import type { Detector, DetectorFeature, DetectorFrame, FrameObservation } from './detector.ts';
import type { FaceWorkerRequest, FaceWorkerResponse } from './protocol.ts';

export interface WorkerDetectorOptions {
  /** Folder holding `models/` and `wasm/`; defaults to the package's own dependencies. */
  assetsUrl?: string | URL;
  /** The worker script; defaults to the bundled face worker. */
  workerUrl?: string | URL;
  /** How long one `load` may take before it fails with 'face_model_timeout' (default 15 s: the first load starts the
   * worker, compiles the wasm backend and fetches blazeface, which takes seconds on a busy 2-core machine). */
  loadTimeoutMs?: number;
  maxFaces?: number;
}

/** What the worker reported about its last load. */
export interface ModelLoadInfo {
  backend: string;
  loadMs: number;
  models: string[];
  /** Weight bytes per loaded model. */
  modelBytes: Record<string, number>;
}

type Pending = { resolve: (r: FaceWorkerResponse) => void; reject: (e: unknown) => void };

/**
 * The detector the element uses: a client of the face worker. The worker starts on the first `load`, so nothing is
 * fetched until the preview is showing; `dispose` terminates it and fails whatever is still in flight.
 */
export class WorkerDetector implements Detector {
  #opts: WorkerDetectorOptions;
  #worker?: Worker;
  #nextId = 1;
  #pending = new Map<number, Pending>();
  #disposed = false;
  lastLoad?: ModelLoadInfo;

  constructor(opts: WorkerDetectorOptions = {}) {
    this.#opts = opts;
  }

  #start(): Worker {
    if (this.#worker) return this.#worker;
    // The literal `new Worker(new URL(...))` form is what bundlers recognise and emit as a worker chunk; `Worker` is
    // bound to TrustedWorker so that pages enforcing Trusted Types accept it.
    const Worker = TrustedWorker;
    const worker = this.#opts.workerUrl
      ? new Worker(this.#opts.workerUrl, { type: 'module', name: 'oz-face' })
      : new Worker(new URL('./face.worker.ts', import.meta.url), { type: 'module', name: 'oz-face' });
    worker.onmessage = (e: MessageEvent<FaceWorkerResponse>) => {
      const p = this.#pending.get(e.data.id);
      if (!p) return;
      this.#pending.delete(e.data.id);
      p.resolve(e.data);
    };
    // A worker script that fails to load or throws at top level: nothing will ever answer.
    worker.onerror = (e) => {
      e.preventDefault();
      this.#failAll(new OzError('face_model_load_failed', 'The face worker could not start', { message: e.message }));
    };
    this.#worker = worker;
    return worker;
  }

  #failAll(error: unknown) {
    const pending = [...this.#pending.values()];
    this.#pending.clear();
    for (const p of pending) p.reject(error);
  }

  #request(msg: FaceWorkerRequest, transfer: Transferable[] = []): Promise<FaceWorkerResponse> {
    const worker = this.#start();
    return new Promise((resolve, reject) => {
      this.#pending.set(msg.id, { resolve, reject });
      worker.postMessage(msg, transfer);
    });
  }

  async load(features: readonly DetectorFeature[], signal?: AbortSignal): Promise<void> {
    if (this.#disposed) throw new OzError('face_model_load_failed', 'The face detector was disposed');
    signal?.throwIfAborted();
    const { modelBaseUrl, wasmUrl, files } = faceAssetUrls(this.#opts.assetsUrl);
    const id = this.#nextId++;
    const timeoutMs = this.#opts.loadTimeoutMs ?? 15_000;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let onAbort: (() => void) | undefined;
    const guard = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new OzError('face_model_timeout', `The face model did not load within ${timeoutMs} ms`, { timeoutMs })), timeoutMs);
      onAbort = () => reject(signal?.reason);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
    try {
      const res = await Promise.race([this.#request({ type: 'load', id, modelBaseUrl, wasmUrl, files, features: [...features], maxFaces: this.#opts.maxFaces }), guard]);
      if (res.type === 'error') throw new OzError('face_model_load_failed', 'The face model could not be loaded', { message: res.message, modelBaseUrl, wasmUrl });
      if (res.type === 'loaded') this.lastLoad = { backend: res.backend, loadMs: res.loadMs, models: res.models, modelBytes: res.modelBytes };
    } catch (e) {
      this.#pending.delete(id);
      // A worker stuck in a load cannot be trusted with the next one.
      if (e instanceof OzError && e.code === 'face_model_timeout') this.#terminate();
      throw e;
    } finally {
      clearTimeout(timer);
      if (onAbort) signal?.removeEventListener('abort', onAbort);
    }
  }

  async detect(frame: DetectorFrame, features: readonly DetectorFeature[]): Promise<FrameObservation> {
    if (this.#disposed || !this.#worker) {
      frame.bitmap.close();
      throw new OzError('face_model_load_failed', 'The face detector is not loaded');
    }
    const id = this.#nextId++;
    const { bitmap, width, height, timestamp } = frame;
    const res = await this.#request({ type: 'detect', id, bitmap, width, height, timestamp, features: [...features] }, [bitmap]);
    if (res.type === 'result') return res.observation;
    throw new OzError('face_model_load_failed', 'Face detection failed', { message: res.type === 'error' ? res.message : res.type });
  }

  /** True while a worker is running (for tests and diagnostics). */
  get running(): boolean {
    return this.#worker !== undefined;
  }

  #terminate() {
    this.#worker?.terminate();
    this.#worker = undefined;
    this.#failAll(new OzError('user_cancelled', 'The face detector was disposed'));
  }

  dispose(): void {
    this.#disposed = true;
    this.#terminate();
  }
}
