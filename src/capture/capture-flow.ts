import { OzError } from '../errors.ts';
import { createJudge, defaultActionOptions } from '../face/actions.ts';
import type { Detector, DetectorFeature, FrameObservation } from '../face/detector.ts';
import { firstFrame, videoFrameOf } from '../face/frame-grab.ts';
import { defaultOval, defaultThresholds, guide, initialGuidance, type GuidanceState, type GuidanceThresholds, type Hint } from '../face/guidance.ts';
import { WorkerDetector } from '../face/worker-detector.ts';
import { BestShotPicker, encodeShot, type EncodedShot } from './best-shot.ts';
import { EvidenceLog, normaliseBox } from './evidence.ts';
import { PageWatch } from './page-watch.ts';
import type { ActionMedia, ActionMediaResult, MediaPlan } from './action-media.ts';
import { collectTechnical, type CaptureTimings } from './technical.ts';
import type { CaptureCallbacks, CaptureClip, CaptureFlowOptions, CaptureResult, CaptureState } from './types.ts';

export type { CaptureCallbacks, CaptureClip, CaptureFlowOptions, CaptureResult, CaptureState } from './types.ts';

const ORIENTATION_TAG = (w: number, h: number) => (h >= w ? 'orientation_portrait' : 'orientation_landscape');

/** The page went to the background during an action: the clip so far is discarded and the action starts over. */
class PageHidden extends Error {}

/**
 * Runs one capture: loading -> positioning -> for each action (instruct -> record -> judge) -> encoding -> done.
 * Everything it starts (the face worker, the recorder, timers, listeners, and by default the camera tracks) is
 * released when `run` settles, whether it succeeded, failed or was cancelled.
 */
export class CaptureFlow {
  #o: CaptureFlowOptions;
  #detector: Detector;
  #ownsDetector: boolean;
  #abort = new AbortController();
  #timers = new Set<ReturnType<typeof setTimeout>>();
  #media?: ActionMedia;
  #picker = new BestShotPicker();
  #guidance: GuidanceState = initialGuidance;
  #thresholds: GuidanceThresholds;
  #evidence = new EvidenceLog();
  #state?: CaptureState;
  #hint?: Hint;
  #lastFrameAt = 0;
  #frames = 0;
  #inferenceMs = 0;
  #guidanceStart = 0;
  #timings: CaptureTimings = {};
  #page: PageWatch;
  #running = false;

  constructor(options: CaptureFlowOptions) {
    if (!options.actions.length) throw new OzError('invalid_attribute', 'No actions to capture');
    this.#o = options;
    this.#ownsDetector = !options.detector;
    this.#detector = options.detector ?? new WorkerDetector({ assetsUrl: options.assetsUrl, loadTimeoutMs: options.modelLoadTimeoutMs });
    this.#thresholds = { ...defaultThresholds, ...options.thresholds };
    this.#page = new PageWatch(options.video, this.#evidence);
  }

  get state(): CaptureState | undefined {
    return this.#state;
  }

  /** Timers the flow has pending (0 once it has settled). */
  get pendingTimers(): number {
    return this.#timers.size;
  }

  /** The detector in use (the default face worker unless one was passed). */
  get detector(): Detector {
    return this.#detector;
  }

  /** True while an action is being recorded (by the recorder or as frames). */
  get recording(): boolean {
    return this.#media?.recording ?? false;
  }

