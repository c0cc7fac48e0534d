// Opens a container made in the test browser in Node, with both openers: the project's openContainer and the
// reference opener written from docs/container-format.md alone. Browser tests call it through executeServerCommand:
//   'container-open' { container: base64, key: recipient private JWK, issuer: issuer public JWK }
//      -> { version, technical, media: [{ name, kind, mime, meta, size, sequence? }], reference: [[name, kind, bytes]] }
//   A medium of MIME type video/x-oz-frames comes back with `sequence`: its parsed index and, per frame, whether its
//   bytes are a JPEG (read in Node, not by the browser that made them).
import { FRAMES_MIME, parseFrameSequence } from '../../src/capture/frame-sequence.ts';
import { openContainer } from '../../src/container/open.ts';
import { referenceOpen } from '../node/container-reference-opener.ts';

const isJpeg = (b: Uint8Array) => b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff && b.at(-2) === 0xff && b.at(-1) === 0xd9;

export function containerPlugin() {
  return {
    name: 'oz-container-open',
    async executeCommand({ command, payload }: { command: string; payload?: any }) {
      if (command !== 'container-open') return undefined;
      const bytes = new Uint8Array(Buffer.from(payload.container, 'base64'));
      const opened = await openContainer(bytes, { resolveKey: async () => payload.key, tokenVerifier: payload.issuer });
      const reference = referenceOpen(bytes, { recipient: payload.key, issuer: payload.issuer, now: Date.now() });
      return {
        version: opened.header.version,
        technical: opened.technical,
        media: opened.media.map((m) => {
          const sequence = m.mime === FRAMES_MIME ? parseFrameSequence(m.data) : undefined;
          return {
            name: m.name,
            kind: m.kind,
            mime: m.mime,
            meta: m.meta,
            size: m.size,
            sequence: sequence && {
              width: sequence.width,
              height: sequence.height,
              frames: sequence.frames,
              jpeg: sequence.ranges.map((r) => isJpeg(m.data.subarray(r.offset, r.offset + r.length))),
            },
          };
        }),
        reference: reference.sections.map((s) => [s.name, s.kind, s.data.length]),
      };
    },
  };
}
