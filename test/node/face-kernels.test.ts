// The face kernels (wasm/build/face.wasm) against plain loops written from the layers' definitions, on random tensors:
// every output pixel, border and inside, for each stride and a channel count that is not a multiple of sixteen.
// The accuracy tests in the browser compare whole detections; these find a wrong tap that a detection would hide.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';

interface Kernels {
  memory: WebAssembly.Memory;
  heapBase(): number;
  reserve(bytes: number): number;
  conv5x5s2(input: number, h: number, w: number, weights: number, bias: number, out: number): void;
  depthwise3x3(input: number, h: number, w: number, c: number, weights: number, stride: number, out: number): void;
  pointwise(input: number, n: number, cin: number, weights: number, bias: number, cout: number, residual: number, rc: number, relu: number, out: number): void;
  areaMean(src: number, stride: number, step: number, x: number, y: number, w: number, h: number, outW: number, outH: number, out: number, channels: number): number;
  ycbcrToRgba(yMean: number, cbMean: number, crMean: number, width: number, height: number, yOff: number, yScale: number, crR: number, cbG: number, crG: number, cbB: number, out: number): void;
  rgbToRgba(rMean: number, gMean: number, bMean: number, n: number, out: number): void;
}

const k = (await WebAssembly.instantiate(await readFile(new URL('../../wasm/build/face.wasm', import.meta.url)), {})).instance.exports as unknown as Kernels;

/** A bump allocator over the kernels' memory: float arrays placed above heapBase, 16-byte aligned. */
function arena() {
  let top = (k.heapBase() + 15) & ~15;
  return (values: Float32Array | number) => {
    const n = typeof values === 'number' ? values : values.length;
    const at = top;
    top += (n * 4 + 15) & ~15;
    assert.ok(k.reserve(top));
    const view = new Float32Array(k.memory.buffer, at, n);
    if (typeof values !== 'number') view.set(values);
    return { at, read: () => new Float32Array(k.memory.buffer, at, n).slice() };
  };
}

let seed = 7;
const random = (n: number, zeroEvery = 0) => Float32Array.from({ length: n }, (_, i) => {
  seed = (seed * 1103515245 + 12345) >>> 0;
  return zeroEvery && i % zeroEvery === zeroEvery - 1 ? 0 : seed / 2 ** 31 - 1;
});

function close(actual: Float32Array, expected: Float32Array, what: string) {
  assert.equal(actual.length, expected.length);
  for (let i = 0; i < actual.length; i++) {
    if (Math.abs(actual[i]! - expected[i]!) > 1e-4 * (1 + Math.abs(expected[i]!))) assert.fail(`${what}: value ${i} is ${actual[i]}, expected ${expected[i]}`);
  }
}

test('conv5x5s2 is a 5x5 convolution, stride 2, SAME padding (1 before, 2 after), bias and ReLU, at every pixel', () => {
  for (const size of [128, 16]) {
    const alloc = arena();
    const h = size, w = size, oh = h / 2, ow = w / 2;
    const input = random(h * w * 4, 4); // the fourth channel is padding: zero
    const weights = random(25 * 4 * 24), bias = random(24);
    const inp = alloc(input), wt = alloc(weights), b = alloc(bias), out = alloc(oh * ow * 24);
    k.conv5x5s2(inp.at, h, w, wt.at, b.at, out.at);
    const expected = new Float32Array(oh * ow * 24);
    for (let y = 0; y < oh; y++) for (let x = 0; x < ow; x++) for (let o = 0; o < 24; o++) {
      let sum = bias[o]!;
      for (let ky = 0; ky < 5; ky++) for (let kx = 0; kx < 5; kx++) {
        const iy = 2 * y + ky - 1, ix = 2 * x + kx - 1;
        if (iy < 0 || iy >= h || ix < 0 || ix >= w) continue;
        for (let c = 0; c < 3; c++) sum += input[(iy * w + ix) * 4 + c]! * weights[((ky * 5 + kx) * 4 + c) * 24 + o]!;
      }
      expected[(y * ow + x) * 24 + o] = Math.max(0, sum);
    }
    close(out.read(), expected, `conv5x5s2 on ${size}x${size}`);
  }
});

