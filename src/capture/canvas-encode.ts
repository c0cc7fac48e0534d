// Still images from the camera without depending on one canvas API: OffscreenCanvas where it draws and encodes,
// a plain <canvas> with toBlob otherwise. WebKit has had OffscreenCanvas without a 2d context, or whose 2d context
// could not draw a video; older engines have no OffscreenCanvas at all.

export type ImageSource = HTMLVideoElement | ImageBitmap | HTMLCanvasElement;

type Encoder = (source: ImageSource, width: number, height: number, type: string, quality?: number) => Promise<Blob>;

const offscreen: Encoder = (source, width, height, type, quality) => {
  const canvas = new OffscreenCanvas(width, height);
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('OffscreenCanvas has no 2d context');
  ctx.drawImage(source, 0, 0, width, height);
  return canvas.convertToBlob({ type, quality });
};

const element: Encoder = (source, width, height, type, quality) => {
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  const ctx = canvas.getContext('2d');
  if (!ctx) return Promise.reject(new Error('canvas has no 2d context'));
  ctx.drawImage(source, 0, 0, width, height);
  // toBlob copies the pixels when called, so the source may change (a playing video) while it encodes.
  return new Promise((resolve, reject) => canvas.toBlob((blob) => (blob ? resolve(blob) : reject(new Error('canvas.toBlob gave no image'))), type, quality));
};

const hasOffscreen = () =>
  typeof OffscreenCanvas === 'function' && typeof OffscreenCanvas.prototype.convertToBlob === 'function' && typeof OffscreenCanvas.prototype.getContext === 'function';

/**
 * Draws a source scaled to width x height and encodes it. The pixels are taken when this is called (before it
 * returns), so a video can be grabbed at a known moment and encoded later. After one failure of the OffscreenCanvas
 * path this encoder uses the plain canvas for good, so a browser that fails it fails it once.
 */
export class CanvasEncoder {
  #useOffscreen = hasOffscreen();

  /** 'offscreen' or 'canvas': the path the next image takes. */
  get path(): 'offscreen' | 'canvas' {
    return this.#useOffscreen ? 'offscreen' : 'canvas';
  }

  encode(source: ImageSource, width: number, height: number, type: string, quality?: number): Promise<Blob> {
    if (this.#useOffscreen) {
      let pending: Promise<Blob>;
      try {
        pending = offscreen(source, width, height, type, quality);
      } catch {
        this.#useOffscreen = false;
        return element(source, width, height, type, quality);
      }
      return pending.catch(() => {
        this.#useOffscreen = false;
        // A still source is drawn again on the plain canvas; a video has moved on, so its moment is reported lost.
        if (typeof HTMLVideoElement !== 'undefined' && source instanceof HTMLVideoElement) throw new Error('OffscreenCanvas could not encode');
        return element(source, width, height, type, quality);
      });
    }
    try {
      return element(source, width, height, type, quality);
    } catch (e) {
      return Promise.reject(e);
    }
  }
}
