// The browser side of test/support/emulator-plugin.ts: typed calls to the emulator's server commands.
import { executeServerCommand } from '@web/test-runner-commands';
import type { Fault } from './emulator-plugin.ts';

export interface EmulatorInfo {
  /** The emulator itself. */
  apiUrl: string;
  /** The fault-injecting proxy in front of it. */
  faultyUrl: string;
}

/** The shared emulator, or with `sessionTokenTtlSeconds` one whose session tokens live that long. */
export const emulator = (options?: { sessionTokenTtlSeconds: number }) =>
  executeServerCommand('emulator-info', options) as Promise<EmulatorInfo>;

/** Queues faults for the next requests through the proxy (and resets its request count). */
export const injectFaults = (faults: Fault[]) => executeServerCommand('emulator-faults', { faults });

/**
 * Faults that spend the whole retry budget of the folder upload (4 tries) on answers the client retries: a 429, two
 * 500s and a 503. A reset is not among them: Chromium itself resends a POST whose reused connection was reset.
 */
export const failEveryUploadAttempt = () =>
  injectFaults([
    { path: '/api/folders/', kind: 'status', status: 429, retryAfterSeconds: 0 },
    { path: '/api/folders/', kind: 'status', status: 500 },
    { path: '/api/folders/', kind: 'status', status: 500 },
    { path: '/api/folders/', kind: 'status', status: 503 },
  ]);

/** Requests that reached the proxy since the last injectFaults(). */
export const proxiedRequests = () => executeServerCommand('emulator-requests') as Promise<number>;

/** What a host's backend does in `client` mode: logs in with its credentials and asks for a session token. */
export async function backendSessionToken(apiUrl: string): Promise<string> {
  const auth = await fetch(`${apiUrl}/api/authorize/auth`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ credentials: { email: 'developer@oz-emulator.test', password: 'emulator' } }),
  }).then((r) => r.json());
  const answer = await fetch(`${apiUrl}/api/authorize/session_token`, { headers: { 'X-Forensic-Access-Token': auth.access_token } });
  return (await answer.json()).session_token;
}

/** The next event of that name on the target. */
export function nextEvent<T extends Event>(target: EventTarget, name: string): Promise<T> {
  return new Promise((resolve) => target.addEventListener(name, (e) => resolve(e as T), { once: true }));
}
