// WebKitGTK's MiniBrowser has no headless mode: it needs an X display. CI machines have none, so a launcher that
// finds DISPLAY unset starts its own Xvfb and stops it again with the browser.
import { spawn, type ChildProcess } from 'node:child_process';

export interface Display {
  /** The value for DISPLAY, e.g. ":3". */
  name: string;
  stop(): void;
}

/** The display already there, or a fresh Xvfb on the first free display number (Xvfb picks it: -displayfd). */
export async function ensureDisplay(): Promise<Display> {
  if (process.env.DISPLAY) return { name: process.env.DISPLAY, stop: () => {} };
  const xvfb: ChildProcess = spawn('Xvfb', ['-displayfd', '1', '-screen', '0', '1280x1024x24', '-nolisten', 'tcp'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // Also when the runner is interrupted: an Xvfb left behind would hold its display number and lock file.
  const kill = () => xvfb.kill();
  process.once('exit', kill);
  const number = await new Promise<string>((resolve, reject) => {
    let out = '';
    let err = '';
    xvfb.stdout!.on('data', (chunk: Buffer) => {
      out += chunk;
      if (out.includes('\n')) resolve(out.trim());
    });
    xvfb.stderr!.on('data', (chunk: Buffer) => (err += chunk));
    xvfb.once('error', (e) => reject(new Error(`Xvfb could not start (Debian: apt-get install xvfb): ${e.message}`)));
    xvfb.once('exit', (code) => reject(new Error(`Xvfb exited (${code}) before opening a display: ${err.trim()}`)));
  });
  return {
    name: `:${number}`,
    stop() {
      process.off('exit', kill);
      kill();
    },
  };
}
