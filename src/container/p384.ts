// ES384 signature checks by wasm/build/p384.wasm (wasm/p384/), for the Node opener: a backend checks one session
// token per container, every token from the same issuer key. The module keeps a table of multiples of the generator
// and of each issuer key it has been given, so that a check is table additions only, several times cheaper than OpenSSL
// 3.0's general P-384 verification (npm run bench:open prints both). A table takes tens of milliseconds to make, so
// a key gets one from its second token on; its first is checked by node:crypto (open-node.ts).

import { readBytes } from './codec.ts';

export const DEFAULT_P384_URL = new URL('../../wasm/build/p384.wasm?no-inline', import.meta.url);

interface P384Exports {
  memory: WebAssembly.Memory;
  heapBase(): number;
  reserve(bytes: number): number;
  tableBytes(): number;
  makeTable(xy: number, table: number): number;
  verify(g: number, q: number, input: number): number;
}

/** The public keys a verifier keeps a table for at once (0.6 MB each); the key used longest ago makes room. */
const KEY_SLOTS = 4;

/** ECDSA P-384 verification against fixed keys, each with its table. */
export class P384Verifier {
  private readonly exports: P384Exports;
  private readonly input: number;
  private readonly generator: number;
  private readonly size: number;
  /** Tables made so far, the generator's first; memory grows by one table at a time. */
  private made = 0;
  /** Table address by the key's 96 coordinate bytes (hex), oldest use first. */
  private readonly tables = new Map<string, number>();
  private readonly free: number[] = [];
  /** Keys checked once without a table. */
  private readonly seen = new Set<string>();

  private constructor(instance: WebAssembly.Instance) {
    this.exports = instance.exports as unknown as P384Exports;
    this.size = this.exports.tableBytes();
    this.input = (this.exports.heapBase() + 15) & ~15;
    this.generator = this.input + 256;
  }

  /** Compiles and instantiates the module (Node reads a file: URL; elsewhere it is fetched). */
  static async load(source: URL | Uint8Array = DEFAULT_P384_URL): Promise<P384Verifier> {
    const bytes = source instanceof URL ? await readBytes(source) : source;
    const { instance } = await WebAssembly.instantiate(bytes as BufferSource, {});
    return new P384Verifier(instance);
  }

  /** How many keys have a table now. */
  get keyCount(): number {
    return this.tables.size;
  }

  /**
   * Whether the key (`id` from p384KeyId of its x and y, 48 big-endian bytes each) has a table, making it on the
   * key's second call here. Throws when the point is not on P-384. Beyond four keys, the one used longest ago gives
   * way.
   */
  prepare(id: string, xy: Uint8Array): boolean {
    if (this.tables.has(id)) return true;
    if (!this.seen.has(id)) {
      if (this.seen.size >= 64) this.seen.clear();
      this.seen.add(id);
      return false;
    }
    this.seen.delete(id);
    if (xy.length !== 96) throw new Error('p384: a public key is 96 bytes (x, y)');
    if (this.made === 0) {
      if (!this.exports.reserve(this.generator + this.size) || !this.exports.makeTable(0, this.generator)) throw new Error('p384: the generator table failed');
      this.made = 1;
    }
    let slot = this.free.pop();
    if (slot === undefined && this.made <= KEY_SLOTS) {
      slot = this.generator + this.made * this.size;
      if (!this.exports.reserve(slot + this.size)) throw new Error('p384: out of memory');
      this.made++;
    } else if (slot === undefined) {
      const [oldest, at] = this.tables.entries().next().value as [string, number];
      this.tables.delete(oldest);
      slot = at;
    }
    new Uint8Array(this.exports.memory.buffer, this.input, 96).set(xy);
    if (!this.exports.makeTable(this.input, slot)) {
      this.free.push(slot);
      throw new Error('p384: the public key is not a point on P-384');
    }
    this.tables.set(id, slot);
    return true;
  }

  /**
   * Checks an ECDSA signature (r and s, 48 big-endian bytes each) of a SHA-384 digest by a key that `prepare` gave a
   * table. Throws when it has none; false when the signature does not hold.
   */
  verify(id: string, digest: Uint8Array, signature: Uint8Array): boolean {
    const table = this.tables.get(id);
    if (table === undefined) throw new Error('p384: no table for this key');
    if (digest.length !== 48 || signature.length !== 96) return false;
    // Most recently used last.
    this.tables.delete(id);
    this.tables.set(id, table);
    const input = new Uint8Array(this.exports.memory.buffer, this.input, 144);
    input.set(digest);
    input.set(signature, 48);
    return this.exports.verify(this.generator, table, this.input) !== 0;
  }
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
/** A key's name for P384Verifier: its coordinates in hex. */
export function p384KeyId(xy: Uint8Array): string {
  let s = '';
  for (let i = 0; i < xy.length; i++) s += HEX[xy[i]!];
  return s;
}
