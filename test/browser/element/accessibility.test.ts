import { expect } from '@open-wc/testing';
import { element, part } from './helpers.ts';

describe('<oz-liveness> accessibility', () => {
  it('start screen', async () => {
    const el = await element();
    await expect(el).to.be.accessible();
    expect(part(el, 'stage')!.inert).to.equal(true);
  });

  it('preview', async () => {
    const el = await element();
    await el.open();
    await el.updateComplete;
    expect(part(el, 'video')!.getAttribute('aria-label')).to.equal('Camera preview');
    expect(part(el, 'stage')!.inert).to.equal(false);
    await expect(el).to.be.accessible();
    el.close();
  });

  it('error screen', async () => {
    const el = await element({ 'device-id': 'no-such-device' });
    await el.open().catch(() => undefined);
    await el.updateComplete;
    expect(part(el, 'error-screen')!.getAttribute('role')).to.equal('alertdialog');
    await expect(el).to.be.accessible();
  });

  it('error screen in Russian', async () => {
    const el = await element({ 'device-id': 'no-such-device', lang: 'ru' });
    await el.open().catch(() => undefined);
    await el.updateComplete;
    expect(part(el, 'retry-button')!.textContent!.trim()).to.equal('Повторить');
    await expect(el).to.be.accessible();
  });
});
