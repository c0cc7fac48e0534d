/// <reference lib="webworker" />
// The Human worker: runs Human's models off the main thread, for the features the default detector does not have
// (the mesh, the smile score) or for a host that opts into Human for everything. Frames arrive as transferred
// ImageBitmaps.
import { HumanDetector } from './human-detector.ts';
import type { FaceWorkerRequest, FaceWorkerResponse } from './protocol.ts';

const scope = self as unknown as DedicatedWorkerGlobalScope;
let detector: HumanDetector | undefined;

const reply = (msg: FaceWorkerResponse) => scope.postMessage(msg);

async function handle(msg: FaceWorkerRequest): Promise<void> {
  switch (msg.type) {
    case 'load': {
      const started = performance.now();
      try {
        detector ??= new HumanDetector({ modelBaseUrl: msg.modelBaseUrl, wasmUrl: msg.wasmUrl, files: msg.files, maxFaces: msg.maxFaces });
        await detector.load(msg.features);
        reply({ type: 'loaded', id: msg.id, backend: detector.human.tf.getBackend(), loadMs: performance.now() - started, models: detector.loadedModels, modelBytes: detector.modelBytes });
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
      reply({ type: 'error', id: msg.id, stage: 'detect', message: 'Human does not reuse frames' });
      return;
    case 'dispose':
      detector?.dispose();
      detector = undefined;
      reply({ type: 'disposed', id: msg.id });
      return;
  }
}

// One request at a time: a model load may arrive while a frame is being detected, and Human must not do both at once.
let queue = Promise.resolve();
scope.onmessage = (e: MessageEvent<FaceWorkerRequest>) => {
  queue = queue.then(() => handle(e.data));
};
