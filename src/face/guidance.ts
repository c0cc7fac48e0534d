import type { Box, FaceObservation, FrameObservation } from './detector.ts';

/** What the person should do next, in priority order of the checks. */
export type Hint = 'no_face' | 'several_faces' | 'too_dark' | 'too_bright' | 'too_far' | 'too_close' | 'off_centre' | 'hold_still' | 'ok';

/**
 * Thresholds, as fractions of the recording frame (face sizes are the detector's face box width over the frame
 * width) for the default oval. With another oval they scale with its size: a view that crops the frame (a portrait
 * stage on a landscape camera) shows a smaller oval, and "too far" must still mean "small in the oval on screen".
 * Each `enter` threshold starts a hint, each `leave` ends it, so a face on the edge of a limit does not make the hint
 * flicker. Kiosks and phones can pass their own.
 */
export interface GuidanceThresholds {
  /** Face width below which the person is too far (enter), and above which they are near enough again (leave). */
  farEnter: number;
  farLeave: number;
  closeEnter: number;
  closeLeave: number;
  /** Distance of the face centre from the oval centre, in frame widths (x) and heights (y). */
  offCentreEnter: number;
  offCentreLeave: number;
  /** Mean luma (0..1) of the face, or of the frame when no face is found. */
  darkEnter: number;
  darkLeave: number;
  brightEnter: number;
  brightLeave: number;
  /** Face movement between consecutive frames above which the person is not still, in frame widths. */
  motion: number;
  /** A second face counts when it is at least this fraction of the main face's width. */
  secondFaceRatio: number;
  /** Frames a new hint must persist before it replaces the current one. */
  settleFrames: number;
}

/**
 * The oval guide, in fractions of the recording frame: centre and radii (rx of the width, ry of the height). The
 * element measures the one it shows and hands it to the capture, so guidance judges the oval the person sees.
 */
export interface Oval {
  cx: number;
  cy: number;
  rx: number;
  ry: number;
}

export const defaultOval: Oval = { cx: 0.5, cy: 0.45, rx: 0.27, ry: 0.36 };

export const defaultThresholds: GuidanceThresholds = {
  farEnter: 0.34,
  farLeave: 0.38,
  closeEnter: 0.78,
  closeLeave: 0.72,
  offCentreEnter: 0.14,
  offCentreLeave: 0.1,
  darkEnter: 0.2,
  darkLeave: 0.25,
  brightEnter: 0.88,
  brightLeave: 0.82,
  motion: 0.03,
  secondFaceRatio: 0.4,
  settleFrames: 2,
};

/** Guidance state carried from one frame to the next (a plain value: the reducer below is pure). */
export interface GuidanceState {
  hint: Hint;
  /** The hint the last frames suggested and how many frames in a row. */
  candidate: Hint;
  streak: number;
  /** The main face's box on the previous frame, for the stillness check. */
  lastBox?: Box;
}

export const initialGuidance: GuidanceState = { hint: 'no_face', candidate: 'no_face', streak: 0 };

export interface GuidanceResult {
  state: GuidanceState;
  hint: Hint;
  /** 0..1: intersection over union of the face box and the oval's bounding box; 0 without exactly one face. */
  ovalFit: number;
  /** The face guidance judged (the largest), if any. */
  face?: FaceObservation;
}

export function ovalBox(oval: Oval, width: number, height: number): Box {
  return { x: (oval.cx - oval.rx) * width, y: (oval.cy - oval.ry) * height, width: 2 * oval.rx * width, height: 2 * oval.ry * height };
}

export function iou(a: Box, b: Box): number {
  const x1 = Math.max(a.x, b.x), y1 = Math.max(a.y, b.y);
  const x2 = Math.min(a.x + a.width, b.x + b.width), y2 = Math.min(a.y + a.height, b.y + b.height);
  const inter = Math.max(0, x2 - x1) * Math.max(0, y2 - y1);
  const union = a.width * a.height + b.width * b.height - inter;
  return union > 0 ? inter / union : 0;
}

/** The main face and whether other faces count, by size relative to it (observations are sorted largest first). */
export function countFaces(obs: FrameObservation, t: GuidanceThresholds = defaultThresholds): number {
  const main = obs.faces[0];
  if (!main) return 0;
  return obs.faces.filter((f) => f.box.width >= t.secondFaceRatio * main.box.width).length;
}

/** The hint one frame asks for, given the hint currently shown (which picks enter or leave thresholds). */
export function rawHint(obs: FrameObservation, current: Hint, lastBox: Box | undefined, t: GuidanceThresholds = defaultThresholds, oval: Oval = defaultOval): Hint {
  const face = obs.faces[0];
  const lim = (hint: Hint, enter: number, leave: number) => (current === hint ? leave : enter);
  const light = face ? face.brightness : obs.brightness;
  if (light < lim('too_dark', t.darkEnter, t.darkLeave)) return 'too_dark';
  if (light > lim('too_bright', t.brightEnter, t.brightLeave)) return 'too_bright';
  if (!face) return 'no_face';
  if (countFaces(obs, t) > 1) return 'several_faces';
  // How much bigger (or smaller) this oval is than the one the thresholds are written for; 1 for the default oval.
  const sx = oval.rx / defaultOval.rx, sy = oval.ry / defaultOval.ry;
  const size = face.box.width / obs.width / sx;
  if (size < lim('too_far', t.farEnter, t.farLeave)) return 'too_far';
  if (size > lim('too_close', t.closeEnter, t.closeLeave)) return 'too_close';
  const dx = ((face.box.x + face.box.width / 2) / obs.width - oval.cx) / sx;
  const dy = ((face.box.y + face.box.height / 2) / obs.height - oval.cy) / sy;
  if (Math.max(Math.abs(dx), Math.abs(dy)) > lim('off_centre', t.offCentreEnter, t.offCentreLeave)) return 'off_centre';
  if (lastBox) {
    const moved = Math.hypot(face.box.x + face.box.width / 2 - (lastBox.x + lastBox.width / 2), face.box.y + face.box.height / 2 - (lastBox.y + lastBox.height / 2));
    const grew = Math.abs(face.box.width - lastBox.width);
    if (Math.max(moved, grew) / obs.width / sx > t.motion) return 'hold_still';
  }
  return 'ok';
}

/**
 * One guidance step: the pure reducer the capture flow runs on every observation. A hint replaces the shown one
 * only after `settleFrames` frames in a row ask for it.
 */
export function guide(state: GuidanceState, obs: FrameObservation, t: GuidanceThresholds = defaultThresholds, oval: Oval = defaultOval): GuidanceResult {
  const face = obs.faces[0];
  const raw = rawHint(obs, state.hint, state.lastBox, t, oval);
  const streak = raw === state.candidate ? state.streak + 1 : 1;
  const hint = raw !== state.hint && streak >= t.settleFrames ? raw : state.hint;
  const ovalFit = face && countFaces(obs, t) === 1 ? iou(face.box, ovalBox(oval, obs.width, obs.height)) : 0;
  return { state: { hint, candidate: raw, streak, lastBox: face?.box }, hint, ovalFit, face };
}
