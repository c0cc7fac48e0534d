import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';

/** Vendor user roles the emulator knows. CLIENT_OPERATOR may read but not create (error 9 on writes). */
export type AccountRole = 'CLIENT' | 'CLIENT_ADMIN' | 'CLIENT_OPERATOR';

export interface EmulatorAccount {
  email: string;
  password: string;
  role: AccountRole;
}

/** What the quality analysis reports. AUTO: the emulator's own verdict (authentic and well-formed media: SUCCESS). */
export type ForcedResolution = 'AUTO' | 'SUCCESS' | 'DECLINED' | 'OPERATOR_REQUIRED' | 'PROCESSING';

export const FORCED_RESOLUTIONS: readonly ForcedResolution[] = [
  'AUTO',
  'SUCCESS',
  'DECLINED',
  'OPERATOR_REQUIRED',
  'PROCESSING',
];

/** What a caller holding only a session token (a page) sees of a folder's analyses. */
export type PageResultMode = 'safe' | 'status';

export const PAGE_RESULT_MODES: readonly PageResultMode[] = ['safe', 'status'];

export interface BackendExampleConfig {
  /** Serve the host-backend example routes under /backend. Off unless asked for: they act with an account's rights. */
  enabled: boolean;
  /** Page origins whose requests the example serves (a same-origin page of this server too); others get 403. */
  origins: string[];
  /** Largest body it forwards: a container, or a whole multipart form. */
  bodyLimitBytes: number;
  /** Oz API the example backend talks to; empty: this emulator's own listening address. */
  apiUrl: string;
  /** Credentials of the example backend; empty: the first account. */
  email: string;
  password: string;
}

export interface EmulatorConfig {
  /** Folder for the SQLite file and the media files. */
  dataDir: string;
  accounts: EmulatorAccount[];
  /** Page origins allowed by CORS and, with `webAdapter`, to get session tokens and upload without an access token. */
  allowedOrigins: string[];
  /** Play the vendor's web-adapter role for `api-use-session-token="api"`: token-less calls from allowed pages. */
  webAdapter: boolean;
  /** Account that owns sessions and folders created by pages without an access token; empty: the first account. */
  webAdapterAccount: string;
  accessTokenTtlSeconds: number;
  refreshTokenTtlSeconds: number;
  sessionTokenTtlSeconds: number;
  /** Largest request body (container or whole multipart form). */
  bodyLimitBytes: number;
  /** Largest number of media files in one folder. */
  maxMediaFiles: number;
  /** Uploads read and opened at the same time; more wait in a queue of `maxQueuedUploads`, then get 429. */
  maxConcurrentUploads: number;
  maxQueuedUploads: number;
  /** `safe`: pages learn the folder's and analyses' states only; `status`: also each analysis's resolution. */
  pageResultMode: PageResultMode;
  /** Take the classic form from a page (a session token alone); false: only with an access token (a backend). */
  pageForms: boolean;
  /** Honour the `emulator_resolution` / `emulator_processing_polls` keys of `folder:meta_data` (test switches). */
  metaSwitches: boolean;
  resolution: ForcedResolution;
  /** With PROCESSING: the analysis stays PROCESSING for this many reads of it (or of its folder). */
  processingPolls: number;
  /** With PROCESSING: ...or until this many seconds passed, whichever comes first (0: reads only). */
  processingSeconds: number;
  /** ES384 signing key as a private JWK on P-384; absent: a fresh key at every start. */
  signingKey?: Record<string, unknown>;
  /** Secret (base64url, at least 32 bytes) the sessions' HPKE keys derive from; absent: random at every start. */
  sessionSecret?: string;
  backendExample: BackendExampleConfig;
}

/** Largest body of a JSON route, and of any request no route reads more of. */
export const JSON_BODY_LIMIT = 64 * 1024;

export const DEFAULT_EMAIL = 'developer@oz-emulator.test';
export const DEFAULT_PASSWORD = 'emulator';

