/**
 * BlazeFace's front-camera (short-range) network, 128x128 input, run layer by layer on the SIMD kernels of
 * wasm/face/ (no tfjs). The weights come from the tfjs graph-model files as published (a JSON manifest and one
 * `.bin`, float16 or float32); the layer sequence is the network's fixed architecture, checked against the manifest's
 * shapes when loading, so a different file fails loudly instead of giving wrong boxes.
 */
import type { Point } from './detector.ts';

export const INPUT = 128;

interface Kernels {
  memory: WebAssembly.Memory;
  heapBase(): number;
  reserve(bytes: number): number;
  prepare(rgba: number, out: number, n: number): void;
  conv5x5s2(input: number, h: number, w: number, weights: number, bias: number, out: number): void;
  depthwise3x3(input: number, h: number, w: number, c: number, weights: number, stride: number, out: number): void;
  pointwise(input: number, n: number, cin: number, weights: number, bias: number, cout: number, residual: number, rc: number, relu: number, out: number): void;
  maxpool2x2(input: number, h: number, w: number, c: number, out: number): void;
}

/** The kernels that turn a camera frame's pixels into the network's input (src/face/frame-input.ts). */
export interface FrameKernels {
  memory: WebAssembly.Memory;
  areaMean(src: number, stride: number, step: number, x: number, y: number, w: number, h: number, outW: number, outH: number, out: number, channels: number): number;
  ycbcrToRgba(yMean: number, cbMean: number, crMean: number, width: number, height: number, yOff: number, yScale: number, crR: number, cbG: number, crG: number, cbB: number, out: number): void;
  rgbToRgba(rMean: number, gMean: number, bMean: number, n: number, out: number): void;
}

interface ManifestEntry {
  name: string;
  shape: number[];
  dtype: string;
  quantization?: { dtype: string };
}

/** The tfjs weights manifest a model JSON carries. */
export interface ModelJson {
  weightsManifest: { paths: string[]; weights: ManifestEntry[] }[];
}

const PREFIX = 'StatefulPartitionedCall/model/';
const pad4 = (n: number) => (n + 3) & ~3;

/**
 * IEEE 754 halves (little-endian, as the weights file and every engine's typed arrays have them) to floats: the
 * engine's own Float16Array where it has one, else by moving the bits. This runs once per load, before the code is
 * warm: 100 k values through a DataView and arithmetic took 34-53 ms of a 100 ms load in Chromium here.
 */
export function halvesToFloats(halves: Uint16Array): Float32Array {
  const F16 = (globalThis as { Float16Array?: new (b: ArrayBufferLike, o: number, n: number) => ArrayLike<number> }).Float16Array;
  if (F16) return new Float32Array(new F16(halves.buffer, halves.byteOffset, halves.length) as unknown as ArrayLike<number>);
  const out = new Float32Array(halves.length);
  const bits = new Uint32Array(out.buffer);
  for (let i = 0; i < halves.length; i++) {
    const h = halves[i]!;
    const sign = (h & 0x8000) << 16, e = (h >> 10) & 0x1f, m = h & 0x3ff;
    if (e === 0) out[i] = (sign ? -m : m) * 2 ** -24; // zero and subnormals
    else if (e === 31) bits[i] = sign | 0x7f800000 | (m << 13); // infinities and NaN
    else bits[i] = sign | ((e + 112) << 23) | (m << 13);
  }
  return out;
}

/** Every float tensor of the manifest by name (prefix dropped), decoded to float32. */
export function readWeights(json: ModelJson, bin: ArrayBuffer): Map<string, { shape: number[]; values: Float32Array }> {
  const out = new Map<string, { shape: number[]; values: Float32Array }>();
  let offset = 0;
  for (const w of json.weightsManifest.flatMap((g) => g.weights)) {
    const count = w.shape.reduce((a, b) => a * b, 1);
    const f16 = w.quantization?.dtype === 'float16';
    if (w.quantization && !f16) throw new Error(`blazeface: ${w.name} uses ${w.quantization.dtype} quantization`);
    const size = count * (f16 ? 2 : 4);
    if (offset + size > bin.byteLength) throw new Error(`blazeface: the weights file ends before ${w.name}`);
    if (w.dtype === 'float32') {
      // Copied out first: a tensor's offset in the file need not be a multiple of its element size.
      const raw = bin.slice(offset, offset + size);
      const values = f16 ? halvesToFloats(new Uint16Array(raw)) : new Float32Array(raw);
      out.set(w.name.startsWith(PREFIX) ? w.name.slice(PREFIX.length) : w.name, { shape: w.shape, values });
    }
    offset += size;
  }
  if (offset !== bin.byteLength) throw new Error(`blazeface: the manifest names ${offset} bytes, the weights file has ${bin.byteLength}`);
  return out;
}

