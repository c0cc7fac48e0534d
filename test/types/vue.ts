// Typecheck fixture for `npx tsc --noEmit`, never run: the `oz-liveness/vue` global component type that Vue's template
// checker reads for `<oz-liveness ...>` (its `$props`, and `$emit` for `@event` handlers). Every `@ts-expect-error`
// must stay an error: if the types loosen, tsc reports the directive as unused and the typecheck fails.
import type { GlobalComponents } from 'vue';
import type {} from '../../src/types/vue.ts';
import type { OzErrorCode } from '../../src/errors.ts';
import type { OzCaptureCompleteEvent, OzState, OzStateEvent } from '../../src/events.ts';

type Element = InstanceType<GlobalComponents['oz-liveness']>;
type Props = Element['$props'];

export const attributes: Props = {
  architecture: 'capture',
  'use-wasm-container': true,
  'api-use-session-token': 'client',
  'session-token': 'token',
  'api-url': 'http://127.0.0.1:8080',
  action: 'video_selfie_blank',
  lang: 'de',
  'result-mode': 'status',
  'extract-best-shot': false,
  'facing-mode': 'user',
  'capture-media': 'frames',
  'assets-url': '/oz-liveness/',
  class: 'liveness',
  key: 1,
};

export const properties: Props = {
  useWasmContainer: false,
  apiUrl: '/',
  resultMode: 'folder',
  meta: { transaction_id: 't-42' },
  strings: { startButton: 'Go' },
  captureOptions: { positionHoldMs: 200 },
};

export const handlers: Props = {
  onCaptureComplete: (event) => event.detail.result.clips.map((c) => (c.kind === 'frames' ? c.frames.length + c.reason.length : c.duration_ms)),
  onError: (event) => event.detail.code satisfies OzErrorCode,
  onState: (event) => event.detail.state satisfies OzState,
  onClose: (event) => event.detail.reason,
  onComplete: (event) => event.detail.result.state,
  onResult: (event) => event.detail.result.state,
  onUploadProgress: (event) => event.detail.loaded,
};

// @ts-expect-error: not an architecture
export const badArchitecture: Props = { architecture: 'server' };
// @ts-expect-error: not a language of the element
export const badLang: Props = { lang: 'xx' };
// @ts-expect-error: not a facing mode
export const badFacing: Props = { 'facing-mode': 'front' };
// @ts-expect-error: not a capture-media value
export const badCaptureMedia: Props = { 'capture-media': 'video' };
// @ts-expect-error: a boolean attribute takes a boolean
export const badBoolean: Props = { 'use-wasm-container': 'yes' };
// @ts-expect-error: capture-complete's detail has no state
export const badDetail: Props = { onCaptureComplete: (event) => event.detail.state };
// @ts-expect-error: a state event's detail has no code
export const badState: Props = { onState: (event) => event.detail.code };

export function emits(element: Element, captured: OzCaptureCompleteEvent, state: OzStateEvent): void {
  element.$emit('capture-complete', captured);
  element.$emit('state', state);
  // @ts-expect-error: a state event is not what capture-complete carries
  element.$emit('capture-complete', state);
  // @ts-expect-error: the element has no such event
  element.$emit('captured', captured);
}
