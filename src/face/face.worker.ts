/// <reference lib="webworker" />
// The face worker: runs the default detector (BlazeFace short-range on the face kernels) off the main thread.
// Frames arrive as transferred ImageBitmaps.
import { BlazeFaceDetector } from './blazeface-detector.ts';
import { BLAZEFACE_FILES, type FaceWorkerRequest, type FaceWorkerResponse } from './protocol.ts';

const scope = self as unknown as DedicatedWorkerGlobalScope;
let detector: BlazeFaceDetector | undefined;

const reply = (msg: FaceWorkerResponse) => scope.postMessage(msg);

async function handle(msg: FaceWorkerRequest): Promise<void> {
  switch (msg.type) {
    case 'load': {
      const started = performance.now();
      try {
        const url = (name: string) => msg.files?.[name] ?? new URL(name, msg.modelBaseUrl).href;
        detector ??= new BlazeFaceDetector({ modelUrl: url(BLAZEFACE_FILES[0]), weightsUrl: url(BLAZEFACE_FILES[1]), wasmUrl: msg.faceWasmUrl, maxFaces: msg.maxFaces, reuseUnchanged: msg.reuseUnchanged });
        await detector.load(msg.features);
        reply({ type: 'loaded', id: msg.id, backend: 'wasm-simd', loadMs: performance.now() - started, models: [...BLAZEFACE_FILES], modelBytes: { blazeface: detector.modelBytes } });
      } catch (e) {
        reply({ type: 'error', id: msg.id, stage: 'load', message: e instanceof Error ? e.message : String(e) });
      }
      return;
    }
    case 'detect': {
      if (!detector) {
        msg.bitmap.close();
        reply({ type: 'error', id: msg.id, stage: 'detect', message: 'detect before load' });
        return;
      }
      try {
        const observation = await detector.detect(msg, msg.features);
        reply({ type: 'result', id: msg.id, observation });
      } catch (e) {
        reply({ type: 'error', id: msg.id, stage: 'detect', message: e instanceof Error ? e.message : String(e) });
      }
      return;
    }
    case 'counts':
      reply({ type: 'counts', id: msg.id, frames: detector?.frames ?? 0, networkRuns: detector?.networkRuns ?? 0 });
      return;
    case 'dispose':
      detector?.dispose();
      detector = undefined;
      reply({ type: 'disposed', id: msg.id });
      return;
  }
}

let queue = Promise.resolve();
scope.onmessage = (e: MessageEvent<FaceWorkerRequest>) => {
  queue = queue.then(() => handle(e.data));
};