test('depthwise3x3 is a 3x3 depthwise convolution without bias, SAME padding, stride 1 and 2, at every pixel, down to 2x2', () => {
  for (const [size, c, stride] of [[16, 24, 1], [16, 28, 2], [8, 96, 1], [32, 44, 2], [9, 8, 1], [3, 4, 1], [2, 4, 1], [2, 4, 2], [6, 12, 2]] as const) {
    const alloc = arena();
    const oh = size / stride;
    const before = stride === 2 ? 0 : 1;
    const input = random(size * size * c), weights = random(9 * c);
    const inp = alloc(input), wt = alloc(weights), out = alloc(oh * oh * c);
    k.depthwise3x3(inp.at, size, size, c, wt.at, stride, out.at);
    const expected = new Float32Array(oh * oh * c);
    for (let y = 0; y < oh; y++) for (let x = 0; x < oh; x++) for (let ch = 0; ch < c; ch++) {
      let sum = 0;
      for (let ky = 0; ky < 3; ky++) for (let kx = 0; kx < 3; kx++) {
        const iy = stride * y - before + ky, ix = stride * x - before + kx;
        if (iy < 0 || iy >= size || ix < 0 || ix >= size) continue;
        sum += input[(iy * size + ix) * c + ch]! * weights[(ky * 3 + kx) * c + ch]!;
      }
      expected[(y * oh + x) * c + ch] = sum;
    }
    close(out.read(), expected, `depthwise3x3 ${size}x${size}x${c} stride ${stride}`);
  }
});

test('pointwise is a 1x1 convolution with bias, an optional residual over the first channels, and optional ReLU', () => {
  for (const [n, cin, cout, rc, relu] of [[64, 24, 28, 24, 1], [16, 96, 96, 96, 1], [64, 88, 32, 0, 0], [64, 96, 8, 0, 0], [16, 32, 36, 32, 1], [16, 88, 4, 0, 0], [16, 24, 24, 24, 1]] as const) {
    const alloc = arena();
    const input = random(n * cin), weights = random(cin * cout), bias = random(cout), residual = random(n * Math.max(rc, 4));
    const inp = alloc(input), wt = alloc(weights), b = alloc(bias), res = alloc(residual), out = alloc(n * cout);
    k.pointwise(inp.at, n, cin, wt.at, b.at, cout, rc ? res.at : 0, rc, relu, out.at);
    const expected = new Float32Array(n * cout);
    for (let p = 0; p < n; p++) for (let o = 0; o < cout; o++) {
      let sum = bias[o]!;
      for (let i = 0; i < cin; i++) sum += input[p * cin + i]! * weights[i * cout + o]!;
      if (o < rc) sum += residual[p * rc + o]!;
      expected[p * cout + o] = relu ? Math.max(0, sum) : sum;
    }
    close(out.read(), expected, `pointwise ${n}x${cin}->${cout}`);
  }
});

/** Bytes placed above everything else in the kernels' memory (the arena's floats are not needed here). */
function bytesAt(bytes: Uint8Array, offset = 4 << 20) {
  const at = ((k.heapBase() + 15) & ~15) + offset;
  assert.ok(k.reserve(at + bytes.length + (1 << 20)));
  new Uint8Array(k.memory.buffer, at, bytes.length).set(bytes);
  return at;
}

test('areaMean averages exactly the pixels of each cell: planes, interleaved and packed, regions, up- and down-scaling', () => {
  const width = 203, height = 151, stride = width * 4 + 12;
  const plane = Uint8Array.from({ length: stride * height }, (_, i) => (i * 2654435761) >>> 24);
  const src = bytesAt(plane);
  const out = src + plane.length + 64;
  // Where the cells' bounds fall: floor(i * w / n), a cell at least one pixel.
  const bounds = (i: number, w: number, n: number) => { const a = Math.floor((i * w) / n); return [a, Math.max(a + 1, Math.floor(((i + 1) * w) / n))]; };
  const cases = [
    { step: 1, channels: 1, x: 0, y: 0, w: 200, h: 150, outW: 128, outH: 128 }, // a whole plane, shrunk unevenly
    { step: 2, channels: 2, x: 3, y: 5, w: 97, h: 61, outW: 64, outH: 64 }, // interleaved chroma (U and V), an odd region
    { step: 4, channels: 3, x: 10, y: 20, w: 190, h: 130, outW: 33, outH: 17 }, // three channels of packed pixels
    { step: 4, channels: 1, x: 10, y: 20, w: 190, h: 130, outW: 33, outH: 17 }, // one of them
    { step: 1, channels: 1, x: 50, y: 40, w: 20, h: 30, outW: 64, outH: 64 }, // a region smaller than the output
    { step: 4, channels: 4, x: 0, y: 0, w: 203, h: 151, outW: 5, outH: 3 }, // cells of many rows and columns
  ];
  for (const c of cases) {
    assert.equal(k.areaMean(src, stride, c.step, c.x, c.y, c.w, c.h, c.outW, c.outH, out, c.channels), 1);
    for (let ch = 0; ch < c.channels; ch++) {
      const got = new Float32Array(k.memory.buffer, out + ch * c.outW * c.outH * 4, c.outW * c.outH);
      for (let oy = 0; oy < c.outH; oy++) {
        const [r0, r1] = bounds(oy, c.h, c.outH);
        for (let ox = 0; ox < c.outW; ox++) {
          const [c0, c1] = bounds(ox, c.w, c.outW);
          let sum = 0;
          for (let r = r0; r < r1; r++) for (let col = c0; col < c1; col++) sum += plane[(c.y + r) * stride + (c.x + col) * c.step + ch]!;
          const want = sum / ((r1 - r0) * (c1 - c0));
          assert.ok(Math.abs(got[oy * c.outW + ox]! - want) < 1e-3, `step ${c.step} channel ${ch} ${c.outW}x${c.outH}: cell ${ox},${oy} is ${got[oy * c.outW + ox]}, not ${want}`);
        }
      }
    }
  }
});

