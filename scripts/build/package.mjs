// `npm run build`: the publishable package in dist/ (after `npm run build:wasm`).
//   dist/*.js, dist/chunks/   the ES modules (vite.config.ts), lit left external
//   dist/assets/              the workers, codec.wasm, face.wasm (the face kernels), the face models and the tfjs wasm
//                             binaries (for the opt-in Human detector)
//   dist/cli.mjs              the oz-container CLI, plain JavaScript for Node
//   dist/types/               the declarations (tsc), with the tag and event maps
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';

const root = fileURLToPath(new URL('../..', import.meta.url));
const dist = join(root, 'dist');
process.chdir(root);

if (!existsSync('wasm/build/codec.wasm')) throw new Error('wasm/build/codec.wasm is missing: run `npm run build:wasm` first');

await build({ configFile: join(root, 'vite.config.ts'), logLevel: 'warn' });

// The CLI. In the sources the codec's default URL points into wasm/build/; next to dist/cli.mjs the codec is the
// one the library build put in dist/assets/.
const codecDefault = "new URL('../../wasm/build/codec.wasm?no-inline', import.meta.url)";
await build({
  configFile: false,
  root,
  logLevel: 'warn',
  plugins: [{
    name: 'oz-cli-codec-url',
    enforce: 'pre',
    transform(code, id) {
      if (!id.endsWith('/src/container/codec.ts')) return null;
      if (!code.includes(codecDefault)) this.error(`${id}: the codec's default URL changed; update scripts/build/package.mjs`);
      return code.replace(codecDefault, "new URL('./assets/codec.wasm', import.meta.url)");
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
if (!existsSync(join(dist, 'assets/codec.wasm'))) throw new Error('dist/assets/codec.wasm is missing: the CLI needs it');

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
