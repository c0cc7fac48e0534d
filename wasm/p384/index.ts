// ECDSA verification on P-384 (FIPS 186-5 §6.4.2, SEC 1 §4.1.4) for the Node opener, which checks one session
// token signature per container. It differs from a general verifier in one way: both points of the check
// u1·G + u2·Q are fixed (G, and the pinned issuer key Q), so each gets a table made once, and a verification is
// 49 table additions per scalar with no doubling at all. Verification handles public data only, so nothing here
// needs to run in constant time.
//
// Numbers are 48 bytes, little-endian: six 64-bit limbs for adding, subtracting and comparing, twelve 32-bit limbs
// for multiplying (field.ts mod p; Montgomery's method mod n). Everything is kept fully reduced. A table holds, for
// every byte position i of a scalar (0-48), the multiples j·256^i·P for j = 1..128, affine: 49·128 points of 96
// bytes. A scalar's bytes are recoded to signed digits in -127..128, so a negative digit takes the table's point
// with y negated.
// The host owns the memory above heapBase(): it places tables and the input there and passes pointers.

import { mulWide, sqrWide } from './field';

// @ts-ignore: decorator
@inline const L: usize = 12;
// @ts-ignore: decorator
@inline const WORDS: usize = 6;
// @ts-ignore: decorator
@inline const FE: usize = 48;
// @ts-ignore: decorator
@inline const POINT: usize = 96;
// @ts-ignore: decorator
@inline const DIGITS: usize = 128;
// @ts-ignore: decorator
@inline const POSITIONS: usize = 49;

// p = 2^384 - 2^128 - 2^96 + 2^32 - 1, the group order n, the curve's b, the generator, R^2 mod n (R = 2^384) and
// -n^-1 mod 2^32.
const P = memory.data<u32>([0xffffffff, 0x00000000, 0x00000000, 0xffffffff, 0xfffffffe, 0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff]);
const N = memory.data<u32>([0xccc52973, 0xecec196a, 0x48b0a77a, 0x581a0db2, 0xf4372ddf, 0xc7634d81, 0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff]);
const B = memory.data<u32>([0xd3ec2aef, 0x2a85c8ed, 0x8a2ed19d, 0xc656398d, 0x5013875a, 0x0314088f, 0xfe814112, 0x181d9c6e, 0xe3f82d19, 0x988e056b, 0xe23ee7e4, 0xb3312fa7]);
const GX = memory.data<u32>([0x72760ab7, 0x3a545e38, 0xbf55296c, 0x5502f25d, 0x82542a38, 0x59f741e0, 0x8ba79b98, 0x6e1d3b62, 0xf320ad74, 0x8eb1c71e, 0xbe8b0537, 0xaa87ca22]);
const GY = memory.data<u32>([0x90ea0e5f, 0x7a431d7c, 0x1d7e819d, 0x0a60b1ce, 0xb5f0b8c0, 0xe9da3113, 0x289a147c, 0xf8f41dbd, 0x9292dc29, 0x5d9e98bf, 0x96262c6f, 0x3617de4a]);
const R2N = memory.data<u32>([0x19b409a9, 0x2d319b24, 0xdf1aa419, 0xff3d81e5, 0xfcb82947, 0xbc3e483a, 0x4aab1cc5, 0xd40d4917, 0x28266895, 0x3fb05b7a, 0x2b39bf21, 0x0c84ee01]);
// @ts-ignore: decorator
@inline const N_INV: u32 = 0xe88fdc45;

