// Section hashes of inner version 2 computed with the platform's native SHA-256 (WebCrypto): SHA-256 over the
// SHA-256 of each 512 KiB leaf of the section. WebCrypto hashes one buffer per call, so a section that arrives in
// parts could not be hashed natively as one message without first joining its parts; over leaves it can, and on
// every CPU, since no byte of a large section goes through software SHA-256 (see "Hashing" in the format doc).
import { LEAF_LENGTH } from './format.ts';

/**
 * Digests in flight at once. WebCrypto copies each input before hashing it, so one at a time bounds that copy to one
 * leaf; in a Chromium worker the digests run on the worker's own thread anyway, so more in flight would not be faster.
 */
const IN_FLIGHT = 1;

/**
 * The leaves of bytes given as consecutive parts: a view when a leaf lies inside one part (the element's parts are
 * 512 KiB, so theirs always do), otherwise a copy of the leaf's bytes joined from the parts it spans.
 */
function* leavesOf(parts: readonly Uint8Array[], leaf: number): Generator<Uint8Array> {
  let pending: Uint8Array | null = null;
  let filled = 0;
  for (const part of parts) {
    let at = 0;
    while (at < part.length) {
      if (!pending && part.length - at >= leaf) {
        yield part.subarray(at, at + leaf);
        at += leaf;
        continue;
      }
      pending ??= new Uint8Array(leaf);
      const n = Math.min(leaf - filled, part.length - at);
      pending.set(part.subarray(at, at + n), filled);
      filled += n;
      at += n;
      if (filled === leaf) {
        yield pending;
        pending = null;
        filled = 0;
      }
    }
  }
  if (pending) yield pending.subarray(0, filled);
}

/** A synchronous native SHA-256 (node:crypto's), where there is one. */
export type SyncSha256 = (bytes: Uint8Array) => Uint8Array;

/** The same hash over one buffer with a synchronous native SHA-256: in Node, no round trip to the thread pool per leaf. */
export function leafHashSync(data: Uint8Array, sha256: SyncSha256, leaf = LEAF_LENGTH): Uint8Array {
  const digests = new Uint8Array(32 * Math.ceil(data.length / leaf));
  for (let at = 0, i = 0; at < data.length; at += leaf, i++) digests.set(sha256(data.subarray(at, at + leaf)), 32 * i);
  return sha256(digests);
}

/** The inner-version-2 hash of a section given as consecutive parts (or one buffer), all of it through WebCrypto. */
export async function leafHash(data: Uint8Array | readonly Uint8Array[], leaf = LEAF_LENGTH): Promise<Uint8Array> {
  const leaves = leavesOf(data instanceof Uint8Array ? [data] : data, leaf);
  const digests: Uint8Array[] = [];
  const running: Promise<void>[] = [];
  let index = 0;
  const next = async (): Promise<void> => {
    for (let step = leaves.next(); !step.done; step = leaves.next()) {
      const i = index++;
      digests[i] = new Uint8Array(await crypto.subtle.digest('SHA-256', step.value as Uint8Array<ArrayBuffer>));
    }
  };
  for (let k = 0; k < IN_FLIGHT; k++) running.push(next());
  await Promise.all(running);
  const joined = new Uint8Array(32 * digests.length);
  digests.forEach((d, i) => joined.set(d, 32 * i));
  return new Uint8Array(await crypto.subtle.digest('SHA-256', joined));
}
