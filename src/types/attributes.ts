/**
 * The element's markup surface for framework typings: attribute names with the values each accepts, the properties
 * that only exist as properties, and the event handler names each framework derives from the event names.
 */
import type { Architecture, CaptureMedia, FacingMode, ResultMode, SessionTokenSource } from '../config.ts';
import type { OzLivenessEvents } from '../events.ts';
import type { Lang } from '../i18n/index.ts';
import type { OzLiveness } from '../oz-liveness.ts';

/** The attributes as markup writes them (dash-case), typed by the values the element accepts. */
export interface OzLivenessAttributes {
  architecture?: Architecture;
  'use-wasm-container'?: boolean;
  'api-use-session-token'?: SessionTokenSource;
  'session-token'?: string;
  'api-url'?: string;
  /** Comma-separated action tags, e.g. `video_selfie_blank,video_selfie_smile`. */
  action?: string;
  lang?: Lang;
  'result-mode'?: ResultMode;
  'extract-best-shot'?: boolean;
  'device-id'?: string;
  'facing-mode'?: FacingMode;
  'capture-media'?: CaptureMedia;
  'assets-url'?: string;
}

/**
 * Objects and functions, set as properties: React 19, Vue and Angular set a name the element has as a property.
 * `meta` is here as an object; markup may also write it as a JSON attribute.
 */
export type OzLivenessObjectProperties = Partial<Pick<OzLiveness, 'meta' | 'strings' | 'detector' | 'captureOptions'>>;

/** `capture-complete` → `CaptureComplete`. */
export type PascalCase<S extends string> = S extends `${infer Head}-${infer Tail}` ? `${Capitalize<Head>}${PascalCase<Tail>}` : Capitalize<S>;

/**
 * React 19 adds a listener for a custom element's `on<event>` prop under the exact name after `on`:
 * `oncapture-complete`, `onstate`, `onerror`, ...
 */
export type OzLivenessLowercaseHandlers = {
  [K in keyof OzLivenessEvents as `on${K}`]?: (event: OzLivenessEvents[K]) => void;
};

/** Vue compiles `@capture-complete` to the prop `onCaptureComplete` and listens to `capture-complete`. */
export type OzLivenessCamelHandlers = {
  [K in keyof OzLivenessEvents as `on${PascalCase<K>}`]?: (event: OzLivenessEvents[K]) => void;
};
