// The frame-sequence fallback on the frontal face scene: the real detector, camera and canvas, with the recorder
// missing, broken by fault injection (broken-recorders.ts), or not asked for.
import { expect } from '@open-wc/testing';
import { CaptureFlow } from '../../../src/capture/capture-flow.ts';
import type { CaptureResult } from '../../../src/capture/types.ts';
import { erroringRecorder, expectFrames, lateFailingRecorder, webkitLikeRecorder, withRecorder } from './broken-recorders.ts';
import { closeCamera, openCamera, videoDuration } from './helpers.ts';

async function blankCapture(options: Partial<ConstructorParameters<typeof CaptureFlow>[0]> = {}): Promise<{ result: CaptureResult; released: boolean; flow: CaptureFlow }> {
  const cam = await openCamera();
  try {
    const flow = new CaptureFlow({ ...cam, actions: ['video_selfie_blank'], positionHoldMs: 200, instructMs: 200, ...options });
    const result = await flow.run();
    return { result, flow, released: cam.stream.getTracks().every((t) => t.readyState === 'ended') };
  } finally {
    closeCamera(cam);
  }
}

const mediaOf = (result: CaptureResult) => result.technical.capture_media as { requested: string; kind: string; recorder_fallback: string | null; actions: { kind: string; reason?: string; frames?: number }[] };

describe('frame-sequence fallback (real detector, real canvas)', function () {
  this.timeout(90000);

  it('captures the action as frames when MediaRecorder does not exist, and says why', async () => {
    const { result, released, flow } = await withRecorder(undefined, () => blankCapture());
    const clip = await expectFrames(result.clips[0], 'missing');
    expect(clip.tags).to.deep.equal(['video_selfie', 'video_selfie_blank', 'orientation_landscape']);
    // Modest: a few seconds of 480-pixel frames stay a few hundred KB.
    expect(clip.blob.size / clip.frames.length).to.be.below(40_000);
    const media = mediaOf(result);
    expect(media).to.deep.include({ requested: 'auto', kind: 'frames', recorder_fallback: 'missing' });
    expect(media.actions[0]).to.deep.include({ kind: 'frames', reason: 'missing', frames: clip.frames.length });
    expect(result.evidence.filter((e) => e.type === 'recorder_fallback')).to.have.length(1);
    expect(released, 'camera released').to.equal(true);
    expect(flow.recording).to.equal(false);
    expect(flow.pendingTimers).to.equal(0);
  });

  for (const silent of [false, true]) {
    it(`falls back to frames when the recorder starts but delivers ${silent ? 'no chunk at all' : 'only empty chunks'} (WebKit's behaviour)`, async () => {
      const { result, flow } = await withRecorder(webkitLikeRecorder(silent), () => blankCapture());
      await expectFrames(result.clips[0], 'no_data');
      expect(mediaOf(result).recorder_fallback).to.equal('no_data');
      expect(flow.pendingTimers).to.equal(0);
    });
  }

  it('falls back to frames when the recorder reports an error', async () => {
    const { result } = await withRecorder(erroringRecorder(), () => blankCapture());
    await expectFrames(result.clips[0], 'failed');
  });

  it('runs the action again as frames when the recorder fails after its safety-net frames were dropped', async () => {
    const { result } = await withRecorder(lateFailingRecorder(), () => blankCapture());
    await expectFrames(result.clips[0], 'failed');
    const interrupted = result.evidence.filter((e) => e.type === 'action_interrupted');
    expect(interrupted.map((e) => (e as { reason: string }).reason)).to.deep.equal(['recorder_failed']);
    expect(result.evidence.filter((e) => e.type === 'action_started')).to.have.length(2);
    expect(mediaOf(result)).to.deep.include({ kind: 'frames', recorder_fallback: 'failed' });
  });

  it('captures frames only when asked, without starting a recorder', async () => {
    let made = 0;
    const Counting = class extends window.MediaRecorder {
      constructor(stream: MediaStream, options?: MediaRecorderOptions) {
        super(stream, options);
        made++;
      }
    };
    const { result } = await withRecorder(Counting, () => blankCapture({ captureMedia: 'frames' }));
    await expectFrames(result.clips[0], 'requested');
    expect(made, 'recorders created').to.equal(0);
    expect(mediaOf(result)).to.deep.include({ requested: 'frames', kind: 'frames', recorder_fallback: 'requested' });
  });

  it('grabs frames with a plain canvas where OffscreenCanvas is missing', async () => {
    const w = window as unknown as { OffscreenCanvas?: unknown };
    const saved = w.OffscreenCanvas;
    delete w.OffscreenCanvas;
    try {
      const { result } = await blankCapture({ captureMedia: 'frames', extractBestShot: true });
      await expectFrames(result.clips[0], 'requested');
      expect(result.best_frame).to.match(/^data:image\/jpeg;base64,/);
    } finally {
      w.OffscreenCanvas = saved;
    }
  });

  it('switches to a plain canvas for good when OffscreenCanvas cannot encode (as WebKit has failed to)', async () => {
    const w = window as unknown as { OffscreenCanvas: typeof OffscreenCanvas };
    const Real = w.OffscreenCanvas;
    let failures = 0;
    // Fault injection: the OffscreenCanvas exists and draws, but its encoder fails.
    w.OffscreenCanvas = class extends Real {
      override convertToBlob(): Promise<Blob> {
        failures++;
        return Promise.reject(new DOMException('fault injection', 'InvalidStateError'));
      }
    };
    try {
      const { result } = await blankCapture({ captureMedia: 'frames' });
      await expectFrames(result.clips[0], 'requested');
      expect(failures, 'OffscreenCanvas tried once').to.equal(1);
    } finally {
      w.OffscreenCanvas = Real;
    }
  });

  it('keeps the video and drops the safety-net frames when the recorder works', async () => {
    const { result } = await blankCapture();
    const clip = result.clips[0]!;
    expect(clip.kind).to.equal('video');
    expect(clip.mime).to.match(/^video\/(webm|mp4)$/);
    expect(await videoDuration(clip.blob)).to.be.greaterThan(0.3);
    expect(mediaOf(result)).to.deep.include({ kind: 'video', recorder_fallback: null });
  });
});
