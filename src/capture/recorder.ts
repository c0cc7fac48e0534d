import { OzError } from '../errors.ts';
import { setWebmDuration } from './webm-duration.ts';

/** Containers in order of preference: WebM (Chromium, Firefox), then MP4 (Safari, and Chromium as a fallback). */
const CANDIDATES = ['video/webm;codecs=vp8', 'video/webm;codecs=vp9', 'video/webm', 'video/mp4;codecs=avc1', 'video/mp4'];

/** The first container this browser can record, or undefined when MediaRecorder is missing or supports none. */
export function pickRecorderMime(preferred?: string): string | undefined {
  if (typeof MediaRecorder === 'undefined') return undefined;
  const list = preferred ? [preferred, ...CANDIDATES] : CANDIDATES;
  return list.find((m) => MediaRecorder.isTypeSupported(m));
}

/**
 * Why the recorder could not be used, as `details.reason` of its 'recorder_failed' errors: no MediaRecorder, no
 * container it can record, it threw or reported an error, or it gave no data (nothing in time, or only empty chunks).
 */
export type RecorderProblem = 'missing' | 'unsupported' | 'failed' | 'no_data';

const failure = (reason: RecorderProblem, message: string, details: Record<string, unknown> = {}) =>
  new OzError('recorder_failed', message, { ...details, reason });

/** The reason a 'recorder_failed' error carries ('failed' for any other error). */
export function recorderProblem(error: unknown): RecorderProblem {
  const reason = (error as { details?: { reason?: unknown } } | null)?.details?.reason;
  return reason === 'missing' || reason === 'unsupported' || reason === 'no_data' ? reason : 'failed';
}

export interface RecordedClip {
  blob: Blob;
  /** The container's MIME type without codec parameters ('video/webm' or 'video/mp4'). */
  mime: string;
  durationMs: number;
}

export interface ClipRecorderOptions {
  mimeType?: string;
  /** Chunk interval: short enough that the first chunk proves the recorder works within a fraction of a second. */
  timesliceMs?: number;
  /**
   * How long to wait for the first chunk. When it passes while the track is live and the recorder recording, the
   * recorder is asked for its data and given as long again; then, or at once otherwise, 'recorder_failed'.
   */
  firstChunkTimeoutMs?: number;
  videoBitsPerSecond?: number;
}

/**
 * One MediaRecorder clip. `start` resolves when the first chunk has arrived (so "recording" is only shown once it is
 * true); `stop` resolves with the clip, with its duration written into the WebM header. Failures are 'recorder_failed'.
 */
export class ClipRecorder {
  #recorder?: MediaRecorder;
  #chunks: Blob[] = [];
  #startedAt = 0;
  #timer?: ReturnType<typeof setTimeout>;
  #began?: Promise<void>;
  #opts: Required<Omit<ClipRecorderOptions, 'mimeType' | 'videoBitsPerSecond'>> & ClipRecorderOptions;

  constructor(readonly stream: MediaStream, opts: ClipRecorderOptions = {}) {
    this.#opts = { timesliceMs: 200, firstChunkTimeoutMs: 3000, ...opts };
  }

