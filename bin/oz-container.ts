// oz-container: look into and open capture containers (docs/container-format.md).
//   oz-container inspect FILE
//   oz-container open FILE --key KEY.jwk [--issuer ISSUER.jwk] [--ignore-expiry]
// Exit status: 0 ok; the vendor error code (3, 4, 5, 14) when the container is rejected; 1 when the codec or a key
// file cannot be used; 64 on a usage error.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { decodeJwt } from 'jose';
import { ContainerOpenError, inspectContainer, openContainer } from '../src/container/open.ts';
import { FRAMES_MIME, FrameSequenceError, parseFrameSequence } from '../src/capture/frame-sequence.ts';
import { toHex } from '../src/container/format.ts';
import type { ContainerHeader } from '../src/container/types.ts';

const usage = `usage:
  oz-container inspect FILE
  oz-container open FILE --key KEY.jwk [--issuer ISSUER.jwk] [--ignore-expiry]

  --key KEY.jwk        the session's HPKE private key (P-256 JWK)
  --issuer ISSUER.jwk  the API's ES384 public key; without it the token signature is not checked
  --ignore-expiry      open even if the session token has expired`;

const suiteName = (h: ContainerHeader) =>
  `KEM 0x${h.kemId.toString(16).padStart(4, '0')} DHKEM(P-256, HKDF-SHA256), KDF 0x${h.kdfId.toString(16).padStart(4, '0')} HKDF-SHA256, AEAD 0x${h.aeadId.toString(16).padStart(4, '0')} AES-256-GCM`;

function printHeader(h: ContainerHeader, size: number): void {
  let claims: Record<string, unknown> = {};
  try {
    claims = decodeJwt(h.sessionToken);
  } catch {
    claims = { error: 'token is not a JWT' };
  }
  console.log(`format        OZCF version ${h.version}`);
  console.log(`suite         ${suiteName(h)}`);
  console.log(`session       ${h.sessionId}`);
  console.log(`created       ${new Date(h.createdAt).toISOString()} (${h.createdAt})`);
  console.log(`token         ${h.sessionToken.length} bytes, claims ${JSON.stringify(claims)}`);
  console.log(`enc           ${toHex(h.enc)}`);
  console.log(`header        ${h.headerLength} bytes`);
  const chunks = h.chunkLengths.length;
  console.log(`ciphertext    ${h.ciphertextLength} bytes in ${chunks} chunk${chunks === 1 ? '' : 's'} (${h.chunkLengths.join(', ')})`);
  console.log(`total         ${size} bytes`);
}

async function readJson(path: string, what: string): Promise<JsonWebKey> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as JsonWebKey;
  } catch (e) {
    throw new Error(`${what} ${path}: ${(e as Error).message}`);
  }
}

async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, options: { key: { type: 'string' }, issuer: { type: 'string' }, 'ignore-expiry': { type: 'boolean' }, help: { type: 'boolean', short: 'h' } } });
  } catch (e) {
    console.error(`${(e as Error).message}\n${usage}`);
    return 64;
  }
  const { values, positionals: [command, file, ...rest] } = parsed;
  if (values.help) { console.log(usage); return 0; }
  if (!file || rest.length || (command !== 'inspect' && command !== 'open') || (command === 'open' && !values.key)) {
    console.error(usage);
    return 64;
  }
  const bytes = new Uint8Array(await readFile(file));
  if (command === 'inspect') {
    printHeader(inspectContainer(bytes), bytes.length);
    return 0;
  }
  const key = await readJson(values.key!, 'key file');
  const issuer = values.issuer ? await readJson(values.issuer, 'issuer key file') : null;
  const opened = await openContainer(bytes, {
    resolveKey: async () => key,
    tokenVerifier: issuer ?? 'unverified',
    now: values['ignore-expiry'] ? null : Date.now(),
  });
  printHeader(opened.header, bytes.length);
  console.log(`token         ${issuer ? 'signature verified' : 'signature NOT checked (no --issuer)'}${values['ignore-expiry'] ? ', expiry not checked' : ''}`);
  // Format 4 carries no hashes (every chunk decrypted and authenticated is the whole check): the SHA-256 of each
  // section's data is worked out here, to name it.
  const hashed = opened.summingHash !== undefined;
  console.log(`inner         ${opened.innerLength} bytes, ${hashed ? `summing hash ${opened.summingHash} (verified)` : 'every chunk authenticated (AES-256-GCM); no hashes inside'}`);
  console.log(`sections      ${opened.sections.length}, hashes ${opened.innerVersion === 2 ? 'SHA-256 over the SHA-256 of each 512 KiB leaf (verified)' : `SHA-256 of the data${hashed ? ' (verified)' : ' (worked out here)'}`}`);
  const rows = opened.sections.map((s) => {
    const m = opened.media.find((x) => x.name === s.name);
    const sha256 = s.sha256 ?? createHash('sha256').update(s.data).digest('hex');
    return [s.kind, s.name, String(s.size), sha256, m ? `${m.mime} [${m.tags.join(', ')}]${m.mime === FRAMES_MIME ? `, ${frameCount(m.data)}` : ''}` : ''];
  });
  const widths = [0, 1, 2].map((i) => Math.max(...rows.map((r) => r[i]!.length)));
  for (const r of rows) console.log(`  ${r[0]!.padEnd(widths[0]!)}  ${r[1]!.padEnd(widths[1]!)}  ${r[2]!.padStart(widths[2]!)}  ${r[3]}  ${r[4]}`.trimEnd());
  return 0;
}

/** A frame sequence (an action captured without a video recorder) read through: its frame count, or why it is invalid. */
function frameCount(data: Uint8Array): string {
  try {
    return `${parseFrameSequence(data).frames.length} frames`;
  } catch (e) {
    return `INVALID frame sequence (${e instanceof FrameSequenceError ? e.reason : String(e)})`;
  }
}

main(process.argv.slice(2)).then((code) => { process.exitCode = code; }, (e: unknown) => {
  if (e instanceof ContainerOpenError) {
    console.error(`error ${e.apiCode} ${e.reason}: ${e.message}`);
    process.exitCode = e.apiCode;
  } else {
    console.error(`error: ${(e as Error).message}`);
    process.exitCode = 1;
  }
});
