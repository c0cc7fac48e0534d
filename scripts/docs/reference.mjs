// Writes docs/reference.md from custom-elements.json: attributes, properties, methods, events, CSS parts, CSS custom
// properties and slots of every custom element, in the order of the JSDoc, so the reference never drifts from the
// manifest. `--check` writes nothing and exits 1 when the file differs from what the manifest gives.
//   node scripts/docs/reference.mjs [--check] [--manifest FILE] [--out FILE]
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** A table cell: one line, pipes escaped (also inside code spans, as GitHub's tables need). */
const cell = (text) => (text ?? '').replace(/\s*\n\s*/g, ' ').replace(/\|/g, '\\|').trim();
const code = (text) => (text ? `\`${cell(text)}\`` : '');

/** A Markdown table; a column other than the first that is empty in every row is left out. */
function table(head, rows) {
  if (rows.length === 0) return '';
  const keep = head.map((_, i) => i === 0 || rows.some((row) => row[i]));
  const pick = (row) => row.filter((_, i) => keep[i]);
  const line = (row) => `| ${pick(row).join(' | ')} |`;
  return [line(head), line(head.map(() => '---')), ...rows.map(line)].join('\n');
}

const isPublic = (member) => !member.static && (member.privacy ?? 'public') === 'public' && !/^[#_]/.test(member.name);

/** `CustomEvent<OzStateDetail>` -> `OzStateDetail`; any other event type stays as written. */
function detailType(type) {
  const match = /^CustomEvent<(.+)>$/.exec(type?.text ?? '');
  return match ? match[1] : (type?.text ?? '');
}

function signature(method) {
  const params = (method.parameters ?? []).map((p) => `${p.name}${p.optional ? '?' : ''}${p.type?.text ? `: ${p.type.text}` : ''}`);
  return `${method.name}(${params.join(', ')})${method.return?.type?.text ? `: ${method.return.type.text}` : ''}`;
}

function section(title, intro, body) {
  return body ? `## ${title}\n\n${intro ? `${intro}\n\n` : ''}${body}\n` : `## ${title}\n\nNone.\n`;
}

function element(module, declaration) {
  const members = declaration.members ?? [];
  const attributes = declaration.attributes ?? [];
  const withAttribute = new Set(attributes.map((a) => a.fieldName).filter(Boolean));
  const fields = members.filter((m) => m.kind === 'field' && isPublic(m) && !withAttribute.has(m.name));
  const methods = members.filter((m) => m.kind === 'method' && isPublic(m));
  const reflected = new Set(members.filter((m) => m.reflects).map((m) => m.name));
  const out = [];
  out.push(`# \`<${declaration.tagName}>\` reference\n`);
  out.push(
    `Generated from \`custom-elements.json\` by \`scripts/docs/reference.mjs\`; edit the JSDoc in \`${module.path}\`, ` +
      'regenerate the manifest (`npm run analyze`), then run `node scripts/docs/reference.mjs`.\n',
  );
  if (declaration.summary) out.push(`${declaration.summary}\n`);
  if (declaration.description && declaration.description !== declaration.summary) out.push(`${declaration.description}\n`);
  out.push(`Class \`${declaration.name}\` (\`${module.path}\`), tag \`<${declaration.tagName}>\`.\n`);
  out.push(
    section(
      'Attributes',
      'Each attribute has a property of the name given; setting either sets both. Reflected: the property writes the attribute back.',
      table(
        ['Attribute', 'Property', 'Type', 'Default', 'Description'],
        attributes.map((a) => [
          code(a.name),
          code(a.fieldName) + (reflected.has(a.fieldName) ? ' (reflected)' : ''),
          code(a.type?.text),
          code(a.default),
          cell(a.description),
        ]),
      ),
    ),
  );
  out.push(
    section(
      'Properties',
      'Properties without an attribute (objects, functions, read-only state).',
      table(
        ['Property', 'Type', 'Default', 'Description'],
        fields.map((f) => [code(f.name) + (f.readonly ? ' (read-only)' : ''), code(f.type?.text), code(f.default), cell(f.description)]),
      ),
    ),
  );
  out.push(section('Methods', '', table(['Method', 'Description'], methods.map((m) => [code(signature(m)), cell(m.description)]))));
  out.push(
    section(
      'Events',
      'Every event is a `CustomEvent`; the detail types are defined in `src/events.ts`.',
      table(
        ['Event', 'Detail', 'Description'],
        (declaration.events ?? []).map((e) => [code(e.name), code(detailType(e.type)), cell(e.description)]),
      ),
    ),
  );
  out.push(
    section('CSS parts', 'Styled from the page with `oz-liveness::part(name)`.', table(['Part', 'Description'], (declaration.cssParts ?? []).map((p) => [code(p.name), cell(p.description)]))),
  );
  out.push(
    section(
      'CSS custom properties',
      '',
      table(['Property', 'Default', 'Description'], (declaration.cssProperties ?? []).map((p) => [code(p.name), code(p.default), cell(p.description)])),
    ),
  );
  out.push(
    section(
      'Slots',
      'Named slots: give a child element `slot="name"` and it replaces that part of the screen.',
      table(['Slot', 'Description'], (declaration.slots ?? []).map((s) => [s.name ? code(s.name) : '(default)', cell(s.description)])),
    ),
  );
  return out.join('\n');
}

/** The Markdown for every custom element of the manifest, modules in path order. */
export function renderReference(manifest) {
  const elements = [];
  const modules = [...(manifest.modules ?? [])].sort((a, b) => a.path.localeCompare(b.path));
  for (const module of modules) {
    for (const declaration of module.declarations ?? []) {
      if (declaration.customElement && declaration.tagName) elements.push(element(module, declaration));
    }
  }
  if (elements.length === 0) throw new Error('custom-elements.json declares no custom element');
  // Markdown tables leave no trailing spaces; one newline at the end.
  return `${elements.join('\n').replace(/[ \t]+$/gm, '').replace(/\n{3,}/g, '\n\n').trimEnd()}\n`;
}

function option(args, name, fallback) {
  const at = args.indexOf(name);
  if (at < 0) return fallback;
  const value = args[at + 1];
  if (!value || value.startsWith('--')) throw new Error(`${name} needs a file name`);
  return resolve(value);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const manifestPath = option(args, '--manifest', resolve(root, 'custom-elements.json'));
  const outPath = option(args, '--out', resolve(root, 'docs/reference.md'));
  const markdown = renderReference(JSON.parse(readFileSync(manifestPath, 'utf8')));
  const shown = relative(process.cwd(), outPath) || outPath;
  if (args.includes('--check')) {
    if (!existsSync(outPath) || readFileSync(outPath, 'utf8') !== markdown) {
      console.error(`${shown} is stale against custom-elements.json: run \`node scripts/docs/reference.mjs\` and commit the result.`);
      process.exit(1);
    }
    console.log(`${shown} matches custom-elements.json.`);
  } else {
    writeFileSync(outPath, markdown);
    console.log(`wrote ${shown}`);
  }
}
