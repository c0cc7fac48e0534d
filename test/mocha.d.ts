// Types for the mocha globals that @web/test-runner provides in the browser (the package ships no typings of its own).
declare namespace Mocha {
  interface Context {
    timeout(ms: number): this;
    skip(): never;
  }
  type Done = (error?: unknown) => void;
  // One signature (not a union) so that `function () { this.timeout(...) }` gets its `this` type.
  type Func = (this: Context, done: Done) => PromiseLike<unknown> | void;
  interface SuiteFunction {
    (title: string, fn: (this: Context) => void): void;
    only(title: string, fn: (this: Context) => void): void;
    skip(title: string, fn: (this: Context) => void): void;
  }
  interface TestFunction {
    (title: string, fn?: Func): void;
    only(title: string, fn?: Func): void;
    skip(title: string, fn?: Func): void;
  }
  type HookFunction = (fn: Func) => void;
}

declare const describe: Mocha.SuiteFunction;
declare const it: Mocha.TestFunction;
declare const before: Mocha.HookFunction;
declare const after: Mocha.HookFunction;
declare const beforeEach: Mocha.HookFunction;
declare const afterEach: Mocha.HookFunction;
