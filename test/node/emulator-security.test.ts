// What the security review of the emulator found, each checked at the HTTP level against a real emulator: who owns
// a capture, what a page holding only a session token may learn, and what an unauthenticated request may cost.
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { DEFAULT_EMAIL, DEFAULT_PASSWORD } from '../../server/config.ts';
import { form, jpeg, json, login, postContainer, seal, sessionToken, startEmulator, webm, type Running } from './emulator-harness.ts';

const VICTIM = { email: DEFAULT_EMAIL, password: DEFAULT_PASSWORD, role: 'CLIENT' as const };
const ATTACKER = { email: 'attacker@oz-emulator.test', password: 'attacker', role: 'CLIENT' as const };
const PAGE = 'http://localhost:5173';

const payload = (meta: Record<string, unknown> = {}) => ({
  'media:tags': { video: ['video_selfie', 'video_selfie_blank'], photo: ['photo_selfie'] },
  'folder:meta_data': meta,
});
const media = () => [
  { field: 'video', data: webm(), type: 'video/webm', filename: 'blank.webm' },
  { field: 'photo', data: jpeg(), type: 'image/jpeg', filename: 'best.jpg' },
];
const pageToken = async (url: string) =>
  (await json(await fetch(`${url}/api/authorize/session_token`, { headers: { Origin: PAGE } }))).session_token as string;

/** No verdict in what a page sees: no resolution of an analysis, no results. */
function assertNoVerdict(folder: any, where: string): void {
  assert.ok(Array.isArray(folder.analyses), `${where}: the analyses' states are there`);
  for (const analysis of folder.analyses) {
    assert.equal(typeof analysis.state, 'string', where);
    assert.equal(analysis.resolution_status, undefined, `${where}: resolution_status ${JSON.stringify(analysis)}`);
    assert.equal(analysis.results_data, undefined, `${where}: results_data`);
    assert.equal(analysis.results_media, undefined, `${where}: results_media`);
  }
}

describe('emulator security: who owns a capture', () => {
  let emu: Running;
  let victim: string;
  let attacker: string;
  before(async () => {
    emu = await startEmulator({ accounts: [VICTIM, ATTACKER], allowedOrigins: [PAGE] });
    victim = await login(emu.url, VICTIM.email, VICTIM.password);
    attacker = await login(emu.url, ATTACKER.email, ATTACKER.password);
  });
  after(() => emu.close());

  test("another account's access token cannot take a container: refused, and the session stays usable", async () => {
    const bytes = await seal(await sessionToken(emu.url, victim), { meta: { transaction_id: 'owned-1' } });
    const stolen = await postContainer(emu.url, bytes, { 'X-Forensic-Access-Token': attacker });
    const body = await json(stolen);
    assert.equal(stolen.status, 403, JSON.stringify(body));
    assert.equal(body.error_code, 9);
    assert.equal(body.details.reason, 'session_owner_mismatch');
    assert.deepEqual(await json(await fetch(`${emu.url}/api/folders/?meta_data=transaction_id==owned-1`, { headers: { 'X-Forensic-Access-Token': attacker } })), []);
    const own = await postContainer(emu.url, bytes, { 'X-Forensic-Access-Token': victim });
    assert.equal(own.status, 200, JSON.stringify(await json(own.clone())));
    const found = await json(await fetch(`${emu.url}/api/folders/?meta_data=transaction_id==owned-1`, { headers: { 'X-Forensic-Access-Token': victim } }));
    assert.equal(found.length, 1, "the folder is in its owner's search");
  });

  test("another account's access token cannot take a form's session either", async () => {
    const jwt = await pageToken(emu.url);
    const stolen = await fetch(`${emu.url}/api/folders/`, {
      method: 'POST',
      headers: { 'X-Forensic-Access-Token': attacker, 'X-Session-Token': jwt },
      body: form(payload({ transaction_id: 'owned-2' }), media()),
    });
    assert.equal(stolen.status, 403);
    assert.equal((await json(stolen)).details.reason, 'session_owner_mismatch');
    const own = await fetch(`${emu.url}/api/folders/`, { method: 'POST', headers: { 'X-Session-Token': jwt }, body: form(payload(), media()) });
    assert.equal(own.status, 200, 'the session was not used up by the refused upload');
  });
});

