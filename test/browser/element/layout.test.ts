// The phone layout in real viewports (Chromium's viewport emulation) with the real fake camera: the stage's shape,
// where the hint, the progress bar and the controls fall, touch-target sizes, full screen, the phone turned sideways,
// and axe in each viewport.
import { expect, fixture, html } from '@open-wc/testing';
import { setViewport } from '@web/test-runner-commands';
import type { OzState } from '../../../src/events.ts';
import { element, liveStream, part, type OzLiveness } from './helpers.ts';

const PORTRAIT_VIEWPORTS = [
  { width: 320, height: 568 },
  { width: 360, height: 640 },
  { width: 390, height: 844 },
  { width: 768, height: 1024 },
];
/** The test runner's own window, put back after each test. */
const DESKTOP = { width: 800, height: 600 };

const rect = (el: Element) => el.getBoundingClientRect();
const inside = (a: DOMRect, b: DOMRect) => a.left >= b.left - 0.5 && a.right <= b.right + 0.5 && a.top >= b.top - 0.5 && a.bottom <= b.bottom + 0.5;
const overlap = (a: DOMRect, b: DOMRect) => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;

/** Resolves at the element's next `state` event for `state` (or at once if it is there). */
function reached(el: OzLiveness, state: OzState): Promise<void> {
  if (el.state === state) return Promise.resolve();
  return new Promise((resolve) => el.addEventListener('state', function on(event) {
    if (event.detail.state !== state) return;
    el.removeEventListener('state', on);
    resolve();
  }));
}

/** The viewport has changed size: media queries, resize observers and the element's update have all run. */
async function settled(el: OzLiveness): Promise<void> {
  await new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
  await el.updateComplete;
}

/** Every button and select shown, at least 44 x 44 CSS pixels; returns how many can be used (outside inert parts). */
function expectTouchTargets(el: OzLiveness): number {
  const targets = [...el.shadowRoot!.querySelectorAll<HTMLElement>('button, select')].filter((b) => rect(b).width > 0);
  for (const target of targets) {
    const { width, height } = rect(target);
    expect(width, `${target.getAttribute('part')} width`).to.be.at.least(44);
    expect(height, `${target.getAttribute('part')} height`).to.be.at.least(44);
  }
  return targets.filter((target) => !target.closest('[inert]')).length;
}

/** The hint's box lies in the stage, its text in its box, clear of the controls (and of the progress bar if shown). */
function expectHintClear(el: OzLiveness): void {
  const hint = part(el, 'hint')!;
  const box = rect(hint);
  expect(box.width, 'the hint shows').to.be.above(0);
  expect(inside(box, rect(part(el, 'stage')!)), 'hint inside the stage').to.equal(true);
  expect(hint.scrollWidth, 'the text fits its box').to.be.at.most(hint.clientWidth);
  expect(overlap(box, rect(part(el, 'controls')!)), 'hint clear of the controls').to.equal(false);
  const progress = part(el, 'progress');
  if (progress) expect(overlap(box, rect(progress)), 'hint clear of the progress bar').to.equal(false);
}

