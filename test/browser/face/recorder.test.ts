import { expect } from '@open-wc/testing';
import { ClipRecorder, pickRecorderMime, recorderProblem } from '../../../src/capture/recorder.ts';
import { setWebmDuration } from '../../../src/capture/webm-duration.ts';
import { virtualCameraHints } from '../../../src/capture/technical.ts';
import { OzError } from '../../../src/errors.ts';
import { erroringRecorder, webkitLikeRecorder, withRecorder } from './broken-recorders.ts';
import { closeCamera, openCamera, videoDuration } from './helpers.ts';

describe('clip recorder', function () {
  this.timeout(30000);

  it('records a WebM whose header carries the duration (Chromium writes none)', async () => {
    const cam = await openCamera();
    try {
      expect(pickRecorderMime()).to.match(/^video\/webm/);
      const rec = new ClipRecorder(cam.stream);
      await rec.start();
      expect(rec.recording).to.equal(true);
      await new Promise((r) => setTimeout(r, 1000));
      const clip = await rec.stop();
      expect(clip.mime).to.equal('video/webm');
      const bytes = new Uint8Array(await clip.blob.arrayBuffer());
      const original = setWebmDuration(bytes, clip.durationMs);
      expect(original.length, 'a second patch overwrites, it does not insert again').to.equal(bytes.length);
      const duration = await videoDuration(clip.blob);
      expect(duration).to.be.closeTo(clip.durationMs / 1000, 0.05);
    } finally {
      closeCamera(cam);
    }
  });

  it('records MP4 when asked, with a finite duration', async () => {
    const cam = await openCamera();
    try {
      const rec = new ClipRecorder(cam.stream, { mimeType: 'video/mp4' });
      await rec.start();
      await new Promise((r) => setTimeout(r, 600));
      const clip = await rec.stop();
      expect(clip.mime).to.equal('video/mp4');
      expect(Number.isFinite(await videoDuration(clip.blob))).to.equal(true);
    } finally {
      closeCamera(cam);
    }
  });

  it('fails with recorder_failed when the track has ended (no chunk ever arrives)', async () => {
    const cam = await openCamera();
    for (const t of cam.stream.getTracks()) t.stop();
    const error = await new ClipRecorder(cam.stream, { firstChunkTimeoutMs: 1500 }).start().then(() => null, (e: unknown) => e);
    expect(error).to.be.instanceOf(OzError);
    expect((error as OzError).code).to.equal('recorder_failed');
    closeCamera(cam);
  });

  it('asks a live recorder that is late with its first chunk for its data instead of failing it', async () => {
    const cam = await openCamera();
    try {
      // Chunks every minute: no chunk comes by itself within the 1 s limit, as on a machine too loaded to encode in time.
      const rec = new ClipRecorder(cam.stream, { timesliceMs: 60_000, firstChunkTimeoutMs: 1000 });
      await rec.start();
      expect(rec.recording).to.equal(true);
      await new Promise((r) => setTimeout(r, 300));
      const clip = await rec.stop();
      expect(clip.blob.size).to.be.greaterThan(0);
    } finally {
      closeCamera(cam);
    }
  });

  it('names why it cannot record: missing, unsupported, failed, no data (only empty chunks, as WebKit gives)', async () => {
    const cam = await openCamera();
    try {
      const reasonWith = (recorder: typeof MediaRecorder | undefined, opts = {}) =>
        withRecorder(recorder, () => new ClipRecorder(cam.stream, { firstChunkTimeoutMs: 400, ...opts }).start().then(() => 'started', (e: unknown) => {
          expect((e as OzError).code).to.equal('recorder_failed');
          return recorderProblem(e);
        }));
      expect(await reasonWith(undefined)).to.equal('missing');
      const NothingSupported = class extends window.MediaRecorder {
        static override isTypeSupported(): boolean {
          return false;
        }
      };
      expect(await reasonWith(NothingSupported)).to.equal('unsupported');
      expect(await reasonWith(erroringRecorder())).to.equal('failed');
      expect(await reasonWith(webkitLikeRecorder())).to.equal('no_data');
      expect(await reasonWith(webkitLikeRecorder(true))).to.equal('no_data');
      expect(await reasonWith(window.MediaRecorder)).to.equal('started');
    } finally {
      closeCamera(cam);
    }
  });

  it('leaves non-WebM bytes alone', () => {
    const junk = new Uint8Array([1, 2, 3, 4, 5]);
    expect(setWebmDuration(junk, 1000)).to.equal(junk);
  });

  it('names virtual-camera hints from labels', () => {
    expect(virtualCameraHints('OBS Virtual Camera')).to.deep.equal(['obs', 'virtual']);
    expect(virtualCameraHints('fake_device_0')).to.deep.equal(['fake_device']);
    expect(virtualCameraHints('FaceTime HD Camera')).to.deep.equal([]);
  });
});