describe('emulator security: a page learns no verdict', () => {
  let emu: Running;
  before(async () => {
    emu = await startEmulator({ allowedOrigins: [PAGE], metaSwitches: true });
  });
  after(() => emu.close());

  test('a form with a session token: the upload answer and the reads carry states only', async () => {
    const jwt = await pageToken(emu.url);
    const response = await fetch(`${emu.url}/api/folders/`, {
      method: 'POST',
      headers: { 'X-Session-Token': jwt },
      body: form(payload({ emulator_resolution: 'DECLINED' }), media()),
    });
    const folder = await json(response);
    assert.equal(response.status, 200, JSON.stringify(folder));
    assert.equal(folder.resolution_status, 'FINISHED');
    assertNoVerdict(folder, 'upload answer');
    const read = await json(await fetch(`${emu.url}/api/folders/${folder.folder_id}/?with_analyses=true`, { headers: { 'X-Session-Token': jwt } }));
    assertNoVerdict(read, 'folder read');
    const analysis = await json(await fetch(`${emu.url}/api/analyses/${folder.analyses[0].analysis_id}`, { headers: { 'X-Session-Token': jwt } }));
    assertNoVerdict({ analyses: [analysis] }, 'analysis read');
    // The account that owns the folder reads the verdict with its access token.
    const backend = await login(emu.url);
    const full = await json(await fetch(`${emu.url}/api/folders/${folder.folder_id}/?with_analyses=true`, { headers: { 'X-Forensic-Access-Token': backend } }));
    assert.equal(full.analyses[0].resolution_status, 'DECLINED');
    assert.equal(full.analyses[0].results_data.confidence_spoofing, 1);
  });

  test('a container with a session token: the same', async () => {
    const jwt = await pageToken(emu.url);
    const response = await postContainer(emu.url, await seal(jwt), { 'X-Session-Token': jwt });
    const folder = await json(response);
    assert.equal(response.status, 200, JSON.stringify(folder));
    assertNoVerdict(folder, 'container upload answer');
    const instantJwt = await pageToken(emu.url);
    const instant = await json(await postContainer(emu.url, await seal(instantJwt), { 'X-Session-Token': instantJwt }, '/api/instant/folders/'));
    assertNoVerdict(instant, 'instant upload answer');
  });

  test('pageResultMode "status" lets pages see the resolution, never the results', async () => {
    const open = await startEmulator({ allowedOrigins: [PAGE], pageResultMode: 'status' });
    try {
      const jwt = await pageToken(open.url);
      const folder = await json(await fetch(`${open.url}/api/folders/`, { method: 'POST', headers: { 'X-Session-Token': jwt }, body: form(payload(), media()) }));
      assert.equal(folder.analyses[0].resolution_status, 'SUCCESS');
      assert.equal(folder.analyses[0].results_data, undefined);
      assert.equal(folder.analyses[0].results_media, undefined);
    } finally {
      await open.close();
    }
  });
});

describe('emulator security: forms from pages can be refused', () => {
  test('pageForms false: a form with a session token alone is 403 from its headers; with an access token it is taken', async () => {
    const strict = await startEmulator({ allowedOrigins: [PAGE], pageForms: false });
    try {
      const jwt = await pageToken(strict.url);
      const refused = await fetch(`${strict.url}/api/folders/`, { method: 'POST', headers: { 'X-Session-Token': jwt }, body: form(payload(), media()) });
      const body = await json(refused);
      assert.equal(refused.status, 403, JSON.stringify(body));
      assert.deepEqual([body.error_code, body.details.reason], [9, 'forms_refused']);
      const container = await postContainer(strict.url, await seal(jwt), { 'X-Session-Token': jwt });
      assert.equal(container.status, 200, 'the refused form left the session unused; a container still goes through');
      const token = await login(strict.url);
      const backend = await fetch(`${strict.url}/api/folders/`, { method: 'POST', headers: { 'X-Forensic-Access-Token': token }, body: form(payload(), media()) });
      assert.equal(backend.status, 200);
      assert.equal((await json(backend)).technical_meta_data.source, 'multipart', 'a form says where it came from');
    } finally {
      await strict.close();
    }
  });
});

