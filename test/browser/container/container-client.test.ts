import { expect } from '@open-wc/testing';
import { BlobAssembler } from '../../../src/container/assemble.ts';
import { ContainerClient } from '../../../src/container/client.ts';
import { inspectContainer, openContainer } from '../../../src/container/open.ts';
import { toHex } from '../../../src/container/format.ts';
import { OzError } from '../../../src/errors.ts';
import { readParts } from '../../../src/capture/upload-body.ts';
import { issueSession, sampleBytes, sampleCapture } from '../../node/container-harness.ts';

/** Where two byte arrays first differ (the shorter one's length if one is a prefix of the other), or -1: a failing
 * comparison of megabytes stays readable and quick. */
function firstDifference(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return i;
  return a.length === b.length ? -1 : n;
}

async function rejection(promise: Promise<unknown>): Promise<OzError> {
  try {
    await promise;
  } catch (e) {
    expect(e).to.be.instanceOf(OzError);
    return e as OzError;
  }
  throw new Error('expected a rejection');
}

describe('ContainerClient in a real worker', () => {
  const clients: ContainerClient[] = [];
  const client = (opts?: ConstructorParameters<typeof ContainerClient>[0]) => {
    const c = new ContainerClient(opts);
    clients.push(c);
    return c;
  };
  afterEach(() => clients.splice(0).forEach((c) => c.terminate()));

  it('packs a capture that opens with the session key, transferring the media instead of copying them', async () => {
    const session = await issueSession();
    const input = sampleCapture(session.token);
    const expected = input.media.map((m) => ({ name: m.name, data: m.data.slice() }));
    const { blob, sessionId, stats } = await client().packWithStats(input);
    expect(blob.type).to.equal('application/octet-stream');
    expect(sessionId).to.equal(session.sid);
    expect(stats.containerBytes).to.equal(blob.size);
    for (const m of input.media) expect(m.data.byteLength, `${m.name} detached`).to.equal(0);
    const opened = await openContainer(new Uint8Array(await blob.arrayBuffer()), {
      resolveKey: async (header) => (header.sessionId === session.sid ? session.keys.keyPair : null),
      tokenVerifier: session.issuerPublicKey,
    });
    expect(opened.media.map((m) => m.name)).to.deep.equal(expected.map((m) => m.name));
    opened.media.forEach((m, i) => expect(m.data).to.deep.equal(expected[i]!.data));
    expect(opened.payload['folder:meta_data']).to.deep.equal({ transaction_id: 'tx-1' });
  });

  it('packs a container past its streamed first 4 MiB into the same bytes: streamed part, 4 MiB groups and the rest, in order', async () => {
    const session = await issueSession();
    // 9.5 MB of clip: the stream takes the first 4 MiB of the container, one Blob the next 4 MiB, and the rest is a
    // group of its own at the end.
    const clip = sampleBytes(9_500_000, 21);
    const parts = Array.from({ length: Math.ceil(clip.length / 524_288) }, (_, i) => clip.slice(i * 524_288, (i + 1) * 524_288));
    const input = { ...sampleCapture(session.token), media: [...sampleCapture(session.token).media, { name: 'long.webm', tags: ['video_selfie'], mime: 'video/webm', data: parts }] };
    const expected = input.media.map((m) => (Array.isArray(m.data) ? clip : m.data.slice()));
    const { blob, stats } = await client().packWithStats(input);
    expect(blob.type).to.equal('application/octet-stream');
    expect(blob.size).to.equal(stats.containerBytes);
    const opened = await openContainer(new Uint8Array(await blob.arrayBuffer()), {
      resolveKey: async (header) => (header.sessionId === session.sid ? session.keys.keyPair : null),
      tokenVerifier: session.issuerPublicKey,
    });
    expect(blob.size).to.be.greaterThan(8 * 1024 * 1024);
    opened.media.forEach((m, i) => expect(firstDifference(m.data, expected[i]!), m.name).to.equal(-1));
  });

  it('makes the container\'s Blob in the worker\'s Blob thread, which takes the chunks while the worker hashes', async () => {
    const session = await issueSession();
    const clip = sampleBytes(1_300_000, 14);
    const parts = [0, 1, 2].map((i) => clip.slice(i * 524_288, (i + 1) * 524_288));
    const { blob, stats } = await client().packWithStats({ ...sampleCapture(session.token), payload: { 'media:tags': {}, 'folder:meta_data': {} }, media: [{ name: 'clip.webm', tags: ['video_selfie'], mime: 'video/webm', data: parts }] });
    expect(stats.blobThread).to.equal(true);
    const opened = await openContainer(new Uint8Array(await blob.arrayBuffer()), {
      resolveKey: async (header) => (header.sessionId === session.sid ? session.keys.keyPair : null),
      tokenVerifier: session.issuerPublicKey,
    });
    expect(opened.header.chunkLengths).to.have.length(4);
    expect(opened.media[0]!.data).to.deep.equal(clip);
  });

  it('BlobAssembler (the Blob thread\'s, or the worker\'s own without one): streamed part, 4 MiB groups and the rest, in order', async () => {
    const bytes = sampleBytes(9_000_000, 15);
    const cuts = [0, 700, 3000, ...Array.from({ length: 17 }, (_, i) => 3000 + (i + 1) * 524_288), bytes.length];
    const pieces = cuts.slice(1).map((end, i) => bytes.slice(cuts[i], end));
    const assembler = new BlobAssembler();
    // The header, chunk 0, then the rest, as the sealer hands them on.
    for (const p of pieces) assembler.add(p);
    const blob = await assembler.finish();
    expect(blob.type).to.equal('application/octet-stream');
    expect(firstDifference(new Uint8Array(await blob.arrayBuffer()), bytes)).to.equal(-1);
    expect(assembler.groupsMs).to.be.greaterThan(0);
    // Under 4 MiB: the stream alone, no group.
    const small = new BlobAssembler();
    small.add(bytes.subarray(0, 10));
    small.add(bytes.subarray(10, 20));
    const smallBlob = await small.finish();
    expect(small.groupsMs).to.equal(0);
    expect(new Uint8Array(await smallBlob.arrayBuffer())).to.deep.equal(bytes.subarray(0, 20));
  });

  it('packs a clip read from its Blob in 512 KiB parts (as the element does): parts transferred, sealed as chunks, the clip intact', async () => {
    const session = await issueSession();
    const clip = sampleBytes(1_300_000, 12);
    const parts = await readParts(new Blob([clip as Uint8Array<ArrayBuffer>], { type: 'video/webm' }));
    expect(parts.map((p) => p.length)).to.deep.equal([524_288, 524_288, 1_300_000 - 2 * 524_288]);
    const input = { ...sampleCapture(session.token), payload: { 'media:tags': {}, 'folder:meta_data': {} }, media: [{ name: 'clip.webm', tags: ['video_selfie'], mime: 'video/webm', data: parts }] };
    const blob = await client().pack(input);
    for (const p of parts) expect(p.byteLength, 'part detached').to.equal(0);
    const bytes = new Uint8Array(await blob.arrayBuffer());
    const opened = await openContainer(bytes, {
      resolveKey: async (header) => (header.sessionId === session.sid ? session.keys.keyPair : null),
      tokenVerifier: session.issuerPublicKey,
    });
    expect(opened.header.chunkLengths.slice(1)).to.deep.equal(parts.map((_, i) => [524_288, 524_288, 1_300_000 - 2 * 524_288][i]! + 16));
    expect(opened.media[0]!.data).to.deep.equal(clip);
    expect(await readParts(new Blob([]))).to.have.length(1);
  });

  it('reuses one worker for several captures, each sealed with an ephemeral key of its own (at once or in turn)', async () => {
    const c = client();
    const session = await issueSession();
    const [a, b] = await Promise.all([c.packWithStats(sampleCapture(session.token)), c.packWithStats(sampleCapture(session.token))]);
    const d = await c.packWithStats(sampleCapture(session.token));
    const e = await c.packWithStats(sampleCapture(session.token));
    expect(a.blob.size).to.equal(b.blob.size);
    expect(new Uint8Array(await a.blob.arrayBuffer())).not.to.deep.equal(new Uint8Array(await b.blob.arrayBuffer()));
    const encs = await Promise.all([a, b, d, e].map(async (p) => toHex(inspectContainer(new Uint8Array(await p.blob.arrayBuffer())).enc)));
    expect(new Set(encs).size).to.equal(4);
  });

  it('error_wasm_internal_failure_1: the codec URL is not a WebAssembly module', async () => {
    const session = await issueSession();
    const e = await rejection(client({ wasmUrl: new URL('../../../package.json', import.meta.url) }).pack(sampleCapture(session.token)));
    expect(e.code).to.equal('error_wasm_internal_failure_1');
  });

  it('error_wasm_internal_failure_1: WebAssembly is missing in the worker', async () => {
    const session = await issueSession();
    const e = await rejection(client({ workerUrl: new URL('./no-webassembly.worker.ts', import.meta.url) }).pack(sampleCapture(session.token)));
    expect(e.code).to.equal('error_wasm_internal_failure_1');
    expect(e.message).to.match(/WebAssembly is not available/);
  });

  it('error_wasm_internal_failure_2: the payload needs more than the memory ceiling', async () => {
    const session = await issueSession();
    const input = sampleCapture(session.token);
    input.media.push({ name: 'big.webm', tags: ['video_selfie'], mime: 'video/webm', data: sampleBytes(4 << 20, 9) });
    const e = await rejection(client({ memoryLimitBytes: 2 << 20 }).pack(input));
    expect(e.code).to.equal('error_wasm_internal_failure_2');
  });

  it('error_wasm_internal_failure_3: the worker script does not load', async () => {
    const session = await issueSession();
    const e = await rejection(client({ workerUrl: new URL('./no-such-worker.js', import.meta.url) }).pack(sampleCapture(session.token)));
    expect(e.code).to.equal('error_wasm_internal_failure_3');
  });

  it('error_wasm_internal_failure_4: more media than a container holds, or a name that is not allowed', async () => {
    const session = await issueSession();
    const tooMany = sampleCapture(session.token);
    for (let i = 0; i < 260; i++) tooMany.media.push({ name: `frame_${i}.jpg`, tags: ['frame'], mime: 'image/jpeg', data: new Uint8Array(8) });
    const c = client();
    expect((await rejection(c.pack(tooMany))).code).to.equal('error_wasm_internal_failure_4');
    const badName = sampleCapture(session.token);
    badName.media[0]!.name = '../escape.webm';
    expect((await rejection(c.pack(badName))).code).to.equal('error_wasm_internal_failure_4');
    const duplicate = sampleCapture(session.token);
    duplicate.media[1]!.name = duplicate.media[0]!.name;
    expect((await rejection(c.pack(duplicate))).code).to.equal('error_wasm_internal_failure_4');
  });

  it('error_wasm_internal_failure_5: the session key in the token is not a P-256 point', async () => {
    const notAPoint = btoa(String.fromCharCode(4, ...new Uint8Array(64).fill(7))).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
    const session = await issueSession({ hpke: notAPoint });
    const e = await rejection(client().pack(sampleCapture(session.token)));
    expect(e.code).to.equal('error_wasm_internal_failure_5');
  });

  it('error_wasm_internal_failure_1000: the capture was already handed over once', async () => {
    const session = await issueSession();
    const input = sampleCapture(session.token);
    const c = client();
    await c.pack(input);
    const e = await rejection(c.pack(input));
    expect(e.code).to.equal('error_wasm_internal_failure_1000');
  });

  it('error_wasm_internal_failure_1000: the client is terminated while packing', async () => {
    const session = await issueSession();
    const c = client();
    const packing = c.pack(sampleCapture(session.token, 20));
    await new Promise((r) => setTimeout(r, 0));
    c.terminate();
    expect((await rejection(packing)).code).to.equal('error_wasm_internal_failure_1000');
  });
});
