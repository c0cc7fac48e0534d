// The frame-sequence medium (docs/frame-sequence.md) on the server side: the format read back, the emulator taking
// it in the classic form and in a container, and both container openers opening a container that carries one.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, test } from 'node:test';
import { FRAMES_MIME, FrameSequenceError, frameSequenceHead, parseFrameSequence, type FrameIndex } from '../../src/capture/frame-sequence.ts';
import { Codec, compileCodec } from '../../src/container/codec.ts';
import { openContainer } from '../../src/container/open.ts';
import { packContainer } from '../../src/container/pack.ts';
import { containerBytes } from '../../src/container/seal.ts';
import { issueSession } from './container-harness.ts';
import { referenceOpen } from './container-reference-opener.ts';
import { form, jpeg, json, login, postContainer, seal, sessionToken, startEmulator, type Running } from './emulator-harness.ts';

const run = promisify(execFile);
const cli = new URL('../../bin/oz-container.mjs', import.meta.url).pathname;

/** A real JPEG (the frontal scene), as every frame: the format does not care what the frames show. */
const photo = new Uint8Array(readFileSync(new URL('../fixtures/camera/face-frontal.jpg', import.meta.url)));

function sequence(frames: { t: number; data: Uint8Array; box?: FrameIndex['frames'][number]['box'] }[], patch: Partial<FrameIndex> = {}): Uint8Array {
  const head = frameSequenceHead({
    mime: 'image/jpeg',
    width: 480,
    height: 360,
    source_width: 640,
    source_height: 480,
    frames: frames.map((f) => ({ t: f.t, bytes: f.data.length, box: f.box === undefined ? [100, 20, 260, 270] : f.box })),
    ...patch,
  });
  return new Uint8Array(Buffer.concat([head, ...frames.map((f) => f.data)]));
}

const good = () => sequence([{ t: 0, data: photo }, { t: 166.7, data: photo, box: null }, { t: 333.4, data: photo }]);
const problem = (bytes: Uint8Array) => {
  try {
    parseFrameSequence(bytes);
  } catch (e) {
    assert.ok(e instanceof FrameSequenceError, String(e));
    return e.reason;
  }
  return 'accepted';
};

test('a frame sequence reads back: index, timestamps, boxes, and each frame the bytes it was given', () => {
  const bytes = good();
  const parsed = parseFrameSequence(bytes);
  assert.equal(parsed.version, 1);
  assert.deepEqual(parsed.frames.map((f) => [f.t, f.box]), [[0, [100, 20, 260, 270]], [166.7, null], [333.4, [100, 20, 260, 270]]]);
  for (const r of parsed.ranges) assert.deepEqual(bytes.subarray(r.offset, r.offset + r.length), photo);
  assert.deepEqual([parsed.width, parsed.height, parsed.source_width, parsed.source_height], [480, 360, 640, 480]);
});

test('the documented vector reads as its index says', () => {
  const doc = readFileSync(new URL('../../docs/frame-sequence.md', import.meta.url), 'utf8');
  const bytes = new Uint8Array(Buffer.from(doc.match(/```hex frames-vector\n([\s\S]*?)```/)![1]!.replace(/\s+/g, ''), 'hex'));
  assert.equal(createHash('sha256').update(bytes).digest('hex'), doc.match(/SHA-256\n`([0-9a-f]{64})`/)![1]);
  const parsed = parseFrameSequence(bytes);
  assert.deepEqual(parsed.frames, [{ t: 0, bytes: 13, box: [108, 28.5, 270, 271.5] }, { t: 166.7, bytes: 11, box: null }]);
  assert.deepEqual(parsed.ranges, [{ offset: 186, length: 13 }, { offset: 199, length: 11 }]);
});

test('a damaged or dishonest frame sequence is refused with its reason', () => {
  const bytes = good();
  assert.equal(problem(bytes.subarray(0, 3)), 'bad_magic');
  const v2 = bytes.slice();
  v2[5] = 2;
  assert.equal(problem(v2), 'bad_version');
  assert.equal(problem(bytes.subarray(0, 40)), 'truncated');
  assert.equal(problem(bytes.subarray(0, bytes.length - 1)), 'length_mismatch');
  assert.equal(problem(Buffer.concat([bytes, Buffer.from([0])])), 'length_mismatch');
  assert.equal(problem(sequence([{ t: 10, data: photo }, { t: 10, data: photo }])), 'bad_index');
  assert.equal(problem(sequence([{ t: 0, data: photo }, { t: -1, data: photo }])), 'bad_index');
  assert.equal(problem(sequence([{ t: 0, data: photo, box: [1, 2, 3] as never }])), 'bad_index');
  assert.equal(problem(sequence([{ t: 0, data: photo }], { mime: 'image/png' as never })), 'bad_index');
  assert.equal(problem(sequence([], {})), 'bad_index');
  const png = Buffer.from(photo);
  png[0] = 0x89;
  assert.equal(problem(sequence([{ t: 0, data: photo }, { t: 5, data: png }])), 'bad_frame');
});

