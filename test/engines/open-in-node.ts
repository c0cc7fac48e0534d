// The browser side of test/support/container-plugin.ts: sends a container made in this engine to Node, where the
// project's opener decrypts and verifies it with the session's key.
import { executeServerCommand } from '@web/test-runner-commands';
import { exportJWK } from 'jose';
import type { TestSession } from '../node/container-harness.ts';
import type { OpenedInNode } from '../support/container-plugin.ts';

async function base64(blob: Blob): Promise<string> {
  const reader = new FileReader();
  const url = await new Promise<string>((resolve, reject) => {
    reader.onload = () => resolve(reader.result as string);
    reader.onerror = () => reject(reader.error);
    reader.readAsDataURL(blob);
  });
  return url.slice(url.indexOf(',') + 1);
}

/** Opens `container` in Node with the session's private key and issuer; fails the test with the opener's error. */
export async function openInNode(container: Blob, session: TestSession): Promise<OpenedInNode> {
  const answer = (await executeServerCommand('container-open', {
    container: await base64(container),
    key: session.keys.privateJwk,
    issuer: await exportJWK(session.issuerPublicKey),
  })) as OpenedInNode | { error: string };
  if ('error' in answer) throw new Error(`the container does not open in Node: ${answer.error}`);
  return answer;
}

/** Hex SHA-256 of a Blob, as the Node side reports each medium. */
export async function sha256(blob: Blob): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', await blob.arrayBuffer()));
  return Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
}
