import { expect } from '@open-wc/testing';
import { faceAssetUrls } from '../../../src/face/assets.ts';
import { BlazeFaceDetector } from '../../../src/face/blazeface-detector.ts';
import type { FrameObservation } from '../../../src/face/detector.ts';
import { defaultOval, defaultThresholds as t, rawHint } from '../../../src/face/guidance.ts';
import { HumanDetector } from '../../../src/face/human-detector.ts';
import { scenes, stills } from './scene-images.ts';

/**
 * The default detector (BlazeFace front, 128x128, on the project's kernels) against Human's blazeface (back camera,
 * 256x256, tfjs) on every camera scene the tests play: the still scenes and every tenth frame of the approach
 * sequence. Both see the same pixels, scaled as the capture flow scales them (320 wide), and must give the same
 * guidance hint and the same number of faces, with box edges within 5 % of the frame width. A frame of the approach
 * whose face sits on a guidance limit (Human's face width or centre within 2 % of the frame of it) may tip either way
 * with boxes that close; its hint is reported, not compared.
 */
const MARGIN = 0.02;

/** True when Human's main face is within MARGIN of a size or centring limit. */
function onALimit(o: FrameObservation): boolean {
  const f = o.faces[0];
  if (!f) return false;
  const size = f.box.width / o.width;
  const dx = Math.abs((f.box.x + f.box.width / 2) / o.width - defaultOval.cx), dy = Math.abs((f.box.y + f.box.height / 2) / o.height - defaultOval.cy);
  return [Math.abs(size - t.farEnter), Math.abs(size - t.closeEnter), Math.abs(Math.max(dx, dy) - t.offCentreEnter)].some((d) => d < MARGIN);
}
async function observe(detector: { detect: HumanDetector['detect'] }, image: ImageBitmap): Promise<FrameObservation> {
  const bitmap = await createImageBitmap(image, { resizeWidth: 320, resizeHeight: Math.round((image.height * 320) / image.width), resizeQuality: 'low' });
  return detector.detect({ bitmap, width: image.width, height: image.height, timestamp: 0 }, ['detect']);
}

describe('the default detector against Human on every camera scene', function () {
  this.timeout(120000);

  it('gives the same hint and faces, boxes within 5 % of the frame width', async () => {
    const { modelBaseUrl, wasmUrl } = faceAssetUrls();
    const files = faceAssetUrls().files!;
    const human = new HumanDetector({ modelBaseUrl, wasmUrl });
    const lean = new BlazeFaceDetector({ modelUrl: files['facemesh-detection-short.json'], weightsUrl: files['facemesh-detection-short.bin'], wasmUrl: files['face.wasm'], reuseUnchanged: false });
    await Promise.all([human.load(['detect']), lean.load(['detect'])]);
    const all = await scenes();
    expect(all.length).to.equal(stills.length + 6);
    const rows: string[] = [];
    let worst = 0;
    try {
      for (const { name, image } of all) {
        const h = await observe(human, image), l = await observe(lean, image);
        const hint = (o: FrameObservation) => rawHint(o, 'no_face', undefined);
        let sceneWorst = 0;
        for (const [i, f] of l.faces.entries()) {
          const g = h.faces[i];
          if (!g) break;
          const edges = [f.box.x - g.box.x, f.box.y - g.box.y, f.box.x + f.box.width - g.box.x - g.box.width, f.box.y + f.box.height - g.box.y - g.box.height];
          sceneWorst = Math.max(sceneWorst, ...edges.map((e) => Math.abs(e) / image.width));
        }
        worst = Math.max(worst, sceneWorst);
        const limit = name.startsWith('face-zoom') && onALimit(h);
        rows.push(`${name}: ${hint(l)}/${hint(h)}${limit ? ' (on a limit)' : ''}, faces ${l.faces.length}/${h.faces.length}, widths ${l.faces.map((f) => Math.round(f.box.width))}/${h.faces.map((f) => Math.round(f.box.width))}, worst edge ${(sceneWorst * 100).toFixed(1)} %`);
        if (!limit) expect(hint(l), `${name}: hint`).to.equal(hint(h));
        expect(l.faces.length, `${name}: faces`).to.equal(h.faces.length);
        expect(sceneWorst, `${name}: box edge`).to.be.at.most(0.05);
        if (l.faces[0]) {
          // Keypoints in the camera's frame: the person's left eye on the image's right, the mouth below the nose.
          const k = l.faces[0].landmarks!;
          expect(k.leftEye[0], `${name}: eyes`).to.be.greaterThan(k.rightEye[0]);
          expect(k.mouthCentre[1], `${name}: mouth`).to.be.greaterThan(k.nose[1]);
        }
      }
    } finally {
      console.log(`default detector / Human, largest box edge difference ${(worst * 100).toFixed(2)} % of the width\n  ${rows.join('\n  ')}`);
      human.dispose();
      lean.dispose();
    }
  });
});

