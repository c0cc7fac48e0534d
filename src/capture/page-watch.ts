import type { EvidenceLog } from './evidence.ts';

/**
 * What happens around a capture that the capture does not cause: the page hidden and shown again, the screen
 * turned, the frames the video actually showed. Each change goes into the evidence log and the technical data.
 */
export class PageWatch {
  readonly visibility: { t: number; visible: boolean }[] = [];
  readonly orientation: { t: number; orientation: string }[] = [];
  /** When the page was last hidden (performance.now()), or null while it is visible. */
  hiddenAt: number | null = null;
  #videoFrames = { count: 0, first: 0, last: 0, handle: 0 };
  #cleanup: (() => void)[] = [];

  constructor(
    private readonly video: HTMLVideoElement,
    private readonly evidence: EvidenceLog,
  ) {}

  /** Frames per second the video showed while watched, or undefined before it showed two. */
  get observedFrameRate(): number | undefined {
    const vf = this.#videoFrames;
    return vf.count > 1 ? Math.round(((vf.count - 1) * 10000) / (vf.last - vf.first)) / 10 : undefined;
  }

  start(): void {
    const since = () => Math.round(performance.now() - this.evidence.startedAt);
    const onVisibility = () => {
      const visible = document.visibilityState === 'visible';
      this.hiddenAt = visible ? null : (this.hiddenAt ?? performance.now());
      this.visibility.push({ t: since(), visible });
      this.evidence.add({ type: 'visibility', visible });
    };
    document.addEventListener('visibilitychange', onVisibility);
    if (document.visibilityState !== 'visible') this.hiddenAt = performance.now();
    this.#cleanup.push(() => document.removeEventListener('visibilitychange', onVisibility));
    const orientation = screen.orientation;
    if (orientation) {
      const onOrientation = () => {
        this.orientation.push({ t: since(), orientation: orientation.type });
        this.evidence.add({ type: 'orientation', orientation: orientation.type });
      };
      orientation.addEventListener('change', onOrientation);
      this.#cleanup.push(() => orientation.removeEventListener('change', onOrientation));
    }
    const video = this.video;
    if ('requestVideoFrameCallback' in video) {
      const count = (now: number) => {
        const vf = this.#videoFrames;
        if (vf.count === 0) vf.first = now;
        vf.count++;
        vf.last = now;
        vf.handle = video.requestVideoFrameCallback(count);
      };
      this.#videoFrames.handle = video.requestVideoFrameCallback(count);
      this.#cleanup.push(() => video.cancelVideoFrameCallback(this.#videoFrames.handle));
    }
  }

  /** Removes every listener start() added. */
  stop(): void {
    for (const fn of this.#cleanup.splice(0)) fn();
  }
}
