// The one container limit the element needs on the main thread, kept apart so importing it brings nothing else.

/**
 * Version 2 seals the inner container in chunks of at most 512 KiB of plaintext, so neither side ever hands
 * WebCrypto more than that at once: one 10 MB encryption grew a Chromium worker's process by three times its input
 * while it ran. Chunks of this size also sealed about three times faster than chunks of 1 MiB (see "Chunks" in
 * docs/container-format.md).
 */
export const MAX_CHUNK_LENGTH = 1 << 19;
