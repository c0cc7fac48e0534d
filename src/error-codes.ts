// The error codes alone, so that the string tables can name them without importing the error class (and its
// helpers, which import the tables).

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

export type ApiErrorCode = 'session_token_missing' | 'session_token_expired' | 'session_token_untrusted' | 'network_error' | 'api_error' | 'upload_failed';

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
