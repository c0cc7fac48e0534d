/// <reference lib="webworker" />
// The face worker: runs the default detector (BlazeFace short-range on the face kernels) off the main thread.
// Frames arrive as transferred ImageBitmaps.
import { BlazeFaceDetector } from './blazeface-detector.ts';
import { BLAZEFACE_FILES } from './protocol.ts';
import { serveFaceWorker } from './worker-host.ts';

serveFaceWorker(self as unknown as DedicatedWorkerGlobalScope, {
  create: (msg) => {
    const url = (name: string) => msg.files?.[name] ?? new URL(name, msg.modelBaseUrl).href;
    return new BlazeFaceDetector({ modelUrl: url(BLAZEFACE_FILES[0]), weightsUrl: url(BLAZEFACE_FILES[1]), wasmUrl: msg.faceWasmUrl, relaxedWasmUrl: msg.faceRelaxedWasmUrl, maxFaces: msg.maxFaces, reuseUnchanged: msg.reuseUnchanged });
  },
  loaded: (detector) => ({ backend: `wasm-${detector.kernels}`, models: [...BLAZEFACE_FILES], modelBytes: { blazeface: detector.modelBytes } }),
  counts: (detector) => ({ frames: detector?.frames ?? 0, networkRuns: detector?.networkRuns ?? 0 }),
});
