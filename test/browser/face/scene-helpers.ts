import { expect } from '@open-wc/testing';
import { CaptureFlow, type CaptureState } from '../../../src/capture/capture-flow.ts';
import { OzError } from '../../../src/errors.ts';
import type { Hint } from '../../../src/face/guidance.ts';
import { closeCamera, openCamera } from './helpers.ts';

/**
 * Runs a real capture (default face worker) on this group's camera scene and checks that guidance settles on
 * `expected`, keeps saying it for `frames` more frames, and never lets an action start.
 */
export async function expectSceneHint(expected: Hint, frames = 8): Promise<void> {
  const cam = await openCamera();
  const hints: Hint[] = [];
  const states: CaptureState[] = [];
  let started = 0;
  try {
    let seen = 0;
    let flow!: CaptureFlow;
    const settled = new Promise<void>((resolve) => {
      flow = new CaptureFlow({
        ...cam,
        actions: ['video_selfie_blank'],
        onHint: (h) => hints.push(h),
        onState: (s) => states.push(s),
        onActionStarted: () => started++,
        onObservation: () => {
          if (hints.at(-1) === expected && ++seen >= frames) resolve();
        },
      });
    });
    const run = flow.run().then(() => null, (e: unknown) => e);
    await Promise.race([settled, run]);
    flow.cancel();
    const error = await run;
    expect(hints, `hints seen: ${hints.join(', ')}`).to.include(expected);
    expect(hints.slice(hints.indexOf(expected))).to.deep.equal([expected]);
    expect(started, 'no action started').to.equal(0);
    expect(states).to.deep.equal(['loading', 'positioning', 'cancelled']);
    expect(error).to.be.instanceOf(OzError);
    expect((error as OzError).code).to.equal('user_cancelled');
  } finally {
    closeCamera(cam);
  }
}
