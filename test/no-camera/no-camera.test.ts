import { expect, oneEvent } from '@open-wc/testing';
import { element, part, recordStates, video } from '../browser/element/helpers.ts';

describe('<oz-liveness> on a machine without a camera', () => {
  it('reports camera_not_found with the error screen, and retry fails the same way again', async () => {
    const el = await element();
    const states = recordStates(el);
    const failed = oneEvent(el, 'error');
    const error = await el.open().then(
      () => null,
      (e: unknown) => e,
    );
    const event = await failed;
    expect(error).to.have.property('code', 'camera_not_found');
    expect(event.detail).to.deep.include({ code: 'camera_not_found', message: 'No camera was found. Connect a camera, then try again.' });
    expect(event.detail.details).to.have.property('name', 'NotFoundError');
    expect(states.map((e) => e.detail.state)).to.deep.equal(['starting', 'error']);
    expect(video(el).srcObject).to.equal(null);
    await el.updateComplete;
    expect(part(el, 'error-message')!.textContent).to.equal(event.detail.message);
    expect(el.devices).to.have.length(0);

    const again = oneEvent(el, 'error');
    part<HTMLButtonElement>(el, 'retry-button')!.click();
    expect((await again).detail.code).to.equal('camera_not_found');
    expect(states.map((e) => e.detail.state)).to.deep.equal(['starting', 'error', 'starting', 'error']);
  });

  it('keeps the error screen accessible, with focus on retry', async () => {
    const el = await element({ lang: 'ru' });
    await el.open().catch(() => undefined);
    await el.updateComplete;
    expect(part(el, 'error-message')!.textContent).to.equal('Камера не найдена. Подключите камеру и повторите.');
    expect(el.shadowRoot!.activeElement).to.equal(part(el, 'retry-button'));
    await expect(el).to.be.accessible();
  });

  it('closes from the error screen', async () => {
    const el = await element();
    await el.open().catch(() => undefined);
    await el.updateComplete;
    const closed = oneEvent(el, 'close');
    part<HTMLButtonElement>(el, 'close-button')!.click();
    expect((await closed).detail.reason).to.equal('user_cancelled');
    expect(el.state).to.equal('closed');
  });
});
