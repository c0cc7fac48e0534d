// What happens to a finished capture when delivery goes wrong: it is never lost.
import { expect, fixture, html } from '@open-wc/testing';
import '../../../src/define.ts';
import { backendSessionToken, emulator as info, failEveryUploadAttempt, injectFaults as faults, nextEvent as next } from '../../support/emulator.ts';
import type { OzLiveness } from '../../../src/oz-liveness.ts';
import type { OzErrorEvent, OzResultEvent } from '../../../src/events.ts';


async function element(apiUrl: string, container: boolean): Promise<OzLiveness> {
  const el = await fixture<OzLiveness>(html`<oz-liveness architecture="normal" api-url=${apiUrl} result-mode="status" ?use-wasm-container=${container}></oz-liveness>`);
  el.captureOptions = { positionHoldMs: 200, instructMs: 200 };
  return el;
}

describe('delivery faults', () => {
  afterEach(() => faults([]));

  for (const container of [true, false]) {
    it(`keeps the capture when every upload attempt fails, and retryUpload() delivers it (container ${container ? 'on' : 'off'})`, async () => {
      const { faultyUrl } = await info();
      const el = await element(faultyUrl, container);
      const failed = next<OzErrorEvent>(el, 'error');
      await failEveryUploadAttempt();
      await el.open();
      const { detail } = await failed;
      expect(detail.code).to.equal('upload_failed');
      expect(detail.capture?.clips).to.have.length(1);
      if (container) expect(detail.container).to.be.instanceOf(Blob);
      else expect(detail.container).to.equal(null);
      expect(el.state).to.equal('error');
      expect(el.shadowRoot!.querySelector('video')!.srcObject).to.equal(null);

      const complete = next<OzResultEvent>(el, 'complete');
      await el.retryUpload();
      const { result } = (await complete).detail;
      expect(result.state).to.equal('finished');
      expect(result.analyses?.quality?.resolution).to.equal('SUCCESS');
      expect(el.state).to.equal('done');
    });
  }

  it('seals the capture again under a fresh session when its first session was used up by a replayed copy', async () => {
    const { faultyUrl } = await info();
    const el = await element(faultyUrl, true);
    const failed = next<OzErrorEvent>(el, 'error');
    await faults([{ path: '/api/folders/', kind: 'twice' }]);
    await el.open();
    const { detail } = await failed;
    expect(detail.code).to.equal('api_error');
    expect((detail.details as { error_code: number }).error_code).to.equal(14);
    const sealed = detail.container!;
    const complete = next<OzResultEvent>(el, 'complete');
    await el.retryUpload();
    expect((await complete).detail.result.state).to.equal('finished');
    expect(sealed).to.be.instanceOf(Blob);
  });

  it('refuses a client token that expired after the host handed it over, before the camera opens', async () => {
    const { apiUrl } = await info({ sessionTokenTtlSeconds: 1 });
    const token = await backendSessionToken(apiUrl);
    const el = await fixture<OzLiveness>(html`<oz-liveness architecture="normal" api-use-session-token="client" api-url=${apiUrl}></oz-liveness>`);
    el.sessionToken = token;
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const failed = next<OzErrorEvent>(el, 'error');
    const asked: unknown[] = [];
    const gum = navigator.mediaDevices.getUserMedia;
    navigator.mediaDevices.getUserMedia = (c) => (asked.push(c), gum.call(navigator.mediaDevices, c));
    try {
      await el.open().catch(() => undefined);
      expect((await failed).detail.code).to.equal('session_token_expired');
      expect(asked).to.have.length(0);
    } finally {
      navigator.mediaDevices.getUserMedia = gum;
    }
  });

  it('refuses client mode without a token before the camera opens', async () => {
    const { apiUrl } = await info();
    const el = await fixture<OzLiveness>(html`<oz-liveness api-use-session-token="client" api-url=${apiUrl}></oz-liveness>`);
    const failed = next<OzErrorEvent>(el, 'error');
    await el.open().catch(() => undefined);
    expect((await failed).detail.code).to.equal('session_token_missing');
    expect(el.shadowRoot!.querySelector('video')!.srcObject).to.equal(null);
  });
});
