import type { ActionTag } from '../face/actions.ts';
import type { Hint } from '../face/guidance.ts';
import type { Strings } from '../i18n/types.ts';
import type { LivenessSession } from '../session/session.ts';
import { GOOD_FIT, STATE_HINTS } from './states.ts';

export type OvalFit = 'none' | 'good' | 'bad';

/** The progress bar's value: a step of the actions, or a percentage of the upload. */
export interface Progress {
  now: number;
  max: number;
  text: string;
}

/**
 * What the stage shows while a check runs, kept from the session's events: the hint line, the oval's fit, and the
 * progress bar (the actions' steps, then the upload). `changed` asks the view to draw again.
 */
export class StageView {
  hint = '';
  ovalFit: OvalFit = 'none';
  progress: Progress | null = null;
  /** The action in progress: a screen reader hears its step with the hint. */
  action: ActionTag | null = null;
  #hintKey: Hint | null = null;

  constructor(
    session: LivenessSession,
    private readonly strings: () => Strings,
    private readonly changed: () => void,
  ) {
    session.addEventListener('state', ({ detail: { state } }) => {
      if (state !== 'positioning' && state !== 'action' && state !== 'recording') this.action = null;
      // Once the capture is over, the oval and the actions' step bar have nothing more to say.
      if (state === 'starting' || state === 'packing' || state === 'uploading' || state === 'done') this.ovalFit = 'none';
      if (state === 'packing' || state === 'done') this.progress = null;
      if (state === 'uploading') this.progress = { now: 0, max: 100, text: this.strings().progressUpload(0) };
      const hint = STATE_HINTS[state];
      if (hint) this.hint = hint(this.strings());
      changed();
    });
    session.addEventListener('hint', ({ detail: { hint } }) => {
      this.#hintKey = hint;
      this.#showHint();
    });
    session.addEventListener('oval-fit', ({ detail: { fit } }) => {
      this.ovalFit = fit >= GOOD_FIT ? 'good' : 'bad';
      changed();
    });
    session.addEventListener('action-started', ({ detail: { action, index, count } }) => {
      this.action = action;
      this.progress = { now: index + 1, max: count, text: this.strings().progressStep(index + 1, count) };
      this.#showHint();
    });
    session.addEventListener('upload-progress', ({ detail: { loaded, total } }) => {
      const percent = total > 0 ? Math.min(100, Math.round((loaded / total) * 100)) : 0;
      this.progress = { now: percent, max: 100, text: this.strings().progressUpload(percent) };
      changed();
    });
    session.addEventListener('error', () => {
      this.action = null;
      this.progress = null;
      changed();
    });
  }

  /** During an action its instruction, unless the face needs guidance first; otherwise the guidance. */
  #showHint(): void {
    const text = this.strings();
    const key = this.#hintKey;
    const problem = key !== null && key !== 'ok' && key !== 'hold_still';
    if (this.action && !problem) this.hint = text.actions[this.action];
    else if (key) this.hint = text.hints[key];
    this.changed();
  }
}

/** Whether the preview is mirrored: a user-facing camera is, as a mirror would be; a rear one is not. */
export function isMirrored(facingMode: string | undefined, configured: string | undefined): boolean {
  if (facingMode === 'environment') return false;
  if (facingMode === 'user') return true;
  return configured !== 'environment';
}
