#!/usr/bin/env node
// Runs the TypeScript CLI under Node 20, which cannot load .ts files by itself.
import { register } from 'tsx/esm/api';

register();
await import('./oz-container.ts');