  /** Stops the capture: `run` rejects with 'user_cancelled' and everything is released. */
  cancel(): void {
    if (!this.#abort.signal.aborted) this.#abort.abort(new OzError('user_cancelled', 'The capture was cancelled'));
  }

  #emit<K extends keyof CaptureCallbacks>(name: K, ...args: Parameters<NonNullable<CaptureCallbacks[K]>>): void {
    try {
      (this.#o[name] as ((...a: unknown[]) => void) | undefined)?.(...args);
    } catch {
      // A host callback's failure must not break the capture.
    }
  }

  #setState(state: CaptureState) {
    if (this.#state === state) return;
    this.#state = state;
    this.#evidence.add({ type: 'state', state });
    this.#emit('onState', state);
  }

  #sleep(ms: number): Promise<void> {
    const signal = this.#abort.signal;
    return new Promise((resolve, reject) => {
      if (signal.aborted) return reject(signal.reason);
      const timer = setTimeout(() => {
        this.#timers.delete(timer);
        signal.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      const onAbort = () => {
        clearTimeout(timer);
        this.#timers.delete(timer);
        reject(signal.reason);
      };
      this.#timers.add(timer);
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** Settles with `p`, or rejects as soon as the flow is cancelled. */
  #guard<T>(p: Promise<T>): Promise<T> {
    const signal = this.#abort.signal;
    if (signal.aborted) {
      // The work was started anyway; its own failure after the cancel is of no interest, but must not go unhandled.
      p.catch(() => undefined);
      return Promise.reject(signal.reason);
    }
    return new Promise<T>((resolve, reject) => {
      const onAbort = () => reject(signal.reason);
      signal.addEventListener('abort', onAbort, { once: true });
      p.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
    });
  }

  /** Grabs a frame, runs the detector and guidance, and offers the full frame to the best-shot picker if asked. */
  async #frame(features: readonly DetectorFeature[], keepShot: boolean): Promise<FrameObservation> {
    const minGap = 1000 / (this.#o.maxFps ?? 30);
    const due = this.#lastFrameAt + minGap;
    const wait = due - performance.now();
    if (wait > 1) await this.#sleep(wait);
    // Paced on the schedule, not on when the timer fired: a late timer shortens the next wait instead of lowering the rate.
    this.#lastFrameAt = Math.max(due, performance.now() - minGap / 2);
    const video = this.#o.video;
    const width = video.videoWidth, height = video.videoHeight;
    const timestamp = performance.now();
    const detectWidth = Math.min(width, this.#o.detectWidth ?? 320);
    const resize = { resizeWidth: detectWidth, resizeHeight: Math.round((height * detectWidth) / width), resizeQuality: 'low' } as const;
    // The full frame is only needed as a best-shot candidate; guidance alone takes the small copy straight away.
    const wantFull = keepShot && this.#o.extractBestShot !== false;
    // Taken now, before any await, so the frame kept is the one the detector sees.
    const grabbed = keepShot ? this.#media?.grab(video, timestamp) : undefined;
    // Where the detector takes VideoFrames, the frame goes over whole: nothing is scaled or copied on the page. A
    // browser that cannot make one from the video (none, or not at this moment) gets this frame as a bitmap.
    const frame = this.#detector.detectVideoFrame ? videoFrameOf(video) : null;
    let full: ImageBitmap | undefined;
    let obs: FrameObservation;
    try {
      full = wantFull ? await this.#guard(createImageBitmap(frame ?? video)) : undefined;
      if (frame) {
        obs = await this.#guard(this.#detector.detectVideoFrame!({ frame, width, height, timestamp, detectWidth }, features));
      } else {
        const small = await this.#guard(full ? createImageBitmap(full, resize) : createImageBitmap(video, resize));
        obs = await this.#guard(this.#detector.detect({ bitmap: small, width, height, timestamp }, features));
      }
    } catch (e) {
      full?.close();
      // Closing a frame the detector already owns (and closed) does nothing.
      frame?.close();
      throw e;
    }
    grabbed?.(obs);
    this.#frames++;
    this.#inferenceMs += obs.inferenceMs;
    if (full) this.#picker.offer(full, obs);
    const g = guide(this.#guidance, obs, this.#thresholds, this.#o.oval ?? defaultOval);
    this.#guidance = g.state;
    this.#timings.firstGuidanceMs ??= Math.round(performance.now() - this.#evidence.startedAt);
    this.#emit('onObservation', obs);
    this.#emit('onOvalFit', g.ovalFit);
    if (g.hint !== this.#hint) {
      this.#hint = g.hint;
      this.#evidence.add({ type: 'hint', hint: g.hint });
      this.#emit('onHint', g.hint);
    }
    return obs;
  }

  #release() {
    this.#page.stop();
    for (const t of this.#timers) clearTimeout(t);
    this.#timers.clear();
    this.#media?.abort();
    this.#media = undefined;
    this.#picker.dispose();
    if (this.#ownsDetector) this.#detector.dispose();
    if (this.#o.releaseCamera !== false) for (const track of this.#o.stream.getTracks()) track.stop();
  }

  #throwIfHidden(): void {
    if (this.#page.hiddenAt !== null) throw new PageHidden();
  }

  /**
   * Resolves once the page is visible again; fails with 'action_timeout' (details.reason 'page_hidden') when it stays
   * hidden longer than `limitMs`, so a forgotten background tab does not keep the camera on.
   */
  async #whileHidden(limitMs: number, details: Record<string, unknown>): Promise<void> {
    while (this.#page.hiddenAt !== null) {
      const left = this.#page.hiddenAt + limitMs - performance.now();
      if (left <= 0) {
        throw new OzError('action_timeout', `The page was hidden for longer than ${limitMs} ms`, { ...details, reason: 'page_hidden', timeLimitMs: limitMs });
      }
      await this.#sleep(Math.min(left, 100));
    }
  }

  /**
   * Guidance until the face has been in the oval for `holdMs`. While the page is hidden it waits (failing after
   * `hiddenLimitMs`, with `hiddenDetails`), then starts the hold over. `limitMs` > 0 bounds the whole positioning.
   */
  async #position(holdMs: number, limitMs: number, hiddenLimitMs: number, hiddenDetails: Record<string, unknown>): Promise<void> {
    this.#setState('positioning');
    const start = performance.now();
    let okSince: number | undefined;
    for (;;) {
      if (this.#page.hiddenAt !== null) {
        // Nobody can look at the oval in a background tab: wait for the page to come back.
        await this.#whileHidden(hiddenLimitMs, hiddenDetails);
        okSince = undefined;
      }
      const obs = await this.#frame(['detect'], false);
      if (this.#hint !== 'ok') okSince = undefined;
      else if (obs.timestamp - (okSince ??= obs.timestamp) >= holdMs) return;
      if (limitMs > 0 && performance.now() - start > limitMs) {
        throw new OzError('action_timeout', 'The face was not positioned in time', { stage: 'positioning', hint: this.#hint });
      }
    }
  }

  /** Runs the capture once. Rejects with an OzError ('user_cancelled' after `cancel`). */
  async run(): Promise<CaptureResult> {
    if (this.#running) throw new Error('CaptureFlow.run() may be called once');
    this.#running = true;
    try {
      return await this.#run();
    } catch (e) {
      const cancelled = this.#abort.signal.aborted;
      const error = cancelled ? (this.#abort.signal.reason as OzError) : e instanceof OzError ? e : new OzError('recorder_failed', 'The capture failed', { message: String(e) });
      if (cancelled) this.#evidence.add({ type: 'cancelled' });
      this.#setState(cancelled ? 'cancelled' : 'failed');
      throw error;
    } finally {
      this.#abort.abort(new OzError('user_cancelled', 'The capture has ended'));
      this.#release();
    }
  }

  async #run(): Promise<CaptureResult> {
    const o = this.#o;
    const track = o.stream.getVideoTracks()[0];
    if (!track || track.readyState !== 'live') throw new OzError('camera_track_ended', 'The camera stream has no live video track');
    const since = () => Math.round(performance.now() - this.#evidence.startedAt);
    this.#page.start();
    this.#setState('loading');
    // The recorder and the frame fallback load with the models: the page's entry stays small.
    const mediaModule = import('./action-media.ts');
    mediaModule.catch(() => {});
    await this.#guard(firstFrame(o.video, this.#abort.signal));
    this.#timings.firstFrameMs = since();
    await this.#guard(this.#detector.load(['detect'], this.#abort.signal));
    this.#timings.modelReadyMs = since();

    this.#guidanceStart = performance.now();
    const framesAtStart = this.#frames;
    const positionHold = o.positionHoldMs ?? 400;
    const actionOptions = { ...defaultActionOptions, ...o.actionOptions };
    const judges = o.actions.map((a) => createJudge(a, actionOptions));
    // The best shot needs no model of its own: it takes the face detector's keypoints when no action loads the mesh.
    // What the actions need loads while guidance runs, so a heavier model does not hold up the first hints.
    const needed = new Set<DetectorFeature>(judges.flatMap((j) => j.features));
    const actionModels = this.#detector.load([...needed], this.#abort.signal);
    actionModels.catch(() => {});
    await this.#position(positionHold, o.positioningTimeoutMs ?? 0, actionOptions.timeLimitMs, { stage: 'positioning' });
    const positioningFps = ((this.#frames - framesAtStart) * 1000) / (performance.now() - this.#guidanceStart);
    await this.#guard(actionModels);
    const { MediaPlan, RecorderLost, clipOf } = await this.#guard(mediaModule);
    const plan: MediaPlan = new MediaPlan(o.stream, o.captureMedia, o.recorder, o.frames);

    const clips: CaptureClip[] = [];
    const shots: EncodedShot[] = [];
    const retries = o.actionRetries ?? 0;
    for (const [index, action] of o.actions.entries()) {
      for (let attempt = 0; ; attempt++) {
        const judge = createJudge(action, actionOptions);
        const features: DetectorFeature[] = [...judge.features];
        this.#setState('instruct');
        this.#evidence.add({ type: 'action_started', action });
        this.#emit('onActionStarted', action, index, attempt);
        const media = plan.begin();
        let passed: FrameObservation | undefined;
        try {
          const instructUntil = performance.now() + (o.instructMs ?? 500);
          while (performance.now() < instructUntil) {
            this.#throwIfHidden();
            await this.#frame(['detect'], false);
          }
          this.#throwIfHidden();
          this.#media = media;
          // Resolves once recording has begun; frames are kept from then on until the recorder proves itself.
          await this.#guard(media.start());
          this.#setState('recording');
          this.#evidence.add({ type: 'recording_started', action, mime: media.mime });
          const deadline = performance.now() + actionOptions.timeLimitMs;
          while (!passed) {
            this.#throwIfHidden();
            const obs = await this.#frame(features, true);
            const verdict = judge.update(obs);
            this.#emit('onActionProgress', action, judge.progress);
            if (verdict === 'passed') passed = obs;
            else if (performance.now() > deadline) break;
          }
        } catch (e) {
          if (!(e instanceof PageHidden)) throw e;
          // What was recorded while the page went away is not a clip of the action: drop it, wait for the page,
          // guide the face back into the oval, then run the action again (an interruption is not a failed attempt).
          media.abort();
          this.#media = undefined;
          this.#picker.dispose();
          this.#evidence.add({ type: 'action_interrupted', action, reason: 'page_hidden' });
          await this.#whileHidden(actionOptions.timeLimitMs, { stage: 'action', action });
          await this.#position(positionHold, 0, actionOptions.timeLimitMs, { stage: 'action', action });
          attempt--;
          continue;
        }
        if (!passed) {
          media.abort();
          this.#media = undefined;
          this.#picker.dispose();
          const error = new OzError('action_timeout', `The action ${action} was not done within ${actionOptions.timeLimitMs} ms`, { action, timeLimitMs: actionOptions.timeLimitMs, attempt });
          this.#evidence.add({ type: 'action_failed', action, code: error.code });
          const willRetry = attempt < retries;
          this.#emit('onActionFailed', action, error, willRetry);
          if (!willRetry) throw error;
          continue;
        }
        let recorded: ActionMediaResult;
        try {
          recorded = await this.#guard(media.finish(action));
        } catch (e) {
          if (!(e instanceof RecorderLost)) throw e;
          // The recorder broke after its frames were dropped: the action runs again, as frames (the plan gave up on it).
          this.#picker.dispose();
          this.#evidence.add({ type: 'action_interrupted', action, reason: 'recorder_failed' });
          attempt--;
          continue;
        } finally {
          this.#media = undefined;
        }
        if (recorded.kind === 'frames') this.#evidence.add({ type: 'recorder_fallback', action, reason: recorded.reason });
        const face = passed.faces[0];
        this.#evidence.add({ type: 'action_passed', action, box: face ? normaliseBox(face.box, passed.width, passed.height) : undefined });
        const clip = clipOf(action, ['video_selfie', action, ORIENTATION_TAG(passed.width, passed.height)], recorded);
        clips.push(clip);
        this.#evidence.add({ type: 'clip', action, bytes: clip.blob.size, durationMs: clip.duration_ms });
        const best = this.#picker.take();
        if (best) {
          try {
            shots.push(await this.#guard(encodeShot(best, plan.encoder)));
            this.#evidence.add({ type: 'best_shot', action, box: normaliseBox(best.face.box, best.width, best.height), score: Math.round(best.score * 1000) / 1000 });
          } finally {
            best.bitmap.close();
          }
        }
        this.#emit('onActionCompleted', action, clip);
        break;
      }
    }

    this.#setState('encoding');
    this.#timings.meanInferenceMs = this.#frames ? Math.round((this.#inferenceMs / this.#frames) * 10) / 10 : undefined;
    this.#timings.guidanceFps = Math.round(positioningFps * 10) / 10;
    this.#timings.observedFrameRate = this.#page.observedFrameRate ?? track.getSettings().frameRate ?? undefined;
    this.#timings.totalMs = since();
    const load = this.#detector instanceof WorkerDetector ? this.#detector.lastLoad : undefined;
    const technical = await this.#guard(
      collectTechnical({
        track,
        timings: this.#timings,
        visibilityChanges: this.#page.visibility,
        orientationChanges: this.#page.orientation,
        models: load ? { backend: load.backend, files: load.models, bytes: load.modelBytes, loadMs: Math.round(load.loadMs) } : undefined,
      }),
    );
    technical.capture_media = plan.summary();
    const top = shots.reduce<EncodedShot | undefined>((a, b) => (!a || b.score > a.score ? b : a), undefined);
    const result: CaptureResult = {
      action: [...o.actions],
      best_frame: top?.jpeg ?? null,
      best_frame_png: top?.png ?? null,
      best_frame_bounding_box: top?.box ?? null,
      best_frame_landmarks: top?.landmarks ?? null,
      frame_list: shots.map((s) => s.jpeg),
      frame_bounding_box_list: shots.map((s) => s.box),
      clips,
      technical: { ...technical, evidence: this.#evidence.entries },
      evidence: this.#evidence.entries,
    };
    this.#setState('done');
    return result;
  }
}
