import { expect, oneEvent } from '@open-wc/testing';
import type { OzError } from '../../../src/errors.ts';
import { element, elementWithEvents, part, video, watchGetUserMedia } from './helpers.ts';

// Each attribute with a fixed list of values, a value outside it, and the list the message must name.
const LISTED: Array<[string, string, string]> = [
  ['architecture', 'full', 'normal, lite, capture'],
  ['api-use-session-token', 'server', 'api, client'],
  ['result-mode', 'verbose', 'safe, status, folder'],
  ['facing-mode', 'front', 'user, environment'],
  ['capture-media', 'video', 'auto, frames'],
  ['lang', 'xx', 'en, ru, es, de, fr, pt, tr, ar'],
  ['action', 'video_selfie_blank,video_selfie_jump', 'video_selfie_blank, video_selfie_smile, video_selfie_eyes'],
];

describe('<oz-liveness> attributes', () => {
  for (const [attribute, value, allowed] of LISTED) {
    it(`reports ${attribute}="${value}" as invalid_attribute and does not open the camera`, async () => {
      const watch = watchGetUserMedia();
      try {
        const { el, errors, states } = await elementWithEvents({ [attribute]: value });
        expect(errors).to.have.length(1);
        expect(errors[0].detail.code).to.equal('invalid_attribute');
        expect(errors[0].detail.message).to.contain(`"${attribute}"`).and.contain(allowed);
        expect(states).to.deep.equal(['error']);
        await el.updateComplete;
        expect(part(el, 'error-message')!.textContent).to.equal(errors[0].detail.message);

        const failed = oneEvent(el, 'error');
        const error = await el.open().then(
          () => null,
          (e: OzError) => e,
        );
        expect(error?.code).to.equal('invalid_attribute');
        expect((await failed).detail.message).to.equal(errors[0].detail.message);
        expect(watch.calls).to.have.length(0);
        expect(video(el).srcObject).to.equal(null);
      } finally {
        watch.restore();
      }
    });
  }

  it('reports meta that is not a JSON object', async () => {
    for (const meta of ['{transaction_id: 1}', '[1, 2]', '"text"']) {
      const { errors } = await elementWithEvents({ meta });
      expect(errors, meta).to.have.length(1);
      expect(errors[0].detail.message).to.contain('"meta"').and.contain('JSON object');
    }
  });

  it('reports an empty device-id and an unparsable api-url', async () => {
    expect((await elementWithEvents({ 'device-id': '' })).errors[0].detail.message).to.contain('"device-id"');
    expect((await elementWithEvents({ 'api-url': 'http://[::1' })).errors[0].detail.message).to.contain('"api-url"');
  });

  it('takes valid attributes without an error and reads meta JSON into the property', async () => {
    const { el, errors } = await elementWithEvents({
      architecture: 'lite',
      'api-use-session-token': 'client',
      'session-token': 'a.b.c',
      'api-url': 'https://api.example.test/',
      action: 'video_selfie_smile,video_selfie_left',
      lang: 'ru',
      'result-mode': 'status',
      meta: '{"transaction_id":"t-1"}',
      'facing-mode': 'environment',
      'capture-media': 'frames',
      'assets-url': '/assets/',
    });
    expect(errors).to.have.length(0);
    expect(el.state).to.equal('idle');
    expect(el.meta).to.deep.equal({ transaction_id: 't-1' });
    el.meta = { end_user_id: 'u-7' };
    await el.updateComplete;
    expect(el.state).to.equal('idle');
  });

  it('shows an invalid attribute found at page load without taking focus from the page', async () => {
    const outside = document.createElement('button');
    outside.textContent = 'page button';
    document.body.append(outside);
    outside.focus();
    try {
      const { el, errors } = await elementWithEvents({ architecture: 'full' });
      expect(errors).to.have.length(1);
      expect(part(el, 'error-screen')).to.exist;
      expect(document.activeElement).to.equal(outside);
    } finally {
      outside.remove();
    }
  });

  it('leaves the error screen when the bad attribute is fixed', async () => {
    const { el, errors, states } = await elementWithEvents({ architecture: 'full' });
    expect(errors).to.have.length(1);
    el.setAttribute('architecture', 'capture');
    await el.updateComplete;
    expect(states).to.deep.equal(['error', 'idle']);
    expect(part(el, 'start-screen')).to.exist;
  });

  it('stops a running camera when an attribute becomes invalid', async () => {
    const el = await element();
    await el.open();
    const [track] = (video(el).srcObject as MediaStream).getTracks();
    const failed = oneEvent(el, 'error');
    el.setAttribute('result-mode', 'everything');
    expect((await failed).detail.code).to.equal('invalid_attribute');
    expect(track.readyState).to.equal('ended');
    expect(el.state).to.equal('error');
  });
});
