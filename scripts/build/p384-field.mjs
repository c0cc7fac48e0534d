// Writes wasm/p384/field.ts: P-384's field multiplication and squaring unrolled, every limb in a local, which no
// loop form of the same arithmetic matches in WebAssembly. Run by scripts/build/wasm.mjs; a Node test checks that
// the file is what this script writes. The arithmetic is the one the generated file's comment states.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const L = 12;
const FILE = fileURLToPath(new URL('../../wasm/p384/field.ts', import.meta.url));

/** Items joined six to a line, indented. */
function lines(items, indent = '  ') {
  const rows = [];
  for (let i = 0; i < items.length; i += 6) rows.push(indent + items.slice(i, i + 6).join(', '));
  return rows.join(',\n');
}

function product(square) {
  const out = [];
  const name = square ? 'sqrWide' : 'mulWide';
  out.push(square
    ? '/** out = a^2, as 12 limbs of value below 2^384 and congruent mod p (not yet below p). `out` may be `a`. */'
    : '/** out = a·b, as 12 limbs of value below 2^384 and congruent mod p (not yet below p). `out` may be `a` or `b`. */');
  out.push(`export function ${name}(out: usize, a: usize${square ? '' : ', b: usize'}): void {`);
  for (let i = 0; i < L; i++) out.push(`  const a${i} = <u64>load<u32>(a, ${4 * i});`);
  if (!square) for (let i = 0; i < L; i++) out.push(`  const b${i} = <u64>load<u32>(b, ${4 * i});`);
  out.push('  let p: u64, lo: u64, hi: u64 = 0, cl: u64, ch: u64;');
  // Column k: the low halves of its products, and the high halves of column k - 1's.
  for (let k = 0; k < 2 * L - 1; k++) {
    const pairs = [];
    for (let i = Math.max(0, k - (L - 1)); i <= Math.min(k, L - 1); i++) pairs.push([i, k - i]);
    out.push(`  lo = hi; hi = 0;`);
    if (square) {
      const cross = pairs.filter(([i, j]) => i < j);
      const diag = pairs.filter(([i, j]) => i === j);
      if (cross.length) {
        out.push('  cl = 0; ch = 0;');
        for (const [i, j] of cross) out.push(`  p = a${i} * a${j}; cl += p & 0xffffffff; ch += p >> 32;`);
        out.push('  lo += cl << 1; hi += ch << 1;');
      }
      for (const [i] of diag) out.push(`  p = a${i} * a${i}; lo += p & 0xffffffff; hi += p >> 32;`);
    } else {
      for (const [i, j] of pairs) out.push(`  p = a${i} * b${j}; lo += p & 0xffffffff; hi += p >> 32;`);
    }
    out.push(`  const w${k} = lo;`);
  }
  out.push(`  reduce(\n    out,\n${lines([...Array.from({ length: 2 * L - 1 }, (_, k) => `<i64>w${k}`), '<i64>hi'], '    ')},\n  );`);
  out.push('}');
  return out.join('\n');
}

/** The 24 words folded and carried into 12 limbs, one function inlined into both products. */
function reduce() {
  const out = [];
  const words = lines(Array.from({ length: 2 * L }, (_, k) => `w${k}: i64`));
  out.push('/** The 24 signed column words of a product to 12 limbs of value below 2^384, congruent mod p, at `out`. */');
  out.push('// @ts-ignore: decorator');
  out.push(`@inline function reduce(\n  out: usize,\n${words},\n): void {`);
  // 2^384 ≡ 2^128 + 2^96 - 2^32 + 1 (mod p): word 12 + k moves to words k, k + 1 (negated), k + 3 and k + 4.
  for (let k = 2 * L - 1; k >= L; k--) {
    const j = k - L;
    out.push(`  w${j} += w${k}; w${j + 1} -= w${k}; w${j + 3} += w${k}; w${j + 4} += w${k};`);
  }
  // Carry until no carry leaves word 11; each carry out is folded back the same way.
  out.push('  let c: i64 = 0;');
  out.push('  do {');
  out.push('    w0 += c; w1 -= c; w3 += c; w4 += c;');
  for (let i = 0; i < L; i++) {
    out.push(`    ${i ? `w${i} += c; ` : ''}c = w${i} >> 32; w${i} &= 0xffffffff;`);
  }
  out.push('  } while (c != 0);');
  for (let i = 0; i < L; i++) out.push(`  store<u32>(out, <u32>w${i}, ${4 * i});`);
  out.push('}');
  return out.join('\n');
}

const text = [
  '// Written by scripts/build/p384-field.mjs: edit that script, not this file.',
  '//',
  '// Products of two field elements of P-384 (12 little-endian 32-bit limbs). Each of the 23 columns sums the low',
  '// halves of its 32x32-bit products and, apart, their high halves (which belong to the next column), so no carry',
  '// chain runs through the products. The 24 signed words are then folded from the top with 2^384 ≡ 2^128 + 2^96 -',
  '// 2^32 + 1 (mod p), and carried once, any carry out of the top word folded back until none is left.',
  '',
  reduce(),
  '',
  product(false),
  '',
  product(true),
  '',
].join('\n');

export function fieldSource() {
  return text;
}

/** Writes the file when it differs (so its time, which the build compares, moves only then). */
export function writeFieldSource() {
  let current = '';
  try { current = readFileSync(FILE, 'utf8'); } catch { /* absent */ }
  if (current !== text) writeFileSync(FILE, text);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) writeFieldSource();
