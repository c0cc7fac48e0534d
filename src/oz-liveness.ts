import { LitElement, html, nothing, type PropertyValues } from 'lit';
import { property, query, state } from 'lit/decorators.js';
import { cssomStyle } from './directives/cssom-style.ts';
import {
  jsonAttributeConverter,
  resolveConfig,
  type Architecture,
  type FacingMode,
  type OzConfig,
  type ResultMode,
  type SessionTokenSource,
} from './config.js';
import { filterResult } from './api/result.ts';
import type { IssuerKey } from './api/session-token.ts';
import type { CheckResult } from './api/types.ts';
import { CaptureFlow, type CaptureFlowOptions, type CaptureResult } from './capture/capture-flow.ts';
import { CameraController } from './controllers/camera.js';
import { DeliveryController, type Parcel } from './controllers/delivery.ts';
import type { Detector } from './face/detector.ts';
import type { ActionTag } from './face/actions.ts';
import type { Hint } from './face/guidance.ts';
import { OzError, cameraError, forPeople, isOzError } from './errors.js';
import {
  captureCompleteEvent,
  closeEvent,
  errorEvent,
  resultEvent,
  stateEvent,
  uploadProgressEvent,
  type OzCloseReason,
  type OzLivenessEvents,
  type OzState,
} from './events.js';
import { en } from './i18n/en.js';
import { LANGS, RTL_LANGS, loadStrings, loadedStrings, resolveStrings, type Lang, type StringOverrides, type Strings } from './i18n/index.js';
import { styles } from './styles.js';

/** Properties that make up the config; a change to any of them re-validates. */
const CONFIG_KEYS = [
  'architecture',
  'useWasmContainer',
  'apiUseSessionToken',
  'sessionToken',
  'apiUrl',
  'action',
  'lang',
  'resultMode',
  'meta',
  'extractBestShot',
  'deviceId',
  'facingMode',
  'assetsUrl',
  'issuerKey',
  'strings',
] as const;

/** States in which the camera is (or is being) used; the capture and upload stages run inside them too. */
const ACTIVE_STATES: ReadonlySet<OzState> = new Set([
  'starting',
  'preview',
  'positioning',
  'action',
  'recording',
  'packing',
  'uploading',
  'processing',
]);

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
>;

/** An oval fit at or above this counts as a good fit for the oval's colour. */
const GOOD_FIT = 0.6;

/** A camera that gives no frame for this long is as good as busy; the user gets an error instead of a black box. */
const FIRST_FRAME_TIMEOUT_MS = 10_000;

