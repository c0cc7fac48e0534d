import { expect, oneEvent } from '@open-wc/testing';
import type { OzError } from '../../../src/errors.ts';
import { element, liveStream, part, recordStates, video } from './helpers.ts';

async function rejection(promise: Promise<unknown>): Promise<OzError> {
  try {
    await promise;
  } catch (error) {
    return error as OzError;
  }
  throw new Error('expected the promise to reject');
}

describe('<oz-liveness> camera errors (frontal face camera)', () => {
  it('reports an unknown device-id as camera_overconstrained (exact deviceId), with the error screen focused', async () => {
    const el = await element({ 'device-id': 'no-such-device' });
    const states = recordStates(el);
    const failed = oneEvent(el, 'error');
    const error = await rejection(el.open());
    const event = await failed;
    expect(error.code).to.equal('camera_overconstrained');
    expect(event.detail.code).to.equal('camera_overconstrained');
    expect(event.detail.message).to.equal(error.message);
    expect(error.message).to.equal('The chosen camera is not available. Choose another camera, then try again.');
    expect(event.detail.details).to.deep.include({ name: 'OverconstrainedError', constraint: 'deviceId' });
    expect(event.bubbles).to.equal(false);
    expect(states.map((e) => e.detail.state)).to.deep.equal(['starting', 'error']);
    expect(el.state).to.equal('error');
    expect(video(el).srcObject).to.equal(null);
    await el.updateComplete;
    const dialog = part(el, 'error-screen')!;
    expect(dialog.getAttribute('role')).to.equal('alertdialog');
    expect(part(el, 'error-message')!.textContent).to.equal(error.message);
    expect(el.shadowRoot!.activeElement).to.equal(part(el, 'retry-button'));
  });

  it('reports a camera taken by another program as camera_busy, and retry really restarts it', async () => {
    const el = await element();
    // A camera held by another process cannot be made here: the fake device is always free. So this test alone
    // replaces getUserMedia with one that fails as Chromium does for a busy camera, then restores the real one.
    const mediaDevices = navigator.mediaDevices;
    mediaDevices.getUserMedia = () => Promise.reject(new DOMException('Could not start video source', 'NotReadableError'));
    let error: OzError;
    try {
      error = await rejection(el.open());
    } finally {
      Reflect.deleteProperty(mediaDevices, 'getUserMedia');
    }
    expect(error.code).to.equal('camera_busy');
    expect(error.message).to.equal('The camera could not be started. Close other apps that use it, then try again.');
    await el.updateComplete;

    const states = recordStates(el);
    const preview = new Promise<void>((resolve) =>
      el.addEventListener('state', (e) => e.detail.state === 'preview' && resolve()),
    );
    part<HTMLButtonElement>(el, 'retry-button')!.click();
    await preview;
    expect(states.map((e) => e.detail)).to.deep.equal([
      { state: 'starting', previous: 'error' },
      { state: 'preview', previous: 'starting' },
    ]);
    expect(liveStream(el).getVideoTracks()[0].readyState).to.equal('live');
    expect(part(el, 'error-screen')).to.equal(null);
    el.close();
  });

  it('reports the camera lost mid-session as camera_track_ended and turns the camera off', async () => {
    const el = await element();
    await el.open();
    const stream = liveStream(el);
    const [track] = stream.getVideoTracks();
    const failed = oneEvent(el, 'error');
    // A fake device cannot be unplugged: stop the real track (which does not fire 'ended' by itself) and deliver
    // the 'ended' event the browser sends when a camera disappears.
    track.stop();
    track.dispatchEvent(new Event('ended'));
    const event = await failed;
    expect(event.detail.code).to.equal('camera_track_ended');
    expect(el.state).to.equal('error');
    expect(stream.getTracks().every((t) => t.readyState === 'ended')).to.equal(true);
    expect(video(el).srcObject).to.equal(null);
  });

  it('reports a page without mediaDevices as camera_unsupported', async () => {
    const el = await element();
    // Only an insecure page lacks navigator.mediaDevices; the test page is secure, so hide it for this test.
    Object.defineProperty(navigator, 'mediaDevices', { value: undefined, configurable: true });
    let error: OzError;
    try {
      error = await rejection(el.open());
    } finally {
      Reflect.deleteProperty(navigator, 'mediaDevices');
    }
    expect(error.code).to.equal('camera_unsupported');
    expect(navigator.mediaDevices).to.exist;
  });
});
