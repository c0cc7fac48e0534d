import { expect } from '@open-wc/testing';
import { CaptureFlow } from '../../../src/capture/capture-flow.ts';
import type { Hint } from '../../../src/face/guidance.ts';
import { closeCamera, observeReal, openCamera, videoDuration } from '../../browser/face/helpers.ts';

describe('the approach scene (face-zoom)', function () {
  this.timeout(60000);
  it('completes a scan capture with the real detector as the face comes closer', async () => {
    const cam = await openCamera();
    const hints: Hint[] = [];
    const progress: number[] = [];
    try {
      // Chromium's fake camera shows a flat green frame for MJPEG it cannot decode (e.g. 4:4:0 chroma); say so plainly.
      const seen = await observeReal(cam.video);
      expect(seen.faces.length, 'the fake camera plays the approach scene with a face in it').to.be.at.least(1);
      const flow = new CaptureFlow({ ...cam, actions: ['video_selfie_scan'], onHint: (h) => hints.push(h), onActionProgress: (_a, p) => progress.push(p) });
      const result = await flow.run();
      expect(result.clips.map((c) => c.tags)).to.deep.equal([['video_selfie', 'video_selfie_scan', 'orientation_landscape']]);
      expect(Number.isFinite(await videoDuration(result.clips[0].blob))).to.equal(true);
      expect(progress.at(-1)).to.equal(1);
      expect(hints).to.include('ok');
      expect(result.best_frame).to.match(/^data:image\/jpeg/);
    } finally {
      closeCamera(cam);
    }
  });
});
