import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createLocalJWKSet, decodeProtectedHeader, exportJWK, generateKeyPair, importJWK, jwtVerify } from 'jose';
import { DEFAULT_EMAIL, DEFAULT_PASSWORD } from '../../server/config.ts';
import { json, login, startEmulator, type Running } from './emulator-harness.ts';

const OPERATOR = { email: 'operator@oz-emulator.test', password: 'read-only', role: 'CLIENT_OPERATOR' as const };
const PAGE = 'http://localhost:5173';

describe('emulator: access tokens', () => {
  let emu: Running;
  before(async () => {
    emu = await startEmulator({
      accounts: [{ email: DEFAULT_EMAIL, password: DEFAULT_PASSWORD, role: 'CLIENT' }, OPERATOR],
      accessTokenTtlSeconds: 60,
      refreshTokenTtlSeconds: 600,
    });
  });
  after(() => emu.close());

  const auth = (body: unknown) =>
    fetch(`${emu.url}/api/authorize/auth`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });

  test('the configured credentials get an access token in the vendor shape', async () => {
    const response = await auth({ credentials: { email: DEFAULT_EMAIL, password: DEFAULT_PASSWORD } });
    assert.equal(response.status, 200);
    const body = await json(response);
    assert.equal(typeof body.access_token, 'string');
    assert.equal(typeof body.expire_token, 'string');
    assert.notEqual(body.access_token, body.expire_token);
    assert.equal(body.user.email, DEFAULT_EMAIL);
    assert.equal(body.user.user_type, 'CLIENT');
    assert.ok(Math.abs(body.expire_date - (emu.clock.now() / 1000 + 60)) < 5);
  });

  test('a wrong password is error 7, a malformed body 3 or 5, never a crash', async () => {
    const wrong = await auth({ credentials: { email: DEFAULT_EMAIL, password: 'nope' } });
    assert.equal(wrong.status, 401);
    assert.deepEqual(await json(wrong), { error_code: 7, error_message: 'wrong email or password', details: null });
    assert.equal((await json(await auth({ email: DEFAULT_EMAIL }))).error_code, 3);
    assert.equal((await json(await auth({ credentials: { email: 1, password: [] } }))).error_code, 5);
    const broken = await fetch(`${emu.url}/api/authorize/auth`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"credentials":' });
    assert.equal(broken.status, 400);
    assert.equal((await json(broken)).error_code, 3);
  });

  test('protected calls: 6 without a token, 7 with an unknown one, 8 once it expired', async () => {
    const list = (headers: Record<string, string>) => fetch(`${emu.url}/api/folders/`, { headers });
    const none = await list({});
    assert.equal(none.status, 401);
    assert.equal((await json(none)).error_code, 6);
    const unknown = await list({ 'X-Forensic-Access-Token': 'not-a-token' });
    assert.equal((await json(unknown)).error_code, 7);
    const token = await login(emu.url);
    assert.equal((await list({ 'X-Forensic-Access-Token': token })).status, 200);
    emu.clock.advance(61_000);
    const expired = await list({ 'X-Forensic-Access-Token': token });
    assert.equal(expired.status, 401);
    assert.deepEqual(await json(expired), { error_code: 8, error_message: 'access token expired', details: null });
  });

  test('a read-only role may read but gets 9 when it creates', async () => {
    const token = await login(emu.url, OPERATOR.email, OPERATOR.password);
    const headers = { 'X-Forensic-Access-Token': token };
    assert.equal((await fetch(`${emu.url}/api/folders/`, { headers })).status, 200);
    const session = await fetch(`${emu.url}/api/authorize/session_token`, { headers });
    assert.equal(session.status, 403);
    assert.equal((await json(session)).error_code, 9);
    const upload = await fetch(`${emu.url}/api/folders/`, { method: 'POST', headers: { ...headers, 'Content-Type': 'application/octet-stream' }, body: 'x' });
    assert.equal((await json(upload)).error_code, 9);
  });

  test('refresh: the expire_token buys a new access token once; reuse is 7, expiry 8', async () => {
    const first = await json(await auth({ credentials: { email: DEFAULT_EMAIL, password: DEFAULT_PASSWORD } }));
    const refresh = (body: unknown) =>
      fetch(`${emu.url}/api/authorize/refresh/`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
    const renewed = await refresh({ expire_token: first.expire_token });
    assert.equal(renewed.status, 200);
    const body = await json(renewed);
    assert.notEqual(body.access_token, first.access_token);
    assert.equal((await fetch(`${emu.url}/api/folders/`, { headers: { 'X-Forensic-Access-Token': body.access_token } })).status, 200);
    assert.equal((await json(await refresh({ expire_token: first.expire_token }))).error_code, 7);
    assert.equal((await json(await refresh({ expire_token: first.access_token }))).error_code, 7);
    assert.equal((await json(await refresh({}))).error_code, 6);
    emu.clock.advance(601_000);
    assert.equal((await json(await refresh({ expire_token: body.expire_token }))).error_code, 8);
  });
});

describe('emulator: session tokens', () => {
  let emu: Running;
  before(async () => {
    emu = await startEmulator({ allowedOrigins: [PAGE], sessionTokenTtlSeconds: 120 });
  });
  after(() => emu.close());

  test('claims are exactly the contract and the ES384 signature verifies against the JWKS', async () => {
    const token = await login(emu.url);
    const before = emu.clock.now();
    const response = await fetch(`${emu.url}/api/authorize/session_token`, { headers: { 'X-Forensic-Access-Token': token } });
    assert.equal(response.status, 200);
    const { session_token: jwt } = await json(response);
    const jwks = await json(await fetch(`${emu.url}/api/authorize/jwks`));
    assert.equal(jwks.keys.length, 1);
    assert.equal(jwks.keys[0].crv, 'P-384');
    assert.equal(jwks.keys[0].d, undefined, 'the JWKS must not leak the private key');
    const { payload, protectedHeader } = await jwtVerify(jwt, createLocalJWKSet(jwks), {
      algorithms: ['ES384'],
      issuer: 'oz-api-emulator',
      currentDate: new Date(emu.clock.now()),
    });
    assert.equal(protectedHeader.alg, 'ES384');
    assert.deepEqual(Object.keys(payload).sort(), ['exp', 'hpke', 'iat', 'iss', 'server_time', 'sid', 'suite']);
    assert.equal(payload.exp! - payload.iat!, 120);
    assert.ok((payload.server_time as number) >= before && (payload.server_time as number) <= emu.clock.now());
    assert.equal(payload.suite, 'DHKEM-P256-HKDF-SHA256/HKDF-SHA256/AES-256-GCM');
    const point = Buffer.from(payload.hpke as string, 'base64url');
    assert.equal(point.length, 65);
    assert.equal(point[0], 0x04);
    assert.match(payload.sid as string, /^[0-9a-f-]{36}$/);
  });

  test('a token signed by another key does not verify', async () => {
    const other = await startEmulator();
    try {
      const jwt = (await json(await fetch(`${other.url}/api/authorize/session_token`, { headers: { 'X-Forensic-Access-Token': await login(other.url) } }))).session_token;
      const jwks = await json(await fetch(`${emu.url}/api/authorize/jwks`));
      assert.notEqual(decodeProtectedHeader(jwt).kid, jwks.keys[0].kid);
      await assert.rejects(jwtVerify(jwt, createLocalJWKSet(jwks)));
    } finally {
      await other.close();
    }
  });

  test('a configured signing key signs the tokens and only its public half is published', async () => {
    const { privateKey } = await generateKeyPair('ES384', { extractable: true });
    const jwk = await exportJWK(privateKey);
    const keyed = await startEmulator({ signingKey: jwk as Record<string, unknown>, sessionSecret: Buffer.alloc(32, 7).toString('base64url') });
    try {
      const jwks = await json(await fetch(`${keyed.url}/api/authorize/jwks`));
      assert.deepEqual([jwks.keys[0].x, jwks.keys[0].y, jwks.keys[0].d], [jwk.x, jwk.y, undefined]);
      const jwt = (await json(await fetch(`${keyed.url}/api/authorize/session_token`, { headers: { 'X-Forensic-Access-Token': await login(keyed.url) } }))).session_token;
      await jwtVerify(jwt, await importJWK({ kty: 'EC', crv: 'P-384', x: jwk.x, y: jwk.y }, 'ES384'), { currentDate: new Date(keyed.clock.now()) });
    } finally {
      await keyed.close();
    }
    await assert.rejects(startEmulator({ signingKey: { kty: 'EC', crv: 'P-256', x: 'a', y: 'b' } }), /signingKey/);
    await assert.rejects(startEmulator({ sessionSecret: 'c2hvcnQ' }), /sessionSecret/);
  });

  test('every call gets a new session', async () => {
    const token = await login(emu.url);
    const sids = new Set<string>();
    for (let i = 0; i < 5; i++) {
      const { session_token: jwt } = await json(await fetch(`${emu.url}/api/authorize/session_token`, { headers: { 'X-Forensic-Access-Token': token } }));
      sids.add(JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString()).sid);
    }
    assert.equal(sids.size, 5);
  });

  test('without an access token: allowed page origins and same-origin pages only', async () => {
    const get = (headers: Record<string, string>) => fetch(`${emu.url}/api/authorize/session_token`, { headers });
    const page = await get({ Origin: PAGE });
    assert.equal(page.status, 200);
    assert.equal(page.headers.get('access-control-allow-origin'), PAGE);
    assert.equal(typeof (await json(page)).session_token, 'string');
    const stranger = await get({ Origin: 'https://evil.example' });
    assert.equal(stranger.status, 401);
    assert.equal((await json(stranger)).error_code, 6);
    assert.equal(stranger.headers.get('access-control-allow-origin'), null);
    assert.equal((await json(await get({}))).error_code, 6);
    // A same-origin GET carries no Origin; browsers mark it with Sec-Fetch-Site.
    assert.equal((await get({ 'Sec-Fetch-Site': 'same-origin' })).status, 200);
    assert.equal((await get({ 'Sec-Fetch-Site': 'cross-site' })).status, 401);
    assert.equal((await get({ Origin: emu.url })).status, 200, 'a page served by this very server');
    assert.equal((await json(await get({ Origin: PAGE, 'X-Forensic-Access-Token': 'forged' }))).error_code, 7, 'a bad token is never ignored');
  });

  test('the web-adapter role can be switched off', async () => {
    const strict = await startEmulator({ allowedOrigins: [PAGE], webAdapter: false });
    try {
      const response = await fetch(`${strict.url}/api/authorize/session_token`, { headers: { Origin: PAGE } });
      assert.equal(response.status, 401);
      assert.equal((await json(response)).error_code, 6);
    } finally {
      await strict.close();
    }
  });

  test('CORS: preflight for allowed origins names the API headers; others get no grant', async () => {
    const preflight = (origin: string) =>
      fetch(`${emu.url}/api/folders/`, {
        method: 'OPTIONS',
        headers: { Origin: origin, 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'content-type,x-session-token' },
      });
    const ok = await preflight(PAGE);
    assert.equal(ok.status, 204);
    assert.equal(ok.headers.get('access-control-allow-origin'), PAGE);
    const allowed = ok.headers.get('access-control-allow-headers')!.toLowerCase();
    for (const name of ['content-type', 'x-forensic-access-token', 'x-session-token']) assert.ok(allowed.includes(name), name);
    const denied = await preflight('https://evil.example');
    assert.equal(denied.headers.get('access-control-allow-origin'), null);
  });
});
