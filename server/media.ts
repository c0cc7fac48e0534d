import { FRAMES_MAGIC, parseFrameSequence } from '../src/capture/frame-sequence.ts';

/**
 * What a file's first bytes say it is; `frames` is the SDK's frame sequence (docs/frame-sequence.md), what an action
 * is captured as where the browser cannot record video. The emulator checks form, not content: it does not judge
 * liveness.
 */
export type DetectedFormat = 'webm' | 'mp4' | 'frames' | 'jpeg' | 'png' | 'unknown';

/** What the analyses report as each medium's kind: a video, a frame sequence standing in for one, or a still image. */
export type MediaKind = 'video' | 'frames' | 'image' | 'unknown';

export type MediaType = 'VIDEO_FOLDER' | 'IMAGE_FOLDER' | 'UNKNOWN';

const startsWith = (data: Uint8Array, signature: number[], at = 0) =>
  data.length >= at + signature.length && signature.every((b, i) => data[at + i] === b);

export function detectFormat(data: Uint8Array): DetectedFormat {
  if (startsWith(data, [0x1a, 0x45, 0xdf, 0xa3])) return 'webm';
  if (startsWith(data, [0x66, 0x74, 0x79, 0x70], 4)) return 'mp4';
  if (startsWith(data, [...FRAMES_MAGIC])) return 'frames';
  if (startsWith(data, [0xff, 0xd8, 0xff])) return 'jpeg';
  if (startsWith(data, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'png';
  return 'unknown';
}

/** The kind a medium claims to be, from its tags first (the vendor's contract), then its MIME type. */
export function claimedType(tags: string[], mime: string): MediaType {
  if (tags.some((t) => t.startsWith('video_'))) return 'VIDEO_FOLDER';
  if (tags.some((t) => t.startsWith('photo_'))) return 'IMAGE_FOLDER';
  if (mime.startsWith('video/')) return 'VIDEO_FOLDER';
  if (mime.startsWith('image/')) return 'IMAGE_FOLDER';
  return 'UNKNOWN';
}

/**
 * Well formed: the bytes carry the signature of the kind the medium claims to be. A frame sequence stands in for a
 * video and is read whole: its index, and every frame a JPEG.
 */
export function isWellFormed(type: MediaType, format: DetectedFormat, data: Uint8Array): boolean {
  if (type === 'VIDEO_FOLDER' && format === 'frames') {
    try {
      parseFrameSequence(data);
      return true;
    } catch {
      return false;
    }
  }
  if (type === 'VIDEO_FOLDER') return format === 'webm' || format === 'mp4';
  if (type === 'IMAGE_FOLDER') return format === 'jpeg' || format === 'png';
  return false;
}

export function mediaKind(type: string, format: string): MediaKind {
  if (format === 'frames') return 'frames';
  if (type === 'VIDEO_FOLDER') return 'video';
  if (type === 'IMAGE_FOLDER') return 'image';
  return 'unknown';
}

/** Media tags are short identifiers; anything else in a tag list is refused at upload. */
export const TAG_PATTERN = /^[A-Za-z0-9_.:-]{1,64}$/;
