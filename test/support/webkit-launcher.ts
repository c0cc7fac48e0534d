// A web-test-runner launcher for WebKit, the engine of Safari, as Debian ships it: WebKitGTK's MiniBrowser driven by
// WebKitWebDriver over plain W3C WebDriver HTTP (no client library needed for four endpoints). The runner only needs
// a page opened at its URL; results come back from the page over the runner's own web socket.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import type { BrowserLauncher } from '@web/test-runner-core';
import { ensureDisplay, type Display } from './xvfb.ts';

export const MINIBROWSER = '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser';
const DRIVER = 'WebKitWebDriver';

export const webkitInstallHint = `WebKit not found: install it (Debian: apt-get install -y webkit2gtk-driver xvfb), or set WEBKIT_MINIBROWSER to a MiniBrowser binary.`;

/** The MiniBrowser binary, or null. */
export function findMiniBrowser(): string | null {
  const path = process.env.WEBKIT_MINIBROWSER ?? MINIBROWSER;
  return existsSync(path) ? path : null;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

interface WebKitOptions {
  binary: string;
  /** Extra MiniBrowser switches. Mock capture devices give a synthetic camera without a permission prompt. */
  args?: string[];
}

class WebKitLauncher implements BrowserLauncher {
  name = 'WebKit';
  type = 'webkit-webdriver';
  // One browser window: sessions run one after another.
  concurrency = 1;
  #driver: ChildProcess | null = null;
  #display: Display | null = null;
  #base = '';
  #session: Promise<string> | null = null;
  #active = new Set<string>();
  #url = new Map<string, string>();

  constructor(private readonly options: WebKitOptions) {}

  async #call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await fetch(this.#base + path, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const answer = (await response.json()) as { value: T & { error?: string; message?: string } };
    if (!response.ok) throw new Error(`WebDriver ${method} ${path}: ${answer.value?.error} ${answer.value?.message ?? ''}`);
    return answer.value;
  }

  async #start(): Promise<string> {
    this.#display = await ensureDisplay();
    const port = await freePort();
    this.#base = `http://127.0.0.1:${port}`;
    const driver = spawn(DRIVER, [`--port=${port}`], { stdio: 'ignore', env: { ...process.env, DISPLAY: this.#display.name } });
    this.#driver = driver;
    const exited = new Promise<never>((_, reject) => {
      driver.once('error', (e) => reject(new Error(`${DRIVER} could not start: ${e.message}. ${webkitInstallHint}`)));
      driver.once('exit', (code) => reject(new Error(`${DRIVER} exited (${code})`)));
    });
    // Only a failure while starting matters here; the driver's exit at stop() is expected.
    exited.catch(() => undefined);
    // The driver answers /status once it listens; until then connections are refused.
    for (;;) {
      const ready = await Promise.race([
        exited,
        this.#call<{ ready: boolean }>('GET', '/status').then((s) => s.ready, () => false),
      ]);
      if (ready) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const created = await this.#call<{ sessionId: string; capabilities: { browserVersion?: string } }>('POST', '/session', {
      capabilities: {
        alwaysMatch: {
          'webkitgtk:browserOptions': {
            binary: this.options.binary,
            args: ['--automation', ...(this.options.args ?? [])],
          },
        },
      },
    });
    console.log(`WebKit: WebKitGTK ${created.capabilities.browserVersion ?? '(version not reported)'} (MiniBrowser, display ${this.#display.name})`);
    return created.sessionId;
  }

  async startSession(sessionId: string, url: string): Promise<void> {
    const session = await (this.#session ??= this.#start());
    this.#active.add(sessionId);
    this.#url.set(sessionId, url);
    await this.#call('POST', `/session/${session}/url`, { url });
  }

  isActive(sessionId: string): boolean {
    return this.#active.has(sessionId);
  }

  async getBrowserUrl(sessionId: string): Promise<string | undefined> {
    if (!this.#session || !this.#active.has(sessionId)) return this.#url.get(sessionId);
    return this.#call<string>('GET', `/session/${await this.#session}/url`);
  }

  async stopSession(sessionId: string) {
    this.#active.delete(sessionId);
    // A blank page stops whatever the test left running (camera, workers, timers) before the next file.
    if (this.#session) await this.#call('POST', `/session/${await this.#session}/url`, { url: 'about:blank' });
    return {};
  }

  startDebugSession(): Promise<void> {
    throw new Error('WebKit: debug sessions are not supported; run MiniBrowser by hand on the test URL');
  }

  async stop(): Promise<void> {
    try {
      if (this.#session) await this.#call('DELETE', `/session/${await this.#session}`);
    } catch {
      // The browser may already be gone; the driver and display still have to go.
    }
    this.#session = null;
    this.#driver?.kill();
    this.#driver = null;
    this.#display?.stop();
    this.#display = null;
  }
}

export function webkitLauncher(options: WebKitOptions): BrowserLauncher {
  return new WebKitLauncher(options);
}
