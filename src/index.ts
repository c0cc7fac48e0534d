/** The package entry: the element (registered as `<oz-liveness>`), its types, events, errors and texts. */
import './define.js';

export { OzLiveness } from './oz-liveness.js';
export {
  ACTIONS,
  ARCHITECTURES,
  CAPTURE_MEDIA,
  DEFAULTS,
  FACING_MODES,
  LANGS,
  RESULT_MODES,
  SESSION_TOKEN_SOURCES,
  resolveConfig,
  type ActionTag,
  type Architecture,
  type AttributeIssue,
  type CaptureMedia,
  type FacingMode,
  type OzConfig,
  type RawConfig,
  type ResultMode,
  type SessionTokenSource,
} from './config.js';
export {
  OZ_ERROR_CODES,
  OzError,
  cameraError,
  cameraErrorCode,
  isOzError,
  type ApiErrorCode,
  type CameraErrorCode,
  type CaptureErrorCode,
  type CloseErrorCode,
  type ConfigErrorCode,
  type ContainerErrorCode,
  type OzErrorCode,
} from './errors.js';
export type {
  OzCaptureCompleteDetail,
  OzCaptureCompleteEvent,
  OzCloseDetail,
  OzCloseEvent,
  OzCloseReason,
  OzErrorDetail,
  OzErrorEvent,
  OzLivenessEvents,
  OzResultDetail,
  OzResultEvent,
  OzState,
  OzStateDetail,
  OzStateEvent,
  OzUploadProgressDetail,
  OzUploadProgressEvent,
} from './events.js';
export { RTL_LANGS, loadStrings, loadedStrings, resolveStrings, type Lang, type StringOverrides, type Strings } from './i18n/index.js';
export { CAMERA_MINIMUM } from './session/camera.ts';
export {
  LivenessSession,
  type CaptureTuning,
  type OpenOptions,
  type SessionEventDetails,
  type SessionEventMap,
  type SessionOptions,
  type SessionState,
} from './session/session.ts';
export type { Parcel } from './session/delivery.ts';
export type { CaptureClip, CapturedFrame, CaptureResult, FramesClip, RecorderFallbackReason, VideoClip } from './capture/types.ts';
export { WorkerDetector, type DetectorModel, type ModelLoadInfo, type WorkerDetectorOptions } from './face/worker-detector.js';
export type { Detector, DetectorFeature, DetectorFrame, FaceObservation, FrameObservation } from './face/detector.js';
