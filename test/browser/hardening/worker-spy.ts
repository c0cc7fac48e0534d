// Watches the Workers the element starts. Test files import it before any src module: the element's modules bind
// their Worker class (through trusted-types.ts) when they load, so the spy must be the page's Worker by then.

export interface WatchedWorker {
  url: string;
  worker: Worker;
  terminated: boolean;
}

interface Hooks {
  workers: WatchedWorker[];
  replace?: (url: string) => URL | undefined;
  intercept?: (entry: WatchedWorker, message: unknown) => unknown;
}

let hooks: Hooks | null = null;
const entries = new WeakMap<Worker, WatchedWorker>();
const Real = globalThis.Worker;

class SpiedWorker extends Real {
  constructor(url: string | URL, init?: WorkerOptions) {
    super(hooks?.replace?.(String(url)) ?? url, init);
    const entry = { url: String(url), worker: this as Worker, terminated: false };
    entries.set(this, entry);
    hooks?.workers.push(entry);
  }
  override terminate(): void {
    entries.get(this)!.terminated = true;
    super.terminate();
  }
  override postMessage(message: unknown, transfer?: Transferable[] | StructuredSerializeOptions): void {
    const next = hooks?.intercept ? hooks.intercept(entries.get(this)!, message) : message;
    if (next !== undefined) super.postMessage(next, transfer as Transferable[]);
  }
}
globalThis.Worker = SpiedWorker;

/**
 * Every Worker the page starts from now on, and whether it was terminated. `replace` may start another script in
 * its place; `intercept` sees each message posted to it and may change it, or return `undefined` to swallow it.
 */
export function watchWorkers(options: Omit<Hooks, 'workers'> = {}) {
  const watch: Hooks = { workers: [], ...options };
  hooks = watch;
  return {
    workers: watch.workers,
    of: (name: string) => watch.workers.filter((w) => w.url.includes(name)),
    restore: () => {
      if (hooks === watch) hooks = null;
    },
  };
}
