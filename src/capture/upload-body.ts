import { MAX_CHUNK_LENGTH } from '../container/limits.ts';
import type { ContainerInput, ContainerMedium } from '../container/types.ts';
import type { CaptureResult } from './capture-flow.ts';
import { FRAMES_EXTENSION, FRAMES_MIME } from './frame-sequence.ts';

/** One medium of a capture with the part name it has in the folder (`media:tags` key, multipart part, section). */
interface NamedMedium {
  name: string;
  tags: string[];
  mime: string;
  blob: Blob;
  meta: Record<string, unknown>;
}

const EXTENSIONS: Record<string, string> = { 'video/webm': 'webm', 'video/mp4': 'mp4', [FRAMES_MIME]: FRAMES_EXTENSION, 'image/jpeg': 'jpg', 'image/png': 'png' };
const extension = (mime: string) => EXTENSIONS[mime.split(';')[0]!.trim()] ?? 'bin';

/** A data URL as a Blob, decoded here: fetching a data: URL needs `connect-src data:`, which a strict CSP forbids. */
export function dataUrlToBlob(url: string): Blob {
  const comma = url.indexOf(',');
  const head = url.slice(5, comma);
  const mime = head.split(';')[0] || 'application/octet-stream';
  const text = atob(url.slice(comma + 1));
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return new Blob([bytes], { type: mime });
}

/**
 * The media of a capture in the vendor's terms: one clip per action (tagged video_selfie + the action; a video, or a
 * frame sequence where the recorder could not be used), and the best shot as `photo_selfie`. Per-action best frames
 * are only in the result (`frame_list`): they duplicate the clips.
 */
function namedMedia(result: CaptureResult): NamedMedium[] {
  const media: NamedMedium[] = result.clips.map((clip, index) => ({
    name: `${clip.action}_${index}.${extension(clip.mime)}`,
    tags: clip.tags,
    mime: clip.mime,
    blob: clip.blob,
    // A frame sequence says so, and why, wherever it goes (container manifest; the form's part carries its own index).
    meta: clip.kind === 'frames'
      ? { duration_ms: clip.duration_ms, media_kind: 'frames', recorder_fallback: clip.reason, frames: clip.frames.length }
      : { duration_ms: clip.duration_ms, media_kind: 'video' },
  }));
  if (result.best_frame) {
    media.push({
      name: 'best_shot.jpg',
      tags: ['photo_selfie', 'photo_selfie_best_shot'],
      mime: 'image/jpeg',
      blob: dataUrlToBlob(result.best_frame),
      meta: { bounding_box: result.best_frame_bounding_box },
    });
  }
  return media;
}

function mediaTags(media: NamedMedium[]): Record<string, string[]> {
  return Object.fromEntries(media.map((m) => [m.name, m.tags]));
}

/** The classic multipart form: one file part per medium plus the `payload` JSON part. */
export function multipartBody(result: CaptureResult, meta: Record<string, unknown>): FormData {
  const media = namedMedia(result);
  const form = new FormData();
  for (const m of media) form.append(m.name, m.blob, m.name);
  form.append('payload', JSON.stringify({ 'media:tags': mediaTags(media), 'folder:meta_data': meta }));
  return form;
}

/**
 * A Blob's bytes as consecutive buffers of at most one container chunk (512 KiB): the worker seals each as it is, so
 * no copy of a clip is made between the recorder and the sealed container.
 */
export async function readParts(blob: Blob): Promise<Uint8Array[]> {
  const starts = Array.from({ length: Math.max(1, Math.ceil(blob.size / MAX_CHUNK_LENGTH)) }, (_, i) => i * MAX_CHUNK_LENGTH);
  return Promise.all(starts.map(async (at) => new Uint8Array(await blob.slice(at, at + MAX_CHUNK_LENGTH).arrayBuffer())));
}

/** What the container worker packs: the same media and manifest as the multipart form, plus the technical data. */
export async function containerInput(result: CaptureResult, meta: Record<string, unknown>, sessionToken: string): Promise<ContainerInput> {
  const media = namedMedia(result);
  const packed: ContainerMedium[] = await Promise.all(
    media.map(async (m) => ({ name: m.name, tags: m.tags, mime: m.mime, meta: m.meta, data: await readParts(m.blob) })),
  );
  return {
    sessionToken,
    payload: { 'media:tags': mediaTags(media), 'folder:meta_data': meta },
    technical: result.technical,
    media: packed,
  };
}
