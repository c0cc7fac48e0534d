// The vendor's classic `OzLiveness` object on top of the element, for pages written against it:
// OzLiveness.open(options) / close() / hide(), snake_case options and on_* callbacks.
import type { CaptureResult } from './capture/capture-flow.ts';
import { parseSessionToken, type IssuerKey } from './api/session-token.ts';
import type { CheckResult } from './api/types.ts';
import './define.ts';
import type { OzErrorDetail } from './events.ts';
import type { OzLiveness as OzLivenessElement } from './oz-liveness.ts';

/** What the vendor's `on_error` receives. */
export interface OzLivenessErrorInfo {
  code: string;
  message: string;
  /** The session the failure belongs to, when one was open. */
  event_session_id: string | null;
  context: unknown;
}

/** The vendor's `OzLiveness.open(options)` options; `params` and the attributes use the vendor's names. */
export interface OzLivenessOpenOptions {
  session_token?: string;
  lang?: string;
  meta?: Record<string, unknown>;
  action?: string[];
  params?: { extract_best_shot?: boolean };
  architecture?: 'normal' | 'lite' | 'capture';
  api_url?: string;
  use_wasm_container?: boolean;
  api_use_session_token?: 'api' | 'client';
  result_mode?: 'safe' | 'status' | 'folder';
  device_id?: string;
  /** `auto` (the recorder, frames where it fails) or `frames` (`capture-media`). */
  capture_media?: 'auto' | 'frames';
  assets_url?: string;
  /** The session tokens' issuer's public JWK: tokens it did not sign are refused (`issuer-key`). */
  issuer_key?: IssuerKey;
  /** Where the element is placed; by default a full-window overlay on document.body. */
  container?: HTMLElement;
  /**
   * The element's `layout`: `fullscreen` (the default without `container`: the overlay fills the viewport, `100dvh`
   * and the safe-area insets) or `inline` (a box: in `container`, or centred in the overlay).
   */
  layout?: 'inline' | 'fullscreen';
  /** Lets a phone held sideways run the check (`allow-landscape`); otherwise it is asked to turn upright. */
  allow_landscape?: boolean;
  on_complete?: (result: CheckResult) => void;
  on_result?: (result: CheckResult) => void;
  on_error?: (error: OzLivenessErrorInfo) => void;
  on_capture_complete?: (result: CaptureResult, container: Blob | null) => void;
  on_close?: () => void;
}

let current: { el: OzLivenessElement; host: HTMLElement; options: OzLivenessOpenOptions } | null = null;

function attributes(options: OzLivenessOpenOptions): Record<string, string | boolean | undefined> {
  return {
    architecture: options.architecture,
    'api-url': options.api_url,
    'use-wasm-container': options.use_wasm_container,
    'api-use-session-token': options.api_use_session_token ?? (options.session_token ? 'client' : undefined),
    'result-mode': options.result_mode,
    lang: options.lang,
    action: options.action?.join(','),
    'extract-best-shot': options.params?.extract_best_shot,
    'device-id': options.device_id,
    'capture-media': options.capture_media,
    'assets-url': options.assets_url,
    layout: options.layout ?? (options.container ? undefined : 'fullscreen'),
    'allow-landscape': options.allow_landscape,
  };
}

function sessionId(el: OzLivenessElement): string | null {
  if (!el.sessionToken) return null;
  try {
    return parseSessionToken(el.sessionToken).sessionId;
  } catch {
    return null;
  }
}

/** Removes the element and its overlay; the element's own disconnect turns the camera off. */
function teardown(): void {
  if (!current) return;
  const { el, host, options } = current;
  current = null;
  el.remove();
  // The overlay is ours to remove; a host's container stays in its page, ready for the next open().
  if (!options.container) host.remove();
}

export const OzLiveness = {
  /**
   * Opens the liveness check: creates `<oz-liveness>` (in `options.container`, or a full-window overlay), sets it up
   * from the options and starts it. A check already open is closed first. Resolves once the camera shows; failures
   * reach `on_error`.
   */
  async open(options: OzLivenessOpenOptions = {}): Promise<void> {
    if (current) OzLiveness.close();
    const el = document.createElement('oz-liveness');
    for (const [name, value] of Object.entries(attributes(options))) {
      if (value === true) el.setAttribute(name, '');
      else if (typeof value === 'string') el.setAttribute(name, value);
    }
    if (options.session_token) el.sessionToken = options.session_token;
    if (options.meta) el.meta = options.meta;
    if (options.issuer_key) el.issuerKey = options.issuer_key;
    let host = options.container;
    if (!host) {
      host = document.createElement('div');
      host.setAttribute('data-oz-liveness-overlay', '');
      Object.assign(host.style, { position: 'fixed', inset: '0', zIndex: '2147483000', display: 'grid', placeItems: 'center', background: 'rgb(0 0 0 / 0.6)' });
      document.body.append(host);
    }
    host.append(el);
    current = { el, host, options };
    el.addEventListener('complete', (e) => options.on_complete?.(e.detail.result));
    el.addEventListener('result', (e) => options.on_result?.(e.detail.result));
    el.addEventListener('capture-complete', (e) => options.on_capture_complete?.(e.detail.result, e.detail.container));
    el.addEventListener('error', (e) => {
      const { code, message, ...context } = e.detail as OzErrorDetail;
      options.on_error?.({ code, message, event_session_id: sessionId(el), context });
    });
    el.addEventListener('close', () => {
      teardown();
      options.on_close?.();
    });
    await el.open().catch(() => undefined);
  },

  /** Closes the check: aborts requests and callbacks, turns the camera off; only `on_close` is still called. */
  close(): void {
    // The element's `close` event removes it and calls on_close; once closed, nothing else fires.
    current?.el.close();
  },

  /** Hides the UI; the check, its requests and callbacks go on. */
  hide(): void {
    if (!current) return;
    current.el.hide();
    if (current.host !== current.el) current.host.hidden = true;
  },
};

declare global {
  interface Window {
    OzLiveness: typeof OzLiveness;
  }
}

// This module is the entry for pages written against the classic SDK: loading it provides the global.
window.OzLiveness ??= OzLiveness;
