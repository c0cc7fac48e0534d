import type { Strings } from './i18n/types.js';

/** Stable error codes. Hosts switch on these; the message is for people and follows `lang`. */
export type ContainerErrorCode =
  | 'error_wasm_internal_failure_1'
  | 'error_wasm_internal_failure_2'
  | 'error_wasm_internal_failure_3'
  | 'error_wasm_internal_failure_4'
  | 'error_wasm_internal_failure_5'
  | 'error_wasm_internal_failure_1000';

export type CameraErrorCode =
  | 'camera_permission_denied'
  | 'camera_not_found'
  | 'camera_busy'
  | 'camera_overconstrained'
  | 'camera_track_ended'
  | 'camera_unsupported';

export type ConfigErrorCode = 'invalid_attribute';

export type CaptureErrorCode = 'face_model_load_failed' | 'face_model_timeout' | 'action_timeout' | 'recorder_failed';

export type ApiErrorCode =
  | 'session_token_missing'
  | 'session_token_expired'
  | 'session_token_untrusted'
  | 'network_error'
  | 'api_error'
  | 'upload_failed';

export type CloseErrorCode = 'user_cancelled';

export type OzErrorCode =
  | ContainerErrorCode
  | CameraErrorCode
  | ConfigErrorCode
  | CaptureErrorCode
  | ApiErrorCode
  | CloseErrorCode;

/** Every code, for exhaustive tables (messages, docs) and for checking unknown values. */
export const OZ_ERROR_CODES = [
  'error_wasm_internal_failure_1',
  'error_wasm_internal_failure_2',
  'error_wasm_internal_failure_3',
  'error_wasm_internal_failure_4',
  'error_wasm_internal_failure_5',
  'error_wasm_internal_failure_1000',
  'camera_permission_denied',
  'camera_not_found',
  'camera_busy',
  'camera_overconstrained',
  'camera_track_ended',
  'camera_unsupported',
  'invalid_attribute',
  'face_model_load_failed',
  'face_model_timeout',
  'action_timeout',
  'recorder_failed',
  'session_token_missing',
  'session_token_expired',
  'session_token_untrusted',
  'network_error',
  'api_error',
  'upload_failed',
  'user_cancelled',
] as const satisfies readonly OzErrorCode[];

/** The one error type the SDK throws, rejects with and reports in `error` events. */
export class OzError extends Error {
  override name = 'OzError';
  readonly code: OzErrorCode;
  readonly details?: unknown;

  constructor(code: OzErrorCode, message: string, details?: unknown) {
    super(message);
    this.code = code;
    if (details !== undefined) this.details = details;
  }
}

export function isOzError(value: unknown): value is OzError {
  return value instanceof OzError;
}

/**
 * Which camera code a getUserMedia failure means. Browsers disagree on names (Chrome's legacy TrackStartError and
 * DevicesNotFoundError, Firefox's AbortError for a busy device), so this is the one place that knows them.
 */
export function cameraErrorCode(error: unknown): CameraErrorCode {
  const name = error instanceof Error || error instanceof DOMException ? error.name : '';
  switch (name) {
    case 'NotAllowedError':
    case 'PermissionDeniedError':
    case 'SecurityError':
      return 'camera_permission_denied';
    case 'NotFoundError':
    case 'DevicesNotFoundError':
      return 'camera_not_found';
    case 'NotReadableError':
    case 'TrackStartError':
    case 'AbortError':
      return 'camera_busy';
    case 'OverconstrainedError':
    case 'ConstraintNotSatisfiedError':
      return 'camera_overconstrained';
    case 'TypeError':
      // getUserMedia throws TypeError only when mediaDevices exists but the call is unusable (e.g. no video).
      return 'camera_unsupported';
    default:
      // Any other failure still means the camera could not be started.
      return 'camera_busy';
  }
}

/**
 * A getUserMedia failure as an OzError with a message from `strings`; the original name, text and failed constraint
 * stay in details. A missing exact device is told apart from a camera too weak for the minimum.
 */
export function cameraError(error: unknown, strings: Pick<Strings, 'errors' | 'cameraUnavailable'>): OzError {
  const code = cameraErrorCode(error);
  const details: Record<string, unknown> = {};
  if (error instanceof Error || error instanceof DOMException) {
    details.name = error.name;
    details.message = error.message;
  }
  const constraint = (error as { constraint?: unknown } | null)?.constraint;
  if (typeof constraint === 'string' && constraint) details.constraint = constraint;
  const message = code === 'camera_overconstrained' && constraint === 'deviceId' ? strings.cameraUnavailable : strings.errors[code];
  return new OzError(code, message, details);
}

/** Codes whose raisers already build a specific message from the string tables (naming the attribute or camera). */
const WORDED_BY_RAISER: ReadonlySet<OzErrorCode> = new Set<OzErrorCode>(['invalid_attribute', 'camera_overconstrained']);

/**
 * The error as people see it: its message from `strings` in the element's language. Lower layers (API client,
 * recorder, workers) word their errors for developers in English; that text stays in `details.technicalMessage`.
 */
export function forPeople(error: OzError, strings: Pick<Strings, 'errors'>): OzError {
  const message = strings.errors[error.code];
  if (WORDED_BY_RAISER.has(error.code) || error.message === message) return error;
  const details =
    error.details !== null && typeof error.details === 'object' && !Array.isArray(error.details)
      ? { ...(error.details as Record<string, unknown>), technicalMessage: error.message }
      : { ...(error.details === undefined ? {} : { cause: error.details }), technicalMessage: error.message };
  const worded = new OzError(error.code, message, details);
  if (error.stack) worded.stack = error.stack;
  return worded;
}
