// The import-circle check that `npm test` runs over src/: it passes on the sources as they are, and fails, naming the
// circle, on a folder where two modules import each other (one of them for a type only).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const exec = promisify(execFile);
const root = new URL('../../', import.meta.url).pathname;
const check = (folder: string) => exec(process.execPath, ['scripts/checks/cycles.mjs', folder], { cwd: root });

test('src/ has no import circles', async () => {
  const { stdout } = await check('src');
  assert.match(stdout, /no import circles in src/);
});

test('a circle made on purpose fails the check and is named', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'oz-cycles-'));
  try {
    await mkdir(join(dir, 'i18n'));
    // The same shape src/errors.ts and src/i18n/types.ts once had: a value import one way, a type import back.
    await writeFile(join(dir, 'errors.ts'), "import type { Strings } from './i18n/types.js';\nexport type Code = 'x';\nexport const s = (t: Strings) => t;\n");
    await writeFile(join(dir, 'i18n', 'types.ts'), "import type { Code } from '../errors.js';\nexport interface Strings { code: Code }\n");
    await writeFile(join(dir, 'leaf.ts'), "import { s } from './errors.ts';\nexport default s;\n");
    await assert.rejects(check(dir), (error: { code?: number; stderr?: string }) => {
      assert.equal(error.code, 1);
      assert.match(error.stderr ?? '', /import circle: .*errors\.ts -> .*i18n\/types\.ts -> .*errors\.ts/);
      assert.doesNotMatch(error.stderr ?? '', /leaf\.ts/);
      return true;
    });
    // Breaking the circle makes the same folder pass.
    await writeFile(join(dir, 'i18n', 'types.ts'), "export interface Strings { code: string }\n");
    const { stdout } = await check(dir);
    assert.match(stdout, /no import circles/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
