// Opens a container made in the browser with the project's Node opener, as a host's backend or the API would, so
// a test in any engine checks that engine's bytes on the other side. Tests call it with executeServerCommand:
//   'container-open' { container: base64, key: private JWK, issuer: public JWK }
//     -> { version, sessionId, sessionToken, media: [{ name, tags, mime, size, sha256 }], technical }
//        with sha256 the plain SHA-256 of each medium (hex), or { error } with the opener's message
import { createHash } from 'node:crypto';
import { openContainer } from '../../src/container/open.ts';

export interface OpenedInNode {
  version: number;
  sessionId: string;
  sessionToken: string;
  media: { name: string; tags: string[]; mime: string; size: number; sha256: string }[];
  technical: Record<string, unknown>;
}

export function containerPlugin() {
  return {
    name: 'oz-container-open',
    async executeCommand({ command, payload }: { command: string; payload?: any }): Promise<OpenedInNode | { error: string } | undefined> {
      if (command !== 'container-open') return undefined;
      try {
        const opened = await openContainer(new Uint8Array(Buffer.from(payload.container, 'base64')), {
          resolveKey: async () => payload.key,
          tokenVerifier: payload.issuer,
        });
        return {
          version: opened.header.version,
          sessionId: opened.header.sessionId,
          sessionToken: opened.header.sessionToken,
          media: opened.media.map((m) => ({
            name: m.name,
            tags: m.tags,
            mime: m.mime,
            size: m.data.byteLength,
            sha256: createHash('sha256').update(m.data).digest('hex'),
          })),
          technical: opened.technical as Record<string, unknown>,
        };
      } catch (error) {
        return { error: `${(error as Error).name}: ${(error as Error).message}` };
      }
    },
  };
}