/**
 * The liveness-capture flow as one element: camera preview with an oval guide, hints, and start and error screens.
 *
 * @summary Liveness capture: camera preview, oval guide and hints, start and error screens.
 *
 * @fires {CustomEvent<OzStateDetail>} state - Every state-machine transition; detail `{ state, previous }`.
 * @fires {CustomEvent<OzErrorDetail>} error - A failure with a stable `code`, a `message` in the element's language and optional `details`. Does not bubble: listen on the element.
 * @fires {CustomEvent<OzCaptureCompleteDetail>} capture-complete - The capture is done (architecture `capture`): detail `{ result, container }`, the container a Blob with `use-wasm-container`, else null.
 * @fires {CustomEvent<OzUploadProgressDetail>} upload-progress - Upload progress: `{ loaded, total, attempt }`.
 * @fires {CustomEvent<OzResultDetail>} result - While the API analyses the capture (architecture `normal`): the result so far, filtered by `result-mode`.
 * @fires {CustomEvent<OzResultDetail>} complete - The check finished (architectures `normal` and `lite`): the result filtered by `result-mode`.
 * @fires {CustomEvent<OzCloseDetail>} close - The flow was closed by `close()`, the cancel button, or removal from the page; the camera is off.
 *
 * @slot start - Replaces the title and text of the start screen (the start button stays).
 * @slot done - Replaces the title and text of the screen shown when the flow is done.
 * @slot error - Replaces the title and message of the error screen (the retry and close buttons stay). The code is in the `error` event's detail and in the `error` property while the screen shows.
 *
 * @csspart base - The outer box.
 * @csspart stage - The camera area (video, oval, hint, controls).
 * @csspart video - The camera preview `<video>`.
 * @csspart oval - The face guide; carries `data-fit="none|good|bad"`.
 * @csspart hint - The hint line (an `aria-live` region).
 * @csspart progress - The progress bar (`role="progressbar"`) of actions and upload.
 * @csspart done-screen - The screen shown when the flow is done.
 * @csspart controls - The bar holding the camera picker and the cancel button.
 * @csspart camera-select - The camera picker (shown when there is more than one camera).
 * @csspart cancel-button - Closes the flow.
 * @csspart screen - Every full-size screen (start, error).
 * @csspart start-screen - The screen shown before open().
 * @csspart start-button - Starts the flow.
 * @csspart error-screen - The error screen (`role="alertdialog"`).
 * @csspart error-title - The error screen's heading.
 * @csspart error-message - The error's message.
 * @csspart retry-button - Starts the flow again from the error screen.
 * @csspart close-button - Closes the flow from the error screen.
 *
 * @cssprop --oz-color-background - Background of the screens.
 * @cssprop --oz-color-text - Text colour of the screens.
 * @cssprop --oz-color-text-muted - Secondary text colour.
 * @cssprop --oz-color-accent - Background of the main buttons.
 * @cssprop --oz-color-accent-text - Text colour of the main buttons.
 * @cssprop --oz-color-error - Colour of the error heading.
 * @cssprop --oz-stage-background - Behind the video before the first frame.
 * @cssprop --oz-overlay-color - The dimming outside the oval.
 * @cssprop --oz-oval-color - The oval's outline while no fit is known.
 * @cssprop --oz-oval-good-color - The oval's outline when the face fits.
 * @cssprop --oz-oval-bad-color - The oval's outline when the face does not fit.
 * @cssprop --oz-oval-width - The oval's width, relative to the stage.
 * @cssprop --oz-oval-height - The oval's height, relative to the stage.
 * @cssprop --oz-radius - Corner radius of the box and buttons.
 * @cssprop --oz-font-family - Font of all texts.
 */
export class OzLiveness extends LitElement {
  static override styles = styles;

  /** Which API flow to run: `normal` (stateful API), `lite` (instant API) or `capture` (the host uploads). */
  @property() architecture: Architecture = 'normal';

  /** Pack everything into one encrypted container. */
  @property({ type: Boolean, attribute: 'use-wasm-container' }) useWasmContainer = false;

  /** Who gets the session token: `api` (the element asks the API) or `client` (the host passes `session-token`). */
  @property({ attribute: 'api-use-session-token' }) apiUseSessionToken: SessionTokenSource = 'api';

  /** Session token from the host's backend (with `api-use-session-token="client"`). */
  @property({ attribute: 'session-token' }) sessionToken?: string;

  /** Base URL of the Oz API (or the emulator). */
  @property({ attribute: 'api-url' }) apiUrl?: string;

  /** Comma-separated action media tags, e.g. `video_selfie_blank,video_selfie_smile`. */
  @property() action = 'video_selfie_blank';

  /** Language of texts and messages: `en`, `ru`, `es`, `de`, `fr`, `pt`, `tr` or `ar` (laid out right to left). Reflected, so assistive technology reads the right language. */
  @property({ reflect: true }) override lang: Lang = 'en';

  /** How much of the result the element reports: `safe`, `status` or `folder`. */
  @property({ attribute: 'result-mode' }) resultMode: ResultMode = 'safe';

  /** Folder metadata: a JSON object in the attribute, a plain object in the property. */
  @property({ converter: jsonAttributeConverter }) meta?: Record<string, unknown>;

  /** Also extract the best frame of the capture. */
  @property({ type: Boolean, attribute: 'extract-best-shot' }) extractBestShot = false;

  /** Use exactly this camera (`deviceId` from `devices`); the flow fails with `camera_overconstrained` if it is gone. */
  @property({ attribute: 'device-id' }) deviceId?: string;

  /** Which camera to prefer when no `device-id` is given: `user` (front, mirrored) or `environment` (back). */
  @property({ attribute: 'facing-mode' }) facingMode: FacingMode = 'user';

  /** A folder holding `models/`, `wasm/` and `codec.wasm` (as `dist/assets/`) to load them from; the workers stay in the bundle. */
  @property({ attribute: 'assets-url' }) assetsUrl?: string;

