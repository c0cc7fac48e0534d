// web-test-runner sends a test file's results from the page with structuredClone. A failed assertion about an element
// (`expect(shadowRoot.activeElement).to.equal(button)`) carries that element in its `actual` and `expected`, which
// structuredClone refuses: the send throws, the results never leave the page, and the runner waits out its
// testsFinishTimeout and then reports the file as unfinished, its failure unseen (modernweb-dev/web#2967, #2802).
//
// This plugin changes that one call in the runner's page module: values structuredClone refuses are sent as text
// (an element as the start of its markup, a function by its name), so the failure is reported like any other.
// If the runner's module no longer has the call, the plugin says so rather than silently doing nothing.

const MODULE = '/__web-dev-server__web-socket.js';
const CALL = 'var target = structuredClone(obj)';

/** Runs in the page: structuredClone, or, for what it refuses, a copy with the refused values as text. */
const CLONE_FOR_REPORT = `
function cloneForReport(value) {
  try {
    return structuredClone(value);
  } catch (error) {
    if (!(error instanceof DOMException) || error.name !== 'DataCloneError') throw error;
    const seen = new WeakSet();
    return JSON.parse(JSON.stringify(value, (key, item) => {
      if (typeof item === 'function') return '[function ' + (item.name || 'anonymous') + ']';
      if (typeof item === 'bigint') return item.toString() + 'n';
      if (typeof Node !== 'undefined' && item instanceof Node) {
        return item instanceof Element ? item.outerHTML.slice(0, 300) : '[' + item.nodeName + ']';
      }
      if (typeof Window !== 'undefined' && item instanceof Window) return '[Window]';
      if (item && typeof item === 'object') {
        if (seen.has(item)) return '[Circular]';
        seen.add(item);
      }
      return item;
    }));
  }
}
`;

export function reportClonePlugin() {
  return {
    name: 'oz-report-clone',
    transform(context: { path: string; body: unknown }) {
      if (context.path !== MODULE || typeof context.body !== 'string') return undefined;
      if (!context.body.includes(CALL)) {
        throw new Error(`${MODULE} no longer calls "${CALL}": see test/support/report-clone-plugin.ts`);
      }
      return { body: context.body.replace(CALL, 'var target = cloneForReport(obj)') + CLONE_FOR_REPORT };
    },
  };
}
