import { BlazeFace, INPUT, suppress, type ModelJson, type RawDetection } from './blazeface.ts';
import type { Box, Detector, DetectorFeature, DetectorFrame, DetectorVideoFrame, FaceObservation, FrameObservation, Point } from './detector.ts';
import { drawFrame } from './frame-grab.ts';
import { FrameReader } from './frame-input.ts';
import { frameObservation, lumaStats, type LumaStats } from './image-stats.ts';

export interface BlazeFaceDetectorOptions {
  /** The model's JSON (weights manifest), its `.bin`, and the kernels (wasm/build/face.wasm). */
  modelUrl: string;
  weightsUrl: string;
  wasmUrl: string;
  /** The kernels built with relaxed SIMD (face-relaxed.wasm), used instead where the engine validates them. */
  relaxedWasmUrl?: string;
  maxFaces?: number;
  minConfidence?: number;
  /**
   * Carry the last faces over to a frame that has not changed since the network last ran (default true): a person
   * holding still in the oval costs the preprocessing alone. The network still runs at least every
   * {@link REUSE_MAX_AGE_MS}.
   */
  reuseUnchanged?: boolean;
}

/**
 * How the box is drawn, as Human draws blazeface's: the network's box enlarged 1.4 times and made square. Guidance's
 * size thresholds were tuned on those boxes, so the same convention keeps them valid.
 */
const BOX_SCALE = 1.4;
/** Overlap above which a weaker detection is the same face (Human's default for blazeface). */
const IOU = 0.1;
/**
 * A frame counts as unchanged when the mean absolute luma difference of its 32x32 sample from the last network run's
 * is at most this (0..255): below a camera's noise after averaging, far below what moving a face by 1 % does.
 */
const UNCHANGED_LUMA = 1;
export const REUSE_MAX_AGE_MS = 250;

/** Luma of every 4th pixel of every 4th row of the 128x128 input: a 32x32 sample. Returns its mean (0..255). */
function sample(rgba: Uint8ClampedArray, into: Float32Array): number {
  let sum = 0;
  for (let y = 0, i = 0; y < INPUT; y += 4) {
    for (let x = 0; x < INPUT; x += 4, i++) {
      const p = (y * INPUT + x) * 4;
      sum += into[i] = 0.299 * rgba[p] + 0.587 * rgba[p + 1] + 0.114 * rgba[p + 2];
    }
  }
  return sum / into.length;
}

/**
 * A module of one function that returns f32x4.relaxed_madd of three constants: valid only where the engine has
 * relaxed SIMD (Chromium and Firefox here; not WebKit), checked once.
 */
const RELAXED_PROBE = Uint8Array.from([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // magic, version
  0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7b, // type section: () -> v128
  0x03, 0x02, 0x01, 0x00, // function section: one function of type 0
  0x0a, 0x3d, 0x01, 0x3b, 0x00, // code section: one body of 59 bytes, no locals
  ...[0, 1, 2].flatMap(() => [0xfd, 0x0c, ...new Array<number>(16).fill(0)]), // three v128.const
  0xfd, 0x85, 0x02, // f32x4.relaxed_madd
  0x0b, // end
]);
let relaxedSimd: boolean | undefined;
export function hasRelaxedSimd(): boolean {
  return (relaxedSimd ??= typeof WebAssembly === 'object' && WebAssembly.validate(RELAXED_PROBE));
}

async function fetchOk(url: string): Promise<Response> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
  return res;
}

/**
 * The default detector: BlazeFace front-camera (128x128) on the project's own SIMD kernels, no tfjs. It answers
 * 'detect' only: boxes, the six keypoints (eyes, nose, mouth, ears), brightness and sharpness. Runs wherever it is
 * constructed; the capture stage runs it inside the face worker.
 */
export class BlazeFaceDetector implements Detector {
  #opts: BlazeFaceDetectorOptions;
  #net?: BlazeFace;
  #canvas?: OffscreenCanvas;
  #reader?: FrameReader;
  /** The last network run: its input sample, size, time and detections. */
  #last?: { sample: Float32Array; width: number; height: number; at: number; found: RawDetection[] };
  #sample = new Float32Array(32 * 32);
  /** Which kernels run the network: the relaxed SIMD build where the engine has it and it was given. */
  readonly kernels: 'simd' | 'relaxed-simd';
  /** Frames detected, and how many of them ran the network. */
  frames = 0;
  networkRuns = 0;

  constructor(opts: BlazeFaceDetectorOptions) {
    this.#opts = opts;
    this.kernels = opts.relaxedWasmUrl && hasRelaxedSimd() ? 'relaxed-simd' : 'simd';
  }

