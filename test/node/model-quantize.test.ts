// The quantized face model against the original on the real camera scenes: the real detector (Human on the tfjs wasm
// backend) runs in headless Chromium on each fixture photo, once with Human's float32 blazeface and once with each
// float16 copy (scripts/build/quantize-models.mjs), and must find the same faces, with the same guidance hint.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { relative } from 'node:path';
import { startDevServer } from '@web/dev-server';
import { esbuildPlugin } from '@web/dev-server-esbuild';
import puppeteer, { type Browser } from 'puppeteer-core';
import type { Box } from '../../src/face/detector.ts';

import { baseChromeArgs, findChrome, installHint } from '../../scripts/browser/find-chrome.mjs';
import { quantizedModels, toHalf } from '../../scripts/build/quantize-models.mjs';

const root = new URL('../../', import.meta.url).pathname;
const scenes = readdirSync(new URL('../fixtures/camera/', import.meta.url)).filter((f) => f.endsWith('.jpg'));

interface SceneResult {
  scene: string;
  faces: { box: Box; score: number }[];
  hint: string;
  /** Weight bytes of the model that ran, as the loader read them. */
  weightBytes: number;
}

// Runs in the page: detect on each scene at the width the capture flow detects at (320), report in 640x480 pixels.
const detectScenes = async (modelBaseUrl: string, files: string[]): Promise<SceneResult[]> => {
  const { HumanDetector } = await import('/src/face/human-detector.ts' as string);
  const { rawHint } = await import('/src/face/guidance.ts' as string);
  const detector = new HumanDetector({ modelBaseUrl, wasmUrl: '/node_modules/@tensorflow/tfjs-backend-wasm/dist/' });
  await detector.load(['detect']);
  const out: SceneResult[] = [];
  for (const scene of files) {
    const image = await createImageBitmap(await (await fetch(`/test/fixtures/camera/${scene}`)).blob());
    const bitmap = await createImageBitmap(image, { resizeWidth: 320, resizeHeight: Math.round((image.height * 320) / image.width), resizeQuality: 'low' });
    const obs = await detector.detect({ bitmap, width: image.width, height: image.height, timestamp: 0 }, ['detect']);
    out.push({ scene, faces: obs.faces.map((f: { box: Box; score: number }) => ({ box: f.box, score: f.score })), hint: rawHint(obs, 'no_face', undefined), weightBytes: detector.modelBytes.blazeface });
  }
  detector.dispose();
  return out;
};

describe('quantized blazeface', () => {
  let server: Awaited<ReturnType<typeof startDevServer>>;
  let browser: Browser;
  let origin: string;
  const run = async (modelBaseUrl: string): Promise<SceneResult[]> => {
    // A page per model: tfjs keeps one engine per page.
    const page = await browser.newPage();
    try {
      await page.goto(`${origin}/__quantize__.html`);
      return await page.evaluate(detectScenes, modelBaseUrl, scenes);
    } finally {
      await page.close();
    }
  };

  before(async () => {
    const executablePath = findChrome();
    if (!executablePath) throw new Error(installHint);
    quantizedModels();
    server = await startDevServer({
      config: {
        rootDir: root,
        port: 0,
        nodeResolve: true,
        plugins: [
          { name: 'quantize-page', serve: (ctx: { path: string }) => (ctx.path === '/__quantize__.html' ? { body: '<!doctype html><title>quantize</title>', type: 'html' } : undefined) },
          esbuildPlugin({ ts: true, target: 'es2022', tsconfig: `${root}tsconfig.json` }),
        ],
      },
      readCliArgs: false,
      readFileConfig: false,
      logStartMessage: false,
    });
    const address = server.server?.address();
    origin = `http://localhost:${typeof address === 'object' && address ? address.port : 0}`;
    browser = await puppeteer.launch({ executablePath, headless: true, args: baseChromeArgs.filter((a) => !a.startsWith('--headless')) });
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('encodes halves as IEEE 754 binary16, rounding to nearest even', () => {
    assert.equal(toHalf(1), 0x3c00);
    assert.equal(toHalf(-2), 0xc000);
    assert.equal(toHalf(65504), 0x7bff);
    assert.equal(toHalf(1e6), 0x7c00);
    assert.equal(toHalf(2 ** -24), 0x0001);
    assert.equal(toHalf(2 ** -26), 0x0000);
    assert.equal(toHalf(1 + 2 ** -11), 0x3c00); // a tie rounds to the even mantissa
    assert.equal(toHalf(1 + 3 * 2 ** -11), 0x3c02);
    assert.equal(toHalf(Number.NaN) & 0x7e00, 0x7e00);
  });

  let original: SceneResult[];
  it('the original model finds the faces each scene is made of', async (t) => {
    original = await run('/node_modules/@vladmandic/human/models/');
    t.diagnostic(JSON.stringify(original.map((r) => [r.scene, r.hint, r.faces.map((f) => Math.round(f.box.width))])));
    const faces = Object.fromEntries(original.map((r) => [r.scene, r.faces.length]));
    assert.equal(faces['no-face.jpg'], 0);
    assert.equal(faces['face-frontal.jpg'], 1);
    assert.ok(faces['two-faces.jpg'] >= 2, `two-faces: ${faces['two-faces.jpg']} faces`);
  });

  it('float16: the same faces (boxes within 1.5% of the frame width) and the same hint on every scene', async (t) => {
    assert.ok(original, 'the original model ran');
    const dir = quantizedModels();
    const manifest = JSON.parse(readFileSync(`${dir}/blazeface.json`, 'utf8')).weightsManifest[0];
    assert.ok(manifest.weights.every((w: { dtype: string; quantization?: { dtype: string } }) => w.dtype !== 'float32' || w.quantization?.dtype === 'float16'));
    const size = statSync(`${dir}/blazeface.bin`).size, originalSize = statSync(`${root}node_modules/@vladmandic/human/models/blazeface.bin`).size;
    assert.ok(size < 0.51 * originalSize);
    const folder = `/${relative(root, dir)}/`;
    const quantized = await run(folder);
    // The float16 file is what ran: the loader read its bytes, not the original's.
    assert.equal(quantized[0]!.weightBytes, size);
    assert.equal(original[0]!.weightBytes, originalSize);
    let worstEdge = 0;
    for (const [i, q] of quantized.entries()) {
      const o = original[i];
      assert.equal(q.hint, o.hint, `${q.scene}: hint`);
      assert.equal(q.faces.length, o.faces.length, `${q.scene}: faces`);
      for (const [j, f] of q.faces.entries()) {
        const g = o.faces[j];
        const edges = [f.box.x - g.box.x, f.box.y - g.box.y, f.box.x + f.box.width - g.box.x - g.box.width, f.box.y + f.box.height - g.box.y - g.box.height];
        const worst = Math.max(...edges.map(Math.abs)) / 640;
        worstEdge = Math.max(worstEdge, worst);
        assert.ok(worst <= 0.015, `${q.scene} face ${j}: box edge off by ${(worst * 100).toFixed(2)}% of the width`);
        assert.ok(Math.abs(f.score - g.score) <= 0.05, `${q.scene} face ${j}: score ${f.score} against ${g.score}`);
      }
    }
    t.diagnostic(`largest box edge difference ${(worstEdge * 640).toFixed(3)} px of 640`);
  });
});