  /**
   * The session tokens' issuer's public key (an EC P-384 JWK from the API's JWKS), pinned: a token it did not sign
   * fails with `session_token_untrusted` before the camera opens and before its `hpke` key is used.
   */
  @property({ attribute: 'issuer-key', converter: jsonAttributeConverter }) issuerKey?: IssuerKey;

  /** Replaces any of the built-in texts, e.g. `{ startButton: 'Go', errors: { camera_busy: '...' } }`. */
  @property({ attribute: false }) strings?: StringOverrides;

  /** Replaces the built-in face detector (the face worker), e.g. with a host's own model. */
  @property({ attribute: false }) detector?: Detector;

  /** Tunes guidance and actions: thresholds, time limits, retries, detection rate. */
  @property({ attribute: false }) captureOptions?: CaptureTuning;

  @state() private _state: OzState = 'idle';
  @state() private _error: OzError | null = null;

  /** The hint line's text; the capture stage sets it for guidance. */
  @state() protected hint = '';

  /** How the face fits the oval; the capture stage sets it, CSS colours the oval from it. */
  @state() protected ovalFit: 'none' | 'good' | 'bad' = 'none';

  /** Progress of the actions (step of count) or of the upload (percent); null hides the bar. */
  @state() private _progress: { now: number; max: number; text: string } | null = null;

  @query('video') private _video!: HTMLVideoElement;

  protected readonly camera = new CameraController(this, {
    strings: () => this.localize,
    onTrackEnded: (error) => this.fail(error),
  });

  protected readonly delivery = new DeliveryController(this, {
    strings: () => this.localize,
    onProgress: ({ loaded, total, attempt }) => {
      const percent = total > 0 ? Math.min(100, Math.round((loaded / total) * 100)) : 0;
      this._progress = { now: percent, max: 100, text: this.localize.progressUpload(percent) };
      this.dispatchEvent(uploadProgressEvent({ loaded, total, attempt }));
    },
    onResult: (result) => {
      this.setState('processing');
      this.hint = this.localize.processing;
      this.dispatchEvent(resultEvent('result', { result }));
    },
  });

  /** The session token of the capture in progress. */
  #token: Parcel['token'] = null;
  /** A capture not yet delivered (upload failed): kept for retryUpload(). */
  #parcel: Parcel | null = null;
  #hintKey: Hint | null = null;
  #action: ActionTag | null = null;
  /** When the host set `session-token`: a client token's lifetime counts from then. */
  #tokenHandedOverAt = Date.now();
  /** The last failure's code and API error code: retryUpload() reseals when the session was used up. */
  #lastCode: string | undefined;
  #lastApiCode: number | undefined;

  /** The run in progress: aborted (with the reason) by close(), a failure, or a camera switch. */
  #run: AbortController | null = null;
  #opening: Promise<void> | null = null;
  #config: OzConfig | null = null;
  /** Request of the open camera, to know whether a device-id / facing-mode change needs a restart. */
  #cameraKey = '';
  /** Where focus goes after the next render; set only when the flow (not the host page) had the user's attention. */
  #pendingFocus: 'retry' | 'cancel' | 'done' | 'start' | null = null;

  /** The current state of the flow. */
  get state(): OzState {
    return this._state;
  }

  /** The error shown on the error screen, if any. */
  get error(): OzError | null {
    return this._error;
  }

  /** Cameras available, listed after the camera was first opened (browsers hide them before permission). */
  get devices(): readonly MediaDeviceInfo[] {
    return this.camera.devices;
  }

  /** The deviceId of the camera in use. */
  get activeDeviceId(): string | undefined {
    return this.camera.settings?.deviceId;
  }

