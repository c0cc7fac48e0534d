// BlazeFace's layers as plain functions over linear memory, for the face worker (src/face/blazeface.ts runs the
// network by calling them layer by layer). Tensors are HWC float32 with the channel count padded to a multiple of 4
// (the padding channels hold zeros), so every inner loop works on whole f32x4 vectors. The host owns the memory
// layout: it places weights and activations above heapBase() and passes pointers; nothing is kept between calls.

/**
 * a * b + c. The relaxed build (face-relaxed.wasm, for engines with relaxed SIMD) makes it one fused instruction where
 * the CPU has one; the baseline build multiplies and adds.
 */
// @ts-ignore: decorator
@inline function madd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(f32x4.mul(a, b), c);
}

export { heapBase, reserve } from '../common/memory';

/**
 * RGBA pixels (`n` of them) to the network's input: 3 channels padded to 4, each value x / 127.5 - 1, as the model
 * was trained on.
 */
export function prepare(rgba: usize, out: usize, n: u32): void {
  const scale = f32x4.splat(1.0 / 127.5);
  const one = f32x4.splat(1.0);
  const alphaOff = f32x4(1, 1, 1, 0);
  for (let i: u32 = 0; i < n; i++) {
    const p = load<u32>(rgba + (<usize>i << 2));
    const v = f32x4.convert_i32x4_u(i32x4(p & 255, (p >>> 8) & 255, (p >>> 16) & 255, 0));
    // The fourth (padding) channel must stay 0: (0 * scale - 1) * 0.
    v128.store(out + (<usize>i << 4), f32x4.mul(f32x4.sub(f32x4.mul(v, scale), one), alphaOff));
  }
}

/**
 * The first layer: 5x5 convolution, stride 2, TensorFlow's SAME padding (1 before, 2 after on a 128 input), 4 input
 * channels (3 used), 24 outputs, bias, ReLU. Weights [5][5][4][24]. Inside the border, two output pixels at a time
 * share each weight load (twelve accumulators); the border pixels check each tap.
 */
export function conv5x5s2(input: usize, h: i32, w: i32, weights: usize, bias: usize, out: usize): void {
  const oh = h >> 1, ow = w >> 1;
  for (let y = 0; y < oh; y++) {
    const inner = y >= 1 && 2 * y + 3 < h;
    let x = 0;
    if (inner) {
      conv0Pixel(input, h, w, weights, bias, out, y, 0);
      x = 1;
      const row = <usize>w << 4;
      for (; x + 1 < ow && 2 * x + 5 < w; x += 2) {
        let a0 = v128.load(bias), a1 = v128.load(bias, 16), a2 = v128.load(bias, 32);
        let a3 = v128.load(bias, 48), a4 = v128.load(bias, 64), a5 = v128.load(bias, 80);
        let b0 = a0, b1 = a1, b2 = a2, b3 = a3, b4 = a4, b5 = a5;
        let p = input + (<usize>((2 * y - 1) * w + 2 * x - 1) << 4);
        let wk = weights;
        for (let ky = 0; ky < 5; ky++) {
          for (let kx = 0; kx < 5; kx++) {
            // The three used channels, each value broadcast from memory; the weights of the padding channel are skipped.
            const q = p + (<usize>kx << 4);
            for (let c: usize = 0; c < 12; c += 4) {
              const sa = v128.load32_splat(q + c), sb = v128.load32_splat(q + c, 32);
              let wv = v128.load(wk); a0 = madd(sa, wv, a0); b0 = madd(sb, wv, b0);
              wv = v128.load(wk, 16); a1 = madd(sa, wv, a1); b1 = madd(sb, wv, b1);
              wv = v128.load(wk, 32); a2 = madd(sa, wv, a2); b2 = madd(sb, wv, b2);
              wv = v128.load(wk, 48); a3 = madd(sa, wv, a3); b3 = madd(sb, wv, b3);
              wv = v128.load(wk, 64); a4 = madd(sa, wv, a4); b4 = madd(sb, wv, b4);
              wv = v128.load(wk, 80); a5 = madd(sa, wv, a5); b5 = madd(sb, wv, b5);
              wk += 96;
            }
            wk += 96;
          }
          p += row;
        }
        const o = out + (<usize>(y * ow + x) * 96);
        storeRelu24(o, a0, a1, a2, a3, a4, a5);
        storeRelu24(o + 96, b0, b1, b2, b3, b4, b5);
      }
    }
    for (; x < ow; x++) conv0Pixel(input, h, w, weights, bias, out, y, x);
  }
}

