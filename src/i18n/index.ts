import { ar } from './ar.ts';
import { de } from './de.ts';
import { en } from './en.js';
import { es } from './es.ts';
import { fr } from './fr.ts';
import { pt } from './pt.ts';
import { ru } from './ru.js';
import { tr } from './tr.ts';
import type { StringOverrides, Strings } from './types.js';

export type { StringOverrides, Strings } from './types.js';

/** Built-in languages. Adding one is a new file and one line here; `lang` accepts exactly these keys. */
export const languages = { en, ru, es, de, fr, pt, tr, ar } satisfies Record<string, Strings>;

/** Languages written right to left: the element lays itself out mirrored for them (the video stays as it is). */
export const RTL_LANGS: ReadonlySet<string> = new Set(['ar']);

export type Lang = keyof typeof languages;

export const LANGS = Object.keys(languages) as Lang[];

/** The table for `lang` with a host's overrides on top; error messages merge one by one. */
export function resolveStrings(lang: Lang, overrides?: StringOverrides): Strings {
  const base = languages[lang];
  if (!overrides) return base;
  const { errors, ...texts } = overrides;
  // An explicit `undefined` in the overrides keeps the default instead of blanking the text.
  const defined = <T extends object>(o: T) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
  return { ...base, ...defined(texts), errors: { ...base.errors, ...defined(errors ?? {}) } };
}
