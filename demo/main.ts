import '../src/index.ts';
import type { OzLiveness } from '../src/index.ts';
import type { CaptureResult } from '../src/capture/capture-flow.ts';
import { multipartBody } from '../src/capture/upload-body.ts';
import { inspectContainer } from '../src/container/open.ts';

const liveness = document.querySelector<OzLiveness>('#liveness')!;
const form = document.querySelector<HTMLFormElement>('#settings')!;
const log = document.querySelector<HTMLOListElement>('#log')!;
const stateOutput = document.querySelector<HTMLOutputElement>('#state')!;
const deviceSelect = form.querySelector<HTMLSelectElement>('select[name="device-id"]')!;

function record(name: string, detail: unknown, kind = '') {
  const item = document.createElement('li');
  item.className = kind;
  item.textContent = `${new Date().toLocaleTimeString()}  ${name}  ${JSON.stringify(detail)}`;
  log.append(item);
  item.scrollIntoView({ block: 'nearest' });
}

// Every form control mirrors one attribute: selects and text set it, checkboxes add or remove it, empty removes it.
function apply(control: HTMLInputElement | HTMLSelectElement) {
  const name = control.name;
  if (control instanceof HTMLInputElement && control.type === 'checkbox') {
    liveness.toggleAttribute(name, control.checked);
  } else if (control.value === '') {
    liveness.removeAttribute(name);
  } else {
    liveness.setAttribute(name, control.value);
  }
}

// Empty api-url means this page's origin, whatever port the demo is served on.
form.querySelector<HTMLInputElement>('input[name="api-url"]')!.placeholder = location.origin;

// Query parameters preset the form (e.g. ?architecture=capture&action=video_selfie_scan&autostart), so a page
// opened by a script runs a capture with no hand on the keyboard.
const query = new URLSearchParams(location.search);
for (const control of form.querySelectorAll<HTMLInputElement | HTMLSelectElement>('input, select')) {
  const preset = query.get(control.name);
  if (preset !== null) {
    if (control instanceof HTMLInputElement && control.type === 'checkbox') control.checked = preset !== 'false';
    else control.value = preset;
  }
  apply(control);
}
form.addEventListener('change', (event) => apply(event.target as HTMLInputElement | HTMLSelectElement));

function listDevices() {
  const current = deviceSelect.value;
  deviceSelect.replaceChildren(new Option('(any camera)', ''));
  liveness.devices.forEach((device, index) => {
    deviceSelect.add(new Option(device.label || `Camera ${index + 1}`, device.deviceId));
  });
  deviceSelect.value = current;
}

liveness.addEventListener('state', (event) => {
  stateOutput.value = event.detail.state;
  record('state', event.detail);
  if (event.detail.state === 'preview') listDevices();
});
liveness.addEventListener('close', (event) => record('close', event.detail));

const outcome = document.querySelector<HTMLElement>('.outcome')!;
const outcomeMedia = document.querySelector<HTMLElement>('#outcome-media')!;
const outcomeText = document.querySelector<HTMLPreElement>('#outcome-text')!;
const forwardButton = document.querySelector<HTMLButtonElement>('#forward')!;
const retryButton = document.querySelector<HTMLButtonElement>('#retry-upload')!;
const forwardResult = document.querySelector<HTMLPreElement>('#forward-result')!;
let pending: { result: CaptureResult; container: Blob | null } | null = null;

/** Shows what a capture produced: best frame, clips, container header, and the result without the bulky parts. */
async function showCapture(result: CaptureResult, container: Blob | null, note: string) {
  outcome.hidden = false;
  outcomeMedia.replaceChildren();
  if (result.best_frame) {
    const img = new Image();
    img.src = result.best_frame;
    img.alt = 'Best frame';
    outcomeMedia.append(img);
  }
  for (const clip of result.clips) {
    if (clip.kind === 'frames') {
      // A frame sequence is no video a <video> can play: its first and last frames stand for it.
      for (const frame of [clip.frames[0], clip.frames.at(-1)]) {
        if (!frame) continue;
        const img = new Image();
        img.src = URL.createObjectURL(frame.jpeg);
        img.alt = `Frame of ${clip.action} at ${frame.t} ms`;
        outcomeMedia.append(img);
      }
      continue;
    }
    const video = document.createElement('video');
    video.src = URL.createObjectURL(clip.blob);
    video.controls = true;
    video.muted = true;
    video.setAttribute('aria-label', `Clip ${clip.action}`);
    outcomeMedia.append(video);
  }
  const summary: Record<string, unknown> = {
    note,
    action: result.action,
    clips: result.clips.map((c) => ({
      action: c.action,
      kind: c.kind,
      ...(c.kind === 'frames' ? { reason: c.reason, frames: c.frames.length } : {}),
      tags: c.tags,
      mime: c.mime,
      bytes: c.blob.size,
      duration_ms: c.duration_ms,
    })),
    best_frame_bounding_box: result.best_frame_bounding_box,
    frame_bounding_box_list: result.frame_bounding_box_list,
  };
  if (container) {
    const header = inspectContainer(new Uint8Array(await container.arrayBuffer()));
    summary.container = { bytes: container.size, type: container.type, sessionId: header.sessionId, createdAt: new Date(header.createdAt).toISOString(), suite: [header.kemId, header.kdfId, header.aeadId].map((n) => `0x${n.toString(16).padStart(4, '0')}`) };
  }
  outcomeText.textContent = JSON.stringify(summary, null, 2);
}

