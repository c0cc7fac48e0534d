// Where the oval drawn on a stage lies in the camera's frame, and the oval the guidance judges for it.
import { expect } from '@open-wc/testing';
import { guidanceOval, ovalInFrame } from '../../../src/element/layout.ts';
import { defaultOval } from '../../../src/face/guidance.ts';

const box = (left: number, top: number, width: number, height: number) => new DOMRect(left, top, width, height);
const close = (actual: Record<string, number>, expected: Record<string, number>) => {
  for (const key of Object.keys(expected)) expect(actual[key], key).to.be.closeTo(expected[key]!, 1e-9);
};

describe('the oval in the frame', () => {
  it('uncropped 4:3: the oval drawn by the 4:3 stage is the guidance default', () => {
    const drawn = ovalInFrame(box(0, 0, 640, 480), { width: 640, height: 480 }, box(179.2, 57.6, 281.6, 364.8), false)!;
    close(drawn as unknown as Record<string, number>, { cx: 0.5, cy: 0.5, rx: 0.22, ry: 0.38 });
    close(guidanceOval(drawn) as unknown as Record<string, number>, defaultOval as unknown as Record<string, number>);
  });

  it('a portrait stage crops the sides: the oval covers less of the frame width', () => {
    // 640x480 frame covering a 300x400 stage at (10, 20): scaled by 400/480, 533 wide, 116.7 cut off each side.
    const drawn = ovalInFrame(box(10, 20, 300, 400), { width: 640, height: 480 }, box(10 + 60, 20 + 40, 180, 240), false)!;
    const scale = 400 / 480;
    close(drawn as unknown as Record<string, number>, { cx: 0.5, cy: 0.4, rx: 90 / scale / 640, ry: 120 / scale / 480 });
  });

  it('an oval off the middle lands mirrored in the frame when the preview is mirrored', () => {
    const args = [box(0, 0, 300, 400), { width: 640, height: 480 }, box(0, 100, 100, 100)] as const;
    const plain = ovalInFrame(...args, false)!, mirrored = ovalInFrame(...args, true)!;
    expect(plain.cx).to.be.below(0.5);
    expect(mirrored.cx).to.be.closeTo(1 - plain.cx, 1e-9);
    expect(mirrored.cy).to.equal(plain.cy);
  });

  it('nothing to read while the video has no frame or no size', () => {
    expect(ovalInFrame(box(0, 0, 300, 400), { width: 0, height: 0 }, box(0, 0, 10, 10), false)).to.equal(null);
    expect(ovalInFrame(box(0, 0, 0, 0), { width: 640, height: 480 }, box(0, 0, 0, 0), false)).to.equal(null);
  });
});
