import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import type { OzErrorEvent, OzStateEvent } from '../../../src/events.ts';
import { part, shell, type OzLiveness } from './helpers.ts';

/**
 * A host page's own error screen: slotted content that shows the code from the `error` event, as an integrator
 * would write it. Listeners are attached before the element connects, so an error of the first update is seen.
 */
async function withErrorSlot(attributes: Record<string, string>) {
  const el = shell(document.createElement('oz-liveness'));
  const screen = document.createElement('div');
  screen.slot = 'error';
  const heading = document.createElement('h2');
  heading.textContent = 'Our own error screen';
  const code = document.createElement('p');
  code.className = 'code';
  screen.append(heading, code);
  el.append(screen);
  const errors: OzErrorEvent[] = [];
  el.addEventListener('error', (event) => {
    errors.push(event);
    code.textContent = event.detail.code;
  });
  for (const [name, value] of Object.entries(attributes)) el.setAttribute(name, value);
  await fixture(html`<div>${el}</div>`);
  await el.updateComplete;
  return { el, screen, code, errors };
}

const visible = (node: Element | null) => node !== null && node.checkVisibility();

describe('<oz-liveness> slots', () => {
  it('shows the slotted error screen instead of the default title and message on an invalid attribute', async () => {
    const { el, screen, code, errors } = await withErrorSlot({ 'result-mode': 'verbose' });
    expect(el.state).to.equal('error');
    expect(errors).to.have.length(1);
    expect(el.error?.code).to.equal('invalid_attribute');
    expect(code.textContent).to.equal('invalid_attribute');

    const slot = el.shadowRoot!.querySelector<HTMLSlotElement>('slot[name="error"]')!;
    expect(slot.assignedElements()).to.deep.equal([screen]);
    expect(visible(screen)).to.equal(true);
    expect(visible(part(el, 'error-title'))).to.equal(false);
    expect(visible(part(el, 'error-message'))).to.equal(false);
    // The error screen itself, its dialog role and its buttons stay the element's.
    expect(part(el, 'error-screen')!.getAttribute('role')).to.equal('alertdialog');
    expect(visible(part(el, 'retry-button'))).to.equal(true);
    expect(visible(part(el, 'close-button'))).to.equal(true);

    // The retry button still acts: the attribute is still wrong, so the same error comes again.
    const again = oneEvent(el, 'error') as Promise<OzErrorEvent>;
    part<HTMLButtonElement>(el, 'retry-button')!.click();
    expect((await again).detail.code).to.equal('invalid_attribute');
    expect(errors).to.have.length(2);
  });

  it('keeps slotted error content out of sight until an error happens', async () => {
    const { el, screen } = await withErrorSlot({});
    expect(el.state).to.equal('idle');
    expect(part(el, 'error-screen')).to.equal(null);
    expect(visible(screen)).to.equal(false);
    expect(visible(part(el, 'start-screen'))).to.equal(true);
  });

  it('shows the default title and message when the host slots nothing', async () => {
    const el = shell(document.createElement('oz-liveness'));
    el.setAttribute('result-mode', 'verbose');
    await fixture(html`<div>${el}</div>`);
    await el.updateComplete;
    expect(el.state).to.equal('error');
    expect(visible(part(el, 'error-title'))).to.equal(true);
    expect(part(el, 'error-message')!.textContent).to.equal(el.error!.message);
    expect(visible(part(el, 'error-message'))).to.equal(true);
  });

  it('lets the host retry from its own error screen after a camera error', async () => {
    const { el, screen, code } = await withErrorSlot({ 'device-id': 'no-such-camera' });
    const failed = await el.open().then(
      () => null,
      (error: { code: string }) => error,
    );
    expect(failed?.code).to.equal('camera_overconstrained');
    expect(code.textContent).to.equal('camera_overconstrained');
    expect(visible(screen)).to.equal(true);
    expect(visible(part(el, 'error-title'))).to.equal(false);

    // The host fixes the cause (any camera will do) and the built-in retry button opens the camera again.
    el.removeAttribute('device-id');
    const preview = new Promise<void>((resolve) =>
      el.addEventListener('state', (event: OzStateEvent) => event.detail.state === 'preview' && resolve()),
    );
    part<HTMLButtonElement>(el, 'retry-button')!.click();
    await preview;
    expect(el.error).to.equal(null);
    expect(visible(screen)).to.equal(false);
    el.close();
  });

  it('shows slotted start content in place of the built-in texts; done content waits for the done screen', async () => {
    const el = shell(
      await fixture<OzLiveness>(html`<oz-liveness><p slot="start">Our start text</p><p slot="done">Our done text</p></oz-liveness>`),
    );
    const start = el.querySelector('[slot="start"]')!;
    expect(visible(start)).to.equal(true);
    expect(el.shadowRoot!.querySelector('#start-title')!.checkVisibility()).to.equal(false);
    expect(visible(el.querySelector('[slot="done"]'))).to.equal(false);
  });
});