type Step =
  | { op: 'conv0'; w: number; b: number; out: number }
  | { op: 'block'; inp: number; hw: number; cin: number; cout: number; stride: 1 | 2; dw: number; dwOut: number; pool: number; pw: number; b: number; out: number }
  | { op: 'head'; inp: number; n: number; cin: number; w: number; b: number; cout: number; out: number };

/** A head's layer: 1x1 convolutions of its input to the anchors' scores (all cells) and to their boxes (on demand). */
type Head = { cls: Extract<Step, { op: 'head' }>; reg: Extract<Step, { op: 'head' }>; cells: number; per: number };

/** Raw output of one anchor, in input pixels (128x128). */
export interface RawDetection {
  score: number;
  /** Box corners [x1, y1, x2, y2]. */
  box: [number, number, number, number];
  keypoints: Point[];
  anchor: Point;
}

/** The anchors: 16x16 cells of stride 8 with 2 anchors each, then 8x8 cells of stride 16 with 6 each (896). */
function anchors(): Float32Array {
  const a: number[] = [];
  for (const [stride, per] of [[8, 2], [16, 6]]) {
    const cells = INPUT / stride;
    for (let y = 0; y < cells; y++) for (let x = 0; x < cells; x++) for (let n = 0; n < per; n++) a.push(stride * (x + 0.5), stride * (y + 0.5));
  }
  return Float32Array.from(a);
}

export class BlazeFace {
  #k: Kernels;
  #steps: Step[] = [];
  #rgba = 0;
  #input = 0;
  /** The first byte above the model's weights and activations: the scratch area starts here. */
  #top = 0;
  #heads: Head[] = [];
  readonly anchors = anchors();
  /** Bytes of the weights file. */
  readonly weightBytes: number;

