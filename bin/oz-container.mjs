#!/usr/bin/env node
// Runs the TypeScript CLI from the sources under Node 20, which cannot load .ts files by itself. For this repository
// only: the published package's bin is dist/cli.mjs, the same CLI bundled to plain JavaScript by `npm run build`.
import { register } from 'tsx/esm/api';

register();
await import('./oz-container.ts');
