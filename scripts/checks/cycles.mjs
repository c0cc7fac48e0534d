// Fails when the modules under a folder (default src/) import each other in a circle. Type-only imports count too:
// a circle of types still means two modules that cannot be read, moved or tested one without the other.
// Usage: node scripts/checks/cycles.mjs [folder]
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const SOURCE = /\.(m?ts|tsx|m?js)$/;

function sourceFiles(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return SOURCE.test(name) && !name.endsWith('.d.ts') ? [path] : [];
  });
}

/** The file a relative specifier names: sources import `./x.js` or `./x.ts` for `x.ts`. */
function resolveImport(from, specifier) {
  if (!specifier.startsWith('.')) return null;
  const base = resolve(dirname(from), specifier.replace(/\?.*$/, ''));
  const candidates = [base, base.replace(/\.js$/, '.ts'), base.replace(/\.mjs$/, '.mts'), `${base}.ts`, join(base, 'index.ts')];
  return candidates.find((path) => existsSync(path) && statSync(path).isFile()) ?? null;
}

/** The import graph of `root`: each file with the files it imports (statically, dynamically, or for types). */
export function importGraph(root) {
  const graph = new Map();
  for (const file of sourceFiles(root)) {
    const { importedFiles } = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
    const targets = importedFiles.map((ref) => resolveImport(file, ref.fileName)).filter((path) => path && path.startsWith(root));
    graph.set(file, [...new Set(targets)]);
  }
  return graph;
}

/** Every circle once, as the list of files around it (Tarjan's strongly connected components, then one path each). */
export function findCycles(graph) {
  const index = new Map(), low = new Map(), onStack = new Set(), stack = [], components = [];
  let counter = 0;
  const visit = (node) => {
    index.set(node, counter);
    low.set(node, counter++);
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node) ?? []) {
      if (!index.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node), low.get(next)));
      } else if (onStack.has(next)) low.set(node, Math.min(low.get(node), index.get(next)));
    }
    if (low.get(node) !== index.get(node)) return;
    const component = [];
    let member;
    do {
      member = stack.pop();
      onStack.delete(member);
      component.push(member);
    } while (member !== node);
    const selfImport = (graph.get(node) ?? []).includes(node);
    if (component.length > 1 || selfImport) components.push(new Set(component));
  };
  for (const node of graph.keys()) if (!index.has(node)) visit(node);
  return components.map((members) => pathAround(graph, members));
}

/** One circle through a component: from its first member back to it, staying inside the component. */
function pathAround(graph, members) {
  const [start] = [...members].sort();
  const previous = new Map([[start, null]]);
  const queue = [start];
  while (queue.length) {
    const node = queue.shift();
    for (const next of graph.get(node) ?? []) {
      if (!members.has(next)) continue;
      if (next === start) {
        const path = [];
        for (let at = node; at !== null; at = previous.get(at)) path.unshift(at);
        return [...path, start];
      }
      if (!previous.has(next)) {
        previous.set(next, node);
        queue.push(next);
      }
    }
  }
  return [start, start];
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const root = resolve(process.argv[2] ?? 'src');
  const cycles = findCycles(importGraph(root));
  for (const cycle of cycles) console.error(`import circle: ${cycle.map((file) => relative(process.cwd(), file)).join(' -> ')}`);
  if (cycles.length) process.exit(1);
  console.log(`no import circles in ${relative(process.cwd(), root) || '.'}`);
}
