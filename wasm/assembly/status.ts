// Status codes of the exported functions; src/container/format.ts (CodecStatus) mirrors them.
export const OK: i32 = 0;
export const BAD_MAGIC: i32 = 1;
export const BAD_VERSION: i32 = 2;
export const TRUNCATED: i32 = 3;
export const SECTION_COUNT: i32 = 4;
export const SECTION_BOUNDS: i32 = 5;
export const SECTION_HASH: i32 = 6;
export const SUMMING_HASH: i32 = 7;
export const MANIFEST_MISSING: i32 = 8;
export const NO_MEDIA: i32 = 9;
export const BAD_SECTION: i32 = 10;
export const DUPLICATE_NAME: i32 = 11;
export const MEMORY_LIMIT: i32 = 12;
export const GROW_FAILED: i32 = 13;
export const TOO_LARGE: i32 = 14;
