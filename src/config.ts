/**
 * Attribute parsing and validation: pure functions from the element's raw property values to a checked config.
 * A bad value is an OzError 'invalid_attribute' naming the attribute and what is allowed; nothing falls back quietly.
 */
import { OzError } from './errors.js';
import { en } from './i18n/en.js';
import { LANGS, loadedStrings, type Lang, type Strings } from './i18n/index.js';
import { ACTIONS, type ActionTag } from './face/actions.ts';
import { issuerKeyProblem, type IssuerKey } from './api/session-token.ts';

export const ARCHITECTURES = ['normal', 'lite', 'capture'] as const;
export type Architecture = (typeof ARCHITECTURES)[number];

export const SESSION_TOKEN_SOURCES = ['api', 'client'] as const;
export type SessionTokenSource = (typeof SESSION_TOKEN_SOURCES)[number];

export const RESULT_MODES = ['safe', 'status', 'folder'] as const;
export type ResultMode = (typeof RESULT_MODES)[number];

export const FACING_MODES = ['user', 'environment'] as const;
export type FacingMode = (typeof FACING_MODES)[number];

/** `capture-media`: the recorder with a frame-sequence fallback, or frame sequences only. */
export const CAPTURE_MEDIA = ['auto', 'frames'] as const;
export type CaptureMedia = (typeof CAPTURE_MEDIA)[number];

/** `inline`: a box in the page (portrait in a portrait viewport); `fullscreen`: fills the viewport and its safe area. */
export const LAYOUTS = ['inline', 'fullscreen'] as const;
export type Layout = (typeof LAYOUTS)[number];

/** Action media tags of the Oz API, in the vendor's order. */
// The element runs the selfie liveness actions; document captures (photo_id_*) are not part of it.
export { ACTIONS, type ActionTag };

export { LANGS, type Lang };

/** The raw values as the element holds them (attributes already converted by Lit). */
export interface RawConfig {
  architecture?: string | null;
  useWasmContainer?: boolean;
  apiUseSessionToken?: string | null;
  sessionToken?: string | null;
  apiUrl?: string | null;
  action?: string | null;
  lang?: string | null;
  resultMode?: string | null;
  meta?: unknown;
  extractBestShot?: boolean;
  deviceId?: string | null;
  facingMode?: string | null;
  captureMedia?: string | null;
  assetsUrl?: string | null;
  issuerKey?: unknown;
  layout?: string | null;
}

/** A checked configuration: every value is one the rest of the SDK can act on. */
export interface OzConfig {
  architecture: Architecture;
  useWasmContainer: boolean;
  apiUseSessionToken: SessionTokenSource;
  sessionToken?: string;
  apiUrl?: string;
  actions: ActionTag[];
  lang: Lang;
  resultMode: ResultMode;
  meta: Record<string, unknown>;
  extractBestShot: boolean;
  deviceId?: string;
  facingMode: FacingMode;
  captureMedia: CaptureMedia;
  assetsUrl?: string;
  /** The pinned issuer key: session tokens must be signed by it. */
  issuerKey?: IssuerKey;
}

/** What went wrong with one attribute; carried as `details` of the 'invalid_attribute' error. */
export interface AttributeIssue {
  attribute: string;
  value: string;
  allowed?: readonly string[];
  reason?: string;
}

export const DEFAULTS = {
  architecture: 'normal',
  apiUseSessionToken: 'api',
  action: 'video_selfie_blank',
  lang: 'en',
  resultMode: 'safe',
  facingMode: 'user',
  captureMedia: 'auto',
} as const satisfies Partial<OzConfig> & { action: ActionTag };

const present = (value: string | null | undefined): value is string => value !== undefined && value !== null;

function invalid(issue: AttributeIssue, strings: Strings): OzError {
  const message = issue.allowed
    ? strings.invalidValue(issue.attribute, issue.value, issue.allowed)
    : strings.invalidFormat(issue.attribute, issue.value, issue.reason ?? '');
  return new OzError('invalid_attribute', message, issue);
}

/** One value out of a fixed list; an absent attribute gives the default, an empty or unknown one is an error. */
export function parseEnum<T extends string>(
  attribute: string,
  value: string | null | undefined,
  allowed: readonly T[],
  fallback: T,
  strings: Strings = en,
): T {
  if (!present(value)) return fallback;
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw invalid({ attribute, value, allowed }, strings);
}

/** `action`: comma-separated media tags, at least one, each known and listed once. */
export function parseActions(value: string | null | undefined, strings: Strings = en): ActionTag[] {
  if (!present(value)) return [DEFAULTS.action];
  const tags = value.split(',').map((tag) => tag.trim());
  if (tags.every((tag) => tag === '')) throw invalid({ attribute: 'action', value, allowed: ACTIONS }, strings);
  const seen = new Set<string>();
  for (const tag of tags) {
    if (!(ACTIONS as readonly string[]).includes(tag)) {
      throw invalid({ attribute: 'action', value: tag, allowed: ACTIONS }, strings);
    }
    if (seen.has(tag)) throw invalid({ attribute: 'action', value, reason: `"${tag}" is listed twice.` }, strings);
    seen.add(tag);
  }
  return tags as ActionTag[];
}

