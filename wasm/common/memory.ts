// Linear memory for modules whose host lays out the memory above the module's own data (wasm/face/, wasm/p384/).

/** First byte the host may use. */
export function heapBase(): usize {
  return __heap_base;
}

/** Grows memory to at least `bytes`; false when it cannot. */
export function reserve(bytes: u32): bool {
  const pages = <i32>((bytes + 65535) >>> 16);
  const have = memory.size();
  return pages <= have || memory.grow(pages - have) >= 0;
}
