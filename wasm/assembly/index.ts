// The container codec's exports: plain functions over linear memory. The host owns the memory layout (it places
// inputs above heapBase() and passes pointers); no export keeps state between calls (the streaming hash keeps its
// state in the scratch area the host passes).
import { sha256Into, shaFinal, shaInit, shaUpdate } from './sha256';
import * as S from './status';
import { SCRATCH } from './layout';

export { innerLength, packBegin, packEnd, parse, verify } from './layout';

/** Bytes of scratch memory the hashing exports need. */
export function scratchSize(): usize {
  return SCRATCH;
}

/** First byte the host may use; below it lie the codec's constants. */
export function heapBase(): usize {
  return __heap_base;
}

/** Grows memory to hold `bytes`, refusing to pass `limit` bytes. Returns 0 or a status. */
export function reserve(bytes: f64, limit: f64): i32 {
  if (!(bytes <= limit)) return S.MEMORY_LIMIT;
  // wasm32 addresses at most 4 GiB
  if (bytes > 4294967296) return S.GROW_FAILED;
  const pages = <i32>Math.ceil(bytes / 65536);
  const have = memory.size();
  if (pages > have && memory.grow(pages - have) < 0) return S.GROW_FAILED;
  return S.OK;
}

/** SHA-256 of `len` bytes at `ptr` into 32 bytes at `out`, using `scratch` (scratchSize bytes). */
export function sha256(ptr: usize, len: usize, out: usize, scratch: usize): void {
  sha256Into(scratch, ptr, len, out);
}

/** Streaming SHA-256, for a section that arrives in parts: begin, add each part in order, end into 32 bytes at `out`. */
export function shaBegin(scratch: usize): void {
  shaInit(scratch);
}

export function shaAdd(scratch: usize, ptr: usize, len: usize): void {
  shaUpdate(scratch, ptr, len);
}

export function shaEnd(scratch: usize, out: usize): void {
  shaFinal(scratch, out);
}
