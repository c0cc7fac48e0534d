import { OzError } from '../errors.ts';
import { faceAssetUrls } from './assets.ts';
import { TrustedWorker } from '../trusted-types.ts';
import type { Detector, DetectorFeature, DetectorFrame, DetectorVideoFrame, FrameObservation } from './detector.ts';
import { drawFrame } from './frame-grab.ts';
import type { FaceWorkerRequest, FaceWorkerResponse } from './protocol.ts';

/**
 * Which detector runs guidance, the best shot and the scan:
 * - 'blazeface' (default): BlazeFace short-range (128x128) on the package's own SIMD kernels, about 200 kB to
 *   download and a few milliseconds a frame; the mesh (blink, head turns) and the smile score come from Human,
 *   started in a second worker only when an action needs them.
 * - 'human': Human's blazeface (256x256) on the tfjs wasm backend for everything, as before; several times slower.
 */
export type DetectorModel = 'blazeface' | 'human';

export interface WorkerDetectorOptions {
  model?: DetectorModel;
  /** Folder holding `models/`, `wasm/`, `face.wasm` and `face-relaxed.wasm`; defaults to the package's own files. */
  assetsUrl?: string | URL;
  /** The default detector's worker script; defaults to the bundled face worker. */
  workerUrl?: string | URL;
  /** Human's worker script; defaults to the bundled one. */
  humanWorkerUrl?: string | URL;
  /** How long one `load` may take before it fails with 'face_model_timeout' (default 15 s: Human's first load starts
   * the worker, compiles the tfjs wasm backend and fetches its models, which takes seconds on a busy 2-core machine). */
  loadTimeoutMs?: number;
  maxFaces?: number;
  /** Default model: carry the last faces over to frames that have not changed (default true). */
  reuseUnchanged?: boolean;
}

/** What the worker reported about its last load. */
export interface ModelLoadInfo {
  backend: string;
  /** Time spent loading in the workers, over every load so far. */
  loadMs: number;
  models: string[];
  /** Weight bytes per loaded model. */
  modelBytes: Record<string, number>;
}

/** The observation a face worker answered with, or the failure it reported. */
function answer(res: FaceWorkerResponse): FrameObservation {
  if (res.type === 'result') return res.observation;
  throw new OzError('face_model_load_failed', 'Face detection failed', { message: res.type === 'error' ? res.message : res.type });
}

type Pending = { resolve: (r: FaceWorkerResponse) => void; reject: (e: unknown) => void };

/** One face worker: started on first use, requests matched to responses by id. */
class FaceWorker {
  #worker?: Worker;
  #pending = new Map<number, Pending>();

  constructor(private readonly start: () => Worker) {}

  get running(): boolean {
    return this.#worker !== undefined;
  }

  request(msg: FaceWorkerRequest, transfer: Transferable[] = []): Promise<FaceWorkerResponse> {
    if (!this.#worker) {
      const worker = this.start();
      worker.onmessage = (e: MessageEvent<FaceWorkerResponse>) => {
        const p = this.#pending.get(e.data.id);
        if (!p) return;
        this.#pending.delete(e.data.id);
        p.resolve(e.data);
      };
      // A worker script that fails to load or throws at top level: nothing will ever answer.
      worker.onerror = (e) => {
        e.preventDefault();
        this.failAll(new OzError('face_model_load_failed', 'The face worker could not start', { message: e.message }));
      };
      this.#worker = worker;
    }
    const worker = this.#worker;
    return new Promise((resolve, reject) => {
      this.#pending.set(msg.id, { resolve, reject });
      try {
        worker.postMessage(msg, transfer);
      } catch (e) {
        // Something in the message cannot be sent (an engine that cannot transfer a VideoFrame): no answer will come.
        this.#pending.delete(msg.id);
        reject(e);
      }
    });
  }

  forget(id: number): void {
    this.#pending.delete(id);
  }

  failAll(error: unknown): void {
    const pending = [...this.#pending.values()];
    this.#pending.clear();
    for (const p of pending) p.reject(error);
  }

  terminate(): void {
    this.#worker?.terminate();
    this.#worker = undefined;
    this.failAll(new OzError('user_cancelled', 'The face detector was disposed'));
  }
}

/** Features only Human has. */
const humanOnly = (features: readonly DetectorFeature[]) => features.some((f) => f !== 'detect');

/**
 * The detector the element uses: a client of the face workers. A worker starts on the first `load` that needs it,
 * so nothing is fetched until the preview is showing; `dispose` terminates them and fails whatever is in flight.
 * With the default model, frames asking for 'detect' alone go to the fast worker and frames asking for the mesh or
 * the smile go to Human's, which the capture flow loads while guidance goes on.
 */
export class WorkerDetector implements Detector {
  #opts: WorkerDetectorOptions;
  #nextId = 1;
  #disposed = false;
  /** False once the engine refused to send a VideoFrame to a worker. */
  #sendsFrames = true;
  #fast: FaceWorker;
  #human: FaceWorker;
  lastLoad?: ModelLoadInfo;

