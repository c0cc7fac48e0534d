// The fault matrix, camera and page side: each row drives <oz-liveness> in real Chromium with the frontal face scene
// and the real detector, and asserts what the host sees (events, codes), that the camera is off afterwards, and that
// the UI stays usable. Delivery faults are in fault-matrix-delivery.test.ts; docs/fault-matrix.md lists every row.
import './worker-spy.ts';
import { expect, fixture, html } from '@open-wc/testing';
import { setViewport } from '@web/test-runner-commands';
import type { OzCaptureCompleteEvent } from '../../../src/events.ts';
import type { EvidenceEntry } from '../../../src/capture/evidence.ts';
import { emulator, injectFaults } from '../../support/emulator.ts';
import { NoFaceDetector, liveStream } from '../element/helpers.ts';
import {
  expectErrorScreen,
  failure,
  flowElement,
  outcome,
  reached,
  recordEvents,
  sleep,
  watchCamera,
  watchRequests,
  watchUnhandled,
  watchWorkers,
  TUNING,
  type OzLiveness,
} from './helpers.ts';

/** Headless Chromium cannot hide a tab: override what the page reads and send the event a real switch sends. */
function setPageVisible(visible: boolean): void {
  if (visible) {
    Reflect.deleteProperty(document, 'visibilityState');
    Reflect.deleteProperty(document, 'hidden');
  } else {
    Object.defineProperty(document, 'visibilityState', { value: 'hidden', configurable: true });
    Object.defineProperty(document, 'hidden', { value: true, configurable: true });
  }
  document.dispatchEvent(new Event('visibilitychange'));
}

/** Runs `fn` synchronously the first time the element enters `state` (before the flow's next step). */
function onState(el: OzLiveness, state: string, fn: () => void): void {
  const on = (e: Event) => {
    if ((e as CustomEvent<{ state: string }>).detail.state !== state) return;
    el.removeEventListener('state', on);
    fn();
  };
  el.addEventListener('state', on);
}

