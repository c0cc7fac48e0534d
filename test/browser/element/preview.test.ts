import { expect, oneEvent } from '@open-wc/testing';
import { element, shell, liveStream, part, recordStates, sampleFrame, video, watchGetUserMedia } from './helpers.ts';

// Reference colours of test/fixtures/camera/face-frontal.jpg (5x5 averages), as the fake camera delivers them.
const FRONTAL: Array<{ at: [number, number]; rgb: [number, number, number]; what: string }> = [
  { at: [320, 240], rgb: [183, 136, 114], what: 'centre of the face (skin)' },
  { at: [320, 160], rgb: [244, 214, 200], what: 'forehead' },
  { at: [250, 240], rgb: [210, 177, 148], what: 'lit cheek, left of the frame' },
  { at: [390, 240], rgb: [157, 124, 95], what: 'shaded cheek, right of the frame' },
  { at: [320, 440], rgb: [0, 0, 0], what: 'dark suit' },
];

describe('<oz-liveness> preview (frontal face camera)', () => {
  it('goes idle -> starting -> preview and shows the camera frames, unmirrored in the stream', async () => {
    const el = await element();
    const states = recordStates(el);
    expect(el.state).to.equal('idle');
    await el.open();
    // The capture flow takes over from the preview at once (positioning); the shell's part ends at 'preview'.
    expect(states.slice(0, 2).map((e) => e.detail)).to.deep.equal([
      { state: 'starting', previous: 'idle' },
      { state: 'preview', previous: 'starting' },
    ]);
    expect(states.every((e) => e.bubbles && e.composed)).to.equal(true);

    const v = video(el);
    expect(v.videoWidth).to.equal(640);
    expect(v.videoHeight).to.equal(480);
    const pixels = sampleFrame(v, FRONTAL.map((p) => p.at));
    FRONTAL.forEach(({ rgb, what }, i) => {
      pixels[i].forEach((channel, c) => expect(Math.abs(channel - rgb[c]), `${what}: got ${pixels[i]}, want ${rgb}`).to.be.at.most(16));
    });
    // Not Chromium's built-in green test pattern.
    expect(pixels[0][1]).to.be.below(pixels[0][0]);
    el.close();
  });

  it('asks for the camera without audio, at ideal 640x480 and 30 fps, and gets at least 320x240 at 15 fps', async () => {
    const watch = watchGetUserMedia();
    try {
      const el = await element();
      await el.open();
      expect(watch.calls).to.have.length(1);
      expect(watch.calls[0].audio).to.equal(false);
      expect(watch.calls[0].video).to.deep.include({ width: { ideal: 640 }, height: { ideal: 480 }, frameRate: { ideal: 30 } });
      const settings = liveStream(el).getVideoTracks()[0].getSettings();
      expect(liveStream(el).getAudioTracks()).to.have.length(0);
      expect(settings.width).to.be.at.least(320);
      expect(settings.frameRate).to.be.at.least(15);
      el.close();
    } finally {
      watch.restore();
    }
  });

  it('mirrors the preview with CSS only, for the user-facing camera', async () => {
    const el = await element();
    await el.open();
    expect(getComputedStyle(video(el)).transform).to.equal('matrix(-1, 0, 0, 1, 0, 0)');
    el.setAttribute('facing-mode', 'environment');
    await oneEvent(el, 'state');
    await el.open();
    expect(getComputedStyle(video(el)).transform).to.equal('none');
    el.close();
  });

  it('shows the hint in a polite live region and moves focus to cancel when started from the start button', async () => {
    const el = await element();
    const preview = oneEvent(el, 'state').then(() => oneEvent(el, 'state'));
    part<HTMLButtonElement>(el, 'start-button')!.focus();
    part<HTMLButtonElement>(el, 'start-button')!.click();
    await preview;
    await el.updateComplete;
    const hint = part(el, 'hint')!;
    expect(hint.getAttribute('aria-live')).to.equal('polite');
    expect(hint.textContent).to.equal('Place your face inside the oval');
    expect(el.shadowRoot!.activeElement).to.equal(part(el, 'cancel-button'));
    el.close();
  });

  it('releases the camera on close() and fires close', async () => {
    const el = await element();
    await el.open();
    const tracks = liveStream(el).getTracks();
    expect(tracks.every((t) => t.readyState === 'live')).to.equal(true);
    const states = recordStates(el);
    const closed = oneEvent(el, 'close');
    el.close();
    const event = await closed;
    expect(event.detail).to.deep.equal({ reason: 'host' });
    expect(tracks.every((t) => t.readyState === 'ended')).to.equal(true);
    expect(video(el).srcObject).to.equal(null);
    expect(states.map((e) => e.detail.state)).to.deep.equal(['closed']);
    expect(['preview', 'positioning']).to.include(states[0]!.detail.previous);
    await el.updateComplete;
    expect(part(el, 'start-screen')).to.exist;
  });

  it('closes with reason user_cancelled from the cancel button', async () => {
    const el = await element();
    await el.open();
    const tracks = liveStream(el).getTracks();
    const closed = oneEvent(el, 'close');
    part<HTMLButtonElement>(el, 'cancel-button')!.click();
    expect((await closed).detail.reason).to.equal('user_cancelled');
    expect(tracks.every((t) => t.readyState === 'ended')).to.equal(true);
  });

  it('releases the camera when the element leaves the page', async () => {
    const el = await element();
    await el.open();
    const tracks = liveStream(el).getTracks();
    const closed = oneEvent(el, 'close');
    el.remove();
    await closed;
    expect(tracks.every((t) => t.readyState === 'ended')).to.equal(true);
    expect(el.state).to.equal('closed');
  });

  it('releases a camera that arrives after close() was called during start', async () => {
    const watch = watchGetUserMedia();
    try {
      const el = await element();
      const opening = el.open();
      expect(el.state).to.equal('starting');
      await watch.firstCall;
      el.close();
      const error = await opening.then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).to.have.property('code', 'user_cancelled');
      const late = await watch.firstStream;
      // The controller stops it in the microtasks that follow getUserMedia's answer; a new task comes after them.
      await new Promise((resolve) => setTimeout(resolve));
      expect(late.getTracks().every((t) => t.readyState === 'ended')).to.equal(true);
      expect(el.state).to.equal('closed');
    } finally {
      watch.restore();
    }
  });

  it('hide() hides the element and keeps the camera running; open() shows it again', async () => {
    const el = await element();
    await el.open();
    const track = liveStream(el).getVideoTracks()[0];
    el.hide();
    expect(el.hidden).to.equal(true);
    expect(getComputedStyle(el).display).to.equal('none');
    expect(track.readyState).to.equal('live');
    expect(['preview', 'positioning']).to.include(el.state);
    await el.open();
    expect(el.hidden).to.equal(false);
    expect(liveStream(el).getVideoTracks()[0]).to.equal(track);
    el.close();
  });

  it('lists the cameras after permission and switches with selectCamera (exact deviceId)', async () => {
    const el = await element();
    expect(el.devices).to.have.length(0);
    await el.open();
    expect(el.devices.length).to.be.at.least(1);
    expect(el.devices.every((d) => d.kind === 'videoinput' && d.label !== '')).to.equal(true);
    const first = liveStream(el).getVideoTracks()[0];
    const watch = watchGetUserMedia();
    try {
      const states = recordStates(el);
      await el.selectCamera(el.devices[0].deviceId);
      expect(states.slice(0, 2).map((e) => e.detail.state)).to.deep.equal(['starting', 'preview']);
      expect((watch.calls[0].video as MediaTrackConstraints).deviceId).to.deep.equal({ exact: el.devices[0].deviceId });
      expect(el.activeDeviceId).to.equal(el.devices[0].deviceId);
      expect(first.readyState).to.equal('ended');
      expect(liveStream(el).getVideoTracks()[0].readyState).to.equal('live');
    } finally {
      watch.restore();
      el.close();
    }
  });

  it('asks for the remembered camera as ideal when opened again', async () => {
    const el = await element();
    await el.open();
    const used = el.activeDeviceId;
    el.close();
    const watch = watchGetUserMedia();
    try {
      await el.open();
      expect((watch.calls[0].video as MediaTrackConstraints).deviceId).to.deep.equal({ ideal: used });
    } finally {
      watch.restore();
      el.close();
    }
  });

  it('uses the ru texts and the host overrides', async () => {
    const el = await element({ lang: 'ru' });
    expect(part(el, 'start-button')!.textContent!.trim()).to.equal('Начать');
    el.strings = { startButton: 'Поехали' };
    await el.updateComplete;
    expect(part(el, 'start-button')!.textContent!.trim()).to.equal('Поехали');
    await el.open();
    expect(part(el, 'hint')!.textContent).to.equal('Поместите лицо в овал');
    expect(video(el).getAttribute('aria-label')).to.equal('Изображение с камеры');
    el.close();
  });
});

describe('<oz-liveness> opened before it is in the page', () => {
  it('keeps the camera off until connected, then shows the preview', async () => {
    const watch = watchGetUserMedia();
    try {
      const el = shell(document.createElement('oz-liveness'));
      const opening = el.open();
      // Let pending tasks run: nothing may ask for the camera while the element is not in the page.
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(el.state).to.equal('starting');
      expect(watch.calls).to.have.length(0);
      document.body.append(el);
      await opening;
      expect(['preview', 'positioning']).to.include(el.state);
      expect(watch.calls).to.have.length(1);
      el.remove();
      expect(watch.streams[0].getTracks().every((t) => t.readyState === 'ended')).to.equal(true);
    } finally {
      watch.restore();
    }
  });
});