  private constructor(k: Kernels, weights: ReturnType<typeof readWeights>, weightBytes: number) {
    this.#k = k;
    this.weightBytes = weightBytes;
    let top = (k.heapBase() + 15) & ~15;
    const alloc = (floats: number) => {
      const at = top;
      top += ((floats * 4 + 15) & ~15);
      if (!k.reserve(top)) throw new Error('blazeface: wasm memory could not grow');
      return at;
    };
    const f32 = () => new Float32Array(k.memory.buffer);
    const get = (name: string, shape: number[]) => {
      const t = weights.get(name);
      if (!t || t.shape.join() !== shape.join()) throw new Error(`blazeface: expected ${name} [${shape}], found ${t ? `[${t.shape}]` : 'none'}`);
      return t.values;
    };
    /** A [cin][cout] (or [taps][c]) matrix laid out with both sides padded to multiples of 4, a row at a time. */
    const matrix = (values: Float32Array, rows: number, cols: number, rowsTo: number, colsTo: number) => {
      const at = alloc(rowsTo * colsTo);
      const m = f32();
      for (let r = 0; r < rows; r++) m.set(values.subarray(r * cols, (r + 1) * cols), at / 4 + r * colsTo);
      return at;
    };
    const vector = (values: Float32Array, to: number) => matrix(values, 1, values.length, 1, to);

    // Activations live in five buffers reused by every frame's layers, not one per layer: 2 MB of memory touched a
    // frame instead of 5 MB, which no cache here holds. Block outputs alternate between two; the depthwise output and
    // the pooled shortcut have one each; block 11's output has its own, since the 16x16 head's regressor reads it
    // after the network has run (see detect). The input pixels and the prepared input use buffers that the first
    // layers have read before they write them.
    const ACTIVATIONS = (INPUT / 2) ** 2 * 28, POOLED = (INPUT / 4) ** 2 * 28, KEPT = (INPUT / 8) ** 2 * 88;
    const pingA = alloc(ACTIVATIONS), pingB = alloc(ACTIVATIONS), depthwise = alloc(ACTIVATIONS), pooled = alloc(POOLED), kept = alloc(KEPT);
    const fits = (floats: number, room: number, what: string) => {
      if (floats > room) throw new Error(`blazeface: ${what} needs ${floats} floats, its buffer holds ${room}`);
    };
    this.#rgba = depthwise;
    this.#input = pingB;
    // First layer: 5x5, stride 2, 3 -> 24 channels; weights [5][5][3][24] laid out [5][5][4][24].
    const w0 = get('conv2d/Conv2D_weights', [5, 5, 3, 24]);
    const conv0 = alloc(25 * 4 * 24);
    {
      const m = f32();
      for (let t = 0; t < 25; t++) for (let c = 0; c < 3; c++) for (let o = 0; o < 24; o++) m[conv0 / 4 + (t * 4 + c) * 24 + o] = w0[(t * 3 + c) * 24 + o];
    }
    let hw = INPUT / 2, c = 24;
    let x = pingA;
    this.#steps.push({ op: 'conv0', w: conv0, b: vector(get('conv2d/Conv2D_bn_offset', [24]), 24), out: x });
    const head = (cells: number, per: number, cin: number, suffix: number) => {
      const cls = get(`classificator_${suffix}/Conv2D/ReadVariableOp`, [1, 1, cin, per]);
      const reg = get(`regressor_${suffix}/Conv2D/ReadVariableOp`, [1, 1, cin, per * 16]);
      const clsC = pad4(per);
      const clsOut = alloc(cells * cells * clsC), regOut = alloc(cells * cells * per * 16);
      const n = cells * cells;
      const clsStep: Step = { op: 'head', inp: x, n, cin: pad4(cin), w: matrix(cls, cin, per, pad4(cin), clsC), b: vector(get(`classificator_${suffix}/BiasAdd/ReadVariableOp`, [per]), clsC), cout: clsC, out: clsOut };
      const regStep: Step = { op: 'head', inp: x, n, cin: pad4(cin), w: matrix(reg, cin, per * 16, pad4(cin), per * 16), b: vector(get(`regressor_${suffix}/BiasAdd/ReadVariableOp`, [per * 16]), per * 16), cout: per * 16, out: regOut };
      // The scores run with the network; the boxes only for the cells where an anchor scores (see detect).
      this.#steps.push(clsStep);
      this.#heads.push({ cls: clsStep, reg: regStep, cells, per });
    };
    for (let i = 1; i <= 16; i++) {
      const dwName = i === 1 ? 'depthwise_conv2d/depthwise/ReadVariableOp' : `depthwise_conv2d_${i - 1}/depthwise/ReadVariableOp`;
      const dwW = get(dwName, [3, 3, c, 1]);
      const pw = weights.get(`conv2d_${i}/Conv2D_weights`);
      if (!pw) throw new Error(`blazeface: conv2d_${i} is missing`);
      const cout = pw.shape[3];
      get(`conv2d_${i}/Conv2D_weights`, [1, 1, c, cout]);
      // The network halves its resolution in blocks 3, 6 and 12 (depthwise stride 2, max-pooled shortcut).
      const stride = i === 3 || i === 6 || i === 12 ? 2 : 1;
      const ohw = hw / stride;
      const out = i === 11 ? kept : x === pingA ? pingB : pingA;
      fits(ohw * ohw * pad4(c), ACTIVATIONS, `block ${i}'s depthwise output`);
      if (stride === 2) fits(ohw * ohw * pad4(c), POOLED, `block ${i}'s pooled shortcut`);
      fits(ohw * ohw * pad4(cout), i === 11 ? KEPT : ACTIVATIONS, `block ${i}'s output`);
      const block: Step = {
        op: 'block', inp: x, hw, cin: pad4(c), cout: pad4(cout), stride,
        dw: matrix(dwW, 9, c, 9, pad4(c)), dwOut: depthwise, pool: stride === 2 ? pooled : 0,
        pw: matrix(pw.values, c, cout, pad4(c), pad4(cout)), b: vector(get(`conv2d_${i}/Conv2D_bn_offset`, [cout]), pad4(cout)), out,
      };
      this.#steps.push(block);
      x = block.out;
      hw = ohw;
      c = cout;
      if (i === 11) head(16, 2, c, 8);
    }
    head(8, 6, c, 16);
    this.#top = top;
  }

  /** The kernels for reading camera frames, which share this network's memory. */
  get frameKernels(): FrameKernels {
    return this.#k as unknown as FrameKernels;
  }

