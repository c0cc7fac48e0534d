/** What a file's first bytes say it is. The emulator checks form, not content: it does not judge liveness. */
export type DetectedFormat = 'webm' | 'mp4' | 'jpeg' | 'png' | 'unknown';

export type MediaType = 'VIDEO_FOLDER' | 'IMAGE_FOLDER' | 'UNKNOWN';

const startsWith = (data: Uint8Array, signature: number[], at = 0) =>
  data.length >= at + signature.length && signature.every((b, i) => data[at + i] === b);

export function detectFormat(data: Uint8Array): DetectedFormat {
  if (startsWith(data, [0x1a, 0x45, 0xdf, 0xa3])) return 'webm';
  if (startsWith(data, [0x66, 0x74, 0x79, 0x70], 4)) return 'mp4';
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

/** Well formed: the bytes carry the signature of the kind the medium claims to be. */
export function isWellFormed(type: MediaType, format: DetectedFormat): boolean {
  if (type === 'VIDEO_FOLDER') return format === 'webm' || format === 'mp4';
  if (type === 'IMAGE_FOLDER') return format === 'jpeg' || format === 'png';
  return false;
}

/** Media tags are short identifiers; anything else in a tag list is refused at upload. */
export const TAG_PATTERN = /^[A-Za-z0-9_.:-]{1,64}$/;
