// Shared by the container tests and the container benchmark: sessions like the API issues them, and sample captures.
import { generateKeyPair, SignJWT } from 'jose';
import { generateSessionKeyPair, type SessionKeyPair } from '../../src/container/keys.ts';
import { SUITE_NAME } from '../../src/container/format.ts';
import type { ContainerInput, ContainerMedium } from '../../src/container/types.ts';

export interface TestSession {
  sid: string;
  token: string;
  keys: SessionKeyPair;
  issuerPublicKey: CryptoKey;
}

/** A session token signed ES384 with a fresh issuer key, carrying a fresh HPKE recipient key. */
export async function issueSession(opts: { sid?: string; ttlSec?: number; hpke?: string; iat?: number } = {}): Promise<TestSession> {
  const issuer = await generateKeyPair('ES384');
  const keys = await generateSessionKeyPair();
  const sid = opts.sid ?? `ses_${crypto.randomUUID()}`;
  const iat = opts.iat ?? Math.floor(Date.now() / 1000);
  const token = await new SignJWT({ sid, server_time: iat * 1000, hpke: opts.hpke ?? keys.publicKey, suite: SUITE_NAME })
    .setProtectedHeader({ alg: 'ES384' })
    .setIssuer('oz-api-emulator')
    .setIssuedAt(iat)
    .setExpirationTime(iat + (opts.ttlSec ?? 300))
    .sign(issuer.privateKey);
  return { sid, token, keys, issuerPublicKey: issuer.publicKey };
}

/** Deterministic pseudo-random bytes (xorshift32), so captures and their digests are reproducible. */
export function sampleBytes(length: number, seed: number): Uint8Array {
  const out = new Uint8Array(length);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0;
    out[i] = x & 0xff;
  }
  return out;
}

/** A ContainerInput whose media are each one buffer, as the tests build them. */
export type WholeInput = Omit<ContainerInput, 'media'> & { media: (Omit<ContainerMedium, 'data'> & { data: Uint8Array })[] };

/** A capture shaped like the element's: one clip per action, the best shot and a few frames. */
export function sampleCapture(sessionToken: string, scale = 1): WholeInput {
  const clip = (action: string, size: number, seed: number) => ({
    name: `${action}.webm`, tags: ['video_selfie', action, 'orientation_portrait'], mime: 'video/webm', data: sampleBytes(size * scale, seed), meta: { action, durationMs: 3000 },
  });
  return {
    sessionToken,
    payload: { 'media:tags': { 'best_shot.jpg': ['photo_selfie_best_shot'] }, 'folder:meta_data': { transaction_id: 'tx-1' } },
    technical: { sdk: 'oz-liveness', version: '0.1.0', userAgent: 'test', evidence: [{ t: 0, event: 'start' }] },
    media: [
      clip('video_selfie_blank', 1500, 1),
      clip('video_selfie_smile', 1700, 2),
      { name: 'best_shot.jpg', tags: ['photo_selfie'], mime: 'image/jpeg', data: sampleBytes(900 * scale, 3) },
      { name: 'frame_000.jpg', tags: ['photo_selfie', 'frame'], mime: 'image/jpeg', data: sampleBytes(400 * scale, 4) },
    ],
  };
}
