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
  return {
    modelBaseUrl: new URL('../../node_modules/@vladmandic/human/models/', import.meta.url).href,
    wasmUrl: new URL('../../node_modules/@tensorflow/tfjs-backend-wasm/dist/', import.meta.url).href,
  };
}