const ACC = memory.data(56); // Montgomery product accumulator (scalars): 14 limbs
const ONE = memory.data<u32>([1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
const ZERO = memory.data(<i32>(FE));
// Temporaries of the point formulas, the inversion and verify.
const T0 = memory.data(<i32>(FE)), T1 = memory.data(<i32>(FE)), T2 = memory.data(<i32>(FE)), T3 = memory.data(<i32>(FE)), T4 = memory.data(<i32>(FE));
const T5 = memory.data(<i32>(FE)), T6 = memory.data(<i32>(FE)), T7 = memory.data(<i32>(FE));
const U = memory.data(<i32>FE, 8), V = memory.data(<i32>FE, 8), X1 = memory.data(<i32>FE, 8), X2 = memory.data(<i32>FE, 8);
const E = memory.data(<i32>(FE)), R = memory.data(<i32>(FE)), S = memory.data(<i32>(FE)), W = memory.data(<i32>(FE)), U1 = memory.data(<i32>(FE)), U2 = memory.data(<i32>(FE));
const NEG_Y = memory.data(<i32>(FE));
const SUM = memory.data(<i32>FE * 3); // the running sum u1·G + u2·Q, Jacobian (X, Y, Z); Z = 0 is the point at infinity
const BASE = memory.data(<i32>(POINT)); // the current position's base 256^i·P, affine
// One position's multiples while a table is made: Jacobian points, then the running products of their Z.
const ROW = memory.data(<i32>(DIGITS * 3 * FE));
const PREFIX = memory.data(<i32>(DIGITS * FE));

// ---- multi-limb integers --------------------------------------------------------------------------------------

// @ts-ignore: decorator
@inline function limb(a: usize, i: usize): u32 {
  return load<u32>(a + (i << 2));
}

// @ts-ignore: decorator
@inline function word(a: usize, i: usize): u64 {
  return load<u64>(a + (i << 3));
}

function copy(out: usize, a: usize): void {
  memory.copy(out, a, FE);
}

function isZero(a: usize): bool {
  return (word(a, 0) | word(a, 1) | word(a, 2) | word(a, 3) | word(a, 4) | word(a, 5)) == 0;
}

function isOne(a: usize): bool {
  return word(a, 0) == 1 && (word(a, 1) | word(a, 2) | word(a, 3) | word(a, 4) | word(a, 5)) == 0;
}

function equal(a: usize, b: usize): bool {
  for (let i: usize = 0; i < WORDS; i++) if (word(a, i) != word(b, i)) return false;
  return true;
}

/** a >= b */
function atLeast(a: usize, b: usize): bool {
  for (let i = <isize>WORDS - 1; i >= 0; i--) {
    const x = word(a, <usize>i), y = word(b, <usize>i);
    if (x != y) return x > y;
  }
  return true;
}

/** out = a + b; the carry out (0 or 1). */
function add(out: usize, a: usize, b: usize): u64 {
  let c: u64 = 0;
  for (let i: usize = 0; i < WORDS; i++) {
    const x = word(a, i), s = x + word(b, i), t = s + c;
    c = <u64>(s < x) | <u64>(t < s);
    store<u64>(out + (i << 3), t);
  }
  return c;
}

/** out = a - b; the borrow out (0 or 1). */
function sub(out: usize, a: usize, b: usize): u64 {
  let c: u64 = 0;
  for (let i: usize = 0; i < WORDS; i++) {
    const x = word(a, i), y = word(b, i), d = x - y;
    const borrow = <u64>(x < y) | <u64>(d < c);
    store<u64>(out + (i << 3), d - c);
    c = borrow;
  }
  return c;
}

/** a >>= 1, with `top` (0 or 1) shifted into bit 383. */
function halve(a: usize, top: u64): void {
  for (let i: usize = 0; i < WORDS - 1; i++) store<u64>(a + (i << 3), (word(a, i) >> 1) | (word(a, i + 1) << 63));
  store<u64>(a + ((WORDS - 1) << 3), (word(a, WORDS - 1) >> 1) | (top << 63));
}

/** 48 big-endian bytes to limbs. */
function fromBytes(out: usize, bytes: usize): void {
  for (let i: usize = 0; i < WORDS; i++) store<u64>(out + (i << 3), bswap<u64>(load<u64>(bytes + FE - 8 - (i << 3))));
}

// ---- modular arithmetic ---------------------------------------------------------------------------------------

/**
 * out = a·b·2^-384 mod n (Montgomery multiplication, coarsely integrated operand scanning), for a < 2^384 and b < n.
 * `out` may be `a` or `b`. Every partial sum fits 64 bits: (2^32-1) + (2^32-1)^2 + (2^32-1).
 */
function montMulN(out: usize, a: usize, b: usize): void {
  memory.fill(ACC, 0, 56);
  for (let i: usize = 0; i < L; i++) {
    const bi = <u64>limb(b, i);
    let c: u64 = 0;
    for (let j: usize = 0; j < L; j++) {
      const t = <u64>limb(ACC, j) + <u64>limb(a, j) * bi + c;
      store<u32>(ACC + (j << 2), <u32>t);
      c = t >> 32;
    }
    let t = <u64>limb(ACC, 12) + c;
    store<u32>(ACC + 48, <u32>t);
    store<u32>(ACC + 52, <u32>(t >> 32));
    const q = <u64>(limb(ACC, 0) * N_INV);
    c = (<u64>limb(ACC, 0) + q * <u64>limb(N, 0)) >> 32;
    for (let j: usize = 1; j < L; j++) {
      t = <u64>limb(ACC, j) + q * <u64>limb(N, j) + c;
      store<u32>(ACC + ((j - 1) << 2), <u32>t);
      c = t >> 32;
    }
    t = <u64>limb(ACC, 12) + c;
    store<u32>(ACC + 44, <u32>t);
    store<u32>(ACC + 48, limb(ACC, 13) + <u32>(t >> 32));
  }
  // The result is below 2m: one subtraction at most.
  if (limb(ACC, 12) != 0 || atLeast(ACC, N)) sub(ACC, ACC, N);
  copy(out, ACC);
}

/** out = a·b mod p, for a, b < p (field.ts has the arithmetic). `out` may be `a` or `b`. */
function fmul(out: usize, a: usize, b: usize): void {
  mulWide(out, a, b);
  if (atLeast(out, P)) sub(out, out, P); // below 2^384 < 2p
}

/** out = a^2 mod p, for a < p. */
function fsqr(out: usize, a: usize): void {
  sqrWide(out, a);
  if (atLeast(out, P)) sub(out, out, P);
}

/** out = a + b mod p, for a, b < p. */
function fadd(out: usize, a: usize, b: usize): void {
  if (add(out, a, b) != 0 || atLeast(out, P)) sub(out, out, P);
}

/** out = a - b mod p, for a, b < p. */
function fsub(out: usize, a: usize, b: usize): void {
  if (sub(out, a, b) != 0) add(out, out, P);
}

/** x / 2 mod m, for x < m, m odd: x / 2 or (x + m) / 2, whichever is whole. */
function halveMod(x: usize, m: usize): void {
  if ((word(x, 0) & 1) == 0) halve(x, 0);
  else halve(x, add(x, x, m));
}

/**
 * out = a^-1 mod m for 0 < a < m, m odd and prime: the binary extended Euclidean algorithm (Hankerson, Menezes and
 * Vanstone, Guide to Elliptic Curve Cryptography, Algorithm 2.22), on plain integers.
 */
function invert(out: usize, a: usize, m: usize): void {
  if (isZero(a)) {
    memory.fill(out, 0, FE); // no inverse; a caller never asks for it (and the loop below would not end)
    return;
  }
  copy(U, a);
  copy(V, m);
  copy(X1, ONE);
  memory.fill(X2, 0, FE);
  while (!isOne(U) && !isOne(V)) {
    while ((word(U, 0) & 1) == 0) { halve(U, 0); halveMod(X1, m); }
    while ((word(V, 0) & 1) == 0) { halve(V, 0); halveMod(X2, m); }
    if (atLeast(U, V)) {
      sub(U, U, V);
      if (sub(X1, X1, X2) != 0) add(X1, X1, m);
    } else {
      sub(V, V, U);
      if (sub(X2, X2, X1) != 0) add(X2, X2, m);
    }
  }
  copy(out, isOne(U) ? X1 : X2);
}

// ---- points ---------------------------------------------------------------------------------------------------

/** Jacobian point at `j` doubled in place (a = -3: "dbl-2001-b"). The point at infinity (Z = 0) stays there. */
function double(j: usize): void {
  const x = j, y = j + FE, z = j + 2 * FE;
  fsqr(T0, z); // delta
  fsqr(T1, y); // gamma
  fmul(T2, x, T1); // beta
  fsub(T3, x, T0);
  fadd(T4, x, T0);
  fmul(T3, T3, T4);
  fadd(T4, T3, T3);
  fadd(T3, T4, T3); // alpha = 3(x - delta)(x + delta)
  fadd(T4, y, z);
  fsqr(T4, T4);
  fsub(T4, T4, T1);
  fsub(z, T4, T0); // z3 = (y + z)^2 - gamma - delta
  fadd(T2, T2, T2);
  fadd(T2, T2, T2); // 4 beta
  fsqr(x, T3);
  fsub(x, x, T2);
  fsub(x, x, T2); // x3 = alpha^2 - 8 beta
  fsub(T2, T2, x);
  fmul(T2, T3, T2);
  fsqr(T1, T1);
  fadd(T1, T1, T1);
  fadd(T1, T1, T1);
  fadd(T1, T1, T1); // 8 gamma^2
  fsub(y, T2, T1); // y3 = alpha(4 beta - x3) - 8 gamma^2
}

/**
 * Jacobian point at `j` plus the affine point (ax, ay), in place ("madd-2007-bl" without its doubling of H), with
 * every case handled: the sum at infinity, equal points (a doubling) and opposite points (infinity).
 */
function addAffine(j: usize, ax: usize, ay: usize): void {
  const x = j, y = j + FE, z = j + 2 * FE;
  if (isZero(z)) {
    copy(x, ax);
    copy(y, ay);
    copy(z, ONE);
    return;
  }
  fsqr(T0, z); // z1z1
  fmul(T1, ax, T0); // u2
  fmul(T2, z, T0);
  fmul(T2, ay, T2); // s2
  fsub(T1, T1, x); // h
  fsub(T2, T2, y); // r
  if (isZero(T1)) {
    if (isZero(T2)) double(j);
    else memory.fill(z, 0, FE);
    return;
  }
  fsqr(T3, T1); // hh
  fmul(T4, T1, T3); // hhh
  fmul(T5, x, T3); // v
  fmul(z, z, T1); // z3 = z1 h
  fsqr(x, T2);
  fsub(x, x, T4);
  fsub(x, x, T5);
  fsub(x, x, T5); // x3 = r^2 - hhh - 2v
  fsub(T5, T5, x);
  fmul(T5, T2, T5);
  fmul(T4, y, T4);
  fsub(y, T5, T4); // y3 = r(v - x3) - y1 hhh
}

/** The affine point at `a`: is it on the curve, y^2 = x^3 - 3x + b? */
function onCurve(a: usize): bool {
  fsqr(T0, a);
  fmul(T0, T0, a);
  fsub(T0, T0, a);
  fsub(T0, T0, a);
  fsub(T0, T0, a);
  fadd(T0, T0, B);
  fsqr(T1, a + FE);
  return equal(T0, T1);
}

// ---- the host's calls -----------------------------------------------------------------------------------------

export { heapBase, reserve } from '../common/memory';

/** Bytes of one table. */
export function tableBytes(): u32 {
  return <u32>(POSITIONS * DIGITS * POINT);
}

/**
 * Fills the table at `table` for the point whose coordinates are at `xy` (x then y, 48 big-endian bytes each), or
 * for the generator when `xy` is 0. Returns false, leaving the table unusable, when the point is not on the curve
 * (or a coordinate is not below p). Every point on P-384 other than infinity has the prime order n.
 */
export function makeTable(xy: usize, table: usize): bool {
  if (xy == 0) {
    copy(BASE, GX);
    copy(BASE + FE, GY);
  } else {
    fromBytes(BASE, xy);
    fromBytes(BASE + FE, xy + FE);
  }
  if (atLeast(BASE, P) || atLeast(BASE + FE, P)) return false;
  if (!onCurve(BASE)) return false;
  for (let i: usize = 0; i < POSITIONS; i++) {
    // The row j·B for j = 1..128, Jacobian: each the previous plus B.
    const row = table + i * DIGITS * POINT;
    memory.fill(ROW + 2 * FE, 0, FE);
    addAffine(ROW, BASE, BASE + FE);
    for (let k: usize = 1; k < DIGITS; k++) {
      const at = ROW + k * 3 * FE;
      memory.copy(at, at - 3 * FE, 3 * FE);
      addAffine(at, BASE, BASE + FE);
    }
    // All 128 to affine with one inversion (Montgomery's trick): PREFIX[k] = z_0 ... z_k.
    copy(PREFIX, ROW + 2 * FE);
    for (let k: usize = 1; k < DIGITS; k++) fmul(PREFIX + k * FE, PREFIX + (k - 1) * FE, ROW + k * 3 * FE + 2 * FE);
    invert(T6, PREFIX + (DIGITS - 1) * FE, P); // (z_0 ... z_127)^-1
    for (let k = <isize>DIGITS - 1; k >= 0; k--) {
      const at = ROW + <usize>k * 3 * FE;
      // T5 = z_k^-1; then T6 = (z_0 ... z_(k-1))^-1.
      if (k > 0) {
        fmul(T5, T6, PREFIX + (<usize>k - 1) * FE);
        fmul(T6, T6, at + 2 * FE);
      } else copy(T5, T6);
      const out = row + <usize>k * POINT;
      fsqr(T7, T5);
      fmul(out, at, T7); // x / z^2
      fmul(T7, T7, T5);
      fmul(out + FE, at + FE, T7); // y / z^3
    }
    // The next position's base: 256·B = 2·(128·B).
    if (i + 1 < POSITIONS) {
      const last = row + (DIGITS - 1) * POINT;
      copy(SUM, last);
      copy(SUM + FE, last + FE);
      copy(SUM + 2 * FE, ONE);
      double(SUM);
      invert(T6, SUM + 2 * FE, P);
      fsqr(T7, T6);
      fmul(BASE, SUM, T7);
      fmul(T7, T7, T6);
      fmul(BASE + FE, SUM + FE, T7);
    }
  }
  return true;
}

/** SUM += k·P, with P's table: one table addition per non-zero signed digit of the scalar k (plain, below 2^384). */
function addMultiple(k: usize, table: usize): void {
  let carry: i32 = 0;
  for (let i: usize = 0; i < POSITIONS; i++) {
    let d = carry;
    if (i < POSITIONS - 1) d += <i32>load<u8>(k + i);
    if (d > 128) {
      d -= 256;
      carry = 1;
    } else carry = 0;
    if (d == 0) continue;
    const entry = table + (i * DIGITS + <usize>(abs(d) - 1)) * POINT;
    if (d > 0) addAffine(SUM, entry, entry + FE);
    else {
      fsub(NEG_Y, ZERO, entry + FE);
      addAffine(SUM, entry, NEG_Y);
    }
  }
}

/**
 * Verifies an ECDSA P-384 signature. `input` holds the message's hash (48 bytes: SHA-384 fits the order's length,
 * so it is taken whole), then r and s (48 bytes each), all big-endian. `g` is the generator's table, `q` the public
 * key's, both from makeTable.
 */
export function verify(g: usize, q: usize, input: usize): bool {
  fromBytes(E, input);
  fromBytes(R, input + FE);
  fromBytes(S, input + 2 * FE);
  if (isZero(R) || atLeast(R, N) || isZero(S) || atLeast(S, N)) return false;
  // e may be up to 2^384 - 1, which montMulN takes as it is.
  invert(W, S, N); // w = s^-1
  montMulN(U1, E, W);
  montMulN(U1, U1, R2N); // u1 = e·w mod n
  montMulN(U2, R, W);
  montMulN(U2, U2, R2N); // u2 = r·w mod n
  memory.fill(SUM + 2 * FE, 0, FE);
  addMultiple(U1, g);
  addMultiple(U2, q);
  const z = SUM + 2 * FE;
  if (isZero(z)) return false;
  // x(SUM) mod n == r, without leaving Jacobian coordinates: x = X / Z^2 is below p, so x mod n == r when
  // X == r·Z^2, or when r + n < p and X == (r + n)·Z^2.
  fsqr(T6, z);
  fmul(T7, R, T6);
  if (equal(T7, SUM)) return true;
  if (add(T5, R, N) != 0 || atLeast(T5, P)) return false;
  fmul(T7, T5, T6);
  return equal(T7, SUM);
}
