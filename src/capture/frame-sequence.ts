// The frame-sequence medium (docs/frame-sequence.md): what stands in for an action's video clip when the browser's
// recorder cannot make one. One self-describing file, so it travels unchanged as a container section, a multipart
// part or a Blob in the host's hands. Shared by the element (writing) and the emulator (reading); no DOM needed.

/** The MIME type of a frame sequence. `video/*`, so the container keeps it as a clip section and the API as video. */
export const FRAMES_MIME = 'video/x-oz-frames';
export const FRAMES_EXTENSION = 'ozfs';
export const FRAMES_MAGIC = new Uint8Array([0x4f, 0x5a, 0x46, 0x53]); // "OZFS"
export const FRAMES_VERSION = 1;
/** magic, version, index length */
export const FRAMES_HEADER_LENGTH = 4 + 2 + 4;
export const MAX_INDEX_LENGTH = 1 << 20;
export const MAX_FRAMES = 1000;

/** A face box in the frame image's own pixels: [x, y, width, height]. */
export type FrameBox = [x: number, y: number, width: number, height: number];

/** One frame's entry in the index. */
export interface FrameIndexEntry {
  /** ms since the sequence started (the action's recording start); strictly increasing. */
  t: number;
  /** Byte length of the frame's JPEG. */
  bytes: number;
  /** The face the detector found in this frame, or null when it found none. */
  box: FrameBox | null;
}

/** The JSON index that follows the fixed header. */
export interface FrameIndex {
  mime: 'image/jpeg';
  /** Size of every frame image, and of the camera frames they were scaled from (the recording's pixels). */
  width: number;
  height: number;
  source_width: number;
  source_height: number;
  frames: FrameIndexEntry[];
}

export type FrameSequenceProblem = 'bad_magic' | 'bad_version' | 'truncated' | 'bad_index' | 'bad_frame' | 'length_mismatch';

/** Why bytes are not a valid frame sequence. */
export class FrameSequenceError extends Error {
  constructor(readonly reason: FrameSequenceProblem, message: string) {
    super(message);
    this.name = 'FrameSequenceError';
  }
}

/** A parsed sequence: the index, and where each frame's JPEG lies in the bytes. */
export interface ParsedFrameSequence extends FrameIndex {
  version: number;
  /** Per frame, in order: its index entry plus its byte range. */
  ranges: { offset: number; length: number }[];
}

/** The fixed header and the index, to be followed by the frames' bytes in index order. */
export function frameSequenceHead(index: FrameIndex): Uint8Array<ArrayBuffer> {
  const json = new TextEncoder().encode(JSON.stringify(index));
  const head = new Uint8Array(FRAMES_HEADER_LENGTH + json.length);
  const view = new DataView(head.buffer);
  head.set(FRAMES_MAGIC, 0);
  view.setUint16(4, FRAMES_VERSION);
  view.setUint32(6, json.length);
  head.set(json, FRAMES_HEADER_LENGTH);
  return head;
}

const isJpeg = (bytes: Uint8Array, at: number, length: number) =>
  length >= 4 && bytes[at] === 0xff && bytes[at + 1] === 0xd8 && bytes[at + 2] === 0xff && bytes[at + length - 2] === 0xff && bytes[at + length - 1] === 0xd9;

const finite = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** Reads and checks a whole sequence: header, index, every frame a JPEG (SOI ... EOI), nothing before or after. */
export function parseFrameSequence(bytes: Uint8Array): ParsedFrameSequence {
  const bad = (reason: FrameSequenceProblem, message: string): never => {
    throw new FrameSequenceError(reason, message);
  };
  if (bytes.length < 4 || FRAMES_MAGIC.some((b, i) => bytes[i] !== b)) bad('bad_magic', 'not a frame sequence (magic)');
  if (bytes.length < FRAMES_HEADER_LENGTH) bad('truncated', 'truncated inside the header');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint16(4);
  if (version !== FRAMES_VERSION) bad('bad_version', `unsupported frame-sequence version ${version}`);
  const indexLength = view.getUint32(6);
  if (indexLength === 0 || indexLength > MAX_INDEX_LENGTH) bad('bad_index', `index length ${indexLength} out of range`);
  if (FRAMES_HEADER_LENGTH + indexLength > bytes.length) bad('truncated', 'truncated inside the index');
  let index: unknown;
  try {
    index = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(FRAMES_HEADER_LENGTH, FRAMES_HEADER_LENGTH + indexLength)));
  } catch {
    bad('bad_index', 'the index is not UTF-8 JSON');
  }
  const ix = index as Partial<FrameIndex> | null;
  if (!ix || typeof ix !== 'object' || Array.isArray(ix)) return bad('bad_index', 'the index is not a JSON object');
  if (ix.mime !== 'image/jpeg') bad('bad_index', 'frames must be image/jpeg');
  for (const key of ['width', 'height', 'source_width', 'source_height'] as const) {
    const v = ix[key];
    if (!Number.isInteger(v) || (v as number) < 1 || (v as number) > 16384) bad('bad_index', `${key} must be an integer 1..16384`);
  }
  const frames = ix.frames;
  if (!Array.isArray(frames) || frames.length < 1 || frames.length > MAX_FRAMES) return bad('bad_index', `frames must be a list of 1..${MAX_FRAMES}`);
  const ranges: ParsedFrameSequence['ranges'] = [];
  let at = FRAMES_HEADER_LENGTH + indexLength;
  let last = -Infinity;
  frames.forEach((f: Partial<FrameIndexEntry> | null, i) => {
    if (!f || typeof f !== 'object') bad('bad_index', `frame ${i} is not an object`);
    const { t, bytes: length, box } = f as FrameIndexEntry;
    if (!finite(t) || t < 0 || t <= last) bad('bad_index', `frame ${i}: t must be a number >= 0, greater than the previous frame's`);
    if (!Number.isSafeInteger(length) || length < 1) bad('bad_index', `frame ${i}: bytes must be a positive integer`);
    if (box !== null && !(Array.isArray(box) && box.length === 4 && box.every(finite))) bad('bad_index', `frame ${i}: box must be null or four numbers`);
    if (at + length > bytes.length) bad('length_mismatch', `frame ${i} runs past the end`);
    if (!isJpeg(bytes, at, length)) bad('bad_frame', `frame ${i} is not a JPEG`);
    ranges.push({ offset: at, length });
    at += length;
    last = t;
  });
  if (at !== bytes.length) bad('length_mismatch', `${bytes.length - at} bytes after the last frame`);
  return { ...(ix as FrameIndex), version, ranges };
}