describe('fault matrix: camera and page', function () {
  this.timeout(90_000);
  let camera: ReturnType<typeof watchCamera>;
  beforeEach(() => {
    camera = watchCamera();
  });
  afterEach(() => {
    camera.restore();
    setPageVisible(true);
  });

  it('row 1: permission dismissed → camera_permission_denied, camera never on, retry asks again', async () => {
    const el = await flowElement({ architecture: 'capture' });
    el.detector = new NoFaceDetector();
    const failed = failure(el);
    // Chromium rejects with this DOMException when the prompt is closed without an answer; no prompt can be dismissed
    // headless, so the browser's call is replaced for this one attempt.
    navigator.mediaDevices.getUserMedia = () => Promise.reject(new DOMException('Permission dismissed', 'NotAllowedError'));
    try {
      await el.open().catch(() => undefined);
    } finally {
      Reflect.deleteProperty(navigator.mediaDevices, 'getUserMedia');
    }
    const { detail } = await failed;
    expect(detail.code).to.equal('camera_permission_denied');
    expect(detail.details).to.deep.include({ name: 'NotAllowedError', message: 'Permission dismissed' });
    const retry = await expectErrorScreen(el, detail.message);
    camera = watchCamera();
    const preview = reached(el, 'preview');
    retry.click();
    await preview;
    expect(liveStream(el).getVideoTracks()[0]!.readyState).to.equal('live');
    el.close();
    expect(camera.allEnded()).to.equal(true);
  });

  it('row 2: camera unplugged while an action records → camera_track_ended, camera off, nothing uploaded', async () => {
    const { faultyUrl } = await emulator();
    await injectFaults([]);
    const requests = watchRequests();
    try {
      const el = await flowElement({ architecture: 'normal', 'api-url': faultyUrl });
      const failed = failure(el);
      // A fake device cannot be unplugged: stop the real track and deliver the 'ended' event Chromium sends then.
      onState(el, 'recording', () => {
        const track = liveStream(el).getVideoTracks()[0]!;
        track.stop();
        track.dispatchEvent(new Event('ended'));
      });
      await el.open();
      const { detail } = await failed;
      expect(detail.code).to.equal('camera_track_ended');
      expect(detail.capture).to.equal(undefined);
      expect(camera.allEnded()).to.equal(true);
      await sleep(500);
      expect(requests.to('/api/folders/')).to.have.length(0);
      expect(requests.to('/api/authorize/session_token')).to.have.length(1);
      const retry = await expectErrorScreen(el, detail.message);
      const preview = reached(el, 'preview');
      retry.click();
      await preview;
      el.close();
      expect(camera.allEnded()).to.equal(true);
    } finally {
      requests.restore();
    }
  });

  it('row 3: tab hidden while an action records → the clip is dropped, the action starts over from guidance, completes', async () => {
    const el = await flowElement({ architecture: 'capture' });
    const states: string[] = [];
    el.addEventListener('state', (e) => states.push(e.detail.state));
    onState(el, 'recording', () => {
      setPageVisible(false);
      setTimeout(() => setPageVisible(true), 600);
    });
    const done = outcome<OzCaptureCompleteEvent>(el, 'capture-complete');
    await el.open();
    const { result } = (await done).detail;
    expect(result.clips).to.have.length(1);
    // Guidance ran again after the interruption, then the action was instructed and recorded a second time.
    expect(states.slice(states.indexOf('recording') + 1)).to.include.ordered.members(['positioning', 'action', 'recording']);
    const evidence = result.evidence as EvidenceEntry[];
    const at = (type: string) => evidence.findIndex((e) => e.type === type);
    const interrupted = evidence.find((e) => e.type === 'action_interrupted');
    expect(interrupted).to.deep.include({ action: 'video_selfie_blank', reason: 'page_hidden' });
    expect(evidence.filter((e) => e.type === 'recording_started')).to.have.length(2);
    expect(at('clip')).to.be.greaterThan(evidence.findIndex((e) => e.type === 'visibility' && e.visible));
    const visibility = result.technical.visibility_changes as { visible: boolean }[];
    expect(visibility.map((v) => v.visible)).to.deep.equal([false, true]);
    expect(camera.allEnded()).to.equal(true);
  });

  it('row 3: tab hidden longer than the action limit → action_timeout (reason page_hidden), camera off, retry usable', async () => {
    const el = await flowElement({ architecture: 'capture' });
    el.captureOptions = { ...el.captureOptions, actionOptions: { timeLimitMs: 1500 } };
    onState(el, 'recording', () => setPageVisible(false));
    const failed = failure(el);
    await el.open();
    const { detail } = await failed;
    expect(detail.code).to.equal('action_timeout');
    expect(detail.details).to.deep.include({ reason: 'page_hidden', stage: 'action', action: 'video_selfie_blank', timeLimitMs: 1500 });
    expect(camera.allEnded()).to.equal(true);
    setPageVisible(true);
    const retry = await expectErrorScreen(el, detail.message);
    const done = outcome<OzCaptureCompleteEvent>(el, 'capture-complete');
    retry.click();
    expect((await done).detail.result.clips).to.have.length(1);
  });

  it('row 4: orientation change mid-capture → the capture completes, the change is in the technical data', async () => {
    await setViewport({ width: 480, height: 720 });
    try {
      const el = await flowElement({ architecture: 'capture' });
      onState(el, 'action', () => void setViewport({ width: 720, height: 480, isLandscape: true } as Parameters<typeof setViewport>[0]));
      const done = outcome<OzCaptureCompleteEvent>(el, 'capture-complete');
      await el.open();
      const { result } = (await done).detail;
      expect(result.clips).to.have.length(1);
      const changes = result.technical.orientation_changes as { orientation: string }[];
      expect(changes.map((c) => c.orientation)).to.include('landscape-primary');
      expect(result.evidence.some((e) => e.type === 'orientation')).to.equal(true);
      expect(camera.allEnded()).to.equal(true);
    } finally {
      await setViewport({ width: 800, height: 600, isLandscape: true } as Parameters<typeof setViewport>[0]);
    }
  });

  it('row 5: the face models cannot be loaded → face_model_load_failed, camera off, retry works once they can', async () => {
    // A folder with no models/ in it, as a host's misconfigured assets-url gives.
    const el = await flowElement({ architecture: 'capture', 'assets-url': '/test/fixtures/camera/' });
    const failed = failure(el);
    await el.open();
    const { detail } = await failed;
    expect(detail.code).to.equal('face_model_load_failed');
    expect(camera.allEnded()).to.equal(true);
    const retry = await expectErrorScreen(el, detail.message);
    el.removeAttribute('assets-url');
    await el.updateComplete;
    expect(el.state).to.equal('error');
    const positioning = reached(el, 'positioning');
    retry.click();
    await positioning;
    el.close();
    expect(camera.allEnded()).to.equal(true);
  });

  it('row 12: two elements on one page both capture without interfering', async () => {
    const box = await fixture<HTMLDivElement>(html`<div>
      <oz-liveness architecture="capture"></oz-liveness><oz-liveness architecture="capture"></oz-liveness>
    </div>`);
    const [a, b] = [...box.querySelectorAll('oz-liveness')] as OzLiveness[];
    for (const el of [a!, b!]) el.captureOptions = { ...TUNING };
    const done = [outcome<OzCaptureCompleteEvent>(a!, 'capture-complete'), outcome<OzCaptureCompleteEvent>(b!, 'capture-complete')];
    await Promise.all([a!.open(), b!.open()]);
    const [ra, rb] = (await Promise.all(done)).map((e) => e.detail.result);
    expect(ra!.clips).to.have.length(1);
    expect(rb!.clips).to.have.length(1);
    expect(ra!.clips[0]!.blob).not.to.equal(rb!.clips[0]!.blob);
    expect(camera.streams).to.have.length(2);
    expect(camera.allEnded()).to.equal(true);
  });

  it('row 12: closing one of two elements leaves the other camera live, and the other still completes', async () => {
    const box = await fixture<HTMLDivElement>(html`<div>
      <oz-liveness architecture="capture"></oz-liveness><oz-liveness architecture="capture"></oz-liveness>
    </div>`);
    const [a, b] = [...box.querySelectorAll('oz-liveness')] as OzLiveness[];
    for (const el of [a!, b!]) el.captureOptions = { ...TUNING };
    await Promise.all([a!.open(), b!.open()]);
    const streamA = liveStream(a!);
    const streamB = liveStream(b!);
    const done = outcome<OzCaptureCompleteEvent>(b!, 'capture-complete');
    a!.close();
    expect(streamA.getTracks().every((t) => t.readyState === 'ended')).to.equal(true);
    expect(streamB.getVideoTracks()[0]!.readyState).to.equal('live');
    expect((await done).detail.result.clips).to.have.length(1);
    expect(a!.state).to.equal('closed');
    expect(camera.allEnded()).to.equal(true);
  });

  it('row 13: element removed while an action records → camera off, face worker terminated, no further events', async () => {
    const workers = watchWorkers();
    const unhandled = watchUnhandled();
    try {
      const box = await fixture<HTMLDivElement>(html`<div><oz-liveness architecture="capture"></oz-liveness></div>`);
      const el = box.querySelector('oz-liveness') as OzLiveness;
      el.captureOptions = { ...TUNING };
      const removed = new Promise<string[]>((resolve) =>
        onState(el, 'recording', () => {
          const events = recordEvents(el);
          el.remove();
          resolve(events);
        }),
      );
      await el.open();
      const events = await removed;
      await sleep(1500);
      expect(events).to.deep.equal(['state:closed', 'close']);
      expect(camera.allEnded()).to.equal(true);
      const face = workers.of('face.worker');
      expect(face).to.have.length(1);
      expect(face[0]!.terminated).to.equal(true);
      expect(unhandled.reasons).to.deep.equal([]);
    } finally {
      workers.restore();
      unhandled.restore();
    }
  });

  it('row 13: element removed during the upload → request aborted, container worker terminated, no further events', async () => {
    const { faultyUrl } = await emulator();
    // The upload hangs, so the element is surely removed while it is in flight.
    await injectFaults([{ path: '/api/folders/', kind: 'hang' }]);
    const workers = watchWorkers();
    const unhandled = watchUnhandled();
    const requests = watchRequests();
    try {
      const box = await fixture<HTMLDivElement>(html`<div><oz-liveness architecture="normal" use-wasm-container></oz-liveness></div>`);
      const el = box.querySelector('oz-liveness') as OzLiveness;
      el.apiUrl = faultyUrl;
      el.captureOptions = { ...TUNING };
      const uploading = reached(el, 'uploading');
      await el.open();
      await uploading;
      while (requests.to('/api/folders/').length === 0) await sleep(50);
      const events = recordEvents(el);
      el.remove();
      await sleep(1500);
      expect(events).to.deep.equal(['state:closed', 'close']);
      expect(camera.allEnded()).to.equal(true);
      const uploads = requests.to('/api/folders/');
      expect(uploads).to.have.length(1);
      expect(uploads[0]!.aborted).to.equal(true);
      const container = workers.of('container.worker');
      expect(container).to.have.length(1);
      expect(container[0]!.terminated).to.equal(true);
      expect(workers.of('face.worker').every((w) => w.terminated)).to.equal(true);
      expect(unhandled.reasons).to.deep.equal([]);
    } finally {
      workers.restore();
      unhandled.restore();
      requests.restore();
      await injectFaults([]);
    }
  });
});