describe('emulator security: the result switch is off unless configured', () => {
  test('emulator_resolution in the meta is refused by default and honoured with metaSwitches', async () => {
    const strict = await startEmulator();
    try {
      const token = await login(strict.url);
      const response = await fetch(`${strict.url}/api/folders/`, {
        method: 'POST',
        headers: { 'X-Forensic-Access-Token': token },
        body: form(payload({ emulator_resolution: 'SUCCESS' }), media()),
      });
      const body = await json(response);
      assert.equal(response.status, 400, JSON.stringify(body));
      assert.equal(body.error_code, 4);
      assert.equal(body.details.reason, 'meta_switches_off');
    } finally {
      await strict.close();
    }
  });
});

/** A raw POST whose body the client never sends in full: the answer must come from the headers alone. */
function headersOnly(url: string, path: string, headers: Record<string, string | number>): Promise<{ status: number; body: any }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: hostname, port, method: 'POST', path, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString();
        resolve({ status: res.statusCode ?? 0, body: text ? JSON.parse(text) : null });
        req.destroy();
      });
    });
    req.on('error', reject);
    // A first slice of the announced body, then nothing: a server that waits for the rest never answers.
    req.write(Buffer.alloc(1024, 0x20));
  });
}

describe('emulator security: limits before authentication', () => {
  let emu: Running;
  before(async () => {
    emu = await startEmulator({ allowedOrigins: [PAGE] });
  });
  after(() => emu.close());

  const big = 60 * 1024 * 1024;

  test('an unauthenticated upload is refused from its headers, whatever its type or announced size', async () => {
    for (const type of ['application/json', 'text/plain', 'application/octet-stream', 'multipart/form-data; boundary=X']) {
      for (const path of ['/api/folders/', '/api/instant/folders/']) {
        const answer = await headersOnly(emu.url, path, { 'Content-Type': type, 'Content-Length': big });
        assert.ok([401, 415].includes(answer.status), `${type} ${path}: ${answer.status} ${JSON.stringify(answer.body)}`);
        assert.ok([5, 6].includes(answer.body.error_code), `${type} ${path}`);
      }
    }
  });

  test('upload routes take only a container or a form: JSON is 415 even with a token, unread', async () => {
    const token = await login(emu.url);
    const answer = await headersOnly(emu.url, '/api/folders/', { 'Content-Type': 'application/json', 'Content-Length': big, 'X-Forensic-Access-Token': token });
    assert.equal(answer.status, 415);
    assert.equal(answer.body.error_code, 5);
  });

  test('a forged, used or unknown X-Session-Token is refused before the body is read', async () => {
    const jwt = await pageToken(emu.url);
    const first = await postContainer(emu.url, await seal(jwt), { 'X-Session-Token': jwt });
    assert.equal(first.status, 200);
    const used = await headersOnly(emu.url, '/api/folders/', { 'Content-Type': 'application/octet-stream', 'Content-Length': big, 'X-Session-Token': jwt });
    assert.equal(used.status, 400);
    assert.deepEqual([used.body.error_code, used.body.details.reason], [14, 'session_replayed']);
    const forged = await headersOnly(emu.url, '/api/folders/', { 'Content-Type': 'application/octet-stream', 'Content-Length': big, 'X-Session-Token': 'a.b.c' });
    assert.deepEqual([forged.status, forged.body.error_code], [400, 14]);
  });

  test('JSON routes read at most a small body', async () => {
    const answer = await headersOnly(emu.url, '/api/authorize/auth', { 'Content-Type': 'application/json', 'Content-Length': big });
    assert.equal(answer.status, 413);
    assert.equal(answer.body.error_code, 4);
  });

  test('concurrent uploads beyond the cap wait their turn, and beyond the queue are refused with 429', async () => {
    const capped = await startEmulator({ maxConcurrentUploads: 1, maxQueuedUploads: 1 });
    try {
      const token = await login(capped.url);
      const jwts = await Promise.all([1, 2, 3].map(() => sessionToken(capped.url, token)));
      // Two uploads hold the slot and the queue with bodies never finished; the third is turned away at once.
      const held = jwts.slice(0, 2).map((jwt) => {
        const { hostname, port } = new URL(capped.url);
        const req = httpRequest({
          host: hostname,
          port,
          method: 'POST',
          path: '/api/folders/',
          headers: { 'Content-Type': 'application/octet-stream', 'Content-Length': 1 << 20, 'X-Session-Token': jwt, 'X-Forensic-Access-Token': token },
        });
        req.on('error', () => undefined);
        req.write(Buffer.alloc(16));
        return req;
      });
      await new Promise((resolve) => setTimeout(resolve, 200));
      const third = await postContainer(capped.url, await seal(jwts[2]!), { 'X-Forensic-Access-Token': token });
      const body = await json(third);
      assert.equal(third.status, 429, JSON.stringify(body));
      assert.equal(body.details.reason, 'too_many_uploads');
      assert.equal(third.headers.get('retry-after'), '1');
      for (const req of held) req.destroy();
      await new Promise((resolve) => setTimeout(resolve, 200));
      // Slots come back when held uploads go away: the same container now goes through.
      const again = await postContainer(capped.url, await seal(await sessionToken(capped.url, token)), { 'X-Forensic-Access-Token': token });
      assert.equal(again.status, 200, JSON.stringify(await json(again.clone())));
    } finally {
      await capped.close();
    }
  });
});

