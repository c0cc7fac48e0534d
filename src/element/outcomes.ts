import { captureCompleteEvent, resultEvent, uploadProgressEvent } from '../events.ts';
import type { LivenessSession } from '../session/session.ts';

/** The session's progress and outcomes, sent on as the element's own events (states and errors the element handles). */
export function forwardOutcomes(session: LivenessSession, el: HTMLElement): void {
  session.addEventListener('upload-progress', ({ detail }) => el.dispatchEvent(uploadProgressEvent(detail)));
  session.addEventListener('result', ({ detail }) => el.dispatchEvent(resultEvent('result', detail)));
  session.addEventListener('complete', ({ detail }) => el.dispatchEvent(resultEvent('complete', detail)));
  session.addEventListener('capture-complete', ({ detail }) => el.dispatchEvent(captureCompleteEvent(detail)));
}
