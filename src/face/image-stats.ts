import type { Box, DetectorFrame, FaceObservation, FrameObservation } from './detector.ts';

/** Luma statistics of an image region, measured on a small copy so that it costs well under a millisecond. */
export interface LumaStats {
  /** Mean luma, 0..1. */
  brightness: number;
  /** Variance of the 4-neighbour Laplacian of luma (0..255 scale): a focus measure, higher is sharper. */
  sharpness: number;
}

type Canvas2D = OffscreenCanvasRenderingContext2D;

/**
 * One scratch canvas per sample size: resizing a canvas reallocates and clears it, and the frame's brightness (32)
 * and a face's statistics (64) alternate on every frame.
 */
const scratch = new Map<number, Canvas2D>();

function context(size: number): Canvas2D {
  let ctx = scratch.get(size);
  if (!ctx) {
    const made = new OffscreenCanvas(size, size).getContext('2d', { willReadFrequently: true });
    if (!made) throw new Error('OffscreenCanvas 2d context unavailable');
    scratch.set(size, (ctx = made));
  }
  return ctx;
}

/**
 * Statistics of `region` (in the source's own pixels; the whole source when omitted), sampled to `size` x `size`.
 * Sharpness is computed on the same fixed-size sample, so it compares like with like across face sizes.
 */
export function lumaStats(source: CanvasImageSource & { width: number; height: number }, region?: Box, size = 64): LumaStats {
  const r = region ?? { x: 0, y: 0, width: source.width, height: source.height };
  const x = Math.max(0, r.x), y = Math.max(0, r.y);
  const w = Math.min(source.width - x, r.width - (x - r.x)), h = Math.min(source.height - y, r.height - (y - r.y));
  if (w < 1 || h < 1) return { brightness: 0, sharpness: 0 };
  const ctx = context(size);
  ctx.drawImage(source, x, y, w, h, 0, 0, size, size);
  const px = ctx.getImageData(0, 0, size, size).data;
  const luma = new Float32Array(size * size);
  for (let i = 0; i < luma.length; i++) luma[i] = 0.299 * px[i * 4] + 0.587 * px[i * 4 + 1] + 0.114 * px[i * 4 + 2];
  return statsOfLuma(luma, size);
}

/** Brightness and sharpness of a `size` x `size` luma sample (0..255). */
export function statsOfLuma(luma: Float32Array, size: number): LumaStats {
  let sum = 0;
  for (let i = 0; i < size * size; i++) sum += luma[i];
  let lapSum = 0, lapSq = 0, n = 0;
  for (let j = 1; j < size - 1; j++) {
    for (let i = 1; i < size - 1; i++) {
      const k = j * size + i;
      const lap = luma[k - 1] + luma[k + 1] + luma[k - size] + luma[k + size] - 4 * luma[k];
      lapSum += lap;
      lapSq += lap * lap;
      n++;
    }
  }
  const mean = lapSum / n;
  return { brightness: sum / (size * size) / 255, sharpness: lapSq / n - mean * mean };
}

/** What a detector answers for a frame: its faces, largest first, the whole frame's brightness, and the time since `started`. */
export function frameObservation(frame: Omit<DetectorFrame, 'bitmap'>, faces: FaceObservation[], started: number, brightness: number): FrameObservation {
  faces.sort((a, b) => b.box.width * b.box.height - a.box.width * a.box.height);
  return {
    timestamp: frame.timestamp,
    width: frame.width,
    height: frame.height,
    faces,
    brightness,
    inferenceMs: performance.now() - started,
  };
}
