// The check without its view: a LivenessSession on a plain <video>, no Lit and no <oz-liveness> on the page. The
// fake camera plays the frontal face through the real detector, recorder, container worker and emulator.
import { expect } from '@open-wc/testing';
import { resolveConfig, type RawConfig } from '../../../src/config.ts';
import { OzError } from '../../../src/errors.ts';
import { en } from '../../../src/i18n/en.ts';
import { LivenessSession, type SessionEventMap, type SessionState } from '../../../src/session/session.ts';
import type { Detector } from '../../../src/face/detector.ts';
import { WorkerDetector } from '../../../src/face/worker-detector.ts';
import { emulator, failEveryUploadAttempt, injectFaults } from '../../support/emulator.ts';

const TUNING = { positionHoldMs: 200, instructMs: 200, modelLoadTimeoutMs: 60_000 };

interface Harness {
  session: LivenessSession;
  video: HTMLVideoElement;
  states: SessionState[];
  events: string[];
  /** Every track the session's camera handed out. */
  tracks: MediaStreamTrack[];
}

function harness(detector?: Detector): Harness {
  const video = document.createElement('video');
  video.muted = true;
  document.body.append(video);
  const session = new LivenessSession({ strings: () => en, preview: async () => video, tuning: () => TUNING, detector: detector && (() => detector) });
  const states: SessionState[] = [];
  const events: string[] = [];
  const tracks: MediaStreamTrack[] = [];
  session.addEventListener('state', ({ detail }) => {
    if (states.at(-1) !== detail.state) states.push(detail.state);
    if (detail.state === 'preview') tracks.push(...(video.srcObject as MediaStream).getTracks());
  });
  for (const type of ['complete', 'capture-complete', 'error', 'result'] as const) session.addEventListener(type, () => events.push(type));
  return { session, video, states, events, tracks };
}

const config = (raw: RawConfig) => resolveConfig(raw, document.baseURI);

function next<K extends keyof SessionEventMap>(session: LivenessSession, type: K): Promise<SessionEventMap[K]> {
  return new Promise((resolve) => session.addEventListener(type, (event) => resolve(event as SessionEventMap[K]), { once: true }));
}

/** The outcome event, or the session's error as a failed test instead of a timeout. */
function outcome<K extends keyof SessionEventMap>(session: LivenessSession, type: K): Promise<SessionEventMap[K]> {
  return Promise.race([
    next(session, type),
    next(session, 'error').then(({ detail }) => Promise.reject(new Error(`${detail.error.code}: ${detail.error.message}`))),
  ]);
}

