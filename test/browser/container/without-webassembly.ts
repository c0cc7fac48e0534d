// Imported first by no-webassembly.worker.ts: removes WebAssembly before the container worker module evaluates.
Reflect.deleteProperty(globalThis, 'WebAssembly');
