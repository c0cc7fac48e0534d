/// <reference lib="webworker" />
// The face worker: runs the Human detector off the main thread. Frames arrive as transferred ImageBitmaps.
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
    case 'dispose':
      detector?.dispose();
      detector = undefined;
      reply({ type: 'disposed', id: msg.id });
      return;
  }
}

scope.onmessage = (e: MessageEvent<FaceWorkerRequest>) => void handle(e.data);