// @ts-ignore: decorator
@inline function storeRelu24(o: usize, a0: v128, a1: v128, a2: v128, a3: v128, a4: v128, a5: v128): void {
  const zero = f32x4.splat(0);
  v128.store(o, f32x4.max(a0, zero)); v128.store(o, f32x4.max(a1, zero), 16); v128.store(o, f32x4.max(a2, zero), 32);
  v128.store(o, f32x4.max(a3, zero), 48); v128.store(o, f32x4.max(a4, zero), 64); v128.store(o, f32x4.max(a5, zero), 80);
}

/** One output pixel of the first layer, each tap checked against the border. */
function conv0Pixel(input: usize, h: i32, w: i32, weights: usize, bias: usize, out: usize, y: i32, x: i32): void {
  let a0 = v128.load(bias), a1 = v128.load(bias, 16), a2 = v128.load(bias, 32);
  let a3 = v128.load(bias, 48), a4 = v128.load(bias, 64), a5 = v128.load(bias, 80);
  for (let ky = 0; ky < 5; ky++) {
    const iy = 2 * y + ky - 1;
    if (iy < 0 || iy >= h) continue;
    for (let kx = 0; kx < 5; kx++) {
      const ix = 2 * x + kx - 1;
      if (ix < 0 || ix >= w) continue;
      const px = input + (<usize>(iy * w + ix) << 4);
      let wk = weights + (<usize>(ky * 5 + kx) * 384);
      // Channel by channel: each input value, broadcast, times 24 weights.
      for (let c: usize = 0; c < 12; c += 4) {
        const s = v128.load32_splat(px + c);
        a0 = madd(s, v128.load(wk), a0); a1 = madd(s, v128.load(wk, 16), a1);
        a2 = madd(s, v128.load(wk, 32), a2); a3 = madd(s, v128.load(wk, 48), a3);
        a4 = madd(s, v128.load(wk, 64), a4); a5 = madd(s, v128.load(wk, 80), a5);
        wk += 96;
      }
    }
  }
  storeRelu24(out + (<usize>(y * (w >> 1) + x) * 96), a0, a1, a2, a3, a4, a5);
}

/**
 * 3x3 depthwise convolution without bias, SAME padding: stride 1 (one pixel each side) or stride 2 (TensorFlow pads
 * an even input only after: output pixel y reads rows 2y..2y+2). Weights [9][c]. Each group of four channels keeps
 * its nine weights in registers along a row; at stride 1 two neighbouring outputs share the input columns they both
 * read (12 loads for 18 multiply-adds). A row above or below the input reads a row of zeros, and the first and last
 * columns leave out the taps outside, so the border costs no more than the inside (at 8x8, 28 of the 64 pixels are
 * border). Inputs too small for that (under three columns) check each tap.
 */
