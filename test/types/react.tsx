// Typecheck fixture for `npx tsc --noEmit`, never run: `<oz-liveness>` in React 19 JSX, raw and through the
// `oz-liveness/react` wrapper. Every `@ts-expect-error` must stay an error: if the types loosen, tsc reports the
// directive as unused and the typecheck fails.
import { useRef, useState } from 'react';
import type {} from '../../src/types/jsx.ts';
import { OzLiveness, type OzLivenessElement } from '../../src/react.ts';
import type { OzErrorCode } from '../../src/errors.ts';
import type { OzCloseReason, OzState } from '../../src/events.ts';

export function RawTag() {
  const [clips, setClips] = useState(0);
  const ref = useRef<OzLivenessElement>(null);
  return (
    <main data-clips={clips}>
      <oz-liveness
        ref={ref}
        id="liveness"
        className="liveness"
        architecture="capture"
        use-wasm-container
        api-use-session-token="client"
        session-token="token"
        api-url="http://127.0.0.1:8080"
        action="video_selfie_blank,video_selfie_smile"
        lang="ar"
        result-mode="folder"
        extract-best-shot={false}
        device-id="camera-1"
        facing-mode="environment"
        capture-media="auto"
        assets-url="/oz-liveness/"
        meta={{ transaction_id: 't-42' }}
        strings={{ startButton: 'Go' }}
        captureOptions={{ positionHoldMs: 200 }}
        oncapture-complete={(event) => setClips(event.detail.result.clips.length + (event.detail.container?.size ?? 0))}
        onstate={(event) => event.detail.previous satisfies OzState}
        onerror={(event) => event.detail.code satisfies OzErrorCode}
        onclose={(event) => event.detail.reason satisfies OzCloseReason}
        oncomplete={(event) => event.detail.result.state}
        onresult={(event) => event.detail.result.state}
        onupload-progress={(event) => event.detail.loaded / event.detail.total}
      />
      {/* One wrong use per element: an attribute written with a dash is reported at the tag, once per element. */}
      {/* @ts-expect-error: not an architecture */}
      <oz-liveness architecture="server" />
      {/* @ts-expect-error: not a language of the element */}
      <oz-liveness lang="xx" />
      {/* @ts-expect-error: not a result mode */}
      <oz-liveness result-mode="all" />
      {/* @ts-expect-error: a boolean attribute takes a boolean */}
      <oz-liveness use-wasm-container="yes" />
      {/* @ts-expect-error: meta is an object, not a number */}
      <oz-liveness meta={42} />
      {/* @ts-expect-error: capture-complete's detail has no state */}
      <oz-liveness oncapture-complete={(event) => event.detail.state} />
      {/* @ts-expect-error: a state event's detail has no code */}
      <oz-liveness onstate={(event) => event.detail.code} />
      {/* @ts-expect-error: React never wires its synthetic onError to a custom element; the handler is onerror */}
      <oz-liveness onError={() => undefined} />
    </main>
  );
}

export function Wrapper() {
  const [clips, setClips] = useState(0);
  const ref = useRef<OzLivenessElement>(null);
  return (
    <main data-clips={clips}>
      <OzLiveness
        ref={ref}
        className="liveness"
        architecture="capture"
        useWasmContainer
        apiUseSessionToken="api"
        apiUrl="http://127.0.0.1:8080"
        resultMode="status"
        facingMode="user"
        assetsUrl="/oz-liveness/"
        meta={{ transaction_id: 't-42' }}
        captureOptions={{ positionHoldMs: 200 }}
        onCaptureComplete={(event) => setClips(event.detail.result.clips.length)}
        onComplete={(event) => event.detail.result.state}
        onResult={(event) => event.detail.result.state}
        onError={(event) => event.detail.code satisfies OzErrorCode}
        onState={(event) => event.detail.state satisfies OzState}
        onClose={(event) => event.detail.reason satisfies OzCloseReason}
        onUploadProgress={(event) => event.detail.attempt}
      />
      {/* @ts-expect-error: not an architecture */}
      <OzLiveness architecture="server" />
      {/* @ts-expect-error: not a result mode */}
      <OzLiveness resultMode="all" />
      {/* @ts-expect-error: capture-complete's detail has no state */}
      <OzLiveness onCaptureComplete={(event) => event.detail.state} />
      {/* @ts-expect-error: an error event's detail has no result */}
      <OzLiveness onError={(event) => event.detail.result} />
    </main>
  );
}
