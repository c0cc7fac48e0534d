import { expect } from '@open-wc/testing';
import type { FaceObservation, FrameObservation } from '../../../src/face/detector.ts';
import { defaultOval, defaultThresholds, guide, initialGuidance, rawHint, type GuidanceState, type Hint } from '../../../src/face/guidance.ts';

const W = 640, H = 480;
const face = (width: number, cx = 0.5, cy = 0.45, extra: Partial<FaceObservation> = {}): FaceObservation => ({
  score: 0.9,
  box: { x: cx * W - (width * W) / 2, y: cy * H - (width * W) / 2, width: width * W, height: width * W },
  brightness: 0.5,
  sharpness: 2000,
  ...extra,
});
const frame = (faces: FaceObservation[], brightness = 0.5): FrameObservation => ({ timestamp: 0, width: W, height: H, faces, brightness, inferenceMs: 0 });

function run(frames: FrameObservation[], state: GuidanceState = initialGuidance): Hint[] {
  const hints: Hint[] = [];
  for (const f of frames) {
    const r = guide(state, f);
    state = r.state;
    hints.push(r.hint);
  }
  return hints;
}

describe('guidance', () => {
  const cases: [string, FrameObservation, Hint][] = [
    ['no face', frame([]), 'no_face'],
    ['a dark frame without a face', frame([], 0.05), 'too_dark'],
    ['a dark face', frame([face(0.5, 0.5, 0.45, { brightness: 0.08 })]), 'too_dark'],
    ['a glaring face', frame([face(0.5, 0.5, 0.45, { brightness: 0.95 })]), 'too_bright'],
    ['two faces', frame([face(0.4, 0.3), face(0.38, 0.7)]), 'several_faces'],
    ['a tiny face in the background', frame([face(0.5), face(0.1, 0.9, 0.2)]), 'ok'],
    ['a small face', frame([face(0.2)]), 'too_far'],
    ['a huge face', frame([face(0.9)]), 'too_close'],
    ['a face at the edge', frame([face(0.45, 0.22)]), 'off_centre'],
    ['a good face', frame([face(0.52)]), 'ok'],
  ];
  for (const [what, f, hint] of cases) {
    it(`says ${hint} for ${what}`, () => expect(run([f, f, f]).at(-1)).to.equal(hint));
  }

  it('needs settleFrames frames before switching, so a single odd frame does not flicker', () => {
    const good = frame([face(0.52)]), far = frame([face(0.2)]);
    expect(run([good, good, far, good, good, far, good])).to.deep.equal(['no_face', 'ok', 'ok', 'ok', 'ok', 'ok', 'ok']);
  });

  it('holds a hint until the leave threshold is crossed (hysteresis)', () => {
    const t = defaultThresholds;
    const between = (t.farEnter + t.farLeave) / 2;
    const hints = run([frame([face(0.2)]), frame([face(0.2)]), frame([face(between)]), frame([face(between)]), frame([face(t.farLeave + 0.02)]), frame([face(t.farLeave + 0.02)]), frame([face(t.farLeave + 0.02)])]);
    // The jump to the larger size reads as movement for one frame, then the face is near enough.
    expect(hints).to.deep.equal(['no_face', 'too_far', 'too_far', 'too_far', 'too_far', 'too_far', 'ok']);
    expect(run([frame([face(between)]), frame([face(between)])]).at(-1), 'from another hint the enter threshold applies').to.equal('ok');
  });

  it('asks to hold still when the face jumps between frames', () => {
    const a = frame([face(0.5, 0.5)]), b = frame([face(0.5, 0.56)]);
    expect(run([a, a, b, a, b, a]).slice(-2)).to.deep.equal(['hold_still', 'hold_still']);
  });

  it('reports the oval fit: high when the face fills the oval, 0 with two faces', () => {
    expect(guide(initialGuidance, frame([face(0.54, 0.5, 0.45)])).ovalFit).to.be.greaterThan(0.7);
    expect(guide(initialGuidance, frame([face(0.3, 0.3, 0.45)])).ovalFit).to.be.lessThan(0.3);
    expect(guide(initialGuidance, frame([face(0.4, 0.3), face(0.4, 0.7)])).ovalFit).to.equal(0);
  });

  it('scales size, centring and stillness with the oval: half the oval, half the face', () => {
    const half = { ...defaultOval, rx: defaultOval.rx / 2, ry: defaultOval.ry / 2 };
    const small = frame([face(0.27)]);
    expect(rawHint(small, 'no_face', undefined, defaultThresholds, defaultOval), 'small in the default oval').to.equal('too_far');
    expect(rawHint(small, 'no_face', undefined, defaultThresholds, half), 'fills the half-size oval').to.equal('ok');
    expect(rawHint(frame([face(0.5)]), 'no_face', undefined, defaultThresholds, half), 'too big for it').to.equal('too_close');
    // 0.1 of the frame off centre: within the default oval's limit, over it for the half-size one.
    expect(rawHint(frame([face(0.54, 0.6)]), 'no_face', undefined, defaultThresholds, defaultOval)).to.equal('ok');
    expect(rawHint(frame([face(0.27, 0.6)]), 'no_face', undefined, defaultThresholds, half)).to.equal('off_centre');
    // A move of 0.02 frame widths is still in the default oval, but 0.04 of the half-size oval's scale.
    expect(rawHint(small, 'ok', face(0.27).box, defaultThresholds, half)).to.equal('ok');
    expect(rawHint(frame([face(0.27, 0.52)]), 'ok', face(0.27).box, defaultThresholds, half)).to.equal('hold_still');
    expect(rawHint(frame([face(0.54, 0.52)]), 'ok', face(0.54).box, defaultThresholds, defaultOval)).to.equal('ok');
  });
});
