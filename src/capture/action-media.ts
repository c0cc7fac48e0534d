// What records one action: the browser's recorder, with a frame sequence as the safety net that takes over when the
// recorder is missing or does not deliver. Frames are grabbed from the first moment of every action while the
// recorder has not yet proved itself with real data, and dropped once it has: so a recorder that fails at any point
// before its first byte loses nothing of the action, and a working recorder costs only a second or so of frames.
import { OzError } from '../errors.ts';
import type { ActionTag } from '../face/actions.ts';
import type { FrameObservation } from '../face/detector.ts';
import { CanvasEncoder } from './canvas-encode.ts';
import { FrameGrabber, type FrameGrabOptions, type GrabbedSequence } from './frame-grabber.ts';
import { FRAMES_MIME } from './frame-sequence.ts';
import { ClipRecorder, pickRecorderMime, recorderProblem, type ClipRecorderOptions, type RecordedClip } from './recorder.ts';
import type { CaptureClip, CaptureMedia, RecorderFallbackReason } from './types.ts';

/** The recorder failed after it had proved itself and its frames were dropped: the action must run again. */
export class RecorderLost extends Error {}

export type ActionMediaResult = { kind: 'video'; clip: RecordedClip } | { kind: 'frames'; reason: RecorderFallbackReason; sequence: GrabbedSequence };

/** What the technical data says about one action's medium. */
export interface ActionMediaRecord {
  action: ActionTag;
  kind: 'video' | 'frames';
  mime: string;
  reason?: RecorderFallbackReason;
  frames?: number;
  bytes: number;
}

/**
 * The capture-wide side: which mode the host asked for, and whether the recorder has already failed (then every
 * later action goes straight to frames instead of waiting for it again).
 */
export class MediaPlan {
  #fallback?: RecorderFallbackReason;
  /** One per capture, shared with the best shot: a canvas path that fails is tried once. */
  readonly encoder = new CanvasEncoder();
  readonly records: ActionMediaRecord[] = [];

  constructor(
    readonly stream: MediaStream,
    readonly mode: CaptureMedia = 'auto',
    readonly recorder: ClipRecorderOptions = {},
    readonly frames: FrameGrabOptions = {},
  ) {
    if (mode === 'frames') this.#fallback = 'requested';
  }

  /** Why the recorder is no longer tried, if it is not. */
  get fallback(): RecorderFallbackReason | undefined {
    return this.#fallback;
  }

  /** Records the recorder as failed for the rest of the capture. */
  giveUp(reason: RecorderFallbackReason): void {
    this.#fallback ??= reason;
  }

  begin(): ActionMedia {
    return new ActionMedia(this, this.encoder);
  }

  /** The technical data's `capture_media` block. */
  summary(): Record<string, unknown> {
    const kinds = new Set(this.records.map((r) => r.kind));
    return {
      requested: this.mode,
      kind: kinds.size === 1 ? [...kinds][0] : kinds.size === 0 ? null : 'mixed',
      recorder_fallback: this.#fallback ?? null,
      recorder_mime: pickRecorderMime(this.recorder.mimeType) ?? null,
      actions: this.records,
    };
  }
}

/** One action's medium, from `start` (recording begins) to `finish` (the action passed) or `abort`. */
export class ActionMedia {
  #plan: MediaPlan;
  #grabber?: FrameGrabber;
  #recorder?: ClipRecorder;
  /** The recorder delivered real data: frames are no longer grabbed. */
  #proved = false;
  #failure?: RecorderFallbackReason;
  #finishing = false;
  #beginTimer?: ReturnType<typeof setTimeout>;

  constructor(plan: MediaPlan, readonly encoder: CanvasEncoder) {
    this.#plan = plan;
  }

  /** The MIME type this action is being recorded in (the recorder's until it fails). */
  get mime(): string {
    return this.#recorder && !this.#failure ? (this.#recorder.mimeType ?? pickRecorderMime(this.#plan.recorder.mimeType) ?? FRAMES_MIME) : FRAMES_MIME;
  }

