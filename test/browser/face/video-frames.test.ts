import { expect } from '@open-wc/testing';
import { CaptureFlow } from '../../../src/capture/capture-flow.ts';
import type { OzError } from '../../../src/errors.ts';
import { faceAssetUrls } from '../../../src/face/assets.ts';
import { BlazeFaceDetector } from '../../../src/face/blazeface-detector.ts';
import type { Detector, DetectorFeature, DetectorFrame, DetectorVideoFrame, FrameObservation } from '../../../src/face/detector.ts';
import { grabFrame, videoFrameOf } from '../../../src/face/frame-grab.ts';
import { rawHint } from '../../../src/face/guidance.ts';
import { WorkerDetector } from '../../../src/face/worker-detector.ts';
import { closeCamera, openCamera } from './helpers.ts';
import { scenes } from './scene-images.ts';

/**
 * Frames handed to the default detector as VideoFrames, read plane by plane (src/face/frame-input.ts), against the
 * same pictures drawn to a 320 px ImageBitmap (`detect`, the path of engines without VideoFrame). The scenes are
 * made into I420 and NV12 frames the way a camera delivers them (BT.601, limited range, 4:2:0, as the fake camera's
 * .y4m files are written), and into an RGBA frame.
 */
const files = () => faceAssetUrls().files!;
const detector = () => new BlazeFaceDetector({ modelUrl: files()['facemesh-detection-short.json'], weightsUrl: files()['facemesh-detection-short.bin'], wasmUrl: files()['face.wasm'], reuseUnchanged: false });

function pixels(image: ImageBitmap): ImageData {
  const ctx = new OffscreenCanvas(image.width, image.height).getContext('2d')!;
  ctx.drawImage(image, 0, 0);
  return ctx.getImageData(0, 0, image.width, image.height);
}

/** The picture as a camera frame: 'I420' or 'NV12' (BT.601 limited range, chroma the mean of each 2x2), or packed 'RGBX'. */
function cameraFrame(image: ImageBitmap, format: 'I420' | 'NV12' | 'RGBX' | 'I444'): VideoFrame {
  const { width, height, data } = pixels(image);
  const init = { codedWidth: width, codedHeight: height, timestamp: 0, colorSpace: { matrix: 'smpte170m', fullRange: false, primaries: 'smpte170m', transfer: 'smpte170m' } } as const;
  if (format === 'RGBX') return new VideoFrame(data, { ...init, format, colorSpace: undefined });
  const clamp = (v: number) => Math.max(0, Math.min(255, Math.round(v)));
  const luma = (p: number) => clamp(16 + (65.481 * data[p]! + 128.553 * data[p + 1]! + 24.966 * data[p + 2]!) / 255);
  const cb = (r: number, g: number, b: number) => clamp(128 + (-37.797 * r - 74.203 * g + 112 * b) / 255);
  const cr = (r: number, g: number, b: number) => clamp(128 + (112 * r - 93.786 * g - 18.214 * b) / 255);
  const n = width * height;
  if (format === 'I444') {
    const out = new Uint8Array(3 * n);
    for (let i = 0; i < n; i++) {
      const [r, g, b] = [data[i * 4]!, data[i * 4 + 1]!, data[i * 4 + 2]!];
      out[i] = luma(i * 4);
      out[n + i] = cb(r, g, b);
      out[2 * n + i] = cr(r, g, b);
    }
    return new VideoFrame(out, { ...init, format });
  }
  const cw = width / 2, ch = height / 2;
  const out = new Uint8Array(n + 2 * cw * ch);
  for (let i = 0; i < n; i++) out[i] = luma(i * 4);
  for (let j = 0; j < ch; j++) {
    for (let i = 0; i < cw; i++) {
      let r = 0, g = 0, b = 0;
      for (const [dx, dy] of [[0, 0], [1, 0], [0, 1], [1, 1]] as const) {
        const p = ((2 * j + dy) * width + 2 * i + dx) * 4;
        r += data[p]! / 4; g += data[p + 1]! / 4; b += data[p + 2]! / 4;
      }
      if (format === 'I420') {
        out[n + j * cw + i] = cb(r, g, b);
        out[n + cw * ch + j * cw + i] = cr(r, g, b);
      } else {
        out[n + 2 * (j * cw + i)] = cb(r, g, b);
        out[n + 2 * (j * cw + i) + 1] = cr(r, g, b);
      }
    }
  }
  return new VideoFrame(out, { ...init, format });
}

