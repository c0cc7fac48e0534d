// Compiles the AssemblyScript modules, each only when a source (or one in wasm/common/) is newer than its output:
//   wasm/assembly/ -> wasm/build/codec.wasm (the container codec) and codec.debug.wasm
//   wasm/face/     -> wasm/build/face.wasm (BlazeFace's layers, SIMD), face-relaxed.wasm (the same with relaxed SIMD's
//                     fused multiply-add, for engines that have it) and face.debug.wasm
//   wasm/p384/     -> wasm/build/p384.wasm (ECDSA P-384 verification with fixed-point tables, for the Node opener)
//                     and p384.debug.wasm
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { writeFieldSource } from './p384-field.mjs';

const sources = (dir) => readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
  e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []);

writeFieldSource(); // wasm/p384/field.ts, generated

const modules = [
  { dir: 'wasm/assembly', config: 'wasm/asconfig.json', out: 'wasm/build/codec', targets: ['release', 'debug'] },
  { dir: 'wasm/face', config: 'wasm/face/asconfig.json', out: 'wasm/build/face', targets: ['release', 'relaxed', 'debug'] },
  { dir: 'wasm/p384', config: 'wasm/p384/asconfig.json', out: 'wasm/build/p384', targets: ['release', 'debug'] },
];
for (const m of modules) {
  const inputs = [...sources(m.dir), ...sources('wasm/common'), m.config];
  const newest = Math.max(...inputs.map((f) => statSync(f).mtimeMs));
  for (const target of m.targets) {
    const out = m.out + { release: '.wasm', relaxed: '-relaxed.wasm', debug: '.debug.wasm' }[target];
    if (existsSync(out) && statSync(out).mtimeMs >= newest) continue;
    execFileSync('npx', ['asc', join(m.dir, 'index.ts'), '--config', m.config, '--target', target], { stdio: 'inherit' });
    console.log(`built ${out}`);
  }
}
