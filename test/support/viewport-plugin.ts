// Viewport sizes for the browser tests, set through the test page's own DevTools session. web-test-runner's
// setViewport goes through puppeteer's page.setViewport, which sends the override to every target puppeteer is
// attached to, the page's workers included, and waits for all of them: a worker the element has just terminated can
// leave that wait, and the whole test file, without an answer. The override only concerns the page.
//   'page-viewport' { width, height, isLandscape? } -> true, once the page has the new size (and the screen the
//                   orientation isLandscape names, portrait by default, as puppeteer's setViewport sets it)
import type { CDPSession, Page } from 'puppeteer-core';

interface Session {
  id: string;
  browser: { getPage?(sessionId: string): Page };
}

export function viewportPlugin() {
  const sessions = new WeakMap<Page, Promise<CDPSession>>();
  return {
    name: 'oz-viewport',
    async executeCommand({ command, payload, session }: { command: string; payload?: { width: number; height: number; isLandscape?: boolean }; session: Session }): Promise<true | undefined> {
      if (command !== 'page-viewport') return undefined;
      const page = session.browser.getPage?.(session.id);
      if (!page) throw new Error('page-viewport needs a Chromium launcher that exposes its puppeteer page');
      if (!payload || !(payload.width > 0) || !(payload.height > 0)) throw new Error('page-viewport takes { width, height }');
      let cdp = sessions.get(page);
      if (!cdp) sessions.set(page, (cdp = page.createCDPSession()));
      await (await cdp).send('Emulation.setDeviceMetricsOverride', {
        width: payload.width,
        height: payload.height,
        deviceScaleFactor: 1,
        mobile: false,
        screenOrientation: payload.isLandscape ? { angle: 90, type: 'landscapePrimary' } : { angle: 0, type: 'portraitPrimary' },
      });
      return true;
    },
  };
}
