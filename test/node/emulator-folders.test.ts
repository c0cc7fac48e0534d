import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import { DEFAULT_EMAIL, DEFAULT_PASSWORD } from '../../server/config.ts';
import { form, jpeg, json, login, startEmulator, webm, type Running } from './emulator-harness.ts';

const OTHER = { email: 'other@oz-emulator.test', password: 'other', role: 'CLIENT' as const };
const ADMIN = { email: 'admin@oz-emulator.test', password: 'admin', role: 'CLIENT_ADMIN' as const };

const goodPayload = (meta: Record<string, unknown> = {}) => ({
  'media:tags': { video: ['video_selfie', 'video_selfie_blank', 'orientation_portrait'], photo: ['photo_selfie'] },
  'folder:meta_data': meta,
});
const goodMedia = () => [
  { field: 'video', data: webm(), type: 'video/webm', filename: 'blank.webm' },
  { field: 'photo', data: jpeg(), type: 'image/jpeg', filename: 'best.jpg' },
];

describe('emulator: folders from the classic multipart form', () => {
  let emu: Running;
  let token: string;
  before(async () => {
    emu = await startEmulator({
      accounts: [{ email: DEFAULT_EMAIL, password: DEFAULT_PASSWORD, role: 'CLIENT' }, OTHER, ADMIN],
      bodyLimitBytes: 256 * 1024,
      maxMediaFiles: 4,
      // The per-folder switches below are test switches: on only where configured.
      metaSwitches: true,
    });
    token = await login(emu.url);
  });
  after(() => emu.close());

  const post = (body: FormData, path = '/api/folders/', t = token) =>
    fetch(emu.url + path, { method: 'POST', headers: { 'X-Forensic-Access-Token': t }, body });
  const get = (path: string, t = token) => fetch(emu.url + path, { headers: { 'X-Forensic-Access-Token': t } });

  test('a folder is created with its quality analysis (single request), read back and found by meta_data', async () => {
    const response = await post(form(goodPayload({ transaction_id: 'tx-1', end_user_id: 'u-9' }), goodMedia()));
    assert.equal(response.status, 200);
    const folder = await json(response);
    assert.match(folder.folder_id, /^[0-9a-f-]{36}$/);
    assert.equal(folder.resolution_status, 'FINISHED');
    assert.deepEqual(folder.meta_data, { transaction_id: 'tx-1', end_user_id: 'u-9' });
    assert.equal(folder.technical_meta_data.source, 'multipart');
    assert.equal(typeof folder.time_created, 'number');
    assert.equal(folder.media.length, 2);
    const video = folder.media.find((m: any) => m.original_name === 'blank.webm');
    assert.equal(video.media_type, 'VIDEO_FOLDER');
    assert.deepEqual(video.tags, ['video_selfie', 'video_selfie_blank', 'orientation_portrait']);
    assert.equal(video.size, 2048);
    assert.equal(video.sha256, createHashHex(webm()));
    assert.equal(folder.analyses.length, 1);
    const [quality] = folder.analyses;
    assert.equal(quality.type, 'quality');
    assert.equal(quality.state, 'FINISHED');
    assert.equal(quality.resolution_status, 'SUCCESS');
    assert.equal(quality.results_media.length, 2);

    const stored = await json(await get(`/api/folders/${folder.folder_id}?with_analyses=true`));
    assert.equal(stored.folder_id, folder.folder_id);
    assert.equal(stored.analyses[0].analysis_id, quality.analysis_id);
    const bare = await json(await get(`/api/folders/${folder.folder_id}/`));
    assert.equal(bare.analyses, undefined);
    assert.equal(bare.resolution_status, 'FINISHED');
    const analysis = await json(await get(`/api/analyses/${quality.analysis_id}`));
    assert.equal(analysis.resolution_status, 'SUCCESS');
    assert.equal(analysis.folder_id, folder.folder_id);

    const files = readdirSync(join(emu.dataDir, 'media', folder.folder_id));
    assert.equal(files.length, 2, 'media files are on disk');

    const found = await json(await get('/api/folders/?meta_data=transaction_id==tx-1&with_analyses=true'));
    assert.equal(found.length, 1);
    assert.equal(found[0].folder_id, folder.folder_id);
    assert.equal(found[0].analyses[0].resolution_status, 'SUCCESS');
    assert.deepEqual(await json(await get('/api/folders/?meta_data=transaction_id==tx-2')), []);
    const both = await json(await get('/api/folders/?meta_data=transaction_id==tx-1&meta_data=end_user_id==u-9'));
    assert.equal(both.length, 1);
    assert.equal((await json(await get('/api/folders/?meta_data=nonsense'))).error_code, 4);
  });

  test('an account sees only its folders; an admin sees all', async () => {
    const mine = await json(await post(form(goodPayload({ transaction_id: 'private-1' }), goodMedia())));
    const other = await login(emu.url, OTHER.email, OTHER.password);
    const peek = await get(`/api/folders/${mine.folder_id}`, other);
    assert.equal(peek.status, 404);
    assert.equal((await json(peek)).error_code, 10);
    assert.deepEqual(await json(await get('/api/folders/?meta_data=transaction_id==private-1', other)), []);
    assert.equal((await get(`/api/analyses/${mine.analyses[0].analysis_id}`, other)).status, 404);
    const addOther = await fetch(`${emu.url}/api/folders/${mine.folder_id}/analyses/`, {
      method: 'POST',
      headers: { 'X-Forensic-Access-Token': other, 'Content-Type': 'application/json' },
      body: JSON.stringify({ analyses: [{ type: 'quality' }] }),
    });
    assert.equal(addOther.status, 404);
    const admin = await login(emu.url, ADMIN.email, ADMIN.password);
    assert.equal((await get(`/api/folders/${mine.folder_id}`, admin)).status, 200);
    assert.equal((await get('/api/folders/00000000-0000-4000-8000-000000000000', admin)).status, 404);
    assert.equal((await get('/api/folders/../../etc/passwd', admin)).status, 404);
  });

  test('POST /api/folders/{id}/analyses/ adds analyses; unsupported types are refused with vendor codes', async () => {
    const folder = await json(await post(form(goodPayload(), goodMedia())));
    const add = (body: unknown) =>
      fetch(`${emu.url}/api/folders/${folder.folder_id}/analyses/`, {
        method: 'POST',
        headers: { 'X-Forensic-Access-Token': token, 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
      });
    const added = await json(await add({ analyses: [{ type: 'QUALITY' }] }));
    assert.equal(added.length, 1);
    assert.equal(added[0].type, 'quality');
    assert.equal(added[0].resolution_status, 'SUCCESS');
    const after = await json(await get(`/api/folders/${folder.folder_id}?with_analyses=true`));
    assert.equal(after.analyses.length, 2);
    assert.equal((await json(await add({ analyses: [{ type: 'biometry' }] }))).error_code, 2);
    assert.equal((await json(await add({ analyses: [{ type: 'palmistry' }] }))).error_code, 4);
    assert.equal((await json(await add({ analyses: 'quality' }))).error_code, 3);
    assert.equal((await json(await add({}))).error_code, 3);
  });

  test('instant folders answer with their analyses and are never stored', async () => {
    const before = readdirSync(join(emu.dataDir, 'media')).length;
    const response = await post(form(goodPayload({ transaction_id: 'instant-1' }), goodMedia()), '/api/instant/folders/');
    assert.equal(response.status, 200);
    const folder = await json(response);
    assert.equal(folder.analyses[0].resolution_status, 'SUCCESS');
    assert.equal((await get(`/api/folders/${folder.folder_id}`)).status, 404);
    assert.deepEqual(await json(await get('/api/folders/?meta_data=transaction_id==instant-1')), []);
    assert.equal((await get(`/api/analyses/${folder.analyses[0].analysis_id}`)).status, 404);
    assert.equal(readdirSync(join(emu.dataDir, 'media')).length, before);
    assert.equal(existsSync(join(emu.dataDir, 'media', folder.folder_id)), false);
    const db = new Database(join(emu.dataDir, 'emulator.sqlite'), { readonly: true });
    try {
      const count = (sql: string) => (db.prepare<{ n: number }>(sql).get(folder.folder_id) as { n: number }).n;
      assert.equal(count('SELECT COUNT(*) AS n FROM folders WHERE folder_id = ?'), 0);
      assert.equal(count('SELECT COUNT(*) AS n FROM media WHERE folder_id = ?'), 0);
      assert.equal(count('SELECT COUNT(*) AS n FROM analyses WHERE folder_id = ?'), 0);
    } finally {
      db.close();
    }
  });

  test('malformed forms get 3, 4 or 5 with the vendor body', async () => {
    const cases: Array<[string, FormData, number]> = [
      ['no payload', form(undefined, goodMedia()), 3],
      ['payload not JSON', form('{"media:tags":', goodMedia()), 3],
      ['payload not an object', form('[1,2]', goodMedia()), 5],
      ['no media:tags', form({ 'folder:meta_data': {} }, goodMedia()), 3],
      ['media:tags not an object', form({ 'media:tags': ['video'] }, goodMedia()), 5],
      ['meta_data not an object', form({ ...goodPayload(), 'folder:meta_data': 'x' }, goodMedia()), 5],
      ['no media', form(goodPayload(), []), 4],
      ['a part without tags', form({ 'media:tags': { video: ['video_selfie'] } }, goodMedia()), 4],
      ['tags for a part not sent', form({ 'media:tags': { ...goodPayload()['media:tags'], ghost: ['video_selfie'] } }, goodMedia()), 4],
      ['tags not strings', form({ 'media:tags': { video: [1], photo: ['photo_selfie'] } }, goodMedia()), 5],
      ['a tag that is no tag', form({ 'media:tags': { video: ['<script>'], photo: ['photo_selfie'] } }, goodMedia()), 4],
      ['unknown forced resolution', form(goodPayload({ emulator_resolution: 'MAYBE' }), goodMedia()), 4],
    ];
    for (const [name, body, code] of cases) {
      const response = await post(body);
      assert.equal(response.status, 400, name);
      const error = await json(response);
      assert.equal(error.error_code, code, name);
      assert.equal(typeof error.error_message, 'string', name);
      assert.ok('details' in error, name);
    }
  });

  test('broken multipart bodies get 3, not a crash or a hang', async () => {
    const raw = (contentType: string, body: string) =>
      fetch(`${emu.url}/api/folders/`, { method: 'POST', headers: { 'X-Forensic-Access-Token': token, 'Content-Type': contentType }, body });
    const truncated = await raw('multipart/form-data; boundary=XYZ', '--XYZ\r\nContent-Disposition: form-data; name="payload"\r\n\r\n{"media:t');
    assert.equal(truncated.status, 400);
    assert.equal((await json(truncated)).error_code, 3);
    const noBoundary = await raw('multipart/form-data', 'whatever');
    assert.equal((await json(noBoundary)).error_code, 3);
    const badHeaders = await raw('multipart/form-data; boundary=XYZ', '--XYZ\r\nNo-Colon-Here\r\n\r\nbody\r\n--XYZ--\r\n');
    assert.ok([3, 4].includes((await json(badHeaders)).error_code));
    const garbage = await raw('multipart/form-data; boundary=XYZ', '\u0000\u0001garbage with no boundary at all');
    assert.equal(garbage.status, 400);
    assert.ok([3, 4].includes((await json(garbage)).error_code));
    assert.equal((await get('/api/folders/')).status, 200, 'still serving');
  });

  test('bodies over the limit get 413 with error 4', async () => {
    const big = await post(form(goodPayload(), [{ field: 'video', data: webm(300 * 1024), type: 'video/webm' }, goodMedia()[1]!]));
    assert.equal(big.status, 413);
    assert.equal((await json(big)).error_code, 4);
    const split = await post(
      form(goodPayload(), [
        { field: 'video', data: webm(150 * 1024), type: 'video/webm' },
        { field: 'photo', data: jpeg(150 * 1024), type: 'image/jpeg' },
      ]),
    );
    assert.equal(split.status, 413, 'the limit holds for the whole form, not per part');
    const many = form({ 'media:tags': Object.fromEntries([1, 2, 3, 4, 5].map((i) => [`v${i}`, ['video_selfie']])) }, [1, 2, 3, 4, 5].map((i) => ({ field: `v${i}`, data: webm(64), type: 'video/webm' })));
    const tooMany = await post(many);
    assert.equal(tooMany.status, 413);
    assert.equal((await json(tooMany)).error_code, 4);
    const container = await fetch(`${emu.url}/api/folders/`, {
      method: 'POST',
      headers: { 'X-Forensic-Access-Token': token, 'Content-Type': 'application/octet-stream' },
      body: new Uint8Array(300 * 1024),
    });
    assert.equal(container.status, 413);
    assert.equal((await json(container)).error_code, 4);
    assert.equal((await get('/api/folders/')).status, 200, 'still serving');
  });

  test('media that are not what they claim make the analysis DECLINED', async () => {
    const fake = [
      { field: 'video', data: jpeg(), type: 'video/webm', filename: 'not-a-video.webm' },
      { field: 'photo', data: jpeg(), type: 'image/jpeg' },
    ];
    const folder = await json(await post(form(goodPayload(), fake)));
    const [quality] = folder.analyses;
    assert.equal(quality.state, 'FINISHED');
    assert.equal(quality.resolution_status, 'DECLINED');
    assert.equal(quality.results_data.confidence_spoofing, 1);
    const perMedia = Object.fromEntries(quality.results_media.map((r: any) => [r.original_name, r.resolution_status]));
    assert.deepEqual(perMedia, { 'not-a-video.webm': 'DECLINED', photo: 'SUCCESS' });
    const mp4 = new Uint8Array(64);
    mp4.set([0, 0, 0, 0x18, 0x66, 0x74, 0x79, 0x70]);
    const png = new Uint8Array(64);
    png.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    const ok = await json(await post(form(goodPayload(), [
      { field: 'video', data: mp4, type: 'video/mp4' },
      { field: 'photo', data: png, type: 'image/png' },
    ])));
    assert.equal(ok.analyses[0].resolution_status, 'SUCCESS');
  });

  test('the per-folder switch forces DECLINED or OPERATOR_REQUIRED', async () => {
    for (const forced of ['DECLINED', 'OPERATOR_REQUIRED', 'SUCCESS']) {
      const folder = await json(await post(form(goodPayload({ emulator_resolution: forced }), goodMedia())));
      assert.equal(folder.analyses[0].state, 'FINISHED', forced);
      assert.equal(folder.analyses[0].resolution_status, forced);
      assert.equal(folder.analyses[0].results_data.emulator.verdict, 'SUCCESS', 'the real check is still reported');
      const read = await json(await get(`/api/folders/${folder.folder_id}?with_analyses=true`));
      assert.equal(read.analyses[0].resolution_status, forced);
    }
  });

  test('PROCESSING-then-done: the analysis stays PROCESSING for N polls, then finishes', async () => {
    const folder = await json(await post(form(goodPayload({ emulator_resolution: 'processing', emulator_processing_polls: 3 }), goodMedia())));
    assert.equal(folder.resolution_status, 'PROCESSING');
    assert.equal(folder.analyses[0].state, 'PROCESSING');
    assert.equal(folder.analyses[0].results_data, null);
    const seen: string[] = [];
    for (let i = 0; i < 6; i++) {
      const polled = await json(await get(`/api/folders/${folder.folder_id}?with_analyses=true`));
      seen.push(`${polled.resolution_status}/${polled.analyses[0].state}/${polled.analyses[0].resolution_status}`);
    }
    assert.deepEqual(seen, [
      'PROCESSING/PROCESSING/PROCESSING',
      'PROCESSING/PROCESSING/PROCESSING',
      'PROCESSING/PROCESSING/PROCESSING',
      'FINISHED/FINISHED/SUCCESS',
      'FINISHED/FINISHED/SUCCESS',
      'FINISHED/FINISHED/SUCCESS',
    ]);
    const analysis = await json(await get(`/api/analyses/${folder.analyses[0].analysis_id}`));
    assert.equal(analysis.results_data.confidence_spoofing, 0);

    const instant = await json(await post(form(goodPayload({ emulator_resolution: 'PROCESSING' }), goodMedia()), '/api/instant/folders/'));
    assert.equal(instant.analyses[0].state, 'FINISHED', 'instant folders cannot be polled, so they finish at once');
  });
});

describe('emulator: configured switches', () => {
  test('resolution PROCESSING with processingSeconds finishes on the clock; DECLINED config applies to all', async () => {
    const emu = await startEmulator({ resolution: 'PROCESSING', processingPolls: 0, processingSeconds: 30 });
    try {
      const token = await login(emu.url);
      const headers = { 'X-Forensic-Access-Token': token };
      const folder = await json(await fetch(`${emu.url}/api/folders/`, { method: 'POST', headers, body: form(goodPayload(), goodMedia()) }));
      assert.equal(folder.analyses[0].state, 'PROCESSING');
      const read = async () => (await json(await fetch(`${emu.url}/api/analyses/${folder.analyses[0].analysis_id}`, { headers }))).state;
      assert.equal(await read(), 'PROCESSING');
      assert.equal(await read(), 'PROCESSING');
      emu.clock.advance(31_000);
      assert.equal(await read(), 'FINISHED');
    } finally {
      await emu.close();
    }
    const declining = await startEmulator({ resolution: 'DECLINED' });
    try {
      const token = await login(declining.url);
      const folder = await json(
        await fetch(`${declining.url}/api/folders/`, { method: 'POST', headers: { 'X-Forensic-Access-Token': token }, body: form(goodPayload(), goodMedia()) }),
      );
      assert.equal(folder.analyses[0].resolution_status, 'DECLINED');
    } finally {
      await declining.close();
    }
  });

  test('a wrong configuration stops the start with a message naming the key', async () => {
    await assert.rejects(startEmulator({ resolution: 'SOMETIMES' as never }), /resolution/);
    await assert.rejects(startEmulator({ accounts: [] }), /accounts/);
    await assert.rejects(startEmulator({ bodyLimitBytes: -1 }), /bodyLimitBytes/);
  });
});

function createHashHex(data: Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}
