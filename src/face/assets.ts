/**
 * Where the face model files and the tfjs WebAssembly binaries are served from. By default they are the package's own
 * dependencies, resolved relative to this module; a host that serves them elsewhere passes `assetsUrl`, a folder that
 * holds `models/` (Human's model files) and `wasm/` (the tfjs-backend-wasm `dist/` files). Never a CDN.
 */
export interface FaceAssetUrls {
  modelBaseUrl: string;
  wasmUrl: string;
}

export function faceAssetUrls(assetsUrl?: string | URL): FaceAssetUrls {
  if (assetsUrl !== undefined) {
    const base = new URL(String(assetsUrl).replace(/\/?$/, '/'), globalThis.location?.href);
    return { modelBaseUrl: new URL('models/', base).href, wasmUrl: new URL('wasm/', base).href };
  }
  // Held in variables: bundlers rewrite `new URL('<literal>', import.meta.url)` into a single asset, and Vite turns a
  // folder into its package's entry file, while these must stay folders.
  const models = '../../node_modules/@vladmandic/human/models/';
  const wasm = '../../node_modules/@tensorflow/tfjs-backend-wasm/dist/';
  return { modelBaseUrl: new URL(models, import.meta.url).href, wasmUrl: new URL(wasm, import.meta.url).href };
}