  /** The texts in use: the `lang` table with `strings` on top (English while `lang` is invalid). */
  protected get localize(): Strings {
    return resolveStrings(this.#texts?.table ?? en, this.strings);
  }

  /** The checked configuration; throws OzError('invalid_attribute') when an attribute is invalid. */
  protected get config(): OzConfig {
    return this.#config ?? this.#checkConfig();
  }

  /**
   * Starts the flow: camera permission, camera, live preview. Resolves once the preview shows a frame; rejects with
   * the OzError that also went out as an `error` event (or 'user_cancelled' when closed meanwhile). Shows the
   * element again after hide(). Calling it while the flow runs returns the same promise.
   */
  open(): Promise<void> {
    this.hidden = false;
    if (this.#opening) return this.#opening;
    if (ACTIVE_STATES.has(this._state)) return Promise.resolve();
    if (!this.#langReady()) return this.#openWithTexts();
    let config: OzConfig;
    try {
      config = this.#checkConfig();
    } catch (error) {
      this.fail(error);
      return Promise.reject(error as Error);
    }
    this.#pendingFocus = this.matches(':focus-within') ? 'cancel' : null;
    return this.#startCamera(config);
  }

  /**
   * Sends again the capture whose upload failed, without capturing again. A container whose session the API has
   * already used up is sealed again under a fresh session token (`api-use-session-token="api"`) or under the
   * host's newly set `session-token` (`client`). A container that could not be made is packed again; with the
   * `capture` architecture the capture then goes out in `capture-complete`.
   */
  async retryUpload(): Promise<void> {
    // A `session-token` the host has just set takes effect in the next update.
    await this.updateComplete;
    const parcel = this.#parcel;
    if (!parcel || this._state !== 'error') throw new OzError('upload_failed', 'There is no failed upload to retry.');
    const config = this.config;
    const run = new AbortController();
    this.#run = run;
    this.#parcel = null;
    this._error = null;
    try {
      const stale = this.#lastApiCode === 14 || this.#lastCode === 'session_token_expired';
      // A used-up or expired session needs another token: a fresh one from the API in `api` mode, the host's current
      // one in `client` mode (refused again while the host has not handed over a new one).
      if (stale || !parcel.token) parcel.token = await this.delivery.sessionToken(config, run.signal, this.#tokenHandedOverAt);
      // A container that was never made (packing failed) or was sealed for the old session is packed again: the
      // capture never leaves unencrypted when the host asked for a container.
      if (config.useWasmContainer && (stale || !parcel.container)) {
        this.setState('packing');
        this.hint = this.localize.packing;
        parcel.token = await this.delivery.freshToken(config, parcel.token, run.signal);
        parcel.container = await this.delivery.seal(config, parcel.capture, parcel.token);
        run.signal.throwIfAborted();
      }
      if (config.architecture === 'capture') {
        this.#finish();
        this.dispatchEvent(captureCompleteEvent({ result: parcel.capture, container: parcel.container }));
        return;
      }
      await this.#upload(config, parcel, run.signal);
    } catch (error) {
      if (!run.signal.aborted) this.fail(error, parcel);
      throw this._error ?? error;
    }
  }


  /** Stops everything, releases the camera and fires `close`. Does nothing when already closed. */
  close(): void {
    this.#close('host');
  }

  /** Hides the element while the flow goes on; open() shows it again. */
  hide(): void {
    this.hidden = true;
  }

  /** Switches to another camera (a `deviceId` from `devices`); the preview restarts if it is running. */
  async selectCamera(deviceId: string): Promise<void> {
    this.deviceId = deviceId;
    await this.updateComplete;
    if (this.#opening) await this.#opening;
  }

  /**
   * Called once the preview shows a live frame. This is where the capture flow (positioning, actions, recording)
   * begins; the shell shows the positioning hint.
   */
  protected onPreviewReady(): void {
    this.hint = this.localize.hintPreview;
    const run = this.#run;
    if (!run) return;
    this.#capture(this.config, run.signal).catch((error: unknown) => {
      if (!run.signal.aborted) this.fail(error, this.#parcel ?? undefined);
    });
  }

  /** Positioning, actions and recording, then delivery by architecture. */
  async #capture(config: OzConfig, signal: AbortSignal): Promise<void> {
    const stream = this.camera.stream;
    if (!stream) throw new OzError('camera_track_ended', this.localize.errors.camera_track_ended);
    const actions = config.actions as ActionTag[];
    const flow = new CaptureFlow({
      ...this.captureOptions,
      stream,
      video: this._video,
      actions,
      detector: this.detector,
      assetsUrl: config.assetsUrl,
      extractBestShot: config.extractBestShot,
      onState: (state) => {
        if (state === 'positioning') this.setState('positioning');
        else if (state === 'instruct') this.setState('action');
        else if (state === 'recording') this.setState('recording');
      },
      onHint: (hint) => {
        this.#hintKey = hint;
        this.#renderHint();
      },
      onOvalFit: (fit) => {
        this.ovalFit = fit >= GOOD_FIT ? 'good' : 'bad';
      },
      onActionStarted: (action, index) => {
        this.#action = action;
        this._progress = { now: index + 1, max: actions.length, text: this.localize.progressStep(index + 1, actions.length) };
        this.#renderHint();
      },
    });
    const onAbort = () => flow.cancel();
    signal.addEventListener('abort', onAbort, { once: true });
    let capture: CaptureResult;
    try {
      capture = await flow.run();
    } finally {
      signal.removeEventListener('abort', onAbort);
      this.#action = null;
    }
    // The flow has stopped the tracks; the controller forgets them so nothing else holds the camera.
    this.camera.stop();
    this.ovalFit = 'none';
    // The actions' step bar has nothing more to say once they are over.
    this._progress = null;
    const parcel: Parcel = { capture, container: null, token: this.#token };
    this.#parcel = parcel;
    if (config.useWasmContainer) {
      this.setState('packing');
      this.hint = this.localize.packing;
      parcel.token = await this.delivery.freshToken(config, parcel.token!, signal);
      parcel.container = await this.delivery.seal(config, capture, parcel.token);
      signal.throwIfAborted();
    }
    if (config.architecture === 'capture') {
      this.#parcel = null;
      this.#finish();
      this.dispatchEvent(captureCompleteEvent({ result: capture, container: parcel.container }));
      return;
    }
    await this.#upload(config, parcel, signal);
  }

  async #upload(config: OzConfig, parcel: Parcel, signal: AbortSignal): Promise<void> {
    this.#parcel = parcel;
    this.setState('uploading');
    this.hint = this.localize.uploading;
    this._progress = { now: 0, max: 100, text: this.localize.progressUpload(0) };
    if (parcel.token && !parcel.container) parcel.token = await this.delivery.freshToken(config, parcel.token, signal);
    const folder = await this.delivery.upload(config, parcel, signal);
    signal.throwIfAborted();
    this.#parcel = null;
    const result: CheckResult = filterResult(folder, config.resultMode);
    this.#finish();
    this.dispatchEvent(resultEvent('complete', { result }));
  }

  #finish(): void {
    this._progress = null;
    this.hint = '';
    this.#run = null;
    this.setState('done');
  }

  #renderHint(): void {
    const text = this.localize;
    const key = this.#hintKey;
    const problem = key !== null && key !== 'ok' && key !== 'hold_still';
    if (this.#action && !problem) this.hint = text.actions[this.#action];
    else if (key) this.hint = text.hints[key];
  }

  /** Moves the flow to `next` and fires `state`. */
  protected setState(next: OzState): void {
    const previous = this._state;
    if (previous === next) return;
    // An error that interrupts the flow takes focus (alertdialog); one found at page load does not steal it.
    if (next === 'error' && (ACTIVE_STATES.has(previous) || this.matches(':focus-within'))) this.#pendingFocus = 'retry';
    // Done or cancelled while the user was in the flow: the stage turns inert, so focus goes to the screen that takes
    // its place instead of falling back to the page.
    else if ((next === 'done' || next === 'closed') && this.matches(':focus-within')) this.#pendingFocus = next === 'done' ? 'done' : 'start';
    this._state = next;
    this.dispatchEvent(stateEvent({ state: next, previous }));
  }

  /**
   * Ends the run with an error: camera off, error screen, `error` event. Anything thrown that is not an OzError is
   * a defect; it goes out under the catch-all code `error_wasm_internal_failure_1000` so the user still gets a way out.
   */
  protected fail(reason: unknown, undelivered?: Parcel): void {
    const error = isOzError(reason)
      ? forPeople(reason, this.localize)
      : new OzError('error_wasm_internal_failure_1000', this.localize.errors.error_wasm_internal_failure_1000, {
          cause: String(reason),
        });
    this.#stopRun(error);
    this._error = error;
    this._progress = null;
    this.#parcel = undelivered ?? null;
    this.#lastCode = error.code;
    this.#lastApiCode = (error.details as { error_code?: number } | undefined)?.error_code;
    this.setState('error');
    this.dispatchEvent(errorEvent(error, undelivered ? { capture: undelivered.capture, container: undelivered.container } : undefined));
  }

  override disconnectedCallback(): void {
    // Leaving the page ends the flow; the camera controller releases the tracks in hostDisconnected.
    if (ACTIVE_STATES.has(this._state)) this.#close('host');
    super.disconnectedCallback();
  }

  // Config is checked before rendering so that texts follow `lang` and a bad value shows in the same update.
  protected override willUpdate(changed: PropertyValues): void {
    if (changed.has('sessionToken')) this.#tokenHandedOverAt = Date.now();
    if (CONFIG_KEYS.some((key) => changed.has(key))) this.#configChanged = true;
    // Messages are written in `lang`: the check waits for its table (fetched once per language, in a few ms).
    if (this.#configChanged && this.#langReady()) {
      this.#configChanged = false;
      this.#onConfigChanged();
    }
  }

  protected override updated(changed: PropertyValues): void {
    if (changed.has('_state')) this.#moveFocus();
  }

  protected override render() {
    // Until the first table is in, an empty frame: no text in a language the page did not ask for.
    if (!this.#texts) return html`<div part="base" class="base" aria-busy="true"></div>`;
    const text = this.localize;
    const state = this._state;
    const onStart = state === 'idle' || state === 'closed';
    const onError = state === 'error';
    const onDone = state === 'done';
    const live = !onStart && !onError && !onDone;
    return html`
      <div part="base" class="base" dir=${RTL_LANGS.has(this.#texts.lang) ? 'rtl' : 'ltr'}>
        <div part="stage" class="stage" ?inert=${!live}>
          <video
            part="video"
            class=${this.#mirrored() ? 'mirrored' : ''}
            aria-label=${text.videoLabel}
            .muted=${true}
            muted
            playsinline
            autoplay
          ></video>
          <div part="oval" class="oval" data-fit=${this.ovalFit}></div>
          <p part="hint" class="hint" role="status" aria-live="polite">${live ? this.#renderHintText() : ''}</p>
          ${live && this._progress ? this.#renderProgress(this._progress) : nothing}
          <div part="controls" class="controls">
            ${this.camera.devices.length > 1 ? this.#renderCameraSelect(text) : nothing}
            <button part="cancel-button" type="button" @click=${this.#onCancel}>${text.cancelButton}</button>
          </div>
        </div>
        ${onStart ? this.#renderStart(text) : nothing} ${onError ? this.#renderError(text) : nothing}
        ${onDone ? this.#renderDone(text) : nothing}
      </div>
    `;
  }

  #renderStart(text: Strings) {
    return html`
      <section part="screen start-screen" class="screen start-screen" aria-labelledby="start-title">
        <slot name="start">
          <h2 id="start-title">${text.startTitle}</h2>
          <p>${text.startBody}</p>
        </slot>
        <div class="actions">
          <button part="start-button" type="button" @click=${this.#onStart}>${text.startButton}</button>
        </div>
      </section>
    `;
  }

  /**
   * The hint as shown, and during an action as spoken: a screen reader also hears which step it is, which a sighted
   * user reads from the progress bar.
   */
  #renderHintText() {
    if (!this.#action || !this._progress || !this.hint) return this.hint;
    return html`<span aria-hidden="true">${this.hint}</span><span class="visually-hidden">${this._progress.text}: ${this.hint}</span>`;
  }

  #renderProgress(progress: { now: number; max: number; text: string }) {
    return html`<div
      part="progress"
      class="progress"
      role="progressbar"
      aria-label=${progress.text}
      aria-valuemin="0"
      aria-valuemax=${progress.max}
      aria-valuenow=${progress.now}
      aria-valuetext=${progress.text}
    >
      <div class="progress-value" ${cssomStyle({ transform: `scaleX(${progress.now / progress.max})` })}></div>
    </div>`;
  }

  #renderDone(text: Strings) {
    return html`
      <section part="screen done-screen" class="screen done-screen" aria-labelledby="done-title" tabindex="-1">
        <slot name="done">
          <h2 id="done-title">${text.doneTitle}</h2>
          <p>${text.doneBody}</p>
        </slot>
      </section>
    `;
  }

