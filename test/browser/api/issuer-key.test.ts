// issuer-key: the element checks each session token's signature against the pinned issuer key before it uses the
// token's hpke key. A real token from the emulator against the emulator's real key, and forged ones, before the camera.
import { expect, fixture, html } from '@open-wc/testing';
import { SignJWT, decodeJwt, decodeProtectedHeader, exportJWK, generateKeyPair } from 'jose';
import '../../../src/define.ts';
import { backendSessionToken, emulator as info, nextEvent } from '../../support/emulator.ts';
import type { IssuerKey } from '../../../src/api/session-token.ts';
import type { OzLiveness } from '../../../src/oz-liveness.ts';
import type { OzErrorEvent } from '../../../src/events.ts';

async function issuerKey(apiUrl: string): Promise<IssuerKey> {
  const jwks = (await (await fetch(`${apiUrl}/api/authorize/jwks`)).json()) as { keys: IssuerKey[] };
  return jwks.keys[0]!;
}

/** A token with a real token's claims and header, signed by a key of the attacker's own. */
async function forged(real: string): Promise<string> {
  const { privateKey } = await generateKeyPair('ES384');
  return new SignJWT(decodeJwt(real)).setProtectedHeader(decodeProtectedHeader(real) as { alg: string }).sign(privateKey);
}

/** Counts camera requests while `run` runs. */
async function cameraRequests(run: () => Promise<void>): Promise<number> {
  const asked: unknown[] = [];
  const gum = navigator.mediaDevices.getUserMedia;
  navigator.mediaDevices.getUserMedia = (c) => (asked.push(c), gum.call(navigator.mediaDevices, c));
  try {
    await run();
  } finally {
    navigator.mediaDevices.getUserMedia = gum;
  }
  return asked.length;
}

describe('issuer-key', () => {
  it("opens with a real token from the API verified against the API's own key", async () => {
    const { apiUrl } = await info();
    const el = await fixture<OzLiveness>(html`<oz-liveness api-url=${apiUrl}></oz-liveness>`);
    el.setAttribute('issuer-key', JSON.stringify(await issuerKey(apiUrl)));
    await el.open();
    expect(el.state).to.equal('preview');
    el.close();
  });

  it('refuses a forged client token before the camera opens, with session_token_untrusted', async () => {
    const { apiUrl } = await info();
    const el = await fixture<OzLiveness>(html`<oz-liveness api-use-session-token="client" api-url=${apiUrl}></oz-liveness>`);
    el.issuerKey = await issuerKey(apiUrl);
    el.sessionToken = await forged(await backendSessionToken(apiUrl));
    const failed = nextEvent<OzErrorEvent>(el, 'error');
    let rejected: unknown;
    const asked = await cameraRequests(() => el.open().catch((error: unknown) => void (rejected = error)));
    const { detail } = await failed;
    expect(detail.code).to.equal('session_token_untrusted');
    expect(detail.message).to.equal('The session could not be trusted. Please start again.');
    expect((rejected as { code?: string }).code).to.equal('session_token_untrusted');
    expect(asked).to.equal(0);
    expect(el.state).to.equal('error');
  });

  it('refuses a token from an API whose key is not the pinned one (api mode)', async () => {
    const { apiUrl } = await info();
    const el = await fixture<OzLiveness>(html`<oz-liveness api-url=${apiUrl}></oz-liveness>`);
    const { publicKey } = await generateKeyPair('ES384', { extractable: true });
    el.issuerKey = (await exportJWK(publicKey)) as IssuerKey;
    const failed = nextEvent<OzErrorEvent>(el, 'error');
    const asked = await cameraRequests(() => el.open().catch(() => undefined));
    expect((await failed).detail.code).to.equal('session_token_untrusted');
    expect(asked).to.equal(0);
  });

  it('a value that is not a public P-384 key is an invalid attribute', async () => {
    const { privateKey } = await generateKeyPair('ES384', { extractable: true });
    for (const value of ['not json', '{"kty":"EC","crv":"P-256","x":"a","y":"b"}', JSON.stringify(await exportJWK(privateKey))]) {
      const el = await fixture<OzLiveness>(html`<oz-liveness></oz-liveness>`);
      const failed = nextEvent<OzErrorEvent>(el, 'error');
      el.setAttribute('issuer-key', value);
      const { detail } = await failed;
      expect(detail.code).to.equal('invalid_attribute');
      expect((detail.details as { attribute: string }).attribute).to.equal('issuer-key');
    }
  });
});
