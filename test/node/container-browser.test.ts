// The round trip the product makes: a capture packed by the real worker in headless Chromium, opened in Node by
// openContainer and by the oz-container CLI.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { openContainer } from '../../src/container/open.ts';
import { openContainerPage } from './container-chromium.ts';
import { sampleCapture } from './container-harness.ts';

const run = promisify(execFile);
const cli = new URL('../../bin/oz-container.mjs', import.meta.url).pathname;

test('a container packed in the Chromium worker opens in Node and with oz-container open', async () => {
  const chromium = await openContainerPage('export { generateKeyPair, exportJWK } from "jose";');
  const dir = await mkdtemp(join(tmpdir(), 'oz-container-'));
  try {
    const made = await chromium.page.evaluate(async () => {
      const c = (window as any).container;
      const session = await c.issueSession();
      const client = new c.ContainerClient({ workerUrl: '/container.worker.js', wasmUrl: '/codec.wasm' });
      // Scaled by 100: three media over 64 KiB, each sealed as its own chunk, and one under.
      const blob: Blob = await client.pack(c.sampleCapture(session.token, 100));
      client.terminate();
      const bytes = new Uint8Array(await blob.arrayBuffer());
      let bin = '';
      for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
      return {
        container: btoa(bin),
        token: session.token,
        sid: session.sid,
        key: session.keys.privateJwk,
        issuer: await c.exportJWK(session.issuerPublicKey),
      };
    });
    const bytes = Uint8Array.from(Buffer.from(made.container, 'base64'));
    const opened = await openContainer(bytes, {
      resolveKey: async (header) => (header.sessionId === made.sid ? made.key : null),
      tokenVerifier: made.issuer,
    });
    const expected = sampleCapture(made.token, 100);
    assert.equal(opened.header.version, 4);
    assert.equal(opened.header.chunkLengths.length, 5);
    assert.equal(opened.header.sessionToken, made.token);
    assert.deepEqual(opened.media.map((m) => [m.name, Buffer.from(m.data).toString('hex')]), expected.media.map((m) => [m.name, Buffer.from(m.data).toString('hex')]));
    assert.deepEqual(opened.technical, expected.technical);

    const file = join(dir, 'capture.ozc');
    await writeFile(file, bytes);
    await writeFile(join(dir, 'key.jwk'), JSON.stringify(made.key));
    await writeFile(join(dir, 'issuer.jwk'), JSON.stringify(made.issuer));
    const { stdout } = await run(process.execPath, [cli, 'open', file, '--key', join(dir, 'key.jwk'), '--issuer', join(dir, 'issuer.jwk')]);
    assert.match(stdout, /signature verified/);
    // Format 4 carries no hashes: the CLI prints the SHA-256 of each medium's data.
    for (const m of opened.media) assert.match(stdout, new RegExp(`${m.name.replace(/\./g, '\\.')}\\s+${m.size}\\s+${createHash('sha256').update(m.data).digest('hex')}`));

    const inspected = await run(process.execPath, [cli, 'inspect', file]);
    assert.match(inspected.stdout, new RegExp(`session\\s+${made.sid}`));
    assert.match(inspected.stdout, /in 5 chunks/);

    const tampered = bytes.slice();
    tampered[tampered.length - 100]! ^= 1;
    await writeFile(file, tampered);
    await assert.rejects(run(process.execPath, [cli, 'open', file, '--key', join(dir, 'key.jwk')]), (e: { code?: number; stderr?: string }) => {
      assert.equal(e.code, 14);
      assert.match(e.stderr ?? '', /error 14 decrypt_failed/);
      return true;
    });
  } finally {
    await chromium.close();
    await rm(dir, { recursive: true, force: true });
  }
});
