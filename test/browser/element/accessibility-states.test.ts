// Accessibility through a whole real run: the frontal scene through the real detector, recorder, container worker
// and emulator, with axe run in every state the element passes through, plus keyboard use, reduced motion and the
// live region's wording.
import { expect } from '@open-wc/testing';
import { emulateMedia, sendKeys } from '@web/test-runner-commands';
import { emulator, injectFaults } from '../../support/emulator.ts';
import { element, flowElement, part, TUNING, type OzLiveness } from './helpers.ts';
import type { OzState } from '../../../src/events.ts';

/** Settles when the element first enters each state (listening from now on, so no state is missed). */
function watchStates(el: OzLiveness) {
  const waiters = new Map<OzState, () => void>();
  const reached = new Map<OzState, Promise<void>>();
  const seen: OzState[] = [];
  const promiseFor = (state: OzState) => {
    if (!reached.has(state)) reached.set(state, new Promise<void>((resolve) => waiters.set(state, resolve)));
    return reached.get(state)!;
  };
  el.addEventListener('state', (event) => {
    seen.push(event.detail.state);
    promiseFor(event.detail.state);
    waiters.get(event.detail.state)!();
  });
  el.addEventListener('error', (event) => {
    throw new Error(`unexpected error ${event.detail.code}: ${event.detail.message}`);
  });
  return { seen, reached: promiseFor };
}

/** Runs axe on the element in `state` and checks the state held for the whole check, so axe saw that screen. */
async function accessibleIn(el: OzLiveness, state: OzState): Promise<void> {
  await el.updateComplete;
  expect(el.state, 'state when the check started').to.equal(state);
  await expect(el).to.be.accessible();
  expect(el.state, `still ${state} when the check ended`).to.equal(state);
}

/**
 * Lowers the per-request time limit (60 s) of the element's requests so that a request held by the emulator's
 * `hang` fault is given up and resent within the test: the hang keeps a state on screen long enough to check it.
 */
function capRequestTimeout(ms: number) {
  const { send } = XMLHttpRequest.prototype;
  XMLHttpRequest.prototype.send = function (this: XMLHttpRequest, body?: XMLHttpRequestBodyInit | null) {
    this.timeout = Math.min(this.timeout || Infinity, ms);
    return send.call(this, body);
  };
  return () => (XMLHttpRequest.prototype.send = send);
}

const shadowFocus = (el: OzLiveness) => el.shadowRoot!.activeElement;

describe('<oz-liveness> accessibility in every state', () => {
  afterEach(async () => {
    await emulateMedia({ colorScheme: 'light', reducedMotion: 'no-preference' });
    await injectFaults([]);
  });

  it('passes axe while positioning, during the action, packing, uploading and when done (normal, container)', async () => {
    // Session tokens of this emulator live 15 s, under the 20 s packing needs, so packing fetches a fresh one; the
    // hang on that request holds packing, the hang on the upload holds uploading (both are retried and go through).
    const { faultyUrl } = await emulator({ sessionTokenTtlSeconds: 15 });
    const restore = capRequestTimeout(2000);
    try {
      const el = await flowElement({ architecture: 'normal', 'api-url': faultyUrl, 'use-wasm-container': true, 'result-mode': 'status' });
      // Long enough holds for axe to finish inside positioning and the action.
      el.captureOptions = { ...TUNING, positionHoldMs: 2500, instructMs: 2500 };
      const { seen, reached } = watchStates(el);
      const opened = el.open();

      await reached('positioning');
      await injectFaults([
        { path: '/api/authorize/session_token', kind: 'hang' },
        { path: '/api/folders/', kind: 'hang' },
      ]);
      await accessibleIn(el, 'positioning');
      const hint = part(el, 'hint')!;
      expect(hint.getAttribute('role')).to.equal('status');
      expect(hint.getAttribute('aria-live')).to.equal('polite');
      expect(hint.textContent!.length).to.be.above(0);
      expect(part(el, 'video')!.getAttribute('aria-label')).to.equal('Camera preview');

      await reached('action');
      await accessibleIn(el, 'action');
      const bar = part(el, 'progress')!;
      expect(bar.getAttribute('role')).to.equal('progressbar');
      expect([bar.getAttribute('aria-valuemin'), bar.getAttribute('aria-valuenow'), bar.getAttribute('aria-valuemax')]).to.deep.equal(['0', '1', '1']);
      expect(bar.getAttribute('aria-valuetext')).to.equal('Step 1 of 1');
      // Sighted users read the action; a screen reader also hears which step it is.
      expect(hint.querySelector('[aria-hidden="true"]')!.textContent).to.equal('Look at the camera and hold still');
      expect(hint.querySelector('.visually-hidden')!.textContent).to.equal('Step 1 of 1: Look at the camera and hold still');

      await reached('packing');
      await accessibleIn(el, 'packing');
      expect(hint.textContent).to.equal('Preparing the capture…');
      // The action's step bar does not linger over packing.
      expect(part(el, 'progress')).to.equal(null);

      await reached('uploading');
      await accessibleIn(el, 'uploading');
      expect(part(el, 'progress')!.getAttribute('aria-valuetext')).to.match(/^Sent \d+%$/);

      await reached('done');
      await accessibleIn(el, 'done');
      await opened;
      expect(seen).to.include.members(['positioning', 'action', 'recording', 'packing', 'uploading', 'done']);
    } finally {
      restore();
    }
  });

  it('done screen and error screen pass axe (contrast included) in dark mode', async () => {
    await emulateMedia({ colorScheme: 'dark' });
    const el = await flowElement({ architecture: 'capture' });
    expect(getComputedStyle(part(el, 'start-screen')!).backgroundColor).to.equal('rgb(21, 24, 28)');
    const { reached } = watchStates(el);
    await el.open();
    await reached('done');
    await accessibleIn(el, 'done');

    const failing = await element({ 'device-id': 'no-such-device' });
    await failing.open().catch(() => undefined);
    await failing.updateComplete;
    expect(failing.state).to.equal('error');
    await expect(failing).to.be.accessible();
  });
});

