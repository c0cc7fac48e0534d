import { Human, type Config, type FaceResult } from '@vladmandic/human';
import type { Box, Detector, DetectorFeature, DetectorFrame, FaceLandmarks, FaceObservation, FrameObservation, HeadPose, Point } from './detector.ts';
import { frameObservation, lumaStats } from './image-stats.ts';

export interface HumanDetectorOptions {
  /** Folder with Human's model files (blazeface.json, facemesh.json, emotion.json, ...). */
  modelBaseUrl: string;
  /** Folder with the tfjs-backend-wasm binaries. */
  wasmUrl: string;
  /**
   * The same files one by one, by file name (`blazeface.json`, `tfjs-backend-wasm-simd.wasm`, ...), overriding the two
   * folders: a host's bundler that copies the package's files renames each (content hashes), which breaks the folder
   * layout Human and tfjs assume (a model's `.bin` is looked up next to its `.json`).
   */
  files?: Record<string, string>;
  /** Faces reported at most; two are enough to tell "several faces". */
  maxFaces?: number;
  minConfidence?: number;
}

/** The tfjs-backend-wasm binaries; tfjs picks one by the browser's SIMD and thread support. */
const wasmBinaries = ['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm', 'tfjs-backend-wasm-threaded-simd.wasm'];

let virtualFolders = 0;

/**
 * Makes tfjs load model files from a name → URL table: model paths under `folder` (a scheme no built-in tfjs loader
 * claims) are fetched from the table, the `.bin` a `.json` names included.
 */
