/** One medium of a capture: an action clip, the best shot, or a frame. */
export interface ContainerMedium {
  /** Section name inside the container: 1-128 characters of [A-Za-z0-9._-], unique. */
  name: string;
  /** Vendor media tags, e.g. ['video_selfie', 'video_selfie_blank', 'orientation_portrait']. */
  tags: string[];
  /** video/* becomes a clip section, image/* an image section. */
  mime: string;
  /**
   * The medium's bytes: one buffer, or consecutive parts. Parts of at most 512 KiB (MAX_CHUNK_LENGTH) are sealed as
   * they are, without a copy; the element hands recorded clips over that way, read from the Blob in slices.
   */
  data: Uint8Array | Uint8Array[];
  meta?: Record<string, unknown>;
}

/** Everything one capture puts into a container. */
export interface ContainerInput {
  /** The session token (JWT) whose `hpke` claim is the recipient's public key. */
  sessionToken: string;
  payload: { 'media:tags': Record<string, string[]>; 'folder:meta_data': Record<string, unknown> };
  technical: Record<string, unknown>;
  media: ContainerMedium[];
}

/** The payload.json manifest as written into the container. */
export interface ContainerManifest {
  'media:tags': Record<string, string[]>;
  'folder:meta_data': Record<string, unknown>;
  /** This format's addition: per medium its MIME type and the medium's own metadata. */
  'media:meta_data': Record<string, { mime: string } & Record<string, unknown>>;
}

/** The claims of a session token that the container relies on. */
export interface SessionClaims {
  sid: string;
  iat?: number;
  exp?: number;
  server_time?: number;
  hpke: string;
  suite?: string;
  iss?: string;
  [claim: string]: unknown;
}

/** The plain-text envelope header of a container. */
export interface ContainerHeader {
  version: number;
  kemId: number;
  kdfId: number;
  aeadId: number;
  sessionId: string;
  /** Creation time, ms since the epoch, from the packing device's clock corrected by the token's server_time. */
  createdAt: number;
  sessionToken: string;
  /** The HPKE encapsulated key (65 bytes). */
  enc: Uint8Array;
  /** Ciphertext length of each chunk, in order (version 1: one chunk). */
  chunkLengths: number[];
  /** All chunks together. */
  ciphertextLength: number;
  /** Header length in bytes: these bytes are the AEAD associated data. */
  headerLength: number;
}

export type SectionKind = 'manifest' | 'technical' | 'clip' | 'image';

/** A verified section of an opened container. */
export interface OpenedSection {
  kind: SectionKind;
  name: string;
  size: number;
  /**
   * The section hash the table holds, lower-case hex; verified. Inner version 1: SHA-256 of the data. Inner version 2
   * (format version 3): SHA-256 over the SHA-256 of each 512 KiB leaf of the data (see the format doc). Absent under
   * format version 4, whose inner version 3 carries no hashes: the AEAD authenticates every byte.
   */
  sha256?: string;
  data: Uint8Array;
}

/** A medium of an opened container, with its manifest entries. */
export interface OpenedMedium {
  name: string;
  kind: 'clip' | 'image';
  mime: string;
  tags: string[];
  meta: Record<string, unknown>;
  size: number;
  /** The section hash, as in OpenedSection (absent under format version 4). */
  sha256?: string;
  data: Uint8Array;
}

/** The result of opening and verifying a container. */
export interface OpenedContainer {
  header: ContainerHeader;
  /** Claims of the session token (signature verified unless the caller opted out). */
  claims: SessionClaims;
  payload: ContainerManifest;
  technical: Record<string, unknown>;
  media: OpenedMedium[];
  /** All sections in container order, manifest and technical data first. */
  sections: OpenedSection[];
  /**
   * SHA-256 over the inner header, section table, names and manifest, lower-case hex; verified. Absent under format
   * version 4 (no hashes inside: the AEAD authenticates every byte).
   */
  summingHash?: string;
  /** Length of the decrypted inner container in bytes. */
  innerLength: number;
  /** The inner version (1 under format versions 1 and 2, 2 under 3, 3 under 4): says how the section hashes are taken, if any. */
  innerVersion: 1 | 2 | 3;
}
