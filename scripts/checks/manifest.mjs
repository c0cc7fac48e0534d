// Fails when custom-elements.json no longer matches what the analyzer makes from src/ (run `npm run analyze`).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, existsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';

// Module order follows the file system's directory order, which differs between machines; compare by path.
const canonical = (manifest) =>
  JSON.stringify({ ...manifest, modules: [...(manifest?.modules ?? [])].sort((a, b) => a.path.localeCompare(b.path)) });

const dir = mkdtempSync(join(tmpdir(), 'cem-'));
// The analyzer joins --outdir onto the working directory and records it as "customElements" in package.json.
const packageJson = readFileSync('package.json', 'utf8');
let fresh;
try {
  execFileSync('npx', ['cem', 'analyze', '--litelement', '--globs', 'src/**/*.ts', '--outdir', relative(process.cwd(), dir)], { stdio: 'pipe' });
  fresh = JSON.parse(readFileSync(join(dir, 'custom-elements.json'), 'utf8'));
} finally {
  writeFileSync('package.json', packageJson);
  rmSync(dir, { recursive: true, force: true });
}
const committed = existsSync('custom-elements.json') ? JSON.parse(readFileSync('custom-elements.json', 'utf8')) : null;
if (canonical(fresh) !== canonical(committed)) {
  console.error('custom-elements.json is stale against src/: run `npm run analyze` and commit the result.');
  process.exit(1);
}
console.log('custom-elements.json matches src/.');
