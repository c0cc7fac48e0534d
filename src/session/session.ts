import type { UploadProgress } from '../api/client.ts';
import { filterResult } from '../api/result.ts';
import type { CheckResult } from '../api/types.ts';
import { CaptureFlow, type CaptureFlowOptions, type CaptureResult } from '../capture/capture-flow.ts';
import type { OzConfig } from '../config.ts';
import { OzError, cameraError, forPeople, isOzError } from '../errors.ts';
import type { ActionTag } from '../face/actions.ts';
import type { OzState } from '../events.ts';
import type { Detector } from '../face/detector.ts';
import { WorkerDetector } from '../face/worker-detector.ts';
import type { Hint } from '../face/guidance.ts';
import type { Strings } from '../i18n/types.ts';
import { Camera } from './camera.ts';
import { Delivery, type Parcel } from './delivery.ts';
import { firstFrame, untilAborted } from './preview.ts';

/** The steps of one check, in order; a view adds its own states around them (idle, error, closed). */
export type SessionState = Exclude<OzState, 'idle' | 'error' | 'closed'>;

/** The capture flow's tuning a host may set: guidance thresholds, action limits, timeouts, detection rate. */
export type CaptureTuning = Pick<
  CaptureFlowOptions,
  | 'thresholds'
  | 'oval'
  | 'actionOptions'
  | 'positionHoldMs'
  | 'positioningTimeoutMs'
  | 'instructMs'
  | 'actionRetries'
  | 'modelLoadTimeoutMs'
  | 'maxFps'
  | 'detectWidth'
  | 'frames'
>;

/** What a session tells its view. Every event is a CustomEvent with this detail (`camera` has none). */
export interface SessionEventDetails {
  state: { state: SessionState };
  /** Guidance for the face, during positioning and the actions. */
  hint: { hint: Hint };
  /** How well the face fits the oval, 0..1, on every guidance frame. */
  'oval-fit': { fit: number };
  'action-started': { action: ActionTag; index: number; count: number };
  'upload-progress': UploadProgress;
  /** Architecture `normal`, while the analyses run: the result so far, filtered by `result-mode`. */
  result: { result: CheckResult };
  /** Architectures `normal` and `lite`: the final result, filtered by `result-mode`. */
  complete: { result: CheckResult };
  /** Architecture `capture`: the capture (sealed into `container` with `use-wasm-container`). */
  'capture-complete': { result: CaptureResult; container: Blob | null };
  /** The check failed; the camera is off. `undelivered` is a capture that was made but not delivered. */
  error: { error: OzError; undelivered: Parcel | null };
  /** The open camera or the device list changed. */
  camera: undefined;
}

export type SessionEventMap = { [K in keyof SessionEventDetails]: CustomEvent<SessionEventDetails[K]> };

export interface SessionOptions {
  /** Current texts: messages of the errors the session raises follow the view's language and overrides. */
  strings: () => Strings;
  /**
   * The video the camera plays in, which the capture reads its frames from. Awaited before the camera turns on: a
   * view that is not on the page yet keeps the camera off until it is.
   */
  preview: () => Promise<HTMLVideoElement>;
  /** Read when a check starts: a detector to use instead of the face worker. */
  detector?: () => Detector | undefined;
  /** Read when the capture starts: guidance and action tuning. */
  tuning?: () => CaptureTuning | undefined;
}

export interface OpenOptions {
  /** When the host handed over `session-token`: a client token's lifetime counts from then. */
  handedOverAt?: number;
  /** Aborting it cancels the check like stop(): camera off, no further events. */
  signal?: AbortSignal;
}

/**
 * One liveness check, without a view: session token -> camera -> positioning and actions -> packing -> delivery by
 * architecture. It reports each step as a typed event (see SessionEventDetails) and keeps a capture that could not
 * be delivered, so retryUpload() sends it again without capturing again. Framework-free: the element is one view of
 * it, a test or another UI can be another.
 */
export class LivenessSession extends EventTarget {
  readonly camera: Camera;
  readonly #delivery: Delivery;
  readonly #options: SessionOptions;
  /** The run in progress: aborted (with the reason) by stop(), a failure, or a new open(). */
  #run: AbortController | null = null;
  /** The session token of the capture in progress. */
  #token: Parcel['token'] = null;
  /** A capture not yet delivered (delivery failed): kept for retryUpload(). */
  #parcel: Parcel | null = null;
  #video: HTMLVideoElement | null = null;
  /** The last failure's code and API error code: retryUpload() reseals when the session was used up. */
  #lastCode: string | undefined;
  #lastApiCode: number | undefined;
  #cameraKey = '';

