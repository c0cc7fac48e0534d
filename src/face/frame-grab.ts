import type { DetectorFrame } from './detector.ts';

/**
 * Takes the video's current frame as an ImageBitmap no wider than `maxWidth` (detection does not gain from more
 * pixels: blazeface looks at 128x128, the mesh at 192x192). The frame records the video's full size, so the
 * detector reports coordinates in the recording's frame.
 */
export async function grabFrame(video: HTMLVideoElement, maxWidth = 640): Promise<DetectorFrame> {
  const width = video.videoWidth, height = video.videoHeight;
  const timestamp = performance.now();
  const scale = Math.min(1, maxWidth / width);
  const bitmap = scale < 1
    ? await createImageBitmap(video, { resizeWidth: Math.round(width * scale), resizeHeight: Math.round(height * scale), resizeQuality: 'low' })
    : await createImageBitmap(video);
  return { bitmap, width, height, timestamp };
}

/**
 * The video's current frame as a WebCodecs VideoFrame (no pixels are copied or scaled on the page), or null where the
 * browser has no VideoFrame or cannot make one from this video.
 */
export function videoFrameOf(video: HTMLVideoElement): VideoFrame | null {
  if (typeof VideoFrame !== 'function') return null;
  try {
    return new VideoFrame(video);
  } catch {
    return null;
  }
}

/**
 * The frame drawn to an ImageBitmap no wider than `maxWidth`, as the flow draws a video for `detect`: the way a
 * VideoFrame reaches a detector that takes bitmaps only, or one in a format that cannot be read plane by plane.
 */
export function drawFrame(frame: VideoFrame, maxWidth: number): Promise<ImageBitmap> {
  const w = Math.min(frame.displayWidth, maxWidth);
  return createImageBitmap(frame, { resizeWidth: w, resizeHeight: Math.round((frame.displayHeight * w) / frame.displayWidth), resizeQuality: 'low' });
}

/** Resolves once the video has a frame to show (readyState >= HAVE_CURRENT_DATA). */
export function firstFrame(video: HTMLVideoElement, signal?: AbortSignal): Promise<void> {
  if (video.readyState >= 2 && video.videoWidth > 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const done = () => {
      video.removeEventListener('loadeddata', done);
      signal?.removeEventListener('abort', abort);
      resolve();
    };
    const abort = () => {
      video.removeEventListener('loadeddata', done);
      reject(signal?.reason);
    };
    video.addEventListener('loadeddata', done);
    signal?.addEventListener('abort', abort, { once: true });
  });
}
