// `npm start`'s server (scripts/start.ts) as a newcomer meets it: it starts without a warning or error line of its
// own, serves the demo page, and hands the emulator's answers to the page as the emulator wrote them: an upload over
// the emulator's body limit gets the emulator's 413 and its Oz error body, not a proxy's bare 502.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { login } from './emulator-harness.ts';

const root = new URL('../../', import.meta.url).pathname;
const BODY_LIMIT = 64 * 1024;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

test('the demo server passes the emulator error bodies through and starts without warnings', async (t) => {
  const dataDir = await mkdtemp(join(tmpdir(), 'oz-demo-server-'));
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/start.ts'], {
    cwd: root,
    env: { ...process.env, PORT: String(port), OZ_EMULATOR_BODY_LIMIT: String(BODY_LIMIT), OZ_EMULATOR_DATA_DIR: dataDir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  t.after(async () => {
    if (child.exitCode === null) child.kill('SIGTERM');
    await exited;
    await rm(dataDir, { recursive: true, force: true });
  });

  const page = await new Promise<string>((resolve, reject) => {
    const onData = () => {
      const url = /Demo page and Oz API emulator: (\S+)/.exec(output)?.[1];
      if (url) resolve(url);
    };
    child.stdout.on('data', onData);
    void exited.then((code) => reject(new Error(`scripts/start.ts exited with ${code} before serving:\n${output}`)));
  });

  const html = await fetch(page);
  assert.equal(html.status, 200);
  assert.match(await html.text(), /<oz-liveness/);
  // Loading the page's module is what makes Vite scan and optimise the demo's dependencies.
  assert.equal((await fetch(new URL('main.ts', page))).status, 200);

  // The emulator answers 413 before it has read the body; the page still gets that answer and its Oz error body.
  // The upload is authenticated: an unauthenticated one is refused (401) before its size is looked at.
  const accessToken = await login(new URL(page).origin);
  const tooLarge = await fetch(new URL('api/folders/', page), {
    method: 'POST',
    headers: { 'Content-Type': 'application/octet-stream', Origin: new URL(page).origin, 'X-Forensic-Access-Token': accessToken },
    body: new Uint8Array(BODY_LIMIT * 8),
  });
  assert.equal(tooLarge.status, 413);
  assert.match(tooLarge.headers.get('content-type') ?? '', /application\/json/);
  const body = (await tooLarge.json()) as { error_code: number; error_message: string; details: { reason?: string } };
  assert.equal(body.error_code, 4);
  assert.match(body.error_message, /too large/);
  assert.equal(body.details.reason, 'body_too_large');

  // Any other emulator error arrives as the emulator wrote it too.
  const missing = await fetch(new URL('api/no-such-endpoint', page));
  assert.equal(missing.status, 404);
  assert.equal(((await missing.json()) as { error_code: number }).error_code, 10);

  const noisy = output.split('\n').filter((line) => /\(!\)|error|warn|fail/i.test(line));
  assert.deepEqual(noisy, [], output);
});
