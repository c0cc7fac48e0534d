/** A camera that gives no frame for this long is as good as busy; the user gets an error instead of a black box. */
export const FIRST_FRAME_TIMEOUT_MS = 10_000;

/** `promise`, or the abort reason as soon as `signal` aborts. */
export function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) {
    // Its late failure is of no interest after the abort, but must not surface as an unhandled rejection.
    promise.catch(() => undefined);
    return Promise.reject(signal.reason as Error);
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason as Error);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/** Resolves when the video has a frame to show; rejects on abort, on a media error, or when no frame comes. */
export function firstFrame(video: HTMLVideoElement, signal: AbortSignal): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const done = (outcome: () => void) => {
      clearTimeout(timer);
      video.removeEventListener('loadeddata', onData);
      video.removeEventListener('error', onError);
      signal.removeEventListener('abort', onAbort);
      outcome();
    };
    const onData = () => done(resolve);
    const onError = () => done(() => reject(new DOMException(video.error?.message ?? 'video error', 'NotReadableError')));
    const onAbort = () => done(() => reject(signal.reason));
    const timer = setTimeout(
      () => done(() => reject(new DOMException('no frame from the camera', 'NotReadableError'))),
      FIRST_FRAME_TIMEOUT_MS,
    );
    video.addEventListener('loadeddata', onData);
    video.addEventListener('error', onError);
    signal.addEventListener('abort', onAbort);
    if (video.readyState >= HTMLMediaElement.HAVE_CURRENT_DATA) onData();
    // Autoplay covers most browsers, play() the ones that wait for it; frames load either way, so a refused play()
    // is not an error of its own.
    video.play().catch(() => undefined);
  });
}