export function depthwise3x3(input: usize, h: i32, w: i32, c: i32, weights: usize, stride: i32, out: usize): void {
  const oh = stride == 2 ? h >> 1 : h, ow = stride == 2 ? w >> 1 : w;
  const before = stride == 2 ? 0 : 1;
  const row = <usize>c << 2;
  const line = <usize>w * row;
  // Outputs x in [first, end) read only columns inside the input; the ones after end read two columns.
  const first = before, end = w - 3 + before < 0 ? 0 : min((w - 3 + before) / stride + 1, ow);
  for (let y = 0; y < oh; y++) {
    const iy0 = stride * y - before;
    const o = out + <usize>(y * ow) * row;
    if (first >= end || line > ZERO_ROW_BYTES) {
      for (let x = 0; x < ow; x++) depthwiseEdge(input, h, w, row, weights, stride, before, y, x, o + <usize>x * row);
      continue;
    }
    const r0 = iy0 < 0 ? ZERO_ROW : input + <usize>iy0 * line;
    const r1 = input + <usize>(iy0 + 1) * line;
    const r2 = iy0 + 2 >= h ? ZERO_ROW : input + <usize>(iy0 + 2) * line;
    for (let off: usize = 0; off < row; off += 16) {
      const kp = weights + off;
      const k0 = v128.load(kp), k1 = v128.load(kp + row), k2 = v128.load(kp + 2 * row);
      const k3 = v128.load(kp + 3 * row), k4 = v128.load(kp + 4 * row), k5 = v128.load(kp + 5 * row);
      const k6 = v128.load(kp + 6 * row), k7 = v128.load(kp + 7 * row), k8 = v128.load(kp + 8 * row);
      const a0 = r0 + off, a1 = r1 + off, a2 = r2 + off, ob = o + off;
      if (first == 1) {
        // x = 0: columns 0 and 1, under the kernel's middle and right taps.
        let a = f32x4.mul(v128.load(a0), k1);
        a = madd(v128.load(a0 + row), k2, a); a = madd(v128.load(a1), k4, a);
        a = madd(v128.load(a1 + row), k5, a); a = madd(v128.load(a2), k7, a);
        a = madd(v128.load(a2 + row), k8, a);
        v128.store(ob, a);
      }
      let x = first;
      if (stride == 1) {
        for (; x + 1 < end; x += 2) {
          // Columns x-1 .. x+2, each three rows deep.
          const at = <usize>(x - 1) * row;
          let t0 = v128.load(a0 + at), t1 = v128.load(a1 + at), t2 = v128.load(a2 + at);
          let a = f32x4.mul(t0, k0);
          a = madd(t1, k3, a); a = madd(t2, k6, a);
          t0 = v128.load(a0 + at + row); t1 = v128.load(a1 + at + row); t2 = v128.load(a2 + at + row);
          a = madd(t0, k1, a); a = madd(t1, k4, a); a = madd(t2, k7, a);
          let b = f32x4.mul(t0, k0);
          b = madd(t1, k3, b); b = madd(t2, k6, b);
          t0 = v128.load(a0 + at + 2 * row); t1 = v128.load(a1 + at + 2 * row); t2 = v128.load(a2 + at + 2 * row);
          a = madd(t0, k2, a); a = madd(t1, k5, a); a = madd(t2, k8, a);
          b = madd(t0, k1, b); b = madd(t1, k4, b); b = madd(t2, k7, b);
          t0 = v128.load(a0 + at + 3 * row); t1 = v128.load(a1 + at + 3 * row); t2 = v128.load(a2 + at + 3 * row);
          b = madd(t0, k2, b); b = madd(t1, k5, b); b = madd(t2, k8, b);
          v128.store(ob + <usize>x * row, a);
          v128.store(ob + <usize>(x + 1) * row, b);
        }
      }
      for (; x < end; x++) {
        const at = <usize>(stride * x - before) * row;
        let a = f32x4.mul(v128.load(a0 + at), k0);
        a = madd(v128.load(a0 + at + row), k1, a); a = madd(v128.load(a0 + at + 2 * row), k2, a);
        a = madd(v128.load(a1 + at), k3, a); a = madd(v128.load(a1 + at + row), k4, a);
        a = madd(v128.load(a1 + at + 2 * row), k5, a); a = madd(v128.load(a2 + at), k6, a);
        a = madd(v128.load(a2 + at + row), k7, a); a = madd(v128.load(a2 + at + 2 * row), k8, a);
        v128.store(ob + <usize>x * row, a);
      }
      for (; x < ow; x++) {
        // Past the last column: the two columns left, under the kernel's left and middle taps.
        const at = <usize>(stride * x - before) * row;
        let a = f32x4.mul(v128.load(a0 + at), k0);
        a = madd(v128.load(a0 + at + row), k1, a); a = madd(v128.load(a1 + at), k3, a);
        a = madd(v128.load(a1 + at + row), k4, a); a = madd(v128.load(a2 + at), k6, a);
        a = madd(v128.load(a2 + at + row), k7, a);
        v128.store(ob + <usize>x * row, a);
      }
    }
  }
}

