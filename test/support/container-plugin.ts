// Opens a container made in the test browser in Node, as a host's backend or the API would, so a test in any engine
// checks that engine's bytes on the other side: with the project's openContainer and with the reference opener
// written from docs/container-format.md alone. Browser tests call it through executeServerCommand:
//   'container-open' { container: base64, key: recipient private JWK, issuer: issuer public JWK }
//     -> { version, sessionId, sessionToken, technical, media: [{ name, kind, tags, mime, meta, size, sha256, sequence? }],
//          reference: [[name, kind, bytes]] }, or { error } with the opener's message
//   sha256 is the plain SHA-256 of each medium (hex). A medium of MIME type video/x-oz-frames comes back with
//   `sequence`: its parsed index and, per frame, whether its bytes are a JPEG (read in Node, not by the browser that
//   made them).
import { createHash } from 'node:crypto';
import { FRAMES_MIME, parseFrameSequence } from '../../src/capture/frame-sequence.ts';
import { openContainer } from '../../src/container/open.ts';
import { referenceOpen } from '../node/container-reference-opener.ts';

export interface OpenedInNode {
  version: number;
  sessionId: string;
  sessionToken: string;
  technical: Record<string, unknown>;
  media: {
    name: string;
    kind: string;
    tags: string[];
    mime: string;
    meta: Record<string, unknown>;
    size: number;
    sha256: string;
    sequence?: { width: number; height: number; frames: { t: number; box: number[] | null }[]; jpeg: boolean[] };
  }[];
  reference: [string, number, number][];
}

const isJpeg = (b: Uint8Array) => b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff && b.at(-2) === 0xff && b.at(-1) === 0xd9;

export function containerPlugin() {
  return {
    name: 'oz-container-open',
    async executeCommand({ command, payload }: { command: string; payload?: any }): Promise<OpenedInNode | { error: string } | undefined> {
      if (command !== 'container-open') return undefined;
      try {
        const bytes = new Uint8Array(Buffer.from(payload.container, 'base64'));
        const opened = await openContainer(bytes, { resolveKey: async () => payload.key, tokenVerifier: payload.issuer });
        const reference = referenceOpen(bytes, { recipient: payload.key, issuer: payload.issuer, now: Date.now() });
        return {
          version: opened.header.version,
          sessionId: opened.header.sessionId,
          sessionToken: opened.header.sessionToken,
          technical: opened.technical as Record<string, unknown>,
          media: opened.media.map((m) => {
            const sequence = m.mime === FRAMES_MIME ? parseFrameSequence(m.data) : undefined;
            return {
              name: m.name,
              kind: m.kind,
              tags: m.tags,
              mime: m.mime,
              meta: m.meta,
              size: m.data.byteLength,
              sha256: createHash('sha256').update(m.data).digest('hex'),
              sequence: sequence && {
                width: sequence.width,
                height: sequence.height,
                frames: sequence.frames,
                jpeg: sequence.ranges.map((r) => isJpeg(m.data.subarray(r.offset, r.offset + r.length))),
              },
            };
          }),
          reference: reference.sections.map((s) => [s.name, s.kind, s.data.length] as [string, number, number]),
        };
      } catch (error) {
        return { error: `${(error as Error).name}: ${(error as Error).message}` };
      }
    },
  };
}
