// Where the tests and tools find a Chromium: CHROME_PATH, else Debian's /usr/bin/chromium, else an installed Chrome.
import { existsSync } from 'node:fs';

const candidates = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
  '/usr/bin/google-chrome-stable',
  '/opt/google/chrome/chrome',
  '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
  '/Applications/Chromium.app/Contents/MacOS/Chromium',
];

export const installHint =
  'No Chromium found: install one (Debian/Ubuntu: sudo apt-get install -y chromium) or set CHROME_PATH to a Chrome or Chromium binary.';

/** The browser binary, or null. A CHROME_PATH that does not exist counts as not found. */
export function findChrome() {
  if (process.env.CHROME_PATH) return existsSync(process.env.CHROME_PATH) ? process.env.CHROME_PATH : null;
  return candidates.find((path) => existsSync(path)) ?? null;
}

/** Flags every headless run here needs: root needs --no-sandbox; the network flags stop calls to unreachable hosts. */
export const baseChromeArgs = [
  '--headless=new',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-sync',
  '--disable-dev-shm-usage',
  '--disable-quic',
  '--autoplay-policy=no-user-gesture-required',
];

/** Fake-camera flags for a scene file (absolute path), or the built-in pattern when file is omitted. */
export function fakeCameraArgs(file, { prompt = 'accept' } = {}) {
  const args = ['--use-fake-device-for-media-stream'];
  if (prompt === 'accept') args.push('--use-fake-ui-for-media-stream');
  if (file) args.push(`--use-file-for-fake-video-capture=${file}`);
  return args;
}
