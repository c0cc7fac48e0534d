// The ES384 tables (src/container/p384.ts, wasm/p384/): every answer node:crypto gives, and the cases no honest
// signature reaches (a digest above the order, x(R) above the order, the sum passing through a doubling or the point
// at infinity), built here with a reference written from SEC 1 in plain BigInt arithmetic.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as crypto from 'node:crypto';
import { readFileSync } from 'node:fs';
import { P384Verifier, p384KeyId } from '../../src/container/p384.ts';
import { verifyEs384 } from '../../src/container/open-node.ts';
import { fieldSource } from '../../scripts/build/p384-field.mjs';

// ---- reference (SEC 1 §2.2.1, §4.1.4), affine, BigInt -----------------------------------------------------------
const p = 2n ** 384n - 2n ** 128n - 2n ** 96n + 2n ** 32n - 1n;
const n = 0xffffffffffffffffffffffffffffffffffffffffffffffffc7634d81f4372ddf581a0db248b0a77aecec196accc52973n;
const b = 0xb3312fa7e23ee7e4988e056be3f82d19181d9c6efe8141120314088f5013875ac656398d8a2ed19d2a85c8edd3ec2aefn;
const G = {
  x: 0xaa87ca22be8b05378eb1c71ef320ad746e1d3b628ba79b9859f741e082542a385502f25dbf55296c3a545e3872760ab7n,
  y: 0x3617de4a96262c6f5d9e98bf9292dc29f8f41dbd289a147ce9da3113b5f0b8c00a60b1ce1d7e819d7a431d7c90ea0e5fn,
};
type Point = { x: bigint; y: bigint } | null; // null: infinity
const mod = (a: bigint, m: bigint) => ((a % m) + m) % m;
const pow = (x: bigint, e: bigint, m: bigint) => {
  let r = 1n;
  x = mod(x, m);
  for (; e > 0n; e >>= 1n, x = (x * x) % m) if (e & 1n) r = (r * x) % m;
  return r;
};
const inv = (x: bigint, m: bigint) => pow(x, m - 2n, m);
function add(P: Point, Q: Point): Point {
  if (!P) return Q;
  if (!Q) return P;
  if (P.x === Q.x && mod(P.y + Q.y, p) === 0n) return null;
  const l = P.x === Q.x ? mod((3n * P.x * P.x - 3n) * inv(2n * P.y, p), p) : mod((Q.y - P.y) * inv(Q.x - P.x, p), p);
  const x = mod(l * l - P.x - Q.x, p);
  return { x, y: mod(l * (P.x - x) - P.y, p) };
}
function mul(k: bigint, P: Point): Point {
  let R: Point = null;
  for (let i = 383; i >= 0; i--) {
    R = add(R, R);
    if ((k >> BigInt(i)) & 1n) R = add(R, P);
  }
  return R;
}
function referenceVerify(Q: Point, e: bigint, r: bigint, s: bigint): boolean {
  if (r < 1n || r >= n || s < 1n || s >= n) return false;
  const w = inv(s, n);
  const R = add(mul(mod(e * w, n), G), mul(mod(r * w, n), Q));
  return R !== null && mod(R.x, n) === r;
}
/** A valid signature for chosen u1 and u2 (u1·G + u2·Q must not be infinity): r from the sum, then s and e. */
function forge(Q: Point, u1: bigint, u2: bigint, rIfInfinity = 1n) {
  const R = add(mul(u1, G), mul(u2, Q));
  const r = R ? mod(R.x, n) : rIfInfinity;
  const s = mod(r * inv(u2, n), n);
  return { e: mod(u1 * s, n), r, s };
}

const be = (x: bigint, bytes = 48) => Buffer.from(x.toString(16).padStart(bytes * 2, '0'), 'hex');
const xyOf = (Q: NonNullable<Point>) => Buffer.concat([be(Q.x), be(Q.y)]);
const sig = (r: bigint, s: bigint) => Buffer.concat([be(r), be(s)]);
const num = (bytes: Uint8Array) => BigInt('0x' + Buffer.from(bytes).toString('hex'));

async function verifierWith(...keys: NonNullable<Point>[]) {
  const v = await P384Verifier.load();
  for (const Q of keys) {
    const xy = xyOf(Q);
    assert.equal(v.prepare(p384KeyId(xy), xy), false, 'a key\'s first use makes no table');
    assert.equal(v.prepare(p384KeyId(xy), xy), true, 'its second does');
  }
  return v;
}
const check = (v: P384Verifier, Q: NonNullable<Point>, e: bigint, r: bigint, s: bigint) => v.verify(p384KeyId(xyOf(Q)), be(e), sig(r, s));

function nodeKey() {
  const { privateKey, publicKey } = crypto.generateKeyPairSync('ec', { namedCurve: 'secp384r1' });
  const jwk = publicKey.export({ format: 'jwk' });
  const Q = { x: num(Buffer.from(jwk.x!, 'base64url')), y: num(Buffer.from(jwk.y!, 'base64url')) };
  return { privateKey, publicKey, Q };
}

