import type { Box, DetectorFeature, FrameObservation, FaceObservation } from './detector.ts';

/** The vendor's action tags the capture stage can run, in the order they are given. */
export const ACTIONS = [
  'video_selfie_blank',
  'video_selfie_smile',
  'video_selfie_eyes',
  'video_selfie_scan',
  'video_selfie_left',
  'video_selfie_right',
  'video_selfie_down',
  'video_selfie_high',
  'video_selfie_oneshot',
] as const;

export type ActionTag = (typeof ACTIONS)[number];

export function isActionTag(value: string): value is ActionTag {
  return (ACTIONS as readonly string[]).includes(value);
}

/**
 * Limits the judges apply. Head turns use the sign convention of `HeadPose` (camera frame, unmirrored):
 * `video_selfie_left` asks the person to turn to their own left, which raises yaw (the nose moves towards the
 * image's right edge) and which, in the mirrored preview, looks like a turn towards the screen's left, as in a mirror.
 * `video_selfie_right` lowers yaw; `video_selfie_high` raises pitch (chin up); `video_selfie_down` lowers it.
 * Turns are measured from the pose at the start of the action, so a slightly turned resting pose does not count.
 */
export interface ActionOptions {
  /** How long a person may take to do an action before it fails with 'action_timeout'. */
  timeLimitMs: number;
  /** Blank: how long the face must stay still. */
  holdMs: number;
  /** Blank: largest movement of the face centre or size between frames, in frame widths. */
  stillMotion: number;
  /** Smile: 'happy' score for a smile, and below which the face counts as neutral. */
  smileOn: number;
  smileOff: number;
  /** Blink: eye aspect ratio above which eyes are open, below which they are closed. */
  eyesOpen: number;
  eyesClosed: number;
  /** Scan: the face box must grow to this multiple of the smallest width seen during the action. */
  scanGrowth: number;
  /** Turns: degrees of yaw (left/right) and pitch (high/down) away from the starting pose. */
  turnYawDeg: number;
  turnPitchDeg: number;
  /** Frames in a row a gesture must be seen (guards against a single noisy frame). */
  confirmFrames: number;
}

export const defaultActionOptions: ActionOptions = {
  timeLimitMs: 5000,
  holdMs: 700,
  stillMotion: 0.03,
  smileOn: 0.7,
  smileOff: 0.35,
  eyesOpen: 0.24,
  eyesClosed: 0.16,
  scanGrowth: 1.3,
  turnYawDeg: 18,
  turnPitchDeg: 12,
  confirmFrames: 2,
};

export type Verdict = 'pending' | 'passed';

/**
 * Judges one action from a stream of observations. Judges are deterministic and hold no timers: the capture flow
 * feeds them frames and enforces the time limit, so a scripted detector can drive them frame by frame.
 */
export interface ActionJudge {
  readonly action: ActionTag;
  /** Detector features the judge needs. */
  readonly features: readonly DetectorFeature[];
  /** Feeds one frame; 'passed' once the gesture has been seen. */
  update(obs: FrameObservation): Verdict;
  /** 0..1, for a progress indicator. */
  readonly progress: number;
}

/** The face a judge looks at: exactly one face, else none (several faces never pass an action). */
function soleFace(obs: FrameObservation): FaceObservation | undefined {
  return obs.faces.length === 1 ? obs.faces[0] : undefined;
}

const centre = (b: Box): [number, number] => [b.x + b.width / 2, b.y + b.height / 2];

