/**
 * The detector contract: what the capture stage needs to know about the faces in one camera frame.
 *
 * Every coordinate is in the recording's pixel frame (the camera track's own width and height, never the mirrored
 * preview), so boxes and landmarks can be stored next to the clip and the best frame as they are.
 */

/** A point [x, y] in the recording's pixels. */
export type Point = [number, number];

/** An axis-aligned box in the recording's pixels. */
export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

/**
 * Head pose in degrees, in the camera's (unmirrored) frame:
 * - yaw > 0: the person turns their head to their own left (the nose moves towards the image's right edge);
 * - pitch > 0: the person looks up (chin raised);
 * - roll > 0: the head tilts towards the person's own left shoulder (clockwise in the image).
 */
export interface HeadPose {
  yaw: number;
  pitch: number;
  roll: number;
}

/**
 * Named landmarks (recording pixels). Eyes, nose and mouth centre come with every detection (the face detector's own
 * keypoints); the mouth corners need a landmark model (the 'mesh' feature), which also makes the others more exact.
 */
export interface FaceLandmarks {
  leftEye: Point;
  rightEye: Point;
  nose: Point;
  mouthCentre: Point;
  mouthLeft?: Point;
  mouthRight?: Point;
}

export interface FaceObservation {
  /** Detection confidence, 0..1. */
  score: number;
  box: Box;
  /** Present when the detector reports landmarks: keypoints with 'detect', the refined set with 'mesh'. */
  landmarks?: FaceLandmarks;
  /** Present when the detector ran a landmark model. */
  pose?: HeadPose;
  /** 0..1, how much the person smiles; present with the 'smile' feature. */
  smile?: number;
  /** Eye aspect ratio (lid gap / eye width, both eyes averaged): about 0.25-0.35 open, under 0.15 closed. */
  eyesOpen?: number;
  /** Mean luma of the face box, 0..1. */
  brightness: number;
  /** Variance of the Laplacian of the face box's luma (0..255 scale), higher is sharper. */
  sharpness: number;
}

/** Everything a detector reports about one frame. */
export interface FrameObservation {
  /** The frame's capture time (performance.now() on the page that grabbed it). */
  timestamp: number;
  /** Size of the recording frame the coordinates refer to. */
  width: number;
  height: number;
  faces: FaceObservation[];
  /** Mean luma of the whole frame, 0..1. */
  brightness: number;
  /** Time the detector spent on the frame, in ms. */
  inferenceMs: number;
}

/**
 * What a capture step needs from the detector. 'detect' (boxes and coarse landmarks) is the cheap pass guidance and
 * the best shot run on; 'mesh' adds exact landmarks, head pose and eye openness; 'smile' adds the smile score.
 */
export type DetectorFeature = 'detect' | 'mesh' | 'smile';

/** A frame handed to a detector: the bitmap (possibly scaled down) and the recording size it stands for. */
export interface DetectorFrame {
  bitmap: ImageBitmap;
  /** Size of the recording frame; coordinates are reported in this frame whatever the bitmap size. */
  width: number;
  height: number;
  timestamp: number;
}

/**
 * A camera frame handed to a detector whole, as a WebCodecs VideoFrame at the camera's resolution (see
 * {@link Detector.detectVideoFrame}).
 */
export interface DetectorVideoFrame {
  frame: VideoFrame;
  /** Size of the recording frame; coordinates are reported in this frame. */
  width: number;
  height: number;
  timestamp: number;
  /** The width to scale to where the detector needs an ImageBitmap after all (the flow's `detectWidth`). */
  detectWidth: number;
}

/**
 * A face detector. The capture flow calls `load` once per feature set it needs (loading is incremental and
 * idempotent), then `detect` once per frame, never two at a time. The actions' features load while guidance frames
 * are detected, so a `load` may be in flight during a `detect`. `detect` owns the bitmap and closes it (`detectVideoFrame`, the frame).
 * Hosts and tests may pass their own implementation.
 */
export interface Detector {
  load(features: readonly DetectorFeature[], signal?: AbortSignal): Promise<void>;
  detect(frame: DetectorFrame, features: readonly DetectorFeature[]): Promise<FrameObservation>;
  /**
   * Optional: the same as `detect` for a VideoFrame, which the detector owns and closes. Where the browser has
   * VideoFrame, the capture flow hands frames over this way instead of making a scaled-down ImageBitmap on the page
   * for `detect`. The answer must be the one `detect` gives for the same picture.
   */
  detectVideoFrame?(frame: DetectorVideoFrame, features: readonly DetectorFeature[]): Promise<FrameObservation>;
  dispose(): void;
}
