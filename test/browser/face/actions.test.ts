import { expect } from '@open-wc/testing';
import { CaptureFlow } from '../../../src/capture/capture-flow.ts';
import { OzError } from '../../../src/errors.ts';
import { createJudge, type ActionTag } from '../../../src/face/actions.ts';
import type { FaceObservation, FrameObservation } from '../../../src/face/detector.ts';
import { closeCamera, observeReal, openCamera, ScriptedDetector, videoDuration } from './helpers.ts';

type Script = (i: number) => Partial<FaceObservation> | null;

describe('actions judged from scripted landmark and pose sequences', function () {
  this.timeout(60000);
  let base: FrameObservation;

  before(async () => {
    const cam = await openCamera();
    try {
      base = await observeReal(cam.video);
    } finally {
      closeCamera(cam);
    }
    expect(base.faces).to.have.length(1);
    expect(base.faces[0].pose, 'the recorded base face has a pose').to.exist;
  });

  const pose = (d: { yaw?: number; pitch?: number }) => {
    const p = base.faces[0].pose!;
    return { pose: { ...p, yaw: p.yaw + (d.yaw ?? 0), pitch: p.pitch + (d.pitch ?? 0) } };
  };
  const after = (n: number, before: Partial<FaceObservation>, then: Partial<FaceObservation>): Script => (i) => (i < n ? before : then);

  const gestures: [ActionTag, () => Script][] = [
    ['video_selfie_smile', () => after(3, { smile: 0.05 }, { smile: 0.95 })],
    ['video_selfie_eyes', () => (i) => ({ eyesOpen: i >= 3 && i < 5 ? 0.06 : 0.36 })],
    ['video_selfie_left', () => after(3, pose({}), pose({ yaw: 25 }))],
    ['video_selfie_right', () => after(3, pose({}), pose({ yaw: -25 }))],
    ['video_selfie_high', () => after(3, pose({}), pose({ pitch: 18 }))],
    ['video_selfie_down', () => after(3, pose({}), pose({ pitch: -18 }))],
  ];

  for (const [action, script] of gestures) {
    it(`${action}: the gesture passes and yields a playable clip`, async () => {
      const cam = await openCamera();
      try {
        const detector = new ScriptedDetector(base, script());
        const flow = new CaptureFlow({ ...cam, actions: [action], detector, instructMs: 100 });
        const result = await flow.run();
        expect(result.clips.map((c) => c.action)).to.deep.equal([action]);
        expect(Number.isFinite(await videoDuration(result.clips[0].blob))).to.equal(true);
        expect(detector.loads.flat()).to.include('mesh');
        expect(detector.disposed, 'a detector the host passed is left to the host').to.equal(false);
      } finally {
        closeCamera(cam);
      }
    });
  }

  const wrong: [string, ActionTag, Script][] = [
    ['a turn to the other side', 'video_selfie_left', (i) => pose({ yaw: i < 3 ? 0 : -25 })],
    ['looking down when asked to look up', 'video_selfie_high', (i) => pose({ pitch: i < 3 ? 0 : -18 })],
    ['a smile that was there all along', 'video_selfie_smile', () => ({ smile: 0.95 })],
    ['eyes that never close', 'video_selfie_eyes', () => ({ eyesOpen: 0.34 })],
    ['no face at all', 'video_selfie_right', () => null],
  ];
  for (const [what, action, script] of wrong) {
    it(`${action}: ${what} times out with action_timeout`, async () => {
      const cam = await openCamera();
      try {
        const flow = new CaptureFlow({ ...cam, actions: [action], detector: new ScriptedDetector(base, script), instructMs: 100, actionOptions: { timeLimitMs: 1200 } });
        const error = await flow.run().then(() => null, (e: unknown) => e);
        expect(error).to.be.instanceOf(OzError);
        expect((error as OzError).code).to.equal('action_timeout');
        expect((error as OzError).details).to.include({ action });
      } finally {
        closeCamera(cam);
      }
    });
  }

  it('several actions run in order, each with its own clip and best frame', async () => {
    const cam = await openCamera();
    try {
      const still: Script = () => pose({});
      const detector = new ScriptedDetector(base, still);
      const scripts = [still, after(3, pose({}), pose({ yaw: 25 }))];
      const flow = new CaptureFlow({ ...cam, actions: ['video_selfie_blank', 'video_selfie_left'], detector, instructMs: 100, onActionStarted: (_a, index) => detector.startAction(scripts[index]) });
      const result = await flow.run();
      expect(result.clips.map((c) => c.action)).to.deep.equal(['video_selfie_blank', 'video_selfie_left']);
      expect(result.frame_list).to.have.length(2);
    } finally {
      closeCamera(cam);
    }
  });
});

describe('action judges, frame by frame', () => {
  const frame = (t: number, face: Partial<FaceObservation> | null): FrameObservation => ({
    timestamp: t,
    width: 640,
    height: 480,
    brightness: 0.5,
    inferenceMs: 0,
    faces: face ? [{ score: 0.9, box: { x: 200, y: 100, width: 240, height: 240 }, brightness: 0.5, sharpness: 2000, ...face }] : [],
  });

  it('blank passes after the face has been still for holdMs, and restarts when it moves', () => {
    const j = createJudge('video_selfie_blank', { holdMs: 700 });
    expect(j.update(frame(0, {}))).to.equal('pending');
    expect(j.update(frame(500, {}))).to.equal('pending');
    expect(j.update(frame(600, { box: { x: 260, y: 100, width: 240, height: 240 } }))).to.equal('pending');
    expect(j.update(frame(1200, { box: { x: 260, y: 100, width: 240, height: 240 } }))).to.equal('pending');
    expect(j.update(frame(1300, { box: { x: 260, y: 100, width: 240, height: 240 } }))).to.equal('passed');
  });

  it('scan passes when the face grows by scanGrowth from its smallest size', () => {
    const j = createJudge('video_selfie_scan', { scanGrowth: 1.3, confirmFrames: 2 });
    const sized = (w: number) => ({ box: { x: 320 - w / 2, y: 100, width: w, height: w } });
    const verdicts = [200, 180, 200, 220, 240, 250].map((w, i) => j.update(frame(i * 60, sized(w))));
    expect(verdicts).to.deep.equal(['pending', 'pending', 'pending', 'pending', 'pending', 'passed']);
  });

  it('two faces never pass a gesture', () => {
    const j = createJudge('video_selfie_smile', { confirmFrames: 1 });
    const two = (smile: number): FrameObservation => {
      const f = frame(0, { smile });
      return { ...f, faces: [f.faces[0], { ...f.faces[0], box: { x: 0, y: 0, width: 200, height: 200 } }] };
    };
    expect(j.update(two(0.1))).to.equal('pending');
    expect(j.update(two(0.9))).to.equal('pending');
  });
});