async function asBitmap(d: BlazeFaceDetector, image: ImageBitmap): Promise<FrameObservation> {
  const bitmap = await createImageBitmap(image, { resizeWidth: 320, resizeHeight: Math.round((image.height * 320) / image.width), resizeQuality: 'low' });
  return d.detect({ bitmap, width: image.width, height: image.height, timestamp: 0 }, ['detect']);
}
const asFrame = (d: BlazeFaceDetector, frame: VideoFrame) =>
  d.detectVideoFrame({ frame, width: frame.displayWidth, height: frame.displayHeight, timestamp: 0, detectWidth: 320 }, ['detect']);

/** Largest box-edge difference (fraction of the width) and landmark difference between the faces of two answers. */
function difference(a: FrameObservation, b: FrameObservation) {
  let edge = 0, point = 0;
  for (const [i, f] of a.faces.entries()) {
    const g = b.faces[i];
    if (!g) break;
    edge = Math.max(edge, ...[f.box.x - g.box.x, f.box.y - g.box.y, f.box.x + f.box.width - g.box.x - g.box.width, f.box.y + f.box.height - g.box.y - g.box.height].map((e) => Math.abs(e) / a.width));
    for (const k of ['rightEye', 'leftEye', 'nose', 'mouthCentre'] as const) point = Math.max(point, Math.hypot(f.landmarks![k][0] - g.landmarks![k][0], f.landmarks![k][1] - g.landmarks![k][1]) / a.width);
  }
  return { edge, point };
}

