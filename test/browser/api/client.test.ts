import { expect } from '@open-wc/testing';
import { emulator as info, injectFaults as faults, proxiedRequests as requests } from '../../support/emulator.ts';
import { OzApiClient } from '../../../src/api/client.ts';
import { parseSessionToken, remainingLifetime } from '../../../src/api/session-token.ts';
import { OzError } from '../../../src/errors.ts';

const fast = { retries: 3, baseDelayMs: 10, maxDelayMs: 40 };

// A tiny but well-formed WebM header: the emulator checks media signatures.
const webm = () => new Blob([new Uint8Array([0x1a, 0x45, 0xdf, 0xa3, 0x9f, 0x42, 0x86, 0x81, 0x01])], { type: 'video/webm' });

function form(): FormData {
  const body = new FormData();
  body.append('video', webm(), 'blank.webm');
  body.append('payload', JSON.stringify({
    'media:tags': { video: ['video_selfie', 'video_selfie_blank', 'orientation_portrait'] },
    'folder:meta_data': { transaction_id: crypto.randomUUID() },
  }));
  return body;
}

async function rejection(p: Promise<unknown>): Promise<OzError> {
  try { await p; } catch (e) { return e as OzError; }
  throw new Error('expected a rejection');
}

describe('OzApiClient against the emulator', () => {
  afterEach(() => faults([]));

  it('gets a session token whose claims the element can use', async () => {
    const { apiUrl } = await info();
    const token = parseSessionToken(await new OzApiClient({ apiUrl }).getSessionToken());
    expect(token.sessionId).to.be.a('string').and.not.empty;
    expect(token.hpkePublicKey).to.match(/^[A-Za-z0-9_-]{87}$/);
    expect(remainingLifetime(token)).to.be.above(0);
  });

  it('judges expiry on the server clock, so a device clock hours wrong does not matter', async () => {
    const { apiUrl } = await info();
    const raw = await new OzApiClient({ apiUrl }).getSessionToken();
    const sixHours = 6 * 3600 * 1000;
    const token = parseSessionToken(raw, Date.now() + sixHours);
    expect(remainingLifetime(token, Date.now() + sixHours)).to.be.above(0);
  });

  it('uploads a multipart folder with progress and reads it back with the session token', async () => {
    const { apiUrl } = await info();
    const client = new OzApiClient({ apiUrl });
    const token = await client.getSessionToken();
    const progress: number[] = [];
    const folder = await client.createFolder(form(), { instant: false, sessionToken: token, onProgress: (p) => progress.push(p.loaded) });
    expect(folder.folder_id).to.be.a('string');
    expect(progress.length).to.be.above(0);
    const again = await client.getFolder(folder.folder_id, token);
    expect(again.folder_id).to.equal(folder.folder_id);
  });

  it('retries a reset connection, a 500 and a 429, then succeeds', async () => {
    const { faultyUrl } = await info();
    const client = new OzApiClient({ apiUrl: faultyUrl, retry: fast });
    const token = await client.getSessionToken();
    await faults([{ kind: 'reset' }, { kind: 'status', status: 500 }, { kind: 'status', status: 429, retryAfterSeconds: 0 }]);
    const folder = await client.createFolder(form(), { instant: false, sessionToken: token });
    expect(folder.folder_id).to.be.a('string');
    // Chromium itself resends a POST whose reused connection was reset, so the reset may cost one extra request.
    expect(await requests()).to.be.within(4, 5);
  });

  it('gives up after the retry budget with upload_failed and the last status', async () => {
    const { faultyUrl } = await info();
    const client = new OzApiClient({ apiUrl: faultyUrl, retry: fast });
    const token = await client.getSessionToken();
    await faults(Array.from({ length: 4 }, () => ({ kind: 'status', status: 503 })));
    const error = await rejection(client.createFolder(form(), { instant: false, sessionToken: token }));
    expect(error.code).to.equal('upload_failed');
    expect((error.details as { status: number; attempts: number }).status).to.equal(503);
    expect(await requests()).to.equal(4);
  });

  it('treats a hanging request as a network failure after the timeout', async () => {
    const { faultyUrl } = await info();
    const client = new OzApiClient({ apiUrl: faultyUrl, retry: { retries: 0 }, timeoutMs: 300 });
    await faults([{ kind: 'hang' }]);
    const error = await rejection(client.getSessionToken());
    expect(error.code).to.equal('network_error');
    expect((error.details as { body: string }).body).to.equal('timeout');
  });

  it('never retries a definitive 4xx: a replayed session is error 14 at once', async () => {
    const { faultyUrl } = await info();
    const client = new OzApiClient({ apiUrl: faultyUrl, retry: fast });
    const token = await client.getSessionToken();
    await client.createFolder(form(), { instant: true, sessionToken: token });
    await faults([]);
    const error = await rejection(client.createFolder(form(), { instant: true, sessionToken: token }));
    expect(error.code).to.equal('api_error');
    expect((error.details as { error_code: number }).error_code).to.equal(14);
    expect(await requests()).to.equal(1);
  });

  it('stops at once when its signal aborts', async () => {
    const { faultyUrl } = await info();
    const abort = new AbortController();
    const client = new OzApiClient({ apiUrl: faultyUrl, signal: abort.signal });
    await faults([{ kind: 'hang' }]);
    const pending = rejection(client.getSessionToken());
    setTimeout(() => abort.abort(), 50);
    expect((await pending).code).to.equal('user_cancelled');
  });
});
