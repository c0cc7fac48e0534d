import type { FacingMode } from '../config.js';
import { OzError, cameraError } from '../errors.js';
import type { Strings } from '../i18n/types.js';

/** The least a camera must give: liveness needs a face of useful size and smooth motion. */
export const CAMERA_MINIMUM = { width: 320, height: 240, frameRate: 15 } as const;

export interface CameraRequest {
  /** From the `device-id` attribute: must be that camera (fails loudly). */
  deviceId?: string;
  facingMode: FacingMode;
}

export interface CameraOptions {
  /** Current texts (they follow the host's language and overrides). */
  strings: () => Strings;
  /** The live track ended without close(): the camera was unplugged, taken away, or revoked. */
  onTrackEnded: (error: OzError) => void;
  /** The open camera or the device list changed (a view redraws its picker). */
  onChange?: () => void;
}

/**
 * The getUserMedia constraints. Sizes and rate are `ideal` only: a `min` makes some browsers (Firefox on Android)
 * fail or never prompt; the minimum is checked on the settings the camera actually gave (see cameraShortfall).
 */
export function cameraConstraints(request: CameraRequest, remembered?: string): MediaTrackConstraints {
  const constraints: MediaTrackConstraints = {
    width: { ideal: 640 },
    height: { ideal: 480 },
    frameRate: { ideal: 30 },
  };
  if (request.deviceId) {
    constraints.deviceId = { exact: request.deviceId };
  } else {
    constraints.facingMode = { ideal: request.facingMode };
    if (remembered) constraints.deviceId = { ideal: remembered };
  }
  return constraints;
}

/**
 * What the camera lacks against CAMERA_MINIMUM, or null. Portrait phones report width < height, so the sides are
 * compared sorted. Cameras sold as 15 fps report 15000/1001 (14.985), hence the half-frame tolerance.
 */
export function cameraShortfall(settings: MediaTrackSettings): string | null {
  const { width, height, frameRate } = settings;
  if (width !== undefined && height !== undefined) {
    const long = Math.max(width, height);
    const short = Math.min(width, height);
    if (long < CAMERA_MINIMUM.width || short < CAMERA_MINIMUM.height) return `resolution ${width}x${height}`;
  }
  if (frameRate !== undefined && frameRate < CAMERA_MINIMUM.frameRate - 0.5) return `frame rate ${frameRate}`;
  return null;
}

const stopStream = (stream: MediaStream) => stream.getTracks().forEach((track) => track.stop());

/**
 * Owns the camera: acquisition with the constraints above, the device list (filled after permission, when labels
 * exist), the live track's lifecycle, and release on stop() and on disconnect() (the view left the page).
 */
export class Camera {
  #stream: MediaStream | null = null;
  #devices: MediaDeviceInfo[] = [];
  /** The camera last used without an explicit device-id, tried first next time (quiet fallback if gone). */
  #remembered: { deviceId: string; facingMode: FacingMode } | null = null;
  /** Bumped by stop(): a start() still waiting for getUserMedia sees it changed and releases what it got. */
  #generation = 0;

  constructor(private readonly options: CameraOptions) {}

  get stream(): MediaStream | null {
    return this.#stream;
  }

  get track(): MediaStreamTrack | null {
    return this.#stream?.getVideoTracks()[0] ?? null;
  }

  /** Video inputs, known after the first successful start (before that browsers hide labels and ids). */
  get devices(): readonly MediaDeviceInfo[] {
    return this.#devices;
  }

  /** Follows plugged and unplugged cameras while the view is on the page. */
  connect(): void {
    navigator.mediaDevices?.addEventListener('devicechange', this.#onDeviceChange);
  }

  /** Stops following the device list and releases the camera. */
  disconnect(): void {
    navigator.mediaDevices?.removeEventListener('devicechange', this.#onDeviceChange);
    this.stop();
  }

  /**
   * Opens the camera, replacing any open one. Rejects with an OzError camera code; if stop() is called meanwhile,
   * releases the new stream and rejects with 'user_cancelled'.
   */
  async start(request: CameraRequest): Promise<MediaStream> {
    this.stop();
    const generation = this.#generation;
    const strings = this.options.strings();
    const messages = strings.errors;
    const mediaDevices = navigator.mediaDevices as MediaDevices | undefined;
    if (!mediaDevices || typeof mediaDevices.getUserMedia !== 'function') {
      throw new OzError('camera_unsupported', messages.camera_unsupported, { secureContext: globalThis.isSecureContext });
    }
    const remembered = this.#remembered?.facingMode === request.facingMode ? this.#remembered.deviceId : undefined;
    let stream: MediaStream;
    try {
      stream = await mediaDevices.getUserMedia({ audio: false, video: cameraConstraints(request, remembered) });
    } catch (error) {
      throw cameraError(error, strings);
    }
    if (generation !== this.#generation) {
      stopStream(stream);
      throw new OzError('user_cancelled', messages.user_cancelled);
    }
    const track = stream.getVideoTracks()[0];
    if (!track) {
      stopStream(stream);
      throw new OzError('camera_not_found', messages.camera_not_found);
    }
    const settings = track.getSettings();
    const shortfall = cameraShortfall(settings);
    if (shortfall) {
      stopStream(stream);
      throw new OzError('camera_overconstrained', messages.camera_overconstrained, {
        shortfall,
        settings: { width: settings.width, height: settings.height, frameRate: settings.frameRate },
      });
    }
    this.#stream = stream;
    track.addEventListener('ended', this.#onEnded);
    if (!request.deviceId && settings.deviceId) {
      this.#remembered = { deviceId: settings.deviceId, facingMode: request.facingMode };
    }
    await this.#refreshDevices();
    if (generation !== this.#generation) throw new OzError('user_cancelled', messages.user_cancelled);
    return stream;
  }

  /** Releases the camera (the light goes off) and abandons any start() in flight. */
  stop(): void {
    this.#generation++;
    const stream = this.#stream;
    if (!stream) return;
    this.#stream = null;
    for (const track of stream.getTracks()) {
      track.removeEventListener('ended', this.#onEnded);
      track.stop();
    }
    this.options.onChange?.();
  }

  /** The settings of the live track (size, rate, deviceId, facingMode when the browser reports it). */
  get settings(): MediaTrackSettings | null {
    return this.track?.getSettings() ?? null;
  }

  #onEnded = () => {
    this.stop();
    this.options.onTrackEnded(new OzError('camera_track_ended', this.options.strings().errors.camera_track_ended));
  };

  #onDeviceChange = () => {
    if (this.#devices.length) void this.#refreshDevices();
  };

  async #refreshDevices(): Promise<void> {
    try {
      const all = await navigator.mediaDevices.enumerateDevices();
      this.#devices = all.filter((device) => device.kind === 'videoinput');
    } catch {
      // The list only feeds the camera picker; the open camera works without it.
      this.#devices = [];
    }
    this.options.onChange?.();
  }
}