describe('<oz-liveness> layout on phones and tablets', function () {
  this.timeout(60000);
  afterEach(() => setViewport(DESKTOP));

  for (const viewport of PORTRAIT_VIEWPORTS) {
    const name = `${viewport.width}x${viewport.height}`;

    it(`${name}: a portrait stage filled by the camera, the hint clear of the controls, 44 px targets, axe passes`, async () => {
      await setViewport(viewport);
      const el = await element();
      await expect(el).to.be.accessible();
      expect(expectTouchTargets(el), 'the start button').to.equal(1);
      await el.open();
      await settled(el);
      const stage = rect(part(el, 'stage')!);
      expect(stage.height, 'portrait stage').to.be.above(stage.width);
      expect(stage.width).to.be.at.most(viewport.width);
      // The 4:3 camera is cropped to fill the portrait stage, not letterboxed in it.
      expect(getComputedStyle(part(el, 'video')!).objectFit).to.equal('cover');
      const video = part<HTMLVideoElement>(el, 'video')!;
      expect(video.videoWidth, 'the fake camera is landscape').to.be.above(video.videoHeight);
      expect(rect(video).height).to.be.closeTo(stage.height, 1);
      const oval = rect(part(el, 'oval')!);
      expect(inside(oval, stage), 'the oval inside the stage').to.equal(true);
      expect(oval.height, 'the oval is upright').to.be.above(oval.width);
      expectHintClear(el);
      expect(expectTouchTargets(el), 'the cancel button').to.equal(1);
      await expect(el).to.be.accessible();
      el.close();
    });

    it(`${name}: layout="fullscreen" fills the viewport; axe passes`, async () => {
      await setViewport(viewport);
      const el = await element({ layout: 'fullscreen' });
      const base = rect(part(el, 'base')!);
      expect([base.left, base.top, base.width, base.height]).to.deep.equal([0, 0, viewport.width, viewport.height]);
      await expect(el).to.be.accessible();
      await el.open();
      await settled(el);
      const stage = rect(part(el, 'stage')!);
      expect([stage.width, stage.height]).to.deep.equal([viewport.width, viewport.height]);
      expectHintClear(el);
      expectTouchTargets(el);
      await expect(el).to.be.accessible();
      el.close();
    });
  }

  it('keeps the 4:3 box in a desktop window', async () => {
    const el = await element();
    await el.open();
    const stage = rect(part(el, 'stage')!);
    expect(stage.width / stage.height).to.be.closeTo(4 / 3, 0.01);
    el.close();
  });

  it('reports a layout value it does not know, naming the allowed ones', async () => {
    const el = await element({ layout: 'full' });
    expect(el.state).to.equal('error');
    expect(el.error!.code).to.equal('invalid_attribute');
    expect(el.error!.details).to.deep.equal({ attribute: 'layout', value: 'full', allowed: ['inline', 'fullscreen'] });
  });

  it('asks to turn a phone upright when turned sideways mid-check, and goes on when turned back: same camera track, same flow', async () => {
    await setViewport({ width: 390, height: 844 });
    const el = await element({ layout: 'fullscreen' });
    const states: OzState[] = [];
    el.addEventListener('state', (event) => states.push(event.detail.state));
    await el.open();
    await reached(el, 'positioning');
    const [track] = liveStream(el).getVideoTracks();
    expect(part(el, 'rotate-screen')).to.equal(null);
    part(el, 'cancel-button')!.focus();

    await setViewport({ width: 844, height: 390 });
    await settled(el);
    const screen = part(el, 'rotate-screen')!;
    expect(screen, 'the rotate screen').to.exist;
    expect(screen.textContent).to.contain('Turn your phone upright');
    expect(part(el, 'stage')!.inert, 'the stage waits under it').to.equal(true);
    expect(inside(rect(screen), rect(part(el, 'base')!))).to.equal(true);
    expectTouchTargets(el);
    await expect(el).to.be.accessible();
    expect(track.readyState).to.equal('live');
    expect(el.shadowRoot!.activeElement, 'focus on the way out that can be used').to.equal(part(el, 'rotate-cancel-button'));

    await setViewport({ width: 390, height: 844 });
    await settled(el);
    expect(part(el, 'rotate-screen')).to.equal(null);
    expect(part(el, 'stage')!.inert).to.equal(false);
    expect(el.shadowRoot!.activeElement, 'focus back on the stage').to.equal(part(el, 'cancel-button'));
    expect(liveStream(el).getVideoTracks()[0], 'the same track').to.equal(track);
    expect(track.readyState).to.equal('live');
    expect(el.state).to.equal('positioning');
    // The flow did not start over: no second `starting`, no stop on the way.
    expect(states).to.deep.equal(['starting', 'preview', 'positioning']);
    el.close();
  });

  it('keeps focus on a way out when another update sees the turn before the media query reports it', async () => {
    await setViewport({ width: 390, height: 844 });
    const el = await element({ layout: 'fullscreen' });
    await el.open();
    await reached(el, 'positioning');
    // In a frame, resize events come before the media query's change event: an update asked for here sees the turn
    // first, as one asked for by a hint from the detector can.
    const early = () => el.requestUpdate();
    window.addEventListener('resize', early);
    try {
      part(el, 'cancel-button')!.focus();
      await setViewport({ width: 844, height: 390 });
      await settled(el);
      expect(el.shadowRoot!.activeElement?.getAttribute('part'), 'turned sideways').to.equal('rotate-cancel-button');
      await setViewport({ width: 390, height: 844 });
      await settled(el);
      expect(el.shadowRoot!.activeElement?.getAttribute('part'), 'turned back').to.equal('cancel-button');
    } finally {
      window.removeEventListener('resize', early);
      el.close();
    }
  });

  it('the rotate screen offers cancel during a check, which closes it', async () => {
    await setViewport({ width: 640, height: 360 });
    const el = await element();
    expect(part(el, 'rotate-screen'), 'before the check too').to.exist;
    expect(part(el, 'rotate-cancel-button'), 'nothing to cancel yet').to.equal(null);
    expect(part(el, 'start-screen')).to.equal(null);
    await el.open();
    await settled(el);
    part(el, 'rotate-cancel-button')!.click();
    expect(el.state).to.equal('closed');
  });

  it('stays sideways with allow-landscape, and never asks in a landscape window taller than a phone', async () => {
    await setViewport({ width: 844, height: 390 });
    const allowed = await element({ 'allow-landscape': true });
    await allowed.open();
    await settled(allowed);
    expect(part(allowed, 'rotate-screen')).to.equal(null);
    expect(part(allowed, 'stage')!.inert).to.equal(false);
    allowed.close();
    await setViewport(DESKTOP);
    const desktop = await fixture<OzLiveness>(html`<oz-liveness architecture="capture"></oz-liveness>`);
    expect(part(desktop, 'rotate-screen')).to.equal(null);
  });
});