/** A row of zeros for depthwise3x3's rows above and below the input: the widest row of the network is 7 KiB. */
const ZERO_ROW_BYTES: usize = 16384;
const ZERO_ROW = memory.data(<i32>ZERO_ROW_BYTES, 16);

/** One output pixel of depthwise3x3 (all its channels, `row` bytes at `o`), each tap checked against the border. */
function depthwiseEdge(input: usize, h: i32, w: i32, row: usize, weights: usize, stride: i32, before: i32, y: i32, x: i32, o: usize): void {
  const iy0 = stride * y - before, ix0 = stride * x - before;
  for (let off: usize = 0; off < row; off += 16) {
    let acc = f32x4.splat(0);
    for (let ky = 0; ky < 3; ky++) {
      const iy = iy0 + ky;
      if (iy < 0 || iy >= h) continue;
      for (let kx = 0; kx < 3; kx++) {
        const ix = ix0 + kx;
        if (ix < 0 || ix >= w) continue;
        acc = madd(v128.load(input + <usize>(iy * w + ix) * row + off), v128.load(weights + <usize>(ky * 3 + kx) * row + off), acc);
      }
    }
    v128.store(o + off, acc);
  }
}

/**
 * 1x1 convolution over `n` pixels: out = in x W[cin][cout] + bias, plus the first `rc` channels of `residual` (a
 * tensor of `rc` channels; 0 for none), then ReLU when `relu`. Two pixels and sixteen outputs at a time; the last
 * 4, 8 or 12 outputs in one pass.
 */