  async load(features: readonly DetectorFeature[], signal?: AbortSignal): Promise<void> {
    const other = features.filter((f) => f !== 'detect');
    if (other.length) throw new Error(`BlazeFaceDetector answers 'detect' only, not ${other.join(', ')}`);
    if (this.#net) return;
    const [json, bin, wasm] = await Promise.all([
      fetchOk(this.#opts.modelUrl).then((r) => r.json() as Promise<ModelJson>),
      fetchOk(this.#opts.weightsUrl).then((r) => r.arrayBuffer()),
      fetchOk(this.kernels === 'relaxed-simd' ? this.#opts.relaxedWasmUrl! : this.#opts.wasmUrl).then((r) => r.arrayBuffer()),
    ]);
    signal?.throwIfAborted();
    this.#net = await BlazeFace.create(wasm, json, bin);
  }

  /** Weight bytes of the loaded model. */
  get modelBytes(): number {
    return this.#net?.weightBytes ?? 0;
  }

  /** The frame stretched to the network's 128x128 input, as RGBA. */
  #input(bitmap: ImageBitmap): Uint8ClampedArray {
    this.#canvas ??= new OffscreenCanvas(INPUT, INPUT);
    const ctx = this.#canvas.getContext('2d', { willReadFrequently: true });
    if (!ctx) throw new Error('OffscreenCanvas 2d context unavailable');
    ctx.drawImage(bitmap, 0, 0, INPUT, INPUT);
    return ctx.getImageData(0, 0, INPUT, INPUT).data;
  }

  async detect(frame: DetectorFrame, features: readonly DetectorFeature[]): Promise<FrameObservation> {
    const { bitmap } = frame;
    try {
      this.#check(features);
      const started = performance.now();
      const rgba = this.#input(bitmap);
      return this.#observe(frame, rgba, bitmap, (box) => lumaStats(bitmap, box), started);
    } finally {
      bitmap.close();
    }
  }

  /**
   * Reads the frame's planes straight into the kernels' memory (frame-input.ts) instead of drawing it; a frame in a
   * format that cannot be read so is drawn after all, to the flow's detect width, and takes `detect`'s path.
   */
  async detectVideoFrame(input: DetectorVideoFrame, features: readonly DetectorFeature[]): Promise<FrameObservation> {
    const { frame } = input;
    try {
      this.#check(features);
      const started = performance.now();
      this.#reader ??= new FrameReader(this.#net!.frameKernels, (bytes) => this.#net!.scratch(bytes));
      const px = await this.#reader.read(frame);
      if (!px) {
        const bitmap = await drawFrame(frame, input.detectWidth);
        return await this.detect({ bitmap, width: input.width, height: input.height, timestamp: input.timestamp }, features);
      }
      const reader = this.#reader;
      return this.#observe(input, reader.input(px), px, (box) => reader.lumaStats(px, box), started);
    } finally {
      frame.close();
    }
  }

  #check(features: readonly DetectorFeature[]): void {
    if (!this.#net) throw new Error('detect before load');
    if (features.some((f) => f !== 'detect')) throw new Error(`BlazeFaceDetector answers 'detect' only, not ${features.join(', ')}`);
  }

  /**
   * The observation for a frame whose 128x128 input is `rgba`: `source` is the picture the input was made from
   * (a bitmap, or a frame's visible pixels), `stats` measures a face box given in its pixels.
   */
  #observe(frame: Omit<DetectorFrame, 'bitmap'>, rgba: Uint8ClampedArray, source: { width: number; height: number }, stats: (box: Box) => LumaStats, started: number): FrameObservation {
    // The whole frame's brightness from the input already read, rather than a second read-back of the picture.
    const brightness = sample(rgba, this.#sample) / 255;
    const found = this.#find(rgba, source, started);
    // Input pixels -> source pixels -> recording pixels.
    const fx = source.width / INPUT, fy = source.height / INPUT, scale = frame.width / source.width;
    const faces = found.map((d): FaceObservation => {
      const cx = ((d.box[0] + d.box[2]) / 2) * fx, cy = ((d.box[1] + d.box[3]) / 2) * fy;
      const side = Math.max((d.box[2] - d.box[0]) * fx, (d.box[3] - d.box[1]) * fy) * BOX_SCALE;
      const x1 = Math.max(0, Math.round(cx - side / 2)), y1 = Math.max(0, Math.round(cy - side / 2));
      const x2 = Math.min(source.width, Math.round(cx + side / 2)), y2 = Math.min(source.height, Math.round(cy + side / 2));
      const inSource: Box = { x: x1, y: y1, width: Math.trunc(x2 - x1), height: Math.trunc(y2 - y1) };
      const s = stats(inSource);
      const k = d.keypoints.map(([x, y]): Point => [x * fx * scale, y * fy * scale]);
      return {
        score: Math.round(d.score * 100) / 100,
        box: { x: inSource.x * scale, y: inSource.y * scale, width: inSource.width * scale, height: inSource.height * scale },
        // The person's right eye (image left), left eye, nose tip, mouth centre; the ears follow in k[4], k[5].
        landmarks: { rightEye: k[0], leftEye: k[1], nose: k[2], mouthCentre: k[3] },
        brightness: s.brightness,
        sharpness: s.sharpness,
      };
    });
    return frameObservation(frame, faces, started, brightness);
  }

  /** The detections for this input (its sample taken): the network's, or the last run's when nothing changed since. */
  #find(rgba: Uint8ClampedArray, source: { width: number; height: number }, now: number): RawDetection[] {
    this.frames++;
    const last = this.#last;
    if (this.#opts.reuseUnchanged !== false) {
      if (last && last.width === source.width && last.height === source.height && now - last.at < REUSE_MAX_AGE_MS) {
        let diff = 0;
        for (let i = 0; i < this.#sample.length; i++) diff += Math.abs(this.#sample[i] - last.sample[i]);
        if (diff / this.#sample.length <= UNCHANGED_LUMA) return last.found;
      }
    }
    this.networkRuns++;
    const found = suppress(this.#net!.detect(rgba, this.#opts.minConfidence ?? 0.5), IOU, this.#opts.maxFaces ?? 3);
    this.#last = { sample: Float32Array.from(this.#sample), width: source.width, height: source.height, at: now, found };
    return found;
  }

  dispose(): void {
    this.#net = undefined;
    this.#reader = undefined;
    this.#last = undefined;
  }
}
