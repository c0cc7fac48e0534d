import { expect } from '@open-wc/testing';
import { CaptureFlow } from '../../../src/capture/capture-flow.ts';
import { OzError } from '../../../src/errors.ts';
import { faceAssetUrls } from '../../../src/face/assets.ts';
import { grabFrame } from '../../../src/face/frame-grab.ts';
import { WorkerDetector } from '../../../src/face/worker-detector.ts';
import { closeCamera, openCamera } from './helpers.ts';

describe('the face workers', function () {
  this.timeout(60000);

  it('serves models and wasm from the package files, never a CDN', () => {
    const { modelBaseUrl, wasmUrl, faceWasmUrl, files } = faceAssetUrls();
    expect(new URL(modelBaseUrl).origin).to.equal(location.origin);
    expect(modelBaseUrl).to.match(/\/node_modules\/@vladmandic\/human\/models\/$/);
    expect(wasmUrl).to.match(/\/node_modules\/@tensorflow\/tfjs-backend-wasm\/dist\/$/);
    expect(new URL(faceWasmUrl).origin).to.equal(location.origin);
    expect(files!['facemesh-detection-short.bin']).to.match(/\/src\/face\/models\/facemesh-detection-short\.bin/);
    expect(faceAssetUrls('/static/oz').modelBaseUrl).to.equal(`${location.origin}/static/oz/models/`);
    expect(faceAssetUrls('/static/oz').faceWasmUrl).to.equal(`${location.origin}/static/oz/face.wasm`);
    expect(faceAssetUrls('/static/oz').faceRelaxedWasmUrl).to.equal(`${location.origin}/static/oz/face-relaxed.wasm`);
  });

  it('by default runs guidance on BlazeFace short-range in its own kernels, with the keypoints the judges need', async () => {
    const cam = await openCamera();
    const d = new WorkerDetector();
    try {
      await d.load(['detect']);
      // Chromium has relaxed SIMD: the kernels with fused multiply-add run the network.
      expect(d.lastLoad?.backend).to.equal('wasm-relaxed-simd');
      expect(d.lastLoad?.models).to.deep.equal(['facemesh-detection-short.json', 'facemesh-detection-short.bin']);
      // Asked again (as the flow does for a blank capture's action), the load time stays the real load's.
      const loaded = d.lastLoad!.loadMs;
      expect(loaded).to.be.above(0);
      await d.load(['detect']);
      expect(d.lastLoad!.loadMs).to.be.at.least(loaded);
      const boxes = await d.detect(await grabFrame(cam.video, 320), ['detect']);
      expect(boxes.faces).to.have.length(1);
      const f = boxes.faces[0];
      expect(f.score).to.be.greaterThan(0.5);
      const coarse = f.landmarks!;
      expect(coarse.leftEye[0]).to.be.greaterThan(coarse.rightEye[0]);
      expect(coarse.nose[0]).to.be.within(coarse.rightEye[0], coarse.leftEye[0]);
      expect(coarse.mouthCentre[1]).to.be.greaterThan(coarse.nose[1]);
      expect(f.pose).to.equal(undefined);
      expect(f.brightness).to.be.within(0.2, 0.9);
      expect(f.sharpness).to.be.greaterThan(0);
      expect(boxes.width).to.equal(640);
      // The mesh comes from Human, in its own worker, on demand.
      await d.load(['detect', 'mesh']);
      expect(d.lastLoad?.models).to.include('facemesh.bin');
      const mesh = await d.detect(await grabFrame(cam.video, 320), ['detect', 'mesh']);
      expect(Math.abs(mesh.faces[0].pose!.yaw)).to.be.lessThan(12);
      expect(mesh.faces[0].eyesOpen).to.be.greaterThan(0.24);
    } finally {
      d.dispose();
      closeCamera(cam);
    }
  });

  it('with model "human", loads only blazeface for guidance, and the mesh on demand, in the wasm backend', async () => {
    const cam = await openCamera();
    const d = new WorkerDetector({ model: 'human' });
    try {
      await d.load(['detect']);
      expect(d.lastLoad?.backend).to.equal('wasm');
      expect(d.lastLoad?.models).to.deep.equal(['blazeface.json', 'blazeface.bin']);
      const boxes = await d.detect(await grabFrame(cam.video, 320), ['detect']);
      expect(boxes.faces).to.have.length(1);
      // Blazeface's keypoints, in the camera's frame: the person's left eye is on the image's right.
      const coarse = boxes.faces[0].landmarks!;
      expect(coarse.leftEye[0]).to.be.greaterThan(coarse.rightEye[0]);
      expect(coarse.nose[0]).to.be.within(coarse.rightEye[0], coarse.leftEye[0]);
      expect(coarse.mouthCentre[1]).to.be.greaterThan(coarse.nose[1]);
      expect(coarse.mouthLeft).to.equal(undefined);
      expect(boxes.faces[0].pose).to.equal(undefined);
      expect(boxes.width).to.equal(640);
      await d.load(['detect', 'mesh']);
      expect(d.lastLoad?.models).to.include('facemesh.bin');
      const mesh = await d.detect(await grabFrame(cam.video, 320), ['detect', 'mesh']);
      const f = mesh.faces[0];
      expect(Math.abs(f.pose!.yaw)).to.be.lessThan(12);
      expect(Math.abs(f.pose!.pitch)).to.be.lessThan(12);
      expect(f.eyesOpen).to.be.greaterThan(0.24);
      // The person's left eye is on the image's right: coordinates are the camera's, not the mirrored preview's.
      expect(f.landmarks!.leftEye[0]).to.be.greaterThan(f.landmarks!.rightEye[0]);
      expect(f.landmarks!.nose[0]).to.be.within(f.box.x, f.box.x + f.box.width);
    } finally {
      d.dispose();
      closeCamera(cam);
    }
  });

  it('fails with face_model_load_failed when the model files are missing', async () => {
    for (const model of ['blazeface', 'human'] as const) {
      const d = new WorkerDetector({ model, assetsUrl: '/no-such-assets/' });
      try {
        const error = await d.load(['detect']).then(() => null, (e: unknown) => e);
        expect(error, model).to.be.instanceOf(OzError);
        expect((error as OzError).code, model).to.equal('face_model_load_failed');
      } finally {
        d.dispose();
      }
    }
  });

  it('fails with face_model_load_failed when the worker script cannot start', async () => {
    const d = new WorkerDetector({ workerUrl: '/no-such-worker.js', humanWorkerUrl: '/no-such-worker.js' });
    const error = await d.load(['detect']).then(() => null, (e: unknown) => e);
    expect((error as OzError).code).to.equal('face_model_load_failed');
    const meshError = await d.load(['detect', 'mesh']).then(() => null, (e: unknown) => e);
    expect((meshError as OzError).code).to.equal('face_model_load_failed');
    d.dispose();
  });

  it('turns a load that does not finish in time into face_model_timeout, and the flow releases the camera', async () => {
    const cam = await openCamera();
    try {
      const flow = new CaptureFlow({ ...cam, actions: ['video_selfie_blank'], modelLoadTimeoutMs: 1 });
      const error = await flow.run().then(() => null, (e: unknown) => e);
      expect((error as OzError).code).to.equal('face_model_timeout');
      expect(flow.state).to.equal('failed');
      expect(cam.stream.getTracks().every((t) => t.readyState === 'ended')).to.equal(true);
      expect((flow.detector as WorkerDetector).running).to.equal(false);
    } finally {
      closeCamera(cam);
    }
  });
});

describe('models a capture loads', function () {
  this.timeout(60000);
  it('a blank capture loads the default detector\'s model only, with or without a best shot (whose landmarks are its keypoints)', async () => {
    for (const extractBestShot of [false, true]) {
      const cam = await openCamera();
      try {
        const flow = new CaptureFlow({ ...cam, actions: ['video_selfie_blank'], extractBestShot });
        const result = await flow.run();
        expect((result.technical.models as { files: string[] }).files).to.deep.equal(['facemesh-detection-short.json', 'facemesh-detection-short.bin']);
        expect(result.best_frame === null).to.equal(!extractBestShot);
        if (extractBestShot) {
          const { leftEye, rightEye, nose } = result.best_frame_landmarks!;
          const box = result.best_frame_bounding_box!;
          expect(leftEye[0]).to.be.greaterThan(rightEye[0]);
          expect(nose[0]).to.be.within(box.x, box.x + box.width);
        }
      } finally {
        closeCamera(cam);
      }
    }
  });
});
