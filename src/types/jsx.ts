/**
 * `<oz-liveness>` in React 19 JSX without the wrapper (`oz-liveness/react`): opt in with
 * `import type {} from 'oz-liveness/jsx'`. React 19 sets a prop the element has as a property (`meta`, `strings`,
 * `useWasmContainer`, ...) and any other as an attribute, and adds an `on<event>` prop as a listener under the exact
 * name after `on`: the handlers are `oncapture-complete`, `onstate`, `onerror`, `onclose`, `oncomplete`, `onresult`
 * and `onupload-progress`.
 */
import type { DetailedHTMLProps, HTMLAttributes } from 'react';
import type { OzLiveness } from '../oz-liveness.ts';
import type { OzLivenessAttributes, OzLivenessLowercaseHandlers, OzLivenessObjectProperties } from './attributes.ts';

/**
 * React's own `onError` is left out: it is a synthetic event that React never wires to a custom element, so a handler
 * there would never run. The element's failures arrive in `onerror`.
 */
export type OzLivenessJsxProps = Omit<DetailedHTMLProps<HTMLAttributes<OzLiveness>, OzLiveness>, 'onError' | 'lang'> &
  OzLivenessAttributes &
  OzLivenessObjectProperties &
  OzLivenessLowercaseHandlers;

declare module 'react' {
  namespace JSX {
    interface IntrinsicElements {
      'oz-liveness': OzLivenessJsxProps;
    }
  }
}
