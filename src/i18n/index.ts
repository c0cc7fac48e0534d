import { en } from './en.js';
import { ru } from './ru.js';
import type { StringOverrides, Strings } from './types.js';

export type { StringOverrides, Strings } from './types.js';

/** Built-in languages. Adding one is a new file and one line here; `lang` accepts exactly these keys. */
export const languages = { en, ru } satisfies Record<string, Strings>;

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
