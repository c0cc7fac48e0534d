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
  'captureMedia',
  'assetsUrl',
  'issuerKey',
  'strings',
  'layout',
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
type PendingFocus = 'retry' | 'cancel' | 'done' | 'start';

/** The part that takes focus in `state` when `pending` was asked for, or null. */
function focusTarget(state: OzState, pending: PendingFocus | null): string | null {
  if (state === 'error' && pending === 'retry') return 'retry-button';
  if ((state === 'preview' || state === 'positioning') && pending === 'cancel') return 'cancel-button';
  if (state === 'done' && pending === 'done') return 'done-screen';
  if (state === 'closed' && pending === 'start') return 'start-button';
  return null;
}

/**
 * Keeps focus with the flow, and only when the flow (not the host page) had the user's attention: where it goes is
 * decided at a transition and applied after the render that shows the new state.
 */
export class FocusKeeper {
  #pending: PendingFocus | null = null;

  constructor(private readonly host: HTMLElement & { readonly renderRoot: HTMLElement | DocumentFragment }) {}

  /** open() was called: focus goes to the cancel button if the user was in the element. */
  opened(): void {
    this.#pending = this.host.matches(':focus-within') ? 'cancel' : null;
  }

  /** The flow moves from `previous` to `next`. */
  transition(previous: OzState, next: OzState): void {
    const within = this.host.matches(':focus-within');
    // An error that interrupts the flow takes focus (alertdialog); one found at page load does not steal it.
    if (next === 'error' && (ACTIVE_STATES.has(previous) || within)) this.#pending = 'retry';
    // Done or cancelled while the user was in the flow: the stage turns inert, so focus goes to the screen that takes
    // its place instead of falling back to the page.
    else if ((next === 'done' || next === 'closed') && within) this.#pending = next === 'done' ? 'done' : 'start';
  }

  /** After the render that shows `state`. */
  move(state: OzState): void {
    const target = focusTarget(state, this.#pending);
    if (!target) return;
    this.#pending = null;
    this.host.renderRoot.querySelector<HTMLElement>(`[part~="${target}"]`)?.focus();
  }
}
