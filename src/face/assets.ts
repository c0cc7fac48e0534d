/**
 * Where the face model files, the face kernels and the tfjs WebAssembly binaries are served from. By default they are the package's own
 * files, each named by a literal `new URL('…', import.meta.url)`: that form is what bundlers (Vite, webpack, Parcel)
 * recognise, so the package build copies them into dist/assets/ and a host's build copies them again into its own
 * output (renamed, hence the per-file table). A host that serves them elsewhere passes `assetsUrl`, a folder that
 * holds `models/` (the model files), `wasm/` (the tfjs-backend-wasm `dist/` files, for Human), `face.wasm` and
 * `face-relaxed.wasm` (the default detector's kernels, the second for engines with relaxed SIMD; next to
 * `codec.wasm`). Never a CDN.
 */
export interface FaceAssetUrls {
  modelBaseUrl: string;
  wasmUrl: string;
  /** The default detector's kernels (wasm/build/face.wasm). */
  faceWasmUrl: string;
  /** The same kernels with relaxed SIMD's fused multiply-add, for engines that validate it (face-relaxed.wasm). */
  faceRelaxedWasmUrl: string;
  /** The default files one by one, by file name; absent with `assetsUrl`. */
  files?: Record<string, string>;
}

// Only the models the detectors use: BlazeFace short-range (the default), and Human's blazeface, facemesh and
// emotion (human-detector.ts featureModels). `?no-inline`
// keeps a library build from inlining them as data: URLs; a static server ignores the query.
const packaged = (): Record<string, string> => ({
  'blazeface.json': new URL('../../node_modules/@vladmandic/human/models/blazeface.json?no-inline', import.meta.url).href,
  'blazeface.bin': new URL('../../node_modules/@vladmandic/human/models/blazeface.bin?no-inline', import.meta.url).href,
  'facemesh.json': new URL('../../node_modules/@vladmandic/human/models/facemesh.json?no-inline', import.meta.url).href,
  'facemesh.bin': new URL('../../node_modules/@vladmandic/human/models/facemesh.bin?no-inline', import.meta.url).href,
  'emotion.json': new URL('../../node_modules/@vladmandic/human/models/emotion.json?no-inline', import.meta.url).href,
  'emotion.bin': new URL('../../node_modules/@vladmandic/human/models/emotion.bin?no-inline', import.meta.url).href,
  'facemesh-detection-short.json': new URL('./models/facemesh-detection-short.json?no-inline', import.meta.url).href,
  'facemesh-detection-short.bin': new URL('./models/facemesh-detection-short.bin?no-inline', import.meta.url).href,
  'face.wasm': new URL('../../wasm/build/face.wasm?no-inline', import.meta.url).href,
  'face-relaxed.wasm': new URL('../../wasm/build/face-relaxed.wasm?no-inline', import.meta.url).href,
  'tfjs-backend-wasm.wasm': new URL('../../node_modules/@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?no-inline', import.meta.url).href,
  'tfjs-backend-wasm-simd.wasm': new URL('../../node_modules/@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?no-inline', import.meta.url).href,
  'tfjs-backend-wasm-threaded-simd.wasm': new URL('../../node_modules/@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?no-inline', import.meta.url).href,
});

export function faceAssetUrls(assetsUrl?: string | URL): FaceAssetUrls {
  if (assetsUrl !== undefined) {
    const base = new URL(String(assetsUrl).replace(/\/?$/, '/'), globalThis.location?.href);
    return {
      modelBaseUrl: new URL('models/', base).href,
      wasmUrl: new URL('wasm/', base).href,
      faceWasmUrl: new URL('face.wasm', base).href,
      faceRelaxedWasmUrl: new URL('face-relaxed.wasm', base).href,
    };
  }
  const files = packaged();
  return {
    modelBaseUrl: new URL('./', files['blazeface.json']).href,
    wasmUrl: new URL('./', files['tfjs-backend-wasm.wasm']).href,
    faceWasmUrl: files['face.wasm'],
    faceRelaxedWasmUrl: files['face-relaxed.wasm'],
    files,
  };
}