describe('LivenessSession', () => {
  let current: Harness | null = null;
  afterEach(async () => {
    current?.session.disconnect();
    current?.video.remove();
    current = null;
    await injectFaults([]);
  });

  it('runs without the element: no Lit element is defined on this page', () => {
    expect(customElements.get('oz-liveness')).to.equal(undefined);
  });

  it('runs token, camera, positioning, action, packing, upload and polling to a result (normal, container)', async () => {
    const { apiUrl } = await emulator();
    current = harness();
    const { session, video, states, tracks } = current;
    const done = outcome(session, 'complete');
    await session.open(config({ architecture: 'normal', useWasmContainer: true, apiUrl, resultMode: 'status' }));
    expect(states).to.deep.equal(['starting', 'preview']);
    const { result } = (await done).detail;
    expect(result.state).to.equal('finished');
    expect(result.analyses?.quality?.resolution).to.equal('SUCCESS');
    expect(states.slice(0, 6)).to.deep.equal(['starting', 'preview', 'positioning', 'action', 'recording', 'packing']);
    expect(states.at(-1)).to.equal('done');
    expect(states).to.include('uploading');
    expect(session.undelivered).to.equal(null);
    // The camera is off once the capture is over.
    expect(tracks.length).to.be.above(0);
    expect(tracks.every((track) => track.readyState === 'ended')).to.equal(true);
    expect(video.srcObject === null || (video.srcObject as MediaStream).getTracks().every((t) => t.readyState === 'ended')).to.equal(true);
  });

  it('loads the face model while the token is fetched and the camera opens, not after the first frame', async () => {
    const { apiUrl } = await emulator();
    const order: string[] = [];
    const face = new WorkerDetector();
    const detector: Detector = {
      load: (features, signal) => (order.push('load'), face.load(features, signal)),
      detect: (frame, features) => face.detect(frame, features),
      dispose: () => face.dispose(),
    };
    current = harness(detector);
    const { session } = current;
    session.addEventListener('state', ({ detail }) => order.push(detail.state));
    const done = outcome(session, 'capture-complete');
    await session.open(config({ architecture: 'capture', action: 'video_selfie_blank', apiUrl, apiUseSessionToken: 'api' }));
    await done;
    expect(order.slice(0, 3), 'asked for as the check starts, before the token and the camera').to.deep.equal(['starting', 'load', 'preview']);
    expect(face.lastLoad?.models).to.deep.equal(['facemesh-detection-short.json', 'facemesh-detection-short.bin']);
    face.dispose();
  });

  it('hands the capture over without a token or an upload (capture, no container)', async () => {
    current = harness();
    const { session, events } = current;
    const hints: string[] = [];
    session.addEventListener('hint', ({ detail }) => hints.push(detail.hint));
    const started: number[] = [];
    session.addEventListener('action-started', ({ detail }) => started.push(detail.index, detail.count));
    const done = outcome(session, 'capture-complete');
    // No api-url: a capture that never asked the API for anything works with none.
    await session.open(config({ architecture: 'capture', action: 'video_selfie_blank', extractBestShot: true }));
    const { result, container } = (await done).detail;
    expect(container).to.equal(null);
    expect(result.action).to.deep.equal(['video_selfie_blank']);
    expect(result.clips).to.have.length(1);
    expect(result.clips[0]!.blob.size).to.be.above(0);
    expect(result.best_frame).to.match(/^data:image\/jpeg;base64,/);
    expect(hints).to.include('ok');
    expect(started).to.deep.equal([0, 1]);
    expect(events).to.deep.equal(['capture-complete']);
  });

  it('stops at once when its AbortSignal aborts: camera off, no outcome, no error', async () => {
    current = harness();
    const { session, states, tracks, events } = current;
    const abort = new AbortController();
    const positioning = new Promise<void>((resolve) =>
      session.addEventListener('state', ({ detail }) => detail.state === 'positioning' && resolve()),
    );
    await session.open(config({ architecture: 'capture' }), { signal: abort.signal });
    await positioning;
    abort.abort(new OzError('user_cancelled', 'stopped by the test'));
    const statesAtAbort = states.length;
    // Anything the run still had in flight settles without a word.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(tracks.every((track) => track.readyState === 'ended')).to.equal(true);
    expect(states.length).to.equal(statesAtAbort);
    expect(events).to.deep.equal([]);
  });

  it('keeps a capture whose upload failed, and retryUpload() delivers it without capturing again', async () => {
    const { faultyUrl } = await emulator();
    current = harness();
    const { session } = current;
    const failed = next(session, 'error');
    await failEveryUploadAttempt();
    await session.open(config({ architecture: 'normal', useWasmContainer: true, apiUrl: faultyUrl, resultMode: 'status' }));
    const { error, undelivered } = (await failed).detail;
    expect(error.code).to.equal('upload_failed');
    expect(error.message).to.equal(en.errors.upload_failed);
    expect(undelivered?.capture.clips).to.have.length(1);
    expect(undelivered?.container).to.be.instanceOf(Blob);
    expect(session.undelivered).to.equal(undelivered);

    const retried: SessionState[] = [];
    session.addEventListener('state', ({ detail }) => retried.push(detail.state));
    const done = outcome(session, 'complete');
    await session.retryUpload(config({ architecture: 'normal', useWasmContainer: true, apiUrl: faultyUrl, resultMode: 'status' }));
    expect((await done).detail.result.state).to.equal('finished');
    // Delivered as it was: no camera, no positioning, no packing again.
    expect(retried[0]).to.equal('uploading');
    expect(retried.at(-1)).to.equal('done');
    expect(retried.filter((state) => state !== 'processing')).to.deep.equal(['uploading', 'done']);
    expect(session.undelivered).to.equal(null);
  });

  it('refuses a missing client token before the camera turns on', async () => {
    current = harness();
    const { session, states, tracks } = current;
    const failed = next(session, 'error');
    const opened = session.open(config({ architecture: 'normal', apiUseSessionToken: 'client' }));
    const rejection = await opened.then(
      () => null,
      (error: unknown) => error,
    );
    expect(rejection).to.be.instanceOf(OzError);
    expect((rejection as OzError).code).to.equal('session_token_missing');
    expect((await failed).detail.error.code).to.equal('session_token_missing');
    expect(states).to.deep.equal(['starting']);
    expect(tracks).to.deep.equal([]);
    expect(session.camera.stream).to.equal(null);
  });

  it('has nothing to retry before a delivery failed', async () => {
    current = harness();
    const rejection = await current.session.retryUpload(config({ architecture: 'normal' })).then(
      () => null,
      (error: unknown) => error,
    );
    expect((rejection as OzError).code).to.equal('upload_failed');
  });
});
