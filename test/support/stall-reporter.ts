// A web-test-runner reporter for the failure the runner reports worst: a test file that never reports its end. The
// runner then waits out testsFinishTimeout and says only that the file did not finish, without its tests or logs.
//
// This reporter watches every Chromium session. Once one has run for `after` ms it looks into the page through the
// page's own DevTools session: does the page still evaluate? If it does, do its timers and animation frames run,
// where is mocha (which tests have a result, what it runs now), is the runner's socket open, what state are the
// elements in? If it does not, its main thread is held. What it saw is printed at once, and again at the end of the
// run with every file that ended on an error of its own, so that a CI log that keeps only its tail still shows it.
import type { CDPSession, Page } from 'puppeteer-core';

interface Session {
  id: string;
  testFile: string;
  status: string;
  browser: { name: string; getPage?(sessionId: string): Page };
  errors?: { message: string }[];
}

interface Sessions {
  on(event: 'session-status-updated', listener: (session: Session) => void): void;
  get(id: string): Session | undefined;
}

const RUNNING = new Set(['INITIALIZING', 'TEST_STARTED']);

/** `promise`, or `undefined` if it has not settled within `ms`. */
async function within<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), ms)));
  try {
    return await Promise.race([promise, late]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Read in a page that answers: whether its timers and animation frames still run, where mocha is (its state, the
 * results so far, the test or hook it runs), the runner's socket and what the elements on the page are doing.
 */
const PAGE_STATE = `(async () => {
  const lines = [];
  const soon = (start, ms) => Promise.race([new Promise(start), new Promise((r) => setTimeout(() => r('no'), ms))]);
  lines.push('visibility ' + document.visibilityState + ', focus ' + document.hasFocus());
  lines.push('a 50 ms timer fired: ' + (await soon((r) => setTimeout(() => r('yes'), 50), 5000)));
  lines.push('an animation frame ran: ' + (await soon((r) => requestAnimationFrame(() => r('yes')), 5000)));
  const runner = globalThis.__WTR_MOCHA_RUNNER__;
  const current = runner?.currentRunnable;
  lines.push(runner
    ? 'mocha: ' + runner.state + ', ' + runner.stats?.passes + ' passed and ' + runner.stats?.failures + ' failed of ' + runner.total + ', ended ' + Boolean(runner.stats?.end) +
      (current ? ', at ' + current.type + ' ' + JSON.stringify(current.title) + (current.state ? ' (' + current.state + ')' : '') : '')
    : 'mocha: no runner (the test module did not load)');
  const socket = globalThis.__WDS_WEB_SOCKET__?.webSocket;
  lines.push('test runner socket: ' + (socket ? ['connecting', 'open', 'closing', 'closed'][socket.readyState] + ', ' + socket.bufferedAmount + ' bytes unsent' : 'none'));
  for (const el of document.querySelectorAll('oz-liveness')) lines.push('oz-liveness state ' + el.state + (el.error ? ' error ' + el.error.code : ''));
  lines.push('viewport ' + innerWidth + 'x' + innerHeight);
  return lines.join('\\n');
})()`;

/** What the page is doing, one line per finding. */
export async function lookInto(page: Page): Promise<string[]> {
  const seen: string[] = [];
  // The page's own session, attached while the page was well: a session attached now would need a held thread to
  // set it up, and would leave this waiting instead of saying that the thread is held.
  const client = (page as unknown as { _client?(): CDPSession })._client;
  if (typeof client !== 'function') return ['not a Chromium page: nothing to look into'];
  try {
    const cdp = client.call(page);
    const answer = await within(cdp.send('Runtime.evaluate', { expression: 'document.readyState', returnByValue: true }), 10_000);
    if (answer) {
      seen.push(`the page answers (document ${String(answer.result.value)}): it is waiting, not stuck in script`);
      const state = await within(cdp.send('Runtime.evaluate', { expression: PAGE_STATE, awaitPromise: true, returnByValue: true }), 15_000);
      seen.push(...(state ? String(state.result.value ?? state.exceptionDetails?.text).split('\n') : ['its state could not be read within 15 s']));
      return seen;
    }
    seen.push('the page does not evaluate within 10 s: its main thread is held (script that does not end, or a native call that does not return)');
    return seen;
  } catch (error) {
    seen.push(`looking into the page failed: ${(error as Error).message}`);
    return seen;
  }
}

export function stallReporter({ after = 4 * 60_000 }: { after?: number } = {}) {
  const found: string[] = [];
  const started = new Map<string, number>();
  const looked = new Set<string>();
  let sessions: Sessions | undefined;
  let timer: ReturnType<typeof setInterval> | undefined;

  async function check(): Promise<void> {
    const now = Date.now();
    for (const [id, since] of started) {
      const session = sessions?.get(id);
      if (!session || !RUNNING.has(session.status)) {
        started.delete(id);
        continue;
      }
      if (now - since < after || looked.has(id)) continue;
      looked.add(id);
      let page: Page | undefined;
      try {
        page = session.browser.getPage?.(id);
      } catch {
        page = undefined;
      }
      if (!page) continue;
      const lines = await lookInto(page);
      const report = [`${session.testFile} (${session.browser.name}) still running after ${Math.round((now - since) / 1000)} s:`, ...lines.map((line) => `  ${line}`)];
      found.push(...report);
      console.error(report.join('\n'));
    }
  }

  return {
    start(args: { sessions: Sessions }) {
      sessions = args.sessions;
      sessions.on('session-status-updated', (session) => {
        if (RUNNING.has(session.status) && !started.has(session.id)) started.set(session.id, Date.now());
      });
      timer = setInterval(() => check().catch((error: unknown) => console.error(`stall-reporter: ${String(error)}`)), 15_000);
      timer.unref();
    },
    stop(args: { sessions: Session[] }) {
      clearInterval(timer);
      const failed = args.sessions.filter((session) => session.errors?.length);
      if (!failed.length && !found.length) return;
      const lines = ['', 'Test files that ended with an error of their own (not a failed test):'];
      for (const session of failed) {
        lines.push(`  ${session.testFile} (${session.browser.name}): ${session.errors!.map((error) => error.message.split('\n')[0]).join('; ')}`);
      }
      if (found.length) lines.push('What the stalled pages were doing:', ...found.map((line) => `  ${line}`));
      console.error(lines.join('\n'));
    },
  };
}
