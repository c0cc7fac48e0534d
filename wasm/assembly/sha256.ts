// SHA-256 (FIPS 180-4) over linear memory. All state lives in a caller-provided scratch area of SHA_SCRATCH bytes,
// so nothing survives between exported calls.
//   [0, 32)    h0..h7
//   [32, 40)   total length in bytes (u64)
//   [40, 44)   bytes pending in the block buffer
//   [64, 128)  block buffer
//   [128, 384) message schedule W[0..64)

export const SHA_SCRATCH: usize = 384;

const K: usize = memory.data<u32>([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]);

@inline function rotr(x: u32, n: u32): u32 {
  return (x >>> n) | (x << (32 - n));
}

function compress(s: usize, block: usize): void {
  const w = s + 128;
  for (let i: usize = 0; i < 16; i++) store<u32>(w + (i << 2), bswap<u32>(load<u32>(block + (i << 2))));
  for (let i: usize = 16; i < 64; i++) {
    const w15 = load<u32>(w + ((i - 15) << 2));
    const w2 = load<u32>(w + ((i - 2) << 2));
    const s0 = rotr(w15, 7) ^ rotr(w15, 18) ^ (w15 >>> 3);
    const s1 = rotr(w2, 17) ^ rotr(w2, 19) ^ (w2 >>> 10);
    store<u32>(w + (i << 2), load<u32>(w + ((i - 16) << 2)) + s0 + load<u32>(w + ((i - 7) << 2)) + s1);
  }
  let a = load<u32>(s), b = load<u32>(s, 4), c = load<u32>(s, 8), d = load<u32>(s, 12);
  let e = load<u32>(s, 16), f = load<u32>(s, 20), g = load<u32>(s, 24), h = load<u32>(s, 28);
  for (let i: usize = 0; i < 64; i++) {
    const t1 = h + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + ((e & f) ^ (~e & g)) + load<u32>(K + (i << 2)) + load<u32>(w + (i << 2));
    const t2 = (rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
    h = g; g = f; f = e; e = d + t1;
    d = c; c = b; b = a; a = t1 + t2;
  }
  store<u32>(s, load<u32>(s) + a); store<u32>(s, load<u32>(s, 4) + b, 4);
  store<u32>(s, load<u32>(s, 8) + c, 8); store<u32>(s, load<u32>(s, 12) + d, 12);
  store<u32>(s, load<u32>(s, 16) + e, 16); store<u32>(s, load<u32>(s, 20) + f, 20);
  store<u32>(s, load<u32>(s, 24) + g, 24); store<u32>(s, load<u32>(s, 28) + h, 28);
}

export function shaInit(s: usize): void {
  store<u32>(s, 0x6a09e667); store<u32>(s, 0xbb67ae85, 4); store<u32>(s, 0x3c6ef372, 8); store<u32>(s, 0xa54ff53a, 12);
  store<u32>(s, 0x510e527f, 16); store<u32>(s, 0x9b05688c, 20); store<u32>(s, 0x1f83d9ab, 24); store<u32>(s, 0x5be0cd19, 28);
  store<u64>(s, 0, 32);
  store<u32>(s, 0, 40);
}

export function shaUpdate(s: usize, ptr: usize, len: usize): void {
  store<u64>(s, load<u64>(s, 32) + <u64>len, 32);
  let pending = <usize>load<u32>(s, 40);
  const buf = s + 64;
  if (pending > 0) {
    const take = min<usize>(64 - pending, len);
    memory.copy(buf + pending, ptr, take);
    pending += take; ptr += take; len -= take;
    if (pending < 64) { store<u32>(s, <u32>pending, 40); return; }
    compress(s, buf);
    pending = 0;
  }
  while (len >= 64) {
    compress(s, ptr);
    ptr += 64; len -= 64;
  }
  if (len > 0) memory.copy(buf, ptr, len);
  store<u32>(s, <u32>len, 40);
}

export function shaFinal(s: usize, out: usize): void {
  const bits = load<u64>(s, 32) << 3;
  const buf = s + 64;
  let pending = <usize>load<u32>(s, 40);
  store<u8>(buf + pending, 0x80);
  pending++;
  if (pending > 56) {
    memory.fill(buf + pending, 0, 64 - pending);
    compress(s, buf);
    pending = 0;
  }
  memory.fill(buf + pending, 0, 56 - pending);
  store<u64>(buf, bswap<u64>(bits), 56);
  compress(s, buf);
  for (let i: usize = 0; i < 8; i++) store<u32>(out + (i << 2), bswap<u32>(load<u32>(s + (i << 2))));
}

export function sha256Into(s: usize, ptr: usize, len: usize, out: usize): void {
  shaInit(s);
  shaUpdate(s, ptr, len);
  shaFinal(s, out);
}
