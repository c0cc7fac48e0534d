// The one container limit the element needs on the main thread, kept apart so importing it brings nothing else.

/**
 * Version 2 seals the inner container in chunks of at most 512 KiB of plaintext, so neither side ever hands
 * WebCrypto more than that at once: its single-shot AES-GCM holds a copy of the input, the output and the result
 * at once. Below about 1 MiB, Chromium's allocator also reuses the memory of the last chunk for the next one
 * instead of mapping fresh pages (see the benchmark in docs/container-format.md).
 */
export const MAX_CHUNK_LENGTH = 1 << 19;
