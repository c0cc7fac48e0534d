// What the element's view makes of the check's states: which are live, which text each shows, where focus goes.
import type { OzState } from '../events.ts';
import type { Strings } from '../i18n/types.ts';

/** Properties that make up the config; a change to any of them re-validates. */
export const CONFIG_KEYS = [
  'architecture',
  'useWasmContainer',
  'apiUseSessionToken',
  'sessionToken',
  'apiUrl',
  'action',
  'lang',
  'resultMode',
  'meta',
  'extractBestShot',
  'deviceId',
  'facingMode',
  'assetsUrl',
  'issuerKey',
  'strings',
] as const;

/** States in which the camera is (or is being) used; the capture and upload stages run inside them too. */
export const ACTIVE_STATES: ReadonlySet<OzState> = new Set([
  'starting',
  'preview',
  'positioning',
  'action',
  'recording',
  'packing',
  'uploading',
  'processing',
]);

/** An oval fit at or above this counts as a good fit for the oval's colour. */
export const GOOD_FIT = 0.6;

/**
 * The hint line of the states that have a fixed one. Positioning and the actions follow the face instead, and the
 * preview's is set by the element's onPreviewReady().
 */
export const STATE_HINTS: Partial<Record<OzState, (text: Strings) => string>> = {
  starting: (text) => text.hintStarting,
  packing: (text) => text.packing,
  uploading: (text) => text.uploading,
  processing: (text) => text.processing,
  done: () => '',
};

/** Where focus goes once the flow is on the screen that takes the place of the stage. */
export type PendingFocus = 'retry' | 'cancel' | 'done' | 'start';

/** The part that takes focus in `state` when `pending` was asked for, or null. */
export function focusTarget(state: OzState, pending: PendingFocus | null): string | null {
  if (state === 'error' && pending === 'retry') return 'retry-button';
  if ((state === 'preview' || state === 'positioning') && pending === 'cancel') return 'cancel-button';
  if (state === 'done' && pending === 'done') return 'done-screen';
  if (state === 'closed' && pending === 'start') return 'start-button';
  return null;
}
