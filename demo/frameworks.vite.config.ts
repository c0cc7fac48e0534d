import { defineConfig, type Plugin } from 'vite';
import vue from '@vitejs/plugin-vue';
import { fileURLToPath } from 'node:url';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

// The framework examples: demo/html/, demo/react/, demo/vue/ and demo/angular/, each its own page.
//   npx vite --config demo/frameworks.vite.config.ts         serves them at /html/, /react/, /vue/, /angular/
//                                                            (and /react/raw-tag.html: the tag without the wrapper)
//   npx vite build --config demo/frameworks.vite.config.ts   builds them into demo/dist/
// They import the element as an installed package is imported ('oz-liveness', 'oz-liveness/react'); the aliases
// point those names at the sources. Nothing else is special: the face models and wasm files are found through the
// package's own `new URL(..., import.meta.url)` references, which Vite copies into the build like any asset.

const sources = here('../src/');

/**
 * package.json's `sideEffects` names the built files (dist/) that register the tag; the aliases lead to the sources
 * instead, which a production build would then take for side-effect free and drop `import 'oz-liveness'` with the
 * registration. The sources keep their side effects, as the built files do.
 */
function sourcesHaveSideEffects(): Plugin {
  return {
    name: 'oz-liveness-sources-have-side-effects',
    transform(code, id) {
      return id.startsWith(sources) ? { code, moduleSideEffects: true, map: null } : undefined;
    },
  };
}

export default defineConfig({
  root: here('.'),
  base: '/',
  resolve: {
    alias: [
      { find: /^oz-liveness$/, replacement: here('../src/index.ts') },
      { find: /^oz-liveness\/react$/, replacement: here('../src/react.ts') },
    ],
  },
  // React's automatic JSX runtime, as in a fresh React + Vite app.
  oxc: { jsx: { runtime: 'automatic' } },
  plugins: [
    sourcesHaveSideEffects(),
    vue({
      template: {
        // Tags starting with oz- are custom elements, not Vue components to resolve.
        compilerOptions: { isCustomElement: (tag) => tag.startsWith('oz-') },
      },
    }),
  ],
  server: {
    // The examples import ../src, outside the root.
    fs: { allow: [here('..')] },
  },
  worker: { format: 'es' },
  build: {
    outDir: here('./dist'),
    emptyOutDir: true,
    target: 'es2022',
    // The face worker (Human and tfjs) and Angular's in-browser compiler are large by nature.
    chunkSizeWarningLimit: 2000,
    rolldownOptions: {
      input: {
        html: here('./html/index.html'),
        react: here('./react/index.html'),
        'react-raw-tag': here('./react/raw-tag.html'),
        vue: here('./vue/index.html'),
        angular: here('./angular/index.html'),
      },
    },
  },
});
