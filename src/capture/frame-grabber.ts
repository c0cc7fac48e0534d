import type { FrameObservation } from '../face/detector.ts';
import { CanvasEncoder } from './canvas-encode.ts';
import { FRAMES_MIME, frameSequenceHead, type FrameBox } from './frame-sequence.ts';

export interface FrameGrabOptions {
  /** Frames per second kept (default 6): enough to see a blink or a turn, a few hundred KB for a few seconds. */
  fps?: number;
  /** Frames are scaled down to at most this width (default 480). */
  maxWidth?: number;
  /** JPEG quality, 0..1 (default 0.6). */
  quality?: number;
  /**
   * At most this many frames are held (default 48). When the action runs longer, every second frame is dropped and
   * the rate halved, so memory stays bounded while the whole action stays covered.
   */
  maxFrames?: number;
}

/** One frame of a frame sequence. */
export interface CapturedFrame {
  /** ms since the action's recording started; strictly increasing. */
  t: number;
  /** The face the detector found in this frame, [x, y, width, height] in the frame image's pixels; null for none. */
  box: FrameBox | null;
  jpeg: Blob;
}

interface Pending {
  t: number;
  box: FrameBox | null;
  jpeg: Promise<Blob | null>;
}

/** A finished sequence: the medium's bytes as a Blob, and its frames for the host. */
export interface GrabbedSequence {
  blob: Blob;
  mime: typeof FRAMES_MIME;
  width: number;
  height: number;
  frames: CapturedFrame[];
  durationMs: number;
}

const round1 = (v: number) => Math.round(v * 10) / 10;

/**
 * Grabs JPEG frames of one action at a steady rate from the frames the detector looks at, each with the face box the
 * detector gave for it. `grab` takes the pixels at once (the detector sees the same moment) and returns the hook
 * through which the observation arrives; the JPEG is encoded meanwhile, off the detection path.
 */
export class FrameGrabber {
  #o: Required<FrameGrabOptions>;
  #encoder: CanvasEncoder;
  #frames: Pending[] = [];
  #startedAt: number;
  #intervalMs: number;
  #lastAt = -Infinity;
  #size?: { width: number; height: number; sourceWidth: number; sourceHeight: number };

  constructor(options: FrameGrabOptions = {}, encoder = new CanvasEncoder(), startedAt = performance.now()) {
    this.#o = { fps: 6, maxWidth: 480, quality: 0.6, maxFrames: 48, ...options };
    this.#encoder = encoder;
    this.#startedAt = startedAt;
    this.#intervalMs = 1000 / this.#o.fps;
  }

  /** Frames held now. */
  get count(): number {
    return this.#frames.length;
  }

  /**
   * Keeps the video's current frame when one is due (a tenth of the interval early still counts, so a detector at
   * exactly the frame rate is not halved by jitter). Returns the hook for the frame's observation, or undefined.
   */
  grab(video: HTMLVideoElement, timestamp: number): ((obs: FrameObservation) => void) | undefined {
    if (timestamp - this.#lastAt < this.#intervalMs * 0.9) return undefined;
    const sourceWidth = video.videoWidth, sourceHeight = video.videoHeight;
    if (!sourceWidth || !sourceHeight) return undefined;
    const scale = Math.min(1, this.#o.maxWidth / sourceWidth);
    const width = Math.round(sourceWidth * scale), height = Math.round(sourceHeight * scale);
    // A camera that changes size mid-action (a phone rotated) would make a sequence of mixed sizes: keep the first.
    this.#size ??= { width, height, sourceWidth, sourceHeight };
    if (this.#size.sourceWidth !== sourceWidth || this.#size.sourceHeight !== sourceHeight) return undefined;
    this.#lastAt = timestamp;
    const entry: Pending = {
      t: round1(Math.max(0, timestamp - this.#startedAt)),
      box: null,
      jpeg: this.#encoder.encode(video, width, height, 'image/jpeg', this.#o.quality).catch(() => null),
    };
    // Timestamps are kept to a tenth of a millisecond and must strictly increase.
    const previous = this.#frames.at(-1);
    if (previous && entry.t <= previous.t) return undefined;
    this.#frames.push(entry);
    if (this.#frames.length > this.#o.maxFrames) {
      this.#frames = this.#frames.filter((_, i) => i % 2 === 0);
      this.#intervalMs *= 2;
    }
    return (obs) => {
      const face = obs.faces[0];
      if (!face) return;
      const k = width / obs.width;
      entry.box = [round1(face.box.x * k), round1(face.box.y * k), round1(face.box.width * k), round1(face.box.height * k)];
    };
  }

  /** Drops every frame held (the recorder proved itself, or the action is void). */
  clear(): void {
    this.#frames = [];
  }

  /** The sequence so far; frames whose encoding failed are left out. Undefined when no frame could be kept. */
  async finish(endedAt = performance.now()): Promise<GrabbedSequence | undefined> {
    const pending = this.#frames;
    this.#frames = [];
    const size = this.#size;
    if (!size) return undefined;
    const frames: CapturedFrame[] = [];
    for (const p of pending) {
      const jpeg = await p.jpeg;
      if (jpeg && jpeg.size > 0) frames.push({ t: p.t, box: p.box, jpeg });
    }
    if (frames.length === 0) return undefined;
    const head = frameSequenceHead({
      mime: 'image/jpeg',
      width: size.width,
      height: size.height,
      source_width: size.sourceWidth,
      source_height: size.sourceHeight,
      frames: frames.map((f) => ({ t: f.t, bytes: f.jpeg.size, box: f.box })),
    });
    return {
      blob: new Blob([head, ...frames.map((f) => f.jpeg)], { type: FRAMES_MIME }),
      mime: FRAMES_MIME,
      width: size.width,
      height: size.height,
      frames,
      durationMs: Math.round(endedAt - this.#startedAt),
    };
  }
}