export function pointwise(input: usize, n: i32, cin: i32, weights: usize, bias: usize, cout: i32, residual: usize, rc: i32, relu: bool, out: usize): void {
  const zero = f32x4.splat(0);
  const inRow = <usize>cin << 2, outRow = <usize>cout << 2, wRow = <usize>cout << 2, resRow = <usize>rc << 2;
  for (let p = 0; p < n; p += 2) {
    const i0 = input + <usize>p * inRow, i1 = i0 + inRow;
    const o0 = out + <usize>p * outRow, o1 = o0 + outRow;
    let co = 0;
    for (; co + 16 <= cout; co += 16) {
      const b = bias + (<usize>co << 2);
      let a0 = v128.load(b), a1 = v128.load(b, 16), a2 = v128.load(b, 32), a3 = v128.load(b, 48);
      let b0 = a0, b1 = a1, b2 = a2, b3 = a3;
      let wp = weights + (<usize>co << 2);
      for (let ci = 0; ci < cin; ci++) {
        const x0 = v128.load32_splat(i0 + (<usize>ci << 2)), x1 = v128.load32_splat(i1 + (<usize>ci << 2));
        const w0 = v128.load(wp), w1 = v128.load(wp, 16), w2 = v128.load(wp, 32), w3 = v128.load(wp, 48);
        a0 = madd(x0, w0, a0); a1 = madd(x0, w1, a1);
        a2 = madd(x0, w2, a2); a3 = madd(x0, w3, a3);
        b0 = madd(x1, w0, b0); b1 = madd(x1, w1, b1);
        b2 = madd(x1, w2, b2); b3 = madd(x1, w3, b3);
        wp += wRow;
      }
      store16(o0 + (<usize>co << 2), a0, a1, a2, a3);
      store16(o1 + (<usize>co << 2), b0, b1, b2, b3);
    }
    // The last 4, 8 or 12 outputs in one pass, so each input value is loaded once for all of them.
    const rest = cout - co;
    if (rest >= 8) {
      const b = bias + (<usize>co << 2);
      let a0 = v128.load(b), a1 = v128.load(b, 16), a2 = rest == 12 ? v128.load(b, 32) : zero;
      let b0 = a0, b1 = a1, b2 = a2;
      let wp = weights + (<usize>co << 2);
      if (rest == 12) {
        for (let ci = 0; ci < cin; ci++) {
          const x0 = v128.load32_splat(i0 + (<usize>ci << 2)), x1 = v128.load32_splat(i1 + (<usize>ci << 2));
          const w0 = v128.load(wp), w1 = v128.load(wp, 16), w2 = v128.load(wp, 32);
          a0 = madd(x0, w0, a0); a1 = madd(x0, w1, a1); a2 = madd(x0, w2, a2);
          b0 = madd(x1, w0, b0); b1 = madd(x1, w1, b1); b2 = madd(x1, w2, b2);
          wp += wRow;
        }
        v128.store(o0 + (<usize>co << 2), a2, 32);
        v128.store(o1 + (<usize>co << 2), b2, 32);
      } else {
        for (let ci = 0; ci < cin; ci++) {
          const x0 = v128.load32_splat(i0 + (<usize>ci << 2)), x1 = v128.load32_splat(i1 + (<usize>ci << 2));
          const w0 = v128.load(wp), w1 = v128.load(wp, 16);
          a0 = madd(x0, w0, a0); a1 = madd(x0, w1, a1);
          b0 = madd(x1, w0, b0); b1 = madd(x1, w1, b1);
          wp += wRow;
        }
      }
      v128.store(o0 + (<usize>co << 2), a0); v128.store(o0 + (<usize>co << 2), a1, 16);
      v128.store(o1 + (<usize>co << 2), b0); v128.store(o1 + (<usize>co << 2), b1, 16);
    } else if (rest == 4) {
      let a = v128.load(bias + (<usize>co << 2));
      let b = a;
      let wp = weights + (<usize>co << 2);
      for (let ci = 0; ci < cin; ci++) {
        const wv = v128.load(wp);
        a = madd(v128.load32_splat(i0 + (<usize>ci << 2)), wv, a);
        b = madd(v128.load32_splat(i1 + (<usize>ci << 2)), wv, b);
        wp += wRow;
      }
      v128.store(o0 + (<usize>co << 2), a);
      v128.store(o1 + (<usize>co << 2), b);
    }
    if (rc > 0) {
      const r0 = residual + <usize>p * resRow, r1 = r0 + resRow;
      for (let c = 0; c < rc; c += 4) {
        const at0 = o0 + (<usize>c << 2), at1 = o1 + (<usize>c << 2);
        v128.store(at0, f32x4.add(v128.load(at0), v128.load(r0 + (<usize>c << 2))));
        v128.store(at1, f32x4.add(v128.load(at1), v128.load(r1 + (<usize>c << 2))));
      }
    }
    if (relu) {
      for (let c = 0; c < cout; c += 4) {
        const at0 = o0 + (<usize>c << 2), at1 = o1 + (<usize>c << 2);
        v128.store(at0, f32x4.max(v128.load(at0), zero));
        v128.store(at1, f32x4.max(v128.load(at1), zero));
      }
    }
  }
}

// @ts-ignore: decorator
@inline function store16(at: usize, a: v128, b: v128, c: v128, d: v128): void {
  v128.store(at, a);
  v128.store(at, b, 16);
  v128.store(at, c, 32);
  v128.store(at, d, 48);
}

/** 2x2 max pooling, stride 2 (an even input needs no padding). */
export function maxpool2x2(input: usize, h: i32, w: i32, c: i32, out: usize): void {
  const oh = h >> 1, ow = w >> 1;
  const row = <usize>c << 2;
  for (let y = 0; y < oh; y++) {
    for (let x = 0; x < ow; x++) {
      const a = input + <usize>(2 * y * w + 2 * x) * row, b = a + <usize>w * row;
      const o = out + <usize>(y * ow + x) * row;
      for (let v: usize = 0; v < row; v += 16) {
        v128.store(o + v, f32x4.max(f32x4.max(v128.load(a + v), v128.load(a + row + v)), f32x4.max(v128.load(b + v), v128.load(b + row + v))));
      }
    }
  }
}

