import { expect } from '@open-wc/testing';
import { CaptureFlow, type CaptureState } from '../../../src/capture/capture-flow.ts';
import { OzError } from '../../../src/errors.ts';
import { WorkerDetector } from '../../../src/face/worker-detector.ts';
import type { Hint } from '../../../src/face/guidance.ts';
import { closeCamera, facesInImage, openCamera, videoDuration } from './helpers.ts';

describe('capture flow on the frontal face scene (real detector, real recorder)', function () {
  this.timeout(60000);

  it('runs a blank capture to a clip that plays and a best frame with one face', async () => {
    const cam = await openCamera();
    const states: CaptureState[] = [];
    const hints: Hint[] = [];
    const fits: number[] = [];
    try {
      const flow = new CaptureFlow({
        ...cam,
        actions: ['video_selfie_blank'],
        onState: (s) => states.push(s),
        onHint: (h) => hints.push(h),
        onOvalFit: (f) => fits.push(f),
      });
      const result = await flow.run();
      expect(states).to.deep.equal(['loading', 'positioning', 'instruct', 'recording', 'encoding', 'done']);
      expect(hints.at(-1)).to.equal('ok');
      expect(Math.max(...fits)).to.be.greaterThan(0.7);
      expect(result.action).to.deep.equal(['video_selfie_blank']);
      expect(result.clips).to.have.length(1);
      const [clip] = result.clips;
      expect(clip.tags).to.deep.equal(['video_selfie', 'video_selfie_blank', 'orientation_landscape']);
      expect(clip.mime).to.match(/^video\/(webm|mp4)$/);
      expect(clip.duration_ms).to.be.at.least(700);
      const duration = await videoDuration(clip.blob);
      expect(Number.isFinite(duration), `clip duration ${duration}`).to.equal(true);
      expect(duration).to.be.greaterThan(0.5);

      expect(result.best_frame).to.match(/^data:image\/jpeg;base64,/);
      expect(result.best_frame_png).to.match(/^data:image\/png;base64,/);
      const faces = await facesInImage(result.best_frame!);
      expect(faces).to.have.length(1);
      const box = result.best_frame_bounding_box!;
      expect(Math.abs(faces[0].box.x - box.x)).to.be.lessThan(40);
      expect(result.best_frame_landmarks?.nose[0]).to.be.within(box.x, box.x + box.width);
      expect(result.frame_list).to.have.length(1);
      expect(result.frame_bounding_box_list).to.deep.equal([box]);

      const camera = result.technical.camera as { settings: { deviceId: string }; virtual_camera_hints: string[] };
      expect(camera.settings.deviceId).to.match(/^sha256:[0-9a-f]{64}$/);
      expect((result.technical.sdk as { version: string }).version).to.equal((await (await fetch('/package.json')).json()).version);
      const timings = result.technical.timings as Record<string, number>;
      expect(timings.firstFrameMs).to.be.at.most(timings.modelReadyMs);
      expect(timings.modelReadyMs).to.be.at.most(timings.firstGuidanceMs);
      expect(result.evidence.map((e) => e.type)).to.include.members(['state', 'action_started', 'recording_started', 'action_passed', 'clip', 'best_shot']);
      expect(cam.stream.getTracks().every((t) => t.readyState === 'ended'), 'camera released').to.equal(true);
      expect((flow.detector as WorkerDetector).running).to.equal(false);
    } finally {
      closeCamera(cam);
    }
  });

  it('cannot pass a head turn or a blink with a still photo: action_timeout', async () => {
    for (const action of ['video_selfie_left', 'video_selfie_eyes'] as const) {
      const cam = await openCamera();
      const failures: [string, boolean][] = [];
      try {
        const flow = new CaptureFlow({ ...cam, actions: [action], actionOptions: { timeLimitMs: 1500 }, onActionFailed: (a, _e, retry) => failures.push([a, retry]) });
        const error = await flow.run().then(() => null, (e: unknown) => e);
        expect(error).to.be.instanceOf(OzError);
        expect((error as OzError).code).to.equal('action_timeout');
        expect(failures).to.deep.equal([[action, false]]);
        expect(flow.state).to.equal('failed');
        expect(flow.pendingTimers).to.equal(0);
      } finally {
        closeCamera(cam);
      }
    }
  });

  it('cancel in the middle of an action releases the camera, the worker, the recorder and the timers', async () => {
    const cam = await openCamera();
    try {
      let flow!: CaptureFlow;
      const recording = new Promise<void>((resolve) => {
        flow = new CaptureFlow({ ...cam, actions: ['video_selfie_smile'], onState: (s) => s === 'recording' && resolve() });
      });
      const run = flow.run().then(() => null, (e: unknown) => e);
      await recording;
      expect(flow.recording).to.equal(true);
      expect((flow.detector as WorkerDetector).running).to.equal(true);
      flow.cancel();
      const error = await run;
      expect((error as OzError).code).to.equal('user_cancelled');
      expect(flow.state).to.equal('cancelled');
      expect(flow.recording).to.equal(false);
      expect(flow.pendingTimers).to.equal(0);
      expect((flow.detector as WorkerDetector).running).to.equal(false);
      expect(cam.stream.getTracks().every((t) => t.readyState === 'ended')).to.equal(true);
    } finally {
      closeCamera(cam);
    }
  });
});