liveness.addEventListener('capture-complete', (event) => {
  const { result, container } = event.detail;
  record('capture-complete', { clips: result.clips.length, container: container ? `${container.size} bytes` : null }, 'ok');
  pending = { result, container };
  forwardButton.hidden = false;
  retryButton.hidden = true;
  void showCapture(result, container, 'architecture "capture": the page holds the capture; forward it to the backend');
});
liveness.addEventListener('upload-progress', (event) => {
  if (event.detail.loaded === event.detail.total) record('upload-progress', event.detail);
});
liveness.addEventListener('result', (event) => record('result', event.detail));
liveness.addEventListener('complete', (event) => {
  record('complete', event.detail, 'ok');
  outcome.hidden = false;
  outcomeMedia.replaceChildren();
  forwardButton.hidden = true;
  retryButton.hidden = true;
  outcomeText.textContent = JSON.stringify(event.detail.result, null, 2);
  const folderId = event.detail.result.folder_id;
  if (folderId) void showFolder(folderId);
});

/** The emulator's folder, read by the example backend (the page holds no access token). */
async function showFolder(folderId: string) {
  const answer = await fetch(`/backend/folders/${encodeURIComponent(folderId)}`);
  forwardResult.hidden = false;
  forwardResult.textContent = `The emulator's folder, read by the backend (${answer.status}):\n${JSON.stringify(await answer.json(), null, 2)}`;
}
liveness.addEventListener('error', (event) => {
  const { capture, container, ...rest } = event.detail;
  record('error', rest, 'error');
  retryButton.hidden = !capture;
  if (capture) void showCapture(capture, container ?? null, 'the upload failed; nothing is lost: retryUpload() sends it again');
});

// The host's backend side of architecture "capture": the page posts what it got, the backend forwards it to the API
// with its own access token (server/backend-example.ts).
forwardButton.addEventListener('click', async () => {
  if (!pending) return;
  const body = pending.container ?? multipartBody(pending.result, JSON.parse(form.meta.value || '{}'));
  const answer = await fetch('/backend/forward', {
    method: 'POST',
    body,
    headers: pending.container ? { 'content-type': 'application/octet-stream' } : undefined,
  });
  forwardResult.hidden = false;
  forwardResult.textContent = `The API's answer to the backend (${answer.status}):\n${JSON.stringify(await answer.json(), null, 2)}`;
  record('backend forward', { status: answer.status }, answer.ok ? 'ok' : 'error');
});
retryButton.addEventListener('click', () => liveness.retryUpload().catch(() => undefined));

/** In client mode the page gets the token from its backend before opening, as an integrator would. */
async function start() {
  outcome.hidden = true;
  forwardResult.hidden = true;
  if (liveness.apiUseSessionToken === 'client') {
    const answer = await fetch('/backend/session-token');
    liveness.sessionToken = (await answer.json()).session_token;
    record('backend session token', { status: answer.status });
  }
  await liveness.open();
}

if (query.has('autostart')) start().catch(() => undefined);

document.querySelector('.buttons')!.addEventListener('click', (event) => {
  const call = (event.target as HTMLElement).closest<HTMLButtonElement>('[data-call]')?.dataset.call;
  if (call === 'open') start().catch(() => undefined);
  else if (call === 'hide') liveness.hide();
  else if (call === 'close') liveness.close();
});
document.querySelector('#clear-log')!.addEventListener('click', () => log.replaceChildren());
