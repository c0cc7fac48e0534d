// The narrowest phone (320 px) in every language: the longest hint each language has, shown during a real action
// (real detector, frontal scene) with the progress bar under it, stays in the stage, in its pill, and clear of the
// progress bar and the cancel button. And the oval the guidance judges is the oval on screen.
import { expect } from '@open-wc/testing';
import { setViewport } from '@web/test-runner-commands';
import type { OzState } from '../../../src/events.ts';
import type { Detector, DetectorFrame, FrameObservation } from '../../../src/face/detector.ts';
import { LANGS, loadStrings } from '../../../src/i18n/index.ts';
import { element, flowElement, part, TUNING, type OzLiveness } from './helpers.ts';

const rect = (el: Element) => el.getBoundingClientRect();
const inside = (a: DOMRect, b: DOMRect) => a.left >= b.left - 0.5 && a.right <= b.right + 0.5 && a.top >= b.top - 0.5 && a.bottom <= b.bottom + 0.5;
const overlap = (a: DOMRect, b: DOMRect) => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;

function reached(el: OzLiveness, state: OzState): Promise<void> {
  if (el.state === state) return Promise.resolve();
  return new Promise((resolve, reject) => {
    el.addEventListener('state', (event) => event.detail.state === state && resolve());
    el.addEventListener('error', (event) => reject(new Error(`${event.detail.code}: ${event.detail.message}`)));
  });
}

describe('<oz-liveness> at 320 px in every language', function () {
  this.timeout(120000);
  before(() => setViewport({ width: 320, height: 568 }));
  after(() => setViewport({ width: 800, height: 600 }));

  for (const lang of LANGS) {
    it(`${lang}: the longest hint stays in the stage and clear of the progress bar and the controls`, async () => {
      const table = await loadStrings(lang);
      const texts = [...Object.values(table.hints), ...Object.values(table.actions), table.hintPreview, table.hintStarting];
      const longest = texts.reduce((a, b) => (b.length > a.length ? b : a));
      const el = await flowElement({ architecture: 'capture', lang, action: 'video_selfie_left' });
      // The action a still face never does, showing the longest text: it stays on screen, with its progress bar.
      el.strings = { actions: { ...table.actions, video_selfie_left: longest } };
      el.captureOptions = { ...TUNING, actionOptions: { timeLimitMs: 60_000 } };
      const recording = reached(el, 'recording');
      await el.open();
      await recording;
      await el.updateComplete;
      const hint = part(el, 'hint')!;
      const progress = part(el, 'progress')!;
      expect(hint.textContent).to.contain(longest);
      expect(progress, 'the progress bar shows').to.exist;
      const box = rect(hint);
      expect(inside(box, rect(part(el, 'stage')!)), 'hint inside the stage').to.equal(true);
      expect(hint.scrollWidth, 'text inside its pill').to.be.at.most(hint.clientWidth);
      expect(overlap(box, rect(progress)), 'hint clear of the progress bar').to.equal(false);
      expect(overlap(box, rect(part(el, 'cancel-button')!)), 'hint clear of the cancel button').to.equal(false);
      expect(rect(progress).top, 'the bar under the hint').to.be.at.least(box.bottom);
      el.close();
    });
  }
});

/**
 * A face where the test puts it: a box in the camera's frame, read from `place` on each frame, so the test can put
 * it where the element draws its oval.
 */
class PlacedFace implements Detector {
  constructor(private readonly place: (frame: DetectorFrame) => { x: number; y: number; width: number; height: number }) {}
  async load(): Promise<void> {}
  async detect(frame: DetectorFrame): Promise<FrameObservation> {
    frame.bitmap.close();
    const box = this.place(frame);
    return { timestamp: frame.timestamp, width: frame.width, height: frame.height, faces: [{ score: 0.99, box, brightness: 0.5, sharpness: 100 }], brightness: 0.5, inferenceMs: 0 };
  }
  dispose(): void {}
}

/** The oval's box on screen, in the frame's pixels: the stage shows the frame scaled to cover it and centred. */
function ovalOnScreenInFrame(el: OzLiveness, frame: { width: number; height: number }) {
  const video = rect(part(el, 'video')!), oval = rect(part(el, 'oval')!);
  const scale = Math.max(video.width / frame.width, video.height / frame.height);
  const left = video.left + (video.width - frame.width * scale) / 2, top = video.top + (video.height - frame.height * scale) / 2;
  return { x: (oval.left - left) / scale, y: (oval.top - top) / scale, width: oval.width / scale, height: oval.height / scale };
}

describe('<oz-liveness> judges the oval it shows', function () {
  this.timeout(60000);
  afterEach(() => setViewport({ width: 800, height: 600 }));

  // Full screen on a tall phone crops the 4:3 camera to a narrow strip: the oval shown covers a small part of the frame.
  it('a face filling the oval on screen fits, though it is small in the whole frame', async () => {
    await setViewport({ width: 390, height: 844 });
    const el = await element({ layout: 'fullscreen' });
    const hints: string[] = [];
    el.detector = new PlacedFace((frame) => ovalOnScreenInFrame(el, frame));
    el.captureOptions = { positioningTimeoutMs: 0 };
    await el.open();
    const hint = part(el, 'hint')!;
    const observer = new MutationObserver(() => hints.push(hint.textContent ?? ''));
    observer.observe(hint, { childList: true, characterData: true, subtree: true });
    await reached(el, 'action');
    observer.disconnect();
    expect(hints).to.not.include('Move closer');
    expect(part(el, 'oval')!.dataset.fit).to.equal('good');
    el.close();
  });

  it('a face half the size of the oval on screen is too far', async () => {
    await setViewport({ width: 390, height: 844 });
    const el = await element({ layout: 'fullscreen' });
    el.detector = new PlacedFace((frame) => {
      const box = ovalOnScreenInFrame(el, frame);
      return { x: box.x + box.width / 4, y: box.y + box.height / 4, width: box.width / 2, height: box.height / 2 };
    });
    el.captureOptions = { positioningTimeoutMs: 0 };
    await el.open();
    const hint = part(el, 'hint')!;
    await new Promise<void>((resolve) => {
      const observer = new MutationObserver(() => hint.textContent === 'Move closer' && (observer.disconnect(), resolve()));
      observer.observe(hint, { childList: true, characterData: true, subtree: true });
    });
    expect(el.state).to.equal('positioning');
    el.close();
  });
});
