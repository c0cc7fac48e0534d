// A real API emulator for the browser tests, with a fault-injecting proxy in front of it. Tests reach both through
// server commands (executeServerCommand from @web/test-runner-commands):
//   'emulator-info'          -> { apiUrl, faultyUrl }  (the emulator itself, and the proxy in front of it);
//                            with { sessionTokenTtlSeconds } a second emulator whose session tokens live that long
//   'emulator-faults' { faults: Fault[] } queues faults; each applies to one request through the proxy, in order,
//                            then the proxy passes requests through untouched
//   'emulator-clock' { offsetMs } moves the emulator's clock (tokens and sessions expire without waiting)
//   'emulator-folder' { folderId } reads a stored folder with the emulator's admin account
//   'emulator-requests'      -> how many requests reached the proxy since the last 'emulator-faults'
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, request as httpRequest, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { buildEmulator } from '../../server/app.ts';
import { DEFAULT_EMAIL, DEFAULT_PASSWORD } from '../../server/config.ts';

/** A fault for the next request through the proxy whose path starts with `path` (any request when absent). */
export type Fault = { path?: string } & (
  | { kind: 'reset' }
  | { kind: 'status'; status: number; retryAfterSeconds?: number }
  | { kind: 'hang' }
  /** The request reaches the API twice (a copy replayed ahead of it); the client gets the second answer. */
  | { kind: 'twice' }
);

interface Running {
  apiUrl: string;
  faultyUrl: string;
  close(): Promise<void>;
}

const state = { offsetMs: 0, faults: [] as Fault[], requests: 0 };

/** Takes the first queued fault that applies to this request. */
function takeFault(url: string): Fault | undefined {
  const index = state.faults.findIndex((f) => !f.path || url.startsWith(f.path));
  return index < 0 ? undefined : state.faults.splice(index, 1)[0];
}

async function start(sessionTokenTtlSeconds?: number): Promise<Running> {
  const dataDir = mkdtempSync(join(tmpdir(), 'oz-wtr-emulator-'));
  const app = await buildEmulator({
    dataDir,
    allowedOrigins: ['*'],
    clock: () => Date.now() + state.offsetMs,
    accounts: [{ email: DEFAULT_EMAIL, password: DEFAULT_PASSWORD, role: 'CLIENT_ADMIN' }],
    sessionTokenTtlSeconds,
    // Switched on for the tests that force a result through the meta, and for the result-mode="status" checks:
    // a page learns a resolution only where the emulator is configured to tell it.
    metaSwitches: true,
    pageResultMode: 'status',
  });
  const apiUrl = await app.listen({ port: 0, host: '127.0.0.1' });
  const target = new URL(apiUrl);
  const proxy: Server = createServer((req, res) => {
    // CORS preflights pass untouched so that a queued fault hits the real request.
    const fault = req.method === 'OPTIONS' ? undefined : takeFault(req.url ?? '/');
    if (req.method !== 'OPTIONS') state.requests++;
    if (fault?.kind === 'reset') {
      req.socket.destroy();
      return;
    }
    if (fault?.kind === 'hang') return;
    if (fault?.kind === 'status') {
      req.resume();
      const headers: Record<string, string> = {
        'content-type': 'application/json',
        'access-control-allow-origin': req.headers.origin ?? '*',
        'access-control-expose-headers': 'Retry-After',
      };
      if (fault.retryAfterSeconds !== undefined) headers['retry-after'] = String(fault.retryAfterSeconds);
      res.writeHead(fault.status, headers);
      res.end(JSON.stringify({ error_code: 0, error_message: `injected ${fault.status}`, details: null }));
      return;
    }
    if (fault?.kind === 'twice') {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks);
        const send = (answer?: (r: import('node:http').IncomingMessage) => void) => {
          const up = httpRequest({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers }, (r) => {
            if (answer) answer(r);
            else {
              r.resume();
              r.on('end', () => send((second) => {
                res.writeHead(second.statusCode ?? 502, second.headers);
                second.pipe(res);
              }));
            }
          });
          up.on('error', () => res.destroy());
          up.end(body);
        };
        send();
      });
      return;
    }
    const upstream = httpRequest(
      { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  const faultyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
  return {
    apiUrl,
    faultyUrl,
    async close() {
      proxy.closeAllConnections();
      await new Promise<void>((resolve) => proxy.close(() => resolve()));
      await app.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export function emulatorPlugin() {
  let running: Promise<Running> | null = null;
  const get = () => (running ??= start());
  const shortLived = new Map<number, Promise<Running>>();
  return {
    name: 'oz-emulator',
    async serverStop() {
      for (const instance of [running, ...shortLived.values()]) if (instance) await (await instance).close();
    },
    async executeCommand({ command, payload }: { command: string; payload?: any }) {
      switch (command) {
        case 'emulator-info': {
          const ttl = payload?.sessionTokenTtlSeconds;
          if (typeof ttl === 'number' && !shortLived.has(ttl)) shortLived.set(ttl, start(ttl));
          const { apiUrl, faultyUrl } = await (typeof ttl === 'number' ? shortLived.get(ttl)! : get());
          return { apiUrl, faultyUrl };
        }
        case 'emulator-faults':
          await get();
          state.faults = [...(payload?.faults ?? [])];
          state.requests = 0;
          return true;
        case 'emulator-requests':
          return state.requests;
        case 'emulator-clock':
          state.offsetMs = Number(payload?.offsetMs ?? 0);
          return true;
        case 'emulator-folder': {
          const { apiUrl } = await get();
          const auth = await fetch(`${apiUrl}/api/authorize/auth`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ credentials: { email: DEFAULT_EMAIL, password: DEFAULT_PASSWORD } }),
          }).then((r) => r.json());
          const folder = await fetch(`${apiUrl}/api/folders/${payload.folderId}/?with_analyses=true`, {
            headers: { 'X-Forensic-Access-Token': auth.access_token },
          });
          return { status: folder.status, body: await folder.json() };
        }
        default:
          return undefined;
      }
    },
  };
}
