// The docs that are checked against the code: the troubleshooting page has one section per error code (and none
// for a code that does not exist), docs/reference.md is what custom-elements.json gives, and local links resolve.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { OZ_ERROR_CODES } from '../../src/errors.ts';

const exec = promisify(execFile);
const root = new URL('../../', import.meta.url).pathname;
const read = (path: string) => readFileSync(join(root, path), 'utf8');

/** GitHub's anchor for a heading: lower case, code marks and punctuation dropped, spaces to dashes. */
const anchor = (heading: string) =>
  heading
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .trim()
    .replace(/\s/g, '-');

const headings = (markdown: string, level: number) =>
  [...markdown.matchAll(new RegExp(`^${'#'.repeat(level)} (.+)$`, 'gm'))].map((m) => m[1]!.trim());

test('docs/troubleshooting.md has one section per error code, and only for codes that exist', () => {
  const doc = read('docs/troubleshooting.md');
  const sections = headings(doc, 2)
    .map((h) => /^`([^`]+)`$/.exec(h)?.[1])
    .filter((code): code is string => code !== undefined);
  const known = new Set<string>(OZ_ERROR_CODES);
  const missing = OZ_ERROR_CODES.filter((code) => !sections.includes(code));
  const unknown = sections.filter((code) => !known.has(code));
  const repeated = sections.filter((code, i) => sections.indexOf(code) !== i);
  assert.deepEqual(missing, [], `codes without a section: ${missing.join(', ')}`);
  assert.deepEqual(unknown, [], `sections for codes that do not exist: ${unknown.join(', ')}`);
  assert.deepEqual(repeated, [], `codes with more than one section: ${repeated.join(', ')}`);

  // Every section answers the same four questions.
  const bodies = doc.split(/^## /m).slice(1);
  for (const body of bodies) {
    const code = /^`([^`]+)`/.exec(body)?.[1];
    if (!code) continue;
    for (const part of ['**Means.**', '**When.**', '**The user sees.**', '**The host should.**']) {
      assert.ok(body.includes(part), `section ${code} lacks ${part}`);
    }
  }

  // The index links to sections by anchor: each must be a code and a section.
  const links = [...doc.matchAll(/\]\(#([^)]+)\)/g)].map((m) => m[1]!);
  const anchors = new Set(headings(doc, 2).map(anchor));
  for (const link of links) assert.ok(anchors.has(link), `#${link} names no section`);
  const indexed = new Set(links.filter((link) => known.has(link)));
  assert.deepEqual(
    OZ_ERROR_CODES.filter((code) => !indexed.has(code)),
    [],
    'every code is in the index table',
  );
});

test('docs/reference.md is current with custom-elements.json (scripts/docs/reference.mjs --check)', async () => {
  const script = join(root, 'scripts/docs/reference.mjs');
  const { stdout } = await exec(process.execPath, [script, '--check'], { cwd: root });
  assert.match(stdout, /matches custom-elements\.json/);

  // The check does fail on a stale copy, naming the file and the command that fixes it.
  const dir = await mkdtemp(join(tmpdir(), 'oz-docs-'));
  try {
    const stale = join(dir, 'reference.md');
    await writeFile(stale, read('docs/reference.md').replace('| `error` |', '| `failure` |'));
    const failed = await exec(process.execPath, [script, '--check', '--out', stale], { cwd: root }).then(
      () => null,
      (error: { code: number; stderr: string }) => error,
    );
    assert.ok(failed, 'the check passed on a stale file');
    assert.equal(failed.code, 1);
    assert.match(failed.stderr, /stale against custom-elements\.json: run `node scripts\/docs\/reference\.mjs`/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('docs/reference.md lists every slot, event and attribute of the manifest', () => {
  const manifest = JSON.parse(read('custom-elements.json')) as {
    modules: Array<{ declarations?: Array<{ customElement?: boolean; slots?: { name: string }[]; events?: { name: string }[]; attributes?: { name: string }[] }> }>;
  };
  const element = manifest.modules.flatMap((m) => m.declarations ?? []).find((d) => d.customElement)!;
  const reference = read('docs/reference.md');
  for (const { name } of [...(element.slots ?? []), ...(element.events ?? []), ...(element.attributes ?? [])]) {
    assert.ok(reference.includes(`| \`${name}\` |`), `${name} is not in docs/reference.md`);
  }
  assert.ok(element.slots?.some((s) => s.name === 'error'), 'the manifest has the error slot');
});

test('local links in README.md and docs/*.md point to files that exist', () => {
  const files = ['README.md', ...readdirSync(join(root, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];
  const broken: string[] = [];
  for (const file of files) {
    for (const [, target] of read(file).matchAll(/\]\(([^)\s]+)\)/g)) {
      if (/^[a-z]+:/i.test(target!) || target!.startsWith('#')) continue;
      const path = resolve(dirname(join(root, file)), decodeURI(target!.split('#')[0]!));
      if (!existsSync(path)) broken.push(`${file}: ${target}`);
    }
  }
  assert.deepEqual(broken, []);
});
