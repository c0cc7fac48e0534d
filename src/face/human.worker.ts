/// <reference lib="webworker" />
// The Human worker: runs Human's models off the main thread, for the features the default detector does not have
// (the mesh, the smile score) or for a host that opts into Human for everything. Frames arrive as transferred
// ImageBitmaps.
import { HumanDetector } from './human-detector.ts';
import { serveFaceWorker } from './worker-host.ts';

serveFaceWorker(self as unknown as DedicatedWorkerGlobalScope, {
  create: (msg) => new HumanDetector({ modelBaseUrl: msg.modelBaseUrl, wasmUrl: msg.wasmUrl, files: msg.files, maxFaces: msg.maxFaces }),
  loaded: (detector) => ({ backend: detector.human.tf.getBackend(), models: detector.loadedModels, modelBytes: detector.modelBytes }),
});
