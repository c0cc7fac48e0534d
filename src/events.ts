/** The element's events: one detail type and one factory per event, so names and shapes live in one place. */
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
}

/** Why the flow closed: the host called close(), or the user pressed cancel. */
export type OzCloseReason = 'host' | 'user_cancelled';

export interface OzCloseDetail {
  reason: OzCloseReason;
}

export type OzStateEvent = CustomEvent<OzStateDetail>;
export type OzErrorEvent = CustomEvent<OzErrorDetail>;
export type OzCloseEvent = CustomEvent<OzCloseDetail>;

/** Event name to event type, for typed addEventListener on the element. */
export interface OzLivenessEvents {
  state: OzStateEvent;
  error: OzErrorEvent;
  close: OzCloseEvent;
}

export function stateEvent(detail: OzStateDetail): OzStateEvent {
  return new CustomEvent('state', { detail, bubbles: true, composed: true });
}

/**
 * `error` does not bubble: a bubbling event named "error" reaches `window.onerror`, where page-wide error reporters
 * and test runners take it for an uncaught script error. Listen on the element itself.
 */
export function errorEvent(error: OzError): OzErrorEvent {
  const detail: OzErrorDetail = { code: error.code, message: error.message };
  if (error.details !== undefined) detail.details = error.details;
  return new CustomEvent('error', { detail, bubbles: false, composed: true });
}

export function closeEvent(detail: OzCloseDetail): OzCloseEvent {
  return new CustomEvent('close', { detail, bubbles: true, composed: true });
}