/**
 * Area-average resampling of one 8-bit plane: the `w` x `h` pixels at (`x`, `y`) of the plane at `src` (row stride
 * `stride` bytes, `step` bytes from one pixel to the next: 1 for a plane, 2 for NV12's interleaved chroma, 4 for a
 * channel of packed RGBA) to `outW` x `outH` cells, each the mean of the pixels it covers, as f32 at `out`. With
 * `channels` above 1, the bytes at offsets 0 .. channels - 1 of each pixel are averaged in the same pass into as many
 * planes of means, one after another at `out` (NV12's U and V, packed R, G and B). A region smaller than the output
 * repeats pixels. Returns false, writing nothing, for a row over MAX_ROW_BYTES, a cell over 256 rows or more than
 * MAX_CELLS columns. Camera frames come in here (src/face/frame-input.ts): a 640x480 frame
 * becomes the network's 128x128 input with every pixel counted once, where a bilinear scale would skip most of them.
 */
export function areaMean(src: usize, stride: i32, step: i32, x: i32, y: i32, w: i32, h: i32, outW: i32, outH: i32, out: usize, channels: i32): bool {
  // The region's bytes of one row (the other channels of packed or interleaved pixels ride along unused).
  const bytes = <usize>(w * step);
  // Row totals are 16-bit (at most 256 rows of 255 in a cell) in a fixed buffer; the host keeps within both.
  if (outW > MAX_CELLS || bytes > <usize>MAX_ROW_BYTES || (h + outH - 1) / outH > 256) return false;
  // Each cell's first column and width, worked out once per call: a division per cell costs more than its sum.
  for (let ox = 0; ox < outW; ox++) {
    const c0 = (ox * w) / outW;
    let c1 = ((ox + 1) * w) / outW;
    if (c1 <= c0) c1 = c0 + 1;
    store<u32>(COLUMNS + (<usize>ox << 3), <u32>c0);
    store<u32>(COLUMNS + (<usize>ox << 3) + 4, <u32>(c1 - c0));
  }
  for (let oy = 0; oy < outH; oy++) {
    const r0 = y + (oy * h) / outH;
    let r1 = y + ((oy + 1) * h) / outH;
    if (r1 <= r0) r1 = r0 + 1;
    const rows = r1 - r0;
    const first = src + <usize>r0 * <usize>stride + <usize>(x * step);
    // Sum the cell's rows into 16-bit column totals, 16 bytes at a time, then each cell adds its columns' totals.
    memory.fill(ROW_SUMS, 0, bytes << 1);
    for (let r = 0; r < rows; r++) {
      const row = first + <usize>r * <usize>stride;
      let b: usize = 0;
      for (; b + 16 <= bytes; b += 16) {
        const v = v128.load(row + b);
        const at = ROW_SUMS + (b << 1);
        v128.store(at, i16x8.add(v128.load(at), i16x8.extend_low_i8x16_u(v)));
        v128.store(at + 16, i16x8.add(v128.load(at + 16), i16x8.extend_high_i8x16_u(v)));
      }
      for (; b < bytes; b++) store<u16>(ROW_SUMS + (b << 1), load<u16>(ROW_SUMS + (b << 1)) + <u16>load<u8>(row + b));
    }
    // Every channel from the same row totals: channel k's columns are the totals at byte k of each pixel.
    for (let k = 0; k < channels; k++) {
      const plane = out + <usize>(k * outW * outH) * 4;
      for (let ox = 0; ox < outW; ox++) {
        const c0 = <usize>load<u32>(COLUMNS + (<usize>ox << 3));
        const cols = load<u32>(COLUMNS + (<usize>ox << 3) + 4);
        let sum: u32 = 0;
        let at = ROW_SUMS + ((c0 * <usize>step + <usize>k) << 1);
        for (let c: u32 = 0; c < cols; c++, at += <usize>(step << 1)) sum += load<u16>(at);
        store<f32>(plane + (<usize>(oy * outW + ox) << 2), <f32>sum / <f32>(rows * <i32>cols));
      }
    }
  }
  return true;
}

/** The most cells a row of areaMean's output has, and where it keeps each cell's columns (static memory). */
const MAX_CELLS = 1024;
const COLUMNS = memory.data(MAX_CELLS * 8, 16);
/** The widest row areaMean takes, in bytes: a 4096-pixel RGBA row. */
const MAX_ROW_BYTES = 16384;
const ROW_SUMS = memory.data(MAX_ROW_BYTES * 2, 16);

