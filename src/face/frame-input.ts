/**
 * Reads a camera frame (a WebCodecs VideoFrame) for the default detector without drawing it: `copyTo` puts its planes
 * in the kernels' memory as the camera delivered them (I420, NV12 or packed RGB; 0.1-0.2 ms for 640x480 in Chromium
 * here), and the kernels area-average them to the network's input and to the luma samples of the face statistics.
 * Drawing the frame instead (createImageBitmap on the page, drawImage in the worker) costs milliseconds per frame.
 */
import { INPUT, type FrameKernels } from './blazeface.ts';
import type { Box } from './detector.ts';
import { statsOfLuma, type LumaStats } from './image-stats.ts';

/** A frame's visible pixels in the kernels' memory, as `read` left them. */
export interface FramePixels {
  /** 'yuv': planes y, u, v (I420) or y, uv (NV12, U and V interleaved); 'rgb': one packed plane, 4 bytes a pixel. */
  layout: 'yuv' | 'rgb';
  width: number;
  height: number;
  planes: { at: number; stride: number }[];
  /** Bytes from one chroma sample to the next in a chroma plane: 2 for NV12, else 1. */
  chromaStep: number;
  /** Byte offsets of R, G, B inside a packed pixel. */
  rgbOrder: [number, number, number];
  /** Y'CbCr to RGB: y = (Y - yOff) * yScale; R = y + cr * crR; G = y + cb * cbG + cr * crG; B = y + cb * cbB. */
  coeffs: { yOff: number; yScale: number; crR: number; cbG: number; crG: number; cbB: number };
}

const READABLE = new Set(['I420', 'I420A', 'NV12', 'RGBA', 'RGBX', 'BGRA', 'BGRX']);

/** Kr and Kb of the colour matrices a camera frame may name; cameras that name none use BT.601's. */
const MATRICES: Record<string, [number, number]> = { bt709: [0.2126, 0.0722], bt470bg: [0.299, 0.114], smpte170m: [0.299, 0.114], 'bt2020-ncl': [0.2627, 0.0593] };

function conversion(matrix: string | null | undefined, fullRange: boolean | null | undefined): FramePixels['coeffs'] {
  const [kr, kb] = MATRICES[matrix ?? ''] ?? MATRICES.smpte170m!;
  const kg = 1 - kr - kb;
  const c = fullRange ? 1 : 255 / 224;
  return {
    yOff: fullRange ? 0 : 16,
    yScale: fullRange ? 1 : 255 / 219,
    crR: 2 * (1 - kr) * c,
    cbG: ((-2 * kb * (1 - kb)) / kg) * c,
    crG: ((-2 * kr * (1 - kr)) / kg) * c,
    cbB: 2 * (1 - kb) * c,
  };
}

const CELLS = INPUT * INPUT;
/**
 * The largest frame side read plane by plane: areaMean sums rows of up to 16 KiB (a 4096-pixel RGBA row) and cells of
 * up to 256 rows; a larger frame (no camera delivers one to a check) is drawn instead.
 */
const MAX_SIDE = 4096;
/** Scratch layout above the frame: three planes of means (f32), then the RGBA result. */
const MEANS = 3 * CELLS * 4;

export class FrameReader {
  #k: FrameKernels;
  #scratch: (bytes: number) => number;

  /** `scratch(bytes)` gives the address of a reusable area of at least that many bytes in the kernels' memory. */
  constructor(kernels: FrameKernels, scratch: (bytes: number) => number) {
    this.#k = kernels;
    this.#scratch = scratch;
  }

  /** areaMean, which declines only past limits `read` keeps frames within (MAX_SIDE). */
  #mean(...args: Parameters<FrameKernels['areaMean']>): void {
    if (!this.#k.areaMean(...args)) throw new Error(`frame-input: a ${args[5]}x${args[6]} region is past the kernel's limits`);
  }

