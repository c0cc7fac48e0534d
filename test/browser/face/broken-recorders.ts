// Fault injection for the recorder fallback. Chromium's MediaRecorder works, so the ways real browsers' recorders do
// not are played by test-only stand-ins here. WebKit's (Safari's engine) is the model: on the machines we test on,
// isTypeSupported says yes to video/mp4 only, start() succeeds, and every dataavailable carries 0 bytes (its
// GStreamer encoding pipeline does not link). Phones add browsers with no MediaRecorder at all.
import { expect } from '@open-wc/testing';
import { parseFrameSequence } from '../../../src/capture/frame-sequence.ts';
import type { CaptureClip, FramesClip } from '../../../src/capture/types.ts';

const Real = window.MediaRecorder;

/** WebKit's recorder as seen here: MP4 only, starts, delivers empty chunks (or, with `silent`, none at all). */
export function webkitLikeRecorder(silent = false): typeof MediaRecorder {
  return class WebKitLikeRecorder extends Real {
    static override isTypeSupported(type: string): boolean {
      return type.startsWith('video/mp4') && Real.isTypeSupported(type);
    }
    #handler: ((this: MediaRecorder, ev: BlobEvent) => unknown) | null = null;
    constructor(stream: MediaStream, options?: MediaRecorderOptions) {
      super(stream, options);
      // The real recorder runs; what it hands over is replaced by an empty chunk (or dropped).
      super.ondataavailable = (e: BlobEvent) => {
        if (silent) return;
        this.#handler?.call(this, new BlobEvent('dataavailable', { data: new Blob([], { type: e.data.type }), timecode: e.timecode }));
      };
    }
    override get ondataavailable() {
      return this.#handler;
    }
    override set ondataavailable(fn) {
      this.#handler = fn;
    }
  };
}

/** A recorder that starts, then reports an error before any data (an encoder that fails silently, then loudly). */
export function erroringRecorder(): typeof MediaRecorder {
  return class ErroringRecorder extends Real {
    override start(timeslice?: number): void {
      super.start(timeslice);
      setTimeout(() => this.dispatchEvent(new Event('error')), 50);
    }
  };
}

/** A recorder that works, delivers real data, then reports an error mid-action (an encoder that gives up). */
export function lateFailingRecorder(): typeof MediaRecorder {
  return class LateFailingRecorder extends Real {
    constructor(stream: MediaStream, options?: MediaRecorderOptions) {
      super(stream, options);
      let failed = false;
      this.addEventListener('dataavailable', (e) => {
        if (failed || e.data.size === 0) return;
        failed = true;
        // After the recorder's own handler has taken the chunk as proof, so the frames are dropped first.
        setTimeout(() => this.dispatchEvent(new Event('error')));
      });
    }
  };
}

/** Runs `fn` with window.MediaRecorder replaced (undefined: deleted, as in older iOS); restores it whatever happens. */
export async function withRecorder<T>(replacement: typeof MediaRecorder | undefined, fn: () => Promise<T>): Promise<T> {
  const w = window as unknown as { MediaRecorder?: typeof MediaRecorder };
  if (replacement) w.MediaRecorder = replacement;
  else delete w.MediaRecorder;
  try {
    return await fn();
  } finally {
    w.MediaRecorder = Real;
  }
}

/**
 * A frame-sequence clip checked as a host would use it: the file parses, every frame decodes as a JPEG of the
 * index's size, timestamps increase, and each frame carries the detector's face box, inside the frame.
 */
export async function expectFrames(clip: CaptureClip | undefined, reason: FramesClip['reason']): Promise<FramesClip> {
  expect(clip?.kind).to.equal('frames');
  const frames = clip as FramesClip;
  expect(frames.reason).to.equal(reason);
  expect(frames.mime).to.equal('video/x-oz-frames');
  expect(frames.frames.length, 'frames in the sequence').to.be.at.least(2);
  const parsed = parseFrameSequence(new Uint8Array(await frames.blob.arrayBuffer()));
  expect(parsed.frames.map((f) => f.t)).to.deep.equal(frames.frames.map((f) => f.t));
  expect(parsed.frames.map((f) => f.box)).to.deep.equal(frames.frames.map((f) => f.box));
  for (let i = 1; i < frames.frames.length; i++) expect(frames.frames[i]!.t).to.be.greaterThan(frames.frames[i - 1]!.t);
  for (const f of frames.frames) {
    const image = await createImageBitmap(f.jpeg);
    expect([image.width, image.height]).to.deep.equal([frames.width, frames.height]);
    image.close();
    expect(f.box, `face box of the frame at ${f.t} ms`).to.be.an('array');
    const [x, y, w, h] = f.box!;
    expect(w).to.be.greaterThan(20);
    expect(x).to.be.at.least(-w / 4);
    expect(x + w).to.be.at.most(frames.width + w / 4);
    expect(y + h).to.be.at.most(frames.height + h / 4);
  }
  return frames;
}
