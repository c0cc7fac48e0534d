// How the element sits on the screen it is shown on: whether a phone is held sideways, and where the oval drawn on
// the stage lies in the camera's frame once the stage has cropped it.
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { defaultOval, type Oval } from '../face/guidance.ts';

/**
 * A phone on its side: a landscape viewport too short for the check, without a hovering pointer (a desktop window
 * made short has one, and is not asked to turn).
 */
export const PHONE_SIDEWAYS = '(orientation: landscape) and (max-height: 499.98px) and (hover: none)';

/**
 * The oval the 4:3 stage draws (44% x 76%, centred: the default `--oz-oval-width` and `--oz-oval-height`), in the
 * frame it shows uncropped. A face that fills it gives the detector a box the size of the guidance's default oval:
 * the box spans ears and forehead, so it is wider and sits higher than the face a person fits into the oval.
 */
const DRAWN_DEFAULT: Oval = { cx: 0.5, cy: 0.5, rx: 0.22, ry: 0.38 };

/**
 * The oval the guidance judges for an oval drawn at `drawn` (both in frame fractions): the drawn one in the
 * detector's terms, grown and raised as the default is from the 4:3 stage's. The 4:3 stage thus keeps the default.
 */
export function guidanceOval(drawn: Oval): Oval {
  const sx = drawn.rx / DRAWN_DEFAULT.rx, sy = drawn.ry / DRAWN_DEFAULT.ry;
  return {
    cx: drawn.cx + (defaultOval.cx - DRAWN_DEFAULT.cx) * sx,
    cy: drawn.cy + (defaultOval.cy - DRAWN_DEFAULT.cy) * sy,
    rx: defaultOval.rx * sx,
    ry: defaultOval.ry * sy,
  };
}

/** The parts of the stage the geometry is read from. */
interface StageParts {
  video: HTMLVideoElement;
  oval: HTMLElement;
}

/**
 * Where `oval` (a box on screen) lies in the frame of `video`, which shows its frame with `object-fit: cover`
 * (scaled to fill, centred, the rest cropped) and mirrored or not. Null while the video has no frame or no size.
 */
export function ovalInFrame(video: DOMRect, frame: { width: number; height: number }, oval: DOMRect, mirrored: boolean): Oval | null {
  if (!frame.width || !frame.height || !video.width || !video.height || !oval.width || !oval.height) return null;
  const scale = Math.max(video.width / frame.width, video.height / frame.height);
  const left = (video.width - frame.width * scale) / 2, top = (video.height - frame.height * scale) / 2;
  const cx = (oval.left + oval.width / 2 - video.left - left) / scale / frame.width;
  const cy = (oval.top + oval.height / 2 - video.top - top) / scale / frame.height;
  return { cx: mirrored ? 1 - cx : cx, cy, rx: oval.width / 2 / scale / frame.width, ry: oval.height / 2 / scale / frame.height };
}

/**
 * Follows the viewport and the stage: asks the element to draw again when a phone turns sideways or upright, and
 * keeps `oval` equal to the oval on screen, in the frame's coordinates. The check goes on through all of it: the
 * camera is not touched.
 */
export class LayoutController implements ReactiveController {
  /**
   * The oval the guidance judges (see guidanceOval()). One object for the element's life, updated in place: the capture flow holds it and
   * reads it on every frame, so a rotation or a resize during the check moves the oval it judges with the one shown.
   */
  readonly oval: Oval = { ...defaultOval };
  #sideways: MediaQueryList | null = null;
  #resize: ResizeObserver | null = null;
  #parts: StageParts | null = null;
  #mirrored = false;
  /** Whether the last render saw the phone sideways, and whether the render under way takes the user's control away. */
  #renderedSideways = false;
  #refocus = false;

  constructor(private readonly host: ReactiveControllerHost & HTMLElement & { readonly renderRoot: HTMLElement | DocumentFragment }) {
    host.addController(this);
  }

  /** Whether a phone is held sideways right now. */
  get sideways(): boolean {
    return this.#sideways?.matches ?? false;
  }

  hostConnected(): void {
    this.#sideways = matchMedia(PHONE_SIDEWAYS);
    this.#sideways.addEventListener('change', this.#turned);
    this.#resize = new ResizeObserver(this.measure);
  }

  hostDisconnected(): void {
    this.#sideways?.removeEventListener('change', this.#turned);
    this.#sideways = null;
    this.#resize?.disconnect();
    this.#resize = null;
    this.#parts?.video.removeEventListener('resize', this.measure);
    this.#parts = null;
  }

  hostUpdate(): void {
    // Any update may be the first to see the phone turned, not only the one the media query's change event asks for
    // (the query's `matches` moves with the viewport, its event comes with a later frame): note here, before the
    // render takes the focused control away or makes it inert, whether the user was in the element.
    const sideways = this.sideways;
    if (sideways === this.#renderedSideways) return;
    this.#renderedSideways = sideways;
    this.#refocus = this.host.matches(':focus-within');
  }

  hostUpdated(): void {
    if (this.#refocus) {
      this.#refocus = false;
      this.#keepFocus();
    }
    const video = this.host.renderRoot.querySelector<HTMLVideoElement>('[part~="video"]');
    const oval = this.host.renderRoot.querySelector<HTMLElement>('[part~="oval"]');
    const parts = video && oval ? { video, oval } : null;
    if (parts && (parts.video !== this.#parts?.video || parts.oval !== this.#parts.oval)) {
      this.#parts?.video.removeEventListener('resize', this.measure);
      this.#resize?.disconnect();
      // The stage's size and the frame's size (a phone's camera turns its frames with the phone) both move the oval.
      parts.video.addEventListener('resize', this.measure);
      this.#resize?.observe(parts.video);
      this.#resize?.observe(parts.oval);
      this.#parts = parts;
    }
    // Mirroring comes with an update, not with a size; other updates (a hint, a fit) leave the geometry alone.
    if (parts && this.#mirrored !== parts.video.classList.contains('mirrored')) this.measure();
  }

  /** Reads the oval on screen into `oval`; leaves it as it was while there is nothing to read (no frame, hidden). */
  readonly measure = (): void => {
    const parts = this.#parts;
    if (!parts) return;
    const { video, oval } = parts;
    // The view mirrors the preview of a user-facing camera with this class (the frames themselves are not mirrored).
    const mirrored = video.classList.contains('mirrored');
    this.#mirrored = mirrored;
    const seen = ovalInFrame(video.getBoundingClientRect(), { width: video.videoWidth, height: video.videoHeight }, oval.getBoundingClientRect(), mirrored);
    if (seen) Object.assign(this.oval, guidanceOval(seen));
  };

  #turned = (): void => this.host.requestUpdate();

  /**
   * The phone turned while the user was in the element: if the control they were on went away or turned inert (under
   * the rotate screen, or with it), focus goes to the way out that can be used now rather than falling back to the page.
   */
  #keepFocus(): void {
    const root = this.host.renderRoot as ShadowRoot;
    const active = root.activeElement;
    if (active && !active.closest('[inert]')) return;
    const target = root.querySelector<HTMLElement>(this.sideways ? '[part~="rotate-cancel-button"]' : '[part~="cancel-button"]');
    if (target && !target.closest('[inert]')) target.focus();
  }
}
