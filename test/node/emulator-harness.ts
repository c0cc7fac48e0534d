// Shared by the emulator tests: a real emulator on 127.0.0.1 (port 0) over a temporary data folder, a movable
// clock, and real containers sealed with the project's own codec.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { buildEmulator, type BuildOptions } from '../../server/app.ts';
import { DEFAULT_EMAIL, DEFAULT_PASSWORD } from '../../server/config.ts';
import { Codec, compileCodec } from '../../src/container/codec.ts';
import { packContainer } from '../../src/container/pack.ts';
import { containerBytes } from '../../src/container/seal.ts';
import type { ContainerMedium } from '../../src/container/types.ts';

export interface Running {
  app: FastifyInstance;
  url: string;
  dataDir: string;
  clock: TestClock;
  close(): Promise<void>;
}

/** Real time plus an offset the test moves forward. */
export class TestClock {
  offsetMs = 0;
  readonly now = () => Date.now() + this.offsetMs;
  advance(ms: number): void {
    this.offsetMs += ms;
  }
}

export async function startEmulator(options: BuildOptions = {}): Promise<Running> {
  const dataDir = await mkdtemp(join(tmpdir(), 'oz-emulator-test-'));
  const clock = new TestClock();
  let app: FastifyInstance;
  let url: string;
  try {
    app = await buildEmulator({ dataDir, clock: clock.now, ...options });
    url = await app.listen({ port: 0, host: '127.0.0.1' });
  } catch (error) {
    await rm(dataDir, { recursive: true, force: true });
    throw error;
  }
  return {
    app,
    url,
    dataDir,
    clock,
    async close() {
      await app.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

export async function json(response: Response): Promise<any> {
  const text = await response.text();
  return text ? JSON.parse(text) : null;
}

export async function login(url: string, email = DEFAULT_EMAIL, password = DEFAULT_PASSWORD): Promise<string> {
  const response = await fetch(`${url}/api/authorize/auth`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ credentials: { email, password } }),
  });
  const body = await json(response);
  if (response.status !== 200) throw new Error(`login failed: ${response.status} ${JSON.stringify(body)}`);
  return body.access_token;
}

export async function sessionToken(url: string, accessToken: string): Promise<string> {
  const response = await fetch(`${url}/api/authorize/session_token`, { headers: { 'X-Forensic-Access-Token': accessToken } });
  const body = await json(response);
  if (response.status !== 200) throw new Error(`session token failed: ${response.status} ${JSON.stringify(body)}`);
  return body.session_token;
}

/** Bytes with a real format signature, then filler: enough for the emulator's form checks. */
export function webm(size = 2048): Uint8Array<ArrayBuffer> {
  const data = new Uint8Array(size).map((_, i) => (i * 31) & 0xff);
  data.set([0x1a, 0x45, 0xdf, 0xa3]);
  return data;
}

export function jpeg(size = 1024): Uint8Array<ArrayBuffer> {
  const data = new Uint8Array(size).map((_, i) => (i * 17) & 0xff);
  data.set([0xff, 0xd8, 0xff, 0xe0]);
  return data;
}

export function defaultMedia(): (Omit<ContainerMedium, 'data'> & { data: Uint8Array })[] {
  return [
    { name: 'blank.webm', tags: ['video_selfie', 'video_selfie_blank', 'orientation_portrait'], mime: 'video/webm', data: webm() },
    { name: 'best.jpg', tags: ['photo_selfie'], mime: 'image/jpeg', data: jpeg() },
  ];
}

let codecModule: Promise<WebAssembly.Module> | undefined;

/** A real container for `token`, packed and sealed by the project's codec exactly as the browser worker does. */
export async function seal(
  token: string,
  options: { meta?: Record<string, unknown>; media?: ContainerMedium[]; createdAt?: number } = {},
): Promise<Uint8Array> {
  codecModule ??= compileCodec();
  const codec = await Codec.instantiate(await codecModule);
  const packed = await packContainer(
    codec,
    {
      sessionToken: token,
      payload: { 'media:tags': {}, 'folder:meta_data': options.meta ?? {} },
      technical: { user_agent: 'node-test' },
      media: options.media ?? defaultMedia(),
    },
    { createdAt: options.createdAt },
  );
  return containerBytes(packed);
}

export function postContainer(url: string, bytes: Uint8Array, headers: Record<string, string> = {}, path = '/api/folders/'): Promise<Response> {
  return fetch(url + path, { method: 'POST', headers: { 'Content-Type': 'application/octet-stream', ...headers }, body: bytes as Uint8Array<ArrayBuffer> });
}

/** The classic form: media parts plus the payload part. */
export function form(payload: unknown, media: Array<{ field: string; data: Uint8Array; type: string; filename?: string }>): FormData {
  const fd = new FormData();
  for (const m of media) fd.append(m.field, new Blob([m.data.slice()], { type: m.type }), m.filename ?? m.field);
  if (payload !== undefined) fd.append('payload', typeof payload === 'string' ? payload : JSON.stringify(payload));
  return fd;
}
