// The documented vectors, and containers this project packs, opened by an opener written from the format document
// alone (container-reference-opener.ts: node:crypto only, no code shared with src/container/).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { referenceOpen, RefusedContainer } from './container-reference-opener.ts';
import { Codec, compileCodec } from '../../src/container/codec.ts';
import { packContainer } from '../../src/container/pack.ts';
import { containerBytes } from '../../src/container/seal.ts';
import { openContainer } from '../../src/container/open.ts';
import { issueSession, sampleCapture } from './container-harness.ts';

const doc = readFileSync(new URL('../../docs/container-format.md', import.meta.url), 'utf8');
const block = (label: string) => doc.match(new RegExp('```\\w+ ' + label + '\\n([\\s\\S]*?)```'))![1]!;
const hex = (label: string) => Buffer.from(block(label).replace(/\s+/g, ''), 'hex');
const raw = JSON.parse(block('vector-input')) as { technical: unknown; media: { name: string; tags: string[]; mime: string; hex: string }[] };
const keys = { recipient: JSON.parse(block('vector-recipient-jwk')), issuer: JSON.parse(block('vector-issuer-jwk')), now: Number(doc.match(/created_at = (\d+)/)![1]) };

test('the reference opener opens the documented containers of versions 3, 2 and 1 and gives the inputs back', () => {
  for (const [label, version, inner] of [['vector-container', 3, 'vector-inner'], ['vector-container-v2', 2, 'vector-inner-v1'], ['vector-container-v1', 1, 'vector-inner-v1']] as const) {
    const opened = referenceOpen(hex(label), keys);
    assert.equal(opened.version, version);
    assert.equal(opened.innerVersion, version === 3 ? 2 : 1);
    assert.equal(opened.sessionId, 'vector-session-1');
    assert.equal(opened.summingHash, hex(inner).subarray(16, 48).toString('hex'));
    assert.deepEqual(opened.technical, raw.technical);
    assert.deepEqual(opened.sections.slice(2).map((s) => [s.name, s.data.toString('hex')]), raw.media.map((m) => [m.name, m.hex]));
    assert.deepEqual((opened.manifest['media:meta_data'] as Record<string, { mime: string }>)['best_shot.jpg'], { mime: 'image/jpeg' });
  }
});

test('the reference opener refuses a changed byte and a wrong recipient key', () => {
  const bytes = hex('vector-container');
  for (const at of [5, 30, bytes.length - 700, bytes.length - 1]) {
    const copy = Buffer.from(bytes);
    copy[at]! ^= 1;
    assert.throws(() => referenceOpen(copy, keys), RefusedContainer);
  }
  assert.throws(() => referenceOpen(bytes, { ...keys, recipient: { d: Buffer.alloc(32, 7).toString('base64url') } }), (e: unknown) => e instanceof RefusedContainer && e.step === 'hpke');
});

test('a large capture packed by this project opens the same in the reference opener and in openContainer', async () => {
  const s = await issueSession();
  // About 1.1 MB: clips of several 512 KiB leaves and chunks, images under and over 64 KiB.
  const bytes = containerBytes(await packContainer(await Codec.instantiate(await compileCodec()), sampleCapture(s.token, 245)));
  const issuer = await crypto.subtle.exportKey('jwk', s.issuerPublicKey);
  const reference = referenceOpen(bytes, { recipient: { d: s.keys.privateJwk.d! }, issuer, now: Date.now() });
  const opened = await openContainer(bytes, { resolveKey: async () => s.keys.keyPair, tokenVerifier: s.issuerPublicKey });
  assert.equal(reference.summingHash, opened.summingHash);
  assert.deepEqual(reference.sections.map((x) => [x.name, x.hash, x.data.length]), opened.sections.map((x) => [x.name, x.sha256, x.size]));
  for (const [i, x] of reference.sections.entries()) assert.ok(x.data.equals(opened.sections[i]!.data), x.name);
});
