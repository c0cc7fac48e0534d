// Compiles the AssemblyScript codec (wasm/assembly/) to wasm/build/codec.wasm (release, -O3) and
// wasm/build/codec.debug.wasm, but only when a source is newer than the output.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const sources = (dir) => readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
  e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []);

const inputs = [...sources('wasm/assembly'), 'wasm/asconfig.json'];
const newest = Math.max(...inputs.map((f) => statSync(f).mtimeMs));
for (const target of ['release', 'debug']) {
  const out = target === 'release' ? 'wasm/build/codec.wasm' : 'wasm/build/codec.debug.wasm';
  if (existsSync(out) && statSync(out).mtimeMs >= newest) continue;
  execFileSync('npx', ['asc', 'wasm/assembly/index.ts', '--config', 'wasm/asconfig.json', '--target', target], { stdio: 'inherit' });
  console.log(`built ${out}`);
}
