import { css } from 'lit';

/**
 * Public tokens are `--oz-*`; each is read once into a private `--_*` variable so that dark mode and states can
 * change the defaults without overriding what a host set.
 */
export const styles = css`
  :host {
    --_bg: var(--oz-color-background, #ffffff);
    --_fg: var(--oz-color-text, #1b1f24);
    --_muted: var(--oz-color-text-muted, #4a525c);
    --_accent: var(--oz-color-accent, #0a58ca);
    --_accent-fg: var(--oz-color-accent-text, #ffffff);
    --_error: var(--oz-color-error, #b3261e);
    --_stage-bg: var(--oz-stage-background, #000000);
    --_overlay: var(--oz-overlay-color, rgb(0 0 0 / 0.45));
    --_oval-idle: var(--oz-oval-color, rgb(255 255 255 / 0.9));
    --_oval-good: var(--oz-oval-good-color, #34c759);
    --_oval-bad: var(--oz-oval-bad-color, #ffb020);
    --_oval-width: var(--oz-oval-width, 44%);
    --_oval-height: var(--oz-oval-height, 76%);
    --_oval-top: 50%;
    /* Set to the safe-area insets in full-screen mode; the video goes under the notch, the controls do not. */
    --_safe-top: 0px;
    --_safe-right: 0px;
    --_safe-bottom: 0px;
    --_safe-left: 0px;
    --_radius: var(--oz-radius, 12px);
    --_font: var(--oz-font-family, system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif);
    --_transition: 160ms ease-out;
    --_transition-progress: 200ms ease-out;

    display: block;
    position: relative;
    max-width: 640px;
    color: var(--_fg);
    font-family: var(--_font);
    font-size: 1rem;
    line-height: 1.4;
  }

  @media (prefers-color-scheme: dark) {
    :host {
      --_bg: var(--oz-color-background, #15181c);
      --_fg: var(--oz-color-text, #eef1f4);
      --_muted: var(--oz-color-text-muted, #b7bec7);
      --_accent: var(--oz-color-accent, #8ab4ff);
      --_accent-fg: var(--oz-color-accent-text, #0b1020);
      --_error: var(--oz-color-error, #ffb4ab);
    }
  }

  @media (prefers-reduced-motion: reduce) {
    :host {
      --_transition: 0s;
      --_transition-progress: 0s;
    }
  }

  :host([hidden]) {
    display: none !important;
  }

  *,
  *::before,
  *::after {
    box-sizing: border-box;
  }

  .base {
    position: relative;
    overflow: hidden;
    border-radius: var(--_radius);
    background: var(--_bg);
    aspect-ratio: 4 / 3;
    /* A landscape phone allowed to stay landscape is shorter than 4:3 of its width. */
    max-height: 100vh;
    max-height: 100dvh;
  }

  .stage {
    position: absolute;
    inset: 0;
    background: var(--_stage-bg);
    /* The oval of the portrait and full-screen layouts is sized against the stage's width and height. */
    container-type: size;
  }

  video {
    display: block;
    width: 100%;
    height: 100%;
    object-fit: cover;
  }

  /* Mirror only what the user sees: the stream and any recording keep the camera's orientation. */
  video.mirrored {
    transform: scaleX(-1);
  }

  .oval {
    --_oval: var(--_oval-idle);
    position: absolute;
    top: var(--_oval-top);
    left: 50%;
    width: var(--_oval-width);
    height: var(--_oval-height);
    transform: translate(-50%, -50%);
    border: 4px solid var(--_oval);
    border-radius: 50%;
    /* The huge spread dims everything outside the oval without a second element. */
    box-shadow: 0 0 0 100vmax var(--_overlay);
    transition: border-color var(--_transition);
    pointer-events: none;
  }

  .oval[data-fit='good'] {
    --_oval: var(--_oval-good);
  }

  .oval[data-fit='bad'] {
    --_oval: var(--_oval-bad);
  }

  /* The hint and the progress bar under it, in flow: a hint that wraps pushes the bar down instead of running into it. */
  .top {
    position: absolute;
    top: calc(0.75rem + var(--_safe-top));
    right: calc(0.75rem + var(--_safe-right));
    left: calc(0.75rem + var(--_safe-left));
    display: flex;
    flex-direction: column;
    gap: 0.6rem;
    align-items: center;
    pointer-events: none;
  }

  .hint {
    max-width: 100%;
    margin: 0;
    padding: 0.4rem 0.9rem;
    border-radius: 999px;
    background: rgb(0 0 0 / 0.7);
    color: #ffffff;
    font-weight: 600;
    text-align: center;
    /* A long word in a narrow stage breaks rather than leaving the pill. */
    overflow-wrap: anywhere;
  }

  .hint:empty {
    display: none;
  }

  /* Read by screen readers, not shown. */
  .visually-hidden {
    position: absolute;
    width: 1px;
    height: 1px;
    overflow: hidden;
    clip-path: inset(50%);
    white-space: nowrap;
  }

  .done-screen:focus {
    outline: none;
  }

  .progress {
    flex: none;
    width: min(16rem, 100%);
    height: 0.4rem;
    border-radius: 999px;
    background: rgb(255 255 255 / 0.35);
    overflow: hidden;
  }

  .progress-value {
    height: 100%;
    background: var(--_accent);
    transform-origin: left center;
    transition: transform var(--_transition-progress);
  }

  .controls {
    position: absolute;
    right: calc(0.75rem + var(--_safe-right));
    bottom: calc(0.75rem + var(--_safe-bottom));
    left: calc(0.75rem + var(--_safe-left));
    display: flex;
    flex-wrap: wrap;
    gap: 0.5rem;
    align-items: center;
    justify-content: flex-end;
  }

  .camera-select {
    display: flex;
    gap: 0.4rem;
    align-items: center;
    min-width: 0;
    margin-inline-end: auto;
    padding: 0.3rem 0.6rem;
    border-radius: 999px;
    background: rgb(0 0 0 / 0.7);
    color: #ffffff;
    font-size: 0.875rem;
  }

  /* Touch targets: at least 44 x 44 CSS pixels. */
  select {
    min-width: 0;
    max-width: 12rem;
    min-height: 2.75rem;
    font: inherit;
  }

  button {
    min-width: 2.75rem;
    min-height: 2.75rem;
    padding: 0.5rem 1.25rem;
    border: 2px solid transparent;
    border-radius: calc(var(--_radius) * 0.75);
    background: var(--_accent);
    color: var(--_accent-fg);
    font: inherit;
    font-weight: 600;
    cursor: pointer;
    transition: filter var(--_transition);
  }

  button:hover {
    filter: brightness(1.1);
  }

  button:focus-visible {
    outline: 3px solid var(--_accent);
    outline-offset: 2px;
  }

  button.secondary {
    border-color: currentColor;
    background: transparent;
    color: var(--_fg);
  }

  .controls button {
    background: rgb(0 0 0 / 0.7);
    color: #ffffff;
    border-color: rgb(255 255 255 / 0.8);
  }

  .controls button:focus-visible {
    outline-color: #ffffff;
  }

  .screen {
    position: absolute;
    inset: 0;
    display: flex;
    flex-direction: column;
    gap: 0.75rem;
    align-items: center;
    justify-content: center;
    padding: calc(1.5rem + var(--_safe-top)) calc(1.5rem + var(--_safe-right)) calc(1.5rem + var(--_safe-bottom))
      calc(1.5rem + var(--_safe-left));
    overflow-y: auto;
    background: var(--_bg);
    text-align: center;
  }

  .screen h2 {
    margin: 0;
    font-size: 1.375rem;
  }

  .screen p {
    max-width: 32rem;
    margin: 0;
    color: var(--_muted);
  }

  .error-screen h2 {
    color: var(--_error);
  }

  .actions {
    display: flex;
    flex-wrap: wrap;
    gap: 0.75rem;
    justify-content: center;
    margin-top: 0.5rem;
  }

  .rotate-icon {
    width: 3.5rem;
    height: 3.5rem;
    fill: none;
    stroke: currentColor;
    stroke-width: 2.5;
    stroke-linecap: round;
    stroke-linejoin: round;
  }

  /*
   * Portrait viewports (phones held upright, tablets in portrait): a portrait stage, the camera cropped to fill it,
   * and an oval of a face's proportions sized against the stage's width and height, so that a face at arm's length
   * fills it on a phone. The guidance reads this oval from the screen (src/element/layout.ts).
   */
  @media (orientation: portrait) {
    :host {
      --_oval-width: var(--oz-oval-width, min(72cqw, 45cqh));
      --_oval-height: var(--oz-oval-height, min(96cqw, 60cqh));
      --_oval-top: 47%;
    }

    .base {
      aspect-ratio: 3 / 4;
    }
  }

  /* Full screen: the whole viewport, whichever way it is turned; controls and texts keep out of the safe-area insets. */
  :host([layout='fullscreen']) {
    --_oval-width: var(--oz-oval-width, min(72cqw, 45cqh));
    --_oval-height: var(--oz-oval-height, min(96cqw, 60cqh));
    --_oval-top: 47%;
    --_safe-top: env(safe-area-inset-top, 0px);
    --_safe-right: env(safe-area-inset-right, 0px);
    --_safe-bottom: env(safe-area-inset-bottom, 0px);
    --_safe-left: env(safe-area-inset-left, 0px);

    position: fixed;
    inset: 0;
    z-index: 2147483000;
    max-width: none;
    height: 100vh;
    height: 100dvh;
  }

  :host([layout='fullscreen']) .base {
    height: 100%;
    max-height: none;
    border-radius: 0;
    aspect-ratio: auto;
  }
`;
