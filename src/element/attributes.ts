import { LitElement } from 'lit';
import { property } from 'lit/decorators.js';
import { jsonAttributeConverter, type Architecture, type CaptureMedia, type FacingMode, type Layout, type ResultMode, type SessionTokenSource } from '../config.ts';
import type { IssuerKey } from '../api/session-token.ts';
import type { Detector } from '../face/detector.ts';
import type { Lang, StringOverrides } from '../i18n/index.ts';
import type { CaptureTuning } from '../session/session.ts';

/**
 * The element's attributes and properties, the host's side of it: what to check and how. The element
 * (`src/oz-liveness.ts`) validates them into a config each time one changes.
 */
export class OzLivenessAttributes extends LitElement {
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

  /**
   * What records each action: `auto` (default) the browser's video recorder, with a frame sequence (JPEG frames with
   * their face boxes) standing in when the recorder is missing or fails; `frames` a frame sequence only.
   */
  @property({ attribute: 'capture-media' }) captureMedia: CaptureMedia = 'auto';

  /** A folder holding `models/`, `wasm/`, `face.wasm`, `face-relaxed.wasm` and `codec.wasm` (as `dist/assets/`) to load them from; the workers stay in the bundle. */
  @property({ attribute: 'assets-url' }) assetsUrl?: string;

  /**
   * The session tokens' issuer's public key (an EC P-384 JWK from the API's JWKS), pinned: a token it did not sign
   * fails with `session_token_untrusted` before the camera opens and before its `hpke` key is used.
   */
  @property({ attribute: 'issuer-key', converter: jsonAttributeConverter }) issuerKey?: IssuerKey;

  /**
   * How the element takes its place: `inline` (a box in the page: 4:3, or 3:4 in a portrait viewport) or `fullscreen`
   * (fills the viewport, `100dvh`, keeping controls out of the safe-area insets). Reflected: the styles follow it.
   */
  @property({ reflect: true }) layout: Layout = 'inline';

  /** Lets a phone held sideways run the check; without it the element asks to turn the phone upright meanwhile. */
  @property({ type: Boolean, attribute: 'allow-landscape' }) allowLandscape = false;

  /** Replaces any of the built-in texts, e.g. `{ startButton: 'Go', errors: { camera_busy: '...' } }`. */
  @property({ attribute: false }) strings?: StringOverrides;

  /** Replaces the built-in face detector (the face worker), e.g. with a host's own model. */
  @property({ attribute: false }) detector?: Detector;

  /** Tunes guidance and actions: thresholds, time limits, retries, detection rate. */
  @property({ attribute: false }) captureOptions?: CaptureTuning;
}
