// A static host for the Node tests that build a page and drive it in Chromium: one MIME table and one folder server.
import { createServer, type Server } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, resolve, sep } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.bin': 'application/octet-stream',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
};

/** The content type a static host sends for `file`, by its extension. */
export function contentType(file: string): string {
  return TYPES[extname(file)] ?? 'application/octet-stream';
}

/**
 * Serves `dir` as a static host would: a path ending in `/` is its `index.html`, anything outside `dir` is 404.
 * `onRequest` sees every decoded path asked for.
 */
export function serveFolder(dir: string, onRequest?: (path: string) => void): Server {
  const root = resolve(dir);
  return createServer(async (req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://host').pathname);
    onRequest?.(path);
    const file = resolve(root, '.' + (path.endsWith('/') ? `${path}index.html` : path));
    try {
      if (!file.startsWith(root + sep)) throw new Error('outside the root');
      const body = await readFile(file);
      res.writeHead(200, { 'content-type': contentType(file) });
      res.end(body);
    } catch {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('not found');
    }
  });
}
