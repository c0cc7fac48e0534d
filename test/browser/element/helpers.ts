// Shared by the element's test groups (frontal camera, no camera, denied permission).
import { fixture, html } from '@open-wc/testing';
import '../../../src/define.ts';
import type { OzLiveness } from '../../../src/oz-liveness.ts';
import type { OzErrorEvent, OzState, OzStateEvent } from '../../../src/events.ts';
import type { Detector, DetectorFrame, FrameObservation } from '../../../src/face/detector.ts';

export type { OzLiveness };

/**
 * The camera shell's tests look at the camera, not at faces: a detector that never finds one keeps the flow in
 * positioning with the camera on, without loading a model.
 */
export class NoFaceDetector implements Detector {
  async load(): Promise<void> {}
  async detect(frame: DetectorFrame): Promise<FrameObservation> {
    frame.bitmap.close();
    return { timestamp: frame.timestamp, width: frame.width, height: frame.height, faces: [], brightness: 0.5, inferenceMs: 0 };
  }
  dispose(): void {}
}

/**
 * Shell defaults: the `capture` architecture (no API, so no session token) and the no-face detector. Tests of other
 * values set them as attributes.
 */
export function shell(el: OzLiveness): OzLiveness {
  el.architecture = 'capture';
  el.detector = new NoFaceDetector();
  return el;
}

/** Boolean attributes as present (true) or absent (false), the others as their text. */
function setAttributes(el: OzLiveness, attributes: Record<string, string | boolean>): void {
  for (const [name, value] of Object.entries(attributes)) {
    if (value === true) el.setAttribute(name, '');
    else if (value !== false) el.setAttribute(name, value);
  }
}

/** A fresh `<oz-liveness>` in the page, with the given attributes, not yet opened. */
export async function element(attributes: Record<string, string | boolean> = {}): Promise<OzLiveness> {
  const el = shell(await fixture<OzLiveness>(html`<oz-liveness></oz-liveness>`));
  setAttributes(el, attributes);
  await el.updateComplete;
  return el;
}

/**
 * Short holds so a flow takes seconds; a generous model-load limit because the machine running the tests may be busy
 * (the 15 s default is for users' devices, not for a shared CI box).
 */
export const TUNING = { positionHoldMs: 200, instructMs: 200, modelLoadTimeoutMs: 60_000 };

/** A fresh element with the given attributes and short holds, so a flow takes seconds (real detector unless set). */
export async function flowElement(attributes: Record<string, string | boolean> = {}): Promise<OzLiveness> {
  const el = await fixture<OzLiveness>(html`<oz-liveness></oz-liveness>`);
  setAttributes(el, attributes);
  el.captureOptions = { ...TUNING };
  await el.updateComplete;
  return el;
}

/**
 * Creates the element with listeners attached before it connects, for what happens during the first update
 * (an invalid attribute is reported right then).
 */
export async function elementWithEvents(attributes: Record<string, string>): Promise<{ el: OzLiveness; errors: OzErrorEvent[]; states: OzState[] }> {
  const el = shell(document.createElement('oz-liveness'));
  const errors: OzErrorEvent[] = [];
  const states: OzState[] = [];
  el.addEventListener('error', (event) => errors.push(event));
  el.addEventListener('state', (event) => states.push(event.detail.state));
  for (const [name, value] of Object.entries(attributes)) el.setAttribute(name, value);
  await fixture(html`<div>${el}</div>`);
  await el.updateComplete;
  return { el, errors, states };
}

/** Records every state the element passes through from now on. */
export function recordStates(el: OzLiveness): OzStateEvent[] {
  const seen: OzStateEvent[] = [];
  el.addEventListener('state', (event) => seen.push(event));
  return seen;
}

export function part<T extends Element = HTMLElement>(el: OzLiveness, name: string): T | null {
  return el.shadowRoot!.querySelector<T>(`[part~="${name}"]`);
}

export function video(el: OzLiveness): HTMLVideoElement {
  return part<HTMLVideoElement>(el, 'video')!;
}

export function liveStream(el: OzLiveness): MediaStream {
  const stream = video(el).srcObject;
  if (!(stream instanceof MediaStream)) throw new Error('the preview has no camera stream');
  return stream;
}

/** Average colour of a 5x5 patch around each point of the current video frame, as the camera delivers it. */
export function sampleFrame(source: HTMLVideoElement, points: Array<[number, number]>): Array<[number, number, number]> {
  const canvas = document.createElement('canvas');
  canvas.width = source.videoWidth;
  canvas.height = source.videoHeight;
  const context = canvas.getContext('2d', { willReadFrequently: true })!;
  context.drawImage(source, 0, 0);
  return points.map(([x, y]) => {
    const { data } = context.getImageData(x - 2, y - 2, 5, 5);
    const sum = [0, 0, 0];
    for (let i = 0; i < data.length; i += 4) {
      sum[0] += data[i];
      sum[1] += data[i + 1];
      sum[2] += data[i + 2];
    }
    return sum.map((v) => Math.round(v / 25)) as [number, number, number];
  });
}

/**
 * Watches getUserMedia without changing what it does, to see which constraints were asked and to reach every stream
 * it handed out (also ones the element dropped). `restore()` puts the browser's own function back.
 */
export function watchGetUserMedia() {
  const mediaDevices = navigator.mediaDevices;
  const original = mediaDevices.getUserMedia;
  const calls: MediaStreamConstraints[] = [];
  const streams: MediaStream[] = [];
  let called!: () => void;
  let delivered!: (stream: MediaStream) => void;
  const firstCall = new Promise<void>((resolve) => (called = resolve));
  const firstStream = new Promise<MediaStream>((resolve) => (delivered = resolve));
  mediaDevices.getUserMedia = async function (constraints?: MediaStreamConstraints) {
    calls.push(constraints ?? {});
    called();
    const stream = await original.call(mediaDevices, constraints);
    streams.push(stream);
    delivered(stream);
    return stream;
  };
  return {
    calls,
    streams,
    /** Settles when the element first asks for the camera. */
    firstCall,
    /** Settles with the first stream the browser hands over (also one the element no longer wants). */
    firstStream,
    // The replacement is an own property over the prototype's method; deleting it brings the browser's back.
    restore: () => Reflect.deleteProperty(mediaDevices, 'getUserMedia'),
  };
}
