// End to end with the frame-sequence fallback: the element on the frontal face scene with the recorder removed,
// broken by fault injection (test/browser/face/broken-recorders.ts), or not asked for; the real worker, WASM codec,
// WebCrypto and emulator; the container opened in Node.
import { expect, fixture, html } from '@open-wc/testing';
import { executeServerCommand } from '@web/test-runner-commands';
import { exportJWK } from 'jose';
import '../../../src/define.ts';
import type { CaptureResult } from '../../../src/capture/types.ts';
import type { OzCaptureCompleteEvent, OzErrorEvent, OzResultEvent } from '../../../src/events.ts';
import type { OzLiveness } from '../../../src/oz-liveness.ts';
import { issueSession } from '../../node/container-harness.ts';
import { emulator as info } from '../../support/emulator.ts';
import { expectFrames, webkitLikeRecorder, withRecorder } from '../face/broken-recorders.ts';

function outcome<T extends Event>(el: OzLiveness, name: string): Promise<T> {
  return new Promise((resolve, reject) => {
    el.addEventListener(name, (e) => resolve(e as T), { once: true });
    el.addEventListener('error', (e) => reject(new Error(`${(e as OzErrorEvent).detail.code}: ${(e as OzErrorEvent).detail.message}`)), { once: true });
  });
}

const base64 = async (blob: Blob) => {
  const bytes = new Uint8Array(await blob.arrayBuffer());
  let bin = '';
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(bin);
};

interface OpenedInNode {
  version: number;
  technical: { capture_media: { kind: string; recorder_fallback: string }; evidence: { type: string }[] };
  media: { name: string; kind: string; mime: string; meta: Record<string, unknown>; size: number; sequence?: { width: number; frames: { t: number; box: number[] | null }[]; jpeg: boolean[] } }[];
  reference: [string, number, number][];
}

interface StoredFolder {
  status: number;
  body: {
    technical_meta_data: { source: string; capture_media?: { kind: string; recorder_fallback: string } };
    media: { original_name: string; media_kind: string; mime: string }[];
    analyses: { resolution_status: string; results_data: { emulator: { media_kinds: string[]; media: { well_formed: boolean }[] } } }[];
  };
}

describe('frame sequences end to end', function () {
  this.timeout(120000);

  it('without MediaRecorder, a blank capture with a container completes; Node opens it and finds real JPEG frames', async () => {
    const session = await issueSession();
    const el = await fixture<OzLiveness>(html`<oz-liveness architecture="capture" api-use-session-token="client" use-wasm-container></oz-liveness>`);
    el.sessionToken = session.token;
    el.captureOptions = { positionHoldMs: 200, instructMs: 200 };
    const { result, container } = await withRecorder(undefined, async () => {
      const done = outcome<OzCaptureCompleteEvent>(el, 'capture-complete');
      await el.open();
      return (await done).detail as { result: CaptureResult; container: Blob | null };
    });
    const clip = await expectFrames(result.clips[0], 'missing');
    expect(result.technical.capture_media).to.deep.include({ kind: 'frames', recorder_fallback: 'missing' });
    expect(container).to.be.instanceOf(Blob);

    const opened = (await executeServerCommand('container-open', {
      container: await base64(container!),
      key: session.keys.privateJwk,
      issuer: await exportJWK(session.issuerPublicKey),
    })) as OpenedInNode;
    expect(opened.version).to.equal(4);
    const [medium] = opened.media;
    expect(medium).to.deep.include({ name: 'video_selfie_blank_0.ozfs', kind: 'clip', mime: 'video/x-oz-frames', size: clip.blob.size });
    expect(medium!.meta).to.deep.include({ media_kind: 'frames', recorder_fallback: 'missing', frames: clip.frames.length });
    expect(medium!.sequence!.jpeg).to.deep.equal(clip.frames.map(() => true));
    expect(medium!.sequence!.frames.map((f) => [f.t, f.box])).to.deep.equal(clip.frames.map((f) => [f.t, f.box]));
    expect(opened.technical.capture_media).to.deep.include({ kind: 'frames', recorder_fallback: 'missing' });
    expect(opened.technical.evidence.map((e) => e.type)).to.include('recorder_fallback');
    expect(opened.reference.slice(2)).to.deep.equal(opened.media.map((m) => [m.name, 3, m.size]));
  });

  it('capture-media="frames" sends frames in the classic form (container off); the emulator analyses name them', async () => {
    const { apiUrl } = await info();
    const el = await fixture<OzLiveness>(html`<oz-liveness architecture="normal" api-url=${apiUrl} result-mode="folder" capture-media="frames" extract-best-shot></oz-liveness>`);
    el.meta = { transaction_id: crypto.randomUUID() };
    el.captureOptions = { positionHoldMs: 200, instructMs: 200 };
    const complete = outcome<OzResultEvent>(el, 'complete');
    await el.open();
    const { result } = (await complete).detail;
    expect(result.analyses?.quality?.resolution).to.equal('SUCCESS');
    const stored = (await executeServerCommand('emulator-folder', { folderId: result.folder_id })) as StoredFolder;
    expect(stored.status).to.equal(200);
    expect(stored.body.technical_meta_data.source).to.equal('multipart');
    expect(stored.body.media.map((m) => [m.original_name, m.media_kind, m.mime])).to.deep.equal([
      ['video_selfie_blank_0.ozfs', 'frames', 'video/x-oz-frames'],
      ['best_shot.jpg', 'image', 'image/jpeg'],
    ]);
    const [quality] = stored.body.analyses;
    expect(quality!.results_data.emulator.media_kinds).to.deep.equal(['frames', 'image']);
    expect(quality!.results_data.emulator.media.every((m) => m.well_formed)).to.equal(true);
  });

  it('with a recorder that delivers only empty chunks (WebKit), a normal upload in a container completes as frames', async () => {
    const { apiUrl } = await info();
    const el = await fixture<OzLiveness>(html`<oz-liveness architecture="normal" api-url=${apiUrl} result-mode="folder" use-wasm-container></oz-liveness>`);
    el.meta = { transaction_id: crypto.randomUUID() };
    el.captureOptions = { positionHoldMs: 200, instructMs: 200 };
    const { result } = await withRecorder(webkitLikeRecorder(), async () => {
      const complete = outcome<OzResultEvent>(el, 'complete');
      await el.open();
      return (await complete).detail;
    });
    expect(result.state).to.equal('finished');
    expect(result.analyses?.quality?.resolution).to.equal('SUCCESS');
    const stored = (await executeServerCommand('emulator-folder', { folderId: result.folder_id })) as StoredFolder;
    expect(stored.body.technical_meta_data.source).to.equal('container');
    expect(stored.body.technical_meta_data.capture_media).to.deep.include({ kind: 'frames', recorder_fallback: 'no_data' });
    expect(stored.body.analyses[0]!.results_data.emulator.media_kinds).to.deep.equal(['frames']);
    expect(document.querySelectorAll('video').length, 'no preview left playing').to.equal(0);
  });
});
