// Shared by the fault-matrix tests: watchers over what the element really does (camera streams, workers, HTTP
// requests, unhandled rejections), so each test can assert the outcome from the outside.
import './worker-spy.ts';
import { expect } from '@open-wc/testing';
import '../../../src/define.ts';
import type { OzLiveness } from '../../../src/oz-liveness.ts';
import type { OzErrorEvent, OzState } from '../../../src/events.ts';
import { watchGetUserMedia } from '../element/helpers.ts';
export { TUNING, flowElement } from '../element/helpers.ts';

export type { OzLiveness };
export { watchWorkers, type WatchedWorker } from './worker-spy.ts';


/** Resolves when the element enters `state` (at once if it is there). */
export function reached(el: OzLiveness, state: OzState): Promise<void> {
  if (el.state === state) return Promise.resolve();
  return new Promise((resolve) => {
    const on = (e: Event) => {
      if ((e as CustomEvent<{ state: OzState }>).detail.state !== state) return;
      el.removeEventListener('state', on);
      resolve();
    };
    el.addEventListener('state', on);
  });
}

/** The next `name` event, or a test failure carrying the element's error code if `error` comes first. */
export function outcome<T extends Event>(el: OzLiveness, name: string): Promise<T> {
  return new Promise((resolve, reject) => {
    el.addEventListener(name, (e) => resolve(e as T), { once: true });
    el.addEventListener('error', (e) => reject(new Error(`${(e as OzErrorEvent).detail.code}: ${(e as OzErrorEvent).detail.message}`)), { once: true });
  });
}

/** The next `error` event, or a test failure if the flow finishes instead. */
export function failure(el: OzLiveness): Promise<OzErrorEvent> {
  return new Promise((resolve, reject) => {
    el.addEventListener('error', (e) => resolve(e as OzErrorEvent), { once: true });
    for (const name of ['capture-complete', 'complete']) el.addEventListener(name, () => reject(new Error(`expected an error, got ${name}`)), { once: true });
  });
}

/** Every camera stream handed to the page from now on; `allEnded()` says whether the camera is off. */
export function watchCamera() {
  const watch = watchGetUserMedia();
  return {
    streams: watch.streams,
    allEnded: () => watch.streams.flatMap((s) => s.getTracks()).every((t) => t.readyState === 'ended'),
    restore: watch.restore,
  };
}

/** Asserts the error screen: an alertdialog with the message, focus on the retry button. */
export async function expectErrorScreen(el: OzLiveness, message: string): Promise<HTMLButtonElement> {
  await el.updateComplete;
  const root = el.shadowRoot!;
  expect(root.querySelector('[part~="error-screen"]')!.getAttribute('role')).to.equal('alertdialog');
  expect(root.querySelector('[part~="error-message"]')!.textContent).to.equal(message);
  const retry = root.querySelector<HTMLButtonElement>('[part~="retry-button"]')!;
  expect(root.activeElement).to.equal(retry);
  return retry;
}

export interface WatchedRequest {
  method: string;
  url: string;
  sessionToken?: string;
  /** performance.now() and the wall clock when the request was opened. */
  openedAt: number;
  openedAtWall: number;
  aborted: boolean;
  status?: number;
  response?: string;
}

/**
 * Every XMLHttpRequest the element makes from now on. `timeoutCapMs` lowers the element's per-request time limit
 * (60 s) so that a hanging server is given up on within a test's time; the timeout itself is the browser's.
 */
export function watchRequests(options: { timeoutCapMs?: number } = {}) {
  const proto = XMLHttpRequest.prototype;
  const { open, send, setRequestHeader } = proto;
  const requests: WatchedRequest[] = [];
  const entries = new WeakMap<XMLHttpRequest, WatchedRequest>();
  proto.open = function (this: XMLHttpRequest, method: string, url: string | URL, ...rest: unknown[]) {
    const entry: WatchedRequest = { method, url: String(url), openedAt: performance.now(), openedAtWall: Date.now(), aborted: false };
    entries.set(this, entry);
    requests.push(entry);
    this.addEventListener('abort', () => (entry.aborted = true));
    this.addEventListener('load', () => {
      entry.status = this.status;
      entry.response = this.responseText;
    });
    return (open as (...a: unknown[]) => void).call(this, method, url, ...(rest.length ? rest : [true]));
  } as typeof proto.open;
  proto.setRequestHeader = function (this: XMLHttpRequest, name: string, value: string) {
    const entry = entries.get(this);
    if (entry && name.toLowerCase() === 'x-session-token') entry.sessionToken = value;
    return setRequestHeader.call(this, name, value);
  };
  proto.send = function (this: XMLHttpRequest, body?: XMLHttpRequestBodyInit | null) {
    if (options.timeoutCapMs !== undefined) this.timeout = Math.min(this.timeout || Infinity, options.timeoutCapMs);
    return send.call(this, body);
  };
  return {
    requests,
    to: (path: string) => requests.filter((r) => new URL(r.url).pathname.startsWith(path)),
    restore: () => Object.assign(proto, { open, send, setRequestHeader }),
  };
}

/** Unhandled promise rejections in the page from now on. */
export function watchUnhandled() {
  const reasons: unknown[] = [];
  const on = (e: PromiseRejectionEvent) => reasons.push(e.reason);
  window.addEventListener('unhandledrejection', on);
  return { reasons, restore: () => window.removeEventListener('unhandledrejection', on) };
}

/** Every event the element fires from now on, by name. */
export function recordEvents(el: OzLiveness): string[] {
  const names: string[] = [];
  for (const name of ['state', 'error', 'close', 'capture-complete', 'complete', 'result', 'upload-progress']) {
    el.addEventListener(name, (e) => names.push(name === 'state' ? `state:${(e as CustomEvent<{ state: string }>).detail.state}` : name));
  }
  return names;
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
