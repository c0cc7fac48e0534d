// `npm run build`: the publishable package in dist/ (after `npm run build:wasm`).
//   dist/*.js, dist/chunks/   the ES modules (vite.config.ts), lit left external
//   dist/assets/              the workers, codec.wasm, face.wasm (the face kernels), the face models and the tfjs wasm
//                             binaries (for the opt-in Human detector)
//   dist/cli.mjs              the oz-container CLI, plain JavaScript for Node, with dist/assets/p384.wasm (its ES384
//                             tables, src/container/p384.ts)
//   dist/types/               the declarations (tsc), with the tag and event maps
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';

const root = fileURLToPath(new URL('../..', import.meta.url));
const dist = join(root, 'dist');
process.chdir(root);

for (const wasm of ['codec', 'p384']) {
  if (!existsSync(`wasm/build/${wasm}.wasm`)) throw new Error(`wasm/build/${wasm}.wasm is missing: run \`npm run build:wasm\` first`);
}

await build({ configFile: join(root, 'vite.config.ts'), logLevel: 'warn' });

// The CLI. In the sources the codec's and the ES384 tables' default URLs point into wasm/build/; next to dist/cli.mjs
// the codec is the one the library build put in dist/assets/, and p384.wasm (Node only) is copied there.
const defaults = {
  '/src/container/codec.ts': ["new URL('../../wasm/build/codec.wasm?no-inline', import.meta.url)", "new URL('./assets/codec.wasm', import.meta.url)"],
  '/src/container/p384.ts': ["new URL('../../wasm/build/p384.wasm?no-inline', import.meta.url)", "new URL('./assets/p384.wasm', import.meta.url)"],
};
copyFileSync('wasm/build/p384.wasm', join(dist, 'assets/p384.wasm'));
await build({
  configFile: false,
  root,
  logLevel: 'warn',
  plugins: [{
    name: 'oz-cli-wasm-urls',
    enforce: 'pre',
    transform(code, id) {
      const entry = Object.entries(defaults).find(([file]) => id.endsWith(file));
      if (!entry) return null;
      const [from, to] = entry[1];
      if (!code.includes(from)) this.error(`${id}: the default wasm URL changed; update scripts/build/package.mjs`);
      return code.replace(from, to);
    },
  }],
  build: {
    ssr: join(root, 'bin/oz-container.ts'),
    outDir: dist,
    emptyOutDir: false,
    target: 'node20',
    minify: true,
    sourcemap: false,
    rolldownOptions: { output: { entryFileNames: 'cli.mjs', banner: '#!/usr/bin/env node' } },
  },
});
for (const wasm of ['codec', 'p384']) {
  if (!existsSync(join(dist, `assets/${wasm}.wasm`))) throw new Error(`dist/assets/${wasm}.wasm is missing: the CLI needs it`);
}

// Declarations for the four entries and what they reach. The sources import with `.ts` extensions (run unbundled
// by the test runner); in the published declarations those must name the `.d.ts` files' `.js` twins.
const types = join(dist, 'types');
rmSync(types, { recursive: true, force: true });
execFileSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
const dts = (dir) => readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
  e.isDirectory() ? dts(join(dir, e.name)) : e.name.endsWith('.d.ts') ? [join(dir, e.name)] : []);
for (const file of dts(types)) {
  const text = readFileSync(file, 'utf8');
  const fixed = text.replace(/((?:from|import)\s*\(?\s*['"])(\.{1,2}\/[^'"]+)\.ts(['"])/g, '$1$2.js$3');
  if (fixed !== text) writeFileSync(file, fixed);
}
console.log('built dist/');
