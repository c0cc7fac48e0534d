import { expect } from '@open-wc/testing';
import { halvesToFloats } from '../../../src/face/blazeface.ts';
import { half } from '../../support/float16.ts';

describe('the weights decoder in the browser', () => {
  it('decodes every half through the engine\'s Float16Array as its definition does, signed zeros and NaN included', () => {
    expect(typeof (globalThis as { Float16Array?: unknown }).Float16Array, 'Chromium has Float16Array').to.equal('function');
    const all = Uint16Array.from({ length: 65536 }, (_, i) => i);
    const floats = halvesToFloats(all.subarray(1)); // an offset view, as the weights file's tensors are
    for (let h = 1; h < 65536; h++) {
      const want = half(h), got = floats[h - 1]!;
      if (Number.isNaN(want) ? !Number.isNaN(got) : !Object.is(got, want)) expect.fail(`half 0x${h.toString(16)}: ${got}, not ${want}`);
    }
  });
});
