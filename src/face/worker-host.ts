/// <reference lib="webworker" />
// The message loop both face workers run: one request at a time, every answer carrying the request's id. A model
// load may arrive while a frame is being detected; a detector must not do both at once, so they queue.
import type { Detector } from './detector.ts';
import { drawFrame } from './frame-grab.ts';
import type { FaceWorkerRequest, FaceWorkerResponse } from './protocol.ts';

type LoadRequest = Extract<FaceWorkerRequest, { type: 'load' }>;
type Loaded = Omit<Extract<FaceWorkerResponse, { type: 'loaded' }>, 'type' | 'id' | 'loadMs'>;

/** What a worker plugs into the loop: how to make its detector, what to report once loaded, and its counters. */
export interface FaceWorkerDetector<D extends Detector> {
  create(msg: LoadRequest): D;
  loaded(detector: D): Loaded;
  /** Frames detected and network runs; undefined when the detector does not count them. */
  counts?(detector: D | undefined): { frames: number; networkRuns: number };
}

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** Answers FaceWorkerRequests on `scope` with the detector `plug` makes. */
export function serveFaceWorker<D extends Detector>(scope: DedicatedWorkerGlobalScope, plug: FaceWorkerDetector<D>): void {
  let detector: D | undefined;
  const reply = (msg: FaceWorkerResponse) => scope.postMessage(msg);

  async function handle(msg: FaceWorkerRequest): Promise<void> {
    switch (msg.type) {
      case 'load': {
        const started = performance.now();
        try {
          detector ??= plug.create(msg);
          await detector.load(msg.features);
          reply({ type: 'loaded', id: msg.id, loadMs: performance.now() - started, ...plug.loaded(detector) });
        } catch (e) {
          reply({ type: 'error', id: msg.id, stage: 'load', message: message(e) });
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
          reply({ type: 'result', id: msg.id, observation: await detector.detect(msg, msg.features) });
        } catch (e) {
          reply({ type: 'error', id: msg.id, stage: 'detect', message: message(e) });
        }
        return;
      }
      case 'detect-frame': {
        const { frame } = msg;
        if (!detector) {
          frame.close();
          reply({ type: 'error', id: msg.id, stage: 'detect', message: 'detect before load' });
          return;
        }
        try {
          let observation;
          if (detector.detectVideoFrame) {
            observation = await detector.detectVideoFrame(msg, msg.features);
          } else {
            // A detector that takes bitmaps only (Human's) gets the frame drawn to the flow's detect width here.
            let bitmap: ImageBitmap;
            try {
              bitmap = await drawFrame(frame, msg.detectWidth);
            } finally {
              frame.close();
            }
            observation = await detector.detect({ bitmap, width: msg.width, height: msg.height, timestamp: msg.timestamp }, msg.features);
          }
          reply({ type: 'result', id: msg.id, observation });
        } catch (e) {
          reply({ type: 'error', id: msg.id, stage: 'detect', message: message(e) });
        }
        return;
      }
      case 'counts':
        if (plug.counts) reply({ type: 'counts', id: msg.id, ...plug.counts(detector) });
        else reply({ type: 'error', id: msg.id, stage: 'detect', message: 'this detector does not count frames' });
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
}