test('p384: the generated field arithmetic is what scripts/build/p384-field.mjs writes', () => {
  assert.equal(readFileSync(new URL('../../wasm/p384/field.ts', import.meta.url), 'utf8'), fieldSource());
});

test('p384: the same answer as node:crypto for signed, altered and re-signed messages', async () => {
  const keys = Array.from({ length: 4 }, nodeKey);
  const v = await verifierWith(...keys.map((k) => k.Q));
  let accepted = 0, refused = 0;
  for (const [i, k] of keys.entries()) {
    for (let m = 0; m < 25; m++) {
      const message = crypto.randomBytes(1 + 37 * m);
      const good = crypto.sign('sha384', message, { key: k.privateKey, dsaEncoding: 'ieee-p1363' });
      const flipped = Buffer.from(good);
      flipped[(m * 7 + i) % 96]! ^= 1 << (m % 8);
      const other = keys[(i + 1) % keys.length]!;
      for (const [signature, key, Q] of [[good, k.publicKey, k.Q], [flipped, k.publicKey, k.Q], [good, other.publicKey, other.Q]] as const) {
        const want = crypto.verify('sha384', message, { key, dsaEncoding: 'ieee-p1363' }, signature);
        const got = v.verify(p384KeyId(xyOf(Q)), crypto.createHash('sha384').update(message).digest(), signature);
        assert.equal(got, want, `key ${i}, message ${m}`);
        want ? accepted++ : refused++;
      }
    }
  }
  assert.equal(accepted, 100);
  assert.equal(refused, 200);
});

test('p384: s and n - s both hold; r and s outside 1..n-1 do not', async () => {
  const k = nodeKey();
  const v = await verifierWith(k.Q);
  const message = Buffer.from('a session token');
  const e = num(crypto.createHash('sha384').update(message).digest());
  const good = crypto.sign('sha384', message, { key: k.privateKey, dsaEncoding: 'ieee-p1363' });
  const r = num(good.subarray(0, 48)), s = num(good.subarray(48));
  assert.equal(check(v, k.Q, e, r, s), true);
  assert.equal(check(v, k.Q, e, r, n - s), true);
  assert.equal(crypto.verify('sha384', message, { key: k.publicKey, dsaEncoding: 'ieee-p1363' }, sig(r, n - s)), true);
  for (const [rr, ss] of [[0n, s], [r, 0n], [n, s], [r, n], [r + n, s], [r, s + n], [2n ** 384n - 1n, s]] as const) {
    if (rr < 2n ** 384n && ss < 2n ** 384n) assert.equal(check(v, k.Q, e, rr, ss), false, `r ${rr}, s ${ss}`);
  }
});

test('p384: a digest above the order is taken mod n', async () => {
  // e = n + t and e = t sign alike; 2^384 - 1 is above n.
  for (const t of [5n, 2n ** 384n - 1n - n]) {
    const d = (2n * 0x1234567n) % n;
    const kk = 0xabcdefn;
    const Q = mul(d, G)!;
    const r = mod(mul(kk, G)!.x, n);
    const s = mod(inv(kk, n) * (t + r * d), n);
    const v2 = await verifierWith(Q);
    assert.equal(referenceVerify(Q, t, r, s), true);
    assert.equal(check(v2, Q, t + n, r, s), true, `e = n + ${t}`);
    assert.equal(check(v2, Q, t + n, r, mod(s + 1n, n)), false);
  }
});

test('p384: x(R) between n and p matches r = x(R) - n', async () => {
  // A key Q whose x is above n; with e = 0 and r = s = x - n, u1 = 0 and u2 = 1, so R = Q.
  let Q: NonNullable<Point> | null = null;
  for (let t = 1n; !Q; t++) {
    const x = n + t;
    const rhs = mod(x ** 3n - 3n * x + b, p);
    const y = pow(rhs, (p + 1n) / 4n, p);
    if ((y * y) % p === rhs) Q = { x, y };
  }
  const r = Q.x - n;
  assert.equal(referenceVerify(Q, 0n, r, r), true);
  const v = await verifierWith(Q);
  assert.equal(check(v, Q, 0n, r, r), true);
  assert.equal(check(v, Q, n, r, r), true, 'and e = n, which is 0 mod n');
  assert.equal(check(v, Q, 1n, r, r), false);
  assert.equal(check(v, Q, 0n, r + 1n, r + 1n), false);
});