test('areaMean declines, writing nothing, a row over 16 KiB, a cell over 256 rows or over 1024 columns', () => {
  const src = bytesAt(new Uint8Array(8 * 600).fill(9));
  const out = src + 8 * 600 + 64;
  const mem = () => new Float32Array(k.memory.buffer, out, 4);
  mem().fill(-1);
  assert.equal(k.areaMean(src, 16385, 1, 0, 0, 16385, 1, 4, 1, out, 1), 0, 'a row of 16385 bytes');
  assert.equal(k.areaMean(src, 4097 * 4, 4, 0, 0, 4097, 1, 4, 1, out, 3), 0, '4097 RGBA pixels');
  assert.equal(k.areaMean(src, 8, 1, 0, 0, 8, 600, 1, 2, out, 1), 0, 'cells of 300 rows');
  assert.equal(k.areaMean(src, 8, 1, 0, 0, 8, 8, 1025, 1, out, 1), 0, '1025 cells in a row');
  assert.deepEqual([...mem()], [-1, -1, -1, -1]);
  // At the limits it sums: 256 rows a cell, a 16384-byte row.
  assert.equal(k.areaMean(src, 8, 1, 0, 0, 8, 512, 1, 2, out, 1), 1);
  assert.deepEqual([...mem().subarray(0, 2)], [9, 9]);
  const wide = bytesAt(new Uint8Array(16384).fill(7), 5 << 20);
  assert.equal(k.areaMean(wide, 16384, 4, 0, 0, 4096, 1, 2, 1, out, 3), 1);
  assert.deepEqual([...mem()].slice(0, 3), [7, 7, 7]);
});

test('ycbcrToRgba and rgbToRgba convert each cell, round to the nearest and clamp to 0..255, alpha 255; ycbcrToRgba shares each chroma mean among 2x2 cells', () => {
  const width = 4 * 3 + 3, height = 5; // whole vectors and a tail on every row, an odd last row
  const n = width * height, cw = (width + 1) >> 1, cn = cw * ((height + 1) >> 1);
  const y = random(n).map((v) => 128 + 140 * v), cb = random(cn).map((v) => 128 + 130 * v), cr = random(cn).map((v) => 128 + 130 * v);
  const base = bytesAt(new Uint8Array(0), 6 << 20);
  const f32 = new Float32Array(k.memory.buffer, base, 3 * n);
  f32.set(y, 0); f32.set(cb, n); f32.set(cr, 2 * n);
  const out = base + 3 * n * 4 + 16;
  const c = { yOff: 16, yScale: 255 / 219, crR: 1.596, cbG: -0.392, crG: -0.813, cbB: 2.017 };
  k.ycbcrToRgba(base, base + 4 * n, base + 8 * n, width, height, c.yOff, c.yScale, c.crR, c.cbG, c.crG, c.cbB, out);
  const byte = (v: number) => Math.min(255, Math.max(0, Math.round(v)));
  const got = new Uint8Array(k.memory.buffer, out, 4 * n);
  for (let i = 0; i < n; i++) {
    const ci = ((i / width) >> 1) * cw + ((i % width) >> 1);
    const l = (y[i]! - c.yOff) * c.yScale, u = cb[ci]! - 128, v = cr[ci]! - 128;
    const want = [byte(l + v * c.crR), byte(l + u * c.cbG + v * c.crG), byte(l + u * c.cbB), 255];
    // f32 against f64 arithmetic: a value within 1e-3 of a half may round either way.
    for (let ch = 0; ch < 4; ch++) assert.ok(Math.abs(got[4 * i + ch]! - want[ch]!) <= (ch < 3 ? 1 : 0), `pixel ${i} channel ${ch}: ${got[4 * i + ch]} not ${want[ch]}`);
  }
  const g = random(n).map((v) => 128 + 140 * v), b = random(n).map((v) => 128 + 140 * v);
  f32.set(g, n); f32.set(b, 2 * n);
  k.rgbToRgba(base, base + 4 * n, base + 8 * n, n, out);
  for (let i = 0; i < n; i++) assert.deepEqual([...got.subarray(4 * i, 4 * i + 4)], [byte(y[i]!), byte(g[i]!), byte(b[i]!), 255], `pixel ${i}`);
});
