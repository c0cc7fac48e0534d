import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import { decodeHeader, encodeHeader } from '../../src/container/format.ts';
import { defaultMedia, json, login, postContainer, seal, sessionToken, startEmulator, webm, type Running } from './emulator-harness.ts';

const PAGE = 'http://localhost:5173';

describe('emulator: container uploads', () => {
  let emu: Running;
  let token: string;
  before(async () => {
    emu = await startEmulator({ allowedOrigins: [PAGE], sessionTokenTtlSeconds: 300 });
    token = await login(emu.url);
  });
  after(() => emu.close());

  const auth = () => ({ 'X-Forensic-Access-Token': token });
  const get = (path: string, headers: Record<string, string> = auth()) => fetch(emu.url + path, { headers });
  const expectError = async (response: Response, status: number, code: number, reason?: string) => {
    const body = await json(response);
    assert.equal(response.status, status, JSON.stringify(body));
    assert.equal(body.error_code, code, JSON.stringify(body));
    assert.equal(typeof body.error_message, 'string');
    if (reason) assert.equal(body.details?.reason, reason, JSON.stringify(body));
    return body;
  };

  test('a genuine container opens: FINISHED / SUCCESS, media and meta as sealed', async () => {
    const jwt = await sessionToken(emu.url, token);
    const bytes = await seal(jwt, { meta: { transaction_id: 'cx-1' } });
    const response = await postContainer(emu.url, bytes, auth());
    const folder = await json(response);
    assert.equal(response.status, 200, JSON.stringify(folder));
    assert.equal(folder.resolution_status, 'FINISHED');
    assert.equal(folder.analyses[0].type, 'quality');
    assert.equal(folder.analyses[0].state, 'FINISHED');
    assert.equal(folder.analyses[0].resolution_status, 'SUCCESS');
    assert.equal(folder.analyses[0].results_data.emulator.container_authentic, true);
    assert.deepEqual(folder.meta_data, { transaction_id: 'cx-1' });
    assert.equal(folder.technical_meta_data.source, 'container');
    assert.equal(folder.technical_meta_data.user_agent, 'node-test');
    assert.equal(folder.technical_meta_data.container.session_id, JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString()).sid);
    const byName = Object.fromEntries(folder.media.map((m: any) => [m.original_name, m]));
    for (const medium of defaultMedia()) {
      assert.equal(byName[medium.name].sha256, createHash('sha256').update(medium.data).digest('hex'));
      assert.deepEqual(byName[medium.name].tags, medium.tags);
    }
    const found = await json(await get('/api/folders/?meta_data=transaction_id==cx-1&with_analyses=true'));
    assert.equal(found[0].folder_id, folder.folder_id);
  });

  test('the same container again is a replay: 14', async () => {
    const bytes = await seal(await sessionToken(emu.url, token));
    assert.equal((await postContainer(emu.url, bytes, auth())).status, 200);
    const replay = await expectError(await postContainer(emu.url, bytes, auth()), 400, 14, 'session_replayed');
    assert.match(replay.error_message, /replay/);
    await expectError(await postContainer(emu.url, bytes, auth(), '/api/instant/folders/'), 400, 14, 'session_replayed');
  });

  test('a second container of a used session is refused too', async () => {
    const jwt = await sessionToken(emu.url, token);
    assert.equal((await postContainer(emu.url, await seal(jwt), auth())).status, 200);
    await expectError(await postContainer(emu.url, await seal(jwt, { meta: { other: true } }), auth()), 400, 14, 'session_replayed');
  });

  test('an expired session: 14', async () => {
    const bytes = await seal(await sessionToken(emu.url, token));
    emu.clock.advance(301_000);
    try {
      await expectError(await postContainer(emu.url, bytes, auth()), 400, 14, 'session_expired');
    } finally {
      emu.clock.advance(-301_000);
    }
  });

  test('tampered containers: 14 when the ciphertext or header changes, 5 when truncated', async () => {
    const bytes = await seal(await sessionToken(emu.url, token));
    const flipped = bytes.slice();
    flipped[flipped.length - 40]! ^= 0x01;
    await expectError(await postContainer(emu.url, flipped, auth()), 400, 14, 'decrypt_failed');

    const bytes2 = await seal(await sessionToken(emu.url, token));
    const header = decodeHeader(bytes2);
    const later = encodeHeader({ ...header, createdAt: header.createdAt + 1 });
    const reheadered = new Uint8Array(bytes2.length);
    reheadered.set(later);
    reheadered.set(bytes2.subarray(header.headerLength), later.length);
    await expectError(await postContainer(emu.url, reheadered, auth()), 400, 14, 'decrypt_failed');

    const bytes3 = await seal(await sessionToken(emu.url, token));
    await expectError(await postContainer(emu.url, bytes3.subarray(0, bytes3.length - 10), auth()), 400, 5);
    await expectError(await postContainer(emu.url, webm(4096), auth()), 400, 14, 'bad_magic');
  });

  test('wrong session: a container sealed for one session but presented as another is 14', async () => {
    const sealedFor = await seal(await sessionToken(emu.url, token));
    const other = await sessionToken(emu.url, token);
    const header = decodeHeader(sealedFor);
    const otherSid = JSON.parse(Buffer.from(other.split('.')[1]!, 'base64url').toString()).sid;
    const swappedHeader = encodeHeader({ ...header, sessionId: otherSid, sessionToken: other });
    const swapped = new Uint8Array(swappedHeader.length + sealedFor.length - header.headerLength);
    swapped.set(swappedHeader);
    swapped.set(sealedFor.subarray(header.headerLength), swappedHeader.length);
    await expectError(await postContainer(emu.url, swapped, auth()), 400, 14, 'decrypt_failed');

    const foreign = await startEmulator();
    try {
      const foreignBytes = await seal(await sessionToken(foreign.url, await login(foreign.url)));
      await expectError(await postContainer(emu.url, foreignBytes, auth()), 400, 14, 'session_token_signature');
    } finally {
      await foreign.close();
    }

    // A fresh, unused session: a used one is refused as a replay before the body is read.
    const mine = await seal(await sessionToken(emu.url, token));
    const unused = await sessionToken(emu.url, token);
    await expectError(await postContainer(emu.url, mine, { ...auth(), 'X-Session-Token': unused }), 400, 14, 'session_mismatch');
  });

  test('an empty body is 13, a body of another type 5', async () => {
    await expectError(await postContainer(emu.url, new Uint8Array(0), auth()), 400, 13);
    await expectError(await fetch(`${emu.url}/api/folders/`, { method: 'POST', headers: auth() }), 400, 13);
    await expectError(
      await fetch(`${emu.url}/api/folders/`, { method: 'POST', headers: { ...auth(), 'Content-Type': 'text/plain' }, body: 'hello' }),
      415,
      5,
    );
  });

  test('a page (api token mode) gets a session by origin, uploads without an access token and reads only its folder', async () => {
    const pageToken = async () =>
      (await json(await fetch(`${emu.url}/api/authorize/session_token`, { headers: { Origin: PAGE } }))).session_token as string;
    const jwt = await pageToken();
    const response = await postContainer(emu.url, await seal(jwt, { meta: { transaction_id: 'page-1' } }), { Origin: PAGE, 'X-Session-Token': jwt });
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('access-control-allow-origin'), PAGE);
    const folder = await json(response);
    const own = await get(`/api/folders/${folder.folder_id}/?with_analyses=true`, { 'X-Session-Token': jwt, Origin: PAGE });
    assert.equal(own.status, 200);
    // The page learns that the check finished, not its verdict (pageResultMode "safe"); the backend reads that.
    const seen = await json(own);
    assert.equal(seen.analyses[0].state, 'FINISHED');
    assert.equal(seen.analyses[0].resolution_status, undefined);

    const stranger = await pageToken();
    await expectError(await get(`/api/folders/${folder.folder_id}`, { 'X-Session-Token': stranger }), 404, 10);
    await expectError(await get(`/api/analyses/${folder.analyses[0].analysis_id}`, { 'X-Session-Token': stranger }), 404, 10);
    await expectError(await get(`/api/folders/${folder.folder_id}`, { 'X-Session-Token': 'x.y.z' }), 401, 7);
    await expectError(await get(`/api/folders/${folder.folder_id}`, {}), 401, 6);
    await expectError(await get('/api/folders/?meta_data=transaction_id==page-1', { 'X-Session-Token': jwt }), 401, 6);

    // The host's backend, logged in as the web-adapter account, finds the page's folder by its transaction id.
    const found = await json(await get('/api/folders/?meta_data=transaction_id==page-1&with_analyses=true'));
    assert.equal(found.length, 1);
    assert.equal(found[0].folder_id, folder.folder_id);
    assert.equal(found[0].analyses[0].resolution_status, 'SUCCESS');
  });

  test('a multipart upload bound to a session uses it up', async () => {
    const jwt = (await json(await fetch(`${emu.url}/api/authorize/session_token`, { headers: { Origin: PAGE } }))).session_token as string;
    const body = () => {
      const fd = new FormData();
      fd.append('video', new Blob([webm()], { type: 'video/webm' }), 'v.webm');
      fd.append('payload', JSON.stringify({ 'media:tags': { video: ['video_selfie', 'video_selfie_blank'] }, 'folder:meta_data': {} }));
      return fd;
    };
    const first = await fetch(`${emu.url}/api/folders/`, { method: 'POST', headers: { 'X-Session-Token': jwt }, body: body() });
    assert.equal(first.status, 200);
    const folder = await json(first);
    assert.equal((await get(`/api/folders/${folder.folder_id}`, { 'X-Session-Token': jwt })).status, 200);
    await expectError(await fetch(`${emu.url}/api/folders/`, { method: 'POST', headers: { 'X-Session-Token': jwt }, body: body() }), 400, 14, 'session_replayed');
    await expectError(await fetch(`${emu.url}/api/folders/`, { method: 'POST', body: body() }), 401, 6);
  });

  test('50 concurrent uploads are all answered correctly', async () => {
    const jobs = await Promise.all(
      Array.from({ length: 50 }, async (_, i) => {
        const jwt = await sessionToken(emu.url, token);
        return { i, bytes: await seal(jwt, { meta: { transaction_id: `load-${i}` } }) };
      }),
    );
    const answers = await Promise.all(jobs.map(async ({ i, bytes }) => ({ i, response: await postContainer(emu.url, bytes, auth()) })));
    const folders = await Promise.all(
      answers.map(async ({ i, response }) => {
        const body = await json(response);
        assert.equal(response.status, 200, JSON.stringify(body));
        assert.equal(body.meta_data.transaction_id, `load-${i}`);
        assert.equal(body.analyses[0].resolution_status, 'SUCCESS');
        return body.folder_id as string;
      }),
    );
    assert.equal(new Set(folders).size, 50);
    for (const i of [0, 17, 49]) {
      const found = await json(await get(`/api/folders/?meta_data=transaction_id==load-${i}`));
      assert.deepEqual(found.map((f: any) => f.folder_id), [folders[i]]);
    }
  });

  test('a replay storm: 20 concurrent copies of one container, exactly one accepted', async () => {
    const bytes = await seal(await sessionToken(emu.url, token));
    const responses = await Promise.all(Array.from({ length: 20 }, () => postContainer(emu.url, bytes, auth())));
    const bodies = await Promise.all(responses.map(json));
    assert.equal(responses.filter((r) => r.status === 200).length, 1);
    for (const [i, r] of responses.entries()) {
      if (r.status !== 200) assert.deepEqual([r.status, bodies[i].error_code, bodies[i].details.reason], [400, 14, 'session_replayed']);
    }
  });

  test('fuzzed containers (fast-check): every answer is a vendor error body, never a 5xx', async () => {
    const runs = Number(process.env.EMULATOR_FUZZ_RUNS ?? 40);
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 })), { minLength: 1, maxLength: 8 }),
        fc.option(fc.nat(), { nil: undefined }),
        async (flips, cut) => {
          const bytes = await seal(await sessionToken(emu.url, token));
          const mutated = bytes.slice(0, cut === undefined ? bytes.length : cut % bytes.length);
          for (const [at, mask] of flips) if (mutated.length) mutated[at % mutated.length]! ^= mask;
          const response = await postContainer(emu.url, mutated, auth());
          const body = await json(response);
          assert.ok(response.status === 400 || response.status === 200, `status ${response.status}: ${JSON.stringify(body)}`);
          if (response.status === 400) {
            assert.ok([3, 4, 5, 13, 14].includes(body.error_code), JSON.stringify(body));
            assert.equal(typeof body.error_message, 'string');
          }
        },
      ),
      { numRuns: runs },
    );
  });
});
