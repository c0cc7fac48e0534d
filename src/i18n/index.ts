import { en } from './en.js';
import type { StringOverrides, Strings } from './types.js';

export type { StringOverrides, Strings } from './types.js';

/** Built-in languages; `lang` accepts exactly these. */
export const LANGS = ['en', 'ru', 'es', 'de', 'fr', 'pt', 'tr', 'ar'] as const;

export type Lang = (typeof LANGS)[number];

/** Languages written right to left: the element lays itself out mirrored for them (the video stays as it is). */
export const RTL_LANGS: ReadonlySet<string> = new Set(['ar']);

/**
 * English ships with the element; every other table is its own module, fetched the first time its language is used,
 * so a page pays only for the languages it shows. Adding a language is a new file, one line here and one in LANGS.
 */
const loaders: Record<Exclude<Lang, 'en'>, () => Promise<Strings>> = {
  ru: () => import('./ru.ts').then((m) => m.ru),
  es: () => import('./es.ts').then((m) => m.es),
  de: () => import('./de.ts').then((m) => m.de),
  fr: () => import('./fr.ts').then((m) => m.fr),
  pt: () => import('./pt.ts').then((m) => m.pt),
  tr: () => import('./tr.ts').then((m) => m.tr),
  ar: () => import('./ar.ts').then((m) => m.ar),
};

const loaded: Partial<Record<Lang, Strings>> = { en };
const loading: Partial<Record<Lang, Promise<Strings>>> = {};

/** The built-in table for `lang` if it is already here (English always is), else undefined: see loadStrings(). */
export function loadedStrings(lang: Lang): Strings | undefined {
  return loaded[lang];
}

/**
 * The built-in table for `lang`, fetched once. A table that cannot be fetched (a broken deployment) gives English
 * rather than leaving the element without texts; it is not fetched again.
 */
export function loadStrings(lang: Lang): Promise<Strings> {
  if (lang === 'en') return Promise.resolve(en);
  return (loading[lang] ??= loaders[lang]().then(
    (table) => (loaded[lang] = table),
    () => (loaded[lang] = en),
  ));
}

/** `table` with a host's overrides on top; error messages merge one by one. */
export function resolveStrings(table: Strings, overrides?: StringOverrides): Strings {
  if (!overrides) return table;
  const { errors, ...texts } = overrides;
  // An explicit `undefined` in the overrides keeps the default instead of blanking the text.
  const defined = <T extends object>(o: T) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
  return { ...table, ...defined(texts), errors: { ...table.errors, ...defined(errors ?? {}) } };
}