class HoldStill implements ActionJudge {
  // Stillness is judged from boxes alone; the best shot takes the detector's keypoints, so blank loads no mesh.
  readonly features = ['detect'] as const;
  #since?: number;
  #last?: Box;
  progress = 0;
  constructor(readonly action: ActionTag, private o: ActionOptions) {}
  update(obs: FrameObservation): Verdict {
    const face = soleFace(obs);
    const last = this.#last;
    this.#last = face?.box;
    if (!face || !last) {
      this.#since = face ? obs.timestamp : undefined;
      this.progress = 0;
      return 'pending';
    }
    const [x0, y0] = centre(last), [x1, y1] = centre(face.box);
    const moved = Math.max(Math.hypot(x1 - x0, y1 - y0), Math.abs(face.box.width - last.width)) / obs.width;
    if (moved > this.o.stillMotion || this.#since === undefined) this.#since = obs.timestamp;
    this.progress = Math.min(1, (obs.timestamp - this.#since) / this.o.holdMs);
    return this.progress >= 1 ? 'passed' : 'pending';
  }
}

/** Passes after a `from` frame followed by `confirmFrames` frames in a row of `to` (a change, not a state). */
class Transition implements ActionJudge {
  progress = 0;
  #armed = false;
  #streak = 0;
  constructor(
    readonly action: ActionTag,
    readonly features: readonly DetectorFeature[],
    private from: (f: FaceObservation) => boolean,
    private to: (f: FaceObservation) => boolean,
    private confirm: number,
  ) {}
  update(obs: FrameObservation): Verdict {
    const face = soleFace(obs);
    if (!face) return this.progress >= 1 ? 'passed' : 'pending';
    if (this.from(face)) {
      this.#armed = true;
      this.#streak = 0;
    } else if (this.#armed && this.to(face)) {
      this.#streak++;
    } else {
      this.#streak = 0;
    }
    this.progress = !this.#armed ? 0 : Math.max(this.progress, 0.5 + (0.5 * this.#streak) / this.confirm);
    if (this.#streak >= this.confirm) this.progress = 1;
    return this.progress >= 1 ? 'passed' : 'pending';
  }
}

/** Blink: open, then closed, then open again. */
class Blink implements ActionJudge {
  readonly features = ['detect', 'mesh'] as const;
  progress = 0;
  #phase: 'wait_open' | 'wait_closed' | 'wait_reopen' = 'wait_open';
  constructor(readonly action: ActionTag, private o: ActionOptions) {}
  update(obs: FrameObservation): Verdict {
    const ear = soleFace(obs)?.eyesOpen;
    if (ear === undefined) return this.progress >= 1 ? 'passed' : 'pending';
    if (this.#phase === 'wait_open' && ear >= this.o.eyesOpen) this.#phase = 'wait_closed';
    else if (this.#phase === 'wait_closed' && ear <= this.o.eyesClosed) this.#phase = 'wait_reopen';
    else if (this.#phase === 'wait_reopen' && ear >= this.o.eyesOpen) this.progress = 1;
    if (this.progress < 1) this.progress = this.#phase === 'wait_open' ? 0 : this.#phase === 'wait_closed' ? 0.33 : 0.66;
    return this.progress >= 1 ? 'passed' : 'pending';
  }
}

/** Approach: the face box grows to `scanGrowth` times the smallest width seen since the action started. */
class Approach implements ActionJudge {
  readonly features = ['detect'] as const;
  progress = 0;
  #min = Infinity;
  #streak = 0;
  constructor(readonly action: ActionTag, private o: ActionOptions) {}
  update(obs: FrameObservation): Verdict {
    const face = soleFace(obs);
    if (!face) return this.progress >= 1 ? 'passed' : 'pending';
    const w = face.box.width;
    this.#min = Math.min(this.#min, w);
    const growth = w / this.#min;
    this.#streak = growth >= this.o.scanGrowth ? this.#streak + 1 : 0;
    this.progress = this.#streak >= this.o.confirmFrames ? 1 : Math.max(this.progress, Math.min(0.99, (growth - 1) / (this.o.scanGrowth - 1)));
    return this.progress >= 1 ? 'passed' : 'pending';
  }
}

/** A head turn: yaw or pitch moves by `deg` in `sign`'s direction from the first pose seen. */
class Turn implements ActionJudge {
  readonly features = ['detect', 'mesh'] as const;
  progress = 0;
  #start?: number;
  #streak = 0;
  constructor(readonly action: ActionTag, private axis: 'yaw' | 'pitch', private sign: 1 | -1, private deg: number, private confirm: number) {}
  update(obs: FrameObservation): Verdict {
    const pose = soleFace(obs)?.pose;
    if (!pose) return this.progress >= 1 ? 'passed' : 'pending';
    this.#start ??= pose[this.axis];
    const turned = this.sign * (pose[this.axis] - this.#start);
    this.#streak = turned >= this.deg ? this.#streak + 1 : 0;
    this.progress = this.#streak >= this.confirm ? 1 : Math.max(this.progress, Math.min(0.99, Math.max(0, turned / this.deg)));
    return this.progress >= 1 ? 'passed' : 'pending';
  }
}

export function createJudge(action: ActionTag, options: Partial<ActionOptions> = {}): ActionJudge {
  const o = { ...defaultActionOptions, ...options };
  switch (action) {
    case 'video_selfie_blank':
    case 'video_selfie_oneshot':
      return new HoldStill(action, o);
    case 'video_selfie_smile':
      return new Transition(action, ['detect', 'mesh', 'smile'], (f) => (f.smile ?? 1) <= o.smileOff, (f) => (f.smile ?? 0) >= o.smileOn, o.confirmFrames);
    case 'video_selfie_eyes':
      return new Blink(action, o);
    case 'video_selfie_scan':
      return new Approach(action, o);
    case 'video_selfie_left':
      return new Turn(action, 'yaw', 1, o.turnYawDeg, o.confirmFrames);
    case 'video_selfie_right':
      return new Turn(action, 'yaw', -1, o.turnYawDeg, o.confirmFrames);
    case 'video_selfie_high':
      return new Turn(action, 'pitch', 1, o.turnPitchDeg, o.confirmFrames);
    case 'video_selfie_down':
      return new Turn(action, 'pitch', -1, o.turnPitchDeg, o.confirmFrames);
  }
}
