/**
 * IEEE 754 half to float by its definition, to check a decoder against (test/node/face-weights.test.ts and
 * test/browser/face/weights.test.ts).
 */
export function half(h: number): number {
  const s = h & 0x8000 ? -1 : 1, e = (h >> 10) & 0x1f, m = h & 0x3ff;
  if (e === 0) return s * m * 2 ** -24;
  if (e === 31) return m ? Number.NaN : s * Infinity;
  return s * (1 + m / 1024) * 2 ** (e - 15);
}
