/**
 * Writes a duration into a WebM file's Segment Info. Chromium's MediaRecorder streams WebM with no Duration element
 * (it cannot know the length while writing), so players report an Infinite duration and cannot seek. This inserts
 * (or overwrites) Info/Duration; it touches nothing else, and returns the input unchanged when the layout is not the
 * expected one.
 */

const ID_EBML = 0x1a45dfa3;
const ID_SEGMENT = 0x18538067;
const ID_INFO = 0x1549a966;
const ID_DURATION = 0x4489;
const ID_TIMECODE_SCALE = 0x2ad7b1;

interface Vint {
  value: number;
  length: number;
  unknown: boolean;
}

function readId(b: Uint8Array, pos: number): Vint | undefined {
  const first = b[pos];
  if (first === undefined || first === 0) return undefined;
  const length = Math.clz32(first) - 23;
  if (length > 4 || pos + length > b.length) return undefined;
  let value = 0;
  for (let i = 0; i < length; i++) value = value * 256 + b[pos + i];
  return { value, length, unknown: false };
}

function readSize(b: Uint8Array, pos: number): Vint | undefined {
  const first = b[pos];
  if (first === undefined || first === 0) return undefined;
  const length = Math.clz32(first) - 23;
  if (length > 8 || pos + length > b.length) return undefined;
  let value = first & (0xff >> length);
  let allOnes = value === 0xff >> length;
  for (let i = 1; i < length; i++) {
    value = value * 256 + b[pos + i];
    if (b[pos + i] !== 0xff) allOnes = false;
  }
  return { value, length, unknown: allOnes };
}

/** An EBML size as an 8-byte vint (always wide enough, so sizes never need to change width later). */
function size8(value: number): Uint8Array {
  const out = new Uint8Array(8);
  out[0] = 0x01;
  let v = value;
  for (let i = 7; i >= 1; i--) {
    out[i] = v % 256;
    v = Math.floor(v / 256);
  }
  return out;
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Returns a copy of `webm` whose Segment Info says the clip lasts `durationMs` milliseconds. */
export function setWebmDuration(webm: Uint8Array, durationMs: number): Uint8Array {
  const ebml = readId(webm, 0);
  if (!ebml || ebml.value !== ID_EBML) return webm;
  const ebmlSize = readSize(webm, ebml.length);
  if (!ebmlSize || ebmlSize.unknown) return webm;
  const segPos = ebml.length + ebmlSize.length + ebmlSize.value;
  const seg = readId(webm, segPos);
  if (!seg || seg.value !== ID_SEGMENT) return webm;
  const segSize = readSize(webm, segPos + seg.length);
  if (!segSize) return webm;
  const segData = segPos + seg.length + segSize.length;
  // Info is one of the first top-level children of the Segment; Clusters come after it.
  let pos = segData;
  for (let guard = 0; guard < 16 && pos < webm.length; guard++) {
    const id = readId(webm, pos);
    const size = id && readSize(webm, pos + id.length);
    if (!id || !size || size.unknown) return webm;
    const dataPos = pos + id.length + size.length;
    if (id.value === ID_INFO) return patchInfo(webm, { segPos, segIdLen: seg.length, segSize }, pos, id.length, size, dataPos, durationMs);
    pos = dataPos + size.value;
  }
  return webm;
}

function patchInfo(
  webm: Uint8Array,
  segment: { segPos: number; segIdLen: number; segSize: Vint },
  infoPos: number,
  infoIdLen: number,
  infoSize: Vint,
  infoData: number,
  durationMs: number,
): Uint8Array {
  let timecodeScale = 1_000_000;
  let durationAt = -1, durationLen = 0;
  const end = infoData + infoSize.value;
  for (let p = infoData; p < end; ) {
    const id = readId(webm, p);
    const size = id && readSize(webm, p + id.length);
    if (!id || !size) return webm;
    const dp = p + id.length + size.length;
    if (id.value === ID_TIMECODE_SCALE) {
      timecodeScale = 0;
      for (let i = 0; i < size.value; i++) timecodeScale = timecodeScale * 256 + webm[dp + i];
    } else if (id.value === ID_DURATION) {
      durationAt = dp;
      durationLen = size.value;
    }
    p = dp + size.value;
  }
  const ticks = (durationMs * 1_000_000) / timecodeScale;
  if (durationAt >= 0 && (durationLen === 4 || durationLen === 8)) {
    const out = webm.slice();
    const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
    if (durationLen === 8) view.setFloat64(durationAt, ticks);
    else view.setFloat32(durationAt, ticks);
    return out;
  }
  const duration = new Uint8Array(11);
  duration.set([0x44, 0x89, 0x88]);
  new DataView(duration.buffer).setFloat64(3, ticks);
  const newInfoSize = size8(infoSize.value + duration.length);
  const grow = duration.length + newInfoSize.length - infoSize.length;
  const { segPos, segIdLen, segSize } = segment;
  const segSizeBytes = segSize.unknown ? webm.subarray(segPos + segIdLen, segPos + segIdLen + segSize.length) : size8(segSize.value + grow);
  return concat([
    webm.subarray(0, segPos + segIdLen),
    segSizeBytes,
    webm.subarray(segPos + segIdLen + segSize.length, infoPos + infoIdLen),
    newInfoSize,
    webm.subarray(infoData, end),
    duration,
    webm.subarray(end),
  ]);
}
