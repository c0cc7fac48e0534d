// What a capture is made of and what it reports: shared by the capture flow, the session that runs it, and the hosts
// that receive its result.
import type { CaptureMedia } from '../config.ts';
import type { OzError } from '../errors.ts';
import type { ActionOptions, ActionTag } from '../face/actions.ts';
import type { Box, Detector, FaceLandmarks, FrameObservation } from '../face/detector.ts';
import type { GuidanceThresholds, Hint, Oval } from '../face/guidance.ts';
import type { EvidenceEntry } from './evidence.ts';
import type { CapturedFrame, FrameGrabOptions } from './frame-grabber.ts';
import type { ClipRecorderOptions } from './recorder.ts';

export type { CaptureMedia, CapturedFrame, FrameGrabOptions };

export type CaptureState = 'loading' | 'positioning' | 'instruct' | 'recording' | 'encoding' | 'done' | 'failed' | 'cancelled';

/**
 * Why an action is a frame sequence and not a video: no MediaRecorder (`missing`), no container it can record
 * (`unsupported`), it threw or reported an error (`failed`), it gave no data in time or only empty chunks
 * (`no_data`), or the host asked for frames (`requested`).
 */
export type RecorderFallbackReason = 'missing' | 'unsupported' | 'failed' | 'no_data' | 'requested';

interface ClipBase {
  action: ActionTag;
  tags: string[];
  mime: string;
  /** The medium as uploaded: a video, or the frame sequence file (docs/frame-sequence.md). */
  blob: Blob;
  duration_ms: number;
}

/** An action recorded as video by MediaRecorder. */
export interface VideoClip extends ClipBase {
  kind: 'video';
}

/** An action captured as a frame sequence (MIME type `video/x-oz-frames`), because of `reason`. */
export interface FramesClip extends ClipBase {
  kind: 'frames';
  reason: RecorderFallbackReason;
  /** Size of the frame images. */
  width: number;
  height: number;
  frames: CapturedFrame[];
}

/** One action's medium, tagged with the vendor's media tags. */
export type CaptureClip = VideoClip | FramesClip;

/** The vendor's `on_capture_complete` result fields, plus the clips, the technical data and the evidence timeline. */
export interface CaptureResult {
  action: ActionTag[];
  /** JPEG data URL of the best frame (null without `extractBestShot` or when no frame had a face). */
  best_frame: string | null;
  best_frame_png: string | null;
  /** In the recording's pixels. */
  best_frame_bounding_box: Box | null;
  best_frame_landmarks: FaceLandmarks | null;
  /** The best frame of each action, JPEG data URLs, in action order. */
  frame_list: string[];
  frame_bounding_box_list: Box[];
  clips: CaptureClip[];
  technical: Record<string, unknown>;
  evidence: EvidenceEntry[];
}

/** Progress callbacks the element renders. All optional; none may throw (errors are caught and ignored). */
export interface CaptureCallbacks {
  onState?(state: CaptureState): void;
  onHint?(hint: Hint): void;
  /** 0..1 on every guidance frame. */
  onOvalFit?(fit: number): void;
  onObservation?(obs: FrameObservation): void;
  onActionStarted?(action: ActionTag, index: number, attempt: number): void;
  onActionProgress?(action: ActionTag, progress: number): void;
  onActionCompleted?(action: ActionTag, clip: CaptureClip): void;
  onActionFailed?(action: ActionTag, error: OzError, willRetry: boolean): void;
}

export interface CaptureFlowOptions extends CaptureCallbacks {
  /** The live camera stream (its first video track is recorded). */
  stream: MediaStream;
  /** A video element playing `stream` (the element's preview; it may be mirrored with CSS, frames are not). */
  video: HTMLVideoElement;
  actions: readonly ActionTag[];
  /** A detector to use instead of the default face worker (hosts, tests). */
  detector?: Detector;
  /** Where the default detector finds `models/` and `wasm/`. */
  assetsUrl?: string | URL;
  /** Limit for each model load before 'face_model_timeout'. */
  modelLoadTimeoutMs?: number;
  /** Width frames are scaled to for detection; coordinates stay in the recording's frame. */
  detectWidth?: number;
  /** Upper bound on guidance frames per second (spares the CPU; the camera rarely gives more). */
  maxFps?: number;
  thresholds?: Partial<GuidanceThresholds>;
  oval?: Oval;
  actionOptions?: Partial<ActionOptions>;
  /** How long guidance must say 'ok' before the first action starts. */
  positionHoldMs?: number;
  /** Limit for positioning before 'action_timeout' (details.stage 'positioning'); 0 waits until cancelled. */
  positioningTimeoutMs?: number;
  /** How long each action's instruction shows before recording starts. */
  instructMs?: number;
  /** Further attempts after an action times out, before the flow fails with 'action_timeout'. */
  actionRetries?: number;
  extractBestShot?: boolean;
  recorder?: ClipRecorderOptions;
  /** Video with a frame-sequence fallback (`auto`, default), or frames only. */
  captureMedia?: CaptureMedia;
  /** Rate, size and quality of frame sequences. */
  frames?: FrameGrabOptions;
  /** Stop the stream's tracks when the flow ends in any way (default true: the camera light goes off). */
  releaseCamera?: boolean;
}
