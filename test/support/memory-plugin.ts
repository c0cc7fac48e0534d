// Heap figures for the browser tests, read through the test page's own DevTools session. Tests call it with
// executeServerCommand from @web/test-runner-commands:
//   'heap-usage' -> { usedBytes, embedderBytes, backingStoreBytes, totalBytes } after a full garbage collection
//                   (V8's JS heap, Blink's heap, and ArrayBuffer backing stores such as pixels and media bytes)
import type { CDPSession, Page } from 'puppeteer-core';

interface Session {
  id: string;
  browser: { getPage?(sessionId: string): Page };
}

export interface HeapUsage {
  usedBytes: number;
  embedderBytes: number;
  backingStoreBytes: number;
  totalBytes: number;
}

export function memoryPlugin() {
  const sessions = new WeakMap<Page, Promise<CDPSession>>();
  return {
    name: 'oz-memory',
    async executeCommand({ command, session }: { command: string; session: Session }): Promise<HeapUsage | undefined> {
      if (command !== 'heap-usage') return undefined;
      const page = session.browser.getPage?.(session.id);
      if (!page) throw new Error('heap-usage needs a Chromium launcher that exposes its puppeteer page');
      let cdp = sessions.get(page);
      if (!cdp) sessions.set(page, (cdp = page.createCDPSession()));
      const client = await cdp;
      // Two passes: the first may only queue finalizers whose targets the second frees.
      for (let i = 0; i < 2; i++) await client.send('HeapProfiler.collectGarbage');
      const usage = (await client.send('Runtime.getHeapUsage')) as { usedSize: number; embedderHeapUsedSize?: number; backingStorageSize?: number };
      const embedderBytes = usage.embedderHeapUsedSize ?? 0;
      const backingStoreBytes = usage.backingStorageSize ?? 0;
      return { usedBytes: usage.usedSize, embedderBytes, backingStoreBytes, totalBytes: usage.usedSize + embedderBytes + backingStoreBytes };
    },
  };
}
