import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { form, jpeg, json, login, seal, startEmulator, webm, type Running } from './emulator-harness.ts';

const PAGE = 'http://localhost:5173';

describe('backend-forwarding example (capture architecture)', () => {
  let emu: Running;
  before(async () => {
    // Off by default: switched on here for the page origin it serves.
    emu = await startEmulator({ backendExample: { enabled: true, origins: [PAGE] } });
  });
  after(() => emu.close());

  /** A call from the page the example backend serves. */
  const fromPage = (path: string, init: RequestInit = {}) =>
    fetch(emu.url + path, { ...init, headers: { Origin: PAGE, ...(init.headers as Record<string, string> | undefined) } });

  test('the page posts the container Blob; the backend logs in over HTTP and the API answers with the folder', async () => {
    // api-use-session-token="client": the backend fetches the session token for the page.
    const tokenAnswer = await fromPage(`/backend/session-token`);
    assert.equal(tokenAnswer.status, 200);
    const { session_token: jwt } = await json(tokenAnswer);
    const container = await seal(jwt, { meta: { transaction_id: 'fwd-1' } });
    const response = await fromPage(`/backend/forward`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/octet-stream' },
      body: new Blob([container.slice()]),
    });
    const folder = await json(response);
    assert.equal(response.status, 200, JSON.stringify(folder));
    assert.equal(folder.analyses[0].resolution_status, 'SUCCESS');
    assert.equal(folder.technical_meta_data.source, 'container');
    // The folder belongs to the backend's account: the backend reads it with its own access token.
    const token = await login(emu.url);
    const found = await json(await fetch(`${emu.url}/api/folders/?meta_data=transaction_id==fwd-1`, { headers: { 'X-Forensic-Access-Token': token } }));
    assert.deepEqual(found.map((f: any) => f.folder_id), [folder.folder_id]);
    // The page shows the folder through the backend, which holds the access token.
    const shown = await fromPage(`/backend/folders/${folder.folder_id}`);
    assert.equal(shown.status, 200);
    assert.equal((await json(shown)).folder_id, folder.folder_id);
    assert.equal((await fromPage(`/backend/folders/00000000-0000-4000-8000-000000000000`)).status, 404);

    const replay = await fromPage(`/backend/forward`, { method: 'POST', headers: { 'Content-Type': 'application/octet-stream' }, body: new Blob([container.slice()]) });
    assert.equal(replay.status, 400);
    assert.equal((await json(replay)).error_code, 14, "the API's answer is relayed as is");
  });

  test('without a container: the classic form is forwarded; ?instant=true goes to the Instant API', async () => {
    const body = form(
      { 'media:tags': { video: ['video_selfie', 'video_selfie_blank'], photo: ['photo_selfie'] }, 'folder:meta_data': { transaction_id: 'fwd-2' } },
      [
        { field: 'video', data: webm(), type: 'video/webm', filename: 'blank.webm' },
        { field: 'photo', data: jpeg(), type: 'image/jpeg', filename: 'best.jpg' },
      ],
    );
    const response = await fromPage(`/backend/forward?instant=true`, { method: 'POST', body });
    const folder = await json(response);
    assert.equal(response.status, 200, JSON.stringify(folder));
    assert.deepEqual(folder.media.map((m: any) => m.original_name).sort(), ['best.jpg', 'blank.webm']);
    assert.equal(folder.analyses[0].resolution_status, 'SUCCESS');
    const token = await login(emu.url);
    const found = await json(await fetch(`${emu.url}/api/folders/?meta_data=transaction_id==fwd-2`, { headers: { 'X-Forensic-Access-Token': token } }));
    assert.deepEqual(found, [], 'instant folders are not stored');
  });

  test('an empty post is 13; wrong backend credentials are 11 (external service)', async () => {
    const empty = await fromPage(`/backend/forward`, { method: 'POST', headers: { 'Content-Type': 'application/octet-stream' } });
    assert.equal((await json(empty)).error_code, 13);
    const broken = await startEmulator({ backendExample: { enabled: true, origins: [PAGE], password: 'not-the-password' } });
    try {
      const response = await fetch(`${broken.url}/backend/session-token`, { headers: { Origin: PAGE } });
      assert.equal(response.status, 502);
      const body = await json(response);
      assert.equal(body.error_code, 11);
      assert.equal(body.details.api_body.error_code, 7);
    } finally {
      await broken.close();
    }
  });
});
