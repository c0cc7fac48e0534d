// Node-only test helper (the harness is also bundled into browser pages).
import { createHash } from 'node:crypto';

/**
 * The section hash of inner version 2 (format version 3), computed here with node:crypto from the format document:
 * SHA-256 over the SHA-256 of each 512 KiB leaf of the data, the last leaf shorter, no leaf when the data is empty.
 */
export function leafHashHex(data: Uint8Array, leaf = 512 * 1024): string {
  const outer = createHash('sha256');
  for (let at = 0; at < data.length; at += leaf) outer.update(createHash('sha256').update(data.subarray(at, at + leaf)).digest());
  return outer.digest('hex');
}
