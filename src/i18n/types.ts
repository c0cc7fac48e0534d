import type { OzErrorCode } from '../error-codes.ts';
import type { ActionTag } from '../face/actions.ts';
import type { Hint } from '../face/guidance.ts';

/** Every text the element shows or speaks. Functions take the parts that change. */
export interface Strings {
  /** Accessible name of the camera preview. */
  videoLabel: string;
  startTitle: string;
  startBody: string;
  startButton: string;
  cancelButton: string;
  retryButton: string;
  cameraSelectLabel: string;
  errorTitle: string;
  hintStarting: string;
  hintPreview: string;
  /** Guidance while the face is being positioned and during actions. */
  hints: Record<Hint, string>;
  /** What the person is asked to do in each action. */
  actions: Record<ActionTag, string>;
  /** Spoken and shown while the capture is being packed, uploaded and analysed. */
  packing: string;
  uploading: string;
  processing: string;
  /** The progress bar's text: step `index` (from 1) of `count`. */
  progressStep: (index: number, count: number) => string;
  /** The progress bar's text during an upload, in percent. */
  progressUpload: (percent: number) => string;
  doneTitle: string;
  doneBody: string;
  /** Shown over the stage while a phone is held sideways (unless the host allows landscape). */
  rotateTitle: string;
  rotateBody: string;
  /** camera_overconstrained when the camera named by `device-id` is not there (rather than too weak). */
  cameraUnavailable: string;
  /** A value outside a fixed list: names the attribute, the bad value and the allowed values. */
  invalidValue: (attribute: string, value: string, allowed: readonly string[]) => string;
  /** A value of the right kind but unusable (not JSON, empty, not a URL), with the reason. */
  invalidFormat: (attribute: string, value: string, reason: string) => string;
  /** One human message per error code. */
  errors: Record<OzErrorCode, string>;
}

/** What a host may pass as `strings`: any subset of the texts, including any subset of the error messages. */
export type StringOverrides = Partial<Omit<Strings, 'errors'>> & { errors?: Partial<Record<OzErrorCode, string>> };