  #renderError(text: Strings) {
    return html`
      <div
        part="screen error-screen"
        class="screen error-screen"
        role="alertdialog"
        aria-labelledby="error-title"
        aria-describedby="error-message"
      >
        <slot name="error">
          <h2 id="error-title" part="error-title">${text.errorTitle}</h2>
          <p id="error-message" part="error-message">${this._error?.message ?? ''}</p>
        </slot>
        <div class="actions">
          <button part="retry-button" type="button" @click=${this.#onStart}>${text.retryButton}</button>
          <button part="close-button" class="secondary" type="button" @click=${this.#onCancel}>
            ${text.cancelButton}
          </button>
        </div>
      </div>
    `;
  }

  #renderCameraSelect(text: Strings) {
    const active = this.activeDeviceId;
    return html`
      <label class="camera-select">
        ${text.cameraSelectLabel}
        <select part="camera-select" @change=${this.#onCameraSelect}>
          ${this.camera.devices.map(
            (device, index) =>
              html`<option value=${device.deviceId} ?selected=${device.deviceId === active}>
                ${device.label || `${text.cameraSelectLabel} ${index + 1}`}
              </option>`,
          )}
        </select>
      </label>
    `;
  }

  #onStart = () => {
    // The outcome is on screen and in the events; the promise is for programmatic callers.
    this.open().catch(() => undefined);
  };

  #onCancel = () => this.#close('user_cancelled');

  #onCameraSelect = (event: Event) => {
    this.selectCamera((event.target as HTMLSelectElement).value).catch(() => undefined);
  };

  #startCamera(config: OzConfig): Promise<void> {
    this.#stopRun(new OzError('user_cancelled', this.localize.errors.user_cancelled));
    const run = new AbortController();
    this.#run = run;
    const opening = this.#runCamera(config, run.signal).finally(() => {
      if (this.#opening === opening) this.#opening = null;
    });
    this.#opening = opening;
    return opening;
  }

  async #runCamera(config: OzConfig, signal: AbortSignal): Promise<void> {
    this._error = null;
    this.ovalFit = 'none';
    this.hint = this.localize.hintStarting;
    this.setState('starting');
    const request = { deviceId: config.deviceId, facingMode: config.facingMode };
    this.#cameraKey = JSON.stringify(request);
    try {
      // The preview must exist before the camera turns on: an element opened before it is in the page waits here,
      // with the camera still off, until it is connected.
      await this.updateComplete;
      signal.throwIfAborted();
      // The session token comes first: a missing, expired or unobtainable one fails before the camera turns on.
      this.#token = DeliveryController.needsToken(config)
        ? await untilAborted(this.delivery.sessionToken(config, signal, this.#tokenHandedOverAt), signal)
        : null;
      // close() must not wait for a permission prompt to be answered; the controller releases a late stream itself.
      const stream = await untilAborted(this.camera.start(request), signal);
      const video = this._video;
      video.srcObject = stream;
      await firstFrame(video, signal);
      signal.throwIfAborted();
      this.setState('preview');
      this.onPreviewReady();
    } catch (error) {
      // Closed or failed elsewhere while starting: that path already set the state and told the host.
      if (signal.aborted) throw signal.reason;
      this.fail(isOzError(error) ? error : cameraError(error, this.localize));
      throw this._error;
    }
  }

  #close(reason: OzCloseReason): void {
    if (this._state === 'closed') return;
    this.#stopRun(new OzError('user_cancelled', this.localize.errors.user_cancelled));
    this._error = null;
    this.setState('closed');
    this.dispatchEvent(closeEvent({ reason }));
  }

  /** Aborts the run in progress with `reason` and turns the camera off. */
  #stopRun(reason: OzError): void {
    this.#run?.abort(reason);
    this.#run = null;
    this.camera.stop();
    if (this._video) this._video.srcObject = null;
  }

  #checkConfig(): OzConfig {
    this.#config = null;
    const config = resolveConfig(this, document.baseURI, (lang) => resolveStrings(loadedStrings(lang) ?? en, this.strings));
    this.#config = config;
    return config;
  }

  #onConfigChanged(): void {
    let config: OzConfig;
    try {
      config = this.#checkConfig();
    } catch (error) {
      this.fail(error);
      return;
    }
    if (this._state === 'error' && this._error?.code === 'invalid_attribute') {
      this._error = null;
      this.setState('idle');
      return;
    }
    const key = JSON.stringify({ deviceId: config.deviceId, facingMode: config.facingMode });
    if ((this._state === 'preview' || this._state === 'positioning') && key !== this.#cameraKey) this.#startCamera(config).catch(() => undefined);
  }

  /** The table on screen and its language; a `lang` whose table is loading keeps the one before (none at first). */
  #texts: { lang: Lang; table: Strings } | null = null;
  #tableLoad: Promise<void> | null = null;
  /** A config change not yet checked: it waits for the table of `lang`. */
  #configChanged = false;

  /**
   * Whether the table of `lang` (English for a `lang` that is not valid) is here, and then on screen; if not, loads
   * it and updates again once it is.
   */
  #langReady(): boolean {
    const lang: Lang = (LANGS as readonly string[]).includes(this.lang) ? this.lang : 'en';
    const table = loadedStrings(lang);
    if (table) {
      this.#texts = { lang, table };
      return true;
    }
    this.#tableLoad ??= loadStrings(lang).then(() => {
      this.#tableLoad = null;
      this.requestUpdate();
    });
    return false;
  }

  /** open() for a `lang` whose table is loading: opens once it is in, unless closed meanwhile. */
  #openWithTexts(): Promise<void> {
    const waiting = new AbortController();
    // close() aborts the run in progress; this one stands for the run about to start.
    this.#run = waiting;
    const opening = this.updateComplete.then(() => {
      if (this.#opening === opening) this.#opening = null;
      if (waiting.signal.aborted) throw new OzError('user_cancelled', this.localize.errors.user_cancelled);
      return this.open();
    });
    this.#opening = opening;
    return opening;
  }

  /** Also waits for the table of `lang` when it is loading, and for the update that puts it on screen. */
  protected override async getUpdateComplete(): Promise<boolean> {
    let complete = await super.getUpdateComplete();
    while (this.#tableLoad) {
      await this.#tableLoad;
      complete = await super.getUpdateComplete();
    }
    return complete;
  }

  #mirrored(): boolean {
    const facing = this.camera.settings?.facingMode;
    if (facing === 'environment') return false;
    if (facing === 'user') return true;
    return this.#config?.facingMode !== 'environment';
  }

  #moveFocus(): void {
    const target =
      this._state === 'error' && this.#pendingFocus === 'retry'
        ? 'retry-button'
        : (this._state === 'preview' || this._state === 'positioning') && this.#pendingFocus === 'cancel'
          ? 'cancel-button'
          : this._state === 'done' && this.#pendingFocus === 'done'
            ? 'done-screen'
            : this._state === 'closed' && this.#pendingFocus === 'start'
              ? 'start-button'
              : null;
    if (!target) return;
    this.#pendingFocus = null;
    this.renderRoot.querySelector<HTMLElement>(`[part~="${target}"]`)?.focus();
  }
}

/** `promise`, or the abort reason as soon as `signal` aborts. */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
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
function firstFrame(video: HTMLVideoElement, signal: AbortSignal): Promise<void> {
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

/** Typed listeners for the element's own events, so `detail` is typed without casts. */
export interface OzLiveness {
  addEventListener<K extends keyof OzLivenessEvents>(
    type: K,
    listener: (this: OzLiveness, event: OzLivenessEvents[K]) => unknown,
    options?: boolean | AddEventListenerOptions,
  ): void;
  addEventListener(type: string, listener: EventListenerOrEventListenerObject, options?: boolean | AddEventListenerOptions): void;
  removeEventListener<K extends keyof OzLivenessEvents>(
    type: K,
    listener: (this: OzLiveness, event: OzLivenessEvents[K]) => unknown,
    options?: boolean | EventListenerOptions,
  ): void;
  removeEventListener(type: string, listener: EventListenerOrEventListenerObject, options?: boolean | EventListenerOptions): void;
}
