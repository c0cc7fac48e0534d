// The oz-container CLI, run as a child process the way a person runs it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createHash } from 'node:crypto';
import { Codec, compileCodec } from '../../src/container/codec.ts';
import { packContainer } from '../../src/container/pack.ts';
import { containerBytes } from '../../src/container/seal.ts';
import { issueSession, sampleCapture } from './container-harness.ts';
import { leafHashHex } from './container-leaf-hash.ts';

const exec = promisify(execFile);
const cli = new URL('../../bin/oz-container.mjs', import.meta.url).pathname;
const run = async (...args: string[]) => {
  try {
    const { stdout, stderr } = await exec(process.execPath, [cli, ...args]);
    return { code: 0, stdout, stderr };
  } catch (e) {
    const { code, stdout, stderr } = e as { code: number; stdout: string; stderr: string };
    return { code, stdout, stderr };
  }
};

test('oz-container inspect and open: output, and exit codes for each kind of failure', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'oz-container-cli-'));
  try {
    const s = await issueSession();
    const packed = await packContainer(await Codec.instantiate(await compileCodec()), sampleCapture(s.token));
    const bytes = containerBytes(packed);
    const file = join(dir, 'c.bin'), key = join(dir, 'key.jwk'), other = join(dir, 'other.jwk');
    await writeFile(file, bytes);
    await writeFile(key, JSON.stringify(s.keys.privateJwk));
    await writeFile(other, JSON.stringify((await issueSession()).keys.privateJwk));

    const inspected = await run('inspect', file);
    assert.equal(inspected.code, 0, inspected.stderr);
    assert.match(inspected.stdout, /OZCF version 4/);
    assert.match(inspected.stdout, /KEM 0x0010 DHKEM\(P-256, HKDF-SHA256\), KDF 0x0001 HKDF-SHA256, AEAD 0x0002 AES-256-GCM/);
    assert.match(inspected.stdout, new RegExp(`session\\s+${s.sid}`));

    const opened = await run('open', file, '--key', key);
    assert.equal(opened.code, 0, opened.stderr);
    assert.match(opened.stdout, /signature NOT checked/);
    // Format 4 has no hashes inside: the CLI names each section by the SHA-256 of its data, worked out as it opens.
    assert.match(opened.stdout, /every chunk authenticated \(AES-256-GCM\); no hashes inside/);
    assert.match(opened.stdout, /sections\s+6, hashes SHA-256 of the data \(worked out here\)/);
    const plain = createHash('sha256').update(sampleCapture(s.token).media[0]!.data).digest('hex');
    assert.match(opened.stdout, new RegExp(`clip\\s+video_selfie_blank\\.webm\\s+1500\\s+${plain}\\s+video/webm \\[video_selfie, video_selfie_blank, orientation_portrait\\]`));

    // Containers of the older versions still open; format 3 with its leaf hashes.
    const v3 = join(dir, 'v3.bin');
    await writeFile(v3, containerBytes(await packContainer(await Codec.instantiate(await compileCodec()), sampleCapture(s.token), { version: 3 })));
    const out3 = await run('open', v3, '--key', key);
    assert.equal(out3.code, 0, out3.stderr);
    assert.match(out3.stdout, /summing hash [0-9a-f]{64} \(verified\)/);
    assert.match(out3.stdout, /sections\s+6, hashes SHA-256 over the SHA-256 of each 512 KiB leaf \(verified\)/);
    assert.match(out3.stdout, new RegExp(`clip\\s+video_selfie_blank\\.webm\\s+1500\\s+${leafHashHex(sampleCapture(s.token).media[0]!.data)}\\s`));
    for (const version of [2, 1] as const) {
      const older = join(dir, `v${version}.bin`);
      await writeFile(older, containerBytes(await packContainer(await Codec.instantiate(await compileCodec()), sampleCapture(s.token), { version })));
      const out = await run('open', older, '--key', key);
      assert.equal(out.code, 0, out.stderr);
      assert.match(out.stdout, new RegExp(`OZCF version ${version}[\\s\\S]*sections\\s+6, hashes SHA-256 of the data \\(verified\\)`));
    }

    const wrongKey = await run('open', file, '--key', other);
    assert.equal(wrongKey.code, 14);
    assert.match(wrongKey.stderr, /^error 14 decrypt_failed/);

    await writeFile(file, bytes.subarray(0, bytes.length - 1));
    const truncated = await run('open', file, '--key', key);
    assert.equal(truncated.code, 5);
    assert.match(truncated.stderr, /^error 5 bounds/);
    assert.equal((await run('inspect', file)).code, 5);

    await writeFile(file, new TextEncoder().encode('not a container'));
    assert.equal((await run('inspect', file)).code, 14);

    const notAKey = await run('open', file, '--key', join(dir, 'missing.jwk'));
    assert.equal(notAKey.code, 1);
    assert.equal((await run('open', file)).code, 64);
    assert.equal((await run('frobnicate', file)).code, 64);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
