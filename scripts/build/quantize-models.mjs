// Writes quantized copies of Human's face models: the float32 weights stored as float16, half the bytes. The tfjs
// loader reads the weights manifest's `quantization` entry and turns the values back into float32, so the graph and
// the code that runs it are unchanged (test/node/model-quantize.test.ts: the same boxes on every camera scene).
// uint8 with a per-tensor min and scale would be a quarter, but moved blazeface's box on the close-up scene by a
// tenth of the frame, so it is not offered. Output goes to .cache/models/float16/ and is rebuilt when the source
// model is newer; the size check (and a package build) copy it from there.
// Usage: node scripts/build/quantize-models.mjs [model ...]   (default: blazeface)
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const humanModels = join(root, 'node_modules/@vladmandic/human/models');
export const cacheDir = join(root, '.cache/models');

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** IEEE 754 half from a float32, rounded to nearest even; overflow goes to infinity, tiny values to subnormals. */
export function toHalf(value) {
  f32[0] = value;
  const x = u32[0];
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  let mant = x & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0);
  let e = exp - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign;
    mant |= 0x800000;
    const shift = 14 - e;
    let half = mant >>> shift;
    const rest = mant & ((1 << shift) - 1), mid = 1 << (shift - 1);
    if (rest > mid || (rest === mid && half & 1)) half++;
    return sign | half;
  }
  let half = (e << 10) | (mant >>> 13);
  const rest = mant & 0x1fff;
  if (rest > 0x1000 || (rest === 0x1000 && half & 1)) half++;
  return sign | half;
}

function toHalves(values) {
  const out = new Uint16Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = toHalf(values[i]);
  return Buffer.from(out.buffer);
}

const sizeOf = (shape) => shape.reduce((a, b) => a * b, 1);

/** Writes `name`.json and .bin (from `from`) with float16 weights into `to`; returns the paths written. */
export function quantizeModel(name, from = humanModels, to = join(cacheDir, 'float16')) {
  const model = JSON.parse(readFileSync(join(from, `${name}.json`), 'utf8'));
  // One weight group gives one output file, named after the model.
  if (model.weightsManifest.length !== 1) throw new Error(`quantize: ${name} has ${model.weightsManifest.length} weight groups, one expected`);
  mkdirSync(to, { recursive: true });
  const manifest = [];
  for (const group of model.weightsManifest) {
    const bin = Buffer.concat(group.paths.map((p) => readFileSync(join(from, p))));
    let offset = 0;
    const parts = [], weights = [];
    for (const w of group.weights) {
      if (w.quantization) throw new Error(`quantize: ${name}/${w.name} is already quantized`);
      const bytes = sizeOf(w.shape) * 4;
      if (w.dtype !== 'float32' && w.dtype !== 'int32') throw new Error(`quantize: ${name}/${w.name} has dtype ${w.dtype}`);
      const raw = bin.subarray(offset, offset + bytes);
      offset += bytes;
      if (w.dtype === 'float32') {
        const values = new Float32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + bytes));
        parts.push(toHalves(values));
        weights.push({ ...w, quantization: { dtype: 'float16' } });
      } else {
        parts.push(raw);
        weights.push(w);
      }
    }
    if (offset !== bin.length) throw new Error(`quantize: ${name} weights take ${offset} bytes, the files hold ${bin.length}`);
    const file = `${name}.bin`;
    writeFileSync(join(to, file), Buffer.concat(parts));
    manifest.push({ paths: [file], weights });
  }
  writeFileSync(join(to, `${name}.json`), JSON.stringify({ ...model, weightsManifest: manifest }));
  return [join(to, `${name}.json`), join(to, `${name}.bin`)];
}

/** The folder of float16 models, made (or remade when a source is newer) as needed. */
export function quantizedModels(names = ['blazeface']) {
  const to = join(cacheDir, 'float16');
  for (const name of names) {
    const out = join(to, `${name}.bin`), src = join(humanModels, `${name}.bin`);
    if (!existsSync(out) || statSync(out).mtimeMs < statSync(src).mtimeMs) quantizeModel(name);
  }
  return to;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const names = process.argv.slice(2);
  for (const name of names.length ? names : ['blazeface']) {
    for (const file of quantizeModel(name)) console.log(`${String(statSync(file).size).padStart(9)}  ${file}`);
  }
}
