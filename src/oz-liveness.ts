import { html, type PropertyValues } from 'lit';
import { query, state } from 'lit/decorators.js';
import { OzLivenessAttributes } from './element/attributes.ts';
import { ACTIVE_STATES, CONFIG_KEYS, FocusKeeper } from './element/states.ts';
import { StageView, isMirrored, type OvalFit } from './element/stage.ts';
import { LayoutController } from './element/layout.ts';
import { forwardOutcomes } from './element/outcomes.ts';
import { TextTables } from './element/texts.ts';
import { checkView } from './element/screens.ts';
import { resolveConfig, type OzConfig } from './config.js';
import { OzError } from './errors.js';
import { closeEvent, errorEvent, stateEvent, type OzCloseReason, type OzLivenessEvents, type OzState } from './events.js';
import { en } from './i18n/en.js';
import { RTL_LANGS, loadedStrings, resolveStrings, type Strings } from './i18n/index.js';
import type { Parcel } from './session/delivery.ts';
import { LivenessSession, type SessionEventMap } from './session/session.ts';
import { styles } from './styles.js';

export type { CaptureTuning } from './session/session.ts';

/**
 * The liveness check's view: camera preview with an oval guide, hints, and start, error and done screens. The check
 * itself (token, camera, capture, packing, delivery) is a LivenessSession (`src/session/`); the element turns its
 * attributes into the session's config, its events into screens and DOM events, and keeps focus and texts.
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
 * @csspart video - The camera preview `<video>`, scaled to cover the stage (cropped, not letterboxed).
 * @csspart oval - The face guide; carries `data-fit="none|good|bad"`.
 * @csspart hint - The hint line (an `aria-live` region).
 * @csspart progress - The progress bar (`role="progressbar"`) of actions and upload.
 * @csspart done-screen - The screen shown when the flow is done.
 * @csspart controls - The bar holding the camera picker and the cancel button.
 * @csspart camera-select - The camera picker (shown when there is more than one camera).
 * @csspart cancel-button - Closes the flow.
 * @csspart screen - Every full-size screen (start, error, done, rotate).
 * @csspart rotate-screen - Asks to turn the phone upright while it is held sideways (unless `allow-landscape`); the check goes on under it.
 * @csspart rotate-cancel-button - Closes the flow from the rotate screen (shown while a check runs).
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
 * @cssprop --oz-oval-width - The oval's width, relative to the stage: `44%` in the 4:3 box, `min(72cqw, 45cqh)` on a portrait or full-screen stage. The guidance judges the oval as drawn.
 * @cssprop --oz-oval-height - The oval's height, relative to the stage: `76%` in the 4:3 box, `min(96cqw, 60cqh)` on a portrait or full-screen stage.
 * @cssprop --oz-radius - Corner radius of the box and buttons.
 * @cssprop --oz-font-family - Font of all texts.
 */
export class OzLiveness extends OzLivenessAttributes {
  static override styles = styles;

  @state() private _state: OzState = 'idle';
  @state() private _error: OzError | null = null;

  @query('video') private _video!: HTMLVideoElement;