describe('camera frames read as VideoFrames', function () {
  this.timeout(120000);

  it('give the default detector the hint, faces and boxes the drawn picture gives, in I420, NV12 and RGBX', async () => {
    const d = detector();
    await d.load(['detect']);
    const rows: string[] = [];
    let worst = 0, worstLight = 0;
    try {
      for (const { name, image } of await scenes()) {
        const drawn = await asBitmap(d, image);
        for (const format of ['I420', 'NV12', 'RGBX'] as const) {
          const frame = cameraFrame(image, format);
          const read = await asFrame(d, frame);
          expect(frame.format, `${name} ${format}: the detector closes the frame`).to.equal(null);
          const hint = (o: FrameObservation) => rawHint(o, 'no_face', undefined);
          const { edge, point } = difference(read, drawn);
          worst = Math.max(worst, edge, point);
          const light = Math.max(Math.abs(read.brightness - drawn.brightness), ...read.faces.map((f, i) => Math.abs(f.brightness - (drawn.faces[i]?.brightness ?? f.brightness))));
          worstLight = Math.max(worstLight, light);
          rows.push(`${name} ${format}: ${hint(read)}/${hint(drawn)}, faces ${read.faces.length}/${drawn.faces.length}, edge ${(edge * 100).toFixed(2)} %, keypoint ${(point * 100).toFixed(2)} %, brightness ${light.toFixed(3)}, sharpness ${read.faces.map((f) => Math.round(f.sharpness))}/${drawn.faces.map((f) => Math.round(f.sharpness))}`);
          expect(hint(read), `${name} ${format}: hint`).to.equal(hint(drawn));
          expect(read.faces.length, `${name} ${format}: faces`).to.equal(drawn.faces.length);
          expect(edge, `${name} ${format}: box edges`).to.be.at.most(0.02);
          expect(point, `${name} ${format}: keypoints`).to.be.at.most(0.02);
          expect(light, `${name} ${format}: brightness`).to.be.at.most(0.02);
          expect(read.width).to.equal(image.width);
        }
      }
    } finally {
      console.log(`VideoFrame / drawn bitmap: largest box edge or keypoint difference ${(worst * 100).toFixed(2)} % of the width, brightness ${worstLight.toFixed(3)}\n  ${rows.join('\n  ')}`);
      d.dispose();
    }
  });

  it('draw a frame the reader does not read (I444, or over 4096 px wide) and still answer: the face found as drawn', async () => {
    const d = detector();
    await d.load(['detect']);
    try {
      const image = (await scenes())[0]!.image;
      const frame = cameraFrame(image, 'I444');
      const read = await asFrame(d, frame);
      const drawn = await asBitmap(d, image);
      expect(read.faces.length).to.equal(1);
      expect(difference(read, drawn).edge).to.be.at.most(0.02);
      expect(frame.format, 'closed').to.equal(null);
      // A frame wider than the reader takes (4096 px) is drawn too: an answer, not a failure.
      const wide = new VideoFrame(new Uint8Array(4100 * 8 * 3 / 2).fill(128), { format: 'I420', codedWidth: 4100, codedHeight: 8, timestamp: 0 });
      const flat = await asFrame(d, wide);
      expect(flat.faces.length).to.equal(0);
      expect(flat.width).to.equal(4100);
      expect(wide.format, 'closed').to.equal(null);
    } finally {
      d.dispose();
    }
  });

  it('from the camera, through the face worker, answer as the 320 px bitmap of the same still scene does', async () => {
    const cam = await openCamera();
    const d = new WorkerDetector();
    try {
      await d.load(['detect']);
      await d.load(['detect', 'mesh']);
      const frame = videoFrameOf(cam.video);
      expect(frame, 'Chromium makes VideoFrames from a video').to.not.equal(null);
      expect(frame!.format).to.equal('I420');
      const { videoWidth: width, videoHeight: height } = cam.video;
      const read = await d.detectVideoFrame({ frame: frame!, width, height, timestamp: 0, detectWidth: 320 }, ['detect']);
      const drawn = await d.detect(await grabFrame(cam.video, 320), ['detect']);
      expect(read.faces.length).to.equal(1);
      expect(drawn.faces.length).to.equal(1);
      expect(difference(read, drawn).edge).to.be.at.most(0.02);
      expect(rawHint(read, 'no_face', undefined)).to.equal(rawHint(drawn, 'no_face', undefined));
      // Human's worker takes the frame too (drawn there): the mesh step gets landmarks and pose from it.
      const mesh = await d.detectVideoFrame({ frame: videoFrameOf(cam.video)!, width, height, timestamp: 0, detectWidth: 320 }, ['detect', 'mesh']);
      expect(mesh.faces[0]?.pose, 'pose from the mesh').to.not.equal(undefined);
    } finally {
      d.dispose();
      closeCamera(cam);
    }
  });

  it('are what the capture flow hands a detector that takes them; a detector without detectVideoFrame gets bitmaps', async () => {
    const seen = async (withFrames: boolean) => {
      const cam = await openCamera();
      const inner = new WorkerDetector();
      const calls = { frames: 0, bitmaps: 0 };
      const d: Detector = {
        load: (f, s) => inner.load(f, s),
        detect: (frame: DetectorFrame, f: readonly DetectorFeature[]) => { calls.bitmaps++; return inner.detect(frame, f); },
        dispose: () => inner.dispose(),
        ...(withFrames ? { detectVideoFrame: (frame: DetectorVideoFrame, f: readonly DetectorFeature[]) => { calls.frames++; return inner.detectVideoFrame(frame, f); } } : {}),
      };
      let observed = 0;
      const hints: string[] = [];
      const flow = new CaptureFlow({ ...cam, actions: ['video_selfie_blank'], detector: d, onHint: (h) => hints.push(h), onObservation: () => { if (++observed === 12) flow.cancel(); } });
      const error = await flow.run().then(() => null, (e: unknown) => e);
      d.dispose();
      closeCamera(cam);
      return { ...calls, hints, error: (error as OzError | null)?.code };
    };
    const frames = await seen(true);
    expect(frames.error).to.equal('user_cancelled');
    expect(frames.frames).to.be.at.least(12);
    expect(frames.bitmaps).to.equal(0);
    const bitmaps = await seen(false);
    expect(bitmaps.error).to.equal('user_cancelled');
    expect(bitmaps.bitmaps).to.be.at.least(12);
    expect(bitmaps.frames).to.equal(0);
    expect(frames.hints.at(-1), 'the same guidance either way').to.equal(bitmaps.hints.at(-1));
  });
});