  /**
   * The address of a scratch area of at least `bytes` above the network's own memory, which grows to fit. The area is
   * the same on every call, so each call invalidates what the last one was used for; throws when memory cannot grow.
   */
  scratch(bytes: number): number {
    if (!this.#k.reserve(this.#top + bytes)) throw new Error('blazeface: wasm memory could not grow');
    return this.#top;
  }

  /** Compiles the kernels and lays the weights out in their memory. */
  static async create(wasm: BufferSource | WebAssembly.Module, json: ModelJson, bin: ArrayBuffer): Promise<BlazeFace> {
    const module = wasm instanceof WebAssembly.Module ? wasm : await WebAssembly.compile(wasm);
    const instance = await WebAssembly.instantiate(module, {});
    const k = instance.exports as unknown as Kernels;
    if (typeof k.pointwise !== 'function' || typeof (k as unknown as FrameKernels).areaMean !== 'function' || !(k.memory instanceof WebAssembly.Memory)) throw new Error('blazeface: the wasm module is not the face kernels');
    return new BlazeFace(k, readWeights(json, bin), bin.byteLength);
  }

  /**
   * Runs the network on 128x128 RGBA pixels and returns the anchors scoring above `minScore`, best first, with the
   * box and keypoints decoded into input pixels.
   */
  detect(rgba: Uint8ClampedArray, minScore: number): RawDetection[] {
    const k = this.#k;
    if (rgba.length !== INPUT * INPUT * 4) throw new Error(`blazeface: input must be ${INPUT}x${INPUT} RGBA`);
    new Uint8Array(k.memory.buffer, this.#rgba, rgba.length).set(rgba);
    k.prepare(this.#rgba, this.#input, INPUT * INPUT);
    for (const s of this.#steps) {
      if (s.op === 'conv0') k.conv5x5s2(this.#input, INPUT, INPUT, s.w, s.b, s.out);
      else if (s.op === 'head') k.pointwise(s.inp, s.n, s.cin, s.w, s.b, s.cout, 0, 0, 0, s.out);
      else {
        k.depthwise3x3(s.inp, s.hw, s.hw, s.cin, s.dw, s.stride, s.dwOut);
        const n = (s.hw / s.stride) ** 2;
        if (s.stride === 2) k.maxpool2x2(s.inp, s.hw, s.hw, s.cin, s.pool);
        k.pointwise(s.dwOut, n, s.cin, s.pw, s.b, s.cout, s.stride === 2 ? s.pool : s.inp, s.cin, 1, s.out);
      }
    }
    const m = new Float32Array(k.memory.buffer);
    const found: RawDetection[] = [];
    // score > minScore, as a logit: the sigmoid only for the anchors that pass.
    const minLogit = Math.log(minScore / (1 - minScore));
    let index = 0;
    for (const { cls, reg, cells, per } of this.#heads) {
      // The box regressor is 16 outputs an anchor over every cell (over half the heads' arithmetic); a face lights a
      // few cells, so it runs for those alone, two cells a call (the kernel's pixel pair; cells * cells is even).
      let pair = -1;
      for (let cell = 0; cell < cells * cells; cell++) {
        for (let a = 0; a < per; a++, index++) {
          const logit = m[cls.out / 4 + cell * cls.cout + a];
          if (!(logit > minLogit)) continue;
          const score = 1 / (1 + Math.exp(-logit));
          if (cell >> 1 !== pair) {
            pair = cell >> 1;
            const first = pair * 2;
            k.pointwise(reg.inp + first * reg.cin * 4, 2, reg.cin, reg.w, reg.b, reg.cout, 0, 0, 0, reg.out + first * reg.cout * 4);
          }
          const r = reg.out / 4 + (cell * per + a) * 16;
          const ax = this.anchors[2 * index], ay = this.anchors[2 * index + 1];
          const cx = m[r] + ax, cy = m[r + 1] + ay, w = m[r + 2], hh = m[r + 3];
          const keypoints: Point[] = [];
          for (let p = 0; p < 6; p++) keypoints.push([m[r + 4 + 2 * p] + ax, m[r + 5 + 2 * p] + ay]);
          found.push({ score, box: [cx - w / 2, cy - hh / 2, cx + w / 2, cy + hh / 2], keypoints, anchor: [ax, ay] });
        }
      }
    }
    return found.sort((a, b) => b.score - a.score);
  }
}

const area = (b: number[]) => Math.max(0, b[2] - b[0]) * Math.max(0, b[3] - b[1]);

/** Greedy non-maximum suppression over detections sorted best first, as tfjs's nonMaxSuppression does. */
export function suppress(found: RawDetection[], iouThreshold: number, max: number): RawDetection[] {
  const kept: RawDetection[] = [];
  for (const d of found) {
    if (kept.length >= max) break;
    const overlaps = kept.some((k) => {
      const inter = area([Math.max(k.box[0], d.box[0]), Math.max(k.box[1], d.box[1]), Math.min(k.box[2], d.box[2]), Math.min(k.box[3], d.box[3])]);
      return inter / (area(k.box) + area(d.box) - inter) > iouThreshold;
    });
    if (!overlaps) kept.push(d);
  }
  return kept;
}
