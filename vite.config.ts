import { defineConfig } from 'vite';
import { fileURLToPath } from 'node:url';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

// One config for two jobs: `vite` serves the demo from demo/ (which imports the sources directly), and
// `vite build` makes the library: one ES module plus its worker and wasm files next to it, referenced relatively.
export default defineConfig({
  root: here('./demo'),
  base: './',
  server: {
    port: Number(process.env.PORT ?? 5173),
    // The demo imports ../src, outside the root.
    fs: { allow: [here('.')] },
  },
  worker: { format: 'es' },
  build: {
    outDir: here('./dist'),
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: true,
    lib: {
      entry: here('./src/index.ts'),
      formats: ['es'],
      fileName: 'oz-liveness',
    },
    rollupOptions: {
      // Lit stays a dependency of the host's bundle so that one page does not load two copies.
      external: [/^lit(\/.*)?$/, /^@lit\//],
    },
  },
});
