import { defineConfig } from 'vite';
import { fileURLToPath } from 'node:url';
import { basename } from 'node:path';
import { dropHumanWarmupSamples, float16Blazeface, humanWithPackageTfjs } from './scripts/build/vite-face-assets.mjs';
import { minifyLitCss } from './scripts/build/vite-lit-css.mjs';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

/**
 * Where the package's files go in dist/: fixed names, no hashes, so that the same sources always give the same files
 * and `dist/assets/` has the layout `assets-url` expects (models/, wasm/, codec.wasm).
 */
function assetFileName({ names }: { names: string[] }): string {
  const name = basename(names[0] ?? 'asset');
  if (/\.(json|bin)$/.test(name)) return `assets/models/${name}`;
  if (name.startsWith('tfjs-backend-wasm')) return `assets/wasm/${name}`;
  return `assets/${name}`;
}

// One config for two jobs: `vite` serves the demo from demo/ (which imports the sources directly), and
// `vite build` makes the package's modules in dist/ (scripts/build/package.mjs adds the declarations and the CLI).
export default defineConfig({
  root: here('./demo'),
  base: './',
  server: {
    port: Number(process.env.PORT ?? 5173),
    // The demo imports ../src, outside the root.
    fs: { allow: [here('.')] },
  },
  // The dependency scan reads the demo page only: demo/'s framework examples import the element by its package
  // name, which only their own config (demo/frameworks.vite.config.ts) resolves.
  optimizeDeps: { entries: ['index.html'] },
  // Smaller face-detector downloads: blazeface's weights as float16; in the face worker, Human without its bundled
  // tfjs (the package's own, wasm backend only) and without its warmup photos. The element's styles without their
  // comments and indentation.
  plugins: [float16Blazeface(), minifyLitCss()],
  worker: {
    format: 'es',
    plugins: () => [humanWithPackageTfjs(), dropHumanWarmupSamples()],
    rolldownOptions: {
      // One file per worker: a host's bundler builds a worker again from that file, and a classic (non-module) worker
      // build fails on split chunks.
      // Minified like the package's modules: the worker's tfjs comes from the packages' unminified ES modules.
      output: { entryFileNames: 'assets/[name].js', assetFileNames: assetFileName, codeSplitting: false, minify: true },
    },
  },
  build: {
    outDir: here('./dist'),
    emptyOutDir: true,
    target: 'es2022',
    // Source maps would point at src/, which the package does not ship.
    sourcemap: false,
    lib: {
      entry: {
        // The package entry: registers <oz-liveness> and exports the class, types, errors and texts.
        index: here('./src/index.ts'),
        // Registration alone.
        define: here('./src/define.ts'),
        // The class without registration, for hosts that define the tag themselves (a scoped registry, another name).
        element: here('./src/oz-liveness.ts'),
        // The vendor's classic OzLiveness global (registers too).
        global: here('./src/global.ts'),
        // The React component (@lit/react); React is the host's.
        react: here('./src/react.ts'),
      },
      formats: ['es'],
      fileName: (_format, name) => `${name}.js`,
    },
    rolldownOptions: {
      // Lit stays a dependency of the host's bundle so that one page does not load two copies.
      external: [/^lit(\/.*)?$/, /^@lit\//, /^react(\/.*)?$/],
      output: {
        chunkFileNames: 'chunks/[name].js',
        assetFileNames: assetFileName,
        // Lib mode minifies ES output without its whitespace; the package ships fully minified modules.
        minify: true,
      },
    },
  },
});
