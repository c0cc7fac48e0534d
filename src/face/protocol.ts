import type { DetectorFeature, FrameObservation } from './detector.ts';

/** The default detector's model files (BlazeFace short-range, vendored in src/face/models/), in `models/`. */
export const BLAZEFACE_FILES = ['facemesh-detection-short.json', 'facemesh-detection-short.bin'] as const;

/** Messages the page sends to a face worker (the default one or Human's; both speak the same protocol). Every request carries an id its response repeats. */
export type FaceWorkerRequest =
  | { type: 'load'; id: number; modelBaseUrl: string; wasmUrl: string; faceWasmUrl: string; faceRelaxedWasmUrl?: string; files?: Record<string, string>; features: DetectorFeature[]; maxFaces?: number; reuseUnchanged?: boolean }
  | { type: 'detect'; id: number; bitmap: ImageBitmap; width: number; height: number; timestamp: number; features: DetectorFeature[] }
  /** A camera frame handed over whole (transferred); the worker closes it. */
  | { type: 'detect-frame'; id: number; frame: VideoFrame; width: number; height: number; timestamp: number; detectWidth: number; features: DetectorFeature[] }
  | { type: 'counts'; id: number }
  | { type: 'dispose'; id: number };

/** Messages the face worker sends back. */
export type FaceWorkerResponse =
  | { type: 'loaded'; id: number; backend: string; loadMs: number; models: string[]; modelBytes: Record<string, number> }
  /** How many frames the default worker detected and how many of them ran the network (the rest were unchanged). */
  | { type: 'counts'; id: number; frames: number; networkRuns: number }
  | { type: 'result'; id: number; observation: FrameObservation }
  | { type: 'disposed'; id: number }
  | { type: 'error'; id: number; stage: 'load' | 'detect' | 'dispose'; message: string };
