/**
 * `<oz-liveness>` as a React component (`oz-liveness/react`), made with `@lit/react`: props the element has are set
 * as element properties (`architecture`, `useWasmContainer`, `meta`, ...), other props reach the tag as React renders
 * them, and each of the element's events is an `on*` prop with its typed event. Importing this entry registers the
 * tag. React is the host's own: this entry is the only one that needs it.
 */
import * as React from 'react';
import { createComponent, type EventName } from '@lit/react';
import './define.ts';
import { OzLiveness as OzLivenessElement } from './oz-liveness.ts';
import type {
  OzCaptureCompleteEvent,
  OzCloseEvent,
  OzErrorEvent,
  OzResultEvent,
  OzStateEvent,
  OzUploadProgressEvent,
} from './events.ts';

export const OzLiveness = createComponent({
  tagName: 'oz-liveness',
  elementClass: OzLivenessElement,
  react: React,
  displayName: 'OzLiveness',
  events: {
    onCaptureComplete: 'capture-complete' as EventName<OzCaptureCompleteEvent>,
    onComplete: 'complete' as EventName<OzResultEvent>,
    onResult: 'result' as EventName<OzResultEvent>,
    onError: 'error' as EventName<OzErrorEvent>,
    onState: 'state' as EventName<OzStateEvent>,
    onClose: 'close' as EventName<OzCloseEvent>,
    onUploadProgress: 'upload-progress' as EventName<OzUploadProgressEvent>,
  },
});

/** The component's props, e.g. for a wrapper of the host's own. */
export type OzLivenessProps = React.ComponentProps<typeof OzLiveness>;

/** The element behind a `ref`: `useRef<OzLivenessElement>(null)` gives `open()`, `close()`, `state`, ... */
export type { OzLivenessElement };
export type {
  OzCaptureCompleteEvent,
  OzCloseEvent,
  OzErrorEvent,
  OzResultEvent,
  OzStateEvent,
  OzUploadProgressEvent,
} from './events.ts';