/**
 * Lit converter for the `meta` attribute: JSON text becomes a value, text that is not JSON stays a string so that
 * validation can report it (a converter must not throw: Lit would lose the error inside attributeChangedCallback).
 */
export const jsonAttributeConverter = {
  fromAttribute(value: string | null): unknown {
    if (value === null) return undefined;
    try {
      return JSON.parse(value) as unknown;
    } catch {
      return value;
    }
  },
};

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/** `meta`: a plain object of folder metadata (JSON in the attribute, an object in the property). */
export function parseMeta(value: unknown, strings: Strings = en): Record<string, unknown> {
  if (value === undefined || value === null) return {};
  if (isPlainObject(value)) {
    try {
      JSON.stringify(value);
    } catch (error) {
      throw invalid({ attribute: 'meta', value: '[object]', reason: `it cannot be sent as JSON (${String(error)}).` }, strings);
    }
    return value;
  }
  if (typeof value === 'string') {
    let reason = 'expected a JSON object such as {"transaction_id":"t-1"}.';
    try {
      JSON.parse(value);
    } catch (error) {
      reason = `it is not valid JSON (${(error as Error).message}); expected a JSON object such as {"transaction_id":"t-1"}.`;
    }
    throw invalid({ attribute: 'meta', value, reason }, strings);
  }
  throw invalid(
    { attribute: 'meta', value: JSON.stringify(value) ?? String(value), reason: 'expected a JSON object, not an array or a single value.' },
    strings,
  );
}

/** `issuer-key`: the session tokens' issuer's public JWK (JSON in the attribute, an object in the property). */
export function parseIssuerKey(value: unknown, strings: Strings = en): IssuerKey | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const problem = typeof value === 'string' ? 'it is not a JSON object.' : issuerKeyProblem(value);
  if (problem) {
    const shown = typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));
    throw invalid({ attribute: 'issuer-key', value: shown, reason: problem }, strings);
  }
  return value as IssuerKey;
}

/** A URL attribute (absolute, or relative to `base`); the empty string counts as absent. */
export function parseUrl(
  attribute: string,
  value: string | null | undefined,
  base: string,
  strings: Strings = en,
): string | undefined {
  if (!present(value) || value.trim() === '') return undefined;
  try {
    return new URL(value, base).href;
  } catch {
    throw invalid({ attribute, value, reason: 'it is not a valid URL.' }, strings);
  }
}

/** A free-text attribute that, when present, must not be blank (a blank device-id or token is a bug, not a choice). */
export function parseText(attribute: string, value: string | null | undefined, strings: Strings = en): string | undefined {
  if (!present(value)) return undefined;
  if (value.trim() === '') throw invalid({ attribute, value, reason: 'it is empty; remove the attribute instead.' }, strings);
  return value;
}

/**
 * Checks every attribute and returns the config, or throws the first OzError('invalid_attribute'). The language is
 * checked first so that the other messages can be in it; a bad `lang` itself is reported in English. By default the
 * messages come from the built-in table of `lang`, once loadStrings() has fetched it (English until then).
 */
export function resolveConfig(
  raw: RawConfig,
  base: string,
  stringsFor: (lang: Lang) => Strings = (lang) => loadedStrings(lang) ?? en,
): OzConfig {
  const lang = parseEnum('lang', raw.lang, LANGS, DEFAULTS.lang);
  const strings = stringsFor(lang);
  const config: OzConfig = {
    architecture: parseEnum('architecture', raw.architecture, ARCHITECTURES, DEFAULTS.architecture, strings),
    useWasmContainer: raw.useWasmContainer === true,
    apiUseSessionToken: parseEnum('api-use-session-token', raw.apiUseSessionToken, SESSION_TOKEN_SOURCES, DEFAULTS.apiUseSessionToken, strings),
    actions: parseActions(raw.action, strings),
    lang,
    resultMode: parseEnum('result-mode', raw.resultMode, RESULT_MODES, DEFAULTS.resultMode, strings),
    meta: parseMeta(raw.meta, strings),
    extractBestShot: raw.extractBestShot === true,
    facingMode: parseEnum('facing-mode', raw.facingMode, FACING_MODES, DEFAULTS.facingMode, strings),
    captureMedia: parseEnum('capture-media', raw.captureMedia, CAPTURE_MEDIA, DEFAULTS.captureMedia, strings),
  };
  const sessionToken = parseText('session-token', raw.sessionToken, strings);
  const apiUrl = parseUrl('api-url', raw.apiUrl, base, strings);
  const deviceId = parseText('device-id', raw.deviceId, strings);
  const assetsUrl = parseUrl('assets-url', raw.assetsUrl, base, strings);
  const issuerKey = parseIssuerKey(raw.issuerKey, strings);
  // The layout is the view's (CSS follows the attribute), not the check's; it is checked here so that a bad value is
  // reported like any other.
  parseEnum('layout', raw.layout, LAYOUTS, 'inline', strings);
  if (sessionToken !== undefined) config.sessionToken = sessionToken;
  if (apiUrl !== undefined) config.apiUrl = apiUrl;
  if (deviceId !== undefined) config.deviceId = deviceId;
  if (assetsUrl !== undefined) config.assetsUrl = assetsUrl;
  if (issuerKey !== undefined) config.issuerKey = issuerKey;
  return config;
}