export function defaultConfig(): EmulatorConfig {
  return {
    dataDir: resolve('data'),
    accounts: [{ email: DEFAULT_EMAIL, password: DEFAULT_PASSWORD, role: 'CLIENT' }],
    allowedOrigins: ['http://localhost:5173', 'http://127.0.0.1:5173'],
    webAdapter: true,
    webAdapterAccount: '',
    accessTokenTtlSeconds: 3600,
    refreshTokenTtlSeconds: 7 * 24 * 3600,
    sessionTokenTtlSeconds: 300,
    bodyLimitBytes: 64 * 1024 * 1024,
    maxMediaFiles: 32,
    maxConcurrentUploads: 4,
    maxQueuedUploads: 64,
    pageResultMode: 'safe',
    pageForms: true,
    metaSwitches: false,
    resolution: 'AUTO',
    processingPolls: 2,
    processingSeconds: 0,
    backendExample: { enabled: false, origins: [], bodyLimitBytes: 64 * 1024 * 1024, apiUrl: '', email: '', password: '' },
  };
}

export type EmulatorOptions = Partial<Omit<EmulatorConfig, 'backendExample'>> & {
  backendExample?: Partial<BackendExampleConfig>;
};

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Defaults, then `options`, checked: a wrong value stops the start with a message naming the key. */
export function resolveConfig(options: EmulatorOptions = {}): EmulatorConfig {
  const base = defaultConfig();
  const config: EmulatorConfig = {
    ...base,
    ...stripUndefined(options),
    backendExample: { ...base.backendExample, ...stripUndefined(options.backendExample ?? {}) },
  };
  config.dataDir = resolve(config.dataDir);
  if (!Array.isArray(config.accounts) || config.accounts.length === 0) throw new ConfigError('accounts: at least one account is needed');
  config.accounts = config.accounts.map((account) => ({ ...account }));
  for (const [i, account] of config.accounts.entries()) {
    if (typeof account.email !== 'string' || !account.email) throw new ConfigError(`accounts[${i}].email: a non-empty string is needed`);
    if (typeof account.password !== 'string' || !account.password) throw new ConfigError(`accounts[${i}].password: a non-empty string is needed`);
    account.role ??= 'CLIENT';
    if (!['CLIENT', 'CLIENT_ADMIN', 'CLIENT_OPERATOR'].includes(account.role)) {
      throw new ConfigError(`accounts[${i}].role: one of CLIENT, CLIENT_ADMIN, CLIENT_OPERATOR`);
    }
  }
  if (!Array.isArray(config.allowedOrigins) || config.allowedOrigins.some((o) => typeof o !== 'string')) {
    throw new ConfigError('allowedOrigins: a list of origins such as "http://localhost:5173", or "*"');
  }
  for (const key of ['accessTokenTtlSeconds', 'refreshTokenTtlSeconds', 'sessionTokenTtlSeconds', 'bodyLimitBytes', 'maxMediaFiles', 'maxConcurrentUploads'] as const) {
    if (!Number.isFinite(config[key]) || config[key] <= 0) throw new ConfigError(`${key}: a positive number is needed`);
  }
  if (!Number.isInteger(config.maxQueuedUploads) || config.maxQueuedUploads < 0) throw new ConfigError('maxQueuedUploads: zero or a positive integer is needed');
  if (!PAGE_RESULT_MODES.includes(config.pageResultMode)) throw new ConfigError(`pageResultMode: one of ${PAGE_RESULT_MODES.join(', ')}`);
  for (const key of ['metaSwitches', 'pageForms', 'webAdapter'] as const) {
    if (typeof config[key] !== 'boolean') throw new ConfigError(`${key}: true or false`);
  }
  const backend = config.backendExample;
  if (!Array.isArray(backend.origins) || backend.origins.some((o) => typeof o !== 'string')) {
    throw new ConfigError('backendExample.origins: a list of page origins such as "http://localhost:5173"');
  }
  if (!Number.isFinite(backend.bodyLimitBytes) || backend.bodyLimitBytes <= 0) throw new ConfigError('backendExample.bodyLimitBytes: a positive number is needed');
  for (const key of ['processingPolls', 'processingSeconds'] as const) {
    if (!Number.isFinite(config[key]) || config[key] < 0) throw new ConfigError(`${key}: zero or a positive number is needed`);
  }
  if (!FORCED_RESOLUTIONS.includes(config.resolution)) throw new ConfigError(`resolution: one of ${FORCED_RESOLUTIONS.join(', ')}`);
  if (config.webAdapterAccount && !config.accounts.some((a) => a.email === config.webAdapterAccount)) {
    throw new ConfigError('webAdapterAccount: must be the email of a configured account');
  }
  return config;
}