describe('the default detector with relaxed SIMD', function () {
  this.timeout(120000);

  it('finds what the baseline kernels find on every camera scene: the fused multiply-add only rounds differently', async () => {
    const files = faceAssetUrls().files!;
    const make = (relaxed: boolean) => new BlazeFaceDetector({
      modelUrl: files['facemesh-detection-short.json'],
      weightsUrl: files['facemesh-detection-short.bin'],
      wasmUrl: files['face.wasm'],
      relaxedWasmUrl: relaxed ? files['face-relaxed.wasm'] : undefined,
      reuseUnchanged: false,
    });
    const base = make(false), relaxed = make(true);
    expect(base.kernels).to.equal('simd');
    expect(relaxed.kernels, 'Chromium has relaxed SIMD').to.equal('relaxed-simd');
    await Promise.all([base.load(['detect']), relaxed.load(['detect'])]);
    let worstPx = 0, worstScore = 0;
    try {
      for (const { name, image } of await scenes()) {
        const a = await observe(base, image), b = await observe(relaxed, image);
        expect(b.faces.length, `${name}: faces`).to.equal(a.faces.length);
        for (const [i, f] of b.faces.entries()) {
          const g = a.faces[i];
          const points = [[f.box.x, g.box.x], [f.box.y, g.box.y], [f.box.width, g.box.width], [f.box.height, g.box.height],
            ...(['rightEye', 'leftEye', 'nose', 'mouthCentre'] as const).flatMap((k) => [[f.landmarks![k][0], g.landmarks![k][0]], [f.landmarks![k][1], g.landmarks![k][1]]])];
          worstPx = Math.max(worstPx, ...points.map(([x, y]) => Math.abs(x - y)));
          worstScore = Math.max(worstScore, Math.abs(f.score - g.score));
        }
      }
    } finally {
      console.log(`relaxed / baseline kernels: largest difference ${worstPx.toFixed(2)} px (boxes and keypoints), score ${worstScore.toFixed(3)}`);
      base.dispose();
      relaxed.dispose();
    }
    expect(worstPx, 'boxes and keypoints, in the frame\'s pixels').to.be.at.most(2);
    expect(worstScore).to.be.at.most(0.01);
  });
});

describe('the default detector on unchanged frames', function () {
  this.timeout(60000);

  const files = () => faceAssetUrls().files!;
  const detector = (reuseUnchanged?: boolean) =>
    new BlazeFaceDetector({ modelUrl: files()['facemesh-detection-short.json'], weightsUrl: files()['facemesh-detection-short.bin'], wasmUrl: files()['face.wasm'], reuseUnchanged });
  const image = async (name: string) => createImageBitmap(await (await fetch(`/test/fixtures/camera/${name}.jpg`)).blob());

  it('carries the faces over while the frame does not change, and runs the network again when it does', async () => {
    const d = detector();
    await d.load(['detect']);
    const frontal = await image('face-frontal'), offcenter = await image('face-offcenter');
    try {
      const first = await observe(d, frontal);
      const again = await observe(d, frontal);
      expect([d.frames, d.networkRuns]).to.deep.equal([2, 1]);
      expect(again.faces.map((f) => f.box)).to.deep.equal(first.faces.map((f) => f.box));
      // Brightness and sharpness are always measured on the frame at hand.
      expect(again.faces[0].brightness).to.equal(first.faces[0].brightness);
      const moved = await observe(d, offcenter);
      expect([d.frames, d.networkRuns]).to.deep.equal([3, 2]);
      expect(moved.faces[0].box.x).to.be.lessThan(first.faces[0].box.x - 50);
      await observe(d, frontal);
      expect(d.networkRuns).to.equal(3);
    } finally {
      d.dispose();
    }
  });

  it('runs the network on every frame with reuseUnchanged false', async () => {
    const d = detector(false);
    await d.load(['detect']);
    const frontal = await image('face-frontal');
    try {
      for (let i = 0; i < 3; i++) await observe(d, frontal);
      expect([d.frames, d.networkRuns]).to.deep.equal([3, 3]);
    } finally {
      d.dispose();
    }
  });

  it('refuses the mesh and the smile, which only Human has, with a clear error', async () => {
    const d = detector();
    const error = await d.load(['detect', 'mesh']).then(() => null, (e: unknown) => e);
    expect((error as Error).message).to.match(/'detect' only, not mesh/);
  });
});