describe('emulator security: the backend example is opt-in', () => {
  test('off by default: /backend/* does not exist', async () => {
    const emu = await startEmulator();
    try {
      for (const [method, path] of [['GET', '/backend/session-token'], ['POST', '/backend/forward'], ['GET', '/backend/folders/00000000-0000-4000-8000-000000000000']]) {
        const response = await fetch(emu.url + path!, { method });
        assert.equal(response.status, 404, `${method} ${path}`);
        assert.equal((await json(response)).error_code, 10);
      }
    } finally {
      await emu.close();
    }
  });

  test('on: only its configured page origins, and forwarded bodies have a total size cap', async () => {
    const emu = await startEmulator({ backendExample: { enabled: true, origins: [PAGE], bodyLimitBytes: 64 * 1024 } });
    try {
      const stranger = await fetch(`${emu.url}/backend/session-token`, { headers: { Origin: 'https://evil.example' } });
      assert.equal(stranger.status, 403);
      assert.equal((await json(stranger)).error_code, 9);
      assert.equal((await fetch(`${emu.url}/backend/session-token`)).status, 403, 'no Origin and not same-origin');
      assert.equal((await fetch(`${emu.url}/backend/session-token`, { headers: { Origin: PAGE } })).status, 200);
      assert.equal((await fetch(`${emu.url}/backend/session-token`, { headers: { 'Sec-Fetch-Site': 'same-origin' } })).status, 200);

      const tooBig = await fetch(`${emu.url}/backend/forward`, {
        method: 'POST',
        headers: { Origin: PAGE },
        body: form(payload(), [
          { field: 'video', data: webm(40 * 1024), type: 'video/webm' },
          { field: 'photo', data: jpeg(40 * 1024), type: 'image/jpeg' },
        ]),
      });
      assert.equal(tooBig.status, 413, 'the cap holds for the whole form');
      assert.equal((await json(tooBig)).error_code, 4);
      const bigContainer = await fetch(`${emu.url}/backend/forward`, {
        method: 'POST',
        headers: { Origin: PAGE, 'Content-Type': 'application/octet-stream' },
        body: new Uint8Array(100 * 1024),
      });
      assert.equal(bigContainer.status, 413);
      const forged = await fetch(`${emu.url}/backend/forward`, { method: 'POST', headers: { Origin: 'https://evil.example', 'Content-Type': 'application/octet-stream' }, body: 'x' });
      assert.equal(forged.status, 403);
    } finally {
      await emu.close();
    }
  });
});