test('p384: sums that double, cancel to infinity on the way, or end at infinity', async () => {
  // Q = G: the tables of the two points are alike, so a digit of u2 can meet the sum of u1's.
  const v = await verifierWith(G);
  const cases = [
    { u1: 5n, u2: 5n, holds: true }, // 5G + 5G: a doubling
    { u1: 5n, u2: 0xfbn + 256n * 7n, holds: true }, // 5G - 5G (infinity), then + 2048G
    { u1: 5n, u2: n - 5n, holds: false }, // infinity at the end
    { u1: 0x1234n, u2: n - 0x1234n, holds: false },
  ];
  for (const c of cases) {
    const f = forge(G, c.u1, c.u2);
    assert.equal(referenceVerify(G, f.e, f.r, f.s), c.holds, `reference, ${c.u1} ${c.u2}`);
    assert.equal(check(v, G, f.e, f.r, f.s), c.holds, `${c.u1} ${c.u2}`);
  }
  // Random scalars through the same forging: every digit pattern, the top carry included.
  for (let i = 0; i < 4; i++) {
    const u1 = mod(num(crypto.randomBytes(48)), n), u2 = mod(num(crypto.randomBytes(48)), n) || 1n;
    const f = forge(G, u1, u2);
    assert.equal(check(v, G, f.e, f.r, f.s), true);
    assert.equal(check(v, G, f.e, f.r, mod(f.s + 1n, n)), false);
  }
});

test('p384: a point off the curve or out of range gets no table', async () => {
  const v = await P384Verifier.load();
  for (const xy of [xyOf({ x: G.x, y: G.y + 1n }), Buffer.concat([be(p + 1n), be(G.y)]), Buffer.concat([be(G.x), be(p)])]) {
    const id = p384KeyId(xy);
    v.prepare(id, xy);
    assert.throws(() => v.prepare(id, xy), /not a point on P-384/);
  }
  assert.equal(v.keyCount, 0);
});

test('p384: four keys keep their tables, a fifth takes the least recently used one\'s', async () => {
  const keys = Array.from({ length: 5 }, nodeKey);
  const v = await verifierWith(...keys.slice(0, 4).map((k) => k.Q));
  assert.equal(v.keyCount, 4);
  const message = Buffer.from('token');
  const digest = crypto.createHash('sha384').update(message).digest();
  const signature = crypto.sign('sha384', message, { key: keys[0]!.privateKey, dsaEncoding: 'ieee-p1363' });
  assert.equal(v.verify(p384KeyId(xyOf(keys[0]!.Q)), digest, signature), true); // key 0 is now the most recent
  const fifth = xyOf(keys[4]!.Q);
  v.prepare(p384KeyId(fifth), fifth);
  assert.equal(v.prepare(p384KeyId(fifth), fifth), true);
  assert.equal(v.keyCount, 4);
  assert.throws(() => v.verify(p384KeyId(xyOf(keys[1]!.Q)), digest, signature), /no table/);
  assert.equal(v.verify(p384KeyId(xyOf(keys[0]!.Q)), digest, signature), true);
});

test('p384: verifyEs384 checks a key\'s first token with node:crypto, its next ones with the tables', async () => {
  const k = nodeKey();
  const jwk = k.publicKey.export({ format: 'jwk' }) as JsonWebKey;
  const v = await P384Verifier.load();
  const token = (claims: object, alter = false) => {
    const head = `${Buffer.from(JSON.stringify({ alg: 'ES384' })).toString('base64url')}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}`;
    const s = crypto.sign('sha384', Buffer.from(head), { key: k.privateKey, dsaEncoding: 'ieee-p1363' });
    if (alter) s[40]! ^= 1;
    return `${head}.${s.toString('base64url')}`;
  };
  assert.equal(verifyEs384(crypto, token({ sid: 'a' }), jwk, v).sid, 'a');
  assert.equal(v.keyCount, 0);
  assert.throws(() => verifyEs384(crypto, token({ sid: 'b' }, true), jwk, v), /signature verification failed/);
  assert.equal(v.keyCount, 1, 'the second token made the table');
  assert.equal(verifyEs384(crypto, token({ sid: 'c' }), jwk, v).sid, 'c');
  assert.throws(() => verifyEs384(crypto, token({ sid: 'd' }, true), jwk, v), /signature verification failed/);
});

test('p384: a table that cannot be made leaves the check to node:crypto, and rejects no token', () => {
  const k = nodeKey();
  const jwk = k.publicKey.export({ format: 'jwk' }) as JsonWebKey;
  // What a verifier out of memory does (nothing here can exhaust it for real): every table fails.
  const failing = { prepare: () => { throw new Error('p384: out of memory'); }, verify: () => { throw new Error('never called'); } } as unknown as P384Verifier;
  const head = `${Buffer.from(JSON.stringify({ alg: 'ES384' })).toString('base64url')}.${Buffer.from(JSON.stringify({ sid: 'x' })).toString('base64url')}`;
  const s = crypto.sign('sha384', Buffer.from(head), { key: k.privateKey, dsaEncoding: 'ieee-p1363' });
  for (let i = 0; i < 3; i++) assert.equal(verifyEs384(crypto, `${head}.${s.toString('base64url')}`, jwk, failing).sid, 'x');
  s[0]! ^= 1;
  assert.throws(() => verifyEs384(crypto, `${head}.${s.toString('base64url')}`, jwk, failing), /signature verification failed/);
});
