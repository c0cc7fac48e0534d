// Whole captures in this engine: the face source (test input, see test/support/face-source.ts) in front of the
// engine's own preview, the real detector worker, MediaRecorder, the container worker and the emulator over HTTP.
import { expect } from '@open-wc/testing';
import { executeServerCommand } from '@web/test-runner-commands';
import type { OzCaptureCompleteEvent, OzErrorEvent, OzResultEvent } from '../../src/events.ts';
import { flowElement, type OzLiveness } from '../browser/element/helpers.ts';
import { issueSession } from '../node/container-harness.ts';
import { installFaceSource, type FaceSource } from '../support/face-source.ts';
import { emulator } from '../support/emulator.ts';
import { openInNode, sha256 } from './open-in-node.ts';

/** Resolves with the event, or fails the test at once with the element's error code and message. */
function outcome<T extends Event>(el: OzLiveness, name: string): Promise<T> {
  return new Promise((resolve, reject) => {
    el.addEventListener(name, (e) => resolve(e as T), { once: true });
    el.addEventListener('error', (e) => reject(new Error(`${(e as OzErrorEvent).detail.code}: ${(e as OzErrorEvent).detail.message}`)), { once: true });
  });
}

// What each engine records here: Chromium and Firefox a video; WebKitGTK's MediaRecorder supports only video/mp4 and
// delivers 0-byte chunks, so there the frame-sequence fallback (JPEG frames with their face boxes) stands in for
// the clip, with the reason `no_data`.
const isWebKit = /AppleWebKit/.test(navigator.userAgent) && !/Chrome|Chromium|Firefox/.test(navigator.userAgent);
const expectedKind = isWebKit ? 'frames' : 'video';

describe('captures in this engine (face source)', function () {
  // A full capture with the real detector on a busy 2-core machine; mocha's limit only stops a hung test.
  this.timeout(120_000);
  let face: FaceSource;
  beforeEach(async () => {
    face = await installFaceSource('face-frontal');
  });
  afterEach(() => face.restore());

  it('completes a blank capture with use-wasm-container; the container opens in Node and holds the clip byte for byte', async () => {
    const session = await issueSession();
    const el = await flowElement({ architecture: 'capture', 'api-use-session-token': 'client', 'use-wasm-container': true, 'extract-best-shot': true });
    el.sessionToken = session.token;
    const done = outcome<OzCaptureCompleteEvent>(el, 'capture-complete');
    await el.open();
    const { result, container } = (await done).detail;
    expect(el.state).to.equal('done');
    expect(result.action).to.deep.equal(['video_selfie_blank']);
    expect(result.clips).to.have.length(1);
    expect(result.clips[0]!.blob.size).to.be.above(0);
    expect(result.clips[0]!.kind).to.equal(expectedKind);
    expect(result.technical.capture_media).to.deep.include({ kind: expectedKind, recorder_fallback: isWebKit ? 'no_data' : null });
    expect(result.best_frame).to.match(/^data:image\/jpeg;base64,/);
    expect(container).to.be.instanceOf(Blob);

    const opened = await openInNode(container!, session);
    expect(opened.sessionId).to.equal(session.sid);
    const clip = result.clips[0]!;
    const packed = opened.media.find((m) => m.tags.includes('video_selfie_blank'));
    expect(packed, 'a medium tagged video_selfie_blank').to.exist;
    expect(packed!.mime).to.equal(clip.mime);
    expect(packed!.size).to.equal(clip.blob.size);
    expect(packed!.sha256).to.equal(await sha256(clip.blob));
    expect(opened.media.some((m) => m.name === 'best_shot.jpg')).to.equal(true);
    // The camera light is off once the capture is handed over.
    expect(face.streams.every((s) => s.getTracks().every((t) => t.readyState === 'ended'))).to.equal(true);
  });

  it('uploads a capture to the emulator (normal architecture, container) and completes', async () => {
    const { apiUrl } = await emulator();
    const el = await flowElement({ architecture: 'normal', 'api-url': apiUrl, 'use-wasm-container': true, 'result-mode': 'folder' });
    el.meta = { transaction_id: crypto.randomUUID() };
    const complete = outcome<OzResultEvent>(el, 'complete');
    await el.open();
    const { result } = (await complete).detail;
    expect(result.state).to.equal('finished');
    expect(result.analyses?.quality?.resolution).to.equal('SUCCESS');
    expect(el.state).to.equal('done');
    const stored = (await executeServerCommand('emulator-folder', { folderId: result.folder_id })) as {
      status: number;
      body: { meta_data: Record<string, unknown>; media?: Array<{ tags?: string[] }> };
    };
    expect(stored.status).to.equal(200);
    expect(stored.body.meta_data.transaction_id).to.equal(el.meta!.transaction_id);
    expect(stored.body.media?.some((m) => m.tags?.includes('video_selfie_blank'))).to.equal(true);
  });
});