/**
 * Options from the config file and the environment, for the command line and `npm start`.
 * The file is OZ_EMULATOR_CONFIG, else server/emulator.config.json when present; environment variables win over it.
 */
export function loadConfigOptions(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): EmulatorOptions {
  const explicit = env.OZ_EMULATOR_CONFIG;
  const file = explicit ? resolve(cwd, explicit) : resolve(cwd, 'server/emulator.config.json');
  let options: EmulatorOptions = {};
  if (explicit && !existsSync(file)) throw new ConfigError(`OZ_EMULATOR_CONFIG: no file at ${file}`);
  if (existsSync(file)) {
    try {
      options = JSON.parse(readFileSync(file, 'utf8')) as EmulatorOptions;
    } catch (error) {
      throw new ConfigError(`${file}: not valid JSON (${(error as Error).message})`);
    }
    if (options.dataDir) options.dataDir = resolve(cwd, options.dataDir);
  }
  if (env.OZ_EMULATOR_EMAIL || env.OZ_EMULATOR_PASSWORD) {
    const first = options.accounts?.[0] ?? { email: DEFAULT_EMAIL, password: DEFAULT_PASSWORD, role: 'CLIENT' as const };
    const replaced = { ...first, email: env.OZ_EMULATOR_EMAIL || first.email, password: env.OZ_EMULATOR_PASSWORD || first.password };
    options.accounts = [replaced, ...(options.accounts?.slice(1) ?? [])];
  }
  if (env.OZ_EMULATOR_DATA_DIR) options.dataDir = resolve(cwd, env.OZ_EMULATOR_DATA_DIR);
  if (env.OZ_EMULATOR_ORIGINS !== undefined) {
    options.allowedOrigins = env.OZ_EMULATOR_ORIGINS.split(',').map((o) => o.trim()).filter(Boolean);
  }
  if (env.OZ_EMULATOR_RESOLUTION) options.resolution = env.OZ_EMULATOR_RESOLUTION.toUpperCase() as ForcedResolution;
  if (env.OZ_EMULATOR_PAGE_RESULT_MODE) options.pageResultMode = env.OZ_EMULATOR_PAGE_RESULT_MODE.toLowerCase() as PageResultMode;
  const flags = { OZ_EMULATOR_META_SWITCHES: 'metaSwitches', OZ_EMULATOR_PAGE_FORMS: 'pageForms' } as const;
  for (const [name, key] of Object.entries(flags)) {
    const value = env[name];
    if (value === undefined || value === '') continue;
    if (!['0', '1', 'true', 'false'].includes(value)) throw new ConfigError(`${name}: 1 or 0, got "${value}"`);
    options[key] = value === '1' || value === 'true';
  }
  const numbers = {
    OZ_EMULATOR_PROCESSING_POLLS: 'processingPolls',
    OZ_EMULATOR_PROCESSING_SECONDS: 'processingSeconds',
    OZ_EMULATOR_SESSION_TTL: 'sessionTokenTtlSeconds',
    OZ_EMULATOR_BODY_LIMIT: 'bodyLimitBytes',
    OZ_EMULATOR_MAX_UPLOADS: 'maxConcurrentUploads',
  } as const;
  for (const [name, key] of Object.entries(numbers)) {
    const value = env[name];
    if (value === undefined || value === '') continue;
    const parsed = Number(value);
    if (!Number.isFinite(parsed)) throw new ConfigError(`${name}: a number is needed, got "${value}"`);
    options[key] = parsed;
  }
  return options;
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
