import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { json, login, seal, sessionToken, startEmulator, type Running } from './emulator-harness.ts';

/** Sends a request's head and part of its body over a raw socket, then drops the connection. */
function abortMidBody(url: string, head: string, partialBody: string): Promise<void> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => {
      socket.write(head + partialBody, () => {
        socket.destroy();
        resolve();
      });
    });
    socket.on('error', reject);
  });
}

describe('emulator: hostile clients', () => {
  let emu: Running;
  let token: string;
  before(async () => {
    emu = await startEmulator();
    token = await login(emu.url);
  });
  after(() => emu.close());

  const list = () => fetch(`${emu.url}/api/folders/`, { headers: { 'X-Forensic-Access-Token': token } });

  test('uploads cut off in the middle leave the server serving and store nothing', async () => {
    const jwt = await sessionToken(emu.url, token);
    const container = Buffer.from(await seal(jwt));
    const host = new URL(emu.url).host;
    await abortMidBody(
      emu.url,
      `POST /api/folders/ HTTP/1.1\r\nHost: ${host}\r\nX-Forensic-Access-Token: ${token}\r\nContent-Type: application/octet-stream\r\nContent-Length: ${container.length}\r\n\r\n`,
      container.subarray(0, 100).toString('latin1'),
    );
    await abortMidBody(
      emu.url,
      `POST /api/folders/ HTTP/1.1\r\nHost: ${host}\r\nX-Forensic-Access-Token: ${token}\r\nContent-Type: multipart/form-data; boundary=B\r\nContent-Length: 100000\r\n\r\n`,
      '--B\r\nContent-Disposition: form-data; name="video"; filename="v.webm"\r\nContent-Type: video/webm\r\n\r\n\x1a\x45\xdf\xa3abc',
    );
    const response = await list();
    assert.equal(response.status, 200);
    assert.deepEqual(await json(response), []);
    // The session was never used by the cut-off upload: the complete container still goes through.
    const retry = await fetch(`${emu.url}/api/folders/`, {
      method: 'POST',
      headers: { 'X-Forensic-Access-Token': token, 'Content-Type': 'application/octet-stream' },
      body: container,
    });
    assert.equal(retry.status, 200);
  });

  test('URLs that do not decode, unknown routes and methods get the vendor body', async () => {
    for (const [method, path, status, code] of [
      ['GET', '/api/folders/%E0%A4%A', 400, 3],
      ['GET', '/api/nothing-here', 404, 10],
      ['DELETE', '/api/folders/', 404, 10],
    ] as const) {
      const response = await fetch(emu.url + path, { method, headers: { 'X-Forensic-Access-Token': token } });
      assert.equal(response.status, status, path);
      const body = await json(response);
      assert.equal(body.error_code, code, path);
      assert.ok('error_message' in body && 'details' in body);
    }
  });

  test('wrong and missing tokens in every protected place', async () => {
    const protectedCalls: Array<[string, string]> = [
      ['GET', '/api/folders/'],
      ['GET', '/api/folders/00000000-0000-4000-8000-000000000000'],
      ['GET', '/api/analyses/00000000-0000-4000-8000-000000000000'],
      ['POST', '/api/folders/00000000-0000-4000-8000-000000000000/analyses/'],
      ['GET', '/api/authorize/session_token'],
    ];
    for (const [method, path] of protectedCalls) {
      const missing = await fetch(emu.url + path, { method });
      assert.equal((await json(missing)).error_code, 6, `${method} ${path} without a token`);
      const wrong = await fetch(emu.url + path, { method, headers: { 'X-Forensic-Access-Token': 'x'.repeat(500) } });
      assert.equal((await json(wrong)).error_code, 7, `${method} ${path} with a wrong token`);
    }
  });
});
