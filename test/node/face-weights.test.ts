// The BlazeFace weights decoder where the engine has no Float16Array (Node 20, older browsers); the browser test
// test/browser/face/weights.test.ts checks the Float16Array path.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { halvesToFloats } from '../../src/face/blazeface.ts';
import { half } from '../support/float16.ts';

test('halvesToFloats decodes every half as its definition does, signed zeros, subnormals and NaN included', () => {
  assert.equal((globalThis as { Float16Array?: unknown }).Float16Array, undefined, 'this test is for engines without Float16Array');
  const all = Uint16Array.from({ length: 65536 }, (_, i) => i);
  const floats = halvesToFloats(all.subarray(1)); // an offset view, as the weights file's tensors are
  for (let h = 1; h < 65536; h++) {
    const want = half(h), got = floats[h - 1]!;
    if (Number.isNaN(want) ? !Number.isNaN(got) : !Object.is(got, want)) assert.fail(`half 0x${h.toString(16)}: ${got}, not ${want}`);
  }
});
