// Vite plugins that make the face detector's download smaller in the package build (dev and tests keep Human's own
// files). Each fails the build when what it expects is not there, so an upgrade of Human cannot silently undo it.
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { quantizedModels } from './quantize-models.mjs';

/**
 * tfjs backends Human's no-bundle build imports but the detector never starts: it runs on `backend: 'wasm'` only, and
 * tfjs never hands a kernel to another backend. (The wasm backend still takes its shared kernel code from
 * `@tensorflow/tfjs-backend-cpu/dist/shared`, a separate module that stays.)
 */
export const unusedTfjsBackends = [
  '@tensorflow/tfjs-backend-webgl/dist/index.js',
  '@tensorflow/tfjs-backend-webgpu/dist/index.js',
  '@tensorflow/tfjs-backend-cpu/dist/index.js',
];
const emptyBackend = '\0oz-unused-tfjs-backend';

/**
 * Builds the face worker on Human's no-bundle build and the package's own tfjs (core, converter, the wasm backend)
 * instead of Human's default build, which carries all of tfjs with its cpu, webgl and webgpu backends. Human only
 * starts another backend when its `backend` option names it (or when that backend is missing, and then the detector
 * fails with "the tfjs wasm backend did not start"), so their modules are left out. Human's package exports do not
 * name the no-bundle file; it is found next to the default one.
 */
export function humanWithPackageTfjs() {
  return {
    name: 'oz-human-nobundle',
    apply: 'build',
    enforce: 'pre',
    async resolveId(source, importer, options) {
      if (unusedTfjsBackends.includes(source)) return emptyBackend;
      if (source !== '@vladmandic/human') return null;
      const bundled = await this.resolve(source, importer, { ...options, skipSelf: true });
      const file = bundled && join(dirname(bundled.id), 'human.esm-nobundle.js');
      if (!file || !existsSync(file)) this.error(`Human's no-bundle build is not next to ${bundled?.id ?? 'its default build'}`);
      return file;
    },
    load(id) {
      return id === emptyBackend ? 'export {};' : null;
    },
  };
}

/**
 * Ships blazeface with float16 weights (scripts/build/quantize-models.mjs): 270 KB instead of 539 KB, the same boxes on
 * every camera scene (test/node/model-quantize.test.ts). Swaps the emitted files' contents; names stay as they are.
 */
export function float16Blazeface() {
  return {
    name: 'oz-float16-blazeface',
    apply: 'build',
    generateBundle(_options, bundle) {
      const dir = quantizedModels();
      const swapped = [];
      for (const file of Object.values(bundle)) {
        const name = basename(file.fileName);
        if (file.type === 'asset' && (name === 'blazeface.json' || name === 'blazeface.bin')) {
          file.source = readFileSync(join(dir, name));
          swapped.push(name);
        }
      }
      if (swapped.length && swapped.length !== 2) this.error(`float16 blazeface: only ${swapped.join(', ')} was emitted`);
    },
  };
}

/**
 * Drops the two sample photos (about 55 KB of base64) that Human bundles for `warmup`: the detector runs with
 * `warmup: 'none'` and never calls `human.warmup()`, so they are never read. The variables stay, empty.
 */
export function dropHumanWarmupSamples() {
  return {
    name: 'oz-drop-human-warmup-samples',
    apply: 'build',
    transform(code, id) {
      if (!/[\\/]@vladmandic[\\/]human[\\/]dist[\\/]human\.esm-nobundle\.js$/.test(id.split('?')[0])) return null;
      // The minified build keeps them as two template literals of base64 JPEG (`/9j/…`).
      let count = 0;
      const emptied = code.replace(/`\s*\/9j\/[A-Za-z0-9+/=\s]{1000,}`/g, () => (count++, '``'));
      if (count !== 2) this.error(`drop warmup samples: expected two sample photos in human.esm-nobundle.js, found ${count}`);
      return { code: emptied, map: null };
    },
  };
}
