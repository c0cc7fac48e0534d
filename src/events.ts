/** The element's events: one detail type and one factory per event, so names and shapes live in one place. */
import type { CheckResult } from './api/types.ts';
import type { CaptureResult } from './capture/capture-flow.ts';
import type { OzError, OzErrorCode } from './errors.js';

/** Where the flow is. The camera shell uses the first five; the capture and upload stages add the rest. */
export type OzState =
  | 'idle'
  | 'starting'
  | 'preview'
  | 'positioning'
  | 'action'
  | 'recording'
  | 'packing'
  | 'uploading'
  | 'processing'
  | 'done'
  | 'error'
  | 'closed';

export interface OzStateDetail {
  state: OzState;
  previous: OzState;
}

export interface OzErrorDetail {
  code: OzErrorCode;
  message: string;
  details?: unknown;
  /** A capture that was made but could not be delivered: nothing is lost, the host may forward it or call retryUpload(). */
  capture?: CaptureResult;
  /** Its sealed container, when `use-wasm-container` is set and packing succeeded. */
  container?: Blob | null;
}

/** The vendor's `on_capture_complete`: what was captured, and the sealed container (null without `use-wasm-container`). */
export interface OzCaptureCompleteDetail {
  result: CaptureResult;
  container: Blob | null;
}

/** The vendor's `on_complete` and `on_result`: the check's result, filtered by `result-mode`. */
export interface OzResultDetail {
  result: CheckResult;
}

export interface OzUploadProgressDetail {
  loaded: number;
  total: number;
  /** 0 for the first try, then one more per retry. */
  attempt: number;
}

/** Why the flow closed: the host called close(), or the user pressed cancel. */
export type OzCloseReason = 'host' | 'user_cancelled';

export interface OzCloseDetail {
  reason: OzCloseReason;
}

export type OzStateEvent = CustomEvent<OzStateDetail>;
export type OzErrorEvent = CustomEvent<OzErrorDetail>;
export type OzCloseEvent = CustomEvent<OzCloseDetail>;
export type OzCaptureCompleteEvent = CustomEvent<OzCaptureCompleteDetail>;
export type OzResultEvent = CustomEvent<OzResultDetail>;
export type OzUploadProgressEvent = CustomEvent<OzUploadProgressDetail>;

/** Event name to event type, for typed addEventListener on the element. */
export interface OzLivenessEvents {
  state: OzStateEvent;
  error: OzErrorEvent;
  close: OzCloseEvent;
  'capture-complete': OzCaptureCompleteEvent;
  complete: OzResultEvent;
  result: OzResultEvent;
  'upload-progress': OzUploadProgressEvent;
}

export function stateEvent(detail: OzStateDetail): OzStateEvent {
  return new CustomEvent('state', { detail, bubbles: true, composed: true });
}

/**
 * `error` does not bubble: a bubbling event named "error" reaches `window.onerror`, where page-wide error reporters
 * and test runners take it for an uncaught script error. Listen on the element itself.
 */
export function errorEvent(error: OzError, undelivered?: { capture: CaptureResult; container: Blob | null }): OzErrorEvent {
  const detail: OzErrorDetail = { code: error.code, message: error.message };
  if (error.details !== undefined) detail.details = error.details;
  if (undelivered) Object.assign(detail, undelivered);
  return new CustomEvent('error', { detail, bubbles: false, composed: true });
}

export function closeEvent(detail: OzCloseDetail): OzCloseEvent {
  return new CustomEvent('close', { detail, bubbles: true, composed: true });
}

export function captureCompleteEvent(detail: OzCaptureCompleteDetail): OzCaptureCompleteEvent {
  return new CustomEvent('capture-complete', { detail, bubbles: true, composed: true });
}

export function resultEvent(type: 'complete' | 'result', detail: OzResultDetail): OzResultEvent {
  return new CustomEvent(type, { detail, bubbles: true, composed: true });
}

export function uploadProgressEvent(detail: OzUploadProgressDetail): OzUploadProgressEvent {
  return new CustomEvent('upload-progress', { detail, bubbles: true, composed: true });
}
