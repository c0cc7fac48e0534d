// TEST INPUT ONLY. Firefox's and WebKit's fake cameras show a synthetic pattern, never a face, and unlike Chromium
// they cannot play a file. So the tests that need a face draw a camera scene from test/fixtures/camera/ into a canvas
// and have the page's getUserMedia hand out that canvas's stream (canvas.captureStream()). Everything after the
// stream is the browser's own: the preview, frame grabbing, the detector worker, MediaRecorder, the container worker.
// Nothing of this belongs in the product.

const SCENES = new URL('../fixtures/camera/', import.meta.url);
const FPS = 30;

export interface FaceSource {
  /** Every stream getUserMedia handed out while installed. */
  streams: MediaStream[];
  /** Stops drawing and every handed-out track, and puts the browser's getUserMedia back. */
  restore(): void;
}

/** Replaces navigator.mediaDevices.getUserMedia with a canvas stream of `scene` (a 640x480 JPEG name). */
export async function installFaceSource(scene = 'face-frontal'): Promise<FaceSource> {
  const image = new Image();
  image.src = new URL(`${scene}.jpg`, SCENES).href;
  await image.decode();
  const canvas = document.createElement('canvas');
  canvas.width = image.naturalWidth;
  canvas.height = image.naturalHeight;
  const context = canvas.getContext('2d')!;
  const draw = () => context.drawImage(image, 0, 0);
  draw();
  // captureStream sends a frame only when the canvas was drawn on, so the still scene is drawn again at the camera's
  // rate (a timer, not requestAnimationFrame, which a hidden or unfocused window may pause).
  const timer = setInterval(draw, 1000 / FPS);
  const source = canvas.captureStream(FPS);
  const mediaDevices = navigator.mediaDevices;
  const streams: MediaStream[] = [];
  mediaDevices.getUserMedia = async (constraints?: MediaStreamConstraints) => {
    if (!constraints?.video) throw new TypeError('the face source gives video only');
    const stream = new MediaStream(source.getVideoTracks().map((track) => track.clone()));
    streams.push(stream);
    return stream;
  };
  return {
    streams,
    restore() {
      clearInterval(timer);
      for (const stream of [source, ...streams]) stream.getTracks().forEach((track) => track.stop());
      // The replacement is an own property over the prototype's method; deleting it brings the browser's back.
      Reflect.deleteProperty(mediaDevices, 'getUserMedia');
    },
  };
}
