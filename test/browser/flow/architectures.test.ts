// End to end: the frontal face scene through the real detector, recorder, container worker and emulator, for
// every architecture x token mode x container on/off.
import { expect, fixture, html } from '@open-wc/testing';
import { executeServerCommand } from '@web/test-runner-commands';
import '../../../src/define.ts';
import { backendSessionToken, emulator as info } from '../../support/emulator.ts';
import { videoDuration } from '../face/helpers.ts';
import type { OzLiveness } from '../../../src/oz-liveness.ts';
import type { OzCaptureCompleteEvent, OzErrorEvent, OzResultEvent } from '../../../src/events.ts';


async function element(attrs: { architecture: string; token: 'api' | 'client'; container: boolean; apiUrl: string }): Promise<OzLiveness> {
  const el = await fixture<OzLiveness>(html`<oz-liveness
    architecture=${attrs.architecture}
    api-use-session-token=${attrs.token}
    api-url=${attrs.apiUrl}
    result-mode="folder"
    ?use-wasm-container=${attrs.container}
    extract-best-shot
  ></oz-liveness>`);
  el.meta = { transaction_id: crypto.randomUUID() };
  if (attrs.token === 'client') el.sessionToken = await backendSessionToken(attrs.apiUrl);
  el.captureOptions = { positionHoldMs: 200, instructMs: 200 };
  return el;
}

/** Fails the test with the element's error instead of waiting for a timeout. */
function outcome<T extends Event>(el: OzLiveness, name: string): Promise<T> {
  return new Promise((resolve, reject) => {
    el.addEventListener(name, (e) => resolve(e as T), { once: true });
    el.addEventListener('error', (e) => reject(new Error(`${(e as OzErrorEvent).detail.code}: ${(e as OzErrorEvent).detail.message}`)), { once: true });
  });
}

describe('capture architecture', () => {
  for (const token of ['api', 'client'] as const) {
    for (const container of [false, true]) {
      it(`hands the capture to the host (token ${token}, container ${container ? 'on' : 'off'})`, async () => {
        const { apiUrl } = await info();
        const el = await element({ architecture: 'capture', token, container, apiUrl });
        const done = outcome<OzCaptureCompleteEvent>(el, 'capture-complete');
        await el.open();
        const { result, container: blob } = (await done).detail;
        expect(el.state).to.equal('done');
        expect(result.action).to.deep.equal(['video_selfie_blank']);
        expect(result.clips).to.have.length(1);
        expect(result.clips[0]!.tags).to.include('video_selfie_blank');
        expect(await videoDuration(result.clips[0]!.blob)).to.be.above(0);
        expect(result.best_frame).to.match(/^data:image\/jpeg;base64,/);
        expect(result.best_frame_bounding_box).to.be.an('object');
        if (container) {
          expect(blob).to.be.instanceOf(Blob);
          expect(blob!.type).to.equal('application/octet-stream');
          expect(blob!.size).to.be.above(result.clips[0]!.blob.size);
        } else {
          expect(blob).to.equal(null);
        }
        expect(document.querySelectorAll("video").length).to.equal(0);
      });
    }
  }
});

for (const architecture of ['normal', 'lite'] as const) {
  describe(`${architecture} architecture`, () => {
    for (const token of ['api', 'client'] as const) {
      for (const container of [false, true]) {
        it(`uploads and completes (token ${token}, container ${container ? 'on' : 'off'})`, async () => {
          const { apiUrl } = await info();
          const el = await element({ architecture, token, container, apiUrl });
          const complete = outcome<OzResultEvent>(el, 'complete');
          let progress = 0;
          el.addEventListener('upload-progress', () => progress++);
          await el.open();
          const { result } = (await complete).detail;
          expect(result.state).to.equal('finished');
          expect(result.analyses?.quality?.resolution).to.equal('SUCCESS');
          expect(progress).to.be.above(0);
          expect(el.state).to.equal('done');
          if (architecture === 'normal') {
            const stored = (await executeServerCommand('emulator-folder', { folderId: result.folder_id })) as { status: number; body: { meta_data: Record<string, unknown>; media?: unknown[] } };
            expect(stored.status).to.equal(200);
            expect(stored.body.meta_data.transaction_id).to.equal(el.meta!.transaction_id);
          }
        });
      }
    }
  });
}