  /** True while the recorder runs or frames are grabbed. */
  get recording(): boolean {
    return (this.#recorder?.recording ?? false) || this.#grabber !== undefined;
  }

  /**
   * Starts the recorder, unless the plan has given up on it, and resolves once the action can be judged: when the
   * recorder has begun recording (so the clip holds the whole action), at once without one, or when the recorder fails
   * or does not begin within its first-chunk limit (then without it). Frames are kept from then on.
   */
  async start(): Promise<void> {
    if (this.#plan.fallback) {
      this.#grabber = new FrameGrabber(this.#plan.frames, this.encoder);
      return;
    }
    const recorder = new ClipRecorder(this.#plan.stream, this.#plan.recorder);
    this.#recorder = recorder;
    const proven = recorder.start();
    proven.then(
      () => {
        if (this.#finishing || this.#recorder !== recorder) return;
        this.#proved = true;
        this.#grabber?.clear();
        this.#grabber = undefined;
      },
      (error: unknown) => {
        if (this.#finishing || this.#recorder !== recorder) return;
        this.#failure = recorderProblem(error);
        this.#plan.giveUp(this.#failure);
      },
    );
    const limitMs = this.#plan.recorder.firstChunkTimeoutMs ?? 3000;
    const begun = await Promise.race([
      recorder.whenBegun().then(() => true),
      proven.then(() => true, () => false),
      new Promise<false>((resolve) => (this.#beginTimer = setTimeout(() => resolve(false), limitMs))),
    ]);
    clearTimeout(this.#beginTimer);
    if (!begun && !this.#failure && !this.#finishing) {
      // Never began: what it might record later would miss the start of the action.
      recorder.abort();
      this.#failure = 'no_data';
      this.#plan.giveUp('no_data');
    }
    if (!this.#finishing && !this.#proved) this.#grabber = new FrameGrabber(this.#plan.frames, this.encoder);
  }

  /** Offers the frame the detector is about to see; returns the hook for its observation when it is kept. */
  grab(video: HTMLVideoElement, timestamp: number): ((obs: FrameObservation) => void) | undefined {
    return this.#grabber?.grab(video, timestamp);
  }

  /**
   * The action's medium. A recorder that proved itself gives the video (RecorderLost if it breaks at the end, since
   * its frames are gone); one that failed gives the frames; one still undecided is stopped, which flushes what it
   * has: real data makes the video, none makes the frames ('no_data').
   */
  async finish(action: ActionTag, stopLimitMs = this.#plan.recorder.firstChunkTimeoutMs ?? 3000): Promise<ActionMediaResult> {
    this.#finishing = true;
    const endedAt = performance.now();
    const recorder = this.#recorder;
    if (recorder && !this.#failure) {
      const clip = await stopWithin(recorder, stopLimitMs).catch((e: unknown) => {
        this.#failure = recorderProblem(e);
        this.#plan.giveUp(this.#failure);
        return undefined;
      });
      if (clip) {
        this.#grabber?.clear();
        this.#grabber = undefined;
        this.#record(action, { kind: 'video', mime: clip.mime, bytes: clip.blob.size });
        return { kind: 'video', clip };
      }
      if (this.#proved) throw new RecorderLost();
    }
    const reason = this.#failure ?? this.#plan.fallback ?? 'failed';
    const sequence = await this.#grabber?.finish(endedAt);
    this.#grabber = undefined;
    if (!sequence) throw new OzError('recorder_failed', 'Neither the recorder nor the frame capture kept anything of the action', { action, reason });
    this.#record(action, { kind: 'frames', mime: sequence.mime, reason, frames: sequence.frames.length, bytes: sequence.blob.size });
    return { kind: 'frames', reason, sequence };
  }

  #record(action: ActionTag, r: Omit<ActionMediaRecord, 'action'>): void {
    this.#plan.records.push({ action, ...r });
  }

  /** Stops everything without a medium; safe to call at any time. */
  abort(): void {
    this.#finishing = true;
    clearTimeout(this.#beginTimer);
    this.#recorder?.abort();
    this.#grabber?.clear();
    this.#grabber = undefined;
  }
}

/** Stops a recorder; one whose stop never completes (a broken encoder) counts as giving no data. */
function stopWithin(recorder: ClipRecorder, limitMs: number): Promise<RecordedClip> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      recorder.abort();
      reject(new OzError('recorder_failed', `The recorder did not stop within ${limitMs} ms`, { reason: 'no_data' }));
    }, limitMs);
  });
  return Promise.race([recorder.stop(), late]).finally(() => clearTimeout(timer));
}

/** The capture result's clip for an action's medium. */
export function clipOf(action: ActionTag, tags: string[], m: ActionMediaResult): CaptureClip {
  if (m.kind === 'video') return { kind: 'video', action, tags, mime: m.clip.mime, blob: m.clip.blob, duration_ms: Math.round(m.clip.durationMs) };
  const s = m.sequence;
  return { kind: 'frames', action, tags, mime: s.mime, blob: s.blob, duration_ms: s.durationMs, reason: m.reason, width: s.width, height: s.height, frames: s.frames };
}
