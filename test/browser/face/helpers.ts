import type { Detector, DetectorFeature, DetectorFrame, FaceObservation, FrameObservation } from '../../../src/face/detector.ts';
import { WorkerDetector } from '../../../src/face/worker-detector.ts';
import { firstFrame, grabFrame } from '../../../src/face/frame-grab.ts';

/** The fake camera's stream and a playing, muted preview element, as the element sets them up. */
export async function openCamera(): Promise<{ stream: MediaStream; video: HTMLVideoElement }> {
  const stream = await navigator.mediaDevices.getUserMedia({ video: { width: 640, height: 480 }, audio: false });
  const video = document.createElement('video');
  video.muted = true;
  video.playsInline = true;
  video.srcObject = stream;
  document.body.append(video);
  await video.play();
  await firstFrame(video);
  return { stream, video };
}

export function closeCamera(cam: { stream: MediaStream; video: HTMLVideoElement }) {
  for (const t of cam.stream.getTracks()) t.stop();
  cam.video.remove();
}

/** One real observation of the camera's current frame (with landmarks and pose), from the real face worker. */
export async function observeReal(video: HTMLVideoElement): Promise<FrameObservation> {
  const d = new WorkerDetector();
  try {
    await d.load(['detect', 'mesh']);
    return await d.detect(await grabFrame(video, 320), ['detect', 'mesh']);
  } finally {
    d.dispose();
  }
}

/** Loads an image (data URL or path) and lets the real detector count its faces. */
export async function facesInImage(src: string): Promise<FaceObservation[]> {
  const img = new Image();
  img.src = src;
  await img.decode();
  const d = new WorkerDetector();
  try {
    await d.load(['detect']);
    const bitmap = await createImageBitmap(img);
    return (await d.detect({ bitmap, width: img.naturalWidth, height: img.naturalHeight, timestamp: 0 }, ['detect'])).faces;
  } finally {
    d.dispose();
  }
}

/**
 * A detector that replays a script: the i-th frame an action judges gets `script(i)` laid over a recorded base face. Real frames still
 * arrive (and are closed); only the observation is scripted, for gestures a still camera scene cannot perform.
 */
export class ScriptedDetector implements Detector {
  frames = 0;
  loads: DetectorFeature[][] = [];
  disposed = false;
  /** Frames judged by an action (the flow asks for landmarks then); the script is indexed by these. */
  actionFrames = 0;

  constructor(private base: FrameObservation, private script: (i: number) => Partial<FaceObservation> | null) {}

  /** Switches to another script and restarts the frame count (called from the flow's onActionStarted). */
  startAction(script: (i: number) => Partial<FaceObservation> | null): void {
    this.script = script;
    this.actionFrames = 0;
  }

  async load(features: readonly DetectorFeature[]): Promise<void> {
    this.loads.push([...features]);
  }

  async detect(frame: DetectorFrame, features: readonly DetectorFeature[]): Promise<FrameObservation> {
    frame.bitmap.close();
    this.frames++;
    const face = this.base.faces[0];
    const scripted = features.includes('mesh') ? this.script(this.actionFrames++) : {};
    const faces = scripted === null ? [] : [{ ...face, ...scripted }];
    return { ...this.base, timestamp: frame.timestamp, faces, inferenceMs: 0 };
  }

  dispose(): void {
    this.disposed = true;
  }
}

export function videoDuration(blob: Blob): Promise<number> {
  const v = document.createElement('video');
  v.muted = true;
  v.preload = 'auto';
  const url = URL.createObjectURL(blob);
  return new Promise<number>((resolve, reject) => {
    v.onloadeddata = () => resolve(v.duration);
    v.onerror = () => reject(new Error(`clip does not load: ${v.error?.message}`));
    v.src = url;
  }).finally(() => URL.revokeObjectURL(url));
}
