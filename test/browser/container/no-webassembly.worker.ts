// The real container worker in a scope without WebAssembly (as in browsers where it is disabled by policy).
import './without-webassembly.ts';
import '../../../src/container/container.worker.ts';
