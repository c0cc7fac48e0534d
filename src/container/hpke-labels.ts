// RFC 9180's labels for the format's one HPKE suite, DHKEM(P-256, HKDF-SHA256), HKDF-SHA256, AES-256-GCM: shared by
// the packer's sender context (seal.ts, WebCrypto) and the Node opener's recipient (open-node.ts, node:crypto).
import { concatBytes } from './codec.ts';

const ascii = new TextEncoder();
const join = (...parts: Uint8Array[]) => concatBytes(parts);

/** I2OSP(n, 2). */
const u16 = (n: number) => Uint8Array.of(n >> 8, n & 0xff);

/** suite_id of the KEM, and of the whole suite (KEM, KDF and AEAD ids). */
export const KEM_SUITE = join(ascii.encode('KEM'), u16(0x0010));
export const HPKE_SUITE = join(ascii.encode('HPKE'), u16(0x0010), u16(0x0001), u16(0x0002));

/** LabeledExtract's IKM before the IKM itself: "HPKE-v1" || suite_id || label. */
export const extractLabel = (suite: Uint8Array, label: string) => join(ascii.encode('HPKE-v1'), suite, ascii.encode(label));
/** LabeledExpand's info before the info itself: I2OSP(L, 2) || "HPKE-v1" || suite_id || label. */
export const expandLabel = (suite: Uint8Array, label: string, length: number) => join(u16(length), ascii.encode('HPKE-v1'), suite, ascii.encode(label));
