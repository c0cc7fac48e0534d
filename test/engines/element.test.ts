// The element in Firefox and WebKit (the engine of Safari), each with its own fake camera: it renders, passes axe,
// previews inline and muted as iOS Safari requires, and reports camera faults with the codes Chromium gives for the
// same faults (test/browser/element/camera-errors.test.ts).
import { expect, oneEvent } from '@open-wc/testing';
import { element, part, recordStates, video } from '../browser/element/helpers.ts';

/** Settles once the preview has drawn a frame and its clock runs (it really plays, not just holds a stream). */
async function playing(preview: HTMLVideoElement): Promise<void> {
  while (preview.readyState < HTMLMediaElement.HAVE_CURRENT_DATA || preview.paused) await new Promise((r) => setTimeout(r, 50));
  const start = preview.currentTime;
  while (preview.currentTime === start) await new Promise((r) => setTimeout(r, 50));
}

describe('<oz-liveness> in this engine', () => {
  it('renders its start screen, which passes axe', async () => {
    const el = await element();
    expect(el.state).to.equal('idle');
    expect(part(el, 'start-screen')).to.exist;
    expect(part(el, 'start-button')!.getBoundingClientRect().width).to.be.above(0);
    await expect(el).to.be.accessible();
  });

  it('previews the camera inline and muted (playsinline, muted: iOS Safari plays nothing else unprompted), and passes axe', async function () {
    // axe over the live preview (guidance running) took 100 to 120 s in WebKitGTK on a busy two-core machine, in runs
    // where the preview itself played within a second; mocha's limit only stops a hung test.
    this.timeout(300_000);
    const el = await element();
    await el.open();
    await el.updateComplete;
    const preview = video(el);
    expect(preview.hasAttribute('playsinline'), 'playsinline attribute').to.equal(true);
    // The property exists where the engine implements the attribute (WebKit, Chromium), not in Firefox.
    if ('playsInline' in preview) expect(preview.playsInline).to.equal(true);
    expect(preview.hasAttribute('muted'), 'muted attribute').to.equal(true);
    expect(preview.muted).to.equal(true);
    expect(preview.srcObject).to.be.instanceOf(MediaStream);
    await playing(preview);
    expect(preview.videoWidth).to.be.above(0);
    await expect(el).to.be.accessible();
    el.close();
    expect(preview.srcObject).to.equal(null);
  });

  it('reports an unknown device-id as camera_overconstrained, as Chromium does, with the error screen focused and passing axe', async () => {
    const el = await element({ 'device-id': 'no-such-device' });
    const states = recordStates(el);
    const failed = oneEvent(el, 'error');
    const error = await el.open().then(() => null, (e: unknown) => e);
    const event = await failed;
    expect(error).to.have.property('code', 'camera_overconstrained');
    expect(event.detail.code).to.equal('camera_overconstrained');
    expect(event.detail.message).to.equal('The chosen camera is not available. Choose another camera, then try again.');
    expect(event.detail.details).to.have.property('name', 'OverconstrainedError');
    expect(states.map((e) => e.detail.state)).to.deep.equal(['starting', 'error']);
    expect(video(el).srcObject).to.equal(null);
    await el.updateComplete;
    expect(part(el, 'error-screen')!.getAttribute('role')).to.equal('alertdialog');
    expect(part(el, 'error-message')!.textContent).to.equal(event.detail.message);
    expect(el.shadowRoot!.activeElement).to.equal(part(el, 'retry-button'));
    await expect(el).to.be.accessible();
  });

  it('reports the camera lost mid-session as camera_track_ended, as Chromium does, and turns the camera off', async function () {
    // Skipped in Firefox: its fake device cannot be unplugged, and there an 'ended' event sent by a script reaches a
    // track's `onended` but none of its addEventListener listeners (seen in Firefox 153), so the loss cannot be
    // played to the element. Whether a real camera loss reaches it in Firefox is not checked here.
    if (/Firefox\//.test(navigator.userAgent)) this.skip();
    const el = await element();
    await el.open();
    const stream = video(el).srcObject as MediaStream;
    const [track] = stream.getVideoTracks();
    const failed = oneEvent(el, 'error');
    // A fake device cannot be unplugged, so the test delivers the 'ended' event the browser sends when a camera
    // disappears; the element then stops the track itself.
    track!.dispatchEvent(new Event('ended'));
    expect((await failed).detail.code).to.equal('camera_track_ended');
    expect(el.state).to.equal('error');
    expect(stream.getTracks().every((t) => t.readyState === 'ended')).to.equal(true);
    expect(video(el).srcObject).to.equal(null);
  });
});