function routeModelFiles(tf: Human['tf'], folder: string, files: Record<string, string>): void {
  const fetchFunc = (url: string | Request, init?: RequestInit) => {
    const href = typeof url === 'string' ? url : url.url;
    const name = href.slice(folder.length).replace(/[?#].*$/, '');
    const target = files[name];
    // A name outside the table answers 404, as a missing file on a server would.
    return target ? fetch(target, init) : Promise.resolve(new Response(null, { status: 404, statusText: `${name} is not a packaged model file` }));
  };
  tf.io.registerLoadRouter((url: unknown) => (typeof url === 'string' && url.startsWith(folder) ? tf.io.http(url, { fetchFunc }) : null));
}

/** Model files each feature needs, relative to the model folder. */
export const featureModels: Record<DetectorFeature, string[]> = {
  detect: ['blazeface.json', 'blazeface.bin'],
  mesh: ['facemesh.json', 'facemesh.bin'],
  smile: ['emotion.json', 'emotion.bin'],
};

/** Human's own names for those models. */
const featureModelNames: Record<DetectorFeature, string> = { detect: 'blazeface', mesh: 'facemesh', smile: 'emotion' };

const off = { enabled: false };

/** Facemesh indices (MediaPipe 468-point topology) the observation is built from. */
const M = {
  rightEye: [33, 133, 159, 145], // the person's right eye: outer, inner corner, upper, lower lid (image left)
  leftEye: [263, 362, 386, 374], // the person's left eye (image right)
  noseTip: 1,
  mouthRight: 61,
  mouthLeft: 291,
  lipUpper: 13,
  lipLower: 14,
  cheekRight: 234,
  cheekLeft: 454,
};

const deg = 180 / Math.PI;
const mid = (a: Point, b: Point): Point => [(a[0] + b[0]) / 2, (a[1] + b[1]) / 2];
const dist = (a: Point, b: Point) => Math.hypot(a[0] - b[0], a[1] - b[1]);
const clamp1 = (v: number) => Math.max(-1, Math.min(1, v));

/**
 * Head pose from 2-D mesh geometry, in the sign convention of {@link HeadPose}. Yaw: the nose tip's offset from the
 * cheeks' midpoint over half the cheek distance; pitch: the nose tip's height between the eye line and the mouth
 * against its frontal ratio; roll: the eye line's angle. Estimates good to a few degrees near frontal, which is all
 * the turn judges need (they compare against the pose at the start of the action).
 */
export function poseFromMesh(mesh: Point[]): HeadPose {
  const eyeR = mid(mesh[M.rightEye[0]], mesh[M.rightEye[1]]);
  const eyeL = mid(mesh[M.leftEye[0]], mesh[M.leftEye[1]]);
  const cheeks = mid(mesh[M.cheekRight], mesh[M.cheekLeft]);
  const half = dist(mesh[M.cheekRight], mesh[M.cheekLeft]) / 2 || 1;
  const nose = mesh[M.noseTip];
  const eyes = mid(eyeR, eyeL);
  const mouth = mid(mesh[M.lipUpper], mesh[M.lipLower]);
  const span = mouth[1] - eyes[1] || 1;
  const frontalRatio = 0.65;
  return {
    yaw: Math.asin(clamp1((nose[0] - cheeks[0]) / half)) * deg,
    pitch: Math.asin(clamp1((frontalRatio - (nose[1] - eyes[1]) / span) * 2)) * deg,
    roll: Math.atan2(eyeL[1] - eyeR[1], eyeL[0] - eyeR[0]) * deg,
  };
}

/** Eye aspect ratio averaged over both eyes. */
export function eyeOpenness(mesh: Point[]): number {
  const ear = ([outer, inner, upper, lower]: number[]) => dist(mesh[upper], mesh[lower]) / (dist(mesh[outer], mesh[inner]) || 1);
  return (ear(M.rightEye) + ear(M.leftEye)) / 2;
}

/**
 * Landmarks from blazeface's own keypoints, which Human reports as the face's points when the mesh does not run:
 * the person's right eye (image left), left eye, nose tip, mouth centre, then the ears.
 */
function landmarksFromKeypoints(k: Point[]): FaceLandmarks {
  return { rightEye: k[0], leftEye: k[1], nose: k[2], mouthCentre: k[3] };
}

function landmarksFromMesh(mesh: Point[]): FaceLandmarks {
  const avg = (idx: number[]): Point => {
    let x = 0, y = 0;
    for (const i of idx) { x += mesh[i][0]; y += mesh[i][1]; }
    return [x / idx.length, y / idx.length];
  };
  return {
    leftEye: avg(M.leftEye),
    rightEye: avg(M.rightEye),
    nose: [mesh[M.noseTip][0], mesh[M.noseTip][1]],
    mouthLeft: [mesh[M.mouthLeft][0], mesh[M.mouthLeft][1]],
    mouthRight: [mesh[M.mouthRight][0], mesh[M.mouthRight][1]],
    mouthCentre: mid(mesh[M.lipUpper], mesh[M.lipLower]),
  };
}

/**
 * The default detector: @vladmandic/human on the tfjs WebAssembly backend, with only the face models a step needs
 * (blazeface for boxes and keypoints; facemesh for exact landmarks, pose and blinks; the emotion model for smiles). Runs wherever it is
 * constructed; the capture stage runs it inside the face worker.
 */
export class HumanDetector implements Detector {
  readonly human: Human;
  #loaded = new Set<DetectorFeature>();
  #opts: Required<Omit<HumanDetectorOptions, 'files'>>;
  /** What Human gets as `wasmPath`: the folder, or tfjs's own name → URL form of `setWasmPaths`. */
  #wasmPath: string | Record<string, string>;

  constructor(opts: HumanDetectorOptions) {
    const files = opts.files;
    // Human takes its model folder when constructed, so the virtual folder is named first and routed after.
    const folder = files ? `oz-model-files:${++virtualFolders}/` : opts.modelBaseUrl;
    this.#opts = { ...opts, modelBaseUrl: folder, maxFaces: opts.maxFaces ?? 3, minConfidence: opts.minConfidence ?? 0.5 };
    this.#wasmPath = files && wasmBinaries.every((name) => files[name]) ? Object.fromEntries(wasmBinaries.map((name) => [name, files[name]])) : opts.wasmUrl;
    this.human = new Human(this.#config(['detect']));
    if (files) routeModelFiles(this.human.tf, folder, files);
  }

  #config(features: readonly DetectorFeature[]): Partial<Config> {
    const mesh = features.includes('mesh') || features.includes('smile');
    return {
      backend: 'wasm',
      // Human hands wasmPath to tfjs's setWasmPaths, which takes either form; Human's type names only the string.
      wasmPath: this.#wasmPath as string,
      modelBasePath: this.#opts.modelBaseUrl,
      debug: false,
      async: true,
      warmup: 'none',
      cacheModels: false,
      // A still camera would otherwise get cached results; every frame must be judged on its own pixels.
      cacheSensitivity: 0,
      filter: { enabled: false },
      gesture: off,
      body: off,
      hand: off,
      object: off,
      segmentation: off,
      face: {
        enabled: true,
        detector: {
          enabled: true,
          modelPath: 'blazeface.json',
          rotation: false,
          maxDetected: this.#opts.maxFaces,
          minConfidence: this.#opts.minConfidence,
          skipFrames: 0,
          skipTime: 0,
          return: false,
        },
        mesh: { enabled: mesh, modelPath: 'facemesh.json', keepInvalid: false },
        emotion: { enabled: features.includes('smile'), modelPath: 'emotion.json', skipFrames: 0, skipTime: 0, minConfidence: 0 },
        iris: off,
        attention: off,
        description: off,
        antispoof: off,
        liveness: off,
        gear: off,
      },
    };
  }

  async load(features: readonly DetectorFeature[], signal?: AbortSignal): Promise<void> {
    signal?.throwIfAborted();
    if (features.every((f) => this.#loaded.has(f)) && this.#loaded.size) return;
    await this.human.load(this.#config(features));
    signal?.throwIfAborted();
    // Human logs a failed fetch or backend start and carries on; a capture without its model must fail instead.
    const backend = this.human.tf.getBackend();
    if (backend !== 'wasm') throw new Error(`the tfjs wasm backend did not start (backend: ${backend || 'none'})`);
    // Human lists a model whose files failed to load as loaded (the model object exists); one with weights is loaded.
    const loaded = this.human.models.list().filter((m) => m.loaded && m.size > 0).map((m) => m.name);
    const missing = features.map((f) => featureModelNames[f]).filter((name) => !loaded.includes(name));
    if (missing.length) throw new Error(`model not loaded: ${missing.join(', ')}`);
    for (const f of features) this.#loaded.add(f);
    this.#loaded.add('detect');
  }

  /** The model files behind the loaded features. */
  get loadedModels(): string[] {
    return [...this.#loaded].flatMap((f) => featureModels[f]);
  }

  /** Weight bytes of each loaded model, as Human measured them. */
  get modelBytes(): Record<string, number> {
    return Object.fromEntries(this.human.models.list().filter((m) => m.loaded).map((m) => [m.name, m.size]));
  }

  async detect(frame: DetectorFrame, features: readonly DetectorFeature[]): Promise<FrameObservation> {
    const { bitmap } = frame;
    try {
      const started = performance.now();
      const scale = frame.width / bitmap.width;
      const result = await this.human.detect(this.#pixels(bitmap), this.#config(features));
      if (result.error) throw new Error(result.error);
      const faces = result.face.map((f) => this.#observe(f, bitmap, scale, features.includes('smile')));
      return frameObservation(frame, faces, started, lumaStats(bitmap, undefined, 32).brightness);
    } finally {
      bitmap.close();
    }
  }

  #canvas?: OffscreenCanvas;

  /** The frame as ImageData: Human's own ImageBitmap path reads back empty pixels inside a worker. */
  #pixels(bitmap: ImageBitmap): ImageData {
    if (!this.#canvas) this.#canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
    const canvas = this.#canvas;
    if (canvas.width !== bitmap.width || canvas.height !== bitmap.height) {
      canvas.width = bitmap.width;
      canvas.height = bitmap.height;
    }
    const ctx = canvas.getContext('2d', { willReadFrequently: true });
    if (!ctx) throw new Error('OffscreenCanvas 2d context unavailable');
    ctx.drawImage(bitmap, 0, 0);
    return ctx.getImageData(0, 0, canvas.width, canvas.height);
  }

  #observe(f: FaceResult, bitmap: ImageBitmap, scale: number, smile: boolean): FaceObservation {
    const [bx, by, bw, bh] = f.box;
    const stats = lumaStats(bitmap, { x: bx, y: by, width: bw, height: bh });
    const box: Box = { x: bx * scale, y: by * scale, width: bw * scale, height: bh * scale };
    const obs: FaceObservation = { score: f.boxScore ?? f.score, box, brightness: stats.brightness, sharpness: stats.sharpness };
    if (f.mesh && f.mesh.length >= 468) {
      const mesh = f.mesh.map((p) => [p[0] * scale, p[1] * scale] as Point);
      obs.landmarks = landmarksFromMesh(mesh);
      obs.pose = poseFromMesh(mesh);
      obs.eyesOpen = eyeOpenness(mesh);
    } else if (f.mesh && f.mesh.length >= 4) {
      obs.landmarks = landmarksFromKeypoints(f.mesh.map((p) => [p[0] * scale, p[1] * scale] as Point));
    }
    if (smile) obs.smile = f.emotion?.find((e) => e.emotion === 'happy')?.score ?? 0;
    return obs;
  }

  dispose(): void {
    this.#loaded.clear();
    for (const model of Object.values(this.human.models.models)) model?.dispose();
  }
}