/**
 * A `width` x `height` grid of Y'CbCr means to RGBA bytes, the chroma means at half the resolution each way (a
 * ceil(width / 2) x ceil(height / 2) grid, as a 4:2:0 camera delivers its chroma): R = y + cr * crR,
 * G = y + cb * cbG + cr * crG, B = y + cb * cbB, with y = (Y - yOff) * yScale and cb, cr = C - 128 already scaled by
 * the coefficients (the host works them out from the frame's matrix and range), each rounded and clamped to 0..255,
 * alpha 255.
 */
export function ycbcrToRgba(yMean: usize, cbMean: usize, crMean: usize, width: i32, height: i32, yOff: f32, yScale: f32, crR: f32, cbG: f32, crG: f32, cbB: f32, out: usize): void {
  const off = f32x4.splat(yOff), scale = f32x4.splat(yScale), mid = f32x4.splat(128);
  const vcrR = f32x4.splat(crR), vcbG = f32x4.splat(cbG), vcrG = f32x4.splat(crG), vcbB = f32x4.splat(cbB);
  const cw = (width + 1) >> 1;
  for (let y = 0; y < height; y++) {
    const line = <usize>(y * width) << 2, cline = <usize>((y >> 1) * cw) << 2;
    let x = 0;
    for (; x + 4 <= width; x += 4) {
      const o = line + (<usize>x << 2), co = cline + (<usize>x << 1);
      const l = f32x4.mul(f32x4.sub(v128.load(yMean + o), off), scale);
      // Chroma means c, d for the four pixels: c, c, d, d.
      const cb = f32x4.sub(i32x4.shuffle(v128.load64_zero(cbMean + co), f32x4.splat(0), 0, 0, 1, 1), mid);
      const cr = f32x4.sub(i32x4.shuffle(v128.load64_zero(crMean + co), f32x4.splat(0), 0, 0, 1, 1), mid);
      const r = f32x4.add(l, f32x4.mul(cr, vcrR));
      const g = f32x4.add(f32x4.add(l, f32x4.mul(cb, vcbG)), f32x4.mul(cr, vcrG));
      const b = f32x4.add(l, f32x4.mul(cb, vcbB));
      v128.store(out + o, packRgba(r, g, b));
    }
    for (; x < width; x++) {
      const o = line + (<usize>x << 2), co = cline + (<usize>(x >> 1) << 2);
      const l = (load<f32>(yMean + o) - yOff) * yScale;
      const cb = load<f32>(cbMean + co) - 128, cr = load<f32>(crMean + co) - 128;
      store<u32>(out + o, clampByte(l + cr * crR) | (clampByte(l + cb * cbG + cr * crG) << 8) | (clampByte(l + cb * cbB) << 16) | 0xff000000);
    }
  }
}

/** Three f32 arrays of R, G and B means to RGBA bytes (packed RGBA or BGRA frames). */
export function rgbToRgba(rMean: usize, gMean: usize, bMean: usize, n: i32, out: usize): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    v128.store(out + o, packRgba(v128.load(rMean + o), v128.load(gMean + o), v128.load(bMean + o)));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    store<u32>(out + o, clampByte(load<f32>(rMean + o)) | (clampByte(load<f32>(gMean + o)) << 8) | (clampByte(load<f32>(bMean + o)) << 16) | 0xff000000);
  }
}

/** Four pixels' R, G, B (f32) rounded to the nearest and clamped to 0..255, as four RGBA words, alpha 255. */
// @ts-ignore: decorator
@inline function packRgba(r: v128, g: v128, b: v128): v128 {
  return v128.or(v128.or(toByte(r), i32x4.shl(toByte(g), 8)), v128.or(i32x4.shl(toByte(b), 16), i32x4.splat(0xff000000)));
}

// @ts-ignore: decorator
@inline function toByte(v: v128): v128 {
  return i32x4.min_s(i32x4.max_s(i32x4.trunc_sat_f32x4_s(f32x4.nearest(v)), i32x4.splat(0)), i32x4.splat(255));
}

// @ts-ignore: decorator
@inline function clampByte(v: f32): u32 {
  const r = nearest<f32>(v);
  return r <= 0 ? 0 : r >= 255 ? 255 : <u32>r;
}