  /**
   * Copies the frame's visible pixels into the scratch area (invalidating the last frame read); null when its format
   * is not one this reads, a side is over MAX_SIDE, or the browser cannot copy it.
   */
  async read(frame: VideoFrame): Promise<FramePixels | null> {
    if (frame.format === null || !READABLE.has(frame.format)) return null;
    const visible = frame.visibleRect ?? { width: frame.displayWidth, height: frame.displayHeight };
    if (visible.width > MAX_SIDE || visible.height > MAX_SIDE) return null;
    const size = frame.allocationSize();
    const base = this.#scratch(MEANS + CELLS * 4 + size);
    const at = base + MEANS + CELLS * 4;
    let layout: PlaneLayout[];
    try {
      layout = await frame.copyTo(new Uint8Array(this.#k.memory.buffer, at, size));
    } catch {
      return null;
    }
    const { width, height } = visible;
    const format = frame.format!;
    const planes = layout.map((p) => ({ at: at + p.offset, stride: p.stride }));
    const packed = format.startsWith('RGB') || format.startsWith('BGR');
    return {
      layout: packed ? 'rgb' : 'yuv',
      width,
      height,
      planes,
      chromaStep: format === 'NV12' ? 2 : 1,
      rgbOrder: format.startsWith('BGR') ? [2, 1, 0] : [0, 1, 2],
      coeffs: conversion(frame.colorSpace?.matrix, frame.colorSpace?.fullRange),
    };
  }

  /**
   * The whole frame stretched to the network's 128x128 input as RGBA, each pixel the mean of the pixels it covers: a
   * view into the kernels' memory, valid until this reader's next call.
   */
  input(px: FramePixels): Uint8ClampedArray {
    const k = this.#k;
    const base = this.#scratch(0);
    const [m0, m1, m2] = [base, base + CELLS * 4, base + 2 * CELLS * 4];
    const out = base + MEANS;
    if (px.layout === 'yuv') {
      const [y, u, v] = px.planes;
      const cw = (px.width + 1) >> 1, ch = (px.height + 1) >> 1;
      this.#mean(y!.at, y!.stride, 1, 0, 0, px.width, px.height, INPUT, INPUT, m0, 1);
      // Chroma to a 64x64 grid, each mean shared by 2x2 input pixels, as the camera's own 4:2:0 chroma is: a quarter
      // of the cells, and 0.21 -> 0.08 ms for a 640x480 frame's two planes in Node.
      const half = INPUT >> 1;
      let crAt = m2;
      if (px.chromaStep === 2) {
        // NV12: U and V interleaved in one plane, averaged in one pass into two planes of means, one after the other.
        this.#mean(u!.at, u!.stride, 2, 0, 0, cw, ch, half, half, m1, 2);
        crAt = m1 + half * half * 4;
      } else {
        this.#mean(u!.at, u!.stride, 1, 0, 0, cw, ch, half, half, m1, 1);
        this.#mean(v!.at, v!.stride, 1, 0, 0, cw, ch, half, half, m2, 1);
      }
      const c = px.coeffs;
      k.ycbcrToRgba(m0, m1, crAt, INPUT, INPUT, c.yOff, c.yScale, c.crR, c.cbG, c.crG, c.cbB, out);
    } else {
      // The first three bytes of every pixel in one pass; the planes of means follow the frame's byte order.
      const p = px.planes[0]!;
      const [r, g, b] = px.rgbOrder.map((offset) => base + offset * CELLS * 4);
      this.#mean(p.at, p.stride, 4, 0, 0, px.width, px.height, INPUT, INPUT, m0, 3);
      k.rgbToRgba(r!, g!, b!, CELLS, out);
    }
    return new Uint8ClampedArray(k.memory.buffer, out, CELLS * 4);
  }

  /**
   * Brightness and sharpness of `region` (frame pixels), as lumaStats measures them on a drawn image: a `size` x
   * `size` sample of luma (0..255), here the area mean of the frame's own luma (Y' without its range offset, or
   * 0.299 R + 0.587 G + 0.114 B for packed frames).
   */
  lumaStats(px: FramePixels, region: Box, size = 64): LumaStats {
    const x = Math.max(0, Math.round(region.x)), y = Math.max(0, Math.round(region.y));
    const w = Math.min(px.width - x, Math.round(region.width) - (x - Math.round(region.x)));
    const h = Math.min(px.height - y, Math.round(region.height) - (y - Math.round(region.y)));
    if (w < 1 || h < 1) return { brightness: 0, sharpness: 0 };
    const k = this.#k;
    const base = this.#scratch(0);
    const n = size * size;
    const luma = new Float32Array(n);
    if (px.layout === 'yuv') {
      const p = px.planes[0]!;
      this.#mean(p.at, p.stride, 1, x, y, w, h, size, size, base, 1);
      const mean = new Float32Array(k.memory.buffer, base, n);
      const { yOff, yScale } = px.coeffs;
      for (let i = 0; i < n; i++) luma[i] = Math.min(255, Math.max(0, (mean[i]! - yOff) * yScale));
    } else {
      const p = px.planes[0]!;
      this.#mean(p.at, p.stride, 4, x, y, w, h, size, size, base, 3);
      const [r, g, b] = px.rgbOrder.map((offset) => new Float32Array(k.memory.buffer, base + offset * n * 4, n));
      for (let i = 0; i < n; i++) luma[i] = 0.299 * r![i]! + 0.587 * g![i]! + 0.114 * b![i]!;
    }
    return statsOfLuma(luma, size);
  }
}