  /** The check this element shows. */
  protected readonly session = new LivenessSession({
    strings: () => this.localize,
    preview: async () => {
      // The preview must exist before the camera turns on: an element opened before it is in the page waits here,
      // with the camera still off, until it is connected.
      await this.updateComplete;
      return this._video;
    },
    detector: () => this.detector,
    // The oval the guidance judges is the one on screen, unless the host set its own.
    tuning: () => ({ oval: this.#layout.oval, ...this.captureOptions }),
  });

  /** Hint, oval and progress bar, kept from the session's events (registered first, so drawn before `state` fires). */
  readonly #stage = new StageView(this.session, () => this.localize, () => this.requestUpdate());
  /** When the host set `session-token`: a client token's lifetime counts from then. */
  #tokenHandedOverAt = Date.now();

  /** open() waiting for the table of `lang`: aborted by close(). */
  #waiting: AbortController | null = null;
  #opening: Promise<void> | null = null;
  #config: OzConfig | null = null;
  readonly #focus = new FocusKeeper(this);
  /** Phone turned sideways, and the oval on screen in the camera's frame for the guidance. */
  readonly #layout = new LayoutController(this);

  constructor() {
    super();
    this.#listen('state', ({ detail: { state } }) => {
      if (state === 'starting') this._error = null;
      this.setState(state);
      if (state === 'preview') this.onPreviewReady();
    });
    forwardOutcomes(this.session, this);
    this.#listen('error', ({ detail: { error, undelivered } }) => {
      this.#waiting?.abort(error);
      this.#waiting = null;
      this._error = error;
      this.setState('error');
      this.dispatchEvent(errorEvent(error, undelivered ? { capture: undelivered.capture, container: undelivered.container } : undefined));
    });
    this.#listen('camera', () => this.requestUpdate());
  }

  #listen<K extends keyof SessionEventMap>(type: K, listener: (event: SessionEventMap[K]) => void): void {
    this.session.addEventListener(type, listener);
  }

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
    return this.session.camera.devices;
  }

  /** The deviceId of the camera in use. */
  get activeDeviceId(): string | undefined {
    return this.session.camera.settings?.deviceId;
  }

  /** The texts in use: the `lang` table with `strings` on top (English while `lang` is invalid). */
  protected get localize(): Strings {
    return resolveStrings(this.#texts.current?.table ?? en, this.strings);
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
    if (!this.#texts.ready(this.lang)) return this.#openWithTexts();
    let config: OzConfig;
    try {
      config = this.#checkConfig();
    } catch (error) {
      this.fail(error);
      return Promise.reject(error as Error);
    }
    this.#focus.opened();
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
    if (!this.session.undelivered || this._state !== 'error') throw new OzError('upload_failed', 'There is no failed upload to retry.');
    const config = this.config;
    this._error = null;
    await this.session.retryUpload(config, this.#tokenHandedOverAt);
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

  /** The hint line's text; the session's guidance sets it during positioning and the actions. */
  protected get hint(): string {
    return this.#stage.hint;
  }

  protected set hint(text: string) {
    this.#stage.hint = text;
    this.requestUpdate();
  }

  /** How the face fits the oval; CSS colours the oval from it. */
  protected get ovalFit(): OvalFit {
    return this.#stage.ovalFit;
  }

  /** Called once the preview shows a live frame; the session goes on with positioning, the view shows its hint. */
  protected onPreviewReady(): void {
    this.hint = this.localize.hintPreview;
  }

  /** Moves the flow to `next` and fires `state`. */
  protected setState(next: OzState): void {
    const previous = this._state;
    if (previous === next) return;
    this.#focus.transition(previous, next);
    this._state = next;
    this.dispatchEvent(stateEvent({ state: next, previous }));
  }

  /**
   * Ends the run with an error: camera off, error screen, `error` event. Anything thrown that is not an OzError is
   * a defect; it goes out under the catch-all code `error_wasm_internal_failure_1000` so the user still gets a way out.
   */
  protected fail(reason: unknown, undelivered?: Parcel): void {
    this.session.fail(reason, undelivered ?? null);
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.session.connect();
  }

  override disconnectedCallback(): void {
    // Leaving the page ends the flow and releases the camera and the container worker.
    if (ACTIVE_STATES.has(this._state)) this.#close('host');
    this.session.disconnect();
    super.disconnectedCallback();
  }

  // Config is checked before rendering so that texts follow `lang` and a bad value shows in the same update.
  protected override willUpdate(changed: PropertyValues): void {
    if (changed.has('sessionToken')) this.#tokenHandedOverAt = Date.now();
    if (CONFIG_KEYS.some((key) => changed.has(key))) this.#configChanged = true;
    // Messages are written in `lang`: the check waits for its table (fetched once per language, in a few ms).
    if (this.#configChanged && this.#texts.ready(this.lang)) {
      this.#configChanged = false;
      this.#onConfigChanged();
    }
  }

  protected override updated(changed: PropertyValues): void {
    if (changed.has('_state')) this.#focus.move(this._state);
  }

  protected override render() {
    // Until the first table is in, an empty frame: no text in a language the page did not ask for.
    const texts = this.#texts.current;
    if (!texts) return html`<div part="base" class="base" aria-busy="true"></div>`;
    return checkView({
      text: this.localize,
      rtl: RTL_LANGS.has(texts.lang),
      state: this._state,
      mirrored: isMirrored(this.session.camera.settings?.facingMode, this.#config?.facingMode),
      stage: this.#stage,
      devices: this.session.camera.devices,
      activeDeviceId: this.activeDeviceId,
      errorMessage: this._error?.message ?? '',
      sideways: this.#layout.sideways && !this.allowLandscape,
      onStart: this.#onStart,
      onCancel: this.#onCancel,
      onCameraSelect: this.#onCameraSelect,
    });
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
    this.#stopRun();
    const opening = this.session.open(config, { handedOverAt: this.#tokenHandedOverAt }).finally(() => {
      if (this.#opening === opening) this.#opening = null;
    });
    this.#opening = opening;
    return opening;
  }

  #close(reason: OzCloseReason): void {
    if (this._state === 'closed') return;
    this.#stopRun();
    this._error = null;
    this.setState('closed');
    this.dispatchEvent(closeEvent({ reason }));
  }

  /** Cancels the run in progress (or an open() waiting for its texts) and turns the camera off. */
  #stopRun(): void {
    const reason = new OzError('user_cancelled', this.localize.errors.user_cancelled);
    this.#waiting?.abort(reason);
    this.#waiting = null;
    this.session.stop(reason);
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
    if ((this._state === 'preview' || this._state === 'positioning') && key !== this.session.cameraKey) this.#startCamera(config).catch(() => undefined);
  }

  #texts = new TextTables(() => this.requestUpdate());
  /** A config change not yet checked: it waits for the table of `lang`. */
  #configChanged = false;

  /** open() for a `lang` whose table is loading: opens once it is in, unless closed meanwhile. */
  #openWithTexts(): Promise<void> {
    const waiting = new AbortController();
    this.#waiting = waiting;
    const opening = this.updateComplete.then(() => {
      if (this.#opening === opening) this.#opening = null;
      if (this.#waiting === waiting) this.#waiting = null;
      if (waiting.signal.aborted) throw new OzError('user_cancelled', this.localize.errors.user_cancelled);
      return this.open();
    });
    this.#opening = opening;
    return opening;
  }

  /** Also waits for the table of `lang` when it is loading, and for the update that puts it on screen. */
  protected override getUpdateComplete(): Promise<boolean> {
    return this.#texts.settled(() => super.getUpdateComplete());
  }
}

/** Typed listeners for the element's own events, so `detail` is typed without casts. */
export interface OzLiveness {
  addEventListener<K extends keyof OzLivenessEvents>(type: K, listener: (this: OzLiveness, event: OzLivenessEvents[K]) => unknown, options?: boolean | AddEventListenerOptions): void;
  addEventListener(type: string, listener: EventListenerOrEventListenerObject, options?: boolean | AddEventListenerOptions): void;
  removeEventListener<K extends keyof OzLivenessEvents>(type: K, listener: (this: OzLiveness, event: OzLivenessEvents[K]) => unknown, options?: boolean | EventListenerOptions): void;
  removeEventListener(type: string, listener: EventListenerOrEventListenerObject, options?: boolean | EventListenerOptions): void;
}
