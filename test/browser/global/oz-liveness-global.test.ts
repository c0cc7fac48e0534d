// The vendor-compatible global: snake_case options in, on_* callbacks out, over the real element and emulator.
import { expect } from '@open-wc/testing';
import { emulator as info } from '../../support/emulator.ts';
import '../../../src/global.ts';
import type { OzLivenessErrorInfo } from '../../../src/global.ts';
import type { CheckResult } from '../../../src/api/types.ts';
import type { CaptureResult } from '../../../src/capture/capture-flow.ts';
import { loadStrings } from '../../../src/i18n/index.ts';

const overlay = () => document.querySelector('[data-oz-liveness-overlay]');

describe('window.OzLiveness', () => {
  afterEach(() => window.OzLiveness.close());

  it('runs a capture and calls on_capture_complete with the result and the container', async () => {
    const { apiUrl } = await info();
    const done = new Promise<{ result: CaptureResult; container: Blob | null }>((resolve, reject) => {
      void window.OzLiveness.open({
        architecture: 'capture',
        api_url: apiUrl,
        use_wasm_container: true,
        action: ['video_selfie_blank'],
        params: { extract_best_shot: true },
        meta: { transaction_id: 'global-1' },
        on_capture_complete: (result, container) => resolve({ result, container }),
        on_error: (e) => reject(new Error(e.code)),
      });
    });
    const { result, container } = await done;
    expect(result.clips).to.have.length(1);
    expect(result.best_frame).to.match(/^data:image\/jpeg/);
    expect(container).to.be.instanceOf(Blob);
    expect(overlay()).to.exist;
  });

  it('passes capture_media to the element: frames only, when asked', async () => {
    const { apiUrl } = await info();
    const result = await new Promise<CaptureResult>((resolve, reject) => {
      void window.OzLiveness.open({
        architecture: 'capture',
        api_url: apiUrl,
        capture_media: 'frames',
        on_capture_complete: (r) => resolve(r),
        on_error: (e) => reject(new Error(e.code)),
      });
    });
    expect(document.querySelector('oz-liveness')?.getAttribute('capture-media')).to.equal('frames');
    expect(result.clips.map((c) => [c.kind, c.kind === 'frames' ? c.reason : null, c.mime])).to.deep.equal([['frames', 'requested', 'video/x-oz-frames']]);
  });

  it('uploads with lite and calls on_complete with the safe result', async () => {
    const { apiUrl } = await info();
    const result = await new Promise<CheckResult>((resolve, reject) => {
      void window.OzLiveness.open({ architecture: 'lite', api_url: apiUrl, on_complete: resolve, on_error: (e) => reject(new Error(e.code)) });
    });
    expect(result).to.deep.equal({ state: 'finished' });
  });

  it('reports a missing client token through on_error and never opens the camera', async () => {
    const { apiUrl } = await info();
    const error = await new Promise<OzLivenessErrorInfo>((resolve) => {
      void window.OzLiveness.open({ api_url: apiUrl, api_use_session_token: 'client', on_error: resolve });
    });
    expect(error.code).to.equal('session_token_missing');
    expect(error.message).to.be.a('string').and.not.empty;
    expect(error.event_session_id).to.equal(null);
  });

  it('reports in the language of `lang`, whose table it fetches first', async () => {
    const { apiUrl } = await info();
    const error = await new Promise<OzLivenessErrorInfo>((resolve) => {
      void window.OzLiveness.open({ lang: 'ar', api_url: apiUrl, api_use_session_token: 'client', on_error: resolve });
    });
    expect(error.code).to.equal('session_token_missing');
    expect(error.message).to.equal((await loadStrings('ar')).errors.session_token_missing);
  });

  it('close() turns the camera off, removes the overlay and calls only on_close', async () => {
    const { apiUrl } = await info();
    const calls: string[] = [];
    await window.OzLiveness.open({
      architecture: 'capture',
      api_url: apiUrl,
      on_capture_complete: () => calls.push('capture'),
      on_error: () => calls.push('error'),
      on_close: () => calls.push('close'),
    });
    const video = document.querySelector('oz-liveness')!.shadowRoot!.querySelector('video')!;
    const tracks = (video.srcObject as MediaStream).getTracks();
    window.OzLiveness.close();
    expect(calls).to.deep.equal(['close']);
    expect(tracks.every((t) => t.readyState === 'ended')).to.equal(true);
    expect(overlay()).to.equal(null);
    expect(document.querySelector('oz-liveness')).to.equal(null);
  });

  it('hide() hides the overlay while the check goes on', async () => {
    const { apiUrl } = await info();
    await window.OzLiveness.open({ architecture: 'capture', api_url: apiUrl });
    window.OzLiveness.hide();
    expect((overlay() as HTMLElement).hidden).to.equal(true);
    const el = document.querySelector('oz-liveness')!;
    expect(el.hidden).to.equal(true);
    expect(el.state).to.not.equal('closed');
  });
});
