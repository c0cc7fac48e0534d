import { executeServerCommand } from '@web/test-runner-commands';

/** Resizes the test page's viewport, and turns its screen when `isLandscape` (Chromium; see viewport-plugin.ts). */
export async function setViewport(size: { width: number; height: number; isLandscape?: boolean }): Promise<void> {
  await executeServerCommand('page-viewport', size);
}