  constructor(opts: WorkerDetectorOptions = {}) {
    this.#opts = opts;
    // The literal `new Worker(new URL(...))` form is what bundlers recognise and emit as a worker chunk; `Worker` is
    // bound to TrustedWorker so that pages enforcing Trusted Types accept it.
    const Worker = TrustedWorker;
    this.#fast = new FaceWorker(() =>
      opts.workerUrl
        ? new Worker(opts.workerUrl, { type: 'module', name: 'oz-face' })
        : new Worker(new URL('./face.worker.ts', import.meta.url), { type: 'module', name: 'oz-face' }),
    );
    this.#human = new FaceWorker(() =>
      opts.humanWorkerUrl
        ? new Worker(opts.humanWorkerUrl, { type: 'module', name: 'oz-face-human' })
        : new Worker(new URL('./human.worker.ts', import.meta.url), { type: 'module', name: 'oz-face-human' }),
    );
  }

  get model(): DetectorModel {
    return this.#opts.model ?? 'blazeface';
  }

  #workerFor(features: readonly DetectorFeature[]): FaceWorker {
    return this.model === 'human' || humanOnly(features) ? this.#human : this.#fast;
  }

  async load(features: readonly DetectorFeature[], signal?: AbortSignal): Promise<void> {
    if (this.#disposed) throw new OzError('face_model_load_failed', 'The face detector was disposed');
    signal?.throwIfAborted();
    const worker = this.#workerFor(features);
    const { modelBaseUrl, wasmUrl, faceWasmUrl, faceRelaxedWasmUrl, files } = faceAssetUrls(this.#opts.assetsUrl);
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
      const res = await Promise.race([worker.request({ type: 'load', id, modelBaseUrl, wasmUrl, faceWasmUrl, faceRelaxedWasmUrl, files, features: [...features], maxFaces: this.#opts.maxFaces, reuseUnchanged: this.#opts.reuseUnchanged }), guard]);
      if (res.type === 'error') throw new OzError('face_model_load_failed', 'The face model could not be loaded', { message: res.message, modelBaseUrl, wasmUrl });
      // The flow asks again for what an action needs, which for a blank capture is what is loaded already: that
      // answer's few milliseconds must not stand for the load, so the time adds up over every load.
      if (res.type === 'loaded') this.lastLoad = { backend: res.backend, loadMs: (this.lastLoad?.loadMs ?? 0) + res.loadMs, models: res.models, modelBytes: res.modelBytes };
    } catch (e) {
      worker.forget(id);
      // A worker stuck in a load cannot be trusted with the next one.
      if (e instanceof OzError && e.code === 'face_model_timeout') worker.terminate();
      throw e;
    } finally {
      clearTimeout(timer);
      if (onAbort) signal?.removeEventListener('abort', onAbort);
    }
  }

  async detect(frame: DetectorFrame, features: readonly DetectorFeature[]): Promise<FrameObservation> {
    const worker = this.#workerFor(features);
    if (this.#disposed || !worker.running) {
      frame.bitmap.close();
      throw new OzError('face_model_load_failed', 'The face detector is not loaded');
    }
    const id = this.#nextId++;
    const { bitmap, width, height, timestamp } = frame;
    return answer(await worker.request({ type: 'detect', id, bitmap, width, height, timestamp, features: [...features] }, [bitmap]));
  }

  /**
   * Hands the VideoFrame to the worker whole (transferred): the default worker reads its planes, Human's draws it.
   * Where the engine cannot send a VideoFrame to a worker, it is drawn here and takes `detect`'s path from then on.
   */
  async detectVideoFrame(input: DetectorVideoFrame, features: readonly DetectorFeature[]): Promise<FrameObservation> {
    const worker = this.#workerFor(features);
    const { frame, width, height, timestamp, detectWidth } = input;
    if (this.#disposed || !worker.running) {
      frame.close();
      throw new OzError('face_model_load_failed', 'The face detector is not loaded');
    }
    if (this.#sendsFrames) {
      const id = this.#nextId++;
      try {
        return answer(await worker.request({ type: 'detect-frame', id, frame, width, height, timestamp, detectWidth, features: [...features] }, [frame]));
      } catch (e) {
        if (!(e instanceof DOMException && e.name === 'DataCloneError')) throw e;
        this.#sendsFrames = false;
      }
    }
    let bitmap: ImageBitmap;
    try {
      bitmap = await drawFrame(frame, detectWidth);
    } finally {
      frame.close();
    }
    return this.detect({ bitmap, width, height, timestamp }, features);
  }

  /** The default worker's frames so far and how many of them ran the network (for benchmarks and diagnostics). */
  async counts(): Promise<{ frames: number; networkRuns: number }> {
    if (!this.#fast.running) return { frames: 0, networkRuns: 0 };
    const res = await this.#fast.request({ type: 'counts', id: this.#nextId++ });
    if (res.type !== 'counts') throw new OzError('face_model_load_failed', 'The face worker did not report its counts');
    return { frames: res.frames, networkRuns: res.networkRuns };
  }

  /** True while a worker is running (for tests and diagnostics). */
  get running(): boolean {
    return this.#fast.running || this.#human.running;
  }

  dispose(): void {
    this.#disposed = true;
    this.#fast.terminate();
    this.#human.terminate();
  }
}