  start(): Promise<void> {
    if (typeof MediaRecorder === 'undefined') return Promise.reject(failure('missing', 'This browser cannot record video (no MediaRecorder)'));
    const mimeType = pickRecorderMime(this.#opts.mimeType);
    if (!mimeType) return Promise.reject(failure('unsupported', 'This browser cannot record video (no supported format)'));
    let recorder: MediaRecorder;
    try {
      recorder = new MediaRecorder(this.stream, { mimeType, videoBitsPerSecond: this.#opts.videoBitsPerSecond });
    } catch (e) {
      const reason = (e as Error)?.name === 'NotSupportedError' ? 'unsupported' : 'failed';
      return Promise.reject(failure(reason, 'The video recorder could not be created', { mimeType, message: String(e) }));
    }
    this.#recorder = recorder;
    this.#chunks = [];
    let began!: () => void;
    this.#began = new Promise<void>((resolve) => (began = resolve));
    return new Promise<void>((resolve, reject) => {
      const limit = this.#opts.firstChunkTimeoutMs;
      const fail = () => {
        this.abort();
        reject(failure('no_data', `The recorder produced no data within ${limit} ms`, { mimeType }));
      };
      // A recorder that is still recording a live track is slow (a loaded machine), not broken: ask it for what it
      // has and give it one more period. A dead track or a stopped recorder fails at once.
      const clear = () => {
        clearTimeout(this.#timer);
        this.#timer = undefined;
      };
      this.#timer = setTimeout(() => {
        const live = this.stream.getVideoTracks().some((t) => t.readyState === 'live');
        if (!live || recorder.state !== 'recording') return fail();
        try {
          recorder.requestData();
        } catch {
          return fail();
        }
        this.#timer = setTimeout(fail, limit);
      }, limit);
      // Empty chunks prove nothing: WebKit's recorder delivers only those when its encoder does not run.
      recorder.ondataavailable = (e) => {
        if (e.data.size === 0) return;
        this.#chunks.push(e.data);
        if (this.#chunks.length === 1) {
          clear();
          resolve();
        }
      };
      recorder.onerror = (e) => {
        clear();
        this.abort();
        reject(failure('failed', 'The recorder failed', { mimeType, message: String((e as Event & { error?: unknown }).error ?? e.type) }));
      };
      recorder.onstart = () => {
        this.#startedAt = performance.now();
        began();
      };
      try {
        recorder.start(this.#opts.timesliceMs);
      } catch (e) {
        clear();
        this.#recorder = undefined;
        reject(failure('failed', 'The recorder could not start', { mimeType, message: String(e) }));
      }
    });
  }

  /**
   * Resolves when the recorder reports that recording has begun (its `start` event), which can be well after `start`
   * is called; never, if it does not begin. What happens before it is not in the clip.
   */
  whenBegun(): Promise<void> {
    return this.#began ?? new Promise<void>(() => {});
  }

  /** The recorder's MIME type once started. */
  get mimeType(): string | undefined {
    return this.#recorder?.mimeType;
  }

  /** True between a successful `start` and `stop`/`abort`. */
  get recording(): boolean {
    return this.#recorder?.state === 'recording';
  }

  async stop(): Promise<RecordedClip> {
    const recorder = this.#recorder;
    if (!recorder || recorder.state === 'inactive') throw failure('failed', 'The recorder is not running');
    clearTimeout(this.#timer);
    this.#timer = undefined;
    const stopped = new Promise<void>((resolve) => recorder.addEventListener('stop', () => resolve(), { once: true }));
    recorder.stop();
    await stopped;
    const durationMs = performance.now() - this.#startedAt;
    this.#recorder = undefined;
    const chunks = this.#chunks;
    this.#chunks = [];
    const mime = recorder.mimeType.split(';')[0] || 'video/webm';
    if (chunks.length === 0 || chunks.every((c) => c.size === 0)) throw failure('no_data', 'The recorder produced an empty clip', { mime });
    let blob = new Blob(chunks, { type: mime });
    if (mime === 'video/webm') blob = new Blob([setWebmDuration(new Uint8Array(await blob.arrayBuffer()), durationMs) as Uint8Array<ArrayBuffer>], { type: mime });
    return { blob, mime, durationMs };
  }

  /** Stops without producing a clip; safe to call at any time. */
  abort(): void {
    const recorder = this.#recorder;
    this.#recorder = undefined;
    this.#chunks = [];
    clearTimeout(this.#timer);
    this.#timer = undefined;
    if (!recorder) return;
    recorder.ondataavailable = null;
    recorder.onerror = null;
    if (recorder.state !== 'inactive') recorder.stop();
  }
}
