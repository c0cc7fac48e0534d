import { expect, oneEvent } from '@open-wc/testing';
import { element, part, recordStates, video } from '../browser/element/helpers.ts';

describe('<oz-liveness> when the camera permission is denied', () => {
  it('reports camera_permission_denied with the error screen and no camera on', async () => {
    const el = await element();
    const states = recordStates(el);
    const failed = oneEvent(el, 'error');
    const error = await el.open().then(
      () => null,
      (e: unknown) => e,
    );
    const event = await failed;
    expect(error).to.have.property('code', 'camera_permission_denied');
    expect(event.detail.code).to.equal('camera_permission_denied');
    expect(event.detail.message).to.equal(
      'Camera access was denied. Allow the camera in your browser settings, then try again.',
    );
    expect(event.detail.details).to.have.property('name', 'NotAllowedError');
    expect(states.map((e) => e.detail.state)).to.deep.equal(['starting', 'error']);
    expect(video(el).srcObject).to.equal(null);
    await el.updateComplete;
    expect(part(el, 'error-screen')!.getAttribute('role')).to.equal('alertdialog');
    expect(el.shadowRoot!.activeElement).to.equal(part(el, 'retry-button'));
    await expect(el).to.be.accessible();
  });

  it('asks again on retry and reports the same code when denied again', async () => {
    const el = await element();
    await el.open().catch(() => undefined);
    await el.updateComplete;
    const again = oneEvent(el, 'error');
    part<HTMLButtonElement>(el, 'retry-button')!.click();
    expect((await again).detail.code).to.equal('camera_permission_denied');
    expect(el.state).to.equal('error');
  });
});