describe('<oz-liveness> from the keyboard', () => {
  it('Tab reaches start, Enter starts, cancel has focus during capture, the done screen has it at the end', async () => {
    const el = await flowElement({ architecture: 'capture' });
    const { reached } = watchStates(el);
    await sendKeys({ press: 'Tab' });
    expect(shadowFocus(el)).to.equal(part(el, 'start-button'));
    await sendKeys({ press: 'Enter' });
    await reached('positioning');
    await el.updateComplete;
    expect(shadowFocus(el)).to.equal(part(el, 'cancel-button'));
    await reached('done');
    await el.updateComplete;
    const done = part(el, 'done-screen')!;
    expect(shadowFocus(el)).to.equal(done);
    expect(done.getAttribute('tabindex')).to.equal('-1');
  });

  it('focus goes to retry on error; retry and cancel work from the keyboard; focus returns to start', async () => {
    // No face ever: positioning times out into the error screen.
    const el = await element();
    el.captureOptions = { positioningTimeoutMs: 300 };
    await sendKeys({ press: 'Tab' });
    expect(shadowFocus(el)).to.equal(part(el, 'start-button'));
    const failed = new Promise((resolve) => el.addEventListener('error', resolve, { once: true }));
    await sendKeys({ press: ' ' });
    await failed;
    await el.updateComplete;
    expect(el.state).to.equal('error');
    expect(shadowFocus(el)).to.equal(part(el, 'retry-button'));

    el.captureOptions = {};
    const positioning = new Promise<void>((resolve) =>
      el.addEventListener('state', (e) => e.detail.state === 'positioning' && resolve()),
    );
    await sendKeys({ press: 'Enter' });
    await positioning;
    await el.updateComplete;
    expect(shadowFocus(el)).to.equal(part(el, 'cancel-button'));

    await sendKeys({ press: ' ' });
    await el.updateComplete;
    expect(el.state).to.equal('closed');
    expect(shadowFocus(el)).to.equal(part(el, 'start-button'));
  });
});

describe('<oz-liveness> motion', () => {
  afterEach(() => emulateMedia({ reducedMotion: 'no-preference' }));

  it('animates the oval, buttons and progress bar, and stops with prefers-reduced-motion: reduce', async () => {
    const el = await flowElement({ architecture: 'capture' });
    el.captureOptions = { ...TUNING, instructMs: 5000 };
    const { reached } = watchStates(el);
    el.open().catch(() => undefined);
    await reached('action');
    await el.updateComplete;
    const animated = () =>
      ['oval', 'cancel-button', 'progress'].map((name) => {
        const node = name === 'progress' ? part(el, name)!.firstElementChild! : part(el, name)!;
        const style = getComputedStyle(node);
        return `${name} ${style.transitionDuration} ${style.animationName}`;
      });
    expect(animated()).to.deep.equal(['oval 0.16s none', 'cancel-button 0.16s none', 'progress 0.2s none']);
    await emulateMedia({ reducedMotion: 'reduce' });
    expect(animated()).to.deep.equal(['oval 0s none', 'cancel-button 0s none', 'progress 0s none']);
    el.close();
  });
});