  constructor(options: SessionOptions) {
    super();
    this.#options = options;
    this.camera = new Camera({
      strings: options.strings,
      onTrackEnded: (error) => this.fail(error),
      onChange: () => this.#emit('camera', undefined),
    });
    this.#delivery = new Delivery({
      strings: options.strings,
      onProgress: (progress) => this.#emit('upload-progress', progress),
      onResult: (result) => {
        this.#emit('state', { state: 'processing' });
        this.#emit('result', { result });
      },
    });
  }

  /** The capture kept after a failed delivery, if any. */
  get undelivered(): Parcel | null {
    return this.#parcel;
  }

  /** The camera request of the open (or opening) camera, to tell whether a device change needs a restart. */
  get cameraKey(): string {
    return this.#cameraKey;
  }

  /** Follows the device list while the view is on the page. */
  connect(): void {
    this.camera.connect();
  }

  /** Releases everything the session holds: the camera and the container worker. */
  disconnect(): void {
    this.camera.disconnect();
    this.#delivery.dispose();
  }

  /**
   * Starts a check (stopping one in progress): session token, camera, first frame. Resolves once the preview shows a
   * frame; the capture and the delivery then go on, reported by events. Rejects with the OzError that also went out
   * as `error`, or with the abort reason when stopped meanwhile.
   */
  open(config: OzConfig, options: OpenOptions = {}): Promise<void> {
    this.stop(this.#cancelled());
    const run = new AbortController();
    this.#run = run;
    const outer = options.signal;
    if (outer) {
      const onAbort = () => {
        if (this.#run === run) this.stop(outer.reason as OzError);
      };
      if (outer.aborted) onAbort();
      else outer.addEventListener('abort', onAbort, { once: true });
      run.signal.addEventListener('abort', () => outer.removeEventListener('abort', onAbort), { once: true });
    }
    return this.#start(config, run, options.handedOverAt);
  }

  /**
   * Sends again the capture whose delivery failed. A container whose session the API has already used up, or whose
   * token expired, is sealed again under a fresh token; a container that could not be made is packed again.
   */
  async retryUpload(config: OzConfig, handedOverAt?: number): Promise<void> {
    const parcel = this.#parcel;
    if (!parcel) throw new OzError('upload_failed', 'There is no failed upload to retry.');
    const run = new AbortController();
    this.#run = run;
    this.#parcel = null;
    try {
      const stale = this.#lastApiCode === 14 || this.#lastCode === 'session_token_expired';
      // A used-up or expired session needs another token: a fresh one from the API in `api` mode, the host's current
      // one in `client` mode (refused again while the host has not handed over a new one).
      if (stale || !parcel.token) parcel.token = await this.#delivery.sessionToken(config, run.signal, handedOverAt);
      await this.#deliver(config, parcel, run.signal, stale);
    } catch (error) {
      if (run.signal.aborted) throw error;
      throw this.fail(error, parcel);
    }
  }

  /** Cancels the run in progress with `reason` and turns the camera off; no event follows. */
  stop(reason: OzError = this.#cancelled()): void {
    this.#run?.abort(reason);
    this.#run = null;
    this.camera.stop();
    if (this.#video) this.#video.srcObject = null;
  }

  /**
   * Ends the run with an error: camera off, `error` event. Anything thrown that is not an OzError is a defect; it
   * goes out under the catch-all code `error_wasm_internal_failure_1000` so the user still gets a way out. Returns
   * the error as it went out (worded for people).
   */
  fail(reason: unknown, undelivered: Parcel | null = null): OzError {
    const strings = this.#options.strings();
    const error = isOzError(reason)
      ? forPeople(reason, strings)
      : new OzError('error_wasm_internal_failure_1000', strings.errors.error_wasm_internal_failure_1000, { cause: String(reason) });
    this.stop(error);
    this.#parcel = undelivered;
    this.#lastCode = error.code;
    this.#lastApiCode = (error.details as { error_code?: number } | undefined)?.error_code;
    this.#emit('error', { error, undelivered });
    return error;
  }

  async #start(config: OzConfig, run: AbortController, handedOverAt?: number): Promise<void> {
    const signal = run.signal;
    this.#emit('state', { state: 'starting' });
    const detector = this.#warmDetector(config, signal);
    const request = { deviceId: config.deviceId, facingMode: config.facingMode };
    this.#cameraKey = JSON.stringify(request);
    try {
      const video = await this.#options.preview();
      signal.throwIfAborted();
      this.#video = video;
      // The session token comes first: a missing, expired or unobtainable one fails before the camera turns on.
      this.#token = Delivery.needsToken(config)
        ? await untilAborted(this.#delivery.sessionToken(config, signal, handedOverAt), signal)
        : null;
      // stop() must not wait for a permission prompt to be answered; the camera releases a late stream itself.
      const stream = await untilAborted(this.camera.start(request), signal);
      video.srcObject = stream;
      await firstFrame(video, signal);
      signal.throwIfAborted();
    } catch (error) {
      // Stopped or failed elsewhere while starting: that path already ended the run.
      if (signal.aborted) throw signal.reason;
      throw this.fail(isOzError(error) ? error : cameraError(error, this.#options.strings()));
    }
    this.#emit('state', { state: 'preview' });
    this.#capture(config, signal, detector).catch((error: unknown) => {
      if (!signal.aborted) this.fail(error, this.#parcel);
    });
  }

  /**
   * The run's face detector, its model loading from the start: while the token is fetched and the camera opens (a
   * permission prompt, a camera that takes a second to start), rather than after the first frame. The face worker is
   * the session's and ends with the run; a detector the host gives is the host's.
   */
  #warmDetector(config: OzConfig, signal: AbortSignal): { detector: Detector; owned: boolean } {
    const given = this.#options.detector?.();
    const detector = given ?? new WorkerDetector({ assetsUrl: config.assetsUrl, loadTimeoutMs: this.#options.tuning?.()?.modelLoadTimeoutMs });
    // A failure is the flow's to report: it asks for the model again and gets the same answer.
    detector.load(['detect'], signal).catch(() => undefined);
    if (!given) signal.addEventListener('abort', () => detector.dispose(), { once: true });
    return { detector, owned: !given };
  }

  /** Positioning, actions and recording, then delivery. */
  async #capture(config: OzConfig, signal: AbortSignal, { detector, owned }: { detector: Detector; owned: boolean }): Promise<void> {
    const stream = this.camera.stream;
    const video = this.#video;
    if (!stream || !video) throw new OzError('camera_track_ended', this.#options.strings().errors.camera_track_ended);
    const actions = config.actions as ActionTag[];
    const flow = new CaptureFlow({
      ...this.#options.tuning?.(),
      stream,
      video,
      actions,
      detector,
      assetsUrl: config.assetsUrl,
      extractBestShot: config.extractBestShot,
      captureMedia: config.captureMedia,
      onState: (state) => {
        if (state === 'positioning') this.#emit('state', { state: 'positioning' });
        else if (state === 'instruct') this.#emit('state', { state: 'action' });
        else if (state === 'recording') this.#emit('state', { state: 'recording' });
      },
      onHint: (hint) => this.#emit('hint', { hint }),
      onOvalFit: (fit) => this.#emit('oval-fit', { fit }),
      onActionStarted: (action, index) => this.#emit('action-started', { action, index, count: actions.length }),
    });
    const onAbort = () => flow.cancel();
    signal.addEventListener('abort', onAbort, { once: true });
    let capture: CaptureResult;
    try {
      capture = await flow.run();
    } finally {
      signal.removeEventListener('abort', onAbort);
      if (owned) detector.dispose();
    }
    // The flow has stopped the tracks; the camera forgets them so nothing else holds it.
    this.camera.stop();
    const parcel: Parcel = { capture, container: null, token: this.#token };
    this.#parcel = parcel;
    await this.#deliver(config, parcel, signal, false);
  }

  /**
   * The one way out for a capture, first time and retry alike: packing (when a container is asked for and there is
   * none, or `reseal` because its session is spent), then the host (`capture`) or the upload.
   */
  async #deliver(config: OzConfig, parcel: Parcel, signal: AbortSignal, reseal: boolean): Promise<void> {
    this.#parcel = parcel;
    // A container that was never made (packing failed) or was sealed for the old session is packed again: the
    // capture never leaves unencrypted when the host asked for a container.
    if (config.useWasmContainer && (reseal || !parcel.container)) {
      this.#emit('state', { state: 'packing' });
      parcel.token = await this.#delivery.freshToken(config, parcel.token!, signal);
      parcel.container = await this.#delivery.seal(config, parcel.capture, parcel.token);
      signal.throwIfAborted();
    }
    if (config.architecture === 'capture') {
      this.#finish();
      this.#emit('capture-complete', { result: parcel.capture, container: parcel.container });
      return;
    }
    this.#emit('state', { state: 'uploading' });
    if (parcel.token && !parcel.container) parcel.token = await this.#delivery.freshToken(config, parcel.token, signal);
    const folder = await this.#delivery.upload(config, parcel, signal);
    signal.throwIfAborted();
    const result = filterResult(folder, config.resultMode);
    this.#finish();
    this.#emit('complete', { result });
  }

  #finish(): void {
    this.#parcel = null;
    this.#run = null;
    this.#emit('state', { state: 'done' });
  }

  #cancelled(): OzError {
    return new OzError('user_cancelled', this.#options.strings().errors.user_cancelled);
  }

  #emit<K extends keyof SessionEventDetails>(type: K, detail: SessionEventDetails[K]): void {
    this.dispatchEvent(new CustomEvent(type, { detail }));
  }
}

/** Typed listeners for the session's events, so `detail` is typed without casts. */
export interface LivenessSession {
  addEventListener<K extends keyof SessionEventMap>(
    type: K,
    listener: (this: LivenessSession, event: SessionEventMap[K]) => unknown,
    options?: boolean | AddEventListenerOptions,
  ): void;
  addEventListener(type: string, listener: EventListenerOrEventListenerObject | null, options?: boolean | AddEventListenerOptions): void;
  removeEventListener<K extends keyof SessionEventMap>(
    type: K,
    listener: (this: LivenessSession, event: SessionEventMap[K]) => unknown,
    options?: boolean | EventListenerOptions,
  ): void;
  removeEventListener(type: string, listener: EventListenerOrEventListenerObject | null, options?: boolean | EventListenerOptions): void;
}
