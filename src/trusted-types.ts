// `new Worker(url)` is a Trusted Types sink: a page that enforces `require-trusted-types-for 'script'` refuses a plain
// URL there. The element's workers get their script URL from one policy named `oz-liveness`, which such a page lists
// in its `trusted-types` directive (docs/security.md, "Content-Security-Policy").

/** The policy's name, for the page's `trusted-types` directive. */
export const TRUSTED_TYPES_POLICY = 'oz-liveness';

interface ScriptUrlPolicy {
  createScriptURL(url: string): unknown;
}

let policy: ScriptUrlPolicy | null | undefined;

/**
 * The URL as a TrustedScriptURL where the browser has Trusted Types, else as it is. The policy passes URLs through
 * unchanged: they come only from this package's bundle or from the host's own options (`workerUrl`), never from
 * user input. A page whose `trusted-types` directive does not allow the policy gets the plain URL, and its own
 * default policy (if any) decides.
 */
export function trustedScriptURL(url: string | URL): string {
  if (policy === undefined) {
    const factory = (globalThis as { trustedTypes?: { createPolicy(name: string, rules: { createScriptURL(url: string): string }): ScriptUrlPolicy } }).trustedTypes;
    try {
      policy = factory?.createPolicy(TRUSTED_TYPES_POLICY, { createScriptURL: (value) => value }) ?? null;
    } catch {
      policy = null;
    }
  }
  const href = String(url);
  // A TrustedScriptURL is accepted wherever the DOM types ask for a string URL.
  return (policy ? policy.createScriptURL(href) : href) as string;
}

/**
 * A module's workers are written `new Worker(new URL('./x.worker.ts', import.meta.url))`, the form bundlers rewrite
 * to the emitted chunk; modules bind `Worker` to this class so that the same line also goes through the policy.
 */
export const TrustedWorker: typeof Worker =
  typeof Worker === 'undefined'
    ? (undefined as unknown as typeof Worker)
    : class extends Worker {
        constructor(url: string | URL, options?: WorkerOptions) {
          super(trustedScriptURL(url), options);
        }
      };