describe('emulator: frame sequences', () => {
  let emu: Running;
  let token: string;
  before(async () => {
    emu = await startEmulator({ sessionTokenTtlSeconds: 300 });
    token = await login(emu.url);
  });
  after(() => emu.close());
  const auth = () => ({ 'X-Forensic-Access-Token': token });
  const postForm = (body: FormData) => fetch(emu.url + '/api/folders/', { method: 'POST', headers: auth(), body });
  const tags = ['video_selfie', 'video_selfie_blank', 'orientation_landscape'];

  test('the classic form carries a frame sequence; the analysis names the media kinds it saw', async () => {
    const response = await postForm(form(
      { 'media:tags': { 'video_selfie_blank_0.ozfs': tags, 'best_shot.jpg': ['photo_selfie'] }, 'folder:meta_data': { transaction_id: 'frames-1' } },
      [
        { field: 'video_selfie_blank_0.ozfs', data: good(), type: FRAMES_MIME },
        { field: 'best_shot.jpg', data: jpeg(), type: 'image/jpeg' },
      ],
    ));
    const folder = await json(response);
    assert.equal(response.status, 200, JSON.stringify(folder));
    const [quality] = folder.analyses;
    assert.equal(quality.resolution_status, 'SUCCESS');
    assert.deepEqual(quality.results_data.emulator.media_kinds, ['frames', 'image']);
    assert.deepEqual(quality.results_media.map((m: any) => [m.original_name, m.media_type, m.media_kind]), [
      ['video_selfie_blank_0.ozfs', 'VIDEO_FOLDER', 'frames'],
      ['best_shot.jpg', 'IMAGE_FOLDER', 'image'],
    ]);
    assert.deepEqual(quality.results_data.emulator.media.map((m: any) => [m.format, m.media_kind, m.well_formed]), [['frames', 'frames', true], ['jpeg', 'image', true]]);
    assert.equal(folder.media[0].media_kind, 'frames');
    assert.equal(folder.media[0].mime, FRAMES_MIME);
  });

  test('a frame sequence with a frame that is not a JPEG is not well formed: DECLINED', async () => {
    const broken = sequence([{ t: 0, data: photo }, { t: 100, data: new Uint8Array(64).fill(7) }]);
    const folder = await json(await postForm(form({ 'media:tags': { v: tags } }, [{ field: 'v', data: broken, type: FRAMES_MIME }])));
    assert.equal(folder.analyses[0].resolution_status, 'DECLINED');
    assert.deepEqual(folder.analyses[0].results_data.emulator.media[0], { media_id: folder.media[0].media_id, format: 'frames', media_kind: 'frames', well_formed: false });
  });

  test('a container carries a frame sequence as a clip section; the emulator opens it and names it frames', async () => {
    const bytes = await seal(await sessionToken(emu.url, token), {
      media: [{ name: 'video_selfie_blank_0.ozfs', tags, mime: FRAMES_MIME, data: good(), meta: { media_kind: 'frames', recorder_fallback: 'missing', frames: 3 } }],
    });
    const response = await postContainer(emu.url, bytes, auth());
    const folder = await json(response);
    assert.equal(response.status, 200, JSON.stringify(folder));
    assert.equal(folder.analyses[0].resolution_status, 'SUCCESS');
    assert.equal(folder.analyses[0].results_data.emulator.container_authentic, true);
    assert.deepEqual(folder.analyses[0].results_data.emulator.media_kinds, ['frames']);
    assert.equal(folder.analyses[0].results_media[0].media_kind, 'frames');
  });

  test('existing media still report their kinds: a video is video', async () => {
    const bytes = await seal(await sessionToken(emu.url, token));
    const folder = await json(await postContainer(emu.url, bytes, auth()));
    assert.deepEqual(folder.analyses[0].results_data.emulator.media_kinds, ['video', 'image']);
  });
});

test('openContainer, the reference opener and the CLI open a container with a frame sequence: a clip section whose bytes parse', async () => {
  const s = await issueSession();
  const frames = good();
  const bytes = containerBytes(await packContainer(await Codec.instantiate(await compileCodec()), {
    sessionToken: s.token,
    payload: { 'media:tags': {}, 'folder:meta_data': {} },
    technical: { capture_media: { kind: 'frames' } },
    media: [{ name: 'video_selfie_blank_0.ozfs', tags: ['video_selfie', 'video_selfie_blank'], mime: FRAMES_MIME, data: frames, meta: { media_kind: 'frames', recorder_fallback: 'no_data' } }],
  }));
  const opened = await openContainer(bytes, { resolveKey: async () => s.keys.keyPair, tokenVerifier: s.issuerPublicKey });
  assert.equal(opened.header.version, 4);
  assert.deepEqual([opened.media[0]!.kind, opened.media[0]!.mime, opened.media[0]!.meta.recorder_fallback], ['clip', FRAMES_MIME, 'no_data']);
  assert.equal(parseFrameSequence(opened.media[0]!.data).frames.length, 3);
  const issuer = await crypto.subtle.exportKey('jwk', s.issuerPublicKey);
  const reference = referenceOpen(bytes, { recipient: { d: s.keys.privateJwk.d! }, issuer, now: Date.now() });
  assert.equal(reference.sections[2]!.kind, 3);
  assert.ok(reference.sections[2]!.data.equals(frames));

  const dir = await mkdtemp(join(tmpdir(), 'oz-frames-'));
  try {
    await writeFile(join(dir, 'c.ozc'), bytes);
    await writeFile(join(dir, 'key.jwk'), JSON.stringify(s.keys.privateJwk));
    await writeFile(join(dir, 'issuer.jwk'), JSON.stringify(issuer));
    const { stdout } = await run(process.execPath, [cli, 'open', join(dir, 'c.ozc'), '--key', join(dir, 'key.jwk'), '--issuer', join(dir, 'issuer.jwk')]);
    assert.match(stdout, /video_selfie_blank_0\.ozfs .*video\/x-oz-frames \[video_selfie, video_selfie_blank\], 3 frames/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
