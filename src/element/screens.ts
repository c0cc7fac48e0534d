// The element's screens and the pieces of its stage, as templates of what they show. The element decides which one
// is on screen and what the buttons do; these only draw.
import { html, nothing } from 'lit';
import { cssomStyle } from '../directives/cssom-style.ts';
import type { OzState } from '../events.ts';
import type { Strings } from '../i18n/types.ts';
import type { Progress, StageView } from './stage.ts';

/** What the element shows, as the element knows it. */
export interface CheckView {
  text: Strings;
  rtl: boolean;
  state: OzState;
  /** The user-facing camera's preview is mirrored (the recording never is). */
  mirrored: boolean;
  stage: StageView;
  devices: readonly MediaDeviceInfo[];
  activeDeviceId: string | undefined;
  errorMessage: string;
  /** A phone is held sideways and the host does not allow landscape: the stage waits under the rotate screen. */
  sideways: boolean;
  onStart: () => void;
  onCancel: () => void;
  onCameraSelect: (event: Event) => void;
}

/** The stage (video, oval, hint, progress, controls), inert under the start, error and done screens. */
export function checkView(view: CheckView) {
  const { text, state, stage, devices } = view;
  const onStart = state === 'idle' || state === 'closed';
  const onError = state === 'error';
  const onDone = state === 'done';
  const live = !onStart && !onError && !onDone;
  // An outcome (error, done) reads as well sideways; the start screen and the check itself wait for the phone to turn.
  const turn = view.sideways && !onError && !onDone;
  return html`
    <div part="base" class="base" dir=${view.rtl ? 'rtl' : 'ltr'}>
      <div part="stage" class="stage" ?inert=${!live || turn}>
        <video
          part="video"
          class=${view.mirrored ? 'mirrored' : ''}
          aria-label=${text.videoLabel}
          .muted=${true}
          muted
          playsinline
          autoplay
        ></video>
        <div part="oval" class="oval" data-fit=${stage.ovalFit}></div>
        <div class="top">
          <p part="hint" class="hint" role="status" aria-live="polite">${live ? hintText(stage.hint, stage.action ? stage.progress : null) : ''}</p>
          ${live && stage.progress ? progressBar(stage.progress) : nothing}
        </div>
        <div part="controls" class="controls">
          ${devices.length > 1 ? cameraSelect(text, devices, view.activeDeviceId, view.onCameraSelect) : nothing}
          <button part="cancel-button" type="button" @click=${view.onCancel}>${text.cancelButton}</button>
        </div>
      </div>
      ${turn ? rotateScreen(text, live ? view.onCancel : null) : nothing}
      ${onStart && !turn ? startScreen(text, view.onStart) : nothing}
      ${onError ? errorScreen(text, view.errorMessage, view.onStart, view.onCancel) : nothing}
      ${onDone ? doneScreen(text) : nothing}
    </div>
  `;
}

export function startScreen(text: Strings, onStart: () => void) {
  return html`
    <section part="screen start-screen" class="screen start-screen" aria-labelledby="start-title">
      <slot name="start">
        <h2 id="start-title">${text.startTitle}</h2>
        <p>${text.startBody}</p>
      </slot>
      <div class="actions">
        <button part="start-button" type="button" @click=${onStart}>${text.startButton}</button>
      </div>
    </section>
  `;
}

/** Asks for the phone to be turned upright; during a check it also offers a way out, as the stage it covers does. */
export function rotateScreen(text: Strings, onCancel: (() => void) | null) {
  return html`
    <section part="screen rotate-screen" class="screen rotate-screen" role="alert" aria-labelledby="rotate-title">
      <svg class="rotate-icon" viewBox="0 0 48 48" aria-hidden="true" focusable="false">
        <rect x="15" y="6" width="18" height="32" rx="3" />
        <path d="M38 30a14 14 0 0 1-10 12m0 0 1-5m-1 5 5 1" />
      </svg>
      <h2 id="rotate-title">${text.rotateTitle}</h2>
      <p>${text.rotateBody}</p>
      ${onCancel
        ? html`<div class="actions">
            <button part="rotate-cancel-button" class="secondary" type="button" @click=${onCancel}>${text.cancelButton}</button>
          </div>`
        : nothing}
    </section>
  `;
}

export function doneScreen(text: Strings) {
  return html`
    <section part="screen done-screen" class="screen done-screen" aria-labelledby="done-title" tabindex="-1">
      <slot name="done">
        <h2 id="done-title">${text.doneTitle}</h2>
        <p>${text.doneBody}</p>
      </slot>
    </section>
  `;
}

export function errorScreen(text: Strings, message: string, onRetry: () => void, onClose: () => void) {
  return html`
    <div
      part="screen error-screen"
      class="screen error-screen"
      role="alertdialog"
      aria-labelledby="error-title"
      aria-describedby="error-message"
    >
      <slot name="error">
        <h2 id="error-title" part="error-title">${text.errorTitle}</h2>
        <p id="error-message" part="error-message">${message}</p>
      </slot>
      <div class="actions">
        <button part="retry-button" type="button" @click=${onRetry}>${text.retryButton}</button>
        <button part="close-button" class="secondary" type="button" @click=${onClose}>${text.cancelButton}</button>
      </div>
    </div>
  `;
}

/**
 * The hint as shown, and during an action as spoken: a screen reader also hears which step it is, which a sighted
 * user reads from the progress bar.
 */
export function hintText(hint: string, step: Progress | null) {
  if (!step || !hint) return hint;
  return html`<span aria-hidden="true">${hint}</span><span class="visually-hidden">${step.text}: ${hint}</span>`;
}

export function progressBar(progress: Progress) {
  return html`<div
    part="progress"
    class="progress"
    role="progressbar"
    aria-label=${progress.text}
    aria-valuemin="0"
    aria-valuemax=${progress.max}
    aria-valuenow=${progress.now}
    aria-valuetext=${progress.text}
  >
    <div class="progress-value" ${cssomStyle({ transform: `scaleX(${progress.now / progress.max})` })}></div>
  </div>`;
}

export function cameraSelect(text: Strings, devices: readonly MediaDeviceInfo[], active: string | undefined, onChange: (event: Event) => void) {
  return html`
    <label class="camera-select">
      ${text.cameraSelectLabel}
      <select part="camera-select" @change=${onChange}>
        ${devices.map(
          (device, index) =>
            html`<option value=${device.deviceId} ?selected=${device.deviceId === active}>
              ${device.label || `${text.cameraSelectLabel} ${index + 1}`}
            </option>`,
        )}
      </select>
    </label>
  `;
}
