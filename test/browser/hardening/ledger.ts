// A ledger of what the page hands out and gets back: camera tracks, workers, timers (setTimeout, setInterval,
// requestAnimationFrame, requestVideoFrameCallback) and listeners on window, document and screen.orientation. It
// wraps the browser's own functions, so it must be imported before the element's modules: `TrustedWorker` extends
// whatever `Worker` is when src/trusted-types.ts is evaluated.
//
// Timers and listeners count only when created by code whose stack matches `owner` (the element's sources by
// default): the test runner's own timers and listeners are not the element's.

type Key = string;

interface Entry {
  what: string;
  stack: string;
}

const ledger = {
  /** Which stacks belong to the code under test. */
  owner: /\/src\//,
  tracks: [] as MediaStreamTrack[],
  workersCreated: 0,
  workersTerminated: 0,
  timers: new Map<Key, Entry>(),
  listeners: new Map<Key, Entry>(),
  /** How many were created by the owner in all, to show the wrapping sees the code under test at all. */
  timersCreated: 0,
  listenersAdded: 0,
};

const stack = () => new Error().stack ?? '';
const owned = (s: string) => ledger.owner.test(s.split('\n').slice(2).join('\n'));

// Camera tracks: every track getUserMedia handed out, to check readyState at the end.
const mediaDevices = navigator.mediaDevices;
const getUserMedia = mediaDevices.getUserMedia.bind(mediaDevices);
mediaDevices.getUserMedia = async (constraints) => {
  const stream = await getUserMedia(constraints);
  ledger.tracks.push(...stream.getTracks());
  return stream;
};

// Workers: created minus terminated (none of the project's workers closes itself).
const NativeWorker = globalThis.Worker;
globalThis.Worker = class extends NativeWorker {
  constructor(url: string | URL, options?: WorkerOptions) {
    super(url, options);
    ledger.workersCreated++;
    let terminated = false;
    const terminate = this.terminate.bind(this);
    this.terminate = () => {
      if (!terminated) ledger.workersTerminated++;
      terminated = true;
      terminate();
    };
  }
};

// Timers: pending from creation until they fire (one-shot kinds) or are cleared.
let serial = 0;
function wrapTimer<A extends unknown[], R>(
  kind: string,
  create: (callback: (...args: A) => void, ...rest: never[]) => R,
  oneShot: boolean,
  keyOf: (handle: R, self: unknown) => Key,
) {
  return function (this: unknown, callback: (...args: A) => void, ...rest: never[]): R {
    const s = stack();
    if (!owned(s) || typeof callback !== 'function') return create.call(this, callback, ...rest);
    let key: Key | undefined;
    const self = this;
    const handle = create.call(
      this,
      function (this: unknown, ...args: A) {
        if (oneShot && key) ledger.timers.delete(key);
        return callback.apply(this, args);
      },
      ...rest,
    );
    key = keyOf(handle, self);
    ledger.timers.set(key, { what: kind, stack: s });
    ledger.timersCreated++;
    return handle;
  };
}
function wrapClear<H>(clear: (handle: H) => void, keyOf: (handle: H, self: unknown) => Key) {
  return function (this: unknown, handle: H) {
    ledger.timers.delete(keyOf(handle, this));
    return clear.call(this, handle);
  };
}
const videoIds = new WeakMap<object, number>();
const videoKey = (handle: number, video: unknown) => {
  if (!videoIds.has(video as object)) videoIds.set(video as object, ++serial);
  return `rvfc:${videoIds.get(video as object)}:${handle}`;
};
/* eslint-disable @typescript-eslint/no-explicit-any */
const w = window as any;
w.setTimeout = wrapTimer('setTimeout', window.setTimeout.bind(window) as any, true, (h) => `t:${h}`);
w.clearTimeout = wrapClear(window.clearTimeout.bind(window), (h) => `t:${h}`);
w.setInterval = wrapTimer('setInterval', window.setInterval.bind(window) as any, false, (h) => `t:${h}`);
w.clearInterval = wrapClear(window.clearInterval.bind(window), (h) => `t:${h}`);
w.requestAnimationFrame = wrapTimer('requestAnimationFrame', window.requestAnimationFrame.bind(window) as any, true, (h) => `raf:${h}`);
w.cancelAnimationFrame = wrapClear(window.cancelAnimationFrame.bind(window), (h) => `raf:${h}`);
const video = HTMLVideoElement.prototype as any;
video.requestVideoFrameCallback = wrapTimer('requestVideoFrameCallback', video.requestVideoFrameCallback, true, videoKey);
video.cancelVideoFrameCallback = wrapClear(video.cancelVideoFrameCallback, videoKey);

// Listeners on the page-wide targets: pending from add until remove, a `once` listener's call, or its signal's abort.
const targetIds = new Map<EventTarget, string>([
  [window, 'window'],
  [document, 'document'],
  ...(screen.orientation ? [[screen.orientation, 'screen.orientation'] as [EventTarget, string]] : []),
]);
const listenerIds = new WeakMap<object, number>();
const listenerKey = (target: EventTarget, type: string, listener: unknown, options?: boolean | EventListenerOptions) => {
  if (!listenerIds.has(listener as object)) listenerIds.set(listener as object, ++serial);
  const capture = typeof options === 'boolean' ? options : Boolean(options?.capture);
  return `${targetIds.get(target)}:${type}:${listenerIds.get(listener as object)}:${capture}`;
};
for (const target of targetIds.keys()) {
  const add = target.addEventListener.bind(target);
  const remove = target.removeEventListener.bind(target);
  target.addEventListener = (type: string, listener: any, options?: boolean | AddEventListenerOptions) => {
    const s = stack();
    if (listener && owned(s)) {
      const key = listenerKey(target, type, listener, options);
      ledger.listeners.set(key, { what: `${targetIds.get(target)} ${type}`, stack: s });
      ledger.listenersAdded++;
      if (typeof options === 'object' && options.once) add(type, () => ledger.listeners.delete(key), { once: true, capture: options.capture });
      if (typeof options === 'object' && options.signal) options.signal.addEventListener('abort', () => ledger.listeners.delete(key), { once: true });
    }
    add(type, listener, options);
  };
  target.removeEventListener = (type: string, listener: any, options?: boolean | EventListenerOptions) => {
    if (listener) ledger.listeners.delete(listenerKey(target, type, listener, options));
    remove(type, listener, options);
  };
}
/* eslint-enable @typescript-eslint/no-explicit-any */

export interface Outstanding {
  liveTracks: number;
  tracks: number;
  liveWorkers: number;
  workers: number;
  timers: Entry[];
  timersCreated: number;
  listeners: Entry[];
  listenersAdded: number;
}

/** What is still held right now. */
export function outstanding(): Outstanding {
  return {
    liveTracks: ledger.tracks.filter((t) => t.readyState !== 'ended').length,
    tracks: ledger.tracks.length,
    liveWorkers: ledger.workersCreated - ledger.workersTerminated,
    workers: ledger.workersCreated,
    timers: [...ledger.timers.values()],
    timersCreated: ledger.timersCreated,
    listeners: [...ledger.listeners.values()],
    listenersAdded: ledger.listenersAdded,
  };
}

/** Counts timers and listeners created by code matching `owner` from now on (the element's sources by default). */
export function countOwnedBy(owner: RegExp): void {
  ledger.owner = owner;
}

/** The first line of each entry's stack that belongs to the code under test, for a readable failure. */
export function where(entries: Entry[]): string[] {
  return entries.map((e) => `${e.what} from ${e.stack.split('\n').slice(2).find((l) => ledger.owner.test(l))?.trim() ?? '?'}`);
}
