import type { CanvasEncoder } from './canvas-encode.ts';
import type { Box, FaceLandmarks, FaceObservation, FrameObservation } from '../face/detector.ts';

/** A frame kept as a best-shot candidate: the full-size bitmap, its observation and its score. */
export interface ShotCandidate {
  bitmap: ImageBitmap;
  face: FaceObservation;
  width: number;
  height: number;
  score: number;
  timestamp: number;
}

export interface EncodedShot {
  jpeg: string;
  png: string;
  box: Box;
  landmarks?: FaceLandmarks;
  score: number;
  timestamp: number;
}

/** Laplacian variance at which a 64x64 face sample counts as fully sharp (measured: the frontal scene gives ~3000). */
const SHARP = 1500;

/**
 * How good a frame is as the best shot, 0..1: sharp (Laplacian variance of the face), frontal (small yaw and pitch),
 * centred (the face's centre near the frame's centre). A frame without exactly one face scores 0.
 */
export function shotScore(obs: FrameObservation): number {
  if (obs.faces.length !== 1) return 0;
  const f = obs.faces[0];
  const sharp = Math.min(1, f.sharpness / SHARP);
  const frontal = f.pose ? Math.max(0, 1 - (Math.abs(f.pose.yaw) + Math.abs(f.pose.pitch)) / 45) : 0.5;
  const dx = (f.box.x + f.box.width / 2) / obs.width - 0.5, dy = (f.box.y + f.box.height / 2) / obs.height - 0.5;
  const centred = Math.max(0, 1 - 2 * Math.hypot(dx, dy));
  return 0.4 * sharp + 0.35 * frontal + 0.25 * centred;
}

/**
 * Keeps the best frame seen so far. The caller offers each full-size frame with its observation; the picker keeps
 * the bitmap when it beats the current best and closes it otherwise, so at most one frame is held.
 */
export class BestShotPicker {
  #best?: ShotCandidate;

  offer(bitmap: ImageBitmap, obs: FrameObservation): boolean {
    const score = shotScore(obs);
    if (score <= 0 || (this.#best && score <= this.#best.score)) {
      bitmap.close();
      return false;
    }
    this.#best?.bitmap.close();
    this.#best = { bitmap, face: obs.faces[0], width: obs.width, height: obs.height, score, timestamp: obs.timestamp };
    return true;
  }

  get best(): ShotCandidate | undefined {
    return this.#best;
  }

  /** Hands the best frame over (the caller closes it) and starts afresh. */
  take(): ShotCandidate | undefined {
    const best = this.#best;
    this.#best = undefined;
    return best;
  }

  dispose(): void {
    this.#best?.bitmap.close();
    this.#best = undefined;
  }
}

function dataUrl(blob: Blob): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result));
    reader.onerror = () => reject(reader.error);
    reader.readAsDataURL(blob);
  });
}

/** Encodes a candidate as JPEG and PNG data URLs at its full size, unmirrored. */
export async function encodeShot(c: ShotCandidate, encoder: CanvasEncoder, jpegQuality = 0.92): Promise<EncodedShot> {
  const { width, height } = c.bitmap;
  // One after the other: a canvas path that fails, fails once, and the second image takes the one that works.
  const jpeg = await encoder.encode(c.bitmap, width, height, 'image/jpeg', jpegQuality).then(dataUrl);
  const png = await encoder.encode(c.bitmap, width, height, 'image/png').then(dataUrl);
  return { jpeg, png, box: c.face.box, landmarks: c.face.landmarks, score: c.score, timestamp: c.timestamp };
}
