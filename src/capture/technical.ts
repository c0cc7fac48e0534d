import { PACKAGE_VERSION } from './version.ts';

/**
 * Camera labels that suggest a virtual or fake camera. These are hints for the backend's risk scoring, not proof:
 * a label is whatever the driver says, a real injector can name itself anything, and a genuine camera may match.
 */
const VIRTUAL_CAMERA_PATTERNS: [RegExp, string][] = [
  [/\bOBS\b/i, 'obs'],
  [/virtual/i, 'virtual'],
  [/manycam/i, 'manycam'],
  [/snap ?camera/i, 'snap_camera'],
  [/xsplit/i, 'xsplit'],
  [/droidcam/i, 'droidcam'],
  [/epoccam/i, 'epoccam'],
  [/iriun/i, 'iriun'],
  [/camo\b/i, 'camo'],
  [/mmhmm/i, 'mmhmm'],
  [/nvidia broadcast/i, 'nvidia_broadcast'],
  [/v4l2 ?loopback|dummy/i, 'v4l2loopback'],
  [/fake/i, 'fake_device'],
];

export function virtualCameraHints(label: string): string[] {
  return VIRTUAL_CAMERA_PATTERNS.filter(([re]) => re.test(label)).map(([, name]) => name);
}

export async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

interface UADataLike {
  brands?: { brand: string; version: string }[];
  mobile?: boolean;
  platform?: string;
  getHighEntropyValues?(hints: string[]): Promise<Record<string, unknown>>;
}

async function clientHints(): Promise<Record<string, unknown> | null> {
  const ua = (navigator as Navigator & { userAgentData?: UADataLike }).userAgentData;
  if (!ua) return null;
  const low = { brands: ua.brands, mobile: ua.mobile, platform: ua.platform };
  if (!ua.getHighEntropyValues) return low;
  try {
    return { ...low, ...(await ua.getHighEntropyValues(['architecture', 'bitness', 'model', 'platformVersion', 'fullVersionList', 'wow64'])) };
  } catch {
    return low;
  }
}

/** What the capture flow measured while it ran. */
export interface CaptureTimings {
  /** ms from the flow's start to the first preview frame, to the model being ready, to the first guidance hint. */
  firstFrameMs?: number;
  modelReadyMs?: number;
  firstGuidanceMs?: number;
  /** Detector figures: mean inference time and guidance frames per second. */
  meanInferenceMs?: number;
  guidanceFps?: number;
  /** Frame rate of the camera as observed through requestVideoFrameCallback (or the track settings). */
  observedFrameRate?: number;
  totalMs?: number;
}

export interface TechnicalInput {
  track: MediaStreamTrack;
  timings: CaptureTimings;
  visibilityChanges: { t: number; visible: boolean }[];
  orientationChanges: { t: number; orientation: string }[];
  models?: { backend: string; files: string[]; bytes: Record<string, number>; loadMs: number };
}

/** The technical data block that travels with the capture (and into the container's `technical` section). */
export async function collectTechnical(input: TechnicalInput): Promise<Record<string, unknown>> {
  const { track } = input;
  const settings: Record<string, unknown> = { ...track.getSettings() };
  const capabilities: Record<string, unknown> = typeof track.getCapabilities === 'function' ? { ...track.getCapabilities() } : {};
  // Device and group ids identify hardware across sites; only their hashes travel.
  for (const bag of [settings, capabilities]) {
    for (const key of ['deviceId', 'groupId']) {
      if (typeof bag[key] === 'string' && bag[key]) bag[key] = `sha256:${await sha256Hex(bag[key] as string)}`;
    }
  }
  const label = track.label;
  const hints = virtualCameraHints(label);
  return {
    sdk: { name: 'oz-liveness', version: PACKAGE_VERSION },
    user_agent: navigator.userAgent,
    client_hints: await clientHints(),
    platform: navigator.platform,
    language: navigator.language,
    hardware_concurrency: navigator.hardwareConcurrency,
    screen: {
      width: screen.width,
      height: screen.height,
      avail_width: screen.availWidth,
      avail_height: screen.availHeight,
      pixel_ratio: devicePixelRatio,
      orientation: screen.orientation?.type,
    },
    camera: { label, settings, capabilities, virtual_camera_hints: hints, virtual_camera_hint: hints.length > 0 },
    timings: input.timings,
    visibility_changes: input.visibilityChanges,
    orientation_changes: input.orientationChanges,
    models: input.models,
    collected_at: new Date().toISOString(),
  };
}
