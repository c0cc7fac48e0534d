// What Safari needs from the platform, checked in WebKit (and in Firefox alongside): the WebAssembly modules served
// as application/wasm and loaded by the real workers, WebCrypto's HPKE in the container worker, and Trusted Types
// used only where the engine has them (src/trusted-types.ts feature-detects).
import { expect } from '@open-wc/testing';
import { ContainerClient } from '../../src/container/client.ts';
import { DEFAULT_CODEC_URL } from '../../src/container/codec.ts';
import { faceAssetUrls } from '../../src/face/assets.ts';
import { trustedScriptURL } from '../../src/trusted-types.ts';
import { BlazeFaceDetector, hasRelaxedSimd } from '../../src/face/blazeface-detector.ts';
import { facesInImage } from '../browser/face/helpers.ts';
import { issueSession, sampleBytes, sampleCapture } from '../node/container-harness.ts';
import { openInNode, sha256 } from './open-in-node.ts';

describe('platform needs in this engine', () => {
  it('serves the codec and the detector as application/wasm, and both compile here', async () => {
    for (const url of [DEFAULT_CODEC_URL.href, faceAssetUrls().faceWasmUrl]) {
      const response = await fetch(url);
      expect(response.status, url).to.equal(200);
      expect(response.headers.get('content-type'), url).to.match(/^application\/wasm/);
      // The streaming compile is the one that insists on the MIME type (Safari refuses any other).
      expect(await WebAssembly.compileStreaming(response)).to.be.instanceOf(WebAssembly.Module);
    }
  });

  it('loads the relaxed SIMD kernels only where the engine validates them', async () => {
    const bytes = await (await fetch(faceAssetUrls().faceRelaxedWasmUrl)).arrayBuffer();
    const valid = WebAssembly.validate(bytes);
    console.log(`relaxed SIMD in this engine: ${hasRelaxedSimd()}`);
    // The probe agrees with the real module: the detector never fetches kernels the engine would refuse.
    expect(hasRelaxedSimd()).to.equal(valid);
    const files = faceAssetUrls().files!;
    const detector = new BlazeFaceDetector({ modelUrl: files['facemesh-detection-short.json'], weightsUrl: files['facemesh-detection-short.bin'], wasmUrl: files['face.wasm'], relaxedWasmUrl: files['face-relaxed.wasm'] });
    expect(detector.kernels).to.equal(valid ? 'relaxed-simd' : 'simd');
    await detector.load(['detect']);
    detector.dispose();
  });

  it('packs a capture in the container worker (codec in WebAssembly, HPKE in WebCrypto) that opens in Node', async () => {
    const session = await issueSession();
    const input = sampleCapture(session.token);
    const expected = await Promise.all(input.media.map(async (m) => ({ name: m.name, size: m.data.byteLength, sha256: await sha256(new Blob([m.data as Uint8Array<ArrayBuffer>])) })));
    const client = new ContainerClient();
    try {
      const opened = await openInNode(await client.pack(input), session);
      expect(opened.sessionId).to.equal(session.sid);
      expect(opened.media.map(({ name, size, sha256 }) => ({ name, size, sha256 }))).to.deep.equal(expected);
    } finally {
      client.terminate();
    }
  });

  it('packs a clip of three chunks, the first sealed last, into a Blob made in the container worker\'s Blob thread', async () => {
    const session = await issueSession();
    const clip = sampleBytes(1_300_000, 31);
    const parts = [0, 1, 2].map((i) => clip.slice(i * 524_288, (i + 1) * 524_288));
    const input = { ...sampleCapture(session.token), payload: { 'media:tags': {}, 'folder:meta_data': {} }, media: [{ name: 'clip.webm', tags: ['video_selfie'], mime: 'video/webm', data: parts }] };
    const client = new ContainerClient();
    try {
      const { blob, stats } = await client.packWithStats(input);
      console.log(`container Blob thread in this engine: ${stats.blobThread}`);
      expect(stats.blobThread).to.equal(true);
      const opened = await openInNode(blob, session);
      expect(opened.media.map(({ name, size, sha256 }) => ({ name, size, sha256 }))).to.deep.equal([{ name: 'clip.webm', size: clip.length, sha256: await sha256(new Blob([clip as Uint8Array<ArrayBuffer>])) }]);
    } finally {
      client.terminate();
    }
  });

  it('finds the one face of the frontal scene with the detector in its worker (SIMD WebAssembly)', async () => {
    const faces = await facesInImage(new URL('../fixtures/camera/face-frontal.jpg', import.meta.url).href);
    expect(faces).to.have.length(1);
    expect(faces[0]!.score).to.be.above(0.5);
  });

  it('goes through the oz-liveness Trusted Types policy where the engine has Trusted Types', () => {
    const url = new URL('../../src/container/container.worker.ts', import.meta.url).href;
    const made = trustedScriptURL(url);
    const factory = (globalThis as { trustedTypes?: { isScriptURL(value: unknown): boolean } }).trustedTypes;
    if (factory) {
      expect(factory.isScriptURL(made)).to.equal(true);
      expect(String(made)).to.equal(url);
    } else {
      expect(made).to.equal(url);
    }
  });

  it('starts its workers from plain URLs where the engine has no Trusted Types API (Safari before 26)', async () => {
    // This engine has the API. A fresh instance of the module (its own module URL) looks for it on its first call,
    // so the test hides it for that call only, as an older Safari's page would lack it, and puts it back at once.
    const freshUrl = new URL('../../src/trusted-types.ts?without-api', import.meta.url).href;
    const fresh = (await import(freshUrl)) as typeof import('../../src/trusted-types.ts');
    const url = new URL('../../src/container/container.worker.ts', import.meta.url).href;
    const own = Object.getOwnPropertyDescriptor(globalThis, 'trustedTypes');
    Object.defineProperty(globalThis, 'trustedTypes', { value: undefined, configurable: true });
    let made: unknown;
    let worker: Worker;
    try {
      made = fresh.trustedScriptURL(url);
      worker = new fresh.TrustedWorker(url, { type: 'module' });
    } finally {
      if (own) Object.defineProperty(globalThis, 'trustedTypes', own);
      else Reflect.deleteProperty(globalThis, 'trustedTypes');
    }
    expect(made).to.be.a('string').and.equal(url);
    try {
      const answer = new Promise<unknown>((resolve, reject) => {
        worker.onmessage = (e) => resolve(e.data);
        worker.onerror = (e) => reject(new Error(`the worker did not start: ${e.message}`));
      });
      worker.postMessage({ type: 'init', wasmUrl: DEFAULT_CODEC_URL.href, memoryLimitBytes: 64 << 20 });
      expect(await answer).to.deep.equal({ type: 'ready' });
    } finally {
      worker.terminate();
    }
  });
});
